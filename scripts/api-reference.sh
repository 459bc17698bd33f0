#!/usr/bin/env bash
# Regenerates docs/api-reference.md from the comments in protos/ (docs/api.md §7):
# protoc writes a descriptor set with source info, scripts/api_reference.py turns it into
# Markdown. Offline; needs protoc and python3 with the protobuf runtime (scripts/deps.sh).
#
#   scripts/api-reference.sh           rewrite docs/api-reference.md
#   scripts/api-reference.sh --check   fail (listing the difference) when it is stale; ctest
#                                      contract_api_reference
# Env: PROTOC (default: protoc), RMHUB_PYTHON (default: /usr/bin/python3 when present: Debian's
# python3-protobuf lives there, a pyenv python3 earlier on PATH may lack it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

die() { echo "api-reference: FAILED: $*" >&2; exit 1; }
protoc=${PROTOC:-protoc}
python=${RMHUB_PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3 )}
target=docs/api-reference.md
mode=write
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) die "unknown argument '$1' (usage: $0 [--check])" ;;
esac

command -v "$protoc" >/dev/null 2>&1 || die "protoc is not installed (scripts/deps.sh installs it)"
work=$(mktemp -d "${TMPDIR:-/tmp}/rmhub-api-reference.XXXXXX")
trap 'rm -rf "$work"' EXIT

mapfile -t files < <(cd protos && find rmhub -name '*.proto' | LC_ALL=C sort)
[ ${#files[@]} -gt 0 ] || die "no .proto files under protos/rmhub"
"$protoc" -I protos --include_source_info --descriptor_set_out="$work/set.pb" "${files[@]}" \
  || die "protoc could not compile protos/ (see above)"
"$python" scripts/api_reference.py "$work/set.pb" "$work/api-reference.md" \
  || die "scripts/api_reference.py failed (see above)"

if [ "$mode" = check ]; then
  if ! diff -u "$target" "$work/api-reference.md" >"$work/diff.txt"; then
    head -n 60 "$work/diff.txt" >&2
    die "$target is stale (difference above): run scripts/api-reference.sh and commit it"
  fi
  echo "api-reference: $target matches the protos"
else
  cp "$work/api-reference.md" "$target"
  echo "api-reference: wrote $target"
fi
