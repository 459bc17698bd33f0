#pragma once
// Who may hold a customer (管户): the kind of relationship manager a customer needs, the caps
// (400 customers for a personal RM, 15 key accounts for a corporate RM, per branch from the team
// service), and the plan of a handover (交接). The caps are checked here against counts read
// under the manager's row lock (services/customer/repository.h LockManager), so the decision and
// the write happen in one transaction.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "rmhub/customer/v1/customer.pb.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::customer {

struct Holdings;  // repository.h

// RETAIL and PRIVATE_BANKING customers need a PERSONAL RM, CORPORATE ones a CORPORATE RM.
team::v1::RmKind RequiredRmKind(v1::CustomerType type);

// What the team service said about a manager (CheckAssignmentEligibility), with ids parsed.
struct ManagerFacts {
  int64_t member_id = 0;
  team::v1::RmKind kind = team::v1::RM_KIND_UNSPECIFIED;  // the kind asked for
  bool eligible = false;
  std::string ineligible_reason;
  int cap = 0;
  int64_t branch_id = 0;
  int64_t home_team_id = 0;
};

// FAILED_PRECONDITION MANAGER_NOT_ELIGIBLE with the team service's reason.
absl::Status CheckEligible(const ManagerFacts& manager);

// FAILED_PRECONDITION ASSIGNMENT_CAP_REACHED (metadata: cap, held) when one more customer would
// exceed the cap that applies to this customer for this manager.
absl::Status CheckCapacity(const v1::Customer& customer, const ManagerFacts& manager,
                           int held_customers, int held_key_accounts);

// The cap compared with the holdings after a change (customers and key accounts the manager
// would hold with it, `before` without): FAILED_PRECONDITION ASSIGNMENT_CAP_REACHED when the
// counted quantity (customers for a personal RM, key accounts for a corporate one) rises above
// the cap. A change that does not raise it always passes: flagging a held customer as a key
// account adds a key account, not a customer, so a personal RM at exactly the cap may flag one.
absl::Status CheckHoldingsAfter(const ManagerFacts& manager, int customers_before,
                                int key_accounts_before, int customers_after,
                                int key_accounts_after);

// Does this customer count against the manager's cap?
bool CountsAgainstCap(const v1::Customer& customer, team::v1::RmKind kind);

struct HandoverCandidate {
  ManagerFacts facts;  // eligibility per kind is asked per customer kind
  int held_customers = 0;
  int held_key_accounts = 0;
};

struct Placement {
  int64_t customer_id = 0;
  // Index into the candidates, or -1 when the customer could not be placed.
  int target = -1;
  std::string error;
};

// Places customers on receivers in turn (round robin), skipping a receiver that is not eligible
// for the customer's kind or is full. `candidates_for_kind(kind)` gives the receivers' facts for
// that kind. Holdings are updated as customers are placed, so the plan itself respects the caps.
std::vector<Placement> PlanHandover(const std::vector<v1::Customer>& customers,
                                    const std::vector<int64_t>& customer_ids,
                                    std::vector<HandoverCandidate>& personal,
                                    std::vector<HandoverCandidate>& corporate);

}  // namespace rmhub::customer
