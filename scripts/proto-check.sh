#!/usr/bin/env bash
# Checks the published contract (ARCHITECTURE.md §4):
#   1. `buf lint` on protos/ with the rules in buf.yaml;
#   2. `buf breaking` against the latest release of the protos as recorded in the repository:
#      the newest image protos/releases/v<X.Y.Z>.binpb (made by scripts/proto-release.sh), so a
#      fresh clone without tags checks it too; with --against, the protos of that git ref instead;
#      with no recorded release, the newest git tag `protos/v*`; skipped with a message only when
#      there is neither.
# buf is the pinned @bufbuild/buf from the npm registry (scripts/buf-tool.sh installs it into
# .tools/ once; afterwards the check runs offline).
#
#   scripts/proto-check.sh [--against <git ref>]
# Env: BUF_VERSION (default: the pinned version), RMHUB_TOOLS_DIR (default: <repo>/.tools).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

against=""
base_dir=""

die() { echo "proto-check: FAILED: $*" >&2; exit 1; }
# shellcheck source=scripts/buf-tool.sh
. "$root/scripts/buf-tool.sh"

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --against) [ $# -ge 2 ] || die "--against needs a git ref"; against=$2; shift 2 ;;
      *) die "unknown argument '$1' (usage: $0 [--against <git ref>])" ;;
    esac
  done
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
  local base=$against recorded
  if [ -z "$base" ]; then
    recorded=$(newest_release)
    if [ -n "$recorded" ]; then
      echo "proto-check: buf breaking against the recorded release v$recorded" \
           "(protos/releases/v$recorded.binpb)"
      "$buf" breaking --against "$(release_image "$recorded")" \
        || die "breaking changes against release v$recorded (listed above): keep v1 compatible" \
               "or start a v2 package (docs/api.md, \"Releases of the contract\")"
      echo "proto-check: no breaking changes against v$recorded"
      return 0
    fi
    base=$(latest_release_tag)
  fi
  if [ -z "$base" ]; then
    echo "proto-check: no previous release (neither protos/releases/v*.binpb nor a git tag" \
         "'protos/v*'): breaking-change check skipped"
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
