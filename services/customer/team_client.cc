#include "services/customer/team_client.h"

#include <grpcpp/channel.h>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/status/errors.h"

namespace rmhub::customer {

GrpcTeamDirectory::GrpcTeamDirectory(grpcx::PeerCaller peer)
    : peer_(std::move(peer)), stub_(team::v1::TeamService::NewStub(peer_.channel())) {}

ManagerFacts FactsFrom(int64_t member_id, team::v1::RmKind kind,
                       const team::v1::CheckAssignmentEligibilityResponse& r) {
  ManagerFacts f;
  f.member_id = member_id;
  f.kind = kind;
  f.eligible = r.eligible();
  f.ineligible_reason = r.reason_message();
  f.cap = r.cap();
  auto branch = api::ParseName(r.branch(), "branches", "branch");
  f.branch_id = branch.ok() ? *branch : 0;
  auto team = api::ParseName(r.home_team(), "teams", "home_team");
  f.home_team_id = team.ok() ? *team : 0;
  return f;
}

absl::StatusOr<std::vector<int64_t>> GrpcTeamDirectory::LedTeams(int64_t member_id,
                                                                 const auth::Caller& call) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = led_.find(member_id);
    if (it != led_.end() && it->second.first > now) return it->second.second;
  }
  std::vector<int64_t> teams;
  team::v1::ListTeamsRequest request;
  request.set_filter(absl::StrCat("leader = \"members/", member_id, "\""));
  request.set_page_size(500);
  do {
    team::v1::ListTeamsResponse response;
    absl::Status s = peer_.Read(call, [&](grpc::ClientContext& ctx) {
      response.Clear();
      return stub_->ListTeams(&ctx, request, &response);
    });
    if (!s.ok()) {
      return Unavailable("TEAM_SERVICE_UNAVAILABLE",
                         "the team service did not say which teams the caller leads");
    }
    for (const auto& t : response.teams()) {
      auto id = api::ParseName(t.name(), "teams", "name");
      if (id.ok()) teams.push_back(*id);
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  absl::MutexLock lock(&mu_);
  led_[member_id] = {now + led_teams_ttl_, teams};
  return teams;
}

absl::StatusOr<ManagerFacts> GrpcTeamDirectory::CheckEligibility(int64_t member_id,
                                                                 team::v1::RmKind kind,
                                                                 const auth::Caller& call) {
  team::v1::CheckAssignmentEligibilityRequest request;
  request.set_member(api::FormatName("members", member_id));
  request.set_rm_kind(kind);
  team::v1::CheckAssignmentEligibilityResponse response;
  // A read, so it is sent again when the team service sheds it or restarts.
  absl::Status s = peer_.Read(call, [&](grpc::ClientContext& ctx) {
    response.Clear();
    return stub_->CheckAssignmentEligibility(&ctx, request, &response);
  });
  if (s.ok()) return FactsFrom(member_id, kind, response);
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
      return FailedPrecondition(
          "MANAGER_NOT_FOUND",
          absl::StrCat("members/", member_id, " is not known to the team service"));
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return Unavailable("TEAM_SERVICE_UNAVAILABLE",
                         "the team service did not answer; nothing was assigned");
    default:
      // Anything else is our bug or theirs: report it as it came, reason included.
      return s;
  }
}

}  // namespace rmhub::customer
