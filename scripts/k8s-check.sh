#!/usr/bin/env bash
# Checks the Kubernetes manifests and the alerting rules offline (issue 12):
#   scripts/k8s-check.sh manifests   generator drift, `kubectl kustomize` of both overlays, schema
#                                    validation (kubernetes-models), restricted pod security,
#                                    probes and per-service coverage; then proves the validator
#                                    rejects a manifest broken on purpose
#   scripts/k8s-check.sh rules       `promtool check rules` and `promtool test rules`
# The validator's npm packages (k8s/tools/package-lock.json) are installed into
# .tools/k8s/ when missing (like scripts/proto-check.sh); afterwards the check runs offline.
# Env: RMHUB_TOOLS_DIR (default: <repo>/.tools).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools_dir=${RMHUB_TOOLS_DIR:-$root/.tools}/k8s
die() { echo "k8s-check: FAILED: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed (scripts/deps.sh installs it)"; }

install_tools() {
  local stamp=$tools_dir/.lock-hash want
  want=$(sha256sum k8s/tools/package-lock.json | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  need npm
  mkdir -p "$tools_dir"
  (
    flock -w 300 9 || die "timed out waiting for the lock on $tools_dir"
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0
    echo "k8s-check: installing the validator's npm packages into $tools_dir" >&2
    cp k8s/tools/package.json k8s/tools/package-lock.json "$tools_dir/"
    (cd "$tools_dir" && npm ci --no-audit --no-fund --loglevel=error >&2) \
      || die "npm ci failed (is the npm registry reachable? see above)"
    echo "$want" >"$stamp"
  ) 9>"$tools_dir/../.k8s-install.lock"
}

check_manifests() {
  need node
  need kubectl
  install_tools
  node k8s/generate.mjs --check || die "k8s/base is not what k8s/generate.mjs writes"
  node k8s/monitoring/dashboards.mjs --check || die "dashboards are not what dashboards.mjs writes"
  local tmp overlay
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  for overlay in dev prod; do
    kubectl kustomize "k8s/overlays/$overlay" >"$tmp/$overlay.yaml" \
      || die "kubectl kustomize k8s/overlays/$overlay failed"
    node k8s/validate.mjs "$tools_dir/node_modules" "$overlay" <"$tmp/$overlay.yaml" \
      || die "k8s/overlays/$overlay does not pass validation"
  done
  # The validator must reject what it is there to reject: each broken copy must fail.
  local broken=(
    "s/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/"
    "s/service: liveness/service: \"\"/"
    "s/automountServiceAccountToken: false/automountServiceAccountToken: true/"
    "s/replicas: 3/replicas: three/"
    "/^kind: PodDisruptionBudget/,/^---/d"
    "s/^\(  RMHUB_DB_HOST: rmhub-team-db-0.db.bank.example:3306\),.*/\1\n  RMHUB_DEV_MODE: \"true\"/"
    "s/^\(  RMHUB_DB_HOST: rmhub-customer-db-0.db.bank.example:3306\),.*/\1/"
  )
  local edit
  for edit in "${broken[@]}"; do
    sed "$edit" "$tmp/prod.yaml" >"$tmp/broken.yaml"
    if node k8s/validate.mjs "$tools_dir/node_modules" prod <"$tmp/broken.yaml" >/dev/null 2>&1; then
      die "the validator accepted a manifest broken with sed '$edit'"
    fi
  done
  echo "k8s-check: the validator rejects ${#broken[@]} manifests broken on purpose"
}

check_rules() {
  need promtool
  promtool check rules k8s/monitoring/rules/*.yml || die "promtool check rules"
  promtool test rules k8s/monitoring/tests/*.test.yml || die "promtool test rules"
}

case "${1:-}" in
  manifests) check_manifests ;;
  rules) check_rules ;;
  *) die "usage: $0 manifests|rules" ;;
esac
echo "k8s-check: ${1} OK"
