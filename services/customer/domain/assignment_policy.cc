#include "services/customer/domain/assignment_policy.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::customer {

team::v1::RmKind RequiredRmKind(v1::CustomerType type) {
  return type == v1::CORPORATE ? team::v1::CORPORATE : team::v1::PERSONAL;
}

absl::Status CheckEligible(const ManagerFacts& m) {
  if (m.eligible) return absl::OkStatus();
  return FailedPrecondition(
      "MANAGER_NOT_ELIGIBLE",
      absl::StrCat("members/", m.member_id, " may not hold this customer: ", m.ineligible_reason));
}

bool CountsAgainstCap(const v1::Customer& customer, team::v1::RmKind kind) {
  // A personal RM's cap counts every customer; a corporate RM's only key accounts.
  return kind == team::v1::PERSONAL || customer.key_account();
}

absl::Status CheckHoldingsAfter(const ManagerFacts& m, int customers_before,
                                int key_accounts_before, int customers_after,
                                int key_accounts_after) {
  const bool personal = m.kind == team::v1::PERSONAL;
  const int before = personal ? customers_before : key_accounts_before;
  const int after = personal ? customers_after : key_accounts_after;
  if (after <= before || after <= m.cap) return absl::OkStatus();
  absl::Status s = FailedPrecondition(
      "ASSIGNMENT_CAP_REACHED",
      absl::StrCat("members/", m.member_id, " already holds ", before, " of at most ", m.cap,
                   personal ? " customers" : " key accounts"));
  s = WithErrorMetadata(std::move(s), "cap", absl::StrCat(m.cap));
  return WithErrorMetadata(std::move(s), "held", absl::StrCat(before));
}

absl::Status CheckCapacity(const v1::Customer& customer, const ManagerFacts& m, int held_customers,
                           int held_key_accounts) {
  if (!CountsAgainstCap(customer, m.kind)) return absl::OkStatus();
  return CheckHoldingsAfter(m, held_customers, held_key_accounts, held_customers + 1,
                            held_key_accounts + (customer.key_account() ? 1 : 0));
}

namespace {

bool TryPlace(const v1::Customer& c, HandoverCandidate& cand) {
  if (!cand.facts.eligible) return false;
  if (!CheckCapacity(c, cand.facts, cand.held_customers, cand.held_key_accounts).ok()) return false;
  ++cand.held_customers;
  if (c.key_account()) ++cand.held_key_accounts;
  return true;
}

}  // namespace

std::vector<Placement> PlanHandover(const std::vector<v1::Customer>& customers,
                                    const std::vector<int64_t>& ids,
                                    std::vector<HandoverCandidate>& personal,
                                    std::vector<HandoverCandidate>& corporate) {
  std::vector<Placement> plan;
  size_t next_personal = 0, next_corporate = 0;
  for (size_t i = 0; i < customers.size(); ++i) {
    const v1::Customer& c = customers[i];
    bool is_personal = RequiredRmKind(c.type()) == team::v1::PERSONAL;
    auto& cands = is_personal ? personal : corporate;
    size_t& next = is_personal ? next_personal : next_corporate;
    Placement p{ids[i], -1, ""};
    for (size_t tried = 0; tried < cands.size(); ++tried) {
      size_t k = (next + tried) % cands.size();
      if (TryPlace(c, cands[k])) {
        p.target = static_cast<int>(k);
        next = k + 1;
        break;
      }
    }
    if (p.target < 0) {
      p.error = cands.empty() ? "no receiver may hold this kind of customer"
                              : "every eligible receiver is at its cap";
    }
    plan.push_back(std::move(p));
  }
  return plan;
}

}  // namespace rmhub::customer
