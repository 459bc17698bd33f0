#include "common/encoding/uuid.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_format.h"

namespace rmhub::encoding {
namespace {

using Bytes = std::array<uint8_t, 16>;

// Namespace of RM Hub's name-based ids (itself a random UUID, fixed forever: changing it
// changes every name-based id).
constexpr Bytes kNamespace = {0x6f, 0x1c, 0x2a, 0x5e, 0x93, 0x44, 0x4d, 0x0b,
                              0xa7, 0x2e, 0x51, 0xc8, 0x0d, 0x3f, 0x77, 0x19};

std::string Format(Bytes b, int version) {
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | (version << 4));
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return absl::StrFormat("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                         b[12], b[13], b[14], b[15]);
}

}  // namespace

std::string NewUuidV4() {
  Bytes b;
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) std::abort();
  return Format(b, 4);
}

std::string NameBasedUuid(absl::string_view name) {
  std::string input(reinterpret_cast<const char*>(kNamespace.data()), kNamespace.size());
  input.append(name.data(), name.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // SHA-1 because RFC 4122 version 5 defines it; this is an identifier, not a security hash.
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
    std::abort();
  }
  Bytes b;
  for (size_t i = 0; i < b.size(); ++i) b[i] = digest[i];
  return Format(b, 5);
}

}  // namespace rmhub::encoding
