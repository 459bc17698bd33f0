#include "common/grpc/handler.h"

#include <chrono>

#include "absl/time/clock.h"
#include "common/grpc/request_id.h"
#include "common/log/log.h"
#include "common/status/errors.h"

namespace rmhub::grpcx::internal {

grpc::Status RejectIfFinished(const grpc::ServerContextBase& ctx) {
  // The deadline is compared too: gRPC's own timer may not have fired yet.
  if (DeadlineOf(ctx) <= absl::Now()) {
    return ToGrpcStatus(DeadlineExceeded("DEADLINE_EXCEEDED", "deadline passed before handling"));
  }
  if (ctx.IsCancelled()) {
    return ToGrpcStatus(
        MakeError(absl::StatusCode::kCancelled, "CANCELLED", "call cancelled by the client"));
  }
  return grpc::Status::OK;
}

grpc::Status AuthenticationFailed(const absl::Status& status) {
  // PERMISSION_DENIED: a service calling a method it is not allowed (ServiceMethodAcl).
  if (status.code() == absl::StatusCode::kUnauthenticated ||
      status.code() == absl::StatusCode::kPermissionDenied ||
      status.code() == absl::StatusCode::kUnavailable) {
    return ToGrpcStatus(status);
  }
  // Any other failure still must not let the call through, and must not suggest it might.
  std::string reason = ErrorReason(status);
  return ToGrpcStatus(Unauthenticated(reason.empty() ? "AUTHENTICATION_FAILED" : reason,
                                      std::string(status.message())));
}

std::string RequestIdOf(const grpc::ServerContextBase& ctx) {
  auto it = ctx.client_metadata().find(kRequestIdHeader);
  if (it == ctx.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

absl::Time DeadlineOf(const grpc::ServerContextBase& ctx) {
  std::chrono::system_clock::time_point deadline = ctx.deadline();
  // gRPC reports "no deadline" as the largest time_point.
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

grpc::Status HandlerThrew(const grpc::ServerContextBase& ctx, const char* type_name) {
  log::Error("handler threw", {{"exception_type", type_name}, {"request_id", RequestIdOf(ctx)}});
  return ToGrpcStatus(Internal("UNHANDLED_EXCEPTION", "internal error"));
}

}  // namespace rmhub::grpcx::internal
