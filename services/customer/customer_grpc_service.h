#pragma once
// Adapts CustomerService to the generated callback stub through grpcx::ServeQueued (the call
// queue, authentication and the one place a grpc::Status is made).

#include "common/auth/authenticator.h"
#include "common/grpc/call_queue.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"
#include "services/customer/customer_service.h"

namespace rmhub::customer {

class CustomerGrpcService final : public v1::CustomerService::CallbackService {
 public:
  CustomerGrpcService(CustomerService& service, const auth::Authenticator& authenticator,
                      grpcx::CallQueue& queue)
      : service_(service), authenticator_(authenticator), queue_(queue) {}

#define RMHUB_CUSTOMER_RPC(Method, Request, Response)                    \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Request* request, v1::Response* response) override;
#include "services/customer/customer_rpcs.inc"
#undef RMHUB_CUSTOMER_RPC

 private:
  CustomerService& service_;
  const auth::Authenticator& authenticator_;
  grpcx::CallQueue& queue_;
};

}  // namespace rmhub::customer
