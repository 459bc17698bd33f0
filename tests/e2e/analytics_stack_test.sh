#!/usr/bin/env bash
# End to end: analytics fed by the real outbox relays of the team and customer services, driven by
# the real rmhubctl, against the test MariaDB, on loopback ports.
#   analytics_stack_test.sh <analytics_server> <team_server> <customer_server> <rmhubctl>
# 1. setup through the team API (branch, branch manager, two qualified RMs), customers created,
#    assigned and an interaction logged through the customer API;
# 2. the relays deliver: the RM's scorecard shows the customers held, the new customers and the
#    interaction; a team mate's scorecard is NOT_FOUND for the RM;
# 3. analytics killed with SIGKILL while customers are being created, restarted on its port:
#    every outbox row is delivered and stored exactly once, and the projections equal a rebuild
#    from the stored events;
# 4. the same event sent 10 times concurrently (rmhubctl as the customer service), alternating
#    between two analytics replicas on one database, counts once.
# Needs RMHUB_TEST_MYSQL_* (scripts/test.sh sets them); exits 77 (skip) without them. Every wait
# is bounded by a count of polls, never asserted on time.
set -uo pipefail

analytics_bin=${1:?analytics_server path}
team_bin=${2:?team_server path}
customer_bin=${3:?customer_server path}
ctl=${4:?rmhubctl path}

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init analytics
suffix="$$_$RANDOM"
analytics_db="rmhub_e2e_an_analytics_$suffix"
team_db="rmhub_e2e_an_team_$suffix"
customer_db="rmhub_e2e_an_customer_$suffix"

ctl_as() {
  local token=$1
  shift
  RMHUB_TOKEN=$token timeout 60 "$ctl" --timeout 30s "$@"
}
id_in() { sed -n "s/.*\"$2\": \"$3\/\([0-9]*\)\".*/\1/p" "$1" | head -1; }
unsent() {
  echo $(($(sql "SELECT COUNT(*) FROM \`$team_db\`.outbox_events WHERE sent_time IS NULL") + \
    $(sql "SELECT COUNT(*) FROM \`$customer_db\`.outbox_events WHERE sent_time IS NULL")))
}
# Up to 60 s of polls until both outboxes are delivered.
wait_delivered() {
  for _ in $(seq 1 600); do
    [ "$(unsent)" -eq 0 ] && return 0
    sleep 0.1
  done
  return 1
}
# figure <scorecard json> <figure name>: its value.
figure() {
  python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(next(int(float(f["value"])) for dim in d["dimensions"] for f in dim["figures"] if f["name"]==sys.argv[2]))' "$1" "$2"
}
# A checksum of every projection table of analytics.
projections() {
  local out="" t cols
  for t in holdings member_months customer_states member_states contacts certifications; do
    case $t in
      holdings) cols="member_id, customers, key_accounts, aum_minor" ;;
      member_months) cols="member_id, month, interactions, customers_contacted, new_customers, churned, won_back, aum_change_minor, promotions, mentorships_started" ;;
      customer_states) cols="customer_id, owner_id, team_id, branch_id, status, key_account, aum_minor, archived" ;;
      member_states) cols="member_id, branch_id, home_team_id, role, status" ;;
      contacts) cols="customer_id, month" ;;
      certifications) cols="member_id, certification_id, valid, valid_until" ;;
    esac
    out+="$t=$(sql "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS(',', $cols))), 0) FROM \`$analytics_db\`.$t");"
  done
  echo "$out"
}

# ---------------------------------------------------------------------------------------------
# The stack: analytics first on a fixed free port (it is restarted on it), then team, customer.
make_secret "$tmp/jwt-secret"
for db in "$analytics_db" "$team_db" "$customer_db"; do create_db "$db" || exit 1; done
analytics_port=$(free_port)
analytics_addr="127.0.0.1:$analytics_port"
server_args "$analytics_db" "$tmp/jwt-secret"
analytics_args=("${E2E_ARGS[@]}" --listen_address="$analytics_addr")
start_service analytics "$analytics_bin" "${analytics_args[@]}"
require "analytics started" wait_ports analytics
server_args "$team_db" "$tmp/jwt-secret"
start_service team "$team_bin" "${E2E_ARGS[@]}" --analytics_address="$analytics_addr"
require "team started" wait_ports team
team_addr="127.0.0.1:${E2E_PORT[team]}"
printf 'e2e1:%s\n' "$(head -c 32 /dev/urandom | base64 -w0)" >"$tmp/pii-keys"
head -c 32 /dev/urandom | base64 -w0 >"$tmp/pii-index-key"
server_args "$customer_db" "$tmp/jwt-secret"
start_service customer "$customer_bin" "${E2E_ARGS[@]}" --analytics_address="$analytics_addr" \
  --team_address="$team_addr" --pii_encryption_keys_file="$tmp/pii-keys" \
  --pii_active_key_id=e2e1 --pii_blind_index_key_file="$tmp/pii-index-key"
require "customer started" wait_ports customer
customer_addr="127.0.0.1:${E2E_PORT[customer]}"
for addr in "$analytics_addr" "$team_addr" "$customer_addr"; do
  require "health: $addr SERVING" "$ctl" health --addr "$addr" --wait 60s
done

# ---------------------------------------------------------------------------------------------
# 1. Setup and activity.
admin=$("$ctl" token --service e2e --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 10m)
ctl_as "$admin" team create-branch --addr "$team_addr" branch.code="E2E-AN-$RANDOM" \
  "branch.display_name=分析测试支行" branch.region=East --json >"$tmp/branch.json" 2>&1
branch=$(id_in "$tmp/branch.json" name branches)
require "create-branch: branches/$branch" test -n "$branch"
create_member() {
  local emp=$1
  shift
  ctl_as "$admin" team create-member --addr "$team_addr" "member.employee_number=$emp-${suffix//_/-}" \
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
    "certification.issuer=China Banking Association" "certification.number=RMQ-$1-${suffix//_/-}" \
    certification.issue_date=2020-01-01 certification.expiry_date=2099-12-31 \
    >"$tmp/cert-$1" 2>&1 && echo "$id"
}
bm=$(create_member BM01 member.role=BRANCH_MANAGER)
rm1=$(create_qualified_rm RM01)
rm2=$(create_qualified_rm RM02)
require "a branch manager and two qualified RMs" test -n "$bm" -a -n "$rm1" -a -n "$rm2"
token() { "$ctl" token --secret-file "$tmp/jwt-secret" --ttl 10m --branch "$branch" "$@"; }
bm_token=$(token --member "$bm" --roles BRANCH_MANAGER)
rm1_token=$(token --member "$rm1" --roles RELATIONSHIP_MANAGER)

# A valid resident ID (region 110101, this run's birth date, sequence <n>, ISO 7064 check) and a
# phone, as in customer_stack_test.sh.
birth=$(printf '19%02d%02d%02d' $((60 + RANDOM % 40)) $((1 + RANDOM % 12)) $((1 + RANDOM % 28)))
national_id() {
  local body sum=0 i
  local -a weights=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)
  body=$(printf '110101%s%03d' "$birth" "$1")
  for i in $(seq 0 16); do sum=$((sum + ${body:i:1} * weights[i])); done
  printf '%s%s\n' "$body" "$(printf '10X98765432' | cut -c $((sum % 11 + 1)))"
}
phone_block=$(printf '%04d' $((RANDOM % 10000)))
# create_customer <n>: a retail customer (unassigned); prints its id.
create_customer() {
  ctl_as "$bm_token" customer create-customer --addr "$customer_addr" customer.type=RETAIL \
    "customer.display_name=E2E 客户 $1" "customer.national_id=$(national_id "$1")" \
    "customer.contact_phone=$(printf '139%s%04d' "$phone_block" "$1")" --json \
    >"$tmp/create-$1.json" 2>&1
  id_in "$tmp/create-$1.json" name customers
}
ids=()
for i in 1 2 3 4; do ids+=("$(create_customer "$i")"); done
require "four customers (${ids[*]})" test "$(printf '%s\n' "${ids[@]}" | grep -c '^[0-9][0-9]*$')" -eq 4
for i in 0 1 2; do
  ctl_as "$bm_token" customer assign-customer --addr "$customer_addr" \
    "customer=customers/${ids[i]}" "manager=members/$rm1" reason=e2e >"$tmp/assign-$i" 2>&1
done
ctl_as "$bm_token" customer assign-customer --addr "$customer_addr" \
  "customer=customers/${ids[3]}" "manager=members/$rm2" reason=e2e >"$tmp/assign-3" 2>&1
ctl_as "$rm1_token" customer log-interaction --addr "$customer_addr" \
  "parent=customers/${ids[0]}" interaction.channel=VISIT "interaction.summary=review" \
  >"$tmp/interaction" 2>&1
check "customer: assignments and the interaction succeeded" grep -q . "$tmp/interaction"

# ---------------------------------------------------------------------------------------------
# 2. Delivered through the relays, visible in the scorecard.
require "every outbox row delivered" wait_delivered
month=$(date -u -d '+8 hours' +%-m)
year=$(date -u -d '+8 hours' +%Y)
scorecard() {
  ctl_as "$1" analytics get-scorecard --addr "$analytics_addr" "subject=$2" period_kind=MONTH \
    "year=$year" "index=$month" --json
}
scorecard "$rm1_token" "members/$rm1" >"$tmp/sc1.json" 2>"$tmp/sc1.err"
check "scorecard: members/$rm1 holds 3" test "$(figure "$tmp/sc1.json" customers_held)" -eq 3
check "scorecard: 3 new customers" test "$(figure "$tmp/sc1.json" new_customers)" -eq 3
check "scorecard: 1 interaction" test "$(figure "$tmp/sc1.json" interactions)" -eq 1
check "scorecard: five dimensions with formulas" \
  test "$(grep -c '"formula"' "$tmp/sc1.json")" -eq 5
scorecard "$rm1_token" "members/$rm2" >/dev/null 2>"$tmp/sc2.err"
check "scorecard: a team mate's is NOT_FOUND for the RM (exit 69)" test $? -eq 69
scorecard "$bm_token" "branches/$branch" >"$tmp/scb.json" 2>&1
check "scorecard: the branch manager's branch holds 4" \
  test "$(figure "$tmp/scb.json" customers_held)" -eq 4

# ---------------------------------------------------------------------------------------------
# 3. SIGKILL mid-stream, restart, exactly once, equal to a rebuild.
(for i in $(seq 11 22); do create_customer "$i" >/dev/null; done) &
writer=$!
for _ in $(seq 1 100); do
  [ "$(sql "SELECT COUNT(*) FROM \`$analytics_db\`.events WHERE type = 'customer.created'")" -ge 6 ] && break
  sleep 0.05
done
kill -KILL "${E2E_PID[analytics]}"
wait "${E2E_PID[analytics]}" 2>/dev/null
E2E_PID[analytics]=""
wait "$writer"
start_service analytics2 "$analytics_bin" "${analytics_args[@]}"
require "analytics restarted on its port" wait_ports analytics2
require "every outbox row delivered after the restart" wait_delivered
outbox_total=$(($(sql "SELECT COUNT(*) FROM \`$team_db\`.outbox_events") + \
  $(sql "SELECT COUNT(*) FROM \`$customer_db\`.outbox_events")))
stored=$(sql "SELECT COUNT(*) FROM \`$analytics_db\`.events")
check "exactly once: $outbox_total outbox rows, $stored events stored" test "$stored" -eq "$outbox_total"
incremental=$(projections)
analytics_admin=$(token --member 1 --roles BACK_OFFICE --perms analytics.admin,analytics.read)
ctl_as "$analytics_admin" analytics rebuild-projections --addr "$analytics_addr" --json \
  >"$tmp/rebuild.json" 2>&1
check "rebuild: replayed $stored events" grep -q "\"replayed_count\": \"$stored\"" "$tmp/rebuild.json"
check "rebuild: projections equal the incremental ones" test "$(projections)" = "$incremental"

# ---------------------------------------------------------------------------------------------
# 4. The same event 10 times concurrently, over two replicas, counts once.
svc=$("$ctl" token --service customer --secret-file "$tmp/jwt-secret" --ttl 10m)
cat >"$tmp/event.json" <<JSON
{"events": [{"event_id": "e2e-dup-$suffix", "source": "customer",
  "type": "customer.interaction_logged", "aggregate": "customers/${ids[1]}",
  "occur_time": "$(date -u +%FT%TZ)", "actor": "members/$rm1", "aggregate_version": 999,
  "payload": {"@type": "type.googleapis.com/rmhub.customer.v1.Interaction",
              "manager": "members/$rm1"}}]}
JSON
# A second replica on the same database takes every other send (replicas of one service share
# its database, issue 13).
start_service analytics3 "$analytics_bin" "${analytics_args[@]/--listen_address=*/--listen_address=127.0.0.1:0}"
require "a second analytics replica started" wait_ports analytics3
replica_addr=("$analytics_addr" "127.0.0.1:${E2E_PORT[analytics3]}")
pids=()
for i in $(seq 1 10); do
  ctl_as "$svc" analytics ingest-events --addr "${replica_addr[$((i % 2))]}" \
    --data "@$tmp/event.json" --json >"$tmp/dup-$i.json" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
accepted=$(cat "$tmp"/dup-*.json | grep -c '"accepted_count": 1')
check "10 concurrent sends: accepted once ($accepted)" test "$accepted" -eq 1
check "the second replica answered 5 of the sends" \
  test "$(grep -c '"method":"/rmhub.analytics.v1.AnalyticsService/IngestEvents"' "$tmp/analytics3.log")" -eq 5
check "10 concurrent sends: stored once" \
  test "$(sql "SELECT COUNT(*) FROM \`$analytics_db\`.events WHERE event_id = 'e2e-dup-$suffix'")" -eq 1
scorecard "$rm1_token" "members/$rm1" >"$tmp/sc3.json" 2>&1
check "scorecard: 2 interactions after the duplicate storm" \
  test "$(figure "$tmp/sc3.json" interactions)" -eq 2

finish
