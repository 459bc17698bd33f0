#include "services/task/directory.h"

#include <grpcpp/channel.h>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/status/errors.h"

namespace rmhub::task {
namespace {

using grpcx::PeerError;

constexpr int kMembersPerBatch = 200;

}  // namespace

GrpcDirectory::GrpcDirectory(grpcx::PeerCaller team, grpcx::PeerCaller customer)
    : team_(std::move(team)),
      customer_(std::move(customer)),
      team_stub_(team::v1::TeamService::NewStub(team_.channel())),
      customer_stub_(customer::v1::CustomerService::NewStub(customer_.channel())) {}

absl::StatusOr<TeamFacts> GrpcDirectory::GetTeam(int64_t team_id, const auth::Caller& call) {
  team::v1::GetTeamRequest request;
  request.set_name(api::FormatName("teams", team_id));
  team::v1::Team response;
  absl::Status s = team_.Read(call, [&](grpc::ClientContext& ctx) {
    response.Clear();
    return team_stub_->GetTeam(&ctx, request, &response);
  });
  if (!s.ok()) {
    return PeerError(s, "TEAM", "TEAM_NOT_FOUND",
                     absl::StrCat(request.name(), " is not known to the team service"));
  }
  TeamFacts f;
  f.team_id = team_id;
  f.branch_id = api::IdOf(response.branch(), "branches");
  f.leader_id = response.leader().empty() ? 0 : api::IdOf(response.leader(), "members");
  return f;
}

absl::StatusOr<std::vector<team::v1::Member>> GrpcDirectory::GetMembers(
    const std::vector<int64_t>& ids, const auth::Caller& call) {
  std::vector<team::v1::Member> out;
  for (size_t begin = 0; begin < ids.size(); begin += kMembersPerBatch) {
    team::v1::BatchGetMembersRequest request;
    for (size_t i = begin; i < ids.size() && i < begin + kMembersPerBatch; ++i) {
      request.add_names(api::FormatName("members", ids[i]));
    }
    team::v1::BatchGetMembersResponse response;
    absl::Status s = team_.Read(call, [&](grpc::ClientContext& ctx) {
      response.Clear();
      return team_stub_->BatchGetMembers(&ctx, request, &response);
    });
    if (!s.ok()) {
      return PeerError(s, "TEAM", "MEMBER_NOT_FOUND",
                       "a member named is not known to the team service");
    }
    for (auto& m : *response.mutable_members()) out.push_back(std::move(m));
  }
  return out;
}

absl::StatusOr<std::vector<team::v1::Member>> GrpcDirectory::TeamMembers(int64_t team_id,
                                                                         const auth::Caller& call) {
  std::vector<int64_t> ids;
  team::v1::ListTeamMembersRequest request;
  request.set_team(api::FormatName("teams", team_id));
  request.set_page_size(500);
  do {
    team::v1::ListTeamMembersResponse response;
    absl::Status s = team_.Read(call, [&](grpc::ClientContext& ctx) {
      response.Clear();
      return team_stub_->ListTeamMembers(&ctx, request, &response);
    });
    if (!s.ok()) {
      return PeerError(s, "TEAM", "TEAM_NOT_FOUND",
                       absl::StrCat(request.team(), " is not known to the team service"));
    }
    for (const auto& m : response.memberships()) ids.push_back(api::IdOf(m.member(), "members"));
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  if (ids.empty()) return std::vector<team::v1::Member>{};
  return GetMembers(ids, call);
}

absl::StatusOr<std::optional<customer::v1::Customer>> GrpcDirectory::GetCustomer(
    int64_t customer_id, const auth::Caller& call) {
  customer::v1::GetCustomerRequest request;
  request.set_name(api::FormatName("customers", customer_id));
  customer::v1::Customer response;
  absl::Status s = customer_.Read(call, [&](grpc::ClientContext& ctx) {
    response.Clear();
    return customer_stub_->GetCustomer(&ctx, request, &response);
  });
  if (s.code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!s.ok()) {
    return PeerError(s, "CUSTOMER", "CUSTOMER_NOT_FOUND",
                     absl::StrCat(request.name(), " is not known to the customer service"));
  }
  return response;
}

}  // namespace rmhub::task
