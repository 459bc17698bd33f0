#!/usr/bin/env bash
# Replicas of one service on one database (issue 13): two team_server replicas, each relaying its
# outbox to its own analytics_server replica, both analytics replicas on one analytics database.
# 1. 20 mutations, each sent with one request_id to BOTH team replicas at the same moment: both
#    answers name the same branch and the database holds one branch per request_id;
# 2. 10 more sent to one replica and replayed later on the other: the replay answers the same
#    branch and writes nothing;
# 3. one relay leader: every outbox row of team is delivered, analytics stored each event once,
#    and neither analytics replica was ever sent an event it already had (duplicate outcome 0):
#    the two relays never shipped the same rows;
# 4. both team replicas and both analytics replicas drain on SIGTERM and exit 0.
# The other services' replica invariants live in their own stacks: customer caps and replays
# (e2e_customer_stack), task's single overdue event (e2e_task_stack), complaint's single SLA
# events and replayed routing (e2e_complaint_stack), analytics' exactly-once ingest over two
# replicas (e2e_analytics_stack), the cap across Galera nodes (e2e_galera_failover).
#   replicas_test.sh <team_server> <analytics_server> <rmhubctl>
# Needs RMHUB_TEST_MYSQL_* (scripts/test.sh sets them); exits 77 (skip) without them.
set -uo pipefail
team_bin=${1:?team_server path}
analytics_bin=${2:?analytics_server path}
ctl=${3:?rmhubctl path}

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init replicas
suffix="$$_$RANDOM"
team_db="rmhub_e2e_rep_team_$suffix"
analytics_db="rmhub_e2e_rep_analytics_$suffix"

ctl_as() {
  local token=$1
  shift
  RMHUB_TOKEN=$token timeout 60 "$ctl" --timeout 30s "$@"
}
name_in() { sed -n 's/.*"name": "\(branches\/[0-9]*\)".*/\1/p' "$1" | head -1; }

# ---- the stack ----
make_secret "$tmp/jwt-secret"
create_db "$team_db" && create_db "$analytics_db" || exit 1
server_args "$analytics_db" "$tmp/jwt-secret"
for a in analytics1 analytics2; do
  start_service "$a" "$analytics_bin" "${E2E_ARGS[@]}"
  require "$a started" wait_ports "$a"
done
server_args "$team_db" "$tmp/jwt-secret"
start_service team1 "$team_bin" "${E2E_ARGS[@]}" \
  --analytics_address="127.0.0.1:${E2E_PORT[analytics1]}"
start_service team2 "$team_bin" "${E2E_ARGS[@]}" \
  --analytics_address="127.0.0.1:${E2E_PORT[analytics2]}"
for t in team1 team2; do require "$t started" wait_ports "$t"; done
t1="127.0.0.1:${E2E_PORT[team1]}"
t2="127.0.0.1:${E2E_PORT[team2]}"
for addr in "$t1" "$t2"; do
  require "health: $addr SERVING" "$ctl" health --addr "$addr" --wait 60s
done
admin=$("$ctl" token --service e2e --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 10m)
create_branch() {  # create_branch <address> <request id> <n> <output file>
  ctl_as "$admin" team create-branch --addr "$1" "request_id=$2" "branch.code=REP-$3-${suffix//_/}" \
    "branch.display_name=副本支行 $3" branch.region=East --json >"$4" 2>&1
}
branches() { sql "SELECT COUNT(*) FROM \`$team_db\`.branches"; }

# ---- 1. the same request on both replicas at once ----
pids=()
for i in $(seq 1 20); do
  rid="rep-both-$suffix-$i"
  # Both replicas get the identical request (same code): a replay, not a REQUEST_ID_REUSED.
  code_n="B$i"
  create_branch "$t1" "$rid" "$code_n" "$tmp/both-$i-1.json" &
  pids+=($!)
  create_branch "$t2" "$rid" "$code_n" "$tmp/both-$i-2.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
same=0
for i in $(seq 1 20); do
  a=$(name_in "$tmp/both-$i-1.json")
  b=$(name_in "$tmp/both-$i-2.json")
  [ -n "$a" ] && [ "$a" = "$b" ] && same=$((same + 1))
done
check "20 requests sent to both replicas at once: both answers name the same branch ($same of 20)" \
  test "$same" -eq 20
[ "$same" -eq 20 ] || { cat "$tmp/both-1-1.json" "$tmp/both-1-2.json"; }
check "one branch per request_id (20 rows)" test "$(branches)" -eq 20

# ---- 2. a replay arriving later at the other replica ----
replayed=0
for i in $(seq 1 10); do
  rid="rep-later-$suffix-$i"
  if [ $((i % 2)) -eq 0 ]; then first=$t1 other=$t2; else first=$t2 other=$t1; fi
  create_branch "$first" "$rid" "L$i" "$tmp/later-$i-1.json"
  create_branch "$other" "$rid" "L$i" "$tmp/later-$i-2.json"
  a=$(name_in "$tmp/later-$i-1.json")
  b=$(name_in "$tmp/later-$i-2.json")
  [ -n "$a" ] && [ "$a" = "$b" ] && replayed=$((replayed + 1))
done
check "10 replays on the other replica answer the first result ($replayed of 10)" \
  test "$replayed" -eq 10
check "the replays wrote nothing (30 rows)" test "$(branches)" -eq 30
check "both replicas answered calls" \
  test "$(handled "${E2E_METRICS_PORT[team1]}" CreateBranch OK)" -gt 0 -a \
  "$(handled "${E2E_METRICS_PORT[team2]}" CreateBranch OK)" -gt 0

# ---- 3. one relay leader: every row delivered once, no event shipped twice ----
unsent() { sql "SELECT COUNT(*) FROM \`$team_db\`.outbox_events WHERE sent_time IS NULL"; }
delivered() {
  for _ in $(seq 1 600); do
    [ "$(unsent)" -eq 0 ] && return 0
    sleep 0.1
  done
  return 1
}
check "every team outbox row delivered" delivered
rows=$(sql "SELECT COUNT(*) FROM \`$team_db\`.outbox_events")
stored=$(sql "SELECT COUNT(*) FROM \`$analytics_db\`.events WHERE source = 'team'")
check "analytics stored each of the $rows events once ($stored)" test "$stored" -eq "$rows" -a "$rows" -ge 30
outcome() {  # outcome <metrics port> <outcome>: rmhub_analytics_events_total for source team
  fetch_metrics "$1" | grep '^rmhub_analytics_events_total{' | grep 'source="team"' |
    grep "outcome=\"$2\"" | awk '{ sum += $2 } END { print sum + 0 }'
}
acc=$(($(outcome "${E2E_METRICS_PORT[analytics1]}" accepted) + \
  $(outcome "${E2E_METRICS_PORT[analytics2]}" accepted)))
dup=$(($(outcome "${E2E_METRICS_PORT[analytics1]}" duplicate) + \
  $(outcome "${E2E_METRICS_PORT[analytics2]}" duplicate)))
check "the analytics replicas accepted $acc events, as many as stored" test "$acc" -eq "$stored"
check "no event was shipped twice by the two relays (duplicates: $dup)" test "$dup" -eq 0

# ---- 4. drain ----
for s in team1 team2 analytics1 analytics2; do
  stop_service "$s"
  check "$s exits 0 on SIGTERM (got $stop_code)" test "$stop_code" = 0
done
finish
