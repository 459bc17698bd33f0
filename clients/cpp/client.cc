#include "rmhub/client/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/tls.h"
#include "common/grpc/request_id.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"

namespace rmhub::client {
namespace {

grpc::Status InvalidOption(const std::string& field, const std::string& description) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, absl::StrCat(field, ": ", description));
}

}  // namespace

grpc::Status OpenChannel(const std::string& address, const ChannelOptions& options,
                         std::shared_ptr<grpc::Channel>* channel) {
  if (options.keepalive_time < std::chrono::seconds(10)) {
    return InvalidOption("keepalive_time", "at least 10 s (the servers refuse faster pings)");
  }
  auto credentials = auth::ChannelCredentialsFromFiles(options.tls.ca_file, options.tls.cert_file,
                                                       options.tls.key_file);
  if (!credentials.ok()) {
    std::string fields;
    for (const auto& v : FieldViolations(credentials.status())) {
      absl::StrAppend(&fields, fields.empty() ? "" : "; ", v.field, ": ", v.description);
    }
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        fields.empty() ? std::string(credentials.status().message()) : fields);
  }
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(options.keepalive_time.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, static_cast<int>(options.keepalive_timeout.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  *channel = grpc::CreateCustomChannel(address, *credentials, args);
  return grpc::Status::OK;
}

std::string NewRequestId() { return grpcx::NewRequestId(); }

void Prepare(grpc::ClientContext& context, const CallOptions& options) {
  if (options.deadline.count() > 0) {
    context.set_deadline(std::chrono::system_clock::now() + options.deadline);
  }
  if (!options.token.empty()) context.AddMetadata("authorization", "Bearer " + options.token);
  context.AddMetadata(kRequestIdHeader,
                      options.request_id.empty() ? NewRequestId() : options.request_id);
}

const FieldViolation* RpcError::Violation(const std::string& field) const {
  for (const auto& v : field_violations) {
    if (v.field == field) return &v;
  }
  return nullptr;
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string RpcError::ToString() const {
  std::string out = absl::StrCat(CodeName(code), ": ", message);
  if (!reason.empty()) absl::StrAppend(&out, " [", reason, "]");
  for (const auto& v : field_violations) absl::StrAppend(&out, " ", v.field, ": ", v.description);
  return out;
}

RpcError DecodeError(const grpc::Status& status) {
  RpcError out;
  out.code = status.error_code();
  out.message = status.error_message();
  if (status.ok()) return out;
  // The services' own decoding (google.rpc.Status → absl::Status payloads), then read back.
  absl::Status decoded = grpcx::FromGrpcStatus(status);
  out.reason = ErrorReason(decoded);
  out.metadata = ErrorMetadata(decoded);
  for (auto& v : FieldViolations(decoded)) {
    out.field_violations.push_back({std::move(v.field), std::move(v.description)});
  }
  if (auto delay = RetryDelay(decoded)) {
    out.retry_delay = std::chrono::milliseconds(absl::ToInt64Milliseconds(*delay));
  }
  return out;
}

}  // namespace rmhub::client
