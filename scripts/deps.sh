#!/usr/bin/env bash
# Installs the Debian packages RM Hub needs to build, test and run locally.
# Idempotent: installs only what is missing, and runs `apt-get update` at most once.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libmysqlcppconn-dev prometheus-cpp-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  mariadb-server mariadb-client
  # scripts/galera.sh (issue 13): the Galera provider, rsync state transfers (its script needs
  # lsof and ss).
  galera-4 rsync lsof iproute2
  prometheus golang-github-gogo-googleapis-dev nghttp2-client
  # The Python client (clients/python, issue 14): Debian's grpcio 1.51 and protobuf 3.21, pytest,
  # and pip + setuptools + wheel to build the wheel offline.
  python3-grpcio python3-protobuf python3-pytest python3-pip python3-setuptools python3-wheel
  # contract_proto_check runs buf from the npm registry (npm: below).
  nodejs
  # The style tests: clang-format --dry-run and clang++ -fsyntax-only -Wthread-safety.
  clang clang-format
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# npm is its own Debian package, but a nodejs from elsewhere (NodeSource) bundles npm and
# conflicts with Debian's: any npm on PATH will do.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends keeps the install small; mariadb-server must not start a system service.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's maintainer scripts may start the system MariaDB; the project never uses it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mariadb 2>/dev/null; then
  $SUDO systemctl stop mariadb || true
fi
