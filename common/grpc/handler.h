#pragma once
// The one wrapper every RPC handler goes through:
//
//   grpc::Status TeamGrpcService::GetMember(grpc::ServerContext* ctx, const GetMemberRequest* req,
//                                           Member* resp) {
//     return grpcx::ServeUnary(ctx, authn_, resp, [&](const auth::Caller& caller) {
//       return service_.GetMember(caller, *req);   // absl::StatusOr<Member>
//     });
//   }
//
// Serve: a call that is already cancelled or past its deadline is answered CANCELLED /
// DEADLINE_EXCEEDED without running the handler (the client has gone; work would be wasted).
// Then the caller is authenticated (failure → UNAUTHENTICATED, PERMISSION_DENIED for a service
// calling a method not allowed for it, or UNAVAILABLE when the authenticator itself cannot work),
// the handler runs, and its absl::Status becomes the grpc::Status through ToGrpcStatus. An
// exception escaping the handler becomes INTERNAL and is logged by type only (its message may carry
// data), so a bug fails one call, not the process.

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include <exception>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/authenticator.h"
#include "common/auth/caller.h"
#include "common/auth/principal.h"
#include "common/grpc/call_queue.h"
#include "common/grpc/status_mapping.h"

namespace rmhub::grpcx {

// What a handler is given: the authenticated caller, its deadline and request id.
using CallContext = auth::Caller;

namespace internal {

// CANCELLED or DEADLINE_EXCEEDED for a call that is over before its handler started; OK otherwise.
grpc::Status RejectIfFinished(const grpc::ServerContextBase& ctx);
// The status for a failed authentication (see the header comment).
grpc::Status AuthenticationFailed(const absl::Status& status);
std::string RequestIdOf(const grpc::ServerContextBase& ctx);
absl::Time DeadlineOf(const grpc::ServerContextBase& ctx);
// Logs an escaped exception (type only) and returns INTERNAL.
grpc::Status HandlerThrew(const grpc::ServerContextBase& ctx, const char* type_name);

// Handlers may take the whole CallContext or just the Principal.
template <class Fn>
decltype(auto) InvokeHandler(Fn& fn, const CallContext& call) {
  if constexpr (std::is_invocable_v<Fn&, const CallContext&>) {
    return fn(call);
  } else {
    return fn(call.principal);
  }
}

}  // namespace internal

// `fn(const CallContext&)` returns absl::Status.
template <class Fn>
grpc::Status Serve(grpc::ServerContextBase* ctx, const auth::Authenticator& authn, Fn&& fn) {
  try {
    grpc::Status finished = internal::RejectIfFinished(*ctx);
    if (!finished.ok()) return finished;
    absl::StatusOr<auth::Principal> principal = authn.Authenticate(*ctx);
    if (!principal.ok()) return internal::AuthenticationFailed(principal.status());
    const CallContext call{*principal, internal::DeadlineOf(*ctx), internal::RequestIdOf(*ctx)};
    return ToGrpcStatus(internal::InvokeHandler(fn, call));
  } catch (const std::exception& e) {
    return internal::HandlerThrew(*ctx, typeid(e).name());
  } catch (...) {
    return internal::HandlerThrew(*ctx, "non-std exception");
  }
}

// For unary methods whose logic returns absl::StatusOr<Response>: `fn(const CallContext&)` or
// `fn(const auth::Principal&)`. The value is moved into `*response` only on success.
template <class Response, class Fn>
grpc::Status ServeUnary(grpc::ServerContextBase* ctx, const auth::Authenticator& authn,
                        Response* response, Fn&& fn) {
  return Serve(ctx, authn, [&](const CallContext& call) -> absl::Status {
    auto result = internal::InvokeHandler(fn, call);
    if (!result.ok()) return result.status();
    *response = *std::move(result);
    return absl::OkStatus();
  });
}

// The callback-API form every service uses (docs/decisions.md, "Server model"): the call is
// handed to `queue`, which runs ServeUnary on a worker thread when one is free, or answers it
// without running when it cannot start in time (CallQueue's header). Returns at once; the reactor
// is finished from the worker. `fn` is copied into the queue, so it must capture by value what
// it needs (`this` and the request pointer stay valid until the reactor is finished).
template <class Response, class Fn>
grpc::ServerUnaryReactor* ServeQueued(CallQueue& queue, grpc::CallbackServerContext* ctx,
                                      const auth::Authenticator& authn, Response* response, Fn fn) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  CallQueue::Call call;
  call.deadline = internal::DeadlineOf(*ctx);
  call.cancelled = [ctx] { return ctx->IsCancelled(); };
  call.run = [ctx, &authn, response, reactor, fn]() mutable {
    reactor->Finish(ServeUnary(ctx, authn, response, fn));
  };
  call.reject = [reactor](const absl::Status& status) { reactor->Finish(ToGrpcStatus(status)); };
  queue.Submit(std::move(call));
  return reactor;
}

}  // namespace rmhub::grpcx
