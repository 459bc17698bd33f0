#include "services/team/team_grpc_service.h"

#include "common/grpc/handler.h"

namespace rmhub::team {

#define RMHUB_TEAM_RPC(Method, Request, Response)                                                 \
  grpc::ServerUnaryReactor* TeamGrpcService::Method(                                              \
      grpc::CallbackServerContext* context, const v1::Request* request, v1::Response* response) { \
    return grpcx::ServeQueued(queue_, context, authenticator_, response,                          \
                              [this, request](const auth::Caller& caller) {                       \
                                return service_.Method(caller, *request);                         \
                              });                                                                 \
  }
#include "services/team/team_rpcs.inc"
#undef RMHUB_TEAM_RPC

}  // namespace rmhub::team
