// Grafana dashboards of RM Hub, generated so every panel follows the same conventions:
//   node k8s/monitoring/dashboards.mjs            writes k8s/monitoring/dashboards/*.json
//   node k8s/monitoring/dashboards.mjs --check    exits 1 when the files are stale
//   node k8s/monitoring/dashboards.mjs --exprs    prints every panel query, one per line
// rmhub-overview: RED (rate, errors, duration) per service plus readiness and shedding.
// rmhub-service: one service (variable $job) by method, its call queue, database pool, outbox
// and process. Queries use `job`, the service name, as the rules do. The e2e Prometheus test
// (tests/e2e/prometheus_test.sh) runs each query against a Prometheus scraping the real services
// and fails if a metric it names is not exported.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const outDir = join(dirname(fileURLToPath(import.meta.url)), "dashboards");
const BAD = 'grpc_code=~"UNKNOWN|INTERNAL|UNAVAILABLE|DATA_LOSS|DEADLINE_EXCEEDED|RESOURCE_EXHAUSTED"';

function panel(id, title, unit, targets, x, y, w = 12, h = 8) {
  return {
    id,
    title,
    type: "timeseries",
    datasource: { type: "prometheus", uid: "${datasource}" },
    gridPos: { x, y, w, h },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: targets.map(([expr, legendFormat], i) => ({
      refId: String.fromCharCode(65 + i),
      expr,
      legendFormat,
    })),
  };
}

function dashboard(uid, title, panels, extraVars = []) {
  return {
    uid,
    title,
    tags: ["rmhub"],
    timezone: "browser",
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [
        { name: "datasource", type: "datasource", query: "prometheus", label: "Data source" },
        ...extraVars,
      ],
    },
    panels,
  };
}

function overview() {
  const p = [];
  let id = 1;
  const add = (title, unit, targets) => {
    const n = p.length;
    p.push(panel(id++, title, unit, targets, (n % 2) * 12, Math.floor(n / 2) * 8));
  };
  add("Calls per second by service", "reqps", [["sum by (job) (rate(grpc_server_handled_total[5m]))", "{{job}}"]]);
  add("Failing calls (server-side codes) by service", "percentunit", [
    [`sum by (job) (rate(grpc_server_handled_total{${BAD}}[5m])) / sum by (job) (rate(grpc_server_handled_total[5m]))`, "{{job}}"],
  ]);
  add("p99 latency by service", "s", [
    ["histogram_quantile(0.99, sum by (job, le) (rate(grpc_server_handling_seconds_bucket[5m])))", "{{job}} p99"],
  ]);
  add("Availability budget burn (1 h, 6 h)", "none", [
    ["rmhub:grpc_errors:ratio_rate1h / 0.001", "{{job}} 1h"],
    ["rmhub:grpc_errors:ratio_rate6h / 0.001", "{{job}} 6h"],
  ]);
  add("Ready replicas by service", "none", [["sum by (job) (rmhub_ready)", "{{job}}"]]);
  add("Shed calls by reason", "reqps", [["sum by (job, reason) (rate(rmhub_server_shed_total[5m]))", "{{job}} {{reason}}"]]);
  return dashboard("rmhub-overview", "RM Hub / Overview", p);
}

function service() {
  const p = [];
  let id = 1;
  const add = (title, unit, targets) => {
    const n = p.length;
    p.push(panel(id++, title, unit, targets, (n % 2) * 12, Math.floor(n / 2) * 8));
  };
  const j = 'job=~"$job"';
  add("Calls per second by method and code", "reqps", [
    [`sum by (grpc_method, grpc_code) (rate(grpc_server_handled_total{${j}}[5m]))`, "{{grpc_method}} {{grpc_code}}"],
  ]);
  add("p50 / p99 latency by method", "s", [
    [`histogram_quantile(0.5, sum by (grpc_method, le) (rate(grpc_server_handling_seconds_bucket{${j}}[5m])))`, "{{grpc_method}} p50"],
    [`histogram_quantile(0.99, sum by (grpc_method, le) (rate(grpc_server_handling_seconds_bucket{${j}}[5m])))`, "{{grpc_method}} p99"],
  ]);
  add("Call queue: depth and workers", "none", [
    [`sum by (instance) (rmhub_server_queue_depth{${j}})`, "{{instance}} depth"],
    [`sum by (instance) (rmhub_server_workers{${j}})`, "{{instance}} workers"],
  ]);
  add("Call queue: p99 wait and shed", "s", [
    [`histogram_quantile(0.99, sum by (le) (rate(rmhub_server_queue_wait_seconds_bucket{${j}}[5m])))`, "p99 wait"],
    [`sum by (reason) (rate(rmhub_server_shed_total{${j}}[5m]))`, "shed {{reason}} /s"],
  ]);
  add("Database pool", "none", [
    [`sum by (instance, state) (rmhub_db_pool_connections{${j}})`, "{{instance}} {{state}}"],
    [`sum by (instance) (rmhub_db_pool_size{${j}})`, "{{instance}} size"],
    [`sum by (instance) (rate(rmhub_db_pool_acquire_timeouts_total{${j}}[5m]))`, "{{instance}} acquire timeouts /s"],
  ]);
  add("Outbox", "none", [
    [`max(rmhub_outbox_pending{${j}})`, "pending"],
    [`sum(rate(rmhub_outbox_published_total{${j}}[5m]))`, "published /s"],
    [`sum(rate(rmhub_outbox_publish_failures_total{${j}}[5m]))`, "failures /s"],
  ]);
  add("Readiness", "none", [
    [`rmhub_ready{${j}}`, "{{instance}}"],
    [`increase(rmhub_readiness_transitions_total{${j}}[30m])`, "{{instance}} changes /30m"],
  ]);
  add("Process: resident memory and CPU", "bytes", [
    [`process_resident_memory_bytes{${j}}`, "{{instance}} RSS"],
    [`rate(process_cpu_seconds_total{${j}}[5m])`, "{{instance}} CPU (cores)"],
  ]);
  return dashboard("rmhub-service", "RM Hub / Service", p, [
    {
      name: "job",
      type: "query",
      label: "Service",
      datasource: { type: "prometheus", uid: "${datasource}" },
      query: "label_values(grpc_server_started_total, job)",
      refresh: 2,
    },
  ]);
}

// rmhub-business: what the branches would notice — complaints against their regulatory clock,
// overdue work (dual-person checks apart), capacity against caps (managers over theirs), and how far behind the
// scorecards are. Gauges are refreshed by each replica's background pass: read with max.
function business() {
  const p = [];
  let id = 1;
  const add = (title, unit, targets) => {
    const n = p.length;
    p.push(panel(id++, title, unit, targets, (n % 2) * 12, Math.floor(n / 2) * 8));
  };
  add("Open complaints by SLA state", "none", [
    ["max by (sla_state) (rmhub_complaint_open)", "{{sla_state}}"],
  ]);
  add("Complaints turning at risk / breached", "none", [
    ["sum by (state) (increase(rmhub_complaint_sla_events_total[1h]))", "{{state}} /h"],
  ]);
  add("Overdue open tasks", "none", [
    ["max by (kind) (rmhub_task_overdue_open)", "{{kind}}"],
    ["sum(increase(rmhub_task_overdue_events_total[1h]))", "became overdue /h"],
  ]);
  add("Capacity: managers over their cap", "none", [["max(rmhub_customer_managers_over_cap)", "over cap"]]);
  add("Analytics: ingest lag by source", "s", [
    ["max by (source) (rmhub_analytics_ingest_lag_seconds)", "{{source}}"],
  ]);
  add("Analytics: events by source and outcome", "reqps", [
    ["sum by (source, outcome) (rate(rmhub_analytics_events_total[5m]))", "{{source}} {{outcome}}"],
  ]);
  return dashboard("rmhub-business", "RM Hub / Business", p);
}

export const DASHBOARDS = {
  "rmhub-overview.json": overview(),
  "rmhub-service.json": service(),
  "rmhub-business.json": business(),
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2];
  if (arg === "--exprs") {
    for (const d of Object.values(DASHBOARDS)) {
      for (const p of d.panels) for (const t of p.targets) console.log(t.expr);
    }
  } else {
    const stale = [];
    for (const [file, d] of Object.entries(DASHBOARDS)) {
      const text = JSON.stringify(d, null, 2) + "\n";
      const path = join(outDir, file);
      if (arg === "--check") {
        if (!existsSync(path) || readFileSync(path, "utf8") !== text) stale.push(file);
      } else {
        mkdirSync(outDir, { recursive: true });
        writeFileSync(path, text);
      }
    }
    if (stale.length) {
      console.error(`stale dashboards (run node k8s/monitoring/dashboards.mjs): ${stale.join(", ")}`);
      process.exit(1);
    }
  }
}
