#include "common/auth/json.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/encoding/json_quote.h"
#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the well-formed UTF-8 sequence starting at s[0] (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0.
size_t Utf8SequenceLength(absl::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  size_t n = c < 0x80                   ? 1
             : (c >= 0xC2 && c <= 0xDF) ? 2
             : (c >= 0xE0 && c <= 0xEF) ? 3
             : (c >= 0xF0 && c <= 0xF4) ? 4
                                        : 0;
  if (n == 0 || s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
  }
  if (n == 3 && c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
  if (n == 3 && c == 0xED && b(1) > 0x9F) return 0;  // surrogate
  if (n == 4 && c == 0xF0 && b(1) < 0x90) return 0;  // overlong
  if (n == 4 && c == 0xF4 && b(1) > 0x8F) return 0;  // above U+10FFFF
  return n;
}

class Parser {
 public:
  explicit Parser(absl::string_view text) : s_(text) {}

  absl::StatusOr<JsonValue> Document() {
    JsonValue value;
    if (!Value(value, 0)) return Error();
    SkipSpace();
    if (pos_ != s_.size()) return Error();
    return value;
  }

 private:
  absl::Status Error() const {
    return MakeError(absl::StatusCode::kInvalidArgument, "MALFORMED_JSON",
                     absl::StrCat("malformed JSON near offset ", pos_));
  }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Literal(absl::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool Value(JsonValue& out, int depth) {
    SkipSpace();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    // `depth` counts the containers around this value.
    if ((c == '{' || c == '[') && depth >= kMaxJsonDepth) return false;
    if (c == '{') return Object(out, depth);
    if (c == '[') return Array(out, depth);
    if (c == '"') {
      out.type = JsonValue::Type::kString;
      return String(out.text);
    }
    if (c == 't' || c == 'f') {
      out.type = JsonValue::Type::kBool;
      out.boolean = c == 't';
      return Literal(out.boolean ? "true" : "false");
    }
    if (c == 'n') {
      out.type = JsonValue::Type::kNull;
      return Literal("null");
    }
    out.type = JsonValue::Type::kNumber;
    return Number(out.text);
  }

  bool Object(JsonValue& out, int depth) {
    out.type = JsonValue::Type::kObject;
    ++pos_;  // '{'
    if (Consume('}')) return true;
    do {
      SkipSpace();
      std::string key;
      if (pos_ >= s_.size() || s_[pos_] != '"' || !String(key)) return false;
      if (out.Find(key) != nullptr) return false;  // duplicate key
      if (!Consume(':')) return false;
      JsonValue member;
      if (!Value(member, depth + 1)) return false;
      out.members.emplace_back(std::move(key), std::move(member));
    } while (Consume(','));
    return Consume('}');
  }

  bool Array(JsonValue& out, int depth) {
    out.type = JsonValue::Type::kArray;
    ++pos_;  // '['
    if (Consume(']')) return true;
    do {
      JsonValue item;
      if (!Value(item, depth + 1)) return false;
      out.items.push_back(std::move(item));
    } while (Consume(','));
    return Consume(']');
  }

  bool Hex4(uint32_t& out) {
    if (s_.size() - pos_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      int v = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (v < 0) return false;
      out = out * 16 + static_cast<uint32_t>(v);
    }
    return true;
  }

  // After "\u": one code point, joining a surrogate pair; lone surrogates are refused.
  bool UnicodeEscape(std::string& out) {
    uint32_t cp;
    if (!Hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low;
      if (!Literal("\\u") || !Hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(cp, out);
    return true;
  }

  bool Escape(std::string& out) {
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_++];
    switch (c) {
      case '"':
        out.push_back('"');
        return true;
      case '\\':
        out.push_back('\\');
        return true;
      case '/':
        out.push_back('/');
        return true;
      case 'b':
        out.push_back('\b');
        return true;
      case 'f':
        out.push_back('\f');
        return true;
      case 'n':
        out.push_back('\n');
        return true;
      case 'r':
        out.push_back('\r');
        return true;
      case 't':
        out.push_back('\t');
        return true;
      case 'u':
        return UnicodeEscape(out);
      default:
        return false;
    }
  }

  bool String(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++pos_;
        if (!Escape(out)) return false;
        continue;
      }
      size_t n = Utf8SequenceLength(s_.substr(pos_));
      if (n == 0) return false;
      out.append(s_.data() + pos_, n);
      pos_ += n;
    }
    return false;
  }

  size_t Digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ - start;
  }

  bool Number(std::string& out) {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (Digits() == 0) {
      return false;
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (Digits() == 0) return false;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (Digits() == 0) return false;
    }
    out.assign(s_.data() + start, pos_ - start);
    return true;
  }

  absl::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::Find(absl::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

absl::optional<int64_t> JsonValue::AsInt64() const {
  if (type != Type::kNumber) return absl::nullopt;
  if (text.find_first_of(".eE") != std::string::npos) return absl::nullopt;
  int64_t v;
  if (!absl::SimpleAtoi(text, &v)) return absl::nullopt;
  return v;
}

absl::optional<double> JsonValue::AsDouble() const {
  if (type != Type::kNumber) return absl::nullopt;
  double v;
  if (!absl::SimpleAtod(text, &v) || !std::isfinite(v)) return absl::nullopt;
  return v;
}

absl::StatusOr<JsonValue> ParseJson(absl::string_view text) { return Parser(text).Document(); }

void JsonObjectWriter::Key(absl::string_view key) {
  if (out_.size() > 1) out_.push_back(',');
  absl::StrAppend(&out_, encoding::JsonQuote(key), ":");
}

JsonObjectWriter& JsonObjectWriter::String(absl::string_view key, absl::string_view value) {
  Key(key);
  out_ += encoding::JsonQuote(value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Int(absl::string_view key, int64_t value) {
  Key(key);
  absl::StrAppend(&out_, value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::StringArray(absl::string_view key,
                                                const std::vector<std::string>& values) {
  Key(key);
  out_.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out_.push_back(',');
    out_ += encoding::JsonQuote(values[i]);
  }
  out_.push_back(']');
  return *this;
}

JsonObjectWriter& JsonObjectWriter::IntArray(absl::string_view key,
                                             const std::vector<int64_t>& values) {
  Key(key);
  out_.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out_.push_back(',');
    absl::StrAppend(&out_, values[i]);
  }
  out_.push_back(']');
  return *this;
}

}  // namespace rmhub::auth
