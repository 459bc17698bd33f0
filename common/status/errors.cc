#include "common/status/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace rmhub {
namespace {

// Field violations and metadata are stored as lines of "key\tvalue"; tabs and newlines in the
// parts are replaced so the encoding stays unambiguous.
std::string Clean(absl::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\t' || c == '\n') c = ' ';
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> DecodePairs(const absl::Status& status,
                                                             absl::string_view url) {
  std::vector<std::pair<std::string, std::string>> out;
  auto payload = status.GetPayload(url);
  if (!payload.has_value()) return out;
  for (absl::string_view line : absl::StrSplit(std::string(*payload), '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('\t', 1));
    out.push_back(std::move(kv));
  }
  return out;
}

void AppendPair(absl::Status& status, absl::string_view url, absl::string_view k,
                absl::string_view v) {
  std::string existing;
  if (auto p = status.GetPayload(url); p.has_value()) existing = std::string(*p);
  absl::StrAppend(&existing, Clean(k), "\t", Clean(v), "\n");
  status.SetPayload(url, absl::Cord(existing));
}

}  // namespace

absl::Status MakeError(absl::StatusCode code, std::string reason, std::string message) {
  absl::Status status(code, message);
  if (!reason.empty()) status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

absl::Status FieldErrors::Status() const {
  if (violations_.empty()) return absl::OkStatus();
  return InvalidArgument(violations_);
}

absl::Status InvalidArgument(std::vector<FieldViolation> violations) {
  std::string message = "invalid request:";
  for (size_t i = 0; i < violations.size(); ++i) {
    absl::StrAppend(&message, i == 0 ? " " : "; ", violations[i].field, ": ",
                    violations[i].description);
  }
  absl::Status status = MakeError(absl::StatusCode::kInvalidArgument, "INVALID_FIELDS", message);
  for (const auto& v : violations) AppendPair(status, kFieldsPayload, v.field, v.description);
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  return InvalidArgument({{std::move(field), std::move(description)}});
}

#define RMHUB_DEFINE_ERROR_(Name, Code)                                              \
  absl::Status Name(std::string reason, std::string message) {                       \
    return MakeError(absl::StatusCode::Code, std::move(reason), std::move(message)); \
  }
RMHUB_DEFINE_ERROR_(FailedPrecondition, kFailedPrecondition)
RMHUB_DEFINE_ERROR_(NotFound, kNotFound)
RMHUB_DEFINE_ERROR_(AlreadyExists, kAlreadyExists)
RMHUB_DEFINE_ERROR_(Aborted, kAborted)
RMHUB_DEFINE_ERROR_(PermissionDenied, kPermissionDenied)
RMHUB_DEFINE_ERROR_(Unauthenticated, kUnauthenticated)
RMHUB_DEFINE_ERROR_(Unavailable, kUnavailable)
RMHUB_DEFINE_ERROR_(ResourceExhausted, kResourceExhausted)
RMHUB_DEFINE_ERROR_(Internal, kInternal)
RMHUB_DEFINE_ERROR_(DeadlineExceeded, kDeadlineExceeded)
#undef RMHUB_DEFINE_ERROR_

std::string ErrorReason(const absl::Status& status) {
  auto p = status.GetPayload(kReasonPayload);
  return p.has_value() ? std::string(*p) : std::string();
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  for (auto& [k, v] : DecodePairs(status, kFieldsPayload)) out.push_back({k, v});
  return out;
}

absl::Status WithErrorMetadata(absl::Status status, std::string key, std::string value) {
  AppendPair(status, kMetadataPayload, key, value);
  return status;
}

std::vector<std::pair<std::string, std::string>> ErrorMetadata(const absl::Status& status) {
  return DecodePairs(status, kMetadataPayload);
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  status.SetPayload(kRetryDelayPayload, absl::Cord(absl::FormatDuration(delay)));
  return status;
}

std::optional<absl::Duration> RetryDelay(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryDelayPayload);
  absl::Duration delay;
  if (!payload || !absl::ParseDuration(std::string(*payload), &delay)) return std::nullopt;
  return delay;
}

}  // namespace rmhub
