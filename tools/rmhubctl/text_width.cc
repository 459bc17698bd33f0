#include "tools/rmhubctl/text_width.h"

#include <cstdint>

namespace rmhub::ctl {
namespace {

struct Rune {
  uint32_t code = 0;
  size_t bytes = 1;
};

// Decodes one UTF-8 sequence at the start of `s`; a malformed one is taken as a single byte.
Rune DecodeRune(absl::string_view s) {
  auto b = static_cast<unsigned char>(s[0]);
  size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || len > s.size()) return {b, 1};
  uint32_t code = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t i = 1; i < len; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c >> 6) != 0x2) return {b, 1};
    code = (code << 6) | (c & 0x3F);
  }
  return {code, len};
}

// East Asian Wide and Fullwidth blocks (UAX #11), the ones staff and customer names use.
bool IsWide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

size_t RuneWidth(uint32_t c) {
  // Combining marks take no column of their own.
  if (c >= 0x0300 && c <= 0x036F) return 0;
  return IsWide(c) ? 2 : 1;
}

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  while (!text.empty()) {
    Rune r = DecodeRune(text);
    width += RuneWidth(r.code);
    text.remove_prefix(r.bytes);
  }
  return width;
}

std::string TruncateToWidth(absl::string_view text, size_t max_width) {
  if (DisplayWidth(text) <= max_width) return std::string(text);
  if (max_width == 0) return std::string();
  std::string out;
  size_t width = 0;
  while (!text.empty()) {
    Rune r = DecodeRune(text);
    size_t w = RuneWidth(r.code);
    if (width + w > max_width - 1) break;  // keep one column for the ellipsis
    out.append(text.data(), r.bytes);
    width += w;
    text.remove_prefix(r.bytes);
  }
  return out + "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
}

std::string PadToWidth(absl::string_view text, size_t width) {
  std::string out(text);
  size_t have = DisplayWidth(text);
  if (have < width) out.append(width - have, ' ');
  return out;
}

}  // namespace rmhub::ctl
