#pragma once
// A minimal, strict JSON reader and writer for JWT headers and claim sets (RFC 8259).
// Strict on purpose, because what it reads is attacker-supplied: duplicate object keys (which
// different parsers resolve differently), invalid UTF-8, lone surrogates, trailing data and
// more than kMaxJsonDepth nested arrays/objects are all refused. Numbers keep their literal text
// so that 64-bit ids are read exactly, never through a double.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace rmhub::auth {

inline constexpr int kMaxJsonDepth = 16;

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type = Type::kNull;
  bool boolean = false;
  // The decoded string, or a number's literal text.
  std::string text;
  std::vector<JsonValue> items;
  // Object members in document order; keys are unique.
  std::vector<std::pair<std::string, JsonValue>> members;

  bool is_string() const { return type == Type::kString; }
  bool is_array() const { return type == Type::kArray; }
  bool is_object() const { return type == Type::kObject; }
  // The member named `key` of an object, or nullptr.
  const JsonValue* Find(absl::string_view key) const;
  // A number literal without fraction or exponent that fits int64.
  absl::optional<int64_t> AsInt64() const;
  // Any finite number.
  absl::optional<double> AsDouble() const;
};

// Parses one JSON document; INVALID_ARGUMENT (reason MALFORMED_JSON) when it is not strict JSON.
absl::StatusOr<JsonValue> ParseJson(absl::string_view text);

// Builds a flat JSON object in insertion order. Callers must not add a key twice.
class JsonObjectWriter {
 public:
  JsonObjectWriter& String(absl::string_view key, absl::string_view value);
  JsonObjectWriter& Int(absl::string_view key, int64_t value);
  JsonObjectWriter& StringArray(absl::string_view key, const std::vector<std::string>& values);
  JsonObjectWriter& IntArray(absl::string_view key, const std::vector<int64_t>& values);
  std::string Finish() const { return out_ + "}"; }

 private:
  void Key(absl::string_view key);
  std::string out_ = "{";
};

}  // namespace rmhub::auth
