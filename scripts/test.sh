#!/usr/bin/env bash
# Builds everything and runs every test against a private MariaDB started for this run.
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -R team
# Env: BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo), JOBS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/scripts/deps.sh"

build_dir=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}
export CCACHE_BASEDIR="$root"
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Debug builds hash the build directory by default, so a second clone or build directory never
# hits; paths are relative to CCACHE_BASEDIR already, so the directory need not be hashed.
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build_dir" -j "$jobs"

# A private MariaDB for the run: free port, temporary directory, stopped at exit even on failure.
tmp=$(mktemp -d /tmp/rmhub-test.XXXXXX)
chmod 755 "$tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-40000 -n 1)
cleanup() { "$root/scripts/mariadb.sh" stop "$tmp/db" || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
"$root/scripts/mariadb.sh" start "$tmp/db" "$port" tls
test_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
"$root/scripts/mariadb.sh" sql "$tmp/db" -e "
  CREATE USER 'rmhub_test'@'127.0.0.1' IDENTIFIED BY '$test_password';
  GRANT ALL PRIVILEGES ON *.* TO 'rmhub_test'@'127.0.0.1' WITH GRANT OPTION;"

export RMHUB_TEST_MYSQL_HOST=127.0.0.1
export RMHUB_TEST_MYSQL_PORT=$port
export RMHUB_TEST_MYSQL_USER=rmhub_test
export RMHUB_TEST_MYSQL_PASSWORD=$test_password
export RMHUB_TEST_MARIADB_DIR=$tmp/db
# The server also offers TLS; tests that connect with verification trust this CA.
export RMHUB_TEST_MYSQL_TLS_CA=$tmp/db/tls/ca.pem
export RMHUB_TEST_MYSQL_TLS_CLIENT_CERT=$tmp/db/tls/client-cert.pem
export RMHUB_TEST_MYSQL_TLS_CLIENT_KEY=$tmp/db/tls/client-key.pem
export RMHUB_SOURCE_DIR=$root
export RMHUB_BUILD_DIR=$build_dir

cd "$build_dir"
ctest --output-on-failure -j "${CTEST_JOBS:-2}" "$@"
