#include "services/customer/customer_grpc_service.h"

#include "common/grpc/handler.h"

namespace rmhub::customer {

#define RMHUB_CUSTOMER_RPC(Method, Request, Response)                                             \
  grpc::ServerUnaryReactor* CustomerGrpcService::Method(                                          \
      grpc::CallbackServerContext* context, const v1::Request* request, v1::Response* response) { \
    return grpcx::ServeQueued(                                                                    \
        queue_, context, authenticator_, response, [this, request](const auth::Caller& caller) {  \
          return service_.WithScope(                                                              \
              caller, [&](const auth::Caller& c) { return service_.Method(c, *request); });       \
        });                                                                                       \
  }
#include "services/customer/customer_rpcs.inc"
#undef RMHUB_CUSTOMER_RPC

}  // namespace rmhub::customer
