#!/usr/bin/env bash
# A real Prometheus (Debian's `prometheus`) against the local-stack shape (issue 12): the five
# servers on loopback, Prometheus scraping each every second with the rule files of
# k8s/monitoring/rules loaded. It checks that every target is up, that each dashboard query
# (k8s/monitoring/dashboards.mjs) evaluates and names only metrics the services export, and that
# stopping the team service turns RmhubServiceDown pending for job="team" — read through
# Prometheus's HTTP API. Every wait is bounded; everything started is stopped.
#   prometheus_test.sh <team_server> <customer_server> <rmhubctl> <task_server> <analytics_server>
#                      <complaint_server>
set -uo pipefail
team_bin=${1:?team_server}
customer_bin=${2:?customer_server}
ctl=${3:?rmhubctl}
task_bin=${4:?task_server}
analytics_bin=${5:?analytics_server}
complaint_bin=${6:?complaint_server}
root=$(cd "$(dirname "$0")/../.." && pwd)

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init prometheus
command -v prometheus >/dev/null || { echo "prometheus is not installed (scripts/deps.sh)"; exit 1; }
command -v node >/dev/null || { echo "node is not installed (scripts/deps.sh)"; exit 1; }

prom_pid=""
e2e_extra_cleanup() {
  if [ -n "$prom_pid" ] && kill -0 "$prom_pid" 2>/dev/null; then
    kill -TERM "$prom_pid"
    wait "$prom_pid" 2>/dev/null
  fi
}

# ---- the services ----
# The outbox relay points at a loopback port where nothing listens: it runs (and fails), so its
# metrics are exported as in production.
no_analytics="127.0.0.1:$(free_port)"
team_db="rmhub_e2e_prom_team_$$"
customer_db="rmhub_e2e_prom_customer_$$"
task_db="rmhub_e2e_prom_task_$$"
analytics_db="rmhub_e2e_prom_analytics_$$"
complaint_db="rmhub_e2e_prom_complaint_$$"
for db in "$team_db" "$customer_db" "$task_db" "$analytics_db" "$complaint_db"; do create_db "$db" || exit 1; done
make_secret "$tmp/jwt-secret"
printf 'e2e1:%s\n' "$(head -c 32 /dev/urandom | base64 -w0)" >"$tmp/pii-keys"
head -c 32 /dev/urandom | base64 -w0 >"$tmp/pii-index-key"
server_args "$team_db" "$tmp/jwt-secret"
start_service team "$team_bin" "${E2E_ARGS[@]}" --analytics_address="$no_analytics"
require "team started" wait_ports team
server_args "$customer_db" "$tmp/jwt-secret"
start_service customer "$customer_bin" "${E2E_ARGS[@]}" --analytics_address="$no_analytics" \
  --team_address="127.0.0.1:${E2E_PORT[team]}" \
  --pii_encryption_keys_file="$tmp/pii-keys" --pii_active_key_id=e2e1 \
  --pii_blind_index_key_file="$tmp/pii-index-key"
require "customer started" wait_ports customer
server_args "$task_db" "$tmp/jwt-secret"
start_service task "$task_bin" "${E2E_ARGS[@]}" --analytics_address="$no_analytics" \
  --team_address="127.0.0.1:${E2E_PORT[team]}" --customer_address="127.0.0.1:${E2E_PORT[customer]}"
require "task started" wait_ports task
server_args "$analytics_db" "$tmp/jwt-secret"
start_service analytics "$analytics_bin" "${E2E_ARGS[@]}"
require "analytics started" wait_ports analytics
server_args "$complaint_db" "$tmp/jwt-secret"
start_service complaint "$complaint_bin" "${E2E_ARGS[@]}" --analytics_address="$no_analytics" \
  --team_address="127.0.0.1:${E2E_PORT[team]}" --customer_address="127.0.0.1:${E2E_PORT[customer]}" \
  --task_address="127.0.0.1:${E2E_PORT[task]}" \
  --calendar_file="$root/services/complaint/calendar/cn_rest_days.txt" --sla_sweep_interval=1s
require "complaint started" wait_ports complaint
require "team SERVING" "$ctl" health --addr "127.0.0.1:${E2E_PORT[team]}" --wait 60s
require "customer SERVING" "$ctl" health --addr "127.0.0.1:${E2E_PORT[customer]}" --wait 60s
require "task SERVING" "$ctl" health --addr "127.0.0.1:${E2E_PORT[task]}" --wait 60s
require "analytics SERVING" "$ctl" health --addr "127.0.0.1:${E2E_PORT[analytics]}" --wait 60s
require "complaint SERVING" "$ctl" health --addr "127.0.0.1:${E2E_PORT[complaint]}" --wait 60s

# ---- Prometheus ----
prom_port=$(free_port)
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $root/k8s/monitoring/rules/rmhub.rules.yml
scrape_configs:
  - job_name: team
    static_configs: [{targets: ["127.0.0.1:${E2E_METRICS_PORT[team]}"]}]
  - job_name: customer
    static_configs: [{targets: ["127.0.0.1:${E2E_METRICS_PORT[customer]}"]}]
  - job_name: task
    static_configs: [{targets: ["127.0.0.1:${E2E_METRICS_PORT[task]}"]}]
  - job_name: analytics
    static_configs: [{targets: ["127.0.0.1:${E2E_METRICS_PORT[analytics]}"]}]
  - job_name: complaint
    static_configs: [{targets: ["127.0.0.1:${E2E_METRICS_PORT[complaint]}"]}]
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prom-data" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
prom_pid=$!
prom="http://127.0.0.1:$prom_port"

# prom_get <path and query>: the JSON body (node's fetch: no curl needed).
prom_get() {
  node -e 'fetch(process.argv[1]).then(r => r.text()).then(t => process.stdout.write(t), e => { console.error(String(e)); process.exit(1); })' "$prom$1"
}
# wait_for <seconds> <description> <command...>
wait_for() {
  local secs=$1 what=$2
  shift 2
  for _ in $(seq 1 "$((secs * 2))"); do
    if "$@" >/dev/null 2>&1; then ok "$what"; return 0; fi
    sleep 0.5
  done
  not_ok "$what"
  return 1
}
targets_up() {
  prom_get /api/v1/targets | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const t = JSON.parse(s).data.activeTargets;
      process.exit(t.length === 5 && t.every(x => x.health === "up") ? 0 : 1);
    });'
}
wait_for 120 "Prometheus scrapes the five services (targets up)" targets_up || {
  cat "$tmp/prometheus.log"
  finish
}
check "rules loaded: 25 rules, no errors" sh -c "prom_out=\$(node -e 'fetch(process.argv[1]).then(r=>r.json()).then(j=>{const r=j.data.groups.flatMap(g=>g.rules); console.log(r.length, r.filter(x=>x.health!==\"ok\" && x.health!==\"unknown\").length)})' '$prom/api/v1/rules'); test \"\$prom_out\" = '25 0'"

# Some traffic (answered UNAUTHENTICATED: a caller error, not a failure), so rates and
# histograms have samples.
# A counter's first sample is its baseline, so the calls are spread over several scrapes.
for _ in 1 2 3 4 5; do
  "$ctl" health --addr "127.0.0.1:${E2E_PORT[team]}" >/dev/null 2>&1
  "$ctl" team list-branches --addr "127.0.0.1:${E2E_PORT[team]}" >/dev/null 2>&1
  "$ctl" customer list-customers --addr "127.0.0.1:${E2E_PORT[customer]}" >/dev/null 2>&1
  "$ctl" task list-tasks --addr "127.0.0.1:${E2E_PORT[task]}" >/dev/null 2>&1
  "$ctl" analytics get-scorecard --addr "127.0.0.1:${E2E_PORT[analytics]}" >/dev/null 2>&1
  "$ctl" complaint list-complaints --addr "127.0.0.1:${E2E_PORT[complaint]}" >/dev/null 2>&1
  sleep 1
done
# One event ingested by analytics (as the customer service's relay would send it), so its
# per-source metrics exist.
svc_token=$("$ctl" token --service customer --secret-file "$tmp/jwt-secret" --ttl 10m)
cat >"$tmp/event.json" <<JSON
{"events": [{"event_id": "e2e-prom-$$", "source": "customer",
  "type": "customer.interaction_logged", "aggregate": "customers/1",
  "occur_time": "$(date -u +%FT%TZ)", "actor": "members/1", "aggregate_version": 1,
  "payload": {"@type": "type.googleapis.com/rmhub.customer.v1.Interaction",
              "manager": "members/1"}}]}
JSON
check "analytics ingests an event" env RMHUB_TOKEN="$svc_token" "$ctl" analytics ingest-events \
  --addr "127.0.0.1:${E2E_PORT[analytics]}" --data "@$tmp/event.json"
# The recording rules run every 30 s and a rate needs two samples: wait (bounded) until the
# burn-rate series the dashboards and alerts use exist — 0 for these healthy services.
recorded() {
  prom_get "/api/v1/query?query=rmhub:grpc_errors:ratio_rate6h" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const r = JSON.parse(s).data.result;
      process.exit(r.length === 5 && r.every(x => Number(x.value[1]) === 0) ? 0 : 1);
    });'
}
wait_for 150 "recording rules give the five services an error ratio of 0" recorded ||
  prom_get "/api/v1/query?query=rmhub:grpc_errors:ratio_rate6h"

# ---- every dashboard query evaluates and names only exported metrics ----
prom_get "/api/v1/label/__name__/values" >"$tmp/names.json"
node "$root/k8s/monitoring/dashboards.mjs" --exprs >"$tmp/exprs"
check "dashboards have queries ($(wc -l <"$tmp/exprs"))" test -s "$tmp/exprs"
node - "$tmp/names.json" "$tmp/exprs" "$prom" >"$tmp/dash.out" 2>&1 <<'EOF'
const fs = require("fs");
const [names, exprs, prom] = process.argv.slice(2);
const have = new Set(JSON.parse(fs.readFileSync(names, "utf8")).data);
const keywords = new Set(["sum", "by", "rate", "increase", "max", "histogram_quantile", "le", "job",
  "instance", "state", "reason", "grpc_method", "grpc_code", "and", "or", "offset", "without",
  "sla_state", "kind", "source", "outcome"]);
(async () => {
  let bad = 0;
  for (const raw of fs.readFileSync(exprs, "utf8").split("\n").filter(Boolean)) {
    const expr = raw.replace(/\$job/g, ".+");
    const stripped = expr.replace(/\{[^}]*\}/g, "").replace(/"[^"]*"/g, "").replace(/\[[^\]]*\]/g, "");
    for (const tok of stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) || []) {
      if (keywords.has(tok)) continue;
      const metric = tok.replace(/_(bucket|count|sum)$/, (m) => (have.has(tok) ? "" : m));
      if (!have.has(tok) && !have.has(metric)) { console.log(`unknown metric ${tok} in: ${raw}`); bad++; }
    }
    const r = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(expr)}`).then((x) => x.json());
    if (r.status !== "success") { console.log(`query failed (${r.error}): ${raw}`); bad++; }
  }
  process.exit(bad ? 1 : 0);
})();
EOF
rc=$?
check "every dashboard query evaluates and names exported metrics only" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$tmp/dash.out"

# ---- a service goes away: its alert goes pending ----
stop_service team
check "team stopped on SIGTERM" test "$stop_code" = 0
team_down_pending() {
  prom_get /api/v1/alerts | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const a = JSON.parse(s).data.alerts.filter(x => x.labels.alertname === "RmhubServiceDown");
      process.exit(a.length === 1 && a[0].labels.job === "team" &&
                   ["pending", "firing"].includes(a[0].state) ? 0 : 1);
    });'
}
wait_for 120 "RmhubServiceDown pending for job=team only, through the HTTP API" team_down_pending
finish
