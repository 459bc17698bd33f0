#!/usr/bin/env bash
# Production defaults of the real team_server. Without --dev_mode it refuses to start, with exit
# status 2 and a message naming the flags to set, when given: plaintext gRPC on the default
# 0.0.0.0 address, an HS256 secret, no issuer/audience, --reflection, a secret both inline and as
# a file, an unknown method in the service ACL, an unreadable database CA, no
# --idempotency_key_file or an --idempotency_retention under 24h. Then the production
# path: TLS on 0.0.0.0, RS256 tokens chosen by kid from a key set, iss/aud required, the lifetime
# capped, the gateway key signing people only, a service key held to its allowed methods.
#   production_defaults_test.sh <team_server> <rmhubctl>
# Needs RMHUB_TEST_MYSQL_* (scripts/test.sh); exits 77 (skip) without them.
set -uo pipefail

server_bin=${1:?team_server path}
ctl=${2:?rmhubctl path}

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init prod
db="rmhub_e2e_prod_$$_$RANDOM"
create_db "$db" || exit 1

# A CA with a server certificate for 127.0.0.1, the gateway's key and the customer service's key.
pki=$tmp/pki
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=e2e CA" -keyout "$pki/ca.key" \
  -out "$pki/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=rmhub-team" -keyout "$pki/server.key" \
  -out "$pki/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:rmhub-team\nextendedKeyUsage=serverAuth\n' >"$pki/ext"
openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
  -days 2 -extfile "$pki/ext" -out "$pki/server.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/gateway.key" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/customer.key" 2>/dev/null
make_secret "$tmp/jwt-secret"

inner() { sed 's/^{"keys":\[//; s/\]}$//'; }
gateway_jwk=$("$ctl" jwks --public-key-file "$pki/gateway.key" --kid gw-1 --subjects 'members/*' | inner)
customer_jwk=$("$ctl" jwks --public-key-file "$pki/customer.key" --kid svc-customer-1 \
  --subjects services/customer | inner)
printf '{"keys":[%s,%s]}\n' "$gateway_jwk" "$customer_jwk" >"$tmp/keys.jwks"
require "rmhubctl jwks writes a key set" grep -q '"kid":"svc-customer-1"' "$tmp/keys.jwks"

db_flags=(--metrics_address=127.0.0.1:0 --db_host="$RMHUB_TEST_MYSQL_HOST"
  --db_port="$RMHUB_TEST_MYSQL_PORT" --db_user="$RMHUB_TEST_MYSQL_USER"
  --db_password_file="$tmp/db-password" --db_name="$db" --drain_timeout=5s
  --idempotency_key_file="$tmp/idempotency-key")
make_secret "$tmp/idempotency-key"
jwt_flags=(--jwt_keys_file="$tmp/keys.jwks" --jwt_issuer=e2e-gateway --jwt_audience=rmhub)
tls_flags=(--tls_cert_file="$pki/server.pem" --tls_key_file="$pki/server.key")

clean=(env)
while read -r var; do clean+=(-u "$var"); done < <(env | sed -n 's/^\(RMHUB_[A-Za-z0-9_]*\)=.*/\1/p')

# refused "<what>" <text the message must contain> <flags...>: exits 2 before serving.
refused() {
  local what=$1 text=$2
  shift 2
  "${clean[@]}" timeout 60 "$server_bin" "${db_flags[@]}" "$@" >"$tmp/refused" 2>&1
  local rc=$?
  check "refused, $what: exit 2 (got $rc)" test "$rc" -eq 2
  check "refused, $what: the message names $text" grep -qF -- "$text" "$tmp/refused"
}

refused "plaintext on the default 0.0.0.0" "--tls_cert_file" "${jwt_flags[@]}"
check "refused, plaintext: the message also offers --dev_mode" grep -qF -- "--dev_mode" "$tmp/refused"
refused "an idempotency retention under a day" "--idempotency_retention" \
  --listen_address=127.0.0.1:0 "${jwt_flags[@]}" --idempotency_retention=23h
# Without the idempotency secret at all (every other flag as a production start would have).
no_key_flags=()
for flag in "${db_flags[@]}"; do
  case $flag in --idempotency_key_file=*) ;; *) no_key_flags+=("$flag") ;; esac
done
"${clean[@]}" timeout 60 "$server_bin" "${no_key_flags[@]}" --listen_address=127.0.0.1:0 \
  "${jwt_flags[@]}" "${tls_flags[@]}" >"$tmp/refused" 2>&1
rc=$?
check "refused, no idempotency secret: exit 2 (got $rc)" test "$rc" -eq 2
check "refused, no idempotency secret: the message names --idempotency_key_file" \
  grep -qF -- "--idempotency_key_file" "$tmp/refused"
refused "an HS256 secret without --dev_mode" "jwt_hs256_secret_file" \
  --listen_address=127.0.0.1:0 "${jwt_flags[@]}" --jwt_hs256_secret_file="$tmp/jwt-secret"
refused "no issuer or audience" "jwt_audience" --listen_address=127.0.0.1:0 \
  --jwt_keys_file="$tmp/keys.jwks"
refused "reflection without --dev_mode" "--reflection" --listen_address=127.0.0.1:0 \
  "${jwt_flags[@]}" --reflection
refused "the DB password inline and as a file" "db_password_file" \
  --listen_address=127.0.0.1:0 "${jwt_flags[@]}" --db_password=inline
refused "an unknown method in the service ACL" "no method rmhub.team.v1.TeamService/Nope" \
  --listen_address=127.0.0.1:0 "${jwt_flags[@]}" \
  --service_method_acl=customer=rmhub.team.v1.TeamService/Nope
refused "an unreadable database CA" "db_tls_ca_file" --listen_address=127.0.0.1:0 \
  "${jwt_flags[@]}" --db_tls_ca_file="$tmp/missing-ca.pem"
refused "a key set that is not one" "jwt_keys_file" --listen_address=127.0.0.1:0 \
  --jwt_keys_file="$pki/ca.pem" --jwt_issuer=e2e-gateway --jwt_audience=rmhub

# ---------------------------------------------------------------------------------------------
# Production as it should be run: TLS on every interface, RS256 by kid.
start_service team "$server_bin" "${db_flags[@]}" "${jwt_flags[@]}" "${tls_flags[@]}" \
  --listen_address=0.0.0.0:0
require "production server on 0.0.0.0 with TLS started" wait_ports team
addr="127.0.0.1:${E2E_PORT[team]}"
tls=(--addr "$addr" --ca-file "$pki/ca.pem")
require "health over TLS: SERVING" "$ctl" health "${tls[@]}" --wait 60s

token() { "$ctl" token --issuer e2e-gateway --audience rmhub "$@"; }
member=(--member 1 --perms team.admin)
# expect_call "<what>" <exit status> <text in stderr or ""> <token> <rmhubctl args...>
expect_call() {
  local what=$1 want=$2 text=$3 tok=$4
  shift 4
  RMHUB_TOKEN=$tok "$ctl" "${tls[@]}" "$@" >"$tmp/call.out" 2>"$tmp/call.err"
  local rc=$?
  check "$what: exit $want (got $rc)" test "$rc" -eq "$want"
  if [ -n "$text" ]; then check "$what: $text" grep -qF -- "$text" "$tmp/call.err"; fi
}

good=$(token "${member[@]}" --rs256-key-file "$pki/gateway.key" --kid gw-1 --ttl 10m)
expect_call "a gateway token for a member" 0 "" "$good" team list-branches
long=$(token "${member[@]}" --rs256-key-file "$pki/gateway.key" --kid gw-1 --ttl 2h)
expect_call "a token living 2 h (cap 1 h)" 80 TOKEN_LIFETIME_TOO_LONG "$long" team list-branches
unknown=$(token "${member[@]}" --rs256-key-file "$pki/gateway.key" --kid gw-2 --ttl 10m)
expect_call "a kid nobody configured" 80 TOKEN_KEY_UNKNOWN "$unknown" team list-branches
no_aud=$("$ctl" token "${member[@]}" --issuer e2e-gateway --rs256-key-file "$pki/gateway.key" \
  --kid gw-1 --ttl 10m)
expect_call "a token without aud" 80 TOKEN_AUDIENCE_MISMATCH "$no_aud" team list-branches
dev=$("$ctl" token "${member[@]}" --secret-file "$tmp/jwt-secret" --issuer e2e-gateway \
  --audience rmhub --ttl 10m)
expect_call "an HS256 token" 80 TOKEN_ALGORITHM_REJECTED "$dev" team list-branches
forged=$(token --service customer --rs256-key-file "$pki/gateway.key" --kid gw-1 --ttl 10m)
expect_call "the gateway key signing services/customer" 80 TOKEN_SUBJECT_NOT_ALLOWED "$forged" \
  team check-assignment-eligibility member=members/1 rm_kind=PERSONAL
service=$(token --service customer --rs256-key-file "$pki/customer.key" --kid svc-customer-1 \
  --ttl 5m)
RMHUB_TOKEN=$service "$ctl" "${tls[@]}" team check-assignment-eligibility member=members/1 \
  rm_kind=PERSONAL >"$tmp/call.out" 2>"$tmp/call.err"
rc=$?
check "services/customer may ask for eligibility (exit $rc: neither 71 nor 80)" \
  test "$rc" -ne 71 -a "$rc" -ne 80
expect_call "services/customer may not list branches" 71 SERVICE_METHOD_NOT_ALLOWED "$service" \
  team list-branches
RMHUB_TOKEN=$good "$ctl" services "${tls[@]}" >"$tmp/services" 2>&1
check "no reflection in production" test "$?" -ne 0

finish
