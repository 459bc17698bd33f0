#!/usr/bin/env bash
# End to end: the task service with the team and customer services real. One team_server, one
# customer_server and two task_server replicas (one task database, the same HS256 secret) against
# the test MariaDB, driven by the real rmhubctl and rmhub-seed, on loopback ports the kernel picks.
#   task_stack_test.sh <team_server> <customer_server> <task_server> <rmhubctl> <rmhub-seed>
# 1. rmhub-seed puts the demo branch, its customer book and its demo week of work on the stack
#    (visits, two four-eyes checks half signed, a meeting with action items, a cross-department
#    request waiting, overdue tasks); a second run creates nothing;
# 2. SuggestAssignees follows skills (the only full match ranks first) and load (the best
#    candidate given three urgent tasks drops from first place); auto-assign takes the best;
# 3. a DUE_DILIGENCE task is not DONE after one signature, and is after the second (on the other
#    replica);
# 4. a meeting's three action items appear as three tasks; a meeting with one bad item writes
#    neither the meeting nor any task;
# 5. a cross-department request waits: it cannot start and counts in no workload until the
#    serving team's lead accepts it (the requesting lead may not);
# 6. the services' clock moved past a task's due time (--dev_clock_offset_file): both replicas
#    sweep (their overdue gauges show it), exactly one overdue event is stored for the task, and
#    the replicas' event counters add up to the stored events;
# 7. both replicas drain on SIGTERM and exit 0.
# Needs RMHUB_TEST_MYSQL_* (scripts/test.sh sets them); exits 77 (skip) without them. Every wait
# is bounded; every server it started is stopped, its databases dropped.
set -uo pipefail

team_bin=${1:?team_server path}
customer_bin=${2:?customer_server path}
task_bin=${3:?task_server path}
ctl=${4:?rmhubctl path}
seed=${5:?rmhub-seed path}

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init task
team_db="rmhub_e2e_tsk_team_$$_$RANDOM"
customer_db="rmhub_e2e_tsk_customer_$$_$RANDOM"
task_db="rmhub_e2e_tsk_task_$$_$RANDOM"

# What the services call on each other here (as scripts/up.sh), and the e2e and seed tokens.
E2E_SERVICE_METHOD_ACL="customer=rmhub.team.v1.TeamService/CheckAssignmentEligibility,\
rmhub.team.v1.TeamService/ListIneligibleHolders,rmhub.team.v1.TeamService/ListTeams,\
rmhub.team.v1.TeamService/GetMember;\
task=rmhub.team.v1.TeamService/GetTeam,rmhub.team.v1.TeamService/ListTeamMembers,\
rmhub.team.v1.TeamService/BatchGetMembers,rmhub.customer.v1.CustomerService/GetCustomer;\
e2e=rmhub.team.v1.TeamService/*;seed=rmhub.team.v1.TeamService/*"

# rmhubctl as the holder of <token>; every call has a deadline, every process a time limit.
ctl_as() {
  local token=$1
  shift
  RMHUB_TOKEN=$token timeout 60 "$ctl" --timeout 30s "$@"
}
# The number in the first "<field>": "<collection>/<n>" of a --json reply file.
id_in() { sed -n "s/.*\"$2\": \"$3\/\([0-9]*\)\".*/\1/p" "$1" | head -1; }
# json <file> <python expression over `r`>: prints the value (e.g. r['status']).
json() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"; }
# An RFC 3339 time <n> hours from now (real time).
hours_from_now() { date -u -d "+$1 hours" +%Y-%m-%dT%H:%M:%SZ; }

# ---------------------------------------------------------------------------------------------
# The stack.
start_team_for_customer "$team_bin" "$team_db" "$customer_db"
create_db "$task_db" || exit 1
make_pii_keys e2e1
server_args "$customer_db" "$tmp/jwt-secret"
start_service customer "$customer_bin" "${E2E_ARGS[@]}" "${pii_files[@]}" \
  --team_address="$team_addr"
require "customer started and logged its ports" wait_ports customer
customer_addr="127.0.0.1:${E2E_PORT[customer]}"
server_args "$task_db" "$tmp/jwt-secret"
# The task services' clock is real time plus $tmp/clock-offset; each replica sweeps every second.
for replica in task1 task2; do
  start_service "$replica" "$task_bin" "${E2E_ARGS[@]}" --team_address="$team_addr" \
    --customer_address="$customer_addr" --dev_clock_offset_file="$tmp/clock-offset" \
    --overdue_sweep_interval=1s
  require "$replica started and logged its ports" wait_ports "$replica"
done
t1="127.0.0.1:${E2E_PORT[task1]}"
t2="127.0.0.1:${E2E_PORT[task2]}"
for addr in "$team_addr" "$customer_addr" "$t1" "$t2"; do
  require "health: $addr SERVING" "$ctl" health --addr "$addr" --wait 60s
done

# ---------------------------------------------------------------------------------------------
# 1. The demo data, through the seed tool (the same calls scripts/up.sh makes).
require "seed: first run exits 0" timeout 240 "$seed" --addr "$team_addr" \
  --customer_addr "$customer_addr" --task_addr "$t1" --secret_file "$tmp/jwt-secret"
cp "$tmp/out" "$tmp/seed1"
check "seed: the demo work is created (9 tasks, a meeting with 3 action items)" \
  grep -q 'demo work on .*: 9 tasks created (0 there already), 1 meeting recorded (0 there already) with 3 action-item tasks' "$tmp/seed1"
check "seed: two four-eyes checks signed once, a request waiting, two tasks overdue" \
  grep -q '2 four-eyes checks signed once by this run; 1 cross-department request(s) waiting, 2 demo task(s) overdue' "$tmp/seed1"
check "seed: second run exits 0" timeout 240 "$seed" --addr "$team_addr" \
  --customer_addr "$customer_addr" --task_addr "$t2" --secret_file "$tmp/jwt-secret"
cp "$tmp/out" "$tmp/seed2"
check "seed: second run creates no task or meeting" \
  grep -q 'demo work on .*: 0 tasks created (9 there already), 0 meeting recorded (1 there already)' "$tmp/seed2"
check "seed: the seeded visits name customers of their RMs" test "$(sql "SELECT COUNT(*) FROM \
  \`$task_db\`.tasks WHERE type = 1 AND related_customer_id IS NOT NULL")" -eq 4

member_of() { sed -n "s/^  members\/\([0-9]*\) *$1 .*/\1/p" "$tmp/seed2" | head -1; }
team_of() { sed -n "s/^  teams\/\([0-9]*\) .*$1.*/\1/p" "$tmp/seed2" | head -1; }
branch=$(sed -n 's/^Branch: branches\/\([0-9]*\) .*/\1/p' "$tmp/seed2")
personal=$(team_of 个人金融营销团队)
corporate=$(team_of 公司金融营销团队)
bm=$(member_of DEMO-E001)
lead_p=$(member_of DEMO-E002)
lead_c=$(member_of DEMO-E003)
rm4=$(member_of DEMO-E004)
rm5=$(member_of DEMO-E005)
rm6=$(member_of DEMO-E006)
rm8=$(member_of DEMO-E008)
rm9=$(member_of DEMO-E009)
rm11=$(member_of DEMO-E011)
require "seed names the branch, both teams and the staff used here" test -n "$branch" -a \
  -n "$personal" -a -n "$corporate" -a -n "$bm" -a -n "$lead_p" -a -n "$lead_c" -a -n "$rm4" -a \
  -n "$rm5" -a -n "$rm6" -a -n "$rm8" -a -n "$rm9" -a -n "$rm11"
token() { "$ctl" token --secret-file "$tmp/jwt-secret" --ttl 30m --branch "$branch" "$@"; }
lead_c_token=$(token --member "$lead_c" --roles TEAM_LEAD --teams "$corporate")
lead_p_token=$(token --member "$lead_p" --roles TEAM_LEAD --teams "$personal")
rm8_token=$(token --member "$rm8" --roles RELATIONSHIP_MANAGER --teams "$corporate")
rm9_token=$(token --member "$rm9" --roles RELATIONSHIP_MANAGER --teams "$corporate")

# create_task <replica> <token> <file> field=value...: CreateTask due in three days (real time).
create_task() {
  local addr=$1 tok=$2 out=$3
  shift 3
  ctl_as "$tok" task create-task --addr "$addr" "task.due_time=$(hours_from_now 72)" "$@" \
    --json >"$out" 2>&1
}
# suggest <file> <skills> [more fields]: SuggestAssignees for the corporate team as its lead.
suggest() {
  local out=$1 skills=$2
  shift 2
  ctl_as "$lead_c_token" task suggest-assignees --addr "$t1" "team=teams/$corporate" \
    "required_skills=$skills" "$@" --json >"$out" 2>&1
}
top_of() { json "$1" "r['candidates'][0]['member']"; }

# ---------------------------------------------------------------------------------------------
# 2. Assignment by ability and load.
suggest "$tmp/s-fx" TRADE_FINANCE,FX
check "suggest TRADE_FINANCE+FX: members/$rm11, the only full match, first" \
  test "$(top_of "$tmp/s-fx")" = "members/$rm11"
check "suggest: the figures behind the score are given" \
  test "$(json "$tmp/s-fx" "r['candidates'][0]['matched_skills']")" = 2
suggest "$tmp/s-loan1" CORPORATE_LOAN
best=$(top_of "$tmp/s-loan1")
require "suggest CORPORATE_LOAN: a best candidate ($best)" test -n "$best"
for i in 1 2 3; do
  create_task "$t1" "$lead_c_token" "$tmp/load-$i.json" task.type=DOCUMENT_PREPARATION \
    "task.title=E2E load $i" "task.team=teams/$corporate" task.priority=URGENT "task.assignees=$best"
done
check "three urgent tasks given to $best" test -n "$(id_in "$tmp/load-1.json" name tasks)" -a \
  -n "$(id_in "$tmp/load-2.json" name tasks)" -a -n "$(id_in "$tmp/load-3.json" name tasks)"
suggest "$tmp/s-loan2" CORPORATE_LOAN
second=$(top_of "$tmp/s-loan2")
check "suggest CORPORATE_LOAN again: the loaded $best is no longer first (now $second)" \
  test -n "$second" -a "$second" != "$best"
create_task "$t2" "$lead_c_token" "$tmp/auto.json" task.type=CUSTOMER_VISIT \
  "task.title=E2E auto-assigned" "task.team=teams/$corporate"
auto=$(id_in "$tmp/auto.json" name tasks)
require "create-task without an assignee (tasks/$auto)" test -n "$auto"
suggest "$tmp/s-auto" CORPORATE_LOAN "auto_assign_task=tasks/$auto"
check "auto-assign: the task goes to the best candidate $second" \
  test "$(json "$tmp/s-auto" "','.join(r['assigned_task']['assignees'])")" = "$second"

# ---------------------------------------------------------------------------------------------
# 3. Four eyes: not DONE with one signature, DONE after the second.
create_task "$t1" "$lead_c_token" "$tmp/dd.json" task.type=DUE_DILIGENCE \
  "task.title=E2E due diligence" "task.team=teams/$corporate" \
  "task.assignees=members/$rm8,members/$rm9"
dd=$(id_in "$tmp/dd.json" name tasks)
require "create-task DUE_DILIGENCE with two assignees (tasks/$dd)" test -n "$dd"
ctl_as "$rm8_token" task transition-task --addr "$t1" "name=tasks/$dd" status=IN_PROGRESS \
  >"$tmp/dd-start" 2>&1
check "due diligence started" test $? -eq 0
attest="I inspected the premises and the accounts in person."
ctl_as "$rm8_token" task sign-off-task --addr "$t1" "name=tasks/$dd" "attestation=$attest" \
  --json >"$tmp/dd-sign1" 2>&1
check "first signature: still IN_PROGRESS" test "$(json "$tmp/dd-sign1" "r['status']")" = IN_PROGRESS
ctl_as "$rm8_token" task transition-task --addr "$t1" "name=tasks/$dd" status=DONE >"$tmp/dd-done" 2>&1
check "DONE by transition with one signature: refused" \
  grep -q 'FOUR_EYES_SIGN_OFF_REQUIRED' "$tmp/dd-done"
ctl_as "$rm9_token" task sign-off-task --addr "$t2" "name=tasks/$dd" "attestation=$attest" \
  --json >"$tmp/dd-sign2" 2>&1
check "second signature (other replica): DONE" test "$(json "$tmp/dd-sign2" "r['status']")" = DONE
check "both signers kept" test "$(json "$tmp/dd-sign2" "len(r['sign_offs'])")" = 2

# ---------------------------------------------------------------------------------------------
# 4. A meeting's action items become tasks, all or none.
meeting_json() {
  local third_owner=$1
  python3 - "$personal" "$lead_p" "$rm4" "$rm5" "$rm6" "$third_owner" <<'EOF'
import datetime, json, sys
team, lead, a, b, c, third = sys.argv[1:]
now = datetime.datetime.now(datetime.timezone.utc)
due = (now + datetime.timedelta(days=3)).strftime('%Y-%m-%dT%H:%M:%SZ')
start = (now - datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
print(json.dumps({'meeting': {
    'team': 'teams/' + team, 'title': 'E2E weekly meeting', 'start_time': start,
    'attendees': ['members/' + m for m in (lead, a, b, c)],
    'agenda': 'pipeline', 'minutes': 'three actions agreed',
    'action_items': [{'title': 'E2E action %d' % i, 'owner': 'members/' + o, 'due_time': due}
                     for i, o in enumerate((a, b, third), 1)]}}))
EOF
}
action_tasks() { sql "SELECT COUNT(*) FROM \`$task_db\`.tasks WHERE meeting_id IS NOT NULL AND body LIKE '%E2E action%'"; }
meetings() { sql "SELECT COUNT(*) FROM \`$task_db\`.meetings"; }
before_meetings=$(meetings)
ctl_as "$lead_p_token" task create-meeting --addr "$t2" --data "$(meeting_json "$rm8")" \
  >"$tmp/bad-meeting" 2>&1
check "an action item owned by another team's member: refused" test $? -ne 0
check "refused meeting: no meeting and no task written" \
  test "$(meetings)" = "$before_meetings" -a "$(action_tasks)" = 0
ctl_as "$lead_p_token" task create-meeting --addr "$t2" --data "$(meeting_json "$rm6")" --json \
  >"$tmp/meeting.json" 2>&1
meeting=$(id_in "$tmp/meeting.json" name meetings)
require "create-meeting with three action items (meetings/$meeting)" test -n "$meeting"
check "the meeting's three action items are three tasks" test "$(action_tasks)" = 3
ctl_as "$lead_p_token" task list-tasks --addr "$t1" "filter=meeting = \"meetings/$meeting\"" \
  --json >"$tmp/meeting-tasks.json" 2>&1
check "list-tasks by meeting: the three tasks, linked back" \
  test "$(json "$tmp/meeting-tasks.json" "sum(1 for t in r['tasks'] if t['meeting'] == 'meetings/$meeting')")" = 3

# ---------------------------------------------------------------------------------------------
# 5. A cross-department request waits for the serving team lead's acceptance.
create_task "$t1" "$lead_c_token" "$tmp/req.json" task.type=CROSS_DEPARTMENT \
  "task.title=E2E request" "task.team=teams/$personal" "task.requesting_team=teams/$corporate"
req=$(id_in "$tmp/req.json" name tasks)
require "create-task CROSS_DEPARTMENT for the personal team (tasks/$req)" test -n "$req"
check "the request is PENDING_ACCEPTANCE" test "$(json "$tmp/req.json" "r['acceptance']")" = PENDING_ACCEPTANCE
ctl_as "$lead_c_token" task transition-task --addr "$t2" "name=tasks/$req" status=IN_PROGRESS \
  >"$tmp/req-start" 2>&1
check "a waiting request cannot start" grep -q 'REQUEST_NOT_ACCEPTED' "$tmp/req-start"
ctl_as "$lead_c_token" task accept-task-request --addr "$t2" "name=tasks/$req" \
  "assignee=members/$rm4" >"$tmp/req-wrong" 2>&1
check "the requesting lead may not accept it" grep -q 'NOT_TEAM_LEAD' "$tmp/req-wrong"
ctl_as "$lead_p_token" task get-workload --addr "$t1" "name=members/$rm4" --json >"$tmp/w0.json" 2>&1
open_before=$(json "$tmp/w0.json" "r['workloads'][0].get('open_tasks', 0)")
ctl_as "$lead_p_token" task accept-task-request --addr "$t2" "name=tasks/$req" \
  "assignee=members/$rm4" --json >"$tmp/req-ok.json" 2>&1
check "the serving lead accepts it with an assignee" \
  test "$(json "$tmp/req-ok.json" "r['acceptance'] + ' ' + ','.join(r['assignees'])")" = "ACCEPTED members/$rm4"
ctl_as "$lead_p_token" task get-workload --addr "$t1" "name=members/$rm4" --json >"$tmp/w1.json" 2>&1
check "only once accepted does it count in the assignee's workload" \
  test "$(json "$tmp/w1.json" "r['workloads'][0].get('open_tasks', 0)")" = $((open_before + 1))

# ---------------------------------------------------------------------------------------------
# 6. Overdue: exactly one event although both replicas sweep.
ctl_as "$rm9_token" task create-task --addr "$t1" "task.due_time=$(hours_from_now 1)" \
  task.type=CUSTOMER_VISIT "task.title=E2E due in an hour" "task.team=teams/$corporate" \
  "task.assignees=members/$rm9" --json >"$tmp/due.json" 2>&1
due=$(id_in "$tmp/due.json" name tasks)
require "create-task due in an hour (tasks/$due)" test -n "$due"
overdue_events() {
  sql "SELECT COUNT(*) FROM \`$task_db\`.outbox_events WHERE event_type = 'task.overdue' AND aggregate = 'tasks/$due'"
}
# gauge <replica>: the replica's rmhub_task_overdue_open, both kinds summed.
gauge() {
  fetch_metrics "${E2E_METRICS_PORT[$1]}" | grep '^rmhub_task_overdue_open{' |
    awk '{ sum += $2 } END { print sum + 0 }'
}
emitted_total() {
  local total=0 replica n
  for replica in task1 task2; do
    n=$(fetch_metrics "${E2E_METRICS_PORT[$replica]}" | sed -n 's/^rmhub_task_overdue_events_total \([0-9.e+]*\)$/\1/p')
    total=$((total + ${n%%.*}))
  done
  echo "$total"
}
overdue_now=$(sql "SELECT COUNT(*) FROM \`$task_db\`.tasks WHERE status IN (1, 2, 3) AND due_time < UTC_TIMESTAMP(6)")
check "before the due time: no overdue event for it" test "$(overdue_events)" = 0
echo 2h >"$tmp/clock-offset"
# Each replica refreshes its gauge after its sweep: once both count one more overdue task, both
# have swept past the due time.
for _ in $(seq 1 300); do
  [ "$(gauge task1)" -gt "$overdue_now" ] && [ "$(gauge task2)" -gt "$overdue_now" ] && break
  sleep 0.1
done
check "both replicas swept past the due time (gauges $(gauge task1) and $(gauge task2) > $overdue_now)" \
  test "$(gauge task1)" -gt "$overdue_now" -a "$(gauge task2)" -gt "$overdue_now"
check "exactly one overdue event for the task" test "$(overdue_events)" = 1
check "the replicas' event counters add up to the stored overdue events" \
  test "$(emitted_total)" = "$(sql "SELECT COUNT(*) FROM \`$task_db\`.outbox_events WHERE event_type = 'task.overdue'")"
ctl_as "$rm9_token" task list-tasks --addr "$t2" 'filter=overdue = true' --json >"$tmp/od.json" 2>&1
check "list-tasks overdue = true names it" \
  test "$(json "$tmp/od.json" "sum(1 for t in r['tasks'] if t['name'] == 'tasks/$due')")" = 1

# ---------------------------------------------------------------------------------------------
# 7. SIGTERM drains both replicas.
for replica in task1 task2; do
  stop_service "$replica"
  check "$replica: SIGTERM, drains and exits 0 (got $stop_code)" test "$stop_code" = 0
done
check "no task server logged a crash" sh -c "! grep -qiE 'sanitizer|segfault|terminate called' '$tmp/task1.log' '$tmp/task2.log'"
finish
