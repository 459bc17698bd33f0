#pragma once
// Which methods each calling service may call. Service principals carry no roles, so the
// service logic lets them far (a service reads every customer and member); this list keeps each
// to what it needs: the customer service asks the team service for assignment eligibility, and
// nothing else. A service principal calling a method not listed for it is PERMISSION_DENIED
// before any handler runs (JwtAuthenticator).
//
// Text form (--service_method_acl), entries separated by ";" or newlines:
//   customer=rmhub.team.v1.TeamService/CheckAssignmentEligibility,rmhub.analytics.v1.AnalyticsService/IngestEvents;
//   seed=rmhub.team.v1.TeamService/*
// A method is "<package>.<Service>/<Method>" (gRPC's path without the leading "/") or
// "<package>.<Service>/*" for every method of that service.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rmhub::auth {

class ServiceMethodAcl {
 public:
  // INVALID_ARGUMENT naming `field` and the bad entry.
  static absl::StatusOr<ServiceMethodAcl> Parse(absl::string_view text, const std::string& field);

  // `full_method` as gRPC names it ("/pkg.Service/Method"; the leading "/" is optional).
  bool Allows(absl::string_view service, absl::string_view full_method) const;
  // Every "<package>.<Service>/<Method or *>" named, for checks against the linked protos.
  std::set<std::string> Methods() const;

 private:
  std::map<std::string, std::set<std::string>, std::less<>> allowed_;
};

}  // namespace rmhub::auth
