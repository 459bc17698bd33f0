#!/usr/bin/env bash
# Makes a release of the published protos (docs/api.md, "Releases of the contract"): checks them,
# then records their Buf image (descriptors without source info) as
# protos/releases/v<X.Y.Z>.binpb, the base every later `scripts/proto-check.sh` (ctest
# contract_proto_check) runs `buf breaking` against. Committing the image and tagging the commit
# `protos/v<X.Y.Z>` are left to the releaser; the script prints the commands.
#
#   scripts/proto-release.sh <X.Y.Z>
#
# The version must follow the newest recorded release, and the kind of bump must match the change
# since it:
#   PATCH  descriptors unchanged (comments and documentation only);
#   MINOR  compatible additions (buf breaking passes);
#   MAJOR  breaking changes: only the removal of a package version after its deprecation period.
# The newest recorded release may be made again under the same version while its tag does not
# exist yet (a release being prepared); a tagged release is never rewritten.
# Env: as scripts/proto-check.sh (BUF_VERSION, RMHUB_TOOLS_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

die() { echo "proto-release: FAILED: $*" >&2; exit 1; }
# shellcheck source=scripts/buf-tool.sh
. "$root/scripts/buf-tool.sh"

[ $# -eq 1 ] || die "usage: $0 <X.Y.Z>"
version=${1#v}
[[ $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] \
  || die "'$1' is not a version X.Y.Z (numbers without leading zeros)"

tag_exists() { git -C "$root" rev-parse --verify --quiet "refs/tags/protos/v$1" >/dev/null 2>&1; }
major_of() { echo "${1%%.*}"; }
minor_of() { local r=${1#*.}; echo "${r%%.*}"; }

# The release this one follows: the newest recorded, or the one before it when the newest is being
# made again.
previous=$(newest_release)
if [ "$previous" = "$version" ]; then
  ! tag_exists "$version" \
    || die "v$version is already tagged protos/v$version: a tagged release is never rewritten"
  previous=$(recorded_releases | grep -vx "$version" | tail -n 1 || true)
elif [ -n "$previous" ]; then
  [ "$(printf '%s\n%s\n' "$previous" "$version" | sort -V | tail -n 1)" = "$version" ] \
    || die "v$version does not follow the newest recorded release v$previous"
fi

install_buf
echo "proto-release: buf lint"
"$buf" lint || die "buf lint found problems (listed above)"

work=$(mktemp -d "${TMPDIR:-/tmp}/rmhub-proto-release.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$buf" build --exclude-source-info -o "$work/image.binpb" || die "buf build failed (see above)"

if [ -n "$previous" ]; then
  prev_image=$(release_image "$previous")
  if cmp -s "$work/image.binpb" "$prev_image"; then
    change=patch
  elif "$buf" breaking --against "$prev_image" >"$work/breaking.txt" 2>&1; then
    change=minor
  else
    change=major
  fi
  bump=patch
  if [ "$(major_of "$version")" != "$(major_of "$previous")" ]; then
    bump=major
  elif [ "$(minor_of "$version")" != "$(minor_of "$previous")" ]; then
    bump=minor
  fi
  echo "proto-release: v$previous → v$version: a $bump release; the descriptors show a $change change"
  case "$change/$bump" in
    patch/*|minor/minor|minor/major|major/major) ;;
    minor/patch)
      die "the descriptors changed since v$previous (additions): that needs a MINOR release," \
          "e.g. $(major_of "$previous").$(( $(minor_of "$previous") + 1 )).0" ;;
    major/*)
      cat "$work/breaking.txt" >&2
      die "breaking changes against v$previous (listed above): within a package version they are" \
          "not allowed; only the removal of a deprecated package version is, as a MAJOR release" ;;
  esac
  [ "$change" != major ] || cat "$work/breaking.txt"
fi

mkdir -p "$root/protos/releases"
cp "$work/image.binpb" "$(release_image "$version")"
echo "proto-release: recorded protos/releases/v$version.binpb"
echo "proto-release: next: git add protos/releases/v$version.binpb &&" \
     "git commit -m 'protos: release v$version' && git tag protos/v$version"
