#pragma once
// The server flags every service shares (each also settable as RMHUB_<NAME>; see
// common/config/config.h). A service's main() passes its own defaults (team: 0.0.0.0:50051 and
// metrics 0.0.0.0:9101); a flag left empty/zero keeps the service's default.
//
//   --listen_address  --metrics_address  --max_threads  --keepalive_time  --keepalive_timeout
//   --min_client_ping_interval  --max_message_bytes  --drain_timeout  --readiness_interval
//   --log_level  --reflection

#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/grpc/server.h"

namespace rmhub::grpcx {

// Options from the flags over `service_defaults`, and the log level applied to common/log.
// Checks every value and exits with status 2, naming each bad flag, if any is invalid.
ServerOptions ServerOptionsFromFlags(ServerOptions service_defaults);

// The start-up checks behind ServerOptionsFromFlags (empty when all pass).
std::vector<absl::Status> CheckServerOptions(const ServerOptions& options);

// True when `address` ("host:port", "[v6]:port", "unix:path") is reachable from this machine
// only: 127.0.0.0/8, ::1, localhost, unix sockets. "0.0.0.0" and "[::]" are every interface.
bool IsLoopbackAddress(absl::string_view address);

// What production refuses and --dev_mode allows (empty when all pass): plaintext gRPC on an
// address other machines can reach, and server reflection. Each message names the flags to set.
std::vector<absl::Status> CheckProductionServing(const ServerOptions& options, bool tls,
                                                 bool dev_mode);

}  // namespace rmhub::grpcx
