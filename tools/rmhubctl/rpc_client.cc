#include "tools/rmhubctl/rpc_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/auth/tls.h"
#include "common/grpc/request_id.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tools/rmhubctl/service_catalog.h"

namespace rmhub::ctl {
namespace {

using Traits = grpc::SerializationTraits<google::protobuf::Message>;

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const ConnectionOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options.ca_file.empty() || !options.cert_file.empty() || !options.key_file.empty()) {
    RMHUB_ASSIGN_OR_RETURN(credentials, auth::ChannelCredentialsFromFiles(
                                            options.ca_file, options.cert_file, options.key_file));
  }
  return grpc::CreateChannel(options.address, credentials);
}

void PrepareContext(const ConnectionOptions& options, grpc::ClientContext* context) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
  if (!options.token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", options.token));
  }
  if (!options.call_id.empty()) context->AddMetadata(grpcx::kRequestIdHeader, options.call_id);
}

grpc::Status CallUnary(const std::shared_ptr<grpc::Channel>& channel,
                       const google::protobuf::MethodDescriptor& method,
                       const google::protobuf::Message& request, const ConnectionOptions& options,
                       google::protobuf::Message* response) {
  grpc::ByteBuffer request_bytes;
  bool own_buffer = false;
  grpc::Status status = Traits::Serialize(request, &request_bytes, &own_buffer);
  if (!status.ok()) return status;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  PrepareContext(options, &context);
  grpc::ByteBuffer response_bytes;
  absl::Notification done;
  stub.UnaryCall(&context, MethodPath(method), grpc::StubOptions(), &request_bytes, &response_bytes,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) return status;
  return Traits::Deserialize(&response_bytes, response);
}

absl::StatusOr<std::string> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& service,
                                        const ConnectionOptions& options) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  PrepareContext(options, &context);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return grpcx::FromGrpcStatus(status);
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, const ConnectionOptions& options) {
  namespace refl = grpc::reflection::v1alpha;
  auto stub = refl::ServerReflection::NewStub(channel);
  grpc::ClientContext context;
  PrepareContext(options, &context);
  auto stream = stub->ServerReflectionInfo(&context);
  refl::ServerReflectionRequest request;
  request.set_list_services("");
  refl::ServerReflectionResponse response;
  bool got = stream->Write(request) && stream->WritesDone() && stream->Read(&response);
  grpc::Status status = stream->Finish();
  if (!status.ok()) return grpcx::FromGrpcStatus(status);
  if (!got || !response.has_list_services_response()) {
    return Internal("REFLECTION_NO_ANSWER", "the server sent no list of services");
  }
  std::vector<std::string> names;
  for (const auto& s : response.list_services_response().service()) names.push_back(s.name());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace rmhub::ctl
