#!/usr/bin/env bash
# Runs one client library's tests against the real stack:
#   stack.sh <team_server> <customer_server> <rmhubctl> -- <command> [args...]
# Starts team_server (plaintext and a mutual-TLS replica) and customer_server (PII keys, dev-mode HS256 secret) against the test
# MariaDB on loopback ports the kernel picks, sets up a branch (customer cap 1000), a branch
# manager and a qualified personal relationship manager through the team API, then runs
# <command> with:
#   RMHUB_TEAM_ADDRESS, RMHUB_CUSTOMER_ADDRESS   host:port of the two servers
#   RMHUB_TOKEN                                  the branch manager's bearer token
#   RMHUB_RM_TOKEN                               the relationship manager's bearer token
#   RMHUB_MANAGER                                "members/<n>", the relationship manager
#   RMHUB_BRANCH                                 "branches/<n>"
#   RMHUB_TLS_TEAM_ADDRESS                       a second team server, mutual TLS only
#   RMHUB_TLS_CA_FILE, RMHUB_TLS_CERT_FILE, RMHUB_TLS_KEY_FILE
#                                                its CA, a client certificate of rmhub-e2e
# and reports its exit status. Every wait is bounded (the command gets 240 s); the servers are
# stopped and the databases dropped by the EXIT trap. Exits 77 (skip) outside scripts/test.sh.
set -uo pipefail

team_bin=${1:?team_server path}
customer_bin=${2:?customer_server path}
ctl=${3:?rmhubctl path}
shift 3
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: stack.sh <team_server> <customer_server> <rmhubctl> -- <command...>" >&2; exit 2; }

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"
e2e_init clients
team_db="rmhub_clients_team_$$_$RANDOM"
customer_db="rmhub_clients_customer_$$_$RANDOM"

start_team_for_customer "$team_bin" "$team_db" "$customer_db"
make_pii_keys clients1
server_args "$customer_db" "$tmp/jwt-secret"
start_service customer "$customer_bin" "${E2E_ARGS[@]}" "${pii_files[@]}" --team_address="$team_addr"
require "customer server started and logged its ports" wait_ports customer
customer_addr="127.0.0.1:${E2E_PORT[customer]}"
for addr in "$team_addr" "$customer_addr"; do
  require "health: $addr SERVING" "$ctl" health --addr "$addr" --wait 60s
done

# A second team server on the same database with mutual TLS (a CA, a server certificate for
# 127.0.0.1 and a client certificate for the service identity rmhub-e2e, which the ACL lets call
# TeamService): the libraries' TLS credentials are exercised against it.
pki=$tmp/pki
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=clients CA" -keyout "$pki/ca.key" \
  -out "$pki/ca.pem" 2>/dev/null
# shellcheck disable=SC2317  # called through require
issue() {
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$pki/$1.key" -out "$pki/$1.csr" 2>/dev/null &&
    printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$2" "$3" >"$pki/$1.ext" &&
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
      -days 2 -extfile "$pki/$1.ext" -out "$pki/$1.pem" 2>/dev/null
}
require "test PKI: server certificate" issue rmhub-team "IP:127.0.0.1,DNS:rmhub-team" serverAuth
require "test PKI: client certificate rmhub-e2e" issue rmhub-e2e "DNS:rmhub-e2e" clientAuth
server_args "$team_db" "$tmp/jwt-secret"
start_service team_tls "$team_bin" "${E2E_ARGS[@]}" --tls_cert_file="$pki/rmhub-team.pem" \
  --tls_key_file="$pki/rmhub-team.key" --tls_client_ca_file="$pki/ca.pem"
require "mutual-TLS team server started and logged its ports" wait_ports team_tls
team_tls_addr="127.0.0.1:${E2E_PORT[team_tls]}"

# Setup through the team API, as an administrator.
ctl_as() {
  local token=$1
  shift
  RMHUB_TOKEN=$token timeout 60 "$ctl" --timeout 30s "$@"
}
id_in() { sed -n "s/.*\"$2\": \"$3\/\([0-9]*\)\".*/\1/p" "$1" | head -1; }
admin=$("$ctl" token --service e2e --perms team.admin --secret-file "$tmp/jwt-secret" --ttl 10m)
ctl_as "$admin" team create-branch --addr "$team_addr" branch.code=CLIENTS \
  "branch.display_name=客户端测试支行" branch.region=East --json >"$tmp/branch.json" 2>&1
branch=$(id_in "$tmp/branch.json" name branches)
require "create-branch: branches/$branch" test -n "$branch"
ctl_as "$admin" team update-branch --addr "$team_addr" "branch.name=branches/$branch" \
  branch.personal_customer_cap=1000 update_mask=personal_customer_cap >"$tmp/ub" 2>&1
require "update-branch: personal customer cap 1000" grep -q "^personal_customer_cap  *1000$" "$tmp/ub"
create_member() {
  local emp=$1
  shift
  ctl_as "$admin" team create-member --addr "$team_addr" "member.employee_number=$emp" \
    "member.display_name=Clients $emp" "member.branch=branches/$branch" "$@" --json \
    >"$tmp/member-$emp.json" 2>&1
  id_in "$tmp/member-$emp.json" name members
}
bm=$(create_member BM01 member.role=BRANCH_MANAGER)
require "create-member: a branch manager (members/$bm)" test -n "$bm"
rm=$(create_member RM01 member.role=RELATIONSHIP_MANAGER member.rm_kind=PERSONAL \
  member.career_level=ASSOCIATE member.career_grade=4)
require "create-member: a relationship manager (members/$rm)" test -n "$rm"
require "add-certification: the RM is qualified" ctl_as "$admin" team add-certification \
  --addr "$team_addr" "parent=members/$rm" certification.type=RM_QUALIFICATION \
  certification.rm_kind=PERSONAL "certification.issuer=China Banking Association" \
  certification.number=RMQ-CLIENTS certification.issue_date=2020-01-01 \
  certification.expiry_date=2099-12-31

token() { "$ctl" token --secret-file "$tmp/jwt-secret" --ttl 30m --branch "$branch" "$@"; }
export RMHUB_TEAM_ADDRESS=$team_addr RMHUB_CUSTOMER_ADDRESS=$customer_addr
export RMHUB_MANAGER="members/$rm" RMHUB_BRANCH="branches/$branch"
export RMHUB_TLS_TEAM_ADDRESS=$team_tls_addr RMHUB_TLS_CA_FILE=$pki/ca.pem
export RMHUB_TLS_CERT_FILE=$pki/rmhub-e2e.pem RMHUB_TLS_KEY_FILE=$pki/rmhub-e2e.key
RMHUB_TOKEN=$(token --member "$bm" --roles BRANCH_MANAGER)
RMHUB_RM_TOKEN=$(token --member "$rm" --roles RELATIONSHIP_MANAGER)
export RMHUB_TOKEN RMHUB_RM_TOKEN

# The client's own tests: their output as it comes, their status as ours.
echo "running: $*"
timeout 240 "$@"
rc=$?
check "client command exited 0 (got $rc)" test "$rc" -eq 0
for name in team team_tls customer; do
  check "$name server still running after the client's calls" kill -0 "${E2E_PID[$name]}"
done
finish
