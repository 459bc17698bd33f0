#include "services/complaint/complaint_grpc_service.h"

#include "common/grpc/handler.h"

namespace rmhub::complaint {

#define RMHUB_COMPLAINT_RPC(Method, Request, Response)                                            \
  grpc::ServerUnaryReactor* ComplaintGrpcService::Method(                                         \
      grpc::CallbackServerContext* context, const v1::Request* request, v1::Response* response) { \
    return grpcx::ServeQueued(queue_, context, authenticator_, response,                          \
                              [this, request](const auth::Caller& caller) {                       \
                                return service_.Method(caller, *request);                         \
                              });                                                                 \
  }
#include "services/complaint/complaint_rpcs.inc"
#undef RMHUB_COMPLAINT_RPC

}  // namespace rmhub::complaint
