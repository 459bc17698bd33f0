#pragma once
// Adapts AnalyticsService to the generated callback stub through grpcx::ServeQueued (the call
// queue, authentication and the one place a grpc::Status is made).

#include "common/auth/authenticator.h"
#include "common/grpc/call_queue.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"
#include "services/analytics/analytics_service.h"

namespace rmhub::analytics {

class AnalyticsGrpcService final : public v1::AnalyticsService::CallbackService {
 public:
  AnalyticsGrpcService(AnalyticsService& service, const auth::Authenticator& authenticator,
                       grpcx::CallQueue& queue)
      : service_(service), authenticator_(authenticator), queue_(queue) {}

#define RMHUB_ANALYTICS_RPC(Method, Request, Response)                   \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Request* request, v1::Response* response) override;
#include "services/analytics/analytics_rpcs.inc"
#undef RMHUB_ANALYTICS_RPC

 private:
  AnalyticsService& service_;
  const auth::Authenticator& authenticator_;
  grpcx::CallQueue& queue_;
};

}  // namespace rmhub::analytics
