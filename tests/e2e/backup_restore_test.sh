#!/usr/bin/env bash
# Backup and restore of a service's database, as docs/operations.md tells an operator to do it:
# a branch written through the real team_server, `scripts/mariadb.sh dump` while it runs, the
# database dropped, `scripts/mariadb.sh restore`, team_server started again on the restored
# database: SERVING (the migration checksums match) and the branch is there. A restore over a
# database that holds tables is refused. Runs its own private MariaDB; bounded waits throughout.
#   backup_restore_test.sh <team_server> <rmhubctl> <mariadb.sh>
set -uo pipefail
server_bin=${1:?team_server path}
ctl=${2:?rmhubctl path}
mariadb_sh=${3:?scripts/mariadb.sh path}

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init_tmp backup
private_team_db "$mariadb_sh"

start_team() {
  local name=$1
  start_service "$name" "$server_bin" --listen_address=127.0.0.1:0 --metrics_address=127.0.0.1:0 \
    --db_host=127.0.0.1 --db_port="$db_port" --db_user=rmhub_team --db_name=rmhub_team \
    --db_password_file="$tmp/db-password" --dev_mode --jwt_hs256_secret_file="$tmp/jwt-secret" \
    --service_method_acl="$E2E_SERVICE_METHOD_ACL" --drain_timeout=5s \
    --idempotency_key_file="$tmp/idempotency-key"
  wait_ports "$name" && "$ctl" health --addr "127.0.0.1:${E2E_PORT[$name]}" --wait 60s
}
require "team_server SERVING" start_team team1
addr="127.0.0.1:${E2E_PORT[team1]}"
RMHUB_TOKEN=$("$ctl" token --service e2e --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 10m)
export RMHUB_TOKEN
"$ctl" team create-branch --addr "$addr" branch.code=BAK-001 "branch.display_name=备份支行" \
  branch.region=East --json >"$tmp/branch.json" 2>&1
branch=$(sed -n 's/.*"name": "\(branches\/[0-9]*\)".*/\1/p' "$tmp/branch.json" | head -1)
require "a branch is created ($branch)" test -n "$branch"

require "dump while the service runs" "$mariadb_sh" dump "$tmp/db" rmhub_team "$tmp/team.sql.gz"
check "restore over a database with tables is refused" \
  sh -c "! '$mariadb_sh' restore '$tmp/db' rmhub_team '$tmp/team.sql.gz'"
stop_service team1
check "team_server drained and exited 0" test "$stop_code" = 0
"$mariadb_sh" sql "$tmp/db" -e "DROP DATABASE rmhub_team"
check "the database is gone" sh -c "! '$mariadb_sh' sql '$tmp/db' -e 'USE rmhub_team' 2>/dev/null"
require "restore into the empty database" "$mariadb_sh" restore "$tmp/db" rmhub_team "$tmp/team.sql.gz"

require "team_server SERVING on the restored database (migration checksums match)" start_team team2
"$ctl" team get-branch --addr "127.0.0.1:${E2E_PORT[team2]}" "name=$branch" >"$tmp/get" 2>&1
check "the branch is back after the restore" grep -q 'BAK-001' "$tmp/get"
finish
