// Validates rendered manifests offline (scripts/k8s-check.sh runs it on both overlays):
//   1. schema: every object against the Kubernetes OpenAPI schemas of `kubernetes-models`
//      (and the Prometheus-operator CRD schemas of @kubernetes-models/prometheus-operator);
//   2. policy: the restricted Pod Security Standard on every workload, pinned image tags,
//      requests and a memory limit, and for RM Hub services native gRPC readiness/liveness
//      probes (readiness on the database-following service "", liveness on "liveness");
//   3. coverage: every generated service has its Deployment, Service (ports grpc and metrics),
//      ServiceAccount without token automount, PodDisruptionBudget, HorizontalPodAutoscaler and
//      ingress NetworkPolicy, plus a default-deny policy.
//
//   node k8s/validate.mjs <node_modules dir> <overlay name> < rendered.yaml
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SERVICES, HEALTH_PORT } from "./generate.mjs";

const [modulesDir, overlay] = process.argv.slice(2);
if (!modulesDir || !overlay) {
  console.error("usage: node k8s/validate.mjs <node_modules dir> <overlay> < rendered.yaml");
  process.exit(2);
}
const require = createRequire(join(modulesDir, "noop.js"));
const YAML = require("yaml");

const docs = YAML.parseAllDocuments(readFileSync(0, "utf8")).map((d) => d.toJS()).filter(Boolean);
const problems = [];
const fail = (obj, msg) => problems.push(`${obj.kind}/${obj.metadata?.name}: ${msg}`);

// ---- 1. schemas ----
async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "monitoring.coreos.com") {
    const file = join(modulesDir, "@kubernetes-models/prometheus-operator", group, version, `${kind}.js`);
    return (await import(pathToFileURL(file).href))[kind];
  }
  const dir = group === "" ? version : `${group}/${version}`;
  return require(`kubernetes-models/${dir}/${kind}`)[kind];
}
for (const obj of docs) {
  let Model;
  try {
    Model = await modelFor(obj.apiVersion, obj.kind);
  } catch (e) {
    fail(obj, `no schema for ${obj.apiVersion} ${obj.kind} (${e.code || e.message})`);
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    fail(obj, `schema: ${e.message}`);
  }
}

// ---- 2. restricted pod security and workload rules ----
const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]);
const podSpecOf = (obj) =>
  obj.kind === "CronJob" ? obj.spec.jobTemplate.spec.template.spec : obj.spec.template.spec;
const isService = (obj) => obj.metadata?.labels?.["app.kubernetes.io/component"] === "service";

for (const obj of docs.filter((o) => WORKLOADS.has(o.kind))) {
  const pod = podSpecOf(obj);
  const psc = pod.securityContext || {};
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) fail(obj, "uses host namespaces");
  if (pod.automountServiceAccountToken !== false) fail(obj, "automountServiceAccountToken must be false");
  for (const v of pod.volumes || []) {
    if (v.hostPath) fail(obj, `volume ${v.name} is a hostPath`);
  }
  for (const c of [...(pod.initContainers || []), ...pod.containers]) {
    const sc = c.securityContext || {};
    const where = `container ${c.name}`;
    const runAsNonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    const runAsUser = sc.runAsUser ?? psc.runAsUser;
    if (runAsNonRoot !== true) fail(obj, `${where}: runAsNonRoot must be true`);
    if (runAsUser === 0) fail(obj, `${where}: runAsUser 0`);
    if (sc.allowPrivilegeEscalation !== false) fail(obj, `${where}: allowPrivilegeEscalation must be false`);
    if (sc.privileged) fail(obj, `${where}: privileged`);
    if (sc.readOnlyRootFilesystem !== true) fail(obj, `${where}: readOnlyRootFilesystem must be true`);
    const drop = sc.capabilities?.drop || [];
    if (!drop.includes("ALL")) fail(obj, `${where}: capabilities must drop ALL`);
    if ((sc.capabilities?.add || []).some((cap) => cap !== "NET_BIND_SERVICE")) {
      fail(obj, `${where}: adds capabilities other than NET_BIND_SERVICE`);
    }
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (!["RuntimeDefault", "Localhost"].includes(seccomp)) fail(obj, `${where}: seccomp must be RuntimeDefault`);
    for (const p of c.ports || []) if (p.hostPort) fail(obj, `${where}: hostPort`);
    if (!/^[^:@]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$/.test(c.image) || /:latest$/.test(c.image)) {
      fail(obj, `${where}: image '${c.image}' must be pinned by tag or digest (not latest)`);
    }
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) fail(obj, `${where}: cpu and memory requests`);
    if (!c.resources?.limits?.memory) fail(obj, `${where}: memory limit`);
  }
  if (isService(obj)) {
    const c = pod.containers[0];
    const r = c.readinessProbe?.grpc;
    const l = c.livenessProbe?.grpc;
    if (!r || r.port !== HEALTH_PORT || (r.service ?? "") !== "") {
      fail(obj, `readiness must be a native grpc probe on port ${HEALTH_PORT}, service ""`);
    }
    if (!l || l.port !== HEALTH_PORT || l.service !== "liveness") {
      fail(obj, `liveness must be a native grpc probe on port ${HEALTH_PORT}, service "liveness" (not the database)`);
    }
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    if (grace < preStop + 20) fail(obj, `terminationGracePeriodSeconds ${grace} < preStop ${preStop} + drain 20 s`);
    if (!(pod.topologySpreadConstraints || []).length) fail(obj, "no topology spread");
  }
}

// ---- 3. coverage ----
const find = (kind, name) => docs.find((o) => o.kind === kind && o.metadata?.name === name);
for (const s of SERVICES) {
  const dep = find("Deployment", s.name);
  if (!dep) problems.push(`${s.name}: no Deployment`);
  const svc = find("Service", s.name);
  const portNames = (svc?.spec?.ports || []).map((p) => p.name);
  if (!svc || !portNames.includes("grpc") || !portNames.includes("metrics")) {
    problems.push(`${s.name}: no Service with ports named grpc and metrics`);
  }
  const sa = find("ServiceAccount", s.name);
  if (!sa || sa.automountServiceAccountToken !== false) problems.push(`${s.name}: no ServiceAccount without token automount`);
  if (!find("PodDisruptionBudget", s.name)) problems.push(`${s.name}: no PodDisruptionBudget`);
  const hpa = find("HorizontalPodAutoscaler", s.name);
  if (!hpa) problems.push(`${s.name}: no HorizontalPodAutoscaler`);
  if (dep && hpa && dep.spec.replicas < hpa.spec.minReplicas) problems.push(`${s.name}: replicas below the HPA minimum`);
  if (!find("NetworkPolicy", `allow-${s.name}-ingress`)) problems.push(`${s.name}: no ingress NetworkPolicy`);
  const settings = find("ConfigMap", `${s.name}-config`)?.data || {};
  const required = ["RMHUB_DB_HOST", "RMHUB_DB_USER", "RMHUB_DB_NAME", "RMHUB_DB_PASSWORD_FILE",
    "RMHUB_IDEMPOTENCY_KEY_FILE"];
  if (overlay === "prod") required.push("RMHUB_JWT_ISSUER", "RMHUB_JWT_AUDIENCE", "RMHUB_JWT_KEYS_FILE",
    "RMHUB_TLS_CERT_FILE", "RMHUB_DB_TLS_CA_FILE");
  for (const key of required) if (!settings[key]) problems.push(`${s.name}: ${s.name}-config lacks ${key}`);
  if (overlay === "prod" && settings.RMHUB_DEV_MODE) problems.push(`${s.name}: RMHUB_DEV_MODE in production`);
  if (overlay === "prod") {
    if (!find("ServiceMonitor", s.name)) problems.push(`${s.name}: no ServiceMonitor`);
    if (dep && dep.spec.replicas < 2) problems.push(`${s.name}: production needs at least 2 replicas`);
    // The HA database topology of issue 13: the node list of a 3-node cluster, host:port each.
    const nodes = (settings.RMHUB_DB_HOST || "").split(",").filter((n) => /^[a-z0-9.-]+:[0-9]+$/.test(n.trim()));
    if (nodes.length < 3) problems.push(`${s.name}: production RMHUB_DB_HOST must list the 3 nodes of its cluster (host:port,...)`);
  }
}
const deny = find("NetworkPolicy", "default-deny");
if (!deny || Object.keys(deny.spec.podSelector || {}).length !== 0 ||
    !["Ingress", "Egress"].every((t) => deny.spec.policyTypes.includes(t))) {
  problems.push("no default-deny NetworkPolicy (empty podSelector, Ingress and Egress)");
}
if (overlay === "prod" && !find("PrometheusRule", "rmhub")) problems.push("no PrometheusRule rmhub");
if (overlay === "prod" && docs.some((o) => o.kind === "Secret")) problems.push("a Secret is committed in the prod overlay");

if (problems.length) {
  console.error(`${overlay}: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`${overlay}: ${docs.length} objects valid (schemas, restricted pod security, probes, coverage of ${SERVICES.map((s) => s.name).join(", ")})`);
