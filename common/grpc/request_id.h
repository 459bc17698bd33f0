#pragma once
// Request ids: every call carries one in `x-request-id` metadata, so the access log, handler logs
// and outgoing calls to other services can be joined. The server interceptor
// (common/metrics/grpc_server_interceptor.h) keeps a client's id when it is a plain token and
// replaces it with a fresh one otherwise, so an id is always safe to log.

#include <string>

#include "absl/strings/string_view.h"

namespace rmhub::grpcx {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// A fresh request id: 32 hex digits.
std::string NewRequestId();

// Whether a client's request id is safe to log and pass on: 1..128 of [A-Za-z0-9._:-].
bool IsAcceptableRequestId(absl::string_view id);

}  // namespace rmhub::grpcx
