#pragma once
// Adapts TeamService to the generated callback stub: every method goes through
// grpcx::ServeQueued, which queues the call for a worker, authenticates the caller and makes the
// grpc::Status (the only place one is made).

#include "common/auth/authenticator.h"
#include "common/grpc/call_queue.h"
#include "rmhub/team/v1/team.grpc.pb.h"
#include "services/team/team_service.h"

namespace rmhub::team {

class TeamGrpcService final : public v1::TeamService::CallbackService {
 public:
  TeamGrpcService(TeamService& service, const auth::Authenticator& authenticator,
                  grpcx::CallQueue& queue)
      : service_(service), authenticator_(authenticator), queue_(queue) {}

#define RMHUB_TEAM_RPC(Method, Request, Response)                        \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Request* request, v1::Response* response) override;
#include "services/team/team_rpcs.inc"
#undef RMHUB_TEAM_RPC

 private:
  TeamService& service_;
  const auth::Authenticator& authenticator_;
  grpcx::CallQueue& queue_;
};

}  // namespace rmhub::team
