#!/usr/bin/env bash
# End to end (issue 13): team_server on a 3-node MariaDB Galera cluster, one node killed under
# write load, twice — first the node the service writes to, then a node it does not use — and
# each brought back (IST/SST).
#   galera_failover_test.sh <team_server> <rmhubctl> <galera.sh> <galera_cap_race>
# Asserted: every acknowledged write (rmhubctl exit 0) is present on every node afterwards; calls
# during the failover fail with UNAVAILABLE or DEADLINE_EXCEEDED only (no INTERNAL, no other
# code); health stays SERVING while a node is reachable, turns NOT_SERVING when none is; the
# pool's failover counter moved; the service recovers alone. Measured and printed (not asserted):
# the failover time (from kill -9 to the first call that succeeded after it) and the failed-call
# count, for docs/benchmarks.md.
set -uo pipefail

server_bin=${1:?team_server path}
ctl=${2:?rmhubctl path}
galera_sh=${3:?scripts/galera.sh path}
cap_race=${4:?galera_cap_race path}

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init_tmp galera
chmod 755 "$tmp"  # the nodes run as mysql when we are root
# shellcheck disable=SC2317  # called by the EXIT trap
e2e_extra_cleanup() {
  [ -n "${load_pid:-}" ] && kill "$load_pid" 2>/dev/null
  "$galera_sh" stop "$tmp/galera" >/dev/null 2>&1
}

# Twelve free ports in a row (SQL, gcomm, IST and SST of three nodes at base+0..2, +10, +20, +30).
base=$(python3 - <<'EOF'
import random, socket
for _ in range(200):
    base = random.randrange(20000, 40000)
    ports = [base + off + i for off in (0, 10, 20, 30) for i in range(3)]
    try:
        socks = []
        for p in ports:
            s = socket.socket(); s.bind(("127.0.0.1", p)); socks.append(s)
        for s in socks: s.close()
        print(base); break
    except OSError:
        for s in socks: s.close()
EOF
)
require "twelve free ports for the cluster (base $base)" test -n "$base"
require "a 3-node Galera cluster starts on loopback" "$galera_sh" start "$tmp/galera" "$base"
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
require "database and user (replicated to every node)" "$galera_sh" sql "$tmp/galera" 1 -e "
  CREATE DATABASE rmhub_team CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  CREATE USER 'rmhub_team'@'127.0.0.1' IDENTIFIED BY '$password';
  GRANT ALL PRIVILEGES ON rmhub_team.* TO 'rmhub_team'@'127.0.0.1';"
printf '%s' "$password" >"$tmp/db-password"
make_secret "$tmp/jwt-secret"
make_secret "$tmp/idempotency-key"

hosts="127.0.0.1:$base,127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2))"
start_service team "$server_bin" --listen_address=127.0.0.1:0 --metrics_address=127.0.0.1:0 \
  --db_host="$hosts" --db_user=rmhub_team --db_name=rmhub_team \
  --db_password_file="$tmp/db-password" --dev_mode --jwt_hs256_secret_file="$tmp/jwt-secret" \
  --readiness_interval=500ms --drain_timeout=5s --idempotency_key_file="$tmp/idempotency-key" \
  --service_method_acl="$E2E_SERVICE_METHOD_ACL"
require "team_server starts with the cluster's three nodes" wait_ports team
addr="127.0.0.1:${E2E_PORT[team]}"
require "health: SERVING on the cluster" "$ctl" health --addr "$addr" --wait 60s
RMHUB_TOKEN=$("$ctl" token --service e2e --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 30m)
export RMHUB_TOKEN

# The write load: branches created one after another, each call with a 5 s deadline; one line
# per call: "<code> <exit status> <start ms> <end ms>".
load() {
  local prefix=$1 i=0 t0 t1 rc
  while [ ! -e "$tmp/stop-load" ]; do
    i=$((i + 1))
    t0=$(date +%s%3N)
    "$ctl" team create-branch --addr "$addr" --timeout 5s "branch.code=$prefix-$i" \
      "branch.display_name=Galera $prefix $i" branch.region=East >/dev/null 2>>"$tmp/load-err"
    rc=$?
    t1=$(date +%s%3N)
    echo "$prefix-$i $rc $t0 $t1" >>"$tmp/load-$prefix"
  done
}

# run_kill <prefix> <node>: load, kill -9 <node> a few seconds in, keep loading, rejoin it.
run_kill() {
  local prefix=$1 node=$2 killed_at
  rm -f "$tmp/stop-load"
  load "$prefix" &
  load_pid=$!
  sleep 3
  killed_at=$(date +%s%3N)
  "$galera_sh" kill "$tmp/galera" "$node"
  sleep 10
  check "$prefix: health SERVING with node $node down" "$ctl" health --addr "$addr"
  check "$prefix: node $node rejoins (IST/SST) and is Synced" \
    "$galera_sh" rejoin "$tmp/galera" "$node"
  sleep 2
  touch "$tmp/stop-load"
  wait "$load_pid"
  load_pid=""
  local ok_calls bad other first_ok_after
  ok_calls=$(awk '$2 == 0' "$tmp/load-$prefix" | wc -l)
  bad=$(awk '$2 != 0' "$tmp/load-$prefix" | wc -l)
  # UNAVAILABLE = 64 + 14 = 78, DEADLINE_EXCEEDED = 64 + 4 = 68.
  other=$(awk '$2 != 0 && $2 != 78 && $2 != 68' "$tmp/load-$prefix" | wc -l)
  first_ok_after=$(awk -v k="$killed_at" '$2 == 0 && $3 >= k { print $4; exit }' "$tmp/load-$prefix")
  echo "# $prefix: kill -9 node $node: $ok_calls calls acknowledged, $bad failed" \
    "($(awk '$2 != 0 { print $2 }' "$tmp/load-$prefix" | sort | uniq -c | tr '\n' ' '))," \
    "failover time $(( ${first_ok_after:-$killed_at} - killed_at )) ms" \
    "(kill to the first success of a call started after it)"
  check "$prefix: calls went on after the kill" test -n "$first_ok_after"
  check "$prefix: failed calls are UNAVAILABLE or DEADLINE_EXCEEDED only ($other others)" \
    test "$other" -eq 0
  check "$prefix: most calls acknowledged ($ok_calls ok, $bad failed)" test "$ok_calls" -gt "$bad"
  local n acked present
  awk '$2 == 0 { print $1 }' "$tmp/load-$prefix" | sort >"$tmp/acked-$prefix"
  acked=$(wc -l <"$tmp/acked-$prefix")
  for n in 1 2 3; do
    "$galera_sh" sql "$tmp/galera" "$n" -N -B -e \
      "SELECT code FROM rmhub_team.branches WHERE code LIKE '$prefix-%'" | sort >"$tmp/on-$n"
    present=$(comm -12 "$tmp/acked-$prefix" "$tmp/on-$n" | wc -l)
    check "$prefix: all $acked acknowledged writes are on node $n ($present found)" \
      test "$present" -eq "$acked"
  done
}

run_kill WRITER 1   # the node every connection of the pool uses
failovers=$(fetch_metrics "${E2E_METRICS_PORT[team]}" | awk '/^rmhub_db_failovers_total/ { print $2 }')
check "the pool failed over (rmhub_db_failovers_total = ${failovers:-none})" \
  awk -v f="${failovers:-0}" 'BEGIN { exit !(f >= 1) }'
run_kill SPARE 3    # after the first run the pool writes to node 2; node 3 is unused

# The customer cap with two writers on two nodes (Galera's row locks are node-local): 40
# concurrent assignments to one manager with a cap of 10, half through node 1, half through node 2.
require "customer schema for the cap race" "$galera_sh" sql "$tmp/galera" 1 -e "
  CREATE DATABASE rmhub_customer_race CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  GRANT ALL PRIVILEGES ON rmhub_customer_race.* TO 'rmhub_team'@'127.0.0.1';"
n1="127.0.0.1:$base" n2="127.0.0.1:$((base + 1))" n3="127.0.0.1:$((base + 2))"
"$cap_race" --hosts_a="$n1,$n2,$n3" --hosts_b="$n2,$n3,$n1" --user=rmhub_team \
  --password_file="$tmp/db-password" --database=rmhub_customer_race --cap=10 --racers=40 \
  >"$tmp/race" 2>&1
race_rc=$?
sed 's/^/# /' "$tmp/race"
check "the cap holds with two writers on two nodes (exactly 10 assigned, 10 held on both)" \
  test "$race_rc" -eq 0

# No node reachable: NOT_SERVING, the process stays up.
"$galera_sh" stop "$tmp/galera"
wait_not_serving() {
  for _ in $(seq 1 150); do
    "$ctl" health --addr "$addr" >/dev/null 2>&1 || return 0
    sleep 0.2
  done
  return 1
}
check "health: NOT_SERVING with every node down" wait_not_serving
check "the server process is still running" kill -0 "${E2E_PID[team]}"

stop_service team
check "SIGTERM: exits 0 (got $stop_code)" test "$stop_code" = 0
finish
