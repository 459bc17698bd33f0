#pragma once
// Which method a server call is for. gRPC's ServerContext does not say (only interceptors are
// told), yet the authenticator needs it to hold service principals to their allowed methods
// (ServiceMethodAcl). CalledMethodRecorder is a server interceptor factory that records each
// call's method against its context for the call's lifetime; CalledMethod reads it back.
// Nothing the client sends is involved, so a caller cannot claim another method; a server built
// without the recorder reports no method, and service principals are then refused.

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <string>

#include "absl/strings/string_view.h"

namespace rmhub::auth {

class CalledMethodRecorder final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

// "/rmhub.team.v1.TeamService/GetMember", or "" when no recorder saw the call.
std::string CalledMethod(const grpc::ServerContextBase& context);

}  // namespace rmhub::auth
