#pragma once
// Finds services and methods in the descriptors compiled into rmhubctl, so that every RPC of
// every linked proto package is callable without code written for it. A service is known by a
// short alias ("team") or its full name ("rmhub.team.v1.TeamService"); a method by its proto name
// or in kebab-case ("get-member").

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace rmhub::ctl {

// An RM Hub area and where the local stack (scripts/up.sh) serves it: one per row of
// services/registry.txt, in its order.
struct KnownArea {
  std::string alias;            // "team"
  std::string service;          // "rmhub.team.v1.TeamService"
  std::string default_address;  // "127.0.0.1:50051"
};
const std::vector<KnownArea>& KnownAreas();

// The known areas whose service descriptors are present in `pool`.
std::vector<const google::protobuf::ServiceDescriptor*> AvailableServices(
    const google::protobuf::DescriptorPool& pool);

// NOT_FOUND naming the available services when `name` resolves to nothing.
absl::StatusOr<const google::protobuf::ServiceDescriptor*> FindService(
    absl::string_view name, const google::protobuf::DescriptorPool& pool);

// Matches ignoring case, '-' and '_': GetMember, get-member, get_member, getmember.
absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(
    const google::protobuf::ServiceDescriptor& service, absl::string_view name);

// The short alias of a service ("team"), or its full name when it has none.
std::string AliasOf(const google::protobuf::ServiceDescriptor& service);

// Where the local stack serves `service`; for a service without a known port, where it serves the
// first one the registry builds (team, 127.0.0.1:50051).
std::string DefaultAddress(const google::protobuf::ServiceDescriptor* service);

// "/rmhub.team.v1.TeamService/GetMember", the HTTP/2 path of the call.
std::string MethodPath(const google::protobuf::MethodDescriptor& method);

// "GetMember" → "get-member".
std::string KebabCase(absl::string_view camel);

}  // namespace rmhub::ctl
