#pragma once
// How a service is told whom to trust. Filled from flags / RMHUB_* environment by the caller;
// field errors name the flags below so a bad start-up message points at what to fix.
//
//   dev_mode                   development only: allows the HS256 secret and makes iss/aud
//                              optional (service_main also ties plaintext on non-loopback
//                              addresses and reflection to it). Production leaves it off.
//   jwt_hs256_secret           shared secret (>= 32 bytes), only with dev_mode: whoever holds it
//                              can mint any token.
//   jwt_keys_file              JWK Set of RS256 verification keys, by kid, each with the subjects
//                              it may sign (jwt_key_set.h).
//   jwt_issuer / jwt_audience  required "iss" / an "aud" entry; both must be set outside dev_mode.
//   jwt_leeway                 clock skew tolerated on exp/nbf/iat (0..5 min, default 30 s).
//   jwt_max_lifetime           longest exp − iat accepted (1 min..7 days, default 1 h).
//   service_method_acl         methods each calling service may call (service_method_acl.h).
//
// At least one key is required: there is no configuration that lets every caller in.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt.h"
#include "common/auth/small_file.h"
#include "common/clock/clock.h"

namespace rmhub::auth {

struct AuthConfig {
  bool dev_mode = false;
  std::string jwt_hs256_secret;
  std::string jwt_keys_file;
  std::string jwt_issuer;
  std::string jwt_audience;
  absl::Duration jwt_leeway = absl::Seconds(30);
  absl::Duration jwt_max_lifetime = absl::Hours(1);
  std::string service_method_acl;
};

// What the suite's own services call on each other; the default of --service_method_acl.
inline constexpr char kDefaultServiceMethodAcl[] =
    "customer=rmhub.team.v1.TeamService/CheckAssignmentEligibility,"
    "rmhub.team.v1.TeamService/ListIneligibleHolders,rmhub.team.v1.TeamService/ListTeams,"
    "rmhub.team.v1.TeamService/GetMember,"
    "rmhub.analytics.v1.AnalyticsService/IngestEvents;"
    "team=rmhub.analytics.v1.AnalyticsService/IngestEvents;"
    "task=rmhub.team.v1.TeamService/GetTeam,rmhub.team.v1.TeamService/ListTeamMembers,"
    "rmhub.team.v1.TeamService/BatchGetMembers,rmhub.customer.v1.CustomerService/GetCustomer,"
    "rmhub.analytics.v1.AnalyticsService/IngestEvents;"
    "complaint=rmhub.customer.v1.CustomerService/GetCustomer,rmhub.team.v1.TeamService/GetTeam,"
    "rmhub.team.v1.TeamService/GetMember,rmhub.team.v1.TeamService/ListTeamMembers,"
    "rmhub.team.v1.TeamService/BatchGetMembers,rmhub.task.v1.TaskService/CreateTask,"
    "rmhub.task.v1.TaskService/UpdateTask,rmhub.task.v1.TaskService/BatchGetTasks,"
    "rmhub.analytics.v1.AnalyticsService/IngestEvents";

// INVALID_ARGUMENT naming each bad field. Does not read files.
absl::Status ValidateAuthConfig(const AuthConfig& config);

// The verifier the config describes; reads the public key file.
absl::StatusOr<JwtVerifier> BuildJwtVerifier(const AuthConfig& config, const Clock& clock);

// The JwtAuthenticator the config describes. `clock` must outlive it.
absl::StatusOr<std::unique_ptr<Authenticator>> BuildAuthenticator(const AuthConfig& config,
                                                                  const Clock& clock);

// A secret given inline (--foo) or in a file (--foo_file, read now, trailing newlines dropped).
// Both at once is INVALID_ARGUMENT naming both flags: which one wins would be a guess. Files keep
// secrets out of argv, /proc/<pid>/environ and pod specs.
absl::StatusOr<std::string> SecretFromFlags(const std::string& inline_value,
                                            const std::string& file, const std::string& flag);

}  // namespace rmhub::auth
