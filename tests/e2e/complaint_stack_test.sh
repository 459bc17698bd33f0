#!/usr/bin/env bash
# End to end: the complaint service with the team, customer and task services real, against the
# test MariaDB, driven by the real rmhubctl, on loopback ports the kernel picks.
#   complaint_stack_test.sh <team_server> <customer_server> <task_server> <complaint_server> <rmhubctl>
# 1. setup through the team and customer APIs: a branch, its manager, a team lead and two
#    qualified RMs in one team, a customer held by the first RM;
# 2. a complaint about that RM filed, reviewed and routed: neither the RM nor their team lead
#    handles it; the COMPLAINT_INVESTIGATION task exists in the task service for the handler;
# 3. the workflow to FOLLOW_UP; closing refused (TASKS_OPEN) while its tasks are open, accepted
#    once the handler finished them in the task service; the history chain verifies;
# 4. a second extension refused without a senior approver, accepted with the branch manager;
# 5. the task service stopped: routing answers UNAVAILABLE and writes nothing; restarted, the
#    same request routes it with one task;
# 6. the clock moved past the deadline of a fresh complaint: two replicas sweeping every second
#    publish one AT_RISK and one BREACHED event for it;
# 7. both complaint_server replicas drain on SIGTERM and exit 0.
# Needs RMHUB_TEST_MYSQL_* (scripts/test.sh sets them); exits 77 (skip) without them. Every wait
# is bounded.
set -uo pipefail

team_bin=${1:?team_server path}
customer_bin=${2:?customer_server path}
task_bin=${3:?task_server path}
complaint_bin=${4:?complaint_server path}
ctl=${5:?rmhubctl path}
root=$(cd "$(dirname "$0")/../.." && pwd)

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init complaint
suffix="$$_$RANDOM"
team_db="rmhub_e2e_cmp_team_$suffix"
customer_db="rmhub_e2e_cmp_customer_$suffix"
task_db="rmhub_e2e_cmp_task_$suffix"
complaint_db="rmhub_e2e_cmp_complaint_$suffix"

ctl_as() {
  local token=$1
  shift
  RMHUB_TOKEN=$token timeout 60 "$ctl" --timeout 30s "$@"
}
id_in() { sed -n "s/.*\"$2\": \"$3\/\([0-9]*\)\".*/\1/p" "$1" | head -1; }
field_in() { sed -n "s/.*\"$2\": \"\([^\"]*\)\".*/\1/p" "$1" | head -1; }

# ---------------------------------------------------------------------------------------------
# The stack: team, customer, task, then complaint pointed at all three.
start_team_for_customer "$team_bin" "$team_db" "$customer_db"
create_db "$task_db" || exit 1
create_db "$complaint_db" || exit 1
make_pii_keys e2e1
server_args "$customer_db" "$tmp/jwt-secret"
start_service customer "$customer_bin" "${E2E_ARGS[@]}" "${pii_files[@]}" \
  --team_address="$team_addr"
require "customer started" wait_ports customer
customer_addr="127.0.0.1:${E2E_PORT[customer]}"
task_port=$(free_port)
task_addr="127.0.0.1:$task_port"
server_args "$task_db" "$tmp/jwt-secret"
task_args=("${E2E_ARGS[@]}" --listen_address="$task_addr" --team_address="$team_addr"
  --customer_address="$customer_addr")
start_service task "$task_bin" "${task_args[@]}"
require "task started" wait_ports task
# Two complaint replicas on one database, each sweeping every second on a clock that is real
# time plus $tmp/clock-offset.
server_args "$complaint_db" "$tmp/jwt-secret"
: >"$tmp/clock-offset"
for replica in complaint complaint2; do
  start_service "$replica" "$complaint_bin" "${E2E_ARGS[@]}" --team_address="$team_addr" \
    --customer_address="$customer_addr" --task_address="$task_addr" --peer_call_timeout=3s \
    --calendar_file="$root/services/complaint/calendar/cn_rest_days.txt" \
    --dev_clock_offset_file="$tmp/clock-offset" --sla_sweep_interval=1s
  require "$replica started" wait_ports "$replica"
done
complaint_addr="127.0.0.1:${E2E_PORT[complaint]}"
complaint2_addr="127.0.0.1:${E2E_PORT[complaint2]}"
for addr in "$team_addr" "$customer_addr" "$task_addr" "$complaint_addr" "$complaint2_addr"; do
  require "health: $addr SERVING" "$ctl" health --addr "$addr" --wait 60s
done

# ---------------------------------------------------------------------------------------------
# 1. Setup.
admin=$("$ctl" token --service e2e --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 10m)
ctl_as "$admin" team create-branch --addr "$team_addr" branch.code="E2E-CMP-$RANDOM" \
  "branch.display_name=投诉测试支行" branch.region=East --json >"$tmp/branch.json" 2>&1
branch=$(id_in "$tmp/branch.json" name branches)
require "create-branch: branches/$branch" test -n "$branch"
create_member() {
  local emp=$1
  shift
  ctl_as "$admin" team create-member --addr "$team_addr" "member.employee_number=$emp${suffix//_/}" \
    "member.display_name=E2E $emp" "member.branch=branches/$branch" "$@" --json \
    >"$tmp/member-$emp.json" 2>&1
  id_in "$tmp/member-$emp.json" name members
}
create_qualified_rm() {
  local id
  id=$(create_member "$1" member.role=RELATIONSHIP_MANAGER member.rm_kind=PERSONAL \
    member.career_level=ASSOCIATE member.career_grade=4)
  [ -n "$id" ] || return 0
  ctl_as "$admin" team add-certification --addr "$team_addr" "parent=members/$id" \
    certification.type=RM_QUALIFICATION certification.rm_kind=PERSONAL \
    "certification.issuer=China Banking Association" "certification.number=RMQ$1${suffix//_/}" \
    certification.issue_date=2020-01-01 certification.expiry_date=2099-12-31 \
    >"$tmp/cert-$1" 2>&1 && echo "$id"
}
bm=$(create_member BM member.role=BRANCH_MANAGER)
lead=$(create_member LEAD member.role=TEAM_LEAD)
rm1=$(create_qualified_rm RMA)
rm2=$(create_qualified_rm RMB)
require "members: manager $bm, lead $lead, RMs $rm1 $rm2" \
  test -n "$bm" -a -n "$lead" -a -n "$rm1" -a -n "$rm2"
ctl_as "$admin" team create-team --addr "$team_addr" "team.display_name=零售一组" team.kind=HOME \
  "team.branch=branches/$branch" --json >"$tmp/team.json" 2>&1
team=$(id_in "$tmp/team.json" name teams)
require "create-team: teams/$team" test -n "$team"
for m in "$lead" "$rm1" "$rm2"; do
  ctl_as "$admin" team add-team-member --addr "$team_addr" "team=teams/$team" \
    "member=members/$m" >"$tmp/add-$m" 2>&1
done
ctl_as "$admin" team update-team --addr "$team_addr" "team.name=teams/$team" \
  "team.leader=members/$lead" update_mask=leader >"$tmp/leader" 2>&1
require "teams/$team led by members/$lead" grep -q "members/$lead" "$tmp/leader"
token() { "$ctl" token --secret-file "$tmp/jwt-secret" --ttl 10m --branch "$branch" "$@"; }
bm_token=$(token --member "$bm" --roles BRANCH_MANAGER)
rm2_token=$(token --member "$rm2" --roles RELATIONSHIP_MANAGER --teams "$team")
birth=$(printf '19%02d%02d%02d' $((60 + RANDOM % 40)) $((1 + RANDOM % 12)) $((1 + RANDOM % 28)))
national_id() {
  local body sum=0 i
  local -a weights=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
  body=$(printf '110101%s%03d' "$birth" "$1")
  for i in $(seq 0 16); do sum=$((sum + ${body:i:1} * weights[i])); done
  printf '%s%s\n' "$body" "$(printf '10X98765432' | cut -c $((sum % 11 + 1)))"
}
ctl_as "$bm_token" customer create-customer --addr "$customer_addr" customer.type=RETAIL \
  "customer.display_name=E2E 客户 1" "customer.national_id=$(national_id 1)" \
  "customer.contact_phone=139$(printf '%04d' $((RANDOM % 10000)))0001" --json \
  >"$tmp/customer.json" 2>&1
customer=$(id_in "$tmp/customer.json" name customers)
require "create-customer: customers/$customer" test -n "$customer"
ctl_as "$bm_token" customer assign-customer --addr "$customer_addr" \
  "customer=customers/$customer" "manager=members/$rm1" reason=e2e >"$tmp/assign" 2>&1
require "customers/$customer held by members/$rm1" grep -q "members/$rm1" "$tmp/assign"

# ---------------------------------------------------------------------------------------------
# 2. Filed about the RM, routed away from them and their lead, the task in the task service.
file() {  # file <subject> <output file>
  ctl_as "$bm_token" complaint file-complaint --addr "$complaint_addr" \
    "complaint.customer=customers/$customer" complaint.channel=PHONE complaint.category=SERVICE \
    "complaint.subject=$1" "complaint.description=charged twice" \
    "complaint.customer_request=refund" "complaint.complained_about=members/$rm1" --json \
    >"$2" 2>&1
  id_in "$2" name complaints
}
c1=$(file "Fee charged twice" "$tmp/c1.json")
require "file-complaint: complaints/$c1" test -n "$c1"
check "filed: RECEIVED with a 15-day period" grep -q '"period_days": 15' "$tmp/c1.json"
step() {  # step <token> <method> <output file> [field=value ...]
  local tok=$1 method=$2 out=$3
  shift 3
  ctl_as "$tok" complaint "$method" --addr "$complaint_addr" "name=complaints/$c1" "$@" --json \
    >"$out" 2>&1
}
step "$bm_token" start-review "$tmp/review.json"
step "$bm_token" assign-complaint "$tmp/assign.json"
check "assigned: handler is members/$rm2 (neither the RM nor their lead)" \
  grep -q "\"handler\": \"members/$rm2\"" "$tmp/assign.json"
task=$(id_in "$tmp/assign.json" investigation_task tasks)
require "assigned: an investigation task (tasks/$task)" test -n "$task"
ctl_as "$rm2_token" task get-task --addr "$task_addr" "name=tasks/$task" --json >"$tmp/task.json" 2>&1
check "task service: tasks/$task is a COMPLAINT_INVESTIGATION" \
  grep -q '"type": "COMPLAINT_INVESTIGATION"' "$tmp/task.json"
check "task service: assigned to members/$rm2" grep -q "members/$rm2" "$tmp/task.json"

# ---------------------------------------------------------------------------------------------
# 3. To FOLLOW_UP; close refused while the tasks are open; then closed; the chain verifies.
step "$rm2_token" start-investigation "$tmp/inv.json"
step "$rm2_token" propose-solution "$tmp/ps.json" findings=batch-fault solution=refund
step "$rm2_token" reply-to-customer "$tmp/reply.json" note=phoned
step "$rm2_token" record-customer-response "$tmp/resp.json" response=ACCEPTED_SOLUTION note=ok
remediation=$(id_in "$tmp/resp.json" remediation_task tasks)
check "accepted: a remediation task (tasks/$remediation)" test -n "$remediation"
step "$rm2_token" start-follow-up "$tmp/follow.json"
check "FOLLOW_UP reached" grep -q '"state": "FOLLOW_UP"' "$tmp/follow.json"
step "$bm_token" close-complaint "$tmp/close1.out" satisfaction=4 root_cause=PROCESS_GAP
rc=$?
check "close while tasks are open: exit 73 FAILED_PRECONDITION (got $rc)" test "$rc" -eq 73
check "close while tasks are open: TASKS_OPEN" grep -q "TASKS_OPEN" "$tmp/close1.out"
for t in "$task" "$remediation"; do
  for s in IN_PROGRESS DONE; do
    ctl_as "$rm2_token" task transition-task --addr "$task_addr" "name=tasks/$t" "status=$s" \
      >"$tmp/t-$t-$s" 2>&1
  done
done
step "$bm_token" close-complaint "$tmp/close2.json" satisfaction=4 root_cause=PROCESS_GAP
check "closed once the tasks are done" grep -q '"state": "CLOSED"' "$tmp/close2.json"
step "$bm_token" verify-complaint-history "$tmp/verify.json"
check "history chain intact" grep -q '"intact": true' "$tmp/verify.json"

# ---------------------------------------------------------------------------------------------
# 4. Extensions on a second complaint.
c2=$(file "Card blocked abroad" "$tmp/c2.json")
require "file-complaint: complaints/$c2" test -n "$c2"
c1=$c2
step "$bm_token" extend-deadline "$tmp/ext1.json" reason=complex
check "first extension: 30 days" grep -q '"period_days": 30' "$tmp/ext1.json"
informed=$(date -u -d '-1 minute' +%FT%TZ)
step "$bm_token" extend-deadline "$tmp/ext2.out" reason=complex "approver=members/$rm2" \
  "complainant_informed_time=$informed"
rc=$?
check "second extension by an RM: exit 73 (got $rc)" test "$rc" -eq 73
check "second extension by an RM: APPROVER_NOT_SENIOR" grep -q APPROVER_NOT_SENIOR "$tmp/ext2.out"
step "$bm_token" extend-deadline "$tmp/ext3.json" reason=complex "approver=members/$bm" \
  "complainant_informed_time=$informed"
check "second extension with the branch manager: 60 days" grep -q '"period_days": 60' "$tmp/ext3.json"

# ---------------------------------------------------------------------------------------------
# 5. The task service stopped: routing fails with nothing written; restarted, it routes once.
step "$bm_token" start-review "$tmp/review2.json"
rows_before=$(sql "SELECT COUNT(*) FROM \`$complaint_db\`.complaint_history WHERE complaint_id = $c2")
stop_service task
step "$bm_token" assign-complaint "$tmp/outage.out" request_id=e2e-assign-once
rc=$?
check "task service down: exit 78 UNAVAILABLE (got $rc)" test "$rc" -eq 78
check "task service down: nothing written" test "$(sql "SELECT COUNT(*) FROM \
\`$complaint_db\`.complaint_history WHERE complaint_id = $c2")" -eq "$rows_before"
check "task service down: still UNDER_REVIEW" test "$(sql "SELECT state FROM \
\`$complaint_db\`.complaints WHERE id = $c2")" -eq 2
start_service task2 "$task_bin" "${task_args[@]}"
require "task restarted" wait_ports task2
require "health: task SERVING again" "$ctl" health --addr "$task_addr" --wait 60s
# The complaint service's channel to the task service reconnects with gRPC's backoff: the step is
# retried (same request_id) while it still answers UNAVAILABLE, a bounded number of times.
for _ in $(seq 1 60); do
  step "$bm_token" assign-complaint "$tmp/retry.json" request_id=e2e-assign-once
  [ $? -ne 78 ] && break
  sleep 0.5
done
check "retried: ASSIGNED" grep -q '"state": "ASSIGNED"' "$tmp/retry.json" ||
  cat "$tmp/retry.json" >&2
check "retried: one investigation task for the complaint" test "$(sql "SELECT COUNT(*) FROM \
\`$task_db\`.tasks WHERE related_complaint_id = $c2")" -eq 1

# ---------------------------------------------------------------------------------------------
# 6. The clock moved 40 days: a fresh complaint (15 days) is past its deadline. Of the two
#    replicas' sweeps exactly one reports AT_RISK and one BREACHED.
c3=$(file "Statement never arrived" "$tmp/c3.json")
require "file-complaint: complaints/$c3" test -n "$c3"
events_of() {
  sql "SELECT COUNT(*) FROM \`$complaint_db\`.outbox_events WHERE aggregate = 'complaints/$c3' \
AND event_type = '$1'"
}
breached_gauge() {
  fetch_metrics "$1" | sed -n 's/^rmhub_complaint_open{sla_state="BREACHED"} \([0-9.e+]*\)$/\1/p'
}
echo 960h >"$tmp/clock-offset"
for _ in $(seq 1 600); do
  [ "$(events_of complaint.sla_breached)" -ge 1 ] && break
  sleep 0.1
done
# Both replicas swept after the breach was recorded once their gauges count it.
for replica in complaint complaint2; do
  for _ in $(seq 1 600); do
    g=$(breached_gauge "${E2E_METRICS_PORT[$replica]}")
    [ -n "$g" ] && [ "${g%%.*}" -ge 1 ] && break
    sleep 0.1
  done
  check "$replica's gauge counts the breached complaint" test "${g%%.*}" -ge 1
done
check "one complaint.sla_at_risk across two replicas" test "$(events_of complaint.sla_at_risk)" -eq 1
check "one complaint.sla_breached across two replicas" test "$(events_of complaint.sla_breached)" -eq 1

# ---------------------------------------------------------------------------------------------
# 7. Drain.
for replica in complaint complaint2; do
  stop_service "$replica"
  check "$replica exits 0 on SIGTERM (got $stop_code)" test "$stop_code" = 0
done
finish
