#!/usr/bin/env bash
# A private 3-node MariaDB Galera cluster on loopback (issue 13), in data directories of our own —
# never the system service. Node i (1..3) of a cluster started at <base_port> listens on:
#   SQL  <base_port>+i-1          (what services and clients connect to)
#   gcomm (group communication)   <base_port>+10+i-1
#   IST  (incremental transfer)   <base_port>+20+i-1
#   SST  (full transfer, rsync)   <base_port>+30+i-1
#
#   scripts/galera.sh start   <dir> <base_port>  bootstrap node 1 (--wsrep-new-cluster), then join
#                                                2 and 3; returns when all three are Synced
#   scripts/galera.sh stop    <dir>              stop every node (3, 2, then 1)
#   scripts/galera.sh kill    <dir> <i>          kill -9 node i (a crash: no clean leave)
#   scripts/galera.sh rejoin  <dir> <i>          start node i again and wait until it is Synced
#                                                (IST from a donor when the gap allows, else SST)
#   scripts/galera.sh sql     <dir> <i> [args]   a root client on node i's socket
#   scripts/galera.sh status  <dir>              one line per node: up/down, cluster size, state
#   scripts/galera.sh wait-synced <dir> <i>      wait until node i is Synced in a primary component
# The base port is remembered in <dir>/base_port. Root connects only through each node's unix
# socket; services use TCP users created by callers (CREATE USER replicates to every node).
set -euo pipefail

cmd=${1:?usage: galera.sh start|stop|kill|rejoin|sql|status|wait-synced <dir> ...}
dir=$(realpath -m "${2:?cluster directory}")
provider=/usr/lib/galera/libgalera_smm.so

run_as=()
if [ "$(id -u)" -eq 0 ]; then run_as=(--user=mysql); fi

base_port() { cat "$dir/base_port"; }
node_dir() { echo "$dir/n$1"; }
sock() { echo "$(node_dir "$1")/mysqld.sock"; }
sql_port() { echo $(($(base_port) + $1 - 1)); }
gcomm_port() { echo $(($(base_port) + 10 + $1 - 1)); }

node_sql() {
  local i=$1
  shift
  mariadb --no-defaults --socket="$(sock "$i")" -uroot "$@"
}

node_pid() {
  local pidf
  pidf="$(node_dir "$1")/mysqld.pid"
  [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null && cat "$pidf"
}

# wsrep_local_state_comment of node i, or "down".
node_state() {
  node_sql "$1" -N -B -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null \
    | awk '{print $2}' || true
}

start_node() {
  local i=$1 bootstrap=${2:-} nd base
  nd=$(node_dir "$i")
  base=$(base_port)
  mkdir -p "$nd"
  if [ "$(id -u)" -eq 0 ]; then chown mysql:mysql "$nd"; fi
  if node_pid "$i" >/dev/null; then
    echo "galera: node $i already running" >&2
    return 0
  fi
  if [ ! -d "$nd/data/mysql" ]; then
    mariadb-install-db "${run_as[@]}" --datadir="$nd/data" --auth-root-authentication-method=socket \
      --skip-test-db >"$nd/install.log" 2>&1 || { cat "$nd/install.log" >&2; exit 1; }
  fi
  local members="127.0.0.1:$((base + 10)),127.0.0.1:$((base + 11)),127.0.0.1:$((base + 12))"
  local new_cluster=()
  if [ "$bootstrap" = bootstrap ]; then new_cluster=(--wsrep-new-cluster); fi
  # --no-defaults: nothing from /etc/mysql leaks in. Small buffers: a dev/test cluster. The SST
  # method is rsync (Debian's rsync package); the joiner runs its rsync daemon on the SST port.
  mariadbd --no-defaults "${run_as[@]}" --datadir="$nd/data" --socket="$nd/mysqld.sock" \
    --pid-file="$nd/mysqld.pid" --port="$(sql_port "$i")" --bind-address=127.0.0.1 \
    --skip-name-resolve --innodb-buffer-pool-size=128M --innodb-log-file-size=48M \
    --innodb-flush-log-at-trx-commit=2 --max-connections=300 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
    --wsrep-on=ON --wsrep-provider="$provider" --wsrep-cluster-name=rmhub-test \
    --wsrep-node-name="n$i" --wsrep-node-address="127.0.0.1:$(gcomm_port "$i")" \
    --wsrep-cluster-address="gcomm://$members" \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$i");ist.recv_addr=127.0.0.1:$((base + 20 + i - 1));evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;pc.wait_prim_timeout=PT5S" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$((base + 30 + i - 1))" \
    --wsrep-slave-threads=2 "${new_cluster[@]}" \
    --log-error="$nd/mysqld.log" >/dev/null 2>&1 &
}

wait_synced() {
  local i=$1
  for _ in $(seq 1 1200); do
    if [ "$(node_state "$i")" = Synced ]; then return 0; fi
    sleep 0.1
  done
  echo "galera: node $i did not reach Synced in 120 s; its log follows" >&2
  tail -40 "$(node_dir "$i")/mysqld.log" >&2 || true
  return 1
}

stop_node() {
  local i=$1 pid
  pid=$(node_pid "$i") || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

case "$cmd" in
  start)
    port=${3:?base port}
    mkdir -p "$dir"
    echo "$port" >"$dir/base_port"
    start_node 1 bootstrap
    wait_synced 1
    # Joiners one at a time: each takes a state transfer from a synced member.
    for i in 2 3; do
      start_node "$i"
      wait_synced "$i"
    done
    ;;
  stop)
    [ -f "$dir/base_port" ] || exit 0
    for i in 3 2 1; do stop_node "$i"; done
    ;;
  kill)
    i=${3:?node}
    pid=$(node_pid "$i") || { echo "galera: node $i is not running" >&2; exit 1; }
    kill -9 "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    ;;
  rejoin)
    i=${3:?node}
    start_node "$i"
    wait_synced "$i"
    ;;
  wait-synced) wait_synced "${3:?node}" ;;
  sql)
    i=${3:?node}
    shift 3
    exec mariadb --no-defaults --socket="$(sock "$i")" -uroot "$@"
    ;;
  status)
    for i in 1 2 3; do
      if node_pid "$i" >/dev/null; then
        size=$(node_sql "$i" -N -B -e "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null \
          | awk '{print $2}' || true)
        echo "n$i up port=$(sql_port "$i") cluster_size=${size:-?} state=$(node_state "$i")"
      else
        echo "n$i down port=$(sql_port "$i")"
      fi
    done
    ;;
  *) echo "galera: unknown command $cmd" >&2; exit 2 ;;
esac
