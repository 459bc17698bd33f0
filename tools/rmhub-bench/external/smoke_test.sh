#!/usr/bin/env bash
# Smoke test of the external benchmark (bench.sh): a tiny run (8 streams, one round, 1 s per
# measurement, the task service's CreateTask and ListTasks too, a 50 ms-deadline run at 8
# streams) must produce a parseable results.tsv and
# summary, every workload with OK calls, and no RESOURCE_EXHAUSTED at 8 streams with 30 s
# deadlines. It asserts no timing.
#   smoke_test.sh <build dir>
set -uo pipefail
build=${1:?build dir}
out=$(mktemp -d /tmp/rmhub-extbench-smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT
failed=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok - $what"; else echo "not ok - $what"; failed=1; fi
}
timeout 600 "$(dirname "$0")/bench.sh" --build "$build" --out "$out" --levels 8 --rounds 1 \
  --duration 1 --warmup 1 --short_level 8 --short_duration 1 \
  --workloads bare,raw,get-customer,get-member,create-task,list-tasks >"$out/stdout" 2>"$out/stderr"
rc=$?
check "bench.sh exits 0 (got $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || { tail -30 "$out/stderr"; for f in "$out"/logs/*.log; do echo "== $f"; tail -5 "$f"; done; exit 1; }
check "results.tsv: a header and 7 rows" test "$(wc -l <"$out/results.tsv")" -eq 8
# Columns: round workload streams deadline calls_per_s p50 p99 ok not_ok shed executed ...
for workload in bare raw get-customer get-member create-task list-tasks; do
  ok=$(awk -F'\t' -v w="$workload" '$2 == w && ($4 == "30s" || $4 == "-") { print $8 }' "$out/results.tsv")
  check "$workload: OK calls counted (got '${ok}')" test "${ok:-0}" -gt 0
  rate=$(awk -F'\t' -v w="$workload" '$2 == w && ($4 == "30s" || $4 == "-") { print $5 }' "$out/results.tsv")
  check "$workload: a numeric rate (got '${rate}')" grep -Eq '^[0-9]+(\.[0-9]+)?$' <<<"$rate"
done
for workload in get-customer get-member create-task list-tasks; do
  check "$workload: no RESOURCE_EXHAUSTED at 8 streams, 30 s deadlines" \
    bash -c "! awk -F'\t' '\$2 == \"$workload\" && \$4 == \"30s\"' '$out/results.tsv' | grep -q RESOURCE_EXHAUSTED"
done
short=$(awk -F'\t' '$4 == "50ms" { print $8, $11 }' "$out/results.tsv")
check "50 ms run: OK and executed counts from the metrics (got '$short')" \
  grep -Eq '^[0-9]+ [0-9]+$' <<<"$short"
check "summary.md: the floor table" grep -q '^| streams | bare | raw | composed floor' "$out/summary.md"
check "summary.md: a GetCustomer / floor ratio at 8 streams" \
  grep -Eq '^\| 8 \| [0-9,]+ \| [0-9,]+ \| [0-9,]+ \| [0-9,]+ \| [0-9.]+ \|' "$out/summary.md"
check "summary.md: the task table with a ListTasks / bare ratio at 8 streams" \
  grep -Eq '^\| 8 \| [0-9,]+ \| [0-9,]+ \| [0-9.]+ \| [0-9,]+ \| [0-9.]+ \|$' "$out/summary.md"
[ "$failed" -eq 0 ] || { cat "$out/results.tsv" "$out/summary.md"; exit 1; }
