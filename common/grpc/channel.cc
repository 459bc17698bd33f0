#include "common/grpc/channel.h"

#include <grpcpp/create_channel.h>

namespace rmhub::grpcx {

std::shared_ptr<grpc::Channel> MakePeerChannel(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
  // No retry policy in a service config: which calls may be sent again is known at the call site
  // (PeerCaller::Read). gRPC's transparent retries of calls that never left stay on.
  return grpc::CreateChannel(address, credentials);
}

}  // namespace rmhub::grpcx
