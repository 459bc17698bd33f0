#pragma once
// Routing and recusal (回避, DOMAIN.md §5): where a complaint goes and who may handle it.
// Pure: the service loads the facts (owning team, leads, members) from the team and customer
// services and hands them in.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rmhub/complaint/v1/complaint.pb.h"

namespace rmhub::complaint {

// Who is recused from a complaint: the manager complained about and that person's direct team
// lead(s) (the leads of the teams the manager belongs to). Empty when nobody is complained about.
struct Recusal {
  std::string complained_about;               // "members/{id}" or ""
  std::vector<std::string> complained_leads;  // "members/{id}"
};

// FAILED_PRECONDITION RECUSAL naming who and why. Applies at assignment, reassignment and
// escalation alike.
absl::Status CheckRecusal(const std::string& handler, const Recusal& recusal);

// The routing decision's inputs.
struct RoutingFacts {
  v1::Category category = v1::CATEGORY_UNSPECIFIED;
  std::string customer_owning_team;  // "teams/{id}" of the customer's owner
  std::string compliance_team;       // "teams/{id}" of the compliance (BACK_OFFICE) team
  std::string requested_team;        // from the request, or ""
  std::string requested_handler;     // from the request, or ""
};

// Where it goes: the requested team, else compliance for VIOLATION, else the customer's owning
// team. FAILED_PRECONDITION NO_TEAM when that team is unknown (no owner, no compliance team
// configured).
absl::StatusOr<std::string> ChooseTeam(const RoutingFacts& facts);

// The chosen team's people, as the team service reports them.
struct TeamFacts {
  std::string lead;                         // "members/{id}" or ""
  std::vector<std::string> active_members;  // ranked best first (the lead may be among them)
};

// Who handles it: the requested handler (must be an active member of the team,
// FAILED_PRECONDITION HANDLER_NOT_IN_TEAM; recusal is never silently overridden), else the team's
// lead, else — when the lead is recused or missing — the first active member who is not recused;
// FAILED_PRECONDITION NO_ELIGIBLE_HANDLER when nobody is left.
absl::StatusOr<std::string> ChooseHandler(const std::string& requested_handler,
                                          const TeamFacts& team, const Recusal& recusal);

}  // namespace rmhub::complaint
