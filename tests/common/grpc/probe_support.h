#pragma once
// Test clients for the standard gRPC services a ServiceRunner installs (grpc.health.v1 and
// server reflection). Debian ships neither .proto, and linking a second copy of the reflection
// messages next to grpc++_reflection would clash in protobuf's generated pool, so these speak the
// wire format directly through GenericStub (messages encoded with UnknownFieldSet).

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace rmhub::testing {

// grpc.health.v1.HealthCheckResponse.ServingStatus values.
inline constexpr int kServing = 1;
inline constexpr int kNotServing = 2;
inline constexpr int kServiceUnknown = 3;

// Health.Check for `service` ("" = the whole server). The gRPC error as a status when the call
// fails (e.g. NOT_FOUND for a service the server never heard of).
absl::StatusOr<int> HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                const std::string& service,
                                absl::Duration timeout = absl::Seconds(10));

// Health.Watch for `service`, returning statuses as they arrive until one equals `until` (then the
// stream is cancelled) or the deadline passes (the statuses seen so far, the last not `until`).
// `on_status`, when given, is called with each status as it arrives.
absl::StatusOr<std::vector<int>> HealthWatchUntil(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service, int until,
    absl::Duration timeout = absl::Seconds(30),
    const std::function<void(int)>& on_status = nullptr);

// ServerReflection.ServerReflectionInfo with list_services: the full service names.
absl::StatusOr<std::vector<std::string>> ReflectionListServices(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout = absl::Seconds(10));

}  // namespace rmhub::testing
