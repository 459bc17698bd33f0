#include "tools/rmhubctl/value_types.h"

#include "absl/strings/match.h"

namespace rmhub::ctl {

ValueKind ValueKindOf(const google::protobuf::Descriptor& type) {
  const std::string& name = type.full_name();
  if (name == "rmhub.common.v1.Date") return ValueKind::kDate;
  if (name == "rmhub.common.v1.Period") return ValueKind::kPeriod;
  if (name == "rmhub.common.v1.Money") return ValueKind::kMoney;
  if (name == "google.protobuf.Timestamp") return ValueKind::kTimestamp;
  if (name == "google.protobuf.Duration") return ValueKind::kDuration;
  if (name == "google.protobuf.FieldMask") return ValueKind::kFieldMask;
  if (absl::StartsWith(name, "google.protobuf.") && absl::EndsWith(name, "Value") &&
      name != "google.protobuf.Value" && name != "google.protobuf.ListValue") {
    return ValueKind::kWrapper;
  }
  return ValueKind::kNone;
}

std::string ValueHint(ValueKind kind) {
  switch (kind) {
    case ValueKind::kDate:
      return "date YYYY-MM-DD";
    case ValueKind::kPeriod:
      return "period START..END (dates, end exclusive)";
    case ValueKind::kMoney:
      return "money AMOUNT CUR, e.g. \"12.50 CNY\"";
    case ValueKind::kTimestamp:
      return "timestamp RFC 3339, e.g. 2025-06-30T08:00:00Z";
    case ValueKind::kDuration:
      return "duration, e.g. 90s";
    case ValueKind::kFieldMask:
      return "field mask: comma-separated field names";
    case ValueKind::kWrapper:
      return "wrapped scalar";
    case ValueKind::kNone:
      break;
  }
  return "message";
}

}  // namespace rmhub::ctl
