#include "services/task/task_grpc_service.h"

#include "common/grpc/handler.h"

namespace rmhub::task {

#define RMHUB_TASK_RPC(Method, Request, Response)                                                 \
  grpc::ServerUnaryReactor* TaskGrpcService::Method(                                              \
      grpc::CallbackServerContext* context, const v1::Request* request, v1::Response* response) { \
    return grpcx::ServeQueued(queue_, context, authenticator_, response,                          \
                              [this, request](const auth::Caller& caller) {                       \
                                return service_.Method(caller, *request);                         \
                              });                                                                 \
  }
#include "services/task/task_rpcs.inc"
#undef RMHUB_TASK_RPC

}  // namespace rmhub::task
