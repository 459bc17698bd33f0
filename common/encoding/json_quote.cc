#include "common/encoding/json_quote.h"

#include <cstdint>
#include <cstdio>

#include "common/encoding/utf8.h"

namespace rmhub::encoding {
namespace {

constexpr char kReplacement[] = "\\ufffd";

void AppendAsciiEscaped(std::string* out, char c) {
  switch (c) {
    case '"':
      out->append("\\\"");
      return;
    case '\\':
      out->append("\\\\");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    case '\b':
      out->append("\\b");
      return;
    case '\f':
      out->append("\\f");
      return;
    default:
      break;
  }
  if (static_cast<uint8_t>(c) < 0x20 || c == 0x7F) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(static_cast<uint8_t>(c)));
    out->append(buf);
    return;
  }
  out->push_back(c);
}

// Printable ASCII that JSON takes as it is.
bool Plain(char c) {
  const auto b = static_cast<uint8_t>(c);
  return b >= 0x20 && b < 0x7F && c != '"' && c != '\\';
}

}  // namespace

void AppendJsonString(std::string* out, absl::string_view value) {
  out->reserve(out->size() + value.size() + 2);
  out->push_back('"');
  for (size_t i = 0; i < value.size();) {
    // Runs of plain characters (nearly every log value) are copied at once.
    size_t run = i;
    while (run < value.size() && Plain(value[run])) ++run;
    if (run > i) {
      out->append(value.data() + i, run - i);
      i = run;
      continue;
    }
    if (static_cast<uint8_t>(value[i]) < 0x80) {
      AppendAsciiEscaped(out, value[i]);
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(value, i);
    if (len == 0) {
      out->append(kReplacement);
      ++i;
      continue;
    }
    out->append(value.data() + i, len);
    i += len;
  }
  out->push_back('"');
}

std::string JsonQuote(absl::string_view value) {
  std::string out;
  AppendJsonString(&out, value);
  return out;
}

}  // namespace rmhub::encoding
