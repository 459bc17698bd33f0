#!/usr/bin/env python3
"""Summarises tools/rmhub-bench/external/bench.sh's results.tsv as Markdown tables.

Per workload and level of concurrent streams (30 s deadlines): the median over the rounds of
calls/s, p50, p99 and CPU per call, and the non-OK / shed counts summed over the rounds. Then the
composed floor 1/(1/bare + 1/raw) per level from the medians, and the ratio of GetCustomer and
GetMember to it; then the short-deadline run. Exits 1 when a workload has no OK calls.
"""
import csv
import re
import statistics
import sys
from collections import defaultdict


def num(value):
    try:
        return float(value)
    except ValueError:
        return None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def db_per_call(note, key):
    m = re.search(key + r"/call=([0-9.]+)", note)
    return float(m.group(1)) if m else None


def count(note, key):
    m = re.search(r"(?:^| )" + re.escape(key) + r"=([0-9]+)", note)
    return int(m.group(1)) if m else 0


# Streams still open when h2load's duration ends are reset by it; gRPC 1.51 reports them as
# CANCELLED, or UNIMPLEMENTED when the reset beats the call's matching to its method.
RESET_CODES = ("CANCELLED", "UNIMPLEMENTED")
CAPACITY_SHED = ("shed.queue_full", "shed.deadline_unreachable", "shed.queue_wait_too_long",
                 "shed.expired", "shed.queue_timeout", "shed.stopped")


def codes(note):
    """The note without the per-call database figures."""
    return re.sub(r"db_[a-z]+/call=[0-9.]+ ?", "", note).strip()


def main(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    cells = defaultdict(list)
    short = []
    for row in rows:
        if row["deadline"] in ("30s", "-"):
            cells[(row["workload"], int(row["streams"]))].append(row)
        else:
            short.append(row)
    levels = sorted({streams for _, streams in cells})
    order = ["bare", "raw", "raw-needs", "get-customer", "get-member", "create-task", "list-tasks"]
    rate = {}
    bad = []
    print("| workload | streams | rounds | calls/s (median) | calls/s per round | p50 ms | p99 ms "
          "| RESOURCE_EXHAUSTED | shed by the queue | other non-OK | reset at the end of the run "
          "| server CPU µs/call | mysqld CPU µs/call | DB statements/call | DB BEGIN/call |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for workload in order:
        for streams in levels:
            group = cells.get((workload, streams))
            if not group:
                continue
            rps = [num(r["calls_per_s"]) for r in group]
            rate[(workload, streams)] = med(rps)
            ok = sum(int(r["ok"]) for r in group)
            if ok == 0:
                bad.append(f"{workload}@{streams}")
            service = group[0]["shed"] != "-"
            not_ok = sum(int(r["not_ok"]) for r in group)
            exhausted = sum(count(r["note"], "RESOURCE_EXHAUSTED") for r in group)
            resets = sum(count(r["note"], c) for r in group for c in RESET_CODES)
            queue_shed = sum(count(r["note"], c) for r in group for c in CAPACITY_SHED)
            other = not_ok - exhausted - resets
            server_cpu = med([num(r["server_cpu_us"]) for r in group])
            if workload.startswith("raw"):
                server_cpu = med([num(r["driver_cpu_us"]) for r in group])
            stmts = med([db_per_call(r["note"], "db_statements") for r in group])
            begins = med([db_per_call(r["note"], "db_begin") for r in group])
            print(f"| {workload} | {streams} | {len(group)} | {fmt(med(rps))} | "
                  f"{' / '.join(fmt(v) for v in rps)} | "
                  f"{fmt(med([num(r['p50_ms']) for r in group]), 2)} | "
                  f"{fmt(med([num(r['p99_ms']) for r in group]), 2)} | "
                  f"{exhausted if service else '–'} | {queue_shed if service else '–'} | "
                  f"{other if service else not_ok} | {resets if service else '–'} | "
                  f"{fmt(server_cpu)} | {fmt(med([num(r['mysqld_cpu_us']) for r in group]))} | "
                  f"{fmt(stmts, 2)} | {fmt(begins, 2)} |")
    print()
    print("| streams | bare | raw | composed floor | GetCustomer | GetCustomer / floor "
          "| GetMember | GetMember / floor | GetCustomer / its 32-stream rate |")
    print("|---|---|---|---|---|---|---|---|---|")
    for streams in levels:
        bare = rate.get(("bare", streams))
        raw = rate.get(("raw", streams))
        floor = 1 / (1 / bare + 1 / raw) if bare and raw else None
        gc = rate.get(("get-customer", streams))
        gm = rate.get(("get-member", streams))
        base = rate.get(("get-customer", 32))
        print(f"| {streams} | {fmt(bare)} | {fmt(raw)} | {fmt(floor)} | {fmt(gc)} | "
              f"{fmt(gc / floor if gc and floor else None, 2)} | {fmt(gm)} | "
              f"{fmt(gm / floor if gm and floor else None, 2)} | "
              f"{fmt(gc / base if gc and base else None, 2)} |")
    if any(w in ("create-task", "list-tasks") for w, _ in cells):
        # The task service (issue 9) beside the gRPC floor of the same run; its raw-query floors
        # (a raw insert transaction, a raw indexed select) are not measured yet.
        print()
        print("| streams | bare | CreateTask | CreateTask / bare | ListTasks | ListTasks / bare |")
        print("|---|---|---|---|---|---|")
        for streams in levels:
            bare = rate.get(("bare", streams))
            ct = rate.get(("create-task", streams))
            lt = rate.get(("list-tasks", streams))
            print(f"| {streams} | {fmt(bare)} | {fmt(ct)} | "
                  f"{fmt(ct / bare if ct and bare else None, 2)} | {fmt(lt)} | "
                  f"{fmt(lt / bare if lt and bare else None, 2)} |")
    if short:
        print()
        print("| workload | streams | deadline | answered calls/s (every code) | p50 ms | p99 ms | OK | non-OK "
              "| shed | executed | executed − OK | breakdown |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in short:
            executed_minus_ok = int(r["executed"]) - int(r["ok"])
            print(f"| {r['workload']} | {r['streams']} | {r['deadline']} | "
                  f"{fmt(num(r['calls_per_s']))} | {r['p50_ms']} | {r['p99_ms']} | {r['ok']} | "
                  f"{r['not_ok']} | {r['shed']} | {r['executed']} | {executed_minus_ok} | "
                  f"{codes(r['note'])} |")
    if bad:
        print(f"\nno OK calls: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
