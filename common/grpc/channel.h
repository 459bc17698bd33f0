#pragma once
// How a service dials its peers: the credentials (plaintext on loopback, TLS against the
// deployment's CA with the service's own certificate for mutual TLS — see common/auth/tls.h).
// What each call carries (deadline, request id, token, retries) is PeerCaller's (peer_call.h).

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

namespace rmhub::grpcx {

// A channel to `address` with these credentials.
std::shared_ptr<grpc::Channel> MakePeerChannel(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials);

}  // namespace rmhub::grpcx
