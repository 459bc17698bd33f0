#include "common/log/json_escape.h"

#include <cstdint>
#include <cstdio>

namespace rmhub::log {
namespace {

constexpr char kReplacement[] = "\\ufffd";

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one (overlong forms,
// surrogates and code points above U+10FFFF are rejected as RFC 3629 requires).
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b0 = byte(i);
  size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (len == 0 || b0 > 0xF4 || b0 == 0xC0 || b0 == 0xC1 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  uint8_t b1 = byte(i + 1);
  if (b0 == 0xE0 && b1 < 0xA0) return 0;  // overlong 3-byte form
  if (b0 == 0xED && b1 >= 0xA0) return 0;  // UTF-16 surrogate
  if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong 4-byte form
  if (b0 == 0xF4 && b1 >= 0x90) return 0;  // above U+10FFFF
  return len;
}

void AppendAsciiEscaped(std::string* out, char c) {
  switch (c) {
    case '"': out->append("\\\""); return;
    case '\\': out->append("\\\\"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    default: break;
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

}  // namespace rmhub::log
