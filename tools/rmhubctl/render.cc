#include "tools/rmhubctl/render.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/encoding/json_quote.h"
#include "common/status/errors.h"
#include "google/protobuf/util/json_util.h"
#include "tools/rmhubctl/text_width.h"
#include "tools/rmhubctl/value_json.h"
#include "tools/rmhubctl/value_types.h"

namespace rmhub::ctl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using Rows = std::vector<std::pair<std::string, std::string>>;
using Chain = std::vector<const FieldDescriptor*>;

int64_t IntField(const Message& m, const char* name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr) return 0;
  const Reflection* r = m.GetReflection();
  return f->cpp_type() == FieldDescriptor::CPPTYPE_INT64 ? r->GetInt64(m, f) : r->GetInt32(m, f);
}

std::string DateText(const Message& m) {
  if (IntField(m, "year") == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", IntField(m, "year"), IntField(m, "month"),
                         IntField(m, "day"));
}

std::string SubText(const Message& m, const char* field) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(field);
  return f == nullptr ? "" : FieldText(m, *f);
}

std::string MoneyText(const Message& m) {
  std::string currency = SubText(m, "currency_code");
  int64_t units = IntField(m, "minor_units");
  if (currency.empty() && units == 0) return "";
  if (currency == "JPY" || currency == "KRW" || currency == "VND") {
    return absl::StrCat(units, " ", currency);
  }
  const char* sign = units < 0 ? "-" : "";
  uint64_t abs_units = units < 0 ? 0 - static_cast<uint64_t>(units) : units;
  return absl::StrFormat("%s%d.%02d %s", sign, abs_units / 100, abs_units % 100, currency);
}

std::string TimeText(const Message& m, bool is_duration) {
  absl::Duration d =
      absl::Seconds(IntField(m, "seconds")) + absl::Nanoseconds(IntField(m, "nanos"));
  if (is_duration) return absl::FormatDuration(d);
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", absl::UnixEpoch() + d, absl::UTCTimeZone());
}

std::string ValueMessageText(const Message& m, ValueKind kind) {
  switch (kind) {
    case ValueKind::kDate:
      return DateText(m);
    case ValueKind::kPeriod: {
      std::string start = SubText(m, "start_date"), end = SubText(m, "end_date");
      return start.empty() && end.empty() ? "" : absl::StrCat(start, "..", end);
    }
    case ValueKind::kMoney:
      return MoneyText(m);
    case ValueKind::kTimestamp:
      return TimeText(m, false);
    case ValueKind::kDuration:
      return TimeText(m, true);
    case ValueKind::kFieldMask:
      return SubText(m, "paths");
    case ValueKind::kWrapper:
      return SubText(m, "value");
    case ValueKind::kNone:
      break;
  }
  std::string json;
  google::protobuf::util::MessageToJsonString(m, &json);
  return json == "{}" ? "" : json;
}

// One element (index >= 0) or the singular value (index < 0) of a non-message field.
std::string ScalarText(const Message& m, const FieldDescriptor& f, int i) {
  const Reflection* r = m.GetReflection();
  bool rep = i >= 0;
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, &f, i) : r->GetString(m, &f);
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, &f, i) : r->GetBool(m, &f)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, &f, i) : r->GetInt32(m, &f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, &f, i) : r->GetInt64(m, &f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, &f, i) : r->GetUInt32(m, &f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, &f, i) : r->GetUInt64(m, &f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r->GetRepeatedFloat(m, &f, i) : r->GetFloat(m, &f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, &f, i) : r->GetDouble(m, &f));
    case FieldDescriptor::CPPTYPE_ENUM: {
      int n = rep ? r->GetRepeatedEnumValue(m, &f, i) : r->GetEnumValue(m, &f);
      const auto* v = f.enum_type()->FindValueByNumber(n);
      // The zero value (X_UNSPECIFIED) means "not set"; it reads better as an empty cell.
      if (!rep && n == 0) return "";
      return v != nullptr ? v->name() : absl::StrCat(n);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub = rep ? r->GetRepeatedMessage(m, &f, i) : r->GetMessage(m, &f);
      return ValueMessageText(sub, ValueKindOf(*f.message_type()));
    }
  }
  return "";
}

bool IsRecord(const FieldDescriptor& f) {
  return f.type() == FieldDescriptor::TYPE_MESSAGE && !f.is_map() &&
         ValueKindOf(*f.message_type()) == ValueKind::kNone;
}

void Flatten(const Message& m, const std::string& prefix, Rows* rows) {
  const Reflection* r = m.GetReflection();
  for (int i = 0; i < m.GetDescriptor()->field_count(); ++i) {
    const FieldDescriptor* f = m.GetDescriptor()->field(i);
    std::string path = prefix + f->name();
    if (IsRecord(*f) && !f->is_repeated() && r->HasField(m, f)) {
      Flatten(r->GetMessage(m, f), path + ".", rows);
    } else if (IsRecord(*f) && f->is_repeated() && r->FieldSize(m, f) > 0) {
      for (int j = 0; j < r->FieldSize(m, f); ++j) {
        Flatten(r->GetRepeatedMessage(m, f, j), absl::StrCat(path, "[", j, "]."), rows);
      }
    } else {
      std::string text = FieldText(m, *f);
      rows->emplace_back(path, text.empty() ? "-" : text);
    }
  }
}

std::string AlignedLines(const Rows& rows) {
  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, DisplayWidth(row.first));
  std::string out;
  for (const auto& [k, v] : rows) absl::StrAppend(&out, PadToWidth(k, width), "  ", v, "\n");
  return out;
}

// Resolves "period.start_date" against the element type: every step but the last must be a
// singular message.
absl::StatusOr<Chain> ResolveColumn(const Descriptor& type, const std::string& path) {
  Chain chain;
  const Descriptor* current = &type;
  for (absl::string_view seg : absl::StrSplit(path, '.')) {
    const FieldDescriptor* f =
        current == nullptr ? nullptr : current->FindFieldByName(std::string(seg));
    if (f == nullptr) {
      return InvalidField("--columns",
                          absl::StrCat("\"", path, "\" is not a field of ", type.full_name()));
    }
    chain.push_back(f);
    current = f->type() == FieldDescriptor::TYPE_MESSAGE && !f->is_repeated() ? f->message_type()
                                                                              : nullptr;
  }
  return chain;
}

std::string ChainText(const Message& m, const Chain& chain) {
  const Message* cur = &m;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    cur = &cur->GetReflection()->GetMessage(*cur, chain[i]);
  }
  return FieldText(*cur, *chain.back());
}

// Default columns: what fits in a cell, without the bookkeeping (etag, timestamps).
std::vector<Chain> DefaultColumns(const Descriptor& type) {
  std::vector<Chain> out;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    if (f->name() == "etag" || f->is_map() || IsRecord(*f)) continue;
    if (f->type() == FieldDescriptor::TYPE_MESSAGE &&
        ValueKindOf(*f->message_type()) == ValueKind::kTimestamp) {
      continue;
    }
    out.push_back({f});
  }
  return out;
}

std::string ColumnName(const Chain& chain) {
  std::vector<std::string> names;
  for (const auto* f : chain) names.push_back(f->name());
  return absl::AsciiStrToUpper(absl::StrJoin(names, "."));
}

using Grid = std::vector<std::vector<std::string>>;

std::string FormatGrid(const Grid& grid) {
  std::vector<size_t> widths(grid.front().size(), 0);
  for (const auto& row : grid) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  for (const auto& row : grid) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      absl::StrAppend(&line, c == 0 ? "" : "  ",
                      c + 1 == row.size() ? row[c] : PadToWidth(row[c], widths[c]));
    }
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

// The rows of the table; columns chosen by default are dropped when empty in every row.
Grid BuildGrid(const Message& response, const FieldDescriptor& list, std::vector<Chain> columns,
               bool drop_empty, size_t max_width) {
  const Reflection* r = response.GetReflection();
  int n = r->FieldSize(response, &list);
  Grid cells(n);
  std::vector<bool> used(columns.size(), !drop_empty);
  for (int i = 0; i < n; ++i) {
    for (size_t c = 0; c < columns.size(); ++c) {
      std::string text = ChainText(r->GetRepeatedMessage(response, &list, i), columns[c]);
      if (!text.empty()) used[c] = true;
      cells[i].push_back(text.empty() ? "-" : TruncateToWidth(text, max_width));
    }
  }
  Grid grid(n + 1);
  for (size_t c = 0; c < columns.size(); ++c) {
    if (!used[c]) continue;
    grid[0].push_back(ColumnName(columns[c]));
    for (int i = 0; i < n; ++i) grid[i + 1].push_back(cells[i][c]);
  }
  return grid;
}

absl::StatusOr<std::string> RenderList(const Message& response, const FieldDescriptor& list,
                                       const RenderOptions& options) {
  const Descriptor& element = *list.message_type();
  std::vector<Chain> columns;
  for (const auto& path : options.columns) {
    RMHUB_ASSIGN_OR_RETURN(Chain chain, ResolveColumn(element, path));
    columns.push_back(std::move(chain));
  }
  bool chosen = !columns.empty();
  if (!chosen) columns = DefaultColumns(element);
  std::string out;
  if (response.GetReflection()->FieldSize(response, &list) == 0) {
    out = absl::StrCat("(no ", list.name(), ")\n");
  } else {
    out = FormatGrid(BuildGrid(response, list, columns, !chosen, options.max_cell_width));
  }
  for (int i = 0; i < response.GetDescriptor()->field_count(); ++i) {
    const FieldDescriptor* f = response.GetDescriptor()->field(i);
    std::string text = f == &list ? "" : FieldText(response, *f);
    if (text.empty()) continue;
    absl::StrAppend(&out,
                    f->name() == "next_page_token" ? "\nmore: add page_token="
                                                   : absl::StrCat("\n", f->name(), ": "),
                    text, "\n");
  }
  return out;
}

}  // namespace

std::string FieldText(const Message& message, const FieldDescriptor& field) {
  const Reflection* r = message.GetReflection();
  if (field.is_repeated()) {
    std::vector<std::string> items;
    for (int i = 0; i < r->FieldSize(message, &field); ++i) {
      items.push_back(ScalarText(message, field, i));
    }
    return absl::StrJoin(items, ",");
  }
  if (field.type() == FieldDescriptor::TYPE_MESSAGE && !r->HasField(message, &field)) return "";
  return ScalarText(message, field, -1);
}

const FieldDescriptor* ListFieldOf(const Descriptor& type) {
  const FieldDescriptor* list = nullptr;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    if (!IsRecord(*f)) continue;  // scalars and one-word values go below the table
    if (!f->is_repeated() || list != nullptr) return nullptr;
    list = f;
  }
  return list;
}

absl::StatusOr<std::string> RenderText(const Message& response, const RenderOptions& options) {
  if (const FieldDescriptor* list = ListFieldOf(*response.GetDescriptor())) {
    return RenderList(response, *list, options);
  }
  if (!options.columns.empty()) {
    return InvalidField("--columns", "applies only to list responses");
  }
  if (response.GetDescriptor()->field_count() == 0) return std::string("OK\n");
  Rows rows;
  Flatten(response, "", &rows);
  return AlignedLines(rows);
}

std::string RenderJson(const Message& response) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(response, &out, options);
  if (!status.ok())
    return absl::StrCat("{\"error\": ", encoding::JsonQuote(std::string(status.message())), "}\n");
  return out;
}

}  // namespace rmhub::ctl
