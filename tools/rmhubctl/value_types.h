#pragma once
// Message types rmhubctl treats as single values rather than as nested records: they are typed
// on the command line as one word ("2025-06-30", "display_name,region") and shown as one cell.

#include <string>

#include "google/protobuf/descriptor.h"

namespace rmhub::ctl {

enum class ValueKind {
  kNone,       // an ordinary message: addressed field by field
  kDate,       // rmhub.common.v1.Date            2025-06-30
  kPeriod,     // rmhub.common.v1.Period          2025-01-01..2025-04-01
  kMoney,      // rmhub.common.v1.Money           12.50 CNY (minor units 1250)
  kTimestamp,  // google.protobuf.Timestamp       2025-06-30T08:00:00Z
  kDuration,   // google.protobuf.Duration        90s
  kFieldMask,  // google.protobuf.FieldMask       display_name,region
  kWrapper,    // google.protobuf.*Value          the wrapped scalar
};

ValueKind ValueKindOf(const google::protobuf::Descriptor& type);

// How a value of `kind` is written on the command line, for --help.
std::string ValueHint(ValueKind kind);

}  // namespace rmhub::ctl
