#!/usr/bin/env bash
# The external read-path benchmark (issue 7, docs/benchmarks.md "External read path"). In ONE
# run: a private MariaDB (scripts/mariadb.sh), the real team_server and customer_server (flags as
# scripts/up.sh gives them, access log on, metrics on) seeded with the demo data (rmhub-seed:
# the demo branch and its 2,000 customers), a bare gRPC C++ callback server (bare_server: the
# gRPC floor) and a raw Connector/C++ point-select driver (raw_select: the database floor).
# h2load (nghttp2-client) drives GetCustomer, GetMember and the bare server with gRPC framing
# (POST, content-type application/grpc, te: trailers, grpc-timeout, a length-prefixed request,
# a bearer token from `rmhubctl token`) at each level of concurrent streams, for --rounds
# interleaved rounds (every workload at every level once per round). gRPC status codes come
# from the servers' metrics (h2load sees HTTP 200 for every gRPC reply): grpc_server_handled_total
# by code, rmhub_server_shed_total by reason, rmhub_server_executed_total. CPU per call from
# /proc/<pid>/stat of each server and of mysqld over each measured window.
#   tools/rmhub-bench/external/bench.sh [--build DIR] [--out DIR] [--levels 8,32,256,1024]
#       [--rounds 3] [--duration 10] [--warmup 2] [--short_deadline_ms 50] [--short_level 1024]
#       [--short_duration 10] [--workloads bare,raw,get-customer,get-member]
#   (task workloads, issue 9, not in the default list: create-task — CreateTask of a visit by a
#   relationship manager of the demo branch for their team, assigned to themselves, no
#   request_id, so every call writes; list-tasks — ListTasks of the same RM's open tasks,
#   `assignee = "members/N" AND status = TODO`, page 20. Their raw-query floors are not built
#   yet: the bare and raw workloads of the same run are the floors in the summary.)
#   (raw-needs, not in the default list: the raw point-select with the repository's needs
#   subquery, to price the subquery in MariaDB)
#   tools/rmhub-bench/external/bench.sh --profile_calls N [--out DIR]
#       instead of the rounds: restarts customer_server under valgrind --tool=callgrind, zeroes
#       the counters after a warm-up, sends N GetCustomer calls (h2load, 32 streams), dumps the
#       profile to <out>/callgrind.out and prints instructions per call (callgrind_annotate it).
# Results: <out>/results.tsv (one row per measurement), <out>/summary.md (median of the rounds
# per cell, the floor ratios and the short-deadline run), logs in <out>/logs.
# Needs: the binaries built (team_server customer_server rmhubctl rmhub-seed
# rmhub_bench_bare_server rmhub_bench_raw_select), h2load, mariadbd.
set -uo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=$root/build
out=""
levels=8,32,256,1024
rounds=3
duration=10
warmup=2
short_deadline_ms=50
short_level=1024
short_duration=10
profile_calls=0
workload_list=bare,raw,get-customer,get-member
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$(realpath "$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --levels) levels=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --short_deadline_ms) short_deadline_ms=$2; shift 2 ;;
    --short_level) short_level=$2; shift 2 ;;
    --short_duration) short_duration=$2; shift 2 ;;
    --profile_calls) profile_calls=$2; shift 2 ;;
    --workloads) workload_list=$2; shift 2 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || out=$(mktemp -d /tmp/rmhub-extbench.XXXXXX)
mkdir -p "$out/logs"
out=$(realpath "$out")
logs=$out/logs
work=$(mktemp -d /tmp/rmhub-extbench-work.XXXXXX)
chmod 755 "$work"

team_bin=$build/services/team/team_server
task_bin=$build/services/task/task_server
customer_bin=$build/services/customer/customer_server
ctl=$build/tools/rmhubctl/rmhubctl
seed=$build/tools/rmhub-seed/rmhub-seed
bare_bin=$build/tools/rmhub-bench/rmhub_bench_bare_server
raw_bin=$build/tools/rmhub-bench/rmhub_bench_raw_select
for bin in "$team_bin" "$customer_bin" "$task_bin" "$ctl" "$seed" "$bare_bin" "$raw_bin"; do
  [ -x "$bin" ] || { echo "bench.sh: missing $bin (build it first)" >&2; exit 2; }
done
command -v h2load >/dev/null || { echo "bench.sh: h2load missing (apt-get install nghttp2-client)" >&2; exit 2; }

say() { printf 'bench: %s\n' "$*" >&2; }

declare -A PID=() GRPC_PORT=() METRICS_PORT=()
cleanup() {
  local name
  for name in "${!PID[@]}"; do
    kill -TERM "${PID[$name]}" 2>/dev/null
  done
  for name in "${!PID[@]}"; do
    wait "${PID[$name]}" 2>/dev/null
  done
  "$root/scripts/mariadb.sh" stop "$work/db" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the database ------------------------------------------------------------------------
db_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
say "MariaDB on 127.0.0.1:$db_port"
"$root/scripts/mariadb.sh" start "$work/db" "$db_port" >"$logs/mariadb-start.log" 2>&1 || {
  cat "$logs/mariadb-start.log" >&2; exit 1; }
mysqld_pid=$(cat "$work/db/mysqld.pid")
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/db-password"
pw=$(cat "$work/db-password")
"$root/scripts/mariadb.sh" sql "$work/db" -e "
  CREATE DATABASE rmhub_team CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  CREATE DATABASE rmhub_customer CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  CREATE DATABASE rmhub_task CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  CREATE USER 'rmhub_bench'@'127.0.0.1' IDENTIFIED BY '$pw';
  GRANT ALL PRIVILEGES ON rmhub_team.* TO 'rmhub_bench'@'127.0.0.1';
  GRANT ALL PRIVILEGES ON rmhub_customer.* TO 'rmhub_bench'@'127.0.0.1';
  GRANT ALL PRIVILEGES ON rmhub_task.* TO 'rmhub_bench'@'127.0.0.1';" || exit 1
sql() { "$root/scripts/mariadb.sh" sql "$work/db" -N -B -e "$1"; }

# ---- the services, as scripts/up.sh starts them ---------------------------------------------
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/jwt-secret"
printf 'bench1:%s\n' "$(head -c 32 /dev/urandom | base64 -w0)" >"$work/pii-keys"
head -c 32 /dev/urandom | base64 -w0 >"$work/pii-index-key"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/idempotency-key"
clean_env=(env)
while read -r var; do clean_env+=(-u "$var"); done < <(env | sed -n 's/^\(RMHUB_[A-Za-z0-9_]*\)=.*/\1/p')
acl="customer=rmhub.team.v1.TeamService/CheckAssignmentEligibility;seed=rmhub.team.v1.TeamService/*"
# The task service's calls on team and customer, as scripts/up.sh allows them.
acl+=";task=rmhub.team.v1.TeamService/GetTeam,rmhub.team.v1.TeamService/ListTeamMembers"
acl+=",rmhub.team.v1.TeamService/BatchGetMembers,rmhub.customer.v1.CustomerService/GetCustomer"
common_args=(--listen_address=127.0.0.1:0 --metrics_address=127.0.0.1:0
  --db_host=127.0.0.1 --db_port="$db_port" --db_user=rmhub_bench
  --db_password_file="$work/db-password" --dev_mode --reflection
  --jwt_hs256_secret_file="$work/jwt-secret" --jwt_max_lifetime=24h
  "--service_method_acl=$acl" --drain_timeout=5s --idempotency_key_file="$work/idempotency-key")

log_port() {
  grep '"msg":"serving"' "$logs/$1.log" | head -1 | sed -n "s/.*\"$2\":\"\{0,1\}\([0-9]*\).*/\1/p"
}
wait_ports() {
  local name=$1
  for _ in $(seq 1 600); do
    GRPC_PORT[$name]=$(log_port "$name" port)
    [ -n "${GRPC_PORT[$name]}" ] && break
    kill -0 "${PID[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  METRICS_PORT[$name]=$(log_port "$name" metrics_port)
  if [ -z "${GRPC_PORT[$name]}" ] || [ -z "${METRICS_PORT[$name]}" ]; then
    tail -20 "$logs/$name.log" >&2
    say "$name did not start"
    exit 1
  fi
}
start() {
  local name=$1
  shift
  "${clean_env[@]}" "$@" >"$logs/$name.log" 2>&1 &
  PID[$name]=$!
}
start team "$team_bin" "${common_args[@]}" --db_name=rmhub_team
wait_ports team
start customer "$customer_bin" "${common_args[@]}" --db_name=rmhub_customer \
  --pii_encryption_keys_file="$work/pii-keys" --pii_active_key_id=bench1 \
  --pii_blind_index_key_file="$work/pii-index-key" --team_address="127.0.0.1:${GRPC_PORT[team]}"
wait_ports customer
start task "$task_bin" "${common_args[@]}" --db_name=rmhub_task \
  --team_address="127.0.0.1:${GRPC_PORT[team]}" --customer_address="127.0.0.1:${GRPC_PORT[customer]}"
wait_ports task
for name in team customer task; do
  "$ctl" health --addr "127.0.0.1:${GRPC_PORT[$name]}" --wait 60s >/dev/null ||
    { say "$name not SERVING"; exit 1; }
done
say "team 127.0.0.1:${GRPC_PORT[team]}, customer 127.0.0.1:${GRPC_PORT[customer]}; seeding"
"$seed" --addr "127.0.0.1:${GRPC_PORT[team]}" --customer_addr "127.0.0.1:${GRPC_PORT[customer]}" \
  --task_addr "127.0.0.1:${GRPC_PORT[task]}" \
  --secret_file "$work/jwt-secret" >"$logs/seed.log" 2>&1 || { tail -20 "$logs/seed.log" >&2; exit 1; }

# The branch manager the seed names (reads every customer of the branch, masked: no pii.read, so
# no audit row per read), a customer of the branch and a member to read.
bm_args=$(grep -m1 -o -- '--member [0-9]* --roles BRANCH_MANAGER --branch [0-9]*' "$logs/seed.log")
[ -n "$bm_args" ] || { say "no branch manager in the seed output"; exit 1; }
read -r _ bm_id _ _ _ branch_id <<<"$bm_args"
# shellcheck disable=SC2086  # the words of bm_args are the flags
token=$("$ctl" token $bm_args --secret-file "$work/jwt-secret" --ttl 12h)
customer_id=$(sql "SELECT MIN(id) FROM rmhub_customer.customers WHERE branch_id = $branch_id AND archived = 0")
customers=$(sql "SELECT COUNT(*) FROM rmhub_customer.customers")
member_id=$bm_id
say "$customers customers; reading customers/$customer_id and members/$member_id as members/$bm_id"
RMHUB_TOKEN=$token "$ctl" --addr "127.0.0.1:${GRPC_PORT[customer]}" --json customer GetCustomer \
  "name=customers/$customer_id" >"$work/customer.json" || { say "GetCustomer failed"; exit 1; }
RMHUB_TOKEN=$token "$ctl" --addr "127.0.0.1:${GRPC_PORT[team]}" --json team GetMember \
  "name=members/$member_id" >/dev/null || { say "GetMember failed"; exit 1; }

# The task workloads act as a relationship manager of the branch (the one the seed names) in
# their first team.
rm_id=$(grep -m1 -o -- '--member [0-9]* --roles RELATIONSHIP_MANAGER' "$logs/seed.log" | awk '{ print $2 }')
[ -n "$rm_id" ] || { say "no relationship manager in the seed output"; exit 1; }
rm_team=$(sql "SELECT MIN(team_id) FROM rmhub_team.team_members WHERE member_id = $rm_id")
rm_token=$("$ctl" token --member "$rm_id" --roles RELATIONSHIP_MANAGER --branch "$branch_id" --teams "$rm_team" \
  --secret-file "$work/jwt-secret" --ttl 12h)
tasks=$(sql "SELECT COUNT(*) FROM rmhub_task.tasks")
say "$tasks tasks; task workloads as members/$rm_id of teams/$rm_team"

# ---- the floors -----------------------------------------------------------------------------
"$bare_bin" --response_json="$work/customer.json" --port_file="$work/bare.port" \
  >"$logs/bare.log" 2>&1 &
PID[bare]=$!
for _ in $(seq 1 100); do [ -s "$work/bare.port" ] && break; sleep 0.1; done
GRPC_PORT[bare]=$(cat "$work/bare.port" 2>/dev/null)
[ -n "${GRPC_PORT[bare]}" ] || { say "bare server did not start"; exit 1; }

# gRPC request bodies: GetCustomerRequest{name} / GetMemberRequest{name}, length-prefixed.
grpc_request_file() {
  local value=$2 len=${#2}
  {
    printf '\000\000\000\000'
    printf "\\$(printf '%03o' $((len + 2)))"
    printf '\012'
    printf "\\$(printf '%03o' "$len")"
    printf '%s' "$value"
  } >"$1"
}
grpc_request_file "$work/get-customer.bin" "customers/$customer_id"
grpc_request_file "$work/get-member.bin" "members/$member_id"
# CreateTaskRequest{task{type CUSTOMER_VISIT, title, priority NORMAL, team, assignees [rm],
# due_time 30 days on}} and
# ListTasksRequest{page_size 20, filter}: protobuf wire format, length-prefixed.
python3 - "$work" "$rm_id" "$rm_team" <<'PY' || { say "task request bodies failed"; exit 1; }
import struct, sys, time
work, rm, team = sys.argv[1], sys.argv[2], sys.argv[3]
def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])
def ld(field, data):
    return varint(field << 3 | 2) + varint(len(data)) + data
def vi(field, n):
    return varint(field << 3) + varint(n)
def frame(msg):
    return b"\0" + struct.pack(">I", len(msg)) + msg
task = (vi(2, 1) + ld(3, b"Bench visit") + vi(5, 2) + ld(7, ("teams/" + team).encode()) +
        ld(8, ("members/" + rm).encode()) + ld(11, vi(1, int(time.time()) + 30 * 86400)))
open(work + "/create-task.bin", "wb").write(frame(ld(1, task)))
flt = 'assignee = "members/%s" AND status = TODO' % rm
open(work + "/list-tasks.bin", "wb").write(frame(vi(1, 20) + ld(3, flt.encode())))
PY
# The RM may list their open tasks (CreateTask's codes come from the metrics of the run).
RMHUB_TOKEN=$rm_token "$ctl" --addr "127.0.0.1:${GRPC_PORT[task]}" --json task ListTasks page_size=20 \
  "filter=assignee = \"members/$rm_id\" AND status = TODO" >/dev/null || { say "ListTasks failed"; exit 1; }

# ---- measuring --------------------------------------------------------------------------------
fetch_metrics() { curl -fsS --max-time 10 "http://127.0.0.1:$1/metrics"; }
# metric_sum <file> <name> [label filter...]: the sum of a metric's samples matching every filter.
metric_sum() {
  local file=$1 name=$2
  shift 2
  local lines
  lines=$(grep "^$name[{ ]" "$file")
  local f
  for f in "$@"; do lines=$(grep -F -- "$f" <<<"$lines"); done
  awk '{ s += $NF } END { printf "%.0f\n", s + 0 }' <<<"$lines"
}
# MariaDB's Questions and Com_begin counters.
db_statements() {
  sql "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_begin')" |
    sort | awk '{ v[$1] = $2 } END { print v["Questions"], v["Com_begin"] }'
}
# CPU ticks (user + system) of a pid.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

printf 'round\tworkload\tstreams\tdeadline\tcalls_per_s\tp50_ms\tp99_ms\tok\tnot_ok\tshed\texecuted\tserver_cpu_us\tmysqld_cpu_us\tdriver_cpu_us\tnote\n' \
  >"$out/results.tsv"

# h2load_run <workload> <streams> <grpc-timeout> <seconds>: prints calls/s p50 p99 done.
h2load_run() {
  local workload=$1 streams=$2 timeout=$3 secs=$4 port path body
  case $workload in
    get-customer) port=${GRPC_PORT[customer]}; path=rmhub.customer.v1.CustomerService/GetCustomer; body=$work/get-customer.bin ;;
    get-member) port=${GRPC_PORT[team]}; path=rmhub.team.v1.TeamService/GetMember; body=$work/get-member.bin ;;
    create-task) port=${GRPC_PORT[task]}; path=rmhub.task.v1.TaskService/CreateTask; body=$work/create-task.bin ;;
    list-tasks) port=${GRPC_PORT[task]}; path=rmhub.task.v1.TaskService/ListTasks; body=$work/list-tasks.bin ;;
    bare) port=${GRPC_PORT[bare]}; path=rmhub.customer.v1.CustomerService/GetCustomer; body=$work/get-customer.bin ;;
  esac
  # Up to 8 connections; streams spread evenly over them.
  # h2load appends to its --log-file: start each run with an empty one.
  rm -f "$work/h2lat.log"
  local auth=$token
  case $workload in create-task | list-tasks) auth=$rm_token ;; esac
  local conns=$((streams < 8 ? streams : 8))
  local per=$((streams / conns))
  timeout $((secs + warmup + 60)) h2load -D "$secs" --warm-up-time="$warmup" -c "$conns" -m "$per" \
    -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' -H "grpc-timeout: $timeout" \
    -H "authorization: Bearer $auth" --log-file="$work/h2lat.log" \
    "http://127.0.0.1:$port/$path" >"$work/h2load.out" 2>&1
  cat "$work/h2load.out" >>"$logs/h2load.log"
  # "finished in 10.00s, 5000.00 req/s, ..." ; "time for request:  min  max  mean  sd  +/- sd"
  local rps done
  rps=$(sed -n 's/^finished in [0-9.]*[a-z]*, \([0-9.]*\) req\/s.*/\1/p' "$work/h2load.out")
  done=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$work/h2load.out")
  echo "${rps:-0} ${done:-0}"
}

# lat_sort, lat_quantile <q>: the q-quantile (nearest rank) in ms of the last h2load run's request times
# (its --log-file: start time µs, HTTP status, duration µs), warm-up requests left out.
lat_sort() {
  awk '{ print $1, $3 }' "$work/h2lat.log" | sort -n -k1,1 | awk -v w="$warmup" '
    NR == 1 { t0 = $1 } $1 >= t0 + w * 1e6 { print $2 }' | sort -n >"$work/lat.sorted"
}
lat_quantile() {
  awk -v q="$1" '{ d[NR] = $1 } END { if (NR == 0) { print "-"; exit }
    k = int(q * NR + 0.999999); if (k < 1) k = 1; printf "%.2f\n", d[k] / 1000 }' "$work/lat.sorted"
}

# measure <round> <workload> <streams> <deadline>: one row of results.tsv.
measure() {
  local round=$1 workload=$2 streams=$3 deadline=$4
  local timeout secs=$duration
  case $deadline in *ms) timeout="${deadline%ms}m" ;; *s) timeout="${deadline%s}S" ;; esac
  [ "$streams" = "$short_level" ] && [ "$deadline" != 30s ] && secs=$short_duration
  local server="" method="" mport=""
  case $workload in
    get-customer) server=customer; method=GetCustomer ;;
    get-member) server=team; method=GetMember ;;
    create-task) server=task; method=CreateTask ;;
    list-tasks) server=task; method=ListTasks ;;
    bare) server=bare ;;
  esac
  if [ "$workload" = raw ] || [ "$workload" = raw-needs ]; then
    local clients=$((streams < 32 ? streams : 32))
    local m0 t1 line
    m0=$(ticks "$mysqld_pid")
    line=$("$raw_bin" --db_port="$db_port" --db_user=rmhub_bench \
      --db_password_file="$work/db-password" --db_name=rmhub_customer --clients="$clients" \
      --id="$customer_id" --warmup="${warmup}s" --duration="${secs}s" \
      --with_needs="$([ "$workload" = raw-needs ] && echo true || echo false)" 2>>"$logs/raw.log")
    t1=$(ticks "$mysqld_pid")
    local ok rps p50 p99 errs dcpu
    ok=$(sed -n 's/.*\bok=\([0-9]*\).*/\1/p' <<<"$line")
    errs=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$line")
    rps=$(sed -n 's/.*calls_per_s=\([0-9.]*\).*/\1/p' <<<"$line")
    p50=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")
    dcpu=$(sed -n 's/.*cpu_us_per_call=\([0-9.]*\).*/\1/p' <<<"$line")
    # mysqld ticks include the warm-up; scale to the calls of the whole run (ok/secs*(secs+warmup)).
    local mcpu
    mcpu=$(awk -v t=$((t1 - m0)) -v hz="$hz" -v r="${rps:-0}" -v s=$((secs + warmup)) \
      'BEGIN { n = r * s; printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0) }')
    printf '%s\t%s\t%s\t-\t%s\t%s\t%s\t%s\t%s\t-\t-\t-\t%s\t%s\tclients=%s\n' "$round" "$workload" \
      "$streams" "${rps:-0}" "${p50:-0}" "${p99:-0}" "${ok:-0}" "${errs:-0}" "$mcpu" "${dcpu:-0}" \
      "$clients" >>"$out/results.tsv"
    return
  fi
  [ "$server" != bare ] && mport=${METRICS_PORT[$server]}
  if [ -n "$mport" ]; then fetch_metrics "$mport" >"$work/m0"; fi
  local s0 m0 s1 m1 q0="" q1=""
  [ "$server" != bare ] && q0=$(db_statements)
  s0=$(ticks "${PID[$server]}")
  m0=$(ticks "$mysqld_pid")
  local res
  res=$(h2load_run "$workload" "$streams" "$timeout" "$secs")
  s1=$(ticks "${PID[$server]}")
  m1=$(ticks "$mysqld_pid")
  [ "$server" != bare ] && q1=$(db_statements)
  local rps h2done
  read -r rps h2done <<<"$res"
  local p50 p99
  local ok not_ok shed executed calls
  if [ -n "$mport" ]; then
    fetch_metrics "$mport" >"$work/m1"
    local d
    d() { echo $(( $(metric_sum "$work/m1" "$@") - $(metric_sum "$work/m0" "$@") )); }
    ok=$(d grpc_server_handled_total "grpc_method=\"$method\"" 'grpc_code="OK"')
    calls=$(d grpc_server_handled_total "grpc_method=\"$method\"")
    not_ok=$((calls - ok))
    shed=$(d rmhub_server_shed_total)
    executed=$(d rmhub_server_executed_total)
    # Per-code breakdown of the non-OK calls in the note (every code the metrics name).
    local note="" code n
    for code in $(grep -o 'grpc_code="[A-Z_]*"' "$work/m1" | sort -u | sed 's/grpc_code="\(.*\)"/\1/'); do
      [ "$code" = OK ] && continue
      n=$(d grpc_server_handled_total "grpc_method=\"$method\"" "grpc_code=\"$code\"")
      [ "$n" -gt 0 ] && note+="$code=$n "
    done
    # Statements MariaDB ran per call (Questions: every statement, prepared executions included;
    # the two SHOW STATUS of this script excluded) and transactions begun per call.
    local q=(${q0}) r=(${q1})
    note+=$(awk -v dq=$((r[0] - q[0] - 1)) -v db=$((r[1] - q[1])) -v n="$calls" \
      'BEGIN { if (n > 0) printf "db_statements/call=%.2f db_begin/call=%.2f ", dq / n, db / n }')
    for reason in queue_full deadline_unreachable queue_wait_too_long expired cancelled queue_timeout; do
      n=$(d rmhub_server_shed_total "reason=\"$reason\"")
      [ "$n" -gt 0 ] && note+="shed.$reason=$n "
    done
  else
    # The bare server answers OK to every call it receives; its count is h2load's.
    ok=$h2done; not_ok=0; shed="-"; executed="-"; calls=$h2done; note=""
  fi
  # CPU over the h2load run (warm-up included) per call the server answered in it: h2load counts
  # warm-up calls in neither figure, so scale the rate to the whole run.
  local total_calls scpu mcpu
  total_calls=$(awk -v r="$rps" -v s=$((secs + warmup)) 'BEGIN { printf "%.0f", r * s }')
  scpu=$(awk -v t=$((s1 - s0)) -v hz="$hz" -v n="$total_calls" 'BEGIN { printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0) }')
  mcpu=$(awk -v t=$((m1 - m0)) -v hz="$hz" -v n="$total_calls" 'BEGIN { printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0) }')
  [ "$server" = bare ] && mcpu=-
  lat_sort
  p50=$(lat_quantile 0.50)
  p99=$(lat_quantile 0.99)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t%s\n' "$round" "$workload" \
    "$streams" "$deadline" "$rps" "$p50" "$p99" "$ok" "$not_ok" "$shed" "$executed" "$scpu" \
    "$mcpu" "${note% }" >>"$out/results.tsv"
}

# ---- profile mode -----------------------------------------------------------------------------
if [ "$profile_calls" -gt 0 ]; then
  kill -TERM "${PID[customer]}"
  wait "${PID[customer]}"
  customer_args=(--db_name=rmhub_customer --pii_encryption_keys_file="$work/pii-keys"
    --pii_active_key_id=bench1 --pii_blind_index_key_file="$work/pii-index-key"
    --team_address="127.0.0.1:${GRPC_PORT[team]}")
  start customer valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
    "$customer_bin" "${common_args[@]}" "${customer_args[@]}"
  wait_ports customer
  "$ctl" health --addr "127.0.0.1:${GRPC_PORT[customer]}" --wait 120s >/dev/null || exit 1
  say "under callgrind (pid ${PID[customer]}): warm-up"
  run_n() {
    h2load -n "$1" -c 2 -m 16 -d "$work/get-customer.bin" -H 'content-type: application/grpc' \
      -H 'te: trailers' -H 'grpc-timeout: 30S' -H "authorization: Bearer $token" \
      "http://127.0.0.1:${GRPC_PORT[customer]}/rmhub.customer.v1.CustomerService/GetCustomer" \
      >>"$logs/h2load.log" 2>&1
  }
  run_n 200
  fetch_metrics "${METRICS_PORT[customer]}" >"$work/m0"
  callgrind_control -z "${PID[customer]}" >/dev/null
  say "profiling $profile_calls calls"
  run_n "$profile_calls"
  callgrind_control -d "${PID[customer]}" >/dev/null
  fetch_metrics "${METRICS_PORT[customer]}" >"$work/m1"
  ok=$(( $(metric_sum "$work/m1" grpc_server_handled_total 'grpc_method="GetCustomer"' 'grpc_code="OK"') -
    $(metric_sum "$work/m0" grpc_server_handled_total 'grpc_method="GetCustomer"' 'grpc_code="OK"') ))
  dump=$(ls -t "$out"/callgrind.out* | grep -v '\.txt$' | head -1)
  ir=$(callgrind_annotate "$dump" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
  callgrind_annotate --inclusive=yes "$dump" >"$out/callgrind-inclusive.txt" 2>/dev/null
  callgrind_annotate "$dump" >"$out/callgrind-self.txt" 2>/dev/null
  echo "GetCustomer OK calls profiled: $ok; instructions: $ir; per call: $(( ir / (ok > 0 ? ok : 1) ))"
  echo "profile: $dump (annotated: $out/callgrind-inclusive.txt, $out/callgrind-self.txt)"
  exit 0
fi

# ---- the runs -------------------------------------------------------------------------------
IFS=, read -r -a level_list <<<"$levels"
IFS=, read -r -a workloads <<<"$workload_list"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$out/conditions.txt"
for round in $(seq 1 "$rounds"); do
  for streams in "${level_list[@]}"; do
    for workload in "${workloads[@]}"; do
      say "round $round: $workload at $streams streams (30 s deadlines)"
      measure "$round" "$workload" "$streams" 30s
    done
  done
done
if [ "$short_level" != 0 ] && [ "$short_deadline_ms" != 0 ]; then
  say "GetCustomer at $short_level streams, ${short_deadline_ms} ms deadlines"
  measure 1 get-customer "$short_level" "${short_deadline_ms}ms"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/conditions.txt"
{
  echo "nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  echo "tasks $tasks before the run; task workloads as members/$rm_id (RELATIONSHIP_MANAGER) of teams/$rm_team"
  echo "customers $customers; read customers/$customer_id and members/$member_id as members/$bm_id (BRANCH_MANAGER, no pii.read)"
  echo "duration ${duration}s + warm-up ${warmup}s per measurement; rounds $rounds"
} >>"$out/conditions.txt"
python3 "$(dirname "$0")/summarize.py" "$out/results.tsv" >"$out/summary.md" || exit 1
cat "$out/conditions.txt" "$out/summary.md"
say "results in $out"
