#!/usr/bin/env bash
# End to end: the database goes away under a running team_server and comes back.
#   db_outage_test.sh <team_server> <rmhubctl> <mariadb.sh>
# With MariaDB stopped, calls fail fast with UNAVAILABLE (not a hang until the deadline), health
# turns NOT_SERVING, the process stays up; when MariaDB returns, both recover on their own.
# It runs its own private MariaDB (it stops it on purpose), on a free loopback port, in a
# temporary directory; everything it started is stopped at exit. Bounded waits throughout.
set -uo pipefail

server_bin=${1:?team_server path}
ctl=${2:?rmhubctl path}
mariadb_sh=${3:?scripts/mariadb.sh path}

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init_tmp outage
# Polls `rmhubctl health` for up to $2 seconds until its exit status is $1 (0 SERVING, 1 not).
wait_health() {
  local want=$1 seconds=$2
  for _ in $(seq 1 $((seconds * 5))); do
    "$ctl" health --addr "$addr" >"$tmp/health" 2>&1
    [ $? -eq "$want" ] && return 0
    sleep 0.2
  done
  cat "$tmp/health"
  return 1
}

private_team_db "$mariadb_sh"

grpc_port=$(free_port)
addr="127.0.0.1:$grpc_port"
start_service team "$server_bin" --listen_address="$addr" --metrics_address=127.0.0.1:0 \
  --db_host=127.0.0.1 --db_port="$db_port" --db_user=rmhub_team --db_name=rmhub_team \
  --db_password_file="$tmp/db-password" --dev_mode --jwt_hs256_secret_file="$tmp/jwt-secret" \
  --readiness_interval=500ms --drain_timeout=5s --idempotency_key_file="$tmp/idempotency-key"
require "health: SERVING with the database up" wait_health 0 60

RMHUB_TOKEN=$("$ctl" token --member 1 --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 10m)
export RMHUB_TOKEN
check "a call succeeds with the database up" "$ctl" team list-branches --addr "$addr"

"$mariadb_sh" stop "$tmp/db"
check "MariaDB is stopped" sh -c "! '$mariadb_sh' sql '$tmp/db' -e 'SELECT 1' 2>/dev/null"

start=$(date +%s%N)
"$ctl" team list-branches --addr "$addr" --timeout 10s >"$tmp/out" 2>"$tmp/err"
rc=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "with the database down: UNAVAILABLE (exit 78 = 64 + 14), got $rc" test "$rc" -eq 78
# UNAVAILABLE rather than DEADLINE_EXCEEDED is what shows it did not hang until the deadline; the
# time is printed for the reader, not asserted (no timed assertions in tests).
echo "# with the database down the call failed after ${elapsed_ms} ms (deadline 10 s)"
check "with the database down: the error says UNAVAILABLE" grep -q 'UNAVAILABLE' "$tmp/err"
check "health: NOT_SERVING while the database is down" wait_health 1 30
check "the server process is still running" kill -0 "${E2E_PID[team]}"

require "MariaDB restarts on the same port" "$mariadb_sh" start "$tmp/db" "$db_port"
check "health: SERVING again, on its own" wait_health 0 60
check "calls succeed again, on their own" "$ctl" team list-branches --addr "$addr"

stop_service team
check "SIGTERM: exits 0 (got $stop_code)" test "$stop_code" = 0
finish
