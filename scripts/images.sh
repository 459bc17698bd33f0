#!/usr/bin/env bash
# Builds the container images of RM Hub's services with buildah (no Docker engine needed):
#   scripts/images.sh [service...]          Release build, then one image per service (default:
#                                           every service in state `server` in the registry), tagged
#                                           rmhub/<service>:<version> in buildah's local storage
#                                           and saved as build-images/<service>.oci.tar
#   scripts/images.sh rootfs <binary> <dir>  only the root filesystem of one image (the start
#                                           test runs the binary in it under chroot)
#
# The image is two-stage in effect: the host's Release build is the build stage; the runtime
# stage is FROM scratch with the one binary, the shared libraries `ldd` says it loads, the time
# zone database (the bank's civil days), CA certificates, and /etc/passwd naming the non-root
# user 65532. No shell, no package manager. Migrations are compiled into the binary.
# Labels: org.opencontainers.image.{title,version,revision,source,created}.
# Env: BUILD_DIR (default build-release), JOBS, RMHUB_IMAGE_VERSION (default from CMakeLists).
# buildah runs as root here with --storage-driver vfs --isolation chroot.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
say() { printf 'images: %s\n' "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

# A root filesystem for `binary` in `dir` (emptied first).
make_rootfs() {
  local binary=$1 dir=$2 name lib
  [ -x "$binary" ] || die "no executable $binary"
  name=$(basename "$binary")
  rm -rf "$dir"
  mkdir -p "$dir"/{usr/local/bin,etc/ssl/certs,tmp,usr/share}
  chmod 1777 "$dir/tmp"
  cp "$binary" "$dir/usr/local/bin/$name"
  strip --strip-debug "$dir/usr/local/bin/$name" 2>/dev/null || true
  # Every shared library the binary loads, at the same path, and the dynamic loader.
  while read -r lib; do
    mkdir -p "$dir$(dirname "$lib")"
    cp -L "$lib" "$dir$lib"
  done < <(ldd "$binary" | grep -oE '/[^ ]+' | sort -u)
  [ -n "$(ls "$dir"/lib*/ld-linux* 2>/dev/null)" ] || die "$binary: no dynamic loader found by ldd"
  cp -r /usr/share/zoneinfo "$dir/usr/share/zoneinfo"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/"
  fi
  printf 'root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nrmhub:x:65532:65532:rmhub:/nonexistent:/usr/sbin/nologin\n' \
    >"$dir/etc/passwd"
  printf 'root:x:0:\nrmhub:x:65532:\n' >"$dir/etc/group"
  printf 'hosts: files dns\n' >"$dir/etc/nsswitch.conf"
  # The complaint clock's rest-day calendar (--calendar_file's default path).
  if [ "$name" = complaint_server ]; then
    mkdir -p "$dir/etc/rmhub/complaint"
    cp "$root"/services/complaint/calendar/*.txt "$dir/etc/rmhub/complaint/"
  fi
}

version() {
  [ -n "${RMHUB_IMAGE_VERSION:-}" ] && { echo "$RMHUB_IMAGE_VERSION"; return; }
  sed -n 's/^project(rmhub VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt | head -1
}

install_buildah() {
  command -v buildah >/dev/null 2>&1 && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  say "installing buildah (Debian package)"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends buildah >/dev/null
}

build_images() {
  local build=${BUILD_DIR:-$root/build-release} out=$root/build-images
  local services=("$@") svc ver rev ctr bah
  if [ ${#services[@]} -eq 0 ]; then
    mapfile -t services < <(awk '!/^[[:space:]]*#/ && NF >= 5 && $5 == "server" { print $1 }' \
      services/registry.txt)
  fi
  "$root/scripts/deps.sh"
  install_buildah
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DRMHUB_BUILD_TESTS=OFF -DRMHUB_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build" -j "${JOBS:-$(nproc)}" \
    --target "${services[@]/%/_server}" >/dev/null || die "Release build failed"
  ver=$(version)
  rev=$(git rev-parse HEAD 2>/dev/null || echo unknown)
  bah=(buildah --storage-driver vfs)
  mkdir -p "$out"
  for svc in "${services[@]}"; do
    make_rootfs "$build/services/$svc/${svc}_server" "$out/$svc/rootfs"
    ctr=$("${bah[@]}" from scratch)
    "${bah[@]}" copy "$ctr" "$out/$svc/rootfs/" / >/dev/null
    "${bah[@]}" config --user 65532:65532 --workingdir / \
      --entrypoint "[\"/usr/local/bin/${svc}_server\"]" --cmd "" \
      --env TZ=Asia/Shanghai \
      --label "org.opencontainers.image.title=rmhub-$svc" \
      --label "org.opencontainers.image.version=$ver" \
      --label "org.opencontainers.image.revision=$rev" \
      --label "org.opencontainers.image.source=rmhub" \
      --label "org.opencontainers.image.created=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$ctr"
    "${bah[@]}" commit --quiet "$ctr" "rmhub/$svc:$ver" >/dev/null
    "${bah[@]}" rm "$ctr" >/dev/null
    rm -f "$out/$svc.oci.tar"
    "${bah[@]}" push --quiet "rmhub/$svc:$ver" "oci-archive:$out/$svc.oci.tar:rmhub/$svc:$ver"
    say "rmhub/$svc:$ver ($(du -h "$out/$svc.oci.tar" | cut -f1)) -> build-images/$svc.oci.tar"
  done
}

case "${1:-}" in
  rootfs) [ $# -eq 3 ] || die "usage: $0 rootfs <binary> <dir>"; make_rootfs "$2" "$3" ;;
  -h|--help) sed -n '2,16p' "$0" ;;
  *) build_images "$@" ;;
esac
