#pragma once
// The one place where absl::Status becomes grpc::Status (and back, for clients).
// Details follow AIP-193: google.rpc.Status in the grpc-status-details-bin trailer with
// ErrorInfo{reason, domain, metadata} and, for bad fields, BadRequest.field_violations.

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace rmhub::grpcx {

// The ErrorInfo.domain of this process, e.g. "team.rmhub". Set once in main().
void SetErrorDomain(std::string domain);
const std::string& ErrorDomain();

grpc::Status ToGrpcStatus(const absl::Status& status);

// Rebuilds an absl::Status, with reason, field violations and metadata, from a gRPC status
// received from another service.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace rmhub::grpcx
