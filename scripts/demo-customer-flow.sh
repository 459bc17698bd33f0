#!/usr/bin/env bash
# The customer book end to end against the local stack (scripts/up.sh), through rmhubctl only:
# the branch manager creates key accounts and assigns them to a corporate relationship manager
# until the key-account cap refuses one, transfers one to a colleague; the manager logs a visit
# with a follow-up due today and finds it in their care reminders.
#   scripts/demo-customer-flow.sh [manager member id, default 8] [colleague, default 9]
# Each run creates new customers (fresh credit codes): run it on a freshly seeded stack to see the
# cap reached at the first pass; once the manager is full, every assignment is refused.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ctl=$root/build-release/tools/rmhubctl/rmhubctl
secret=$root/.run/secrets/jwt-dev-secret
manager=${1:-8}
colleague=${2:-9}
if [ ! -x "$ctl" ] || [ ! -s "$secret" ]; then echo "run scripts/up.sh first" >&2; exit 1; fi
export RMHUB_ADDR=127.0.0.1:50052

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ rmhubctl %s\n' "$*" >&2; "$ctl" "$@"; }

# A unified social credit code (统一社会信用代码) with a valid check character (GB 32100-2015).
credit_code() {
  local chars=0123456789ABCDEFGHJKLMNPQRTUWXY weights=(1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28)
  local body sum=0 i c
  body=$(printf '913101%011d' "$(( (RANDOM << 15 | RANDOM) % 100000000000 ))")
  for ((i = 0; i < 17; i++)); do
    c=${body:i:1}
    local prefix=${chars%%"$c"*}
    sum=$((sum + ${#prefix} * weights[i]))
  done
  printf '%s%s\n' "$body" "${chars:$(((31 - sum % 31) % 31)):1}"
}

bm=$("$ctl" token --member 1 --roles BRANCH_MANAGER --branch 1 --secret-file "$secret") || exit 1
rm=$("$ctl" token --member "$manager" --roles RELATIONSHIP_MANAGER --branch 1 --secret-file "$secret") || exit 1

export RMHUB_TOKEN=$bm
step "members/$manager's book before (as the branch manager)"
show customer get-portfolio-summary "manager=members/$manager" | grep -E '^(customer_count|key_account_count|cap|cap_used) '

step "the branch manager creates 6 key accounts"
ids=()
for i in 1 2 3 4 5 6; do
  out=$("$ctl" customer create-customer customer.type=CORPORATE customer.key_account=true \
    "customer.display_name=Demo Flow Trading Co. $i (demo)" customer.industry=Wholesale \
    "customer.credit_code=$(credit_code)") || { echo "$out"; exit 1; }
  ids+=("$(awk '$1 == "name" {print $2}' <<<"$out")")
done
echo "created ${ids[*]}"

step "assign them to members/$manager until the key-account cap refuses"
for id in "${ids[@]}"; do
  if "$ctl" customer assign-customer "customer=$id" "manager=members/$manager" reason="new key account" >/dev/null 2>"$root/.run/flow.err"; then
    echo "$id assigned"
  else
    echo "$id refused:"; sed 's/^/    /' "$root/.run/flow.err"
  fi
done

step "transfer ${ids[0]} to members/$colleague"
show customer transfer-customer "customer=${ids[0]}" "to_manager=members/$colleague" reason=rebalancing |
  grep -E '^(customer.owner|record.kind|record.from_owner|record.to_owner) '

today=$(TZ=Asia/Shanghai date +%F)
export RMHUB_TOKEN=$rm
step "members/$manager logs a visit to ${ids[1]} with a follow-up due today ($today, Asia/Shanghai)"
show customer log-interaction "parent=${ids[1]}" interaction.channel=VISIT \
  "interaction.summary=annual credit review" "interaction.next_follow_up_date=$today" |
  grep -E '^(name|channel|next_follow_up_date) '

step "members/$manager's care reminders: the follow-up is there"
show customer list-care-reminders "manager=members/$manager" --columns kind,customer,date |
  grep -E "^KIND|${ids[1]} "
