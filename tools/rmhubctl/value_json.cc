#include "tools/rmhubctl/value_json.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/encoding/json_quote.h"
#include "common/status/errors.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "tools/rmhubctl/value_types.h"

namespace rmhub::ctl {
namespace {

using google::protobuf::FieldDescriptor;

absl::Status Bad(const std::string& path, absl::string_view text, absl::string_view expected) {
  return InvalidField(path, absl::StrCat("\"", text, "\" is not ", expected));
}

absl::StatusOr<std::string> EnumJson(const FieldDescriptor& field, absl::string_view text,
                                     const std::string& path) {
  const auto* type = field.enum_type();
  std::string upper = absl::AsciiStrToUpper(text);
  if (const auto* v = type->FindValueByName(upper)) return encoding::JsonQuote(v->name());
  int32_t number = 0;
  if (absl::SimpleAtoi(text, &number) && type->FindValueByNumber(number) != nullptr) {
    return absl::StrCat(number);
  }
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) names.push_back(type->value(i)->name());
  return Bad(path, text, absl::StrCat("a ", type->name(), ": ", absl::StrJoin(names, "|")));
}

absl::StatusOr<std::string> BoolJson(absl::string_view text, const std::string& path) {
  std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "yes" || lower == "1") return std::string("true");
  if (lower == "false" || lower == "no" || lower == "0") return std::string("false");
  return Bad(path, text, "a bool (true|false)");
}

// Numbers travel as JSON strings, which proto3 JSON accepts for every numeric type and which
// keeps 64-bit values and decimals exact; the check here only gives an early, precise error.
absl::StatusOr<std::string> NumberJson(const FieldDescriptor& field, absl::string_view text,
                                       const std::string& path) {
  bool ok = false;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      ok = absl::SimpleAtoi(text, &v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      ok = absl::SimpleAtoi(text, &v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      ok = absl::SimpleAtoi(text, &v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      ok = absl::SimpleAtoi(text, &v);
      break;
    }
    default: {
      double v;
      ok = absl::SimpleAtod(text, &v) && std::isfinite(v);
      break;
    }
  }
  if (!ok) return Bad(path, text, absl::StrCat("a valid ", field.type_name()));
  return encoding::JsonQuote(absl::StripAsciiWhitespace(text));
}

absl::StatusOr<std::string> DateJson(absl::string_view text, const std::string& path) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(absl::StripAsciiWhitespace(text), &day)) {
    return Bad(path, text, "a date YYYY-MM-DD");
  }
  return absl::StrFormat("{\"year\":%d,\"month\":%d,\"day\":%d}", day.year(), day.month(),
                         day.day());
}

absl::StatusOr<std::string> PeriodJson(absl::string_view text, const std::string& path) {
  std::vector<std::string> parts = absl::StrSplit(text, "..");
  if (parts.size() != 2) return Bad(path, text, "a period START..END");
  RMHUB_ASSIGN_OR_RETURN(std::string start, DateJson(parts[0], path + ".start_date"));
  RMHUB_ASSIGN_OR_RETURN(std::string end, DateJson(parts[1], path + ".end_date"));
  return absl::StrCat("{\"start_date\":", start, ",\"end_date\":", end, "}");
}

// ISO 4217 currencies whose minor unit is the unit itself; every other is taken as 1/100.
int MinorDigits(absl::string_view currency) {
  return currency == "JPY" || currency == "KRW" || currency == "VND" ? 0 : 2;
}

// "12.50 CNY" or "CNY 12.50" → {"currency_code":"CNY","minor_units":"1250"}, exact (no double).
absl::StatusOr<std::string> MoneyJson(absl::string_view text, const std::string& path) {
  std::vector<std::string> parts = absl::StrSplit(text, ' ', absl::SkipWhitespace());
  if (parts.size() != 2) return Bad(path, text, "money like \"12.50 CNY\"");
  bool currency_first = absl::ascii_isalpha(static_cast<unsigned char>(parts[0][0]));
  std::string currency = absl::AsciiStrToUpper(currency_first ? parts[0] : parts[1]);
  std::string amount = currency_first ? parts[1] : parts[0];
  std::vector<std::string> whole_frac = absl::StrSplit(amount, '.');
  int digits = MinorDigits(currency);
  std::string frac = whole_frac.size() == 2 ? whole_frac[1] : "";
  int64_t whole = 0, minor = 0;
  bool negative = !amount.empty() && amount[0] == '-';
  if (currency.size() != 3 || whole_frac.size() > 2 || static_cast<int>(frac.size()) > digits ||
      !absl::SimpleAtoi(whole_frac[0], &whole) ||
      (!frac.empty() && !absl::SimpleAtoi(frac, &minor)) ||
      frac.find_first_not_of("0123456789") != std::string::npos) {
    return Bad(path, text, "money like \"12.50 CNY\"");
  }
  for (size_t i = frac.size(); i < static_cast<size_t>(digits); ++i) minor *= 10;
  int64_t scale = digits == 0 ? 1 : 100;
  int64_t units = whole * scale + (negative ? -minor : minor);
  return absl::StrCat("{\"currency_code\":", encoding::JsonQuote(currency), ",\"minor_units\":\"",
                      units, "\"}");
}

absl::StatusOr<std::string> TimestampJson(absl::string_view text, const std::string& path) {
  google::protobuf::Timestamp ts;
  std::string s(absl::StripAsciiWhitespace(text));
  if (!google::protobuf::util::TimeUtil::FromString(s, &ts)) {
    return Bad(path, text, "an RFC 3339 timestamp like 2025-06-30T08:00:00Z");
  }
  return encoding::JsonQuote(s);
}

// Accepts absl's forms ("90s", "1h30m", "250ms") and writes proto JSON's "<seconds>s".
absl::StatusOr<std::string> DurationJson(absl::string_view text, const std::string& path) {
  absl::Duration d;
  if (!absl::ParseDuration(absl::StripAsciiWhitespace(text), &d) || d == absl::InfiniteDuration() ||
      d == -absl::InfiniteDuration()) {
    return Bad(path, text, "a duration like 90s or 1h30m");
  }
  int64_t nanos = absl::ToInt64Nanoseconds(d);
  int64_t secs = nanos / 1000000000;
  int64_t rest = std::llabs(nanos % 1000000000);
  std::string sign = nanos < 0 && secs == 0 ? "-" : "";
  if (rest == 0) return absl::StrCat("\"", sign, secs, "s\"");
  return absl::StrFormat("\"%s%d.%09ds\"", sign, secs, rest);
}

absl::StatusOr<std::string> FieldMaskJson(absl::string_view text) {
  std::vector<std::string> paths;
  for (absl::string_view p : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    paths.push_back(SnakeToLowerCamel(absl::StripAsciiWhitespace(p)));
  }
  return encoding::JsonQuote(absl::StrJoin(paths, ","));
}

absl::StatusOr<std::string> MessageValueJson(const FieldDescriptor& field, absl::string_view text,
                                             const std::string& path) {
  switch (ValueKindOf(*field.message_type())) {
    case ValueKind::kDate:
      return DateJson(text, path);
    case ValueKind::kPeriod:
      return PeriodJson(text, path);
    case ValueKind::kMoney:
      return MoneyJson(text, path);
    case ValueKind::kTimestamp:
      return TimestampJson(text, path);
    case ValueKind::kDuration:
      return DurationJson(text, path);
    case ValueKind::kFieldMask:
      return FieldMaskJson(text);
    case ValueKind::kWrapper:
      return ValueToJson(*field.message_type()->FindFieldByName("value"), text, path);
    case ValueKind::kNone:
      break;
  }
  return InvalidField(
      path, absl::StrCat("is a ", field.message_type()->name(), " message: set its fields as ",
                         path, ".<field>=... or pass it in --data"));
}

}  // namespace

absl::StatusOr<std::string> ValueToJson(const FieldDescriptor& field, absl::string_view text,
                                        const std::string& path) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_STRING:
    case FieldDescriptor::TYPE_BYTES:
      return encoding::JsonQuote(text);
    case FieldDescriptor::TYPE_BOOL:
      return BoolJson(text, path);
    case FieldDescriptor::TYPE_ENUM:
      return EnumJson(field, text, path);
    case FieldDescriptor::TYPE_MESSAGE:
      return MessageValueJson(field, text, path);
    case FieldDescriptor::TYPE_GROUP:
      return InvalidField(path, "groups are not supported");
    default:
      return NumberJson(field, text, path);
  }
}

std::string SnakeToLowerCamel(absl::string_view path) {
  std::string out;
  bool upper_next = false;
  for (char c : path) {
    if (c == '_') {
      upper_next = true;
      continue;
    }
    out.push_back(upper_next ? absl::ascii_toupper(static_cast<unsigned char>(c)) : c);
    upper_next = false;
  }
  return out;
}

}  // namespace rmhub::ctl
