// An integrator's first program against the installed rmhub package: it creates a TeamService
// stub, builds a request, and reads RM Hub's error details the way docs/api.md describes.
// No server is needed: creating a channel does not connect.

#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>
#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "rmhub/analytics/v1/analytics.pb.h"
#include "rmhub/common/v1/common.pb.h"
#include "rmhub/team/v1/team.grpc.pb.h"

namespace {

// What a server sends for a stale etag: google.rpc.Status with an ErrorInfo, serialized into
// the grpc-status-details-bin trailer that grpc::Status::error_details() exposes.
grpc::Status StaleEtagStatus() {
  google::rpc::ErrorInfo info;
  info.set_reason("ETAG_MISMATCH");
  info.set_domain("team.rmhub");
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::ABORTED);
  status.set_message("members/42 was changed by someone else");
  status.add_details()->PackFrom(info);
  return grpc::Status(grpc::StatusCode::ABORTED, status.message(), status.SerializeAsString());
}

// The client side of the error model: the ErrorInfo reason, or "" when there is none.
std::string ErrorReason(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

}  // namespace

int main() {
  auto channel = grpc::CreateChannel("127.0.0.1:50051", grpc::InsecureChannelCredentials());
  std::unique_ptr<rmhub::team::v1::TeamService::Stub> stub =
      rmhub::team::v1::TeamService::NewStub(channel);
  if (stub == nullptr) return 1;

  rmhub::team::v1::ListMembersRequest request;
  request.set_page_size(20);
  request.set_filter("role = TEAM_LEAD AND status = ACTIVE");
  std::cout << "ListMembersRequest {\n" << request.DebugString() << "}\n";

  rmhub::common::v1::Money money;
  money.set_currency_code("CNY");
  money.set_minor_units(1234500);
  rmhub::analytics::v1::IngestEventsRequest ingest;
  ingest.add_events()->set_event_id("00000000-0000-4000-8000-000000000001");
  std::cout << "money: " << money.ShortDebugString() << "\n"
            << "events: " << ingest.events_size() << "\n"
            << "error reason: " << ErrorReason(StaleEtagStatus()) << "\n";
  return 0;
}
