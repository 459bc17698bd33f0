#include "common/grpc/status_mapping.h"

#include "common/status/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace rmhub::grpcx {
namespace {
std::string& DomainStorage() {
  static std::string* domain = new std::string("rmhub");
  return *domain;
}
}  // namespace

void SetErrorDomain(std::string domain) { DomainStorage() = std::move(domain); }
const std::string& ErrorDomain() { return DomainStorage(); }

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(std::string(status.message()));

  google::rpc::ErrorInfo info;
  std::string reason = ErrorReason(status);
  info.set_reason(reason.empty() ? std::string(absl::StatusCodeToString(status.code())) : reason);
  for (char& c : *info.mutable_reason()) {
    if (c == ' ') c = '_';
  }
  info.set_domain(ErrorDomain());
  for (auto& [k, v] : ErrorMetadata(status)) (*info.mutable_metadata())[k] = v;
  proto.add_details()->PackFrom(info);

  auto violations = FieldViolations(status);
  if (!violations.empty()) {
    google::rpc::BadRequest bad;
    for (const auto& v : violations) {
      auto* fv = bad.add_field_violations();
      fv->set_field(v.field);
      fv->set_description(v.description);
    }
    proto.add_details()->PackFrom(bad);
  }
  if (std::optional<absl::Duration> delay = RetryDelay(status)) {
    google::rpc::RetryInfo retry;
    int64_t nanos = absl::ToInt64Nanoseconds(*delay);
    retry.mutable_retry_delay()->set_seconds(nanos / 1'000'000'000);
    retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
    proto.add_details()->PackFrom(retry);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      proto.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  auto code = static_cast<absl::StatusCode>(status.error_code());
  std::string reason;
  std::vector<FieldViolation> violations;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::optional<absl::Duration> retry_delay;
  google::rpc::Status proto;
  if (!status.error_details().empty() && proto.ParseFromString(status.error_details())) {
    for (const auto& any : proto.details()) {
      google::rpc::ErrorInfo info;
      google::rpc::BadRequest bad;
      google::rpc::RetryInfo retry;
      if (any.UnpackTo(&retry)) {
        retry_delay = absl::Seconds(retry.retry_delay().seconds()) +
                      absl::Nanoseconds(retry.retry_delay().nanos());
      } else if (any.UnpackTo(&info)) {
        reason = info.reason();
        for (const auto& [k, v] : info.metadata()) metadata.emplace_back(k, v);
      } else if (any.UnpackTo(&bad)) {
        for (const auto& fv : bad.field_violations()) {
          violations.push_back({fv.field(), fv.description()});
        }
      }
    }
  }
  absl::Status out = MakeError(code, reason, status.error_message());
  for (const auto& v : violations) {
    // Re-encode through the public helper so the payload format stays in one place.
    absl::Status tmp = InvalidArgument({v});
    std::string existing;
    if (auto p = out.GetPayload(kFieldsPayload)) existing = std::string(*p);
    existing += std::string(*tmp.GetPayload(kFieldsPayload));
    out.SetPayload(kFieldsPayload, absl::Cord(existing));
  }
  for (auto& [k, v] : metadata) out = WithErrorMetadata(std::move(out), k, v);
  if (retry_delay) out = WithRetryDelay(std::move(out), *retry_delay);
  return out;
}

}  // namespace rmhub::grpcx
