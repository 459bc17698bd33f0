#pragma once
// Adapts ComplaintService to the generated callback stub through grpcx::ServeQueued (the call
// queue, authentication and the one place a grpc::Status is made).

#include "common/auth/authenticator.h"
#include "common/grpc/call_queue.h"
#include "rmhub/complaint/v1/complaint.grpc.pb.h"
#include "services/complaint/complaint_service.h"

namespace rmhub::complaint {

class ComplaintGrpcService final : public v1::ComplaintService::CallbackService {
 public:
  ComplaintGrpcService(ComplaintService& service, const auth::Authenticator& authenticator,
                       grpcx::CallQueue& queue)
      : service_(service), authenticator_(authenticator), queue_(queue) {}

#define RMHUB_COMPLAINT_RPC(Method, Request, Response)                   \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Request* request, v1::Response* response) override;
#include "services/complaint/complaint_rpcs.inc"
#undef RMHUB_COMPLAINT_RPC

 private:
  ComplaintService& service_;
  const auth::Authenticator& authenticator_;
  grpcx::CallQueue& queue_;
};

}  // namespace rmhub::complaint
