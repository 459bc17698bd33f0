#include "tools/rmhubctl/error_report.h"

#include "absl/strings/str_cat.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"

namespace rmhub::ctl {

std::string FormatRpcError(const grpc::Status& status) {
  absl::Status s = grpcx::FromGrpcStatus(status);
  std::string out = absl::StrCat("error: ", absl::StatusCodeToString(s.code()), ": ",
                                 status.error_message(), "\n");
  std::string reason = ErrorReason(s);
  if (!reason.empty()) absl::StrAppend(&out, "  reason: ", reason, "\n");
  for (const auto& [key, value] : ErrorMetadata(s)) {
    absl::StrAppend(&out, "  ", key, ": ", value, "\n");
  }
  for (const FieldViolation& v : FieldViolations(s)) {
    absl::StrAppend(&out, "  field ", v.field, ": ", v.description, "\n");
  }
  return out;
}

int ExitCodeFor(const grpc::Status& status) {
  return status.ok() ? 0 : kExitRpcBase + static_cast<int>(status.error_code());
}

std::string FormatLocalError(const absl::Status& status) {
  std::vector<FieldViolation> violations = FieldViolations(status);
  if (violations.empty()) return absl::StrCat("error: ", status.message(), "\n");
  std::string out;
  for (const FieldViolation& v : violations) {
    absl::StrAppend(&out, "error: ", v.field, ": ", v.description, "\n");
  }
  return out;
}

}  // namespace rmhub::ctl
