#!/usr/bin/env bash
# Stops what scripts/up.sh started, by the pids it recorded: the services first (SIGTERM, so they
# drain in-flight calls; SIGKILL if still there after 30 s), MariaDB last.
#   scripts/down.sh            keep .run/ (data, secrets, logs) for the next scripts/up.sh
#   scripts/down.sh --purge    also delete .run/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
run=$root/.run

purge=false
case "${1:-}" in
  --purge) purge=true ;;
  "") ;;
  *) echo "usage: scripts/down.sh [--purge]" >&2; exit 2 ;;
esac

say() { printf 'down: %s\n' "$*" >&2; }

# Signals `pid` only while it is still the program we started: a stale pid file's number may
# belong to some other process by now.
stop_pid() {
  local name=$1 pidf=$2 program=$3 pid
  pid=$(cat "$pidf")
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pidf"
    return 0
  fi
  if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$program"; then
    say "$name: pid $pid is no longer $program; left alone"
    rm -f "$pidf"
    return 0
  fi
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidf"
}

if [ -d "$run/pids" ]; then
  for pidf in "$run/pids"/*.pid; do
    [ -e "$pidf" ] || continue
    name=$(basename "$pidf" .pid)
    stop_pid "$name" "$pidf" "${name}_server"
  done
fi

if [ -f "$run/mariadb/mysqld.pid" ]; then
  say "stopping MariaDB"
  "$root/scripts/mariadb.sh" stop "$run/mariadb"
fi

if $purge; then
  say "deleting .run/"
  rm -rf "$run"
fi
