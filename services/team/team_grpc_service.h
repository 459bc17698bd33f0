#pragma once
// Adapts TeamService to the generated gRPC stub: every method goes through grpcx::Serve, which
// authenticates the caller and makes the grpc::Status (the only place one is made).

#include "common/auth/authenticator.h"
#include "rmhub/team/v1/team.grpc.pb.h"
#include "services/team/team_service.h"

namespace rmhub::team {

class TeamGrpcService final : public v1::TeamService::Service {
 public:
  TeamGrpcService(TeamService& service, const auth::Authenticator& authenticator)
      : service_(service), authenticator_(authenticator) {}

#define RMHUB_TEAM_RPC(Method, Request, Response)                                     \
  grpc::Status Method(grpc::ServerContext* context, const v1::Request* request,       \
                      v1::Response* response) override;
#include "services/team/team_rpcs.inc"
#undef RMHUB_TEAM_RPC

 private:
  TeamService& service_;
  const auth::Authenticator& authenticator_;
};

}  // namespace rmhub::team
