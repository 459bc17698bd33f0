#!/usr/bin/env bash
# The image start test (issue 12): each service's runtime root filesystem, made exactly as
# scripts/images.sh makes it for the image, must start its binary as the non-root user 65532
# with nothing but what the image holds (no shell, no host libraries): `--help` must answer,
# which needs every shared library, and a bad flag must be refused with exit 2 naming it.
#   tests/k8s/image_start_test.sh <build dir>
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
tmp=$(mktemp -d /tmp/rmhub-image.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
in_root() {  # dir, command...: chroot as uid 65532 (a user namespace when not root)
  local dir=$1; shift
  if [ "$(id -u)" -eq 0 ]; then
    chroot --userspec=65532:65532 "$dir" "$@"
  else
    unshare -r chroot "$dir" "$@"
  fi
}
checked=0
for svc in $(awk '!/^[[:space:]]*#/ && NF >= 5 && $5 == "server" { print $1 }' "$root/services/registry.txt"); do
  bin=$build/services/$svc/${svc}_server
  [ -x "$bin" ] || { echo "FAIL: $bin was not built" >&2; exit 1; }
  "$root/scripts/images.sh" rootfs "$bin" "$tmp/$svc"
  [ ! -e "$tmp/$svc/bin/sh" ] && [ ! -e "$tmp/$svc/usr/bin/apt-get" ] \
    || { echo "FAIL: $svc image holds a shell or a package manager" >&2; exit 1; }
  out=$(in_root "$tmp/$svc" "/usr/local/bin/${svc}_server" --help 2>&1) || true
  grep -q "rmhub $svc service" <<<"$out" \
    || { echo "FAIL: $svc --help in its image root:" >&2; echo "$out" >&2; exit 1; }
  set +e
  out=$(in_root "$tmp/$svc" "/usr/local/bin/${svc}_server" --db_pool_size=0 2>&1)
  code=$?
  set -e
  [ "$code" -eq 2 ] && grep -q "db_pool_size" <<<"$out" \
    || { echo "FAIL: $svc with a bad flag in its image root exited $code:" >&2; echo "$out" >&2; exit 1; }
  echo "ok: $svc starts in its image root as uid 65532 ($(du -sh "$tmp/$svc" | cut -f1))"
  checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || { echo "FAIL: no service found" >&2; exit 1; }
