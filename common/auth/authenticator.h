#pragma once
// Turns the credentials of an incoming call into a Principal, or UNAUTHENTICATED.

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"

namespace rmhub::auth {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // No credentials, or credentials that do not verify → UNAUTHENTICATED with a reason.
  virtual absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context) const = 0;
};

}  // namespace rmhub::auth
