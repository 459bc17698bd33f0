#!/usr/bin/env bash
# A private MariaDB on loopback, in a data directory of our own — never the system service.
#   scripts/mariadb.sh start <dir> <port> [tls]   initialise <dir> if new, start, wait until ready;
#                                           with "tls": also offer TLS with a throw-away CA and a
#                                           server certificate for 127.0.0.1/localhost made by
#                                           openssl in <dir>/tls (clients verify with tls/ca.pem;
#                                           tls/client-cert.pem + client-key.pem: a client cert)
# Env: RMHUB_MARIADB_BUFFER_POOL (default 256M), RMHUB_MARIADB_LOG_FILE (default 64M): bigger
# for the scale benchmark (docs/benchmarks.md "Lists at scale").
#   scripts/mariadb.sh stop  <dir>          stop the server whose pid file is in <dir>
#   scripts/mariadb.sh sql   <dir> [args]   a root client on the server's socket
#   scripts/mariadb.sh dump    <dir> <database> <file.sql.gz>   consistent backup of one service's
#                                 schema and data (one transaction, no locks on InnoDB tables)
#   scripts/mariadb.sh restore <dir> <database> <file.sql.gz>   loads a dump into <database>,
#                                 which must be empty or missing (never over live data)
# Root connects only through the unix socket in <dir>; services use TCP users created by callers.
set -euo pipefail

cmd=${1:?usage: mariadb.sh start|stop|sql|dump|restore <dir> [port]}
dir=$(realpath -m "${2:?data directory}")
data="$dir/data"
sock="$dir/mysqld.sock"
pidf="$dir/mysqld.pid"
log="$dir/mysqld.log"

run_as=()
if [ "$(id -u)" -eq 0 ]; then run_as=(--user=mysql); fi

# A CA and a server certificate for 127.0.0.1 and localhost in $dir/tls, made once.
make_tls() {
  local tls=$dir/tls
  [ -s "$tls/server-cert.pem" ] && return 0
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=RM Hub test database CA" \
    -keyout "$tls/ca-key.pem" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$tls/server-key.pem" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$tls/ext.cnf"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca-key.pem" \
    -CAcreateserial -days 30 -extfile "$tls/ext.cnf" -out "$tls/server-cert.pem" 2>/dev/null
  # A client certificate from the same CA, for users that REQUIRE X509.
  openssl req -newkey rsa:2048 -nodes -subj "/CN=rmhub-test-client" \
    -keyout "$tls/client-key.pem" -out "$tls/client.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$tls/client-ext.cnf"
  openssl x509 -req -in "$tls/client.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca-key.pem" \
    -CAcreateserial -days 30 -extfile "$tls/client-ext.cnf" -out "$tls/client-cert.pem" 2>/dev/null
  chmod 644 "$tls"/*.pem
  if [ "$(id -u)" -eq 0 ]; then chown -R mysql:mysql "$tls"; fi
}

start() {
  local port=${1:?port} tls_args=()
  if [ "${2:-}" = tls ]; then
    make_tls
    tls_args=(--ssl-ca="$dir/tls/ca.pem" --ssl-cert="$dir/tls/server-cert.pem"
      --ssl-key="$dir/tls/server-key.pem")
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown mysql:mysql "$dir"; fi
  if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
    echo "mariadb: already running in $dir (pid $(cat "$pidf"))" >&2
    return 0
  fi
  if [ ! -d "$data/mysql" ]; then
    mariadb-install-db "${run_as[@]}" --datadir="$data" --auth-root-authentication-method=socket \
      --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
  fi
  # --no-defaults: nothing from /etc/mysql leaks in. Small buffers: this is a dev/test server.
  mariadbd --no-defaults "${run_as[@]}" --datadir="$data" --socket="$sock" --pid-file="$pidf" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
    --innodb-buffer-pool-size="${RMHUB_MARIADB_BUFFER_POOL:-256M}" --innodb-log-file-size="${RMHUB_MARIADB_LOG_FILE:-64M}" --innodb-flush-log-at-trx-commit=2 \
    --max-connections=500 --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    "${tls_args[@]}" --log-error="$log" >/dev/null 2>&1 &
  for _ in $(seq 1 300); do
    if mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "mariadb: did not become ready; log follows" >&2
  tail -50 "$log" >&2 || true
  exit 1
}

stop() {
  [ -f "$pidf" ] || return 0
  local pid
  pid=$(cat "$pidf")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

case "$cmd" in
  start) start "${3:-}" "${4:-}" ;;
  stop) stop ;;
  sql) shift 2; exec mariadb --no-defaults --socket="$sock" -uroot "$@" ;;
  dump)
    db=${3:?database}; file=${4:?output file}
    mariadb-dump --no-defaults --socket="$sock" -uroot --single-transaction --quick \
      --routines --triggers --events --hex-blob --default-character-set=utf8mb4 "$db" \
      | gzip -c >"$file.partial"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { rm -f "$file.partial"; echo "dump of $db failed" >&2; exit 1; }
    mv "$file.partial" "$file"
    ;;
  restore)
    db=${3:?database}; file=${4:?dump file}
    [ -s "$file" ] || { echo "no dump at $file" >&2; exit 1; }
    tables=$(mariadb --no-defaults --socket="$sock" -uroot -N -B -e \
      "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db'")
    [ "$tables" -eq 0 ] || { echo "$db holds $tables tables: restore only into an empty database" >&2; exit 1; }
    mariadb --no-defaults --socket="$sock" -uroot -e \
      "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    gzip -dc "$file" | mariadb --no-defaults --socket="$sock" -uroot "$db"
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
