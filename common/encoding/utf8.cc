#include "common/encoding/utf8.h"

#include <cstdint>

namespace rmhub::encoding {

size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (len == 0 || b0 > 0xF4 || b0 == 0xC0 || b0 == 0xC1 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  uint8_t b1 = byte(i + 1);
  if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong 3-byte form
  if (b0 == 0xED && b1 >= 0xA0) return 0;  // UTF-16 surrogate
  if (b0 == 0xF0 && b1 < 0x90) return 0;   // overlong 4-byte form
  if (b0 == 0xF4 && b1 >= 0x90) return 0;  // above U+10FFFF
  return len;
}

absl::optional<size_t> CountCodePoints(absl::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    size_t len = Utf8SequenceLength(text, i);
    if (len == 0) return absl::nullopt;
    i += len;
  }
  return count;
}

}  // namespace rmhub::encoding
