#!/usr/bin/env bash
# ctest contract_proto_release: the release discipline of the protos (docs/api.md, "Releases of
# the contract"), on a scratch git copy of protos/, buf.yaml and the scripts, so nothing in the
# checkout changes. It proves that
#   - scripts/proto-check.sh passes against the recorded release, and fails on a removed field;
#   - scripts/proto-release.sh refuses a PATCH release for an addition, a version that does not
#     follow the newest release, and rewriting a tagged release; records a MINOR one, against
#     which the check then runs; and accepts a comment-only change as a PATCH release.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
export RMHUB_TOOLS_DIR=${RMHUB_TOOLS_DIR:-$src/.tools}

fail() { echo "contract_proto_release: FAILED: $*" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/rmhub-proto-release-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/scripts"
cp -r "$src/protos" "$src/buf.yaml" "$work/"
cp "$src/scripts/proto-check.sh" "$src/scripts/proto-release.sh" "$src/scripts/buf-tool.sh" \
  "$work/scripts/"
cd "$work"
git init -q . && git add -A && git -c user.name=test -c user.email=test@localhost commit -qm base

newest=$(ls protos/releases/v*.binpb 2>/dev/null | sed 's|.*/v||; s|\.binpb$||' | sort -V | tail -n 1)
[ -n "$newest" ] || fail "no recorded release in protos/releases/"
IFS=. read -r major minor patch <<<"$newest"
next_patch="$major.$minor.$((patch + 1))"
next_minor="$major.$((minor + 1)).0"

# run <expect: ok|fail> <log> <command...>: runs the command, checks its outcome, keeps its output.
run() {
  local expect=$1 log=$2; shift 2
  if "$@" >"$log" 2>&1; then
    [ "$expect" = ok ] || { cat "$log" >&2; fail "'$*' succeeded, expected a failure"; }
  else
    [ "$expect" = fail ] || { cat "$log" >&2; fail "'$*' failed, expected success"; }
  fi
}
expect_in() { grep -q -- "$2" "$1" || { cat "$1" >&2; fail "expected '$2' in the output"; }; }

team=protos/rmhub/team/v1/team.proto
cp "$team" "$work/team.orig"

# 1. The unchanged protos pass against the recorded release.
run ok check.log scripts/proto-check.sh
expect_in check.log "against the recorded release v$newest"

# 2. A removed field is a breaking change.
grep -q '^  string region = 4;$' "$team" || fail "fixture: Branch.region not found in $team"
sed -i '/^  string region = 4;$/d' "$team"
run fail removed.log scripts/proto-check.sh
expect_in removed.log 'region'
cp "$work/team.orig" "$team"

# 3. An addition passes the check, but is not a PATCH release; it is a MINOR one.
sed -i 's|^  string region = 4;$|&\n  // Added by the release test.\n  string release_test_note = 99;|' "$team"
run ok added.log scripts/proto-check.sh
run fail patch.log scripts/proto-release.sh "$next_patch"
expect_in patch.log 'needs a MINOR release'
[ ! -e "protos/releases/v$next_patch.binpb" ] || fail "a refused release left an image behind"
run fail malformed.log scripts/proto-release.sh "$major.$minor.$patch.1"
expect_in malformed.log 'is not a version'
run ok minor.log scripts/proto-release.sh "$next_minor"
[ -s "protos/releases/v$next_minor.binpb" ] || fail "v$next_minor.binpb was not recorded"

# 4. The check now runs against the new release: removing the added field breaks it.
run ok check2.log scripts/proto-check.sh
expect_in check2.log "against the recorded release v$next_minor"
cp "$work/team.orig" "$team"
run fail removed2.log scripts/proto-check.sh
expect_in removed2.log 'release_test_note'
sed -i 's|^  string region = 4;$|&\n  // Added by the release test.\n  string release_test_note = 99;|' "$team"

# 5. Versions must move forward; a tagged release is never rewritten, an untagged one may be.
run fail behind.log scripts/proto-release.sh "$newest"
expect_in behind.log 'does not follow'
run ok recut.log scripts/proto-release.sh "$next_minor"
git add -A && git -c user.name=test -c user.email=test@localhost commit -qm "release"
git tag "protos/v$next_minor"
run fail tagged.log scripts/proto-release.sh "$next_minor"
expect_in tagged.log 'never rewritten'

# 6. A comment-only change is a PATCH release.
sed -i 's|^  // Added by the release test\.$|  // Added by the release test (comment changed).|' "$team"
run ok comment.log scripts/proto-release.sh "$major.$((minor + 1)).1"
expect_in comment.log 'descriptors show a patch change'

echo "contract_proto_release: OK"
