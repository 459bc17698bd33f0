#include "common/pii/masking.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"

namespace rmhub::pii {
namespace {

// Splits UTF-8 into code points; a stray continuation or truncated sequence counts as one
// character of its own, so malformed input is still masked rather than passed through.
std::vector<absl::string_view> CodePoints(absl::string_view s) {
  std::vector<absl::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    n = std::min(n, s.size() - i);
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        n = k;
        break;
      }
    }
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string MaskMiddle(absl::string_view value, size_t keep_front, size_t keep_back,
                       size_t expected_length) {
  std::vector<absl::string_view> chars = CodePoints(absl::StripAsciiWhitespace(value));
  size_t n = chars.size();
  size_t front = keep_front;
  size_t back = keep_back;
  if (n != expected_length || front + back >= n) {
    size_t budget = n / 2;
    front = std::min(keep_front, budget / 2);
    back = std::min(keep_back, budget - front);
  }
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    bool shown = i < front || i >= n - back;
    if (shown) {
      out.append(chars[i].data(), chars[i].size());
    } else {
      out.push_back('*');
    }
  }
  return out;
}

std::string MaskNationalId(absl::string_view id) { return MaskMiddle(id, 3, 4, 18); }
std::string MaskCreditCode(absl::string_view code) { return MaskMiddle(code, 2, 4, 18); }
std::string MaskPhone(absl::string_view phone) { return MaskMiddle(phone, 3, 4, 11); }

std::string Mask(PiiKind kind, absl::string_view value) {
  switch (kind) {
    case PiiKind::kNationalId:
      return MaskNationalId(value);
    case PiiKind::kCreditCode:
      return MaskCreditCode(value);
    case PiiKind::kPhone:
      return MaskPhone(value);
  }
  return MaskMiddle(value, 0, 0, 0);
}

}  // namespace rmhub::pii
