#include "services/analytics/analytics_grpc_service.h"

#include "common/grpc/handler.h"

namespace rmhub::analytics {

#define RMHUB_ANALYTICS_RPC(Method, Request, Response)                                            \
  grpc::ServerUnaryReactor* AnalyticsGrpcService::Method(                                         \
      grpc::CallbackServerContext* context, const v1::Request* request, v1::Response* response) { \
    return grpcx::ServeQueued(queue_, context, authenticator_, response,                          \
                              [this, request](const auth::Caller& caller) {                       \
                                return service_.Method(caller, *request);                         \
                              });                                                                 \
  }
#include "services/analytics/analytics_rpcs.inc"
#undef RMHUB_ANALYTICS_RPC

}  // namespace rmhub::analytics
