# Helpers of the end-to-end tests that run the real service binaries against the test MariaDB
# (RMHUB_TEST_MYSQL_*, set by scripts/test.sh). Sourced, not run:
#   source "$(dirname "$0")/lib.sh"; e2e_init <name>
# e2e_init makes a temporary directory ($tmp) and installs an EXIT trap that kills every server
# started with start_service, runs e2e_extra_cleanup if the script defines it, drops every
# database made with create_db and removes $tmp (kept when RMHUB_E2E_KEEP is set, to read the
# servers' logs after a failure). A test with a MariaDB of its own calls
# e2e_init_tmp instead. Each wait is bounded. Servers listen on loopback ports the kernel picks,
# read back from their logs.
# shellcheck shell=bash disable=SC2034  # its variables are for the scripts that source it

passed=0
failed=0
tmp=""
declare -A E2E_PID=() E2E_PORT=() E2E_METRICS_PORT=()
E2E_SERVICES=()
E2E_DBS=()

# Exits 77 (ctest: skipped) without the test database.
e2e_init() {
  if [ -z "${RMHUB_TEST_MYSQL_HOST:-}" ]; then
    echo "skipped: RMHUB_TEST_MYSQL_* not set (run through scripts/test.sh)"
    exit 77
  fi
  e2e_init_tmp "$1"
  printf '%s' "$RMHUB_TEST_MYSQL_PASSWORD" >"$tmp/db-password"
}

# The temporary directory and the EXIT trap alone.
e2e_init_tmp() {
  tmp=$(mktemp -d "/tmp/rmhub-e2e-$1.XXXXXX")
  trap e2e_cleanup EXIT
}

# shellcheck disable=SC2317  # called by the EXIT trap
e2e_cleanup() {
  local name pid db
  for name in "${E2E_SERVICES[@]}"; do
    pid=${E2E_PID[$name]:-}
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  if declare -F e2e_extra_cleanup >/dev/null; then e2e_extra_cleanup; fi
  if [ -n "${E2E_MARIADB_SH:-}" ]; then "$E2E_MARIADB_SH" stop "$tmp/db" >/dev/null 2>&1; fi
  for db in "${E2E_DBS[@]}"; do sql "DROP DATABASE IF EXISTS \`$db\`" >/dev/null 2>&1; done
  [ -n "$tmp" ] && [ -z "${RMHUB_E2E_KEEP:-}" ] && rm -rf "$tmp"
}

# shellcheck disable=SC2153  # RMHUB_TEST_MYSQL_* come from scripts/test.sh
sql() {
  MYSQL_PWD=$RMHUB_TEST_MYSQL_PASSWORD mariadb --no-defaults -h "$RMHUB_TEST_MYSQL_HOST" \
    -P "$RMHUB_TEST_MYSQL_PORT" -u "$RMHUB_TEST_MYSQL_USER" -N -B -e "$1"
}

# create_db <name>: a fresh database, dropped at exit.
create_db() {
  E2E_DBS+=("$1")
  sql "CREATE DATABASE \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
}

# A free loopback TCP port.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# private_team_db <mariadb.sh>: a MariaDB of the test's own in $tmp/db on a free port ($db_port),
# database and user rmhub_team (password in $tmp/db-password), the JWT and idempotency secrets;
# stopped at exit. For tests that stop or restore the database on purpose.
private_team_db() {
  E2E_MARIADB_SH=$1
  chmod 755 "$tmp"  # the MariaDB runs as mysql when we are root
  db_port=$(free_port)
  require "private MariaDB starts" "$E2E_MARIADB_SH" start "$tmp/db" "$db_port"
  local password
  password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  "$E2E_MARIADB_SH" sql "$tmp/db" -e "CREATE DATABASE rmhub_team;
    CREATE USER 'rmhub_team'@'127.0.0.1' IDENTIFIED BY '$password';
    GRANT ALL PRIVILEGES ON rmhub_team.* TO 'rmhub_team'@'127.0.0.1';" || finish
  printf '%s' "$password" >"$tmp/db-password"
  make_secret "$tmp/jwt-secret"
  make_secret "$tmp/idempotency-key"
}

# A random HS256 secret in <file>, as scripts/up.sh makes them.
make_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$1"; }

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() {
  echo "not ok - $1"
  failed=$((failed + 1))
}
# check "<description>" <command...>: one assertion, the command's output kept for the log.
check() {
  local what=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then ok "$what"; else not_ok "$what"; sed 's/^/    /' "$tmp/out"; fi
}
# Stops at the first failure that later steps depend on, with the servers' logs.
require() {
  check "$@"
  [ "$failed" -eq 0 ] && return 0
  local name
  for name in "${E2E_SERVICES[@]}"; do
    echo "$name log:"
    tail -40 "$tmp/$name.log"
  done
  finish
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}

# The suite's own service-to-service calls (as the services' default) plus the service tokens of
# the e2e scripts' administrator and of rmhub-seed, which set up branches and members.
E2E_SERVICE_METHOD_ACL="customer=rmhub.team.v1.TeamService/CheckAssignmentEligibility,\
rmhub.team.v1.TeamService/ListIneligibleHolders,rmhub.team.v1.TeamService/ListTeams,\
rmhub.team.v1.TeamService/GetMember,\
rmhub.analytics.v1.AnalyticsService/IngestEvents;team=rmhub.analytics.v1.AnalyticsService/IngestEvents;\
complaint=rmhub.customer.v1.CustomerService/GetCustomer,rmhub.team.v1.TeamService/GetTeam,\
rmhub.team.v1.TeamService/GetMember,rmhub.team.v1.TeamService/ListTeamMembers,\
rmhub.team.v1.TeamService/BatchGetMembers,rmhub.task.v1.TaskService/CreateTask,\
rmhub.task.v1.TaskService/UpdateTask,rmhub.task.v1.TaskService/BatchGetTasks,\
rmhub.analytics.v1.AnalyticsService/IngestEvents;\
task=rmhub.team.v1.TeamService/GetTeam,rmhub.team.v1.TeamService/ListTeamMembers,\
rmhub.team.v1.TeamService/BatchGetMembers,rmhub.customer.v1.CustomerService/GetCustomer;\
e2e=rmhub.team.v1.TeamService/*;seed=rmhub.team.v1.TeamService/*"

# server_args <database> <secret file>: the flags every service takes here, in E2E_ARGS.
# --dev_mode: the stack signs with a shared HS256 secret and serves plaintext and reflection.
# Every service also needs the secret of its idempotency records (one per run, made here).
server_args() {
  [ -s "$tmp/idempotency-key" ] || make_secret "$tmp/idempotency-key"
  E2E_ARGS=(--idempotency_key_file="$tmp/idempotency-key"
    --listen_address=127.0.0.1:0 --metrics_address=127.0.0.1:0
    --db_host="$RMHUB_TEST_MYSQL_HOST" --db_port="$RMHUB_TEST_MYSQL_PORT"
    --db_user="$RMHUB_TEST_MYSQL_USER" --db_password_file="$tmp/db-password" --db_name="$1"
    --dev_mode --reflection --jwt_hs256_secret_file="$2" --jwt_max_lifetime=24h
    --service_method_acl="$E2E_SERVICE_METHOD_ACL" --drain_timeout=5s)
}

# start_service <name> [VAR=value ...] <binary> [flags ...]: starts it in the background with a
# clean environment (services refuse RMHUB_* variables that name no flag, so the harness's own
# stay out) plus the VAR=value given, stderr in $tmp/<name>.log.
start_service() {
  local name=$1
  shift
  local clean=(env)
  while read -r var; do clean+=(-u "$var"); done < <(env | sed -n 's/^\(RMHUB_[A-Za-z0-9_]*\)=.*/\1/p')
  "${clean[@]}" "$@" 2>"$tmp/$name.log" &
  E2E_PID[$name]=$!
  E2E_SERVICES+=("$name")
}

# log_port <name> <key>: value of "key":"123" or "key":123 in the service's "serving" log line.
log_port() {
  grep '"msg":"serving"' "$tmp/$1.log" | head -1 | sed -n "s/.*\"$2\":\"\{0,1\}\([0-9]*\).*/\1/p"
}

# wait_ports <name>: up to 60 s for the "serving" line; sets E2E_PORT and E2E_METRICS_PORT.
wait_ports() {
  local name=$1 port=""
  for _ in $(seq 1 600); do
    port=$(log_port "$name" port)
    [ -n "$port" ] && break
    kill -0 "${E2E_PID[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  E2E_PORT[$name]=$port
  E2E_METRICS_PORT[$name]=$(log_port "$name" metrics_port)
  [ -n "$port" ] && [ -n "${E2E_METRICS_PORT[$name]}" ]
}

# stop_service <name>: SIGTERM, then up to 30 s for the exit; its exit status goes to
# $stop_code ("timeout" if it did not exit; the EXIT trap kills it then). Not in $(...): only
# this shell may wait for its children.
stop_service() {
  local pid=${E2E_PID[$1]}
  stop_code=timeout
  kill -TERM "$pid"
  for _ in $(seq 1 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"
      stop_code=$?
      E2E_PID[$1]=""
      break
    fi
    sleep 0.1
  done
}

# GET http://127.0.0.1:<port>/metrics body, with curl or, without it, bash's /dev/tcp.
fetch_metrics() {
  if command -v curl >/dev/null; then
    curl -fsS --max-time 10 "http://127.0.0.1:$1/metrics"
    return
  fi
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  timeout 10 cat <&3 | sed '1,/^\r$/d'
  exec 3<&-
}

# grpc_request_file <file> <field-1 string>: a gRPC-framed request message whose only field is
# field 1, a string of at most 125 bytes (GetCustomerRequest{name}, GetMemberRequest{name}):
# the body h2load sends.
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

# handled <metrics port> <method> <code>: grpc_server_handled_total for that method and code.
handled() {
  fetch_metrics "$1" | grep '^grpc_server_handled_total{' | grep "grpc_method=\"$2\"" |
    grep "grpc_code=\"$3\"" | awk '{ sum += $2 } END { print sum + 0 }'
}

# start_team_for_customer <team_server> <team db> <customer db>: the JWT secret, both databases
# (dropped at exit) and team_server on the first; sets $team_addr. Stops the test on failure.
start_team_for_customer() {
  make_secret "$tmp/jwt-secret"
  create_db "$2" || exit 1
  create_db "$3" || exit 1
  server_args "$2" "$tmp/jwt-secret"
  start_service team "$1" "${E2E_ARGS[@]}"
  require "team server started and logged its ports" wait_ports team
  team_addr="127.0.0.1:${E2E_PORT[team]}"
}

# make_pii_keys <key id>: a customer service's PII keys in $tmp/pii-keys and $tmp/pii-index-key;
# sets pii_files to the flags that read them.
make_pii_keys() {
  printf '%s:%s\n' "$1" "$(head -c 32 /dev/urandom | base64 -w0)" >"$tmp/pii-keys"
  head -c 32 /dev/urandom | base64 -w0 >"$tmp/pii-index-key"
  pii_files=(--pii_encryption_keys_file="$tmp/pii-keys" --pii_active_key_id="$1"
    --pii_blind_index_key_file="$tmp/pii-index-key")
}
