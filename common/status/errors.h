#pragma once
// The one error vocabulary of RM Hub. Domain and repository code build errors here; the gRPC
// layer turns them into google.rpc.Status in exactly one place (common/grpc/status_mapping.h).
//
// Every error carries a machine-readable reason (UPPER_SNAKE) that becomes ErrorInfo.reason;
// INVALID_ARGUMENT errors carry the offending fields, which become BadRequest.field_violations.
// Details travel as absl::Status payloads, so this header needs neither gRPC nor protobuf.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rmhub {

struct FieldViolation {
  std::string field;
  std::string description;
};

// Collects field violations while a request is validated; Status() is OK when none were added.
class FieldErrors {
 public:
  void Add(std::string field, std::string description) {
    violations_.push_back({std::move(field), std::move(description)});
  }
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  absl::Status Status() const;

 private:
  std::vector<FieldViolation> violations_;
};

absl::Status InvalidArgument(std::vector<FieldViolation> violations);
absl::Status InvalidField(std::string field, std::string description);
absl::Status FailedPrecondition(std::string reason, std::string message);
absl::Status NotFound(std::string reason, std::string message);
absl::Status AlreadyExists(std::string reason, std::string message);
absl::Status Aborted(std::string reason, std::string message);
absl::Status PermissionDenied(std::string reason, std::string message);
absl::Status Unauthenticated(std::string reason, std::string message);
absl::Status Unavailable(std::string reason, std::string message);
absl::Status ResourceExhausted(std::string reason, std::string message);
absl::Status Internal(std::string reason, std::string message);
absl::Status DeadlineExceeded(std::string reason, std::string message);

// Builds a status of any code with a reason.
absl::Status MakeError(absl::StatusCode code, std::string reason, std::string message);

// The reason attached to a status, or "" if it has none.
std::string ErrorReason(const absl::Status& status);
// The field violations attached to a status (empty if none).
std::vector<FieldViolation> FieldViolations(const absl::Status& status);
// Extra key/value metadata for ErrorInfo.metadata (e.g. the cap that was hit).
absl::Status WithErrorMetadata(absl::Status status, std::string key, std::string value);
std::vector<std::pair<std::string, std::string>> ErrorMetadata(const absl::Status& status);
// How long the client should wait before trying again (google.rpc.RetryInfo), for overload.
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);
// The delay set by WithRetryDelay, if any.
std::optional<absl::Duration> RetryDelay(const absl::Status& status);

// Payload type URLs used to carry the details inside absl::Status.
inline constexpr absl::string_view kReasonPayload = "rmhub.dev/reason";
inline constexpr absl::string_view kFieldsPayload = "rmhub.dev/field-violations";
inline constexpr absl::string_view kMetadataPayload = "rmhub.dev/error-metadata";
inline constexpr absl::string_view kRetryDelayPayload = "rmhub.dev/retry-delay";

// Runs `fn` (returning StatusOr<T>) and stores its value in `*out`: for callbacks that report
// through captured variables and return a Status.
template <class T, class Fn>
absl::Status StoreInto(T* out, Fn&& fn) {
  absl::StatusOr<T> value = fn();
  if (!value.ok()) return value.status();
  *out = *std::move(value);
  return absl::OkStatus();
}

}  // namespace rmhub

// Early-return helpers in the style of google-cloud-cpp.
#define RMHUB_CONCAT_INNER_(a, b) a##b
#define RMHUB_CONCAT_(a, b) RMHUB_CONCAT_INNER_(a, b)

#define RMHUB_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::absl::Status rmhub_status_ = (expr);         \
    if (!rmhub_status_.ok()) return rmhub_status_; \
  } while (false)

#define RMHUB_ASSIGN_OR_RETURN(lhs, expr) \
  RMHUB_ASSIGN_OR_RETURN_IMPL_(RMHUB_CONCAT_(rmhub_statusor_, __LINE__), lhs, expr)
#define RMHUB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
