#!/usr/bin/env bash
# Checks the published contract (ARCHITECTURE.md §4):
#   1. `buf lint` on protos/ with the rules in buf.yaml;
#   2. `buf breaking` against the previous release of the protos: the newest git tag `protos/v*`
#      (or the ref given with --against), skipped with a message while no release exists.
# buf comes from the npm registry's @bufbuild/buf, pinned below and installed into .tools/ when
# missing (the package carries the binary; nothing else is downloaded). Once installed, the check
# runs offline. If it cannot be installed, the check fails and says why: it never skips silently.
#
#   scripts/proto-check.sh [--against <git ref>]
# Env: BUF_VERSION (default: the pinned version), RMHUB_TOOLS_DIR (default: <repo>/.tools).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

buf_version=${BUF_VERSION:-1.75.0}
tools_dir=${RMHUB_TOOLS_DIR:-$root/.tools}
buf="$tools_dir/node_modules/.bin/buf"
against=""
base_dir=""

die() { echo "proto-check: FAILED: $*" >&2; exit 1; }

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --against) [ $# -ge 2 ] || die "--against needs a git ref"; against=$2; shift 2 ;;
      *) die "unknown argument '$1' (usage: $0 [--against <git ref>])" ;;
    esac
  done
}

installed_version() { [ -x "$buf" ] && "$buf" --version 2>/dev/null || true; }

# npm install into a project-local prefix, under a lock: several checkouts' tests may share it.
install_buf() {
  [ "$(installed_version)" = "$buf_version" ] && return 0
  command -v npm >/dev/null 2>&1 \
    || die "npm is not installed; it is needed once to install @bufbuild/buf@$buf_version"
  mkdir -p "$tools_dir"
  (
    flock -w 300 9 || die "timed out waiting for the lock on $tools_dir"
    [ "$(installed_version)" = "$buf_version" ] && exit 0
    echo "proto-check: installing @bufbuild/buf@$buf_version into $tools_dir" >&2
    npm install --prefix "$tools_dir" --save-exact --no-audit --no-fund --loglevel=error \
      "@bufbuild/buf@$buf_version" >&2 \
      || die "could not install @bufbuild/buf@$buf_version from the npm registry" \
             "(is the registry reachable? see the npm error above)"
  ) 9>"$tools_dir/.install.lock"
  [ "$(installed_version)" = "$buf_version" ] \
    || die "$buf does not report version $buf_version after installation"
}

run_lint() {
  echo "proto-check: buf lint (buf $buf_version, rules in buf.yaml)"
  "$buf" lint || die "buf lint found problems (listed above); exceptions belong in buf.yaml"
  echo "proto-check: lint OK"
}

latest_release_tag() {
  git -C "$root" tag --list 'protos/v*' --sort=-version:refname 2>/dev/null | head -n 1
}

# The previous release's protos and buf.yaml, extracted with git archive: works in worktrees and
# any clone that has the tag, without buf having to read .git itself.
extract_release() {
  local ref=$1 dest=$2
  git -C "$root" rev-parse --verify --quiet "$ref^{commit}" >/dev/null \
    || die "git ref '$ref' does not exist here"
  git -C "$root" archive --format=tar "$ref" -- protos | tar -x -C "$dest" \
    || die "could not extract protos/ from '$ref'"
  if git -C "$root" cat-file -e "$ref:buf.yaml" 2>/dev/null; then
    git -C "$root" show "$ref:buf.yaml" >"$dest/buf.yaml"
  else
    cp "$root/buf.yaml" "$dest/buf.yaml"  # a release older than buf.yaml: same module layout
  fi
}

run_breaking() {
  local base=${against:-$(latest_release_tag)}
  if [ -z "$base" ]; then
    echo "proto-check: no previous release (no git tag 'protos/v*'): breaking-change check skipped"
    return 0
  fi
  base_dir=$(mktemp -d "${TMPDIR:-/tmp}/rmhub-proto-base.XXXXXX")
  trap 'rm -rf "$base_dir"' EXIT
  extract_release "$base" "$base_dir"
  echo "proto-check: buf breaking against $base"
  "$buf" breaking --against "$base_dir" \
    || die "breaking changes against $base (listed above): keep v1 compatible or start a v2 package"
  echo "proto-check: no breaking changes against $base"
}

parse_args "$@"
install_buf
run_lint
run_breaking
echo "proto-check: OK"
