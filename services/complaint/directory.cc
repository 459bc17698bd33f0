#include "services/complaint/directory.h"

#include <grpcpp/channel.h>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/status/errors.h"
#include "google/protobuf/field_mask.pb.h"

namespace rmhub::complaint {

using grpcx::PeerError;

GrpcDirectory::GrpcDirectory(grpcx::PeerCaller customer, grpcx::PeerCaller team,
                             grpcx::PeerCaller task)
    : customer_(std::move(customer)),
      team_(std::move(team)),
      task_(std::move(task)),
      customer_stub_(customer::v1::CustomerService::NewStub(customer_.channel())),
      team_stub_(team::v1::TeamService::NewStub(team_.channel())),
      task_stub_(task::v1::TaskService::NewStub(task_.channel())) {}

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

absl::StatusOr<team::v1::Team> GrpcDirectory::GetTeam(int64_t team_id, const auth::Caller& call) {
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
  return response;
}

absl::StatusOr<team::v1::Member> GrpcDirectory::GetMember(int64_t member_id,
                                                          const auth::Caller& call) {
  team::v1::GetMemberRequest request;
  request.set_name(api::FormatName("members", member_id));
  team::v1::Member response;
  absl::Status s = team_.Read(call, [&](grpc::ClientContext& ctx) {
    response.Clear();
    return team_stub_->GetMember(&ctx, request, &response);
  });
  if (!s.ok()) {
    return PeerError(s, "TEAM", "MEMBER_NOT_FOUND",
                     absl::StrCat(request.name(), " is not known to the team service"));
  }
  return response;
}

absl::StatusOr<std::vector<team::v1::Member>> GrpcDirectory::TeamMembers(int64_t team_id,
                                                                         const auth::Caller& call) {
  std::vector<std::string> names;
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
    for (const auto& m : response.memberships()) names.push_back(m.member());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  std::vector<team::v1::Member> out;
  constexpr size_t kPerBatch = 200;
  for (size_t begin = 0; begin < names.size(); begin += kPerBatch) {
    team::v1::BatchGetMembersRequest batch;
    for (size_t i = begin; i < names.size() && i < begin + kPerBatch; ++i) {
      batch.add_names(names[i]);
    }
    team::v1::BatchGetMembersResponse response;
    absl::Status s = team_.Read(call, [&](grpc::ClientContext& ctx) {
      response.Clear();
      return team_stub_->BatchGetMembers(&ctx, batch, &response);
    });
    if (!s.ok()) {
      return PeerError(s, "TEAM", "MEMBER_NOT_FOUND",
                       "a member of the team is not known to the team service");
    }
    for (auto& m : *response.mutable_members()) out.push_back(std::move(m));
  }
  return out;
}

absl::StatusOr<std::string> GrpcDirectory::CreateTask(const task::v1::Task& task,
                                                      const std::string& request_id,
                                                      const auth::Caller& call) {
  task::v1::CreateTaskRequest request;
  *request.mutable_task() = task;
  request.set_request_id(request_id);
  task::v1::Task response;
  absl::Status s = task_.Write(call, [&](grpc::ClientContext& ctx) {
    response.Clear();
    return task_stub_->CreateTask(&ctx, request, &response);
  });
  if (!s.ok()) return PeerError(s, "TASK", "TASK_NOT_CREATED", std::string(s.message()));
  return response.name();
}

absl::Status GrpcDirectory::ReassignTask(const std::string& task, const std::string& assignee,
                                         const std::string& request_id, const auth::Caller& call) {
  task::v1::UpdateTaskRequest request;
  request.mutable_task()->set_name(task);
  request.mutable_task()->add_assignees(assignee);
  request.mutable_update_mask()->add_paths("assignees");
  request.set_request_id(request_id);
  task::v1::Task response;
  absl::Status s = task_.Write(call, [&](grpc::ClientContext& ctx) {
    response.Clear();
    return task_stub_->UpdateTask(&ctx, request, &response);
  });
  if (!s.ok()) {
    return PeerError(s, "TASK", "TASK_NOT_FOUND",
                     absl::StrCat(task, " is not known to the task service"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<task::v1::Task>> GrpcDirectory::GetTasks(
    const std::vector<std::string>& names, const auth::Caller& call) {
  task::v1::BatchGetTasksRequest request;
  for (const std::string& n : names) request.add_names(n);
  task::v1::BatchGetTasksResponse response;
  absl::Status s = task_.Read(call, [&](grpc::ClientContext& ctx) {
    response.Clear();
    return task_stub_->BatchGetTasks(&ctx, request, &response);
  });
  if (!s.ok()) return PeerError(s, "TASK", "TASK_NOT_FOUND", "a linked task is not known");
  return std::vector<task::v1::Task>(response.tasks().begin(), response.tasks().end());
}

}  // namespace rmhub::complaint
