#!/usr/bin/env bash
# End to end: the customer service with the team service real. One team_server and two
# customer_server replicas (one customer database, the same PII keys and HS256 secret) against
# the test MariaDB, driven by the real rmhubctl, on loopback ports the kernel picks.
#   customer_stack_test.sh <team_server> <customer_server> <rmhubctl>
# 1. setup through the team API: a branch with a small cap, a branch manager, qualified personal
#    relationship managers;
# 2. create customers, assign up to the cap (the next is FAILED_PRECONDITION
#    ASSIGNMENT_CAP_REACHED), transfer one, log an interaction due today, see the care reminder;
# 3. 50 concurrent assignments to a manager with 5 free places, spread over both replicas:
#    exactly 5 succeed, 45 fail on the cap, 5 rows in the database;
# 4. the team server stopped (exit 0): an assignment is UNAVAILABLE and writes nothing;
# 5. another manager's customer and a missing one get the same answer; 256 concurrent reads
#    (h2load) against one replica are all answered OK, none shed;
# 6. PII masked for a relationship manager, never in any server's log; a request_id replayed by
#    another caller is that caller's own request (NOT_FOUND here), the first caller's replay is
#    answered on either replica;
# 7. both replicas drain on SIGTERM and exit 0;
# 8. a dump of every table of every schema of the run holds no clear resident ID, credit code or
#    phone used in it (stored idempotency answers included).
# Needs RMHUB_TEST_MYSQL_* (scripts/test.sh sets them); exits 77 (skip) without them. Every wait
# is bounded; every server it started is stopped, its databases dropped.
set -uo pipefail

team_bin=${1:?team_server path}
customer_bin=${2:?customer_server path}
ctl=${3:?rmhubctl path}

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init customer
team_db="rmhub_e2e_cst_team_$$_$RANDOM"
customer_db="rmhub_e2e_cst_customer_$$_$RANDOM"
cap=5
# The bank's day (Asia/Shanghai is UTC+8 all year): follow-ups fall due by it.
today=$(date -u -d '+8 hours' +%F)

# rmhubctl as the holder of <token>; every call has a deadline, every process a time limit.
ctl_as() {
  local token=$1
  shift
  RMHUB_TOKEN=$token timeout 60 "$ctl" --timeout 30s "$@"
}
# The number in the first "<field>": "<collection>/<n>" of a --json reply file.
id_in() { sed -n "s/.*\"$2\": \"$3\/\([0-9]*\)\".*/\1/p" "$1" | head -1; }
# assign <replica address> <customer id> <manager id> <file prefix>: AssignCustomer as the branch
# manager; the reply in <prefix>.out, the error in <prefix>.err.
assign() {
  ctl_as "$bm_token" customer assign-customer --addr "$1" "customer=customers/$2" \
    "manager=members/$3" reason=e2e >"$4.out" 2>"$4.err"
}
# check_refused "<what>" <exit status> <expected exit status> <reason> <error file>
check_refused() {
  check "$1: exit $3 (64 + gRPC code), got $2" test "$2" -eq "$3"
  check "$1: reason $4" grep -q "^  reason: $4\$" "$5"
}
count_held() { sql "SELECT COUNT(*) FROM \`$customer_db\`.customers WHERE owner_id = $1"; }

# A valid 18-character resident ID: region 110101, this run's birth date, sequence <n>, and
# its check character (ISO 7064 MOD 11-2).
birth=$(printf '19%02d%02d%02d' $((60 + RANDOM % 40)) $((1 + RANDOM % 12)) $((1 + RANDOM % 28)))
national_id() {
  local body sum=0 i
  local -a weights=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
  body=$(printf '110101%s%03d' "$birth" "$1")
  for i in $(seq 0 16); do sum=$((sum + ${body:i:1} * weights[i])); done
  printf '%s%s\n' "$body" "$(printf '10X98765432' | cut -c $((sum % 11 + 1)))"
}
phone_block=$(printf '%04d' $((RANDOM % 10000)))
phone() { printf '139%s%04d\n' "$phone_block" "$1"; }

# ---------------------------------------------------------------------------------------------
# The stack: team_server, then two customer_server replicas pointed at it.
# The team server runs with its default workers and call queue: two customer replicas' bursts of
# eligibility checks below wait in its queue (a shed check would be sent again by the customer
# service, common/grpc/channel.h), so the race is decided by the cap, not by shedding.
start_team_for_customer "$team_bin" "$team_db" "$customer_db"

# The same PII keys for both replicas: customer1 reads them from files (as deployments should),
# customer2 from the environment.
make_pii_keys e2e1
pii_env=("RMHUB_PII_ENCRYPTION_KEYS=$(head -1 "$tmp/pii-keys")" "RMHUB_PII_ACTIVE_KEY_ID=e2e1"
  "RMHUB_PII_BLIND_INDEX_KEY=$(cat "$tmp/pii-index-key")")
server_args "$customer_db" "$tmp/jwt-secret"
# A key given both ways is refused at start, naming it: which one would win is not guessed.
clean=(env)
while read -r var; do clean+=(-u "$var"); done < <(env | sed -n 's/^\(RMHUB_[A-Za-z0-9_]*\)=.*/\1/p')
"${clean[@]}" "${pii_env[2]}" timeout 60 "$customer_bin" "${E2E_ARGS[@]}" "${pii_files[@]}" \
  --team_address="$team_addr" >"$tmp/both-ways.log" 2>&1
rc=$?
check "a PII key both inline and as a file: exit 2 (got $rc)" test "$rc" -eq 2
check "a PII key both inline and as a file: the message names it" \
  grep -q 'pii_blind_index_key_file' "$tmp/both-ways.log"
start_service customer1 "$customer_bin" "${E2E_ARGS[@]}" "${pii_files[@]}" \
  --team_address="$team_addr"
start_service customer2 "${pii_env[@]}" "$customer_bin" "${E2E_ARGS[@]}" \
  --team_address="$team_addr"
for replica in customer1 customer2; do
  require "$replica started and logged its ports" wait_ports "$replica"
done
c1="127.0.0.1:${E2E_PORT[customer1]}"
c2="127.0.0.1:${E2E_PORT[customer2]}"
for addr in "$team_addr" "$c1" "$c2"; do
  require "health: $addr SERVING" "$ctl" health --addr "$addr" --wait 60s
done

# ---------------------------------------------------------------------------------------------
# 1. Setup through the team API.
admin=$("$ctl" token --service e2e --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 10m)
ctl_as "$admin" team create-branch --addr "$team_addr" branch.code=E2E-CST "branch.display_name=客户测试支行" \
  branch.region=East --json >"$tmp/branch.json" 2>&1
branch=$(id_in "$tmp/branch.json" name branches)
require "create-branch: branches/$branch" test -n "$branch"
ctl_as "$admin" team update-branch --addr "$team_addr" "branch.name=branches/$branch" \
  "branch.personal_customer_cap=$cap" update_mask=personal_customer_cap >"$tmp/ub" 2>&1
require "update-branch: personal customer cap $cap" grep -q "^personal_customer_cap  *$cap$" "$tmp/ub"

# create_member <employee number> <role fields...>: prints the new member's id.
create_member() {
  local emp=$1
  shift
  ctl_as "$admin" team create-member --addr "$team_addr" "member.employee_number=$emp" \
    "member.display_name=E2E $emp" "member.branch=branches/$branch" "$@" --json \
    >"$tmp/member-$emp.json" 2>&1
  id_in "$tmp/member-$emp.json" name members
}
# A personal RM on the ladder with a valid RM qualification: what eligibility asks for.
create_qualified_rm() {
  local id
  id=$(create_member "$1" member.role=RELATIONSHIP_MANAGER member.rm_kind=PERSONAL \
    member.career_level=ASSOCIATE member.career_grade=4)
  [ -n "$id" ] || return 0
  ctl_as "$admin" team add-certification --addr "$team_addr" "parent=members/$id" \
    certification.type=RM_QUALIFICATION certification.rm_kind=PERSONAL \
    "certification.issuer=China Banking Association" "certification.number=RMQ-$1" \
    certification.issue_date=2020-01-01 certification.expiry_date=2099-12-31 \
    >"$tmp/cert-$1" 2>&1 && echo "$id"
}
bm=$(create_member BM01 member.role=BRANCH_MANAGER)
require "create-member: a branch manager (members/$bm)" test -n "$bm"
rm1=$(create_qualified_rm RM01)
rm2=$(create_qualified_rm RM02)
rm3=$(create_qualified_rm RM03)
require "three qualified personal RMs (members/$rm1, $rm2, $rm3)" test -n "$rm1" -a -n "$rm2" -a -n "$rm3"
ctl_as "$admin" team check-assignment-eligibility --addr "$team_addr" "member=members/$rm1" \
  rm_kind=PERSONAL >"$tmp/elig" 2>&1
check "team: the RM is eligible" grep -q '^eligible  *true$' "$tmp/elig"
check "team: under the branch's cap of $cap" grep -q "^cap  *$cap$" "$tmp/elig"

token() { "$ctl" token --secret-file "$tmp/jwt-secret" --ttl 10m --branch "$branch" "$@"; }
bm_token=$(token --member "$bm" --roles BRANCH_MANAGER)
bm_pii_token=$(token --member "$bm" --roles BRANCH_MANAGER --perms pii.read)
rm1_token=$(token --member "$rm1" --roles RELATIONSHIP_MANAGER)
rm2_token=$(token --member "$rm2" --roles RELATIONSHIP_MANAGER)

# ---------------------------------------------------------------------------------------------
# 2. The book: create, assign to the cap, transfer, interaction, care reminder (replica 1).
ids=()
for i in $(seq 1 $((cap + 1))); do
  ctl_as "$bm_token" customer create-customer --addr "$c1" customer.type=RETAIL \
    "customer.display_name=E2E 客户 $i" "customer.national_id=$(national_id "$i")" \
    "customer.contact_phone=$(phone "$i")" --json >"$tmp/create-$i.json" 2>&1
  ids+=("$(id_in "$tmp/create-$i.json" name customers)")
done
require "create-customer: $((cap + 1)) customers (${ids[*]})" \
  test "$(printf '%s\n' "${ids[@]}" | grep -c '^[0-9][0-9]*$')" -eq $((cap + 1))

assigned=0
for i in $(seq 0 $((cap - 1))); do
  assign "$c1" "${ids[i]}" "$rm1" "$tmp/assign" && assigned=$((assigned + 1))
done
require "assign-customer: $cap customers to members/$rm1, up to the cap" test "$assigned" -eq "$cap"
assign "$c1" "${ids[cap]}" "$rm1" "$tmp/over"
check_refused "assign-customer over the cap (FAILED_PRECONDITION)" $? 73 ASSIGNMENT_CAP_REACHED "$tmp/over.err"
check "assign-customer over the cap: the message names the cap" \
  grep -q "already holds $cap of at most $cap customers" "$tmp/over.err"

moved=${ids[cap - 1]}
ctl_as "$bm_token" customer transfer-customer --addr "$c1" "customer=customers/$moved" \
  "to_manager=members/$rm2" "reason=rebalancing" >"$tmp/transfer" 2>&1
check "transfer-customer: customers/$moved now held by members/$rm2" \
  grep -q "^customer.owner  *members/$rm2$" "$tmp/transfer"
check "database: members/$rm1 holds $((cap - 1)) after the transfer" test "$(count_held "$rm1")" -eq $((cap - 1))

followed=${ids[0]}
ctl_as "$rm1_token" customer log-interaction --addr "$c1" "parent=customers/$followed" \
  interaction.channel=VISIT "interaction.summary=quarterly review" \
  "interaction.next_follow_up_date=$today" >"$tmp/interaction" 2>&1
check "log-interaction: follow-up on $today" grep -q "^next_follow_up_date  *$today$" "$tmp/interaction"
ctl_as "$rm1_token" customer list-care-reminders --addr "$c1" "manager=members/$rm1" \
  --columns kind,customer,date >"$tmp/reminders" 2>&1
check "list-care-reminders: FOLLOW_UP_DUE for customers/$followed today" \
  grep -q "^FOLLOW_UP_DUE  *customers/$followed  *$today *$" "$tmp/reminders"

# ---------------------------------------------------------------------------------------------
# 3. 50 concurrent assignments to members/$rm3 (cap $cap, none held), alternating replicas.
n=50
{
  printf '{"branch": "branches/%s", "rows": [' "$branch"
  for i in $(seq 1 $n); do
    [ "$i" -gt 1 ] && printf ','
    printf '{"customer": {"type": "RETAIL", "display_name": "E2E 批量 %s", "national_id": "%s", "contact_phone": "%s"}}' \
      "$i" "$(national_id $((100 + i)))" "$(phone $((100 + i)))"
  done
  printf ']}\n'
} >"$tmp/import.json"
ctl_as "$bm_token" customer import-customers --addr "$c2" --data "@$tmp/import.json" --json \
  >"$tmp/imported.json" 2>&1
mapfile -t batch < <(sed -n 's/.*"customer": "customers\/\([0-9]*\)".*/\1/p' "$tmp/imported.json")
require "import-customers: $n new customers (got ${#batch[@]})" test "${#batch[@]}" -eq "$n"

pids=()
for i in $(seq 0 $((n - 1))); do
  addr=$c1
  [ $((i % 2)) -eq 1 ] && addr=$c2
  (
    assign "$addr" "${batch[i]}" "$rm3" "$tmp/race-$i"
    echo $? >"$tmp/race-$i.rc"
  ) &
  pids+=($!)
done
wait "${pids[@]}"
succeeded=$(cat "$tmp"/race-*.rc | grep -cx 0)
refused=$(cat "$tmp"/race-*.rc | grep -cx 73)
on_cap=$(grep -lx '  reason: ASSIGNMENT_CAP_REACHED' "$tmp"/race-*.err | wc -l)
check "race: exactly $cap of $n succeeded (got $succeeded)" test "$succeeded" -eq "$cap"
check "race: $((n - cap)) refused with exit 73 (got $refused)" test "$refused" -eq $((n - cap))
check "race: each refusal is ASSIGNMENT_CAP_REACHED (got $on_cap)" test "$on_cap" -eq $((n - cap))
if [ "$succeeded" -ne "$cap" ] || [ "$refused" -ne $((n - cap)) ]; then
  echo "    exit codes (count, code):"
  cat "$tmp"/race-*.rc | sort | uniq -c | sed 's/^/    /'
  grep -h '^error' "$tmp"/race-*.err | sort | uniq -c | sed 's/^/    /'
fi
held=$(count_held "$rm3")
check "race: the database holds $cap customers of members/$rm3 (got $held)" test "$held" -eq "$cap"
check "race: $cap assignment records for members/$rm3" test \
  "$(sql "SELECT COUNT(*) FROM \`$customer_db\`.assignments WHERE to_owner_id = $rm3")" -eq "$cap"
# Replica 2 took no assignment before the race: it answered exactly its half.
assign_calls() {
  fetch_metrics "${E2E_METRICS_PORT[$1]}" | grep '^grpc_server_handled_total{' |
    grep 'grpc_method="AssignCustomer"' | awk '{ sum += $2 } END { print sum + 0 }'
}
check "race: replica 2 handled $((n / 2)) of the assignments" test "$(assign_calls customer2)" -eq $((n / 2))

# ---------------------------------------------------------------------------------------------
# 4. The team service goes away: assignments are refused and write nothing.
stop_service team
check "team server: SIGTERM, exits 0 (got $stop_code)" test "$stop_code" = 0
held_rm2=$(count_held "$rm2")
spare=$(sql "SELECT MIN(id) FROM \`$customer_db\`.customers WHERE owner_id IS NULL AND id >= ${batch[0]}")
assign "$c1" "$spare" "$rm2" "$tmp/unavail"
check_refused "team down: UNAVAILABLE" $? 78 TEAM_SERVICE_UNAVAILABLE "$tmp/unavail.err"
check "team down: members/$rm2 still holds $held_rm2" test "$(count_held "$rm2")" -eq "$held_rm2"
check "team down: members/$rm3 still holds $cap" test "$(count_held "$rm3")" -eq "$cap"
check "team down: customers/$spare still unassigned" test \
  "$(sql "SELECT owner_id IS NULL FROM \`$customer_db\`.customers WHERE id = $spare")" = 1

# ---------------------------------------------------------------------------------------------
# 5. No BOLA: another manager's customer answers exactly as a missing one.
ctl_as "$rm2_token" customer get-customer --addr "$c2" "name=customers/$moved" >"$tmp/own" 2>&1
check "get-customer: members/$rm2 reads the customer it holds" grep -q "^owner  *members/$rm2$" "$tmp/own"
ctl_as "$rm2_token" customer get-customer --addr "$c2" "name=customers/$followed" >"$tmp/out" 2>"$tmp/other.err"
rc_other=$?
ctl_as "$rm2_token" customer get-customer --addr "$c2" "name=customers/987654321" >"$tmp/out" 2>"$tmp/missing.err"
rc_missing=$?
check "get-customer of another RM's customer: exit 69 NOT_FOUND (got $rc_other)" test "$rc_other" -eq 69
check "get-customer of a missing customer: exit 69 NOT_FOUND (got $rc_missing)" test "$rc_missing" -eq 69
check "another RM's customer and a missing one: the same error, word for word" \
  diff <(grep -v 'x-request-id' "$tmp/other.err") <(grep -v 'x-request-id' "$tmp/missing.err")

# ---------------------------------------------------------------------------------------------
# 5b. Load: 256 concurrent GetCustomer streams (h2load, 4 connections x 64 streams) against one
#     replica wait in its call queue; none is shed (RESOURCE_EXHAUSTED) and every one is OK.
reads=2560
metrics2=${E2E_METRICS_PORT[customer2]}
ok_before=$(handled "$metrics2" GetCustomer OK)
shed_before=$(handled "$metrics2" GetCustomer RESOURCE_EXHAUSTED)
grpc_request_file "$tmp/get-customer.bin" "customers/$moved"
timeout 120 h2load -n "$reads" -c 4 -m 64 -d "$tmp/get-customer.bin" \
  -H 'content-type: application/grpc' -H 'te: trailers' -H 'grpc-timeout: 30S' \
  -H "authorization: Bearer $rm2_token" \
  "http://$c2/rmhub.customer.v1.CustomerService/GetCustomer" >"$tmp/h2load" 2>&1
check "h2load: $reads requests completed" grep -q "requests: $reads total, $reads started, $reads done, $reads succeeded" "$tmp/h2load"
ok_delta=$(($(handled "$metrics2" GetCustomer OK) - ok_before))
shed_delta=$(($(handled "$metrics2" GetCustomer RESOURCE_EXHAUSTED) - shed_before))
check "256 concurrent reads: all $reads answered OK (got $ok_delta)" test "$ok_delta" -eq "$reads"
check "256 concurrent reads: 0 RESOURCE_EXHAUSTED (got $shed_delta)" test "$shed_delta" -eq 0
[ "$ok_delta" -eq "$reads" ] || sed 's/^/    /' "$tmp/h2load"

# ---------------------------------------------------------------------------------------------
# 6. PII: masked for a relationship manager, in clear with pii.read, never in a log.
nid=$(national_id 1)
tel=$(phone 1)
ctl_as "$rm1_token" customer get-customer --addr "$c2" "name=customers/${ids[0]}" >"$tmp/masked" 2>&1
check "get-customer (RM): national ID masked" grep -qx "national_id  *${nid:0:3}\*\{11\}${nid:14:4}" "$tmp/masked"
check "get-customer (RM): phone masked" grep -qx "contact_phone  *${tel:0:3}\*\{4\}${tel:7:4}" "$tmp/masked"
check "get-customer (RM): pii_masked" grep -qx 'pii_masked  *true' "$tmp/masked"
ctl_as "$bm_pii_token" customer get-customer --addr "$c1" "name=customers/${ids[0]}" >"$tmp/clear" 2>&1
check "get-customer (pii.read): national ID and phone in clear" \
  sh -c "grep -qx 'national_id  *$nid' '$tmp/clear' && grep -qx 'contact_phone  *$tel' '$tmp/clear'"

# ---------------------------------------------------------------------------------------------
# 6b. A request_id is the caller's own: an identical request from another caller runs as that
# caller and never gets the first answer; the first caller's replay is answered (on either
# replica) as a first call by it would be. A corporate customer adds a credit code to the run.
credit_serial=$(printf '%05d' $((RANDOM % 100000)))
credit_code() {
  local body sum=0 i alphabet=0123456789ABCDEFGHJKLMNPQRTUWXY
  local -a weights=(1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28)
  body=$(printf '91110000%s%04d' "$credit_serial" "$1")
  for i in $(seq 0 16); do sum=$((sum + ${body:i:1} * weights[i])); done
  printf '%s%s\n' "$body" "${alphabet:$(((31 - sum % 31) % 31)):1}"
}
corp_code=$(credit_code 1)
ctl_as "$bm_pii_token" customer create-customer --addr "$c1" customer.type=CORPORATE \
  "customer.display_name=E2E 企业 1" "customer.credit_code=$corp_code" \
  "customer.contact_phone=$(phone 900)" request_id=e2e-corporate-1 >"$tmp/corporate" 2>&1
check "create-customer (pii.read): the credit code in clear" \
  grep -qx "credit_code  *$corp_code" "$tmp/corporate"

archived=${ids[cap]}
archived_nid=$(national_id $((cap + 1)))
ctl_as "$bm_token" customer get-customer --addr "$c1" "name=customers/$archived" \
  >"$tmp/before-archive" 2>&1
etag=$(sed -n 's/^etag  *//p' "$tmp/before-archive")
archive=(customer archive-customer "name=customers/$archived" "etag=$etag" "reason=e2e archive"
  request_id=e2e-archive-1)
ctl_as "$bm_pii_token" "${archive[0]}" "${archive[1]}" --addr "$c1" "${archive[@]:2}" \
  >"$tmp/archive" 2>&1
check "archive-customer (pii.read, request_id e2e-archive-1): archived, ID in clear" \
  sh -c "grep -qx 'archived  *true' '$tmp/archive' && grep -qx 'national_id  *$archived_nid' '$tmp/archive'"
ctl_as "$rm2_token" "${archive[0]}" "${archive[1]}" --addr "$c2" "${archive[@]:2}" \
  >"$tmp/replay-other.out" 2>"$tmp/replay-other.err"
check_refused "the same request_id from another caller (NOT_FOUND as its own call)" $? 69 \
  CUSTOMER_NOT_FOUND "$tmp/replay-other.err"
check "the other caller sees nothing of the first answer" \
  sh -c "! grep -qF '$archived_nid' '$tmp/replay-other.out' '$tmp/replay-other.err'"
ctl_as "$bm_pii_token" "${archive[0]}" "${archive[1]}" --addr "$c2" "${archive[@]:2}" \
  >"$tmp/replay-own" 2>&1
check "the first caller's replay on the other replica: the same answer" \
  sh -c "grep -qx 'national_id  *$archived_nid' '$tmp/replay-own' && grep -qx 'archived  *true' '$tmp/replay-own'"

# ---------------------------------------------------------------------------------------------
# 7. Both replicas drain on SIGTERM.
for replica in customer1 customer2; do
  stop_service "$replica"
  check "$replica: SIGTERM, drains and exits 0 (got $stop_code)" test "$stop_code" = 0
done

# Every national ID and phone this run used, and the masked-out middle of each ID.
for i in $(seq 1 $((cap + 1))) $(seq 101 $((100 + n))); do
  id=$(national_id "$i")
  printf '%s\n%s\n%s\n' "$id" "${id:3:11}" "$(phone "$i")"
done >"$tmp/pii-values"
printf '%s\n%s\n' "$corp_code" "$(phone 900)" >>"$tmp/pii-values"
for service in team customer1 customer2; do
  check "$service log: no national ID or phone in it" \
    sh -c "test -s '$tmp/$service.log' && ! grep -F -f '$tmp/pii-values' '$tmp/$service.log'"
done

# ---------------------------------------------------------------------------------------------
# 8. No clear PII at rest: every column of every table of every schema this run used (the
# idempotency records' stored answers included), dumped as the server holds it.
MYSQL_PWD=$RMHUB_TEST_MYSQL_PASSWORD mariadb-dump --no-defaults -h "$RMHUB_TEST_MYSQL_HOST" \
  -P "$RMHUB_TEST_MYSQL_PORT" -u "$RMHUB_TEST_MYSQL_USER" --single-transaction \
  --skip-lock-tables --skip-extended-insert --databases "${E2E_DBS[@]}" >"$tmp/dump.sql" \
  2>"$tmp/dump.err"
check "mariadb-dump of ${E2E_DBS[*]}" test -s "$tmp/dump.sql"
records=$(sql "SELECT COUNT(*) FROM \`$customer_db\`.idempotency_records")
check "the run left idempotency records to scan (got $records)" test "$records" -ge $((cap + 1))
check "the dump holds the customers and the stored answers" \
  sh -c "grep -qa 'INSERT INTO \`customers\`' '$tmp/dump.sql' && grep -qa 'INSERT INTO \`idempotency_records\`' '$tmp/dump.sql'"
check "no clear resident ID, credit code or phone in any table" \
  sh -c "! grep -aF -f '$tmp/pii-values' '$tmp/dump.sql'"
finish
