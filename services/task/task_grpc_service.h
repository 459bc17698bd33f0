#pragma once
// Adapts TaskService to the generated callback stub through grpcx::ServeQueued (the call queue,
// authentication and the one place a grpc::Status is made).

#include "common/auth/authenticator.h"
#include "common/grpc/call_queue.h"
#include "rmhub/task/v1/task.grpc.pb.h"
#include "services/task/task_service.h"

namespace rmhub::task {

class TaskGrpcService final : public v1::TaskService::CallbackService {
 public:
  TaskGrpcService(TaskService& service, const auth::Authenticator& authenticator,
                  grpcx::CallQueue& queue)
      : service_(service), authenticator_(authenticator), queue_(queue) {}

#define RMHUB_TASK_RPC(Method, Request, Response)                        \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Request* request, v1::Response* response) override;
#include "services/task/task_rpcs.inc"
#undef RMHUB_TASK_RPC

 private:
  TaskService& service_;
  const auth::Authenticator& authenticator_;
  grpcx::CallQueue& queue_;
};

}  // namespace rmhub::task
