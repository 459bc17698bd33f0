#pragma once
// What a failed command prints and how it exits. A failed call shows its code, its message, the
// ErrorInfo reason and metadata and every BadRequest field violation, decoded from the
// grpc-status-details-bin trailer by the shared status mapping.

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace rmhub::ctl {

// Exit statuses: 0 success, 1 a check that did not pass (health not SERVING), 2 a usage or local
// error (nothing was sent), 64 + the gRPC code for a failed call (as grpcurl does), so scripts
// can tell NOT_FOUND (69) from UNAVAILABLE (78).
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRpcBase = 64;

// "error: INVALID_ARGUMENT: <message>\n  reason: INVALID_FIELDS\n  field member.role: ...\n"
std::string FormatRpcError(const grpc::Status& status);
int ExitCodeFor(const grpc::Status& status);

// A local problem (bad arguments, unreadable file): "error: <field>: <description>" lines.
std::string FormatLocalError(const absl::Status& status);

}  // namespace rmhub::ctl
