#!/usr/bin/env bash
# Brings up the local stack: installs what is missing, builds Release into build-release/, starts
# a private MariaDB on 127.0.0.1:3307 (data in .run/mariadb), one database and one MySQL user per
# service, the services built so far, waits until each is SERVING, seeds the demo branch (and,
# with the customer service, its 2,000 demo customers) and prints where everything is. Running it
# again is harmless: what runs is left alone, the seed finds everything there.
#   scripts/up.sh            env: JOBS (build parallelism), RMHUB_DB_PORT (default 3307)
#   scripts/down.sh [--purge]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

run=$root/.run
build=$root/build-release
secrets=$run/secrets
db_port=${RMHUB_DB_PORT:-3307}
ctl=$build/tools/rmhubctl/rmhubctl
# "name grpc-port metrics-port state" per service, from the one registry (services/registry.txt),
# in its order, which is the start order (analytics first: the others relay events to it).
services=()
while read -r name grpc metrics _ state; do
  services+=("$name $grpc $metrics $state")
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$root/services/registry.txt")
# The gRPC port of service $1.
port_of() {
  local entry name port
  for entry in "${services[@]}"; do
    read -r name port _ <<<"$entry"
    if [ "$name" = "$1" ]; then echo "$port"; return; fi
  done
}

say() { printf 'up: %s\n' "$*" >&2; }

# The services reject unknown RMHUB_* variables, so the caller's own (RMHUB_TOKEN, RMHUB_ADDR for
# rmhubctl, …) are removed from their environment; everything they need is passed as flags.
clean_env=(env)
while read -r var; do clean_env+=(-u "$var"); done < <(env | sed -n 's/^\(RMHUB_[A-Za-z0-9_]*\)=.*/\1/p')

build_release() {
  "$root/scripts/deps.sh"
  export CCACHE_BASEDIR="$root"
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
  # Debug builds hash the build directory by default, so a second clone or build directory never
  # hits; paths are relative to CCACHE_BASEDIR already, so the directory need not be hashed.
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  if [ -d "$build" ]; then
    say "building Release into ${build#"$root"/}"
  else
    say "building Release into ${build#"$root"/} (the first build takes several minutes)"
  fi
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DRMHUB_BUILD_TESTS=OFF -DRMHUB_BUILD_BENCH=OFF >/dev/null
  # Only what the stack runs: the tools and every service the registry says is built (tests and
  # benchmarks are scripts/test.sh's business).
  local targets=(rmhubctl rmhub-seed) entry name state
  for entry in "${services[@]}"; do
    read -r name _ _ state <<<"$entry"
    if [ "$state" = server ]; then targets+=("${name}_server"); fi
  done
  cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${targets[@]}" \
    >"$run/logs/build.log" 2>&1 || {
    tail -40 "$run/logs/build.log" >&2
    say "build failed; full log in .run/logs/build.log"
    exit 1
  }
}

# A random secret written once; later runs keep it (tokens and users stay valid).
make_secret() {
  local file=$1
  if [ ! -s "$file" ]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file")
  fi
}

# One database and one user per service, each user granted its own database only. The password
# lives in .run/secrets and is re-applied on every run, so the file is always the truth.
create_databases() {
  local sql="" entry name password
  for entry in "${services[@]}"; do
    read -r name _ _ <<<"$entry"
    make_secret "$secrets/db-$name-password"
    password=$(cat "$secrets/db-$name-password")
    sql+="CREATE DATABASE IF NOT EXISTS \`rmhub_$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS 'rmhub_$name'@'127.0.0.1' IDENTIFIED BY '$password';
ALTER USER 'rmhub_$name'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`rmhub_$name\`.* TO 'rmhub_$name'@'127.0.0.1';
"
  done
  "$root/scripts/mariadb.sh" sql "$run/mariadb" -e "$sql"
}

# A random 32-byte key in base64, written once.
make_key() {
  local file=$1
  if [ ! -s "$file" ]; then
    (umask 077 && head -c 32 /dev/urandom | base64 -w0 >"$file")
  fi
}

# Secret files a service defines flags for (the values never appear in argv or the
# environment): every service's idempotency secret, and the customer service's PII keys.
secret_flags() {
  local help=$1 name=$2
  if grep -q -- "--idempotency_key_file" <<<"$help"; then
    make_key "$secrets/idempotency-key-$name"
    printf '%s\n' "--idempotency_key_file=$secrets/idempotency-key-$name"
  fi
  if grep -q -- "--pii_encryption_keys_file" <<<"$help"; then
    make_key "$secrets/pii-encryption-key-dev1"
    make_key "$secrets/pii-blind-index-key"
    if [ ! -s "$secrets/pii-encryption-keys" ]; then
      (umask 077 && printf 'dev1:%s\n' "$(cat "$secrets/pii-encryption-key-dev1")" \
        >"$secrets/pii-encryption-keys")
    fi
    printf '%s\n' "--pii_encryption_keys_file=$secrets/pii-encryption-keys" \
      "--pii_active_key_id=dev1" "--pii_blind_index_key_file=$secrets/pii-blind-index-key"
  fi
}

# Development mode: the local stack signs with a shared HS256 secret, serves plaintext on
# loopback and offers reflection (grpcurl, rmhubctl services); tokens from `rmhubctl token` live
# 12 h. The seed tool's service token may set up the team service; the rest is what the
# services call on each other (the services' own default).
dev_flags=(--dev_mode --reflection --jwt_max_lifetime=24h
  "--service_method_acl=customer=rmhub.team.v1.TeamService/CheckAssignmentEligibility,\
rmhub.team.v1.TeamService/ListIneligibleHolders,rmhub.team.v1.TeamService/ListTeams,\
rmhub.team.v1.TeamService/GetMember,rmhub.analytics.v1.AnalyticsService/IngestEvents;team=rmhub.analytics.v1.AnalyticsService/IngestEvents;\
task=rmhub.team.v1.TeamService/GetTeam,rmhub.team.v1.TeamService/ListTeamMembers,\
rmhub.team.v1.TeamService/BatchGetMembers,rmhub.customer.v1.CustomerService/GetCustomer,\
rmhub.analytics.v1.AnalyticsService/IngestEvents;\
complaint=rmhub.customer.v1.CustomerService/GetCustomer,rmhub.team.v1.TeamService/GetTeam,\
rmhub.team.v1.TeamService/GetMember,rmhub.team.v1.TeamService/ListTeamMembers,\
rmhub.team.v1.TeamService/BatchGetMembers,rmhub.task.v1.TaskService/CreateTask,\
rmhub.task.v1.TaskService/UpdateTask,rmhub.task.v1.TaskService/BatchGetTasks,\
rmhub.analytics.v1.AnalyticsService/IngestEvents;\
seed=rmhub.team.v1.TeamService/*")

running() {
  local pidf=$1
  [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null
}

# --<peer>_address flags for the other services this stack runs, passed only to binaries that
# define them (e.g. --analytics_address turns the outbox relay on).
peer_flags() {
  local self=$1 help=$2 entry name port
  for entry in "${services[@]}"; do
    read -r name port _ <<<"$entry"
    if [ "$name" = "$self" ] || [ ! -x "$build/services/$name/${name}_server" ]; then continue; fi
    if grep -q -- "--${name}_address" <<<"$help"; then
      printf -- '--%s_address=127.0.0.1:%s\n' "$name" "$port"
    fi
  done
}

start_service() {
  local name=$1 port=$2 metrics=$3
  local bin=$build/services/$name/${name}_server pidf=$run/pids/$name.pid
  [ -x "$bin" ] || return 0
  if running "$pidf"; then
    say "$name already running (pid $(cat "$pidf"))"
    return 0
  fi
  local args=(--listen_address="127.0.0.1:$port" --metrics_address="127.0.0.1:$metrics"
    --db_host=127.0.0.1 --db_port="$db_port" --db_user="rmhub_$name" --db_name="rmhub_$name"
    --db_password_file="$secrets/db-$name-password"
    --jwt_hs256_secret_file="$secrets/jwt-dev-secret" "${dev_flags[@]}")
  local help peers secrets_args
  help=$("${clean_env[@]}" "$bin" --helpfull 2>&1 || true)
  mapfile -t peers < <(peer_flags "$name" "$help")
  mapfile -t secrets_args < <(secret_flags "$help" "$name")
  # The complaint clock's calendar from the checkout (the image holds it at the flag's default).
  if grep -q -- "--calendar_file" <<<"$help"; then
    secrets_args+=(--calendar_file="$root/services/complaint/calendar/cn_rest_days.txt")
  fi
  say "starting $name on 127.0.0.1:$port"
  nohup "${clean_env[@]}" "$bin" "${args[@]}" "${secrets_args[@]}" "${peers[@]}" \
    >>"$run/logs/$name.log" 2>&1 &
  echo $! >"$pidf"
}

wait_serving() {
  local name=$1 port=$2
  [ -f "$run/pids/$name.pid" ] || return 0
  if ! "$ctl" health --addr "127.0.0.1:$port" --wait 60s >/dev/null 2>&1; then
    tail -20 "$run/logs/$name.log" >&2 || true
    say "$name did not become SERVING within 60 s; log: .run/logs/$name.log"
    exit 1
  fi
  say "$name SERVING"
}

print_endpoints() {
  local entry name port metrics
  echo
  echo "RM Hub local stack is up."
  printf '  %-10s %-17s %-36s %s\n' service grpc metrics log
  for entry in "${services[@]}"; do
    read -r name port metrics _ <<<"$entry"
    [ -f "$run/pids/$name.pid" ] || continue
    printf '  %-10s %-17s %-36s %s\n' "$name" "127.0.0.1:$port" \
      "http://127.0.0.1:$metrics/metrics" ".run/logs/$name.log"
  done
  printf '  %-10s %-17s %s\n' mariadb "127.0.0.1:$db_port" "data .run/mariadb, secrets .run/secrets"
  cat <<EOF

Call it (rmhubctl --help; tools/rmhubctl/README.md):
  export PATH=$build/tools/rmhubctl:\$PATH
  export RMHUB_TOKEN=\$(rmhubctl token --member 1 --roles BRANCH_MANAGER --branch 1 --perms team.admin)
  rmhubctl team list-members filter='role = RELATIONSHIP_MANAGER'
  rmhubctl services          # what the server lists by reflection
EOF
  # A customer call as a demo relationship manager (the seed names one and its token command).
  local rm_token
  rm_token=$(grep -m1 -- '--roles RELATIONSHIP_MANAGER' "$run/logs/seed.log" 2>/dev/null || true)
  if [ -f "$run/pids/customer.pid" ] && [ -n "$rm_token" ]; then
    cat <<EOF
As a relationship manager (more calls at the end of .run/logs/seed.log):
${rm_token}
  rmhubctl customer list-customers filter='asset_tier = VIP'
EOF
  fi
  cat <<EOF
Stop it: scripts/down.sh   (--purge also deletes .run/)
EOF
}

main() {
  mkdir -p "$run/logs" "$run/pids" "$secrets"
  chmod 700 "$secrets"
  build_release
  "$root/scripts/mariadb.sh" start "$run/mariadb" "$db_port"
  create_databases
  make_secret "$secrets/jwt-dev-secret"
  local entry name port metrics
  for entry in "${services[@]}"; do
    read -r name port metrics _ <<<"$entry"
    start_service "$name" "$port" "$metrics"
  done
  for entry in "${services[@]}"; do
    read -r name port _ <<<"$entry"
    wait_serving "$name" "$port"
  done
  if [ -f "$run/pids/team.pid" ]; then
    # The customer book too when the customer service runs (an empty address skips it).
    local customer_addr=""
    if [ -f "$run/pids/customer.pid" ]; then customer_addr=127.0.0.1:$(port_of customer); fi
    # And the demo week of work when the task service runs.
    local task_addr=""
    if [ -f "$run/pids/task.pid" ]; then task_addr=127.0.0.1:$(port_of task); fi
    say "seeding the demo branch${customer_addr:+ and its customers}${task_addr:+ and its work}"
    "$build/tools/rmhub-seed/rmhub-seed" --addr "127.0.0.1:$(port_of team)" \
      --customer_addr="$customer_addr" --task_addr="$task_addr" \
      --secret_file "$secrets/jwt-dev-secret" | tee "$run/logs/seed.log"
  fi
  print_endpoints
}

main "$@"
