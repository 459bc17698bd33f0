#pragma once
// Who calls and what the call carries: the one request context every service's logic takes
// (`FooService::Method(const Caller&, const Request&)`). Plain data, no gRPC: the handler wrapper
// (common/grpc/handler.h) fills it, tests build it with plain arguments, and peer calls
// (common/grpc/peer_call.h) carry its deadline and request id on to other services.

#include <string>

#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace rmhub::auth {

struct Caller {
  const Principal& principal;
  // The client's deadline; absl::InfiniteFuture() when it set none.
  absl::Time deadline = absl::InfiniteFuture();
  // The call's `x-request-id` (the server interceptor sets one on every call); "" in tests.
  std::string request_id;
};

}  // namespace rmhub::auth
