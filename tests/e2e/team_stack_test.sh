#!/usr/bin/env bash
# End to end: the real team_server binary against the test MariaDB, driven by the real rmhubctl
# and rmhub-seed, on loopback ports the kernel picks (read back from the server's log).
#   team_stack_test.sh <team_server> <rmhubctl> <rmhub-seed>
# Needs RMHUB_TEST_MYSQL_{HOST,PORT,USER,PASSWORD} (scripts/test.sh sets them); exits 77 (skip)
# without them. Every wait is bounded; the server it started is always stopped, its database
# dropped.
set -uo pipefail

server_bin=${1:?team_server path}
ctl=${2:?rmhubctl path}
seed=${3:?rmhub-seed path}

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init team
db="rmhub_e2e_team_$$_$RANDOM"

start_server() {
  create_db "$db" || exit 1
  make_secret "$tmp/jwt-secret"
  server_args "$db" "$tmp/jwt-secret"
  # The service's clock is real time plus $tmp/clock-offset (issue 8: expiry on a moved clock);
  # the expiry sweep runs every second.
  start_service team "$server_bin" "${E2E_ARGS[@]}" --dev_clock_offset_file="$tmp/clock-offset" \
    --certificate_sweep_interval=1s
  wait_ports team
  port=${E2E_PORT[team]}
  metrics_port=${E2E_METRICS_PORT[team]}
  addr="127.0.0.1:${port:-0}"
}

# ---------------------------------------------------------------------------------------------
start_server
require "server started and logged its ports (grpc ${port:-?}, metrics ${metrics_port:-?})" \
  test -n "$port" -a -n "$metrics_port"
require "health: SERVING once migrations are applied" "$ctl" health --addr "$addr" --wait 60s

"$ctl" services --addr "$addr" >"$tmp/services" 2>&1
check "reflection lists rmhub.team.v1.TeamService" grep -qx 'rmhub.team.v1.TeamService' "$tmp/services"

"$ctl" team list-branches --addr "$addr" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "no token: exit 80 (64 + UNAUTHENTICATED)" test "$rc" -eq 80
check "no token: error names UNAUTHENTICATED and its reason" \
  grep -q '^error: UNAUTHENTICATED: .*' "$tmp/err"

admin=$("$ctl" token --service e2e --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 10m)
export RMHUB_TOKEN=$admin
"$ctl" team create-branch --addr "$addr" branch.code=E2E-001 "branch.display_name=测试支行 E2E" \
  branch.region=East --json >"$tmp/branch.json" 2>&1
branch=$(sed -n 's/.*"name": "\(branches\/[0-9]*\)".*/\1/p' "$tmp/branch.json" | head -1)
require "create-branch returns the new branch's name ($branch)" test -n "$branch"

"$ctl" team create-member --addr "$addr" member.employee_number=E2E-0001 \
  "member.display_name=Li Lei" "member.branch=$branch" member.role=RELATIONSHIP_MANAGER \
  member.rm_kind=PERSONAL member.skills=WEALTH,FX --json >"$tmp/member.json" 2>&1
member=$(sed -n 's/.*"name": "\(members\/[0-9]*\)".*/\1/p' "$tmp/member.json" | head -1)
require "create-member returns the new member's name ($member)" test -n "$member"

"$ctl" team get-member --addr "$addr" "name=$member" >"$tmp/get" 2>&1
check "get-member: round trip of the employee number" grep -q '^employee_number  *E2E-0001$' "$tmp/get"
check "get-member: round trip of the skills" grep -q '^skills  *WEALTH,FX$' "$tmp/get"
check "get-member: round trip of the role" grep -q '^role  *RELATIONSHIP_MANAGER$' "$tmp/get"

"$ctl" team list-members --addr "$addr" "filter=branch = \"$branch\"" >"$tmp/list" 2>&1
check "list-members: a table with the member" grep -q "^$member  *E2E-0001 " "$tmp/list"

"$ctl" team create-member --addr "$addr" member.employee_number=E2E-0002 \
  "member.branch=$branch" member.role=TELLER >"$tmp/out" 2>"$tmp/err"
rc=$?
check "bad input: exit 67 (64 + INVALID_ARGUMENT)" test "$rc" -eq 67
check "bad input: the field violation is printed" grep -q '^  field member.display_name: ' "$tmp/err"

fetch_metrics "$metrics_port" >"$tmp/metrics" 2>&1
check "metrics: grpc_server_handled_total for CreateMember" \
  grep -q '^grpc_server_handled_total{.*grpc_method="CreateMember"' "$tmp/metrics"
check "metrics: promtool check metrics passes" sh -c "promtool check metrics <'$tmp/metrics'"

unset RMHUB_TOKEN
# Team data only (--customer_addr= skips the customers: no customer service here); the seed
# must succeed as a whole.
check "seed: first run exits 0" "$seed" --addr "$addr" --customer_addr= --task_addr= --secret_file "$tmp/jwt-secret"
cp "$tmp/out" "$tmp/seed1"
check "seed: first run creates the demo branch" grep -q 'demo data on .*: [1-9][0-9]* objects created' "$tmp/seed1"
check "seed: second run exits 0" "$seed" --addr "$addr" --customer_addr= --task_addr= --secret_file "$tmp/jwt-secret"
cp "$tmp/out" "$tmp/seed2"
check "seed: second run changes nothing" grep -q 'demo data on .*: 0 objects created' "$tmp/seed2"
rm_name=$(sed -n 's/^  \(members\/[0-9]*\) *DEMO-E004 .*/\1/p' "$tmp/seed2")
bm_id=$(sed -n 's/^  members\/\([0-9]*\) *DEMO-E001 .*/\1/p' "$tmp/seed2")
demo_branch=$(sed -n 's/^Branch: branches\/\([0-9]*\) .*/\1/p' "$tmp/seed2")
RMHUB_TOKEN=$("$ctl" token --member "${bm_id:-0}" --roles BRANCH_MANAGER \
  --branch "${demo_branch:-0}" --secret-file "$tmp/jwt-secret")
export RMHUB_TOKEN
"$ctl" team list-members --addr "$addr" page_size=100 --columns name,employee_number >"$tmp/demo" 2>&1
check "seed: 20 demo staff, each once" test "$(grep -c ' DEMO-E0' "$tmp/demo")" -eq 20
"$ctl" team check-assignment-eligibility --addr "$addr" "member=${rm_name:-members/0}" \
  rm_kind=PERSONAL >"$tmp/elig" 2>&1
check "seed: a seeded personal RM is eligible to hold customers" grep -q '^eligible  *true$' "$tmp/elig"
unset RMHUB_TOKEN

# ---------------------------------------------------------------------------------------------
# Issue 8: a qualification's expiry date passes on the service's clock (moved forward by the
# offset file, the process keeps running); the sweep publishes it once and the branch's
# ineligible holders name it.
export RMHUB_TOKEN=$("$ctl" token --service e2e --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 10m)
"$ctl" team create-member --addr "$addr" member.employee_number=E2E-0003 "member.display_name=Han Mei" \
  "member.branch=$branch" member.role=RELATIONSHIP_MANAGER member.rm_kind=PERSONAL \
  member.career_level=SENIOR member.career_grade=7 --json >"$tmp/rm.json" 2>&1
rm3=$(sed -n 's/.*"name": "\(members\/[0-9]*\)".*/\1/p' "$tmp/rm.json" | head -1)
require "create-member on the ladder ($rm3)" test -n "$rm3"
expiry=$(TZ=Asia/Shanghai date -d "+2 days" +%F)
"$ctl" team add-certification --addr "$addr" "parent=$rm3" certification.type=RM_QUALIFICATION \
  certification.rm_kind=PERSONAL certification.issuer=HR certification.number=Q-E2E-3 \
  certification.issue_date=2025-01-10 "certification.expiry_date=$expiry" >"$tmp/cert" 2>&1
check "add-certification: an RM qualification expiring $expiry" test $? -eq 0
"$ctl" team list-ineligible-holders --addr "$addr" "branch=$branch" expiring_within_days=5 --json \
  >"$tmp/holders" 2>&1
check "list-ineligible-holders: the qualification expires within 5 days, still eligible" \
  sh -c "grep -q '\"$rm3\"' '$tmp/holders' && grep -q '\"eligible\": true' '$tmp/holders'"
expired_events() {
  sql "SELECT COUNT(*) FROM \`$db\`.outbox_events WHERE event_type = 'team.certification.expired'"
}
check "before the expiry date: nothing published" test "$(expired_events)" = 0
echo 96h >"$tmp/clock-offset"
for _ in $(seq 1 300); do
  [ "$(expired_events)" != 0 ] && break
  sleep 0.1
done
check "four days on: the sweep published the expiry" test "$(expired_events)" = 1
check "and the member's eligibility change, caused by it" test "$(sql "SELECT COUNT(*) FROM \`$db\`.outbox_events \
  WHERE event_type = 'team.member.eligibility_changed' AND aggregate = '$rm3'")" = 2
"$ctl" team list-ineligible-holders --addr "$addr" "branch=$branch" --json >"$tmp/holders" 2>&1
check "list-ineligible-holders: CERTIFICATE_EXPIRED" grep -q 'CERTIFICATE_EXPIRED' "$tmp/holders"
check "published once, whatever the sweeps since" test "$(expired_events)" = 1
unset RMHUB_TOKEN

stop_service team
check "SIGTERM: drains and exits 0 (got $stop_code)" test "$stop_code" = 0
finish
