#include "common/grpc/request_id.h"

#include <cstdio>
#include <random>

#include "absl/strings/ascii.h"

namespace rmhub::grpcx {

std::string NewRequestId() {
  // Per-thread engines: no lock on the request path. Ids need to be unique, not unguessable.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

bool IsAcceptableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  }
  return true;
}

}  // namespace rmhub::grpcx
