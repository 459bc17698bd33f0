#pragma once
// Adapts CustomerService to the generated gRPC stub through grpcx::ServeUnary (authentication and
// the one place a grpc::Status is made).

#include "common/auth/authenticator.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"
#include "services/customer/customer_service.h"

namespace rmhub::customer {

class CustomerGrpcService final : public v1::CustomerService::Service {
 public:
  CustomerGrpcService(CustomerService& service, const auth::Authenticator& authenticator)
      : service_(service), authenticator_(authenticator) {}

#define RMHUB_CUSTOMER_RPC(Method, Request, Response)                                 \
  grpc::Status Method(grpc::ServerContext* context, const v1::Request* request,       \
                      v1::Response* response) override;
#include "services/customer/customer_rpcs.inc"
#undef RMHUB_CUSTOMER_RPC

 private:
  CustomerService& service_;
  const auth::Authenticator& authenticator_;
};

}  // namespace rmhub::customer
