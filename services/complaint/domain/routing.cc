#include "services/complaint/domain/routing.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace rmhub::complaint {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

absl::Status CheckRecusal(const std::string& handler, const Recusal& recusal) {
  if (recusal.complained_about.empty()) return absl::OkStatus();
  if (handler == recusal.complained_about) {
    return FailedPrecondition("RECUSAL",
                              absl::StrCat(handler,
                                           " is the manager complained about and may not handle "
                                           "the complaint"));
  }
  if (Contains(recusal.complained_leads, handler)) {
    return FailedPrecondition(
        "RECUSAL", absl::StrCat(handler, " is the direct team lead of ", recusal.complained_about,
                                ", who is complained about, and may not handle the "
                                "complaint"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ChooseTeam(const RoutingFacts& facts) {
  if (!facts.requested_team.empty()) return facts.requested_team;
  if (facts.category == v1::VIOLATION) {
    if (facts.compliance_team.empty()) {
      return FailedPrecondition("NO_TEAM",
                                "VIOLATION complaints go to compliance, and no compliance team "
                                "is configured");
    }
    return facts.compliance_team;
  }
  if (facts.customer_owning_team.empty()) {
    return FailedPrecondition("NO_TEAM", "the customer has no owning team; name a handler_team");
  }
  return facts.customer_owning_team;
}

absl::StatusOr<std::string> ChooseHandler(const std::string& requested_handler,
                                          const TeamFacts& team, const Recusal& recusal) {
  if (!requested_handler.empty()) {
    if (requested_handler != team.lead && !Contains(team.active_members, requested_handler)) {
      return FailedPrecondition(
          "HANDLER_NOT_IN_TEAM",
          absl::StrCat(requested_handler, " is not an active member of the handling team"));
    }
    absl::Status s = CheckRecusal(requested_handler, recusal);
    if (!s.ok()) return s;
    return requested_handler;
  }
  if (!team.lead.empty() && CheckRecusal(team.lead, recusal).ok()) return team.lead;
  for (const std::string& m : team.active_members) {
    if (CheckRecusal(m, recusal).ok()) return m;
  }
  return FailedPrecondition("NO_ELIGIBLE_HANDLER",
                            "every active member of the team is recused from this complaint");
}

}  // namespace rmhub::complaint
