#pragma once
// Talking to a server: one channel per command, a deadline and the bearer token on every call,
// and unary calls of any method through grpc::GenericStub with messages from the descriptors.

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace rmhub::ctl {

struct ConnectionOptions {
  std::string address;  // host:port
  std::string token;    // sent as "authorization: Bearer <token>" when not empty
  // Sent as x-request-id when not empty, so the call can be found in the server's logs.
  std::string call_id;
  absl::Duration timeout = absl::Seconds(10);
  // TLS when ca_file is set (the server is verified against it); cert and key add a client
  // certificate for mutual TLS. Plaintext otherwise, as on the local stack.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// INVALID_ARGUMENT naming the flag when a TLS file cannot be used. Connecting is lazy.
absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const ConnectionOptions& options);

// Sets the deadline (now + timeout), the bearer token and the call id on `context`.
void PrepareContext(const ConnectionOptions& options, grpc::ClientContext* context);

// Calls the unary `method`; on OK `response` (of the method's output type) holds the reply.
grpc::Status CallUnary(const std::shared_ptr<grpc::Channel>& channel,
                       const google::protobuf::MethodDescriptor& method,
                       const google::protobuf::Message& request, const ConnectionOptions& options,
                       google::protobuf::Message* response);

// "SERVING", "NOT_SERVING", … from grpc.health.v1.Health/Check for `service` ("" = the server).
absl::StatusOr<std::string> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& service,
                                        const ConnectionOptions& options);

// The services the server lists through gRPC server reflection (v1alpha), sorted.
absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, const ConnectionOptions& options);

}  // namespace rmhub::ctl
