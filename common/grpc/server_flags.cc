#include "common/grpc/server_flags.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/status/errors.h"

ABSL_FLAG(std::string, listen_address, "",
          "host:port for gRPC (default: the service's own, e.g. 0.0.0.0:50051 for team)");
ABSL_FLAG(std::string, metrics_address, "",
          "host:port for Prometheus /metrics (default: the service's own, e.g. 0.0.0.0:9101); "
          "\"off\" serves none");
ABSL_FLAG(std::string, health_address, "",
          "host:port of a plaintext listener serving grpc.health.v1 only, for kubelet's native "
          "gRPC probes when the main port uses TLS; empty = none");
ABSL_FLAG(int, max_threads, 0,
          "thread cap of sync services (server reflection), pollers included (default: the "
          "service's own)");
ABSL_FLAG(int, workers, 0,
          "threads that run calls taken from the call queue (default: the service's own, "
          "2 x db_pool_size)");
ABSL_FLAG(int, max_queue_length, 0,
          "calls that may wait for a worker; more are refused RESOURCE_EXHAUSTED (default 10000)");
ABSL_FLAG(absl::Duration, max_queue_wait, absl::ZeroDuration(),
          "longest wait for a worker, whatever the call's deadline (default 10s)");
ABSL_FLAG(absl::Duration, keepalive_time, absl::Minutes(1), "server keepalive ping interval");
ABSL_FLAG(absl::Duration, keepalive_timeout, absl::Seconds(20), "keepalive ping ack timeout");
ABSL_FLAG(absl::Duration, min_client_ping_interval, absl::Seconds(10),
          "the most often a client may ping without data before being told off");
ABSL_FLAG(int, max_message_bytes, 4 * 1024 * 1024, "largest request or response message");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(20),
          "how long in-flight calls may run after SIGTERM before they are cancelled");
ABSL_FLAG(absl::Duration, readiness_interval, absl::Seconds(2),
          "how often the readiness check (DB reachable, migrations applied) runs");
ABSL_FLAG(std::string, log_level, "info", "minimum log level: debug, info, warn, error");
ABSL_FLAG(bool, reflection, false,
          "serve gRPC server reflection (grpcurl, rmhubctl services); only with --dev_mode");

namespace rmhub::grpcx {

std::vector<absl::Status> CheckServerOptions(const ServerOptions& o) {
  std::vector<absl::Status> failed;
  auto keep = [&failed](absl::Status s) {
    if (!s.ok()) failed.push_back(std::move(s));
  };
  keep(config::CheckHostPort("listen_address", o.listen_address));
  if (!o.metrics_address.empty()) {
    keep(config::CheckHostPort("metrics_address", o.metrics_address));
  }
  if (!o.health_address.empty()) {
    keep(config::CheckHostPort("health_address", o.health_address));
  }
  // Below 4 the pollers would leave no thread for handlers.
  keep(config::CheckRange("max_threads", o.max_threads, 4, 10000));
  keep(config::CheckRange("workers", o.queue.workers, 1, 1024));
  keep(config::CheckRange("max_queue_length", o.queue.max_queue_length, 1, 1000000));
  keep(config::CheckPositive("max_queue_wait", o.queue.max_queue_wait));
  keep(config::CheckPositive("keepalive_time", o.keepalive_time));
  keep(config::CheckPositive("keepalive_timeout", o.keepalive_timeout));
  keep(config::CheckPositive("min_client_ping_interval", o.min_client_ping_interval));
  keep(config::CheckRange("max_message_bytes", o.max_message_bytes, 1024, 256 * 1024 * 1024));
  keep(config::CheckPositive("drain_timeout", o.drain_timeout));
  keep(config::CheckPositive("readiness_interval", o.readiness_interval));
  return failed;
}

bool IsLoopbackAddress(absl::string_view address) {
  if (absl::StartsWith(address, "unix:") || absl::StartsWith(address, "unix-abstract:")) {
    return true;
  }
  absl::string_view host = address;
  if (absl::ConsumePrefix(&host, "[")) {
    host = host.substr(0, host.find(']'));
  } else {
    host = host.substr(0, host.rfind(':'));
  }
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  std::string text(host);
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return bytes[0] == 127;
  static const unsigned char kV6Loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return inet_pton(AF_INET6, text.c_str(), bytes) == 1 &&
         std::equal(bytes, bytes + 16, kV6Loopback);
}

std::vector<absl::Status> CheckProductionServing(const ServerOptions& o, bool tls, bool dev_mode) {
  std::vector<absl::Status> failed;
  if (dev_mode) return failed;
  if (!tls && !IsLoopbackAddress(o.listen_address)) {
    failed.push_back(MakeError(
        absl::StatusCode::kInvalidArgument, "INVALID_CONFIG",
        absl::StrCat("--listen_address: plaintext gRPC on ", o.listen_address,
                     " is reachable from other machines: set --tls_cert_file and --tls_key_file "
                     "(and --tls_client_ca_file for mutual TLS), listen on 127.0.0.1, or set "
                     "--dev_mode for development")));
  }
  if (o.reflection) {
    failed.push_back(MakeError(absl::StatusCode::kInvalidArgument, "INVALID_CONFIG",
                               "--reflection: describes the whole API to anyone who connects; "
                               "allowed only with --dev_mode"));
  }
  return failed;
}

ServerOptions ServerOptionsFromFlags(ServerOptions o) {
  std::string listen = absl::GetFlag(FLAGS_listen_address);
  std::string metrics = absl::GetFlag(FLAGS_metrics_address);
  if (!listen.empty()) o.listen_address = listen;
  if (metrics == "off") {
    o.metrics_address.clear();
  } else if (!metrics.empty()) {
    o.metrics_address = metrics;
  }
  o.health_address = absl::GetFlag(FLAGS_health_address);
  if (absl::GetFlag(FLAGS_max_threads) != 0) o.max_threads = absl::GetFlag(FLAGS_max_threads);
  if (absl::GetFlag(FLAGS_workers) != 0) o.queue.workers = absl::GetFlag(FLAGS_workers);
  if (absl::GetFlag(FLAGS_max_queue_length) != 0) {
    o.queue.max_queue_length = absl::GetFlag(FLAGS_max_queue_length);
  }
  if (absl::GetFlag(FLAGS_max_queue_wait) != absl::ZeroDuration()) {
    o.queue.max_queue_wait = absl::GetFlag(FLAGS_max_queue_wait);
  }
  o.keepalive_time = absl::GetFlag(FLAGS_keepalive_time);
  o.keepalive_timeout = absl::GetFlag(FLAGS_keepalive_timeout);
  o.min_client_ping_interval = absl::GetFlag(FLAGS_min_client_ping_interval);
  o.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  o.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  o.readiness_interval = absl::GetFlag(FLAGS_readiness_interval);
  o.reflection = absl::GetFlag(FLAGS_reflection);
  std::vector<absl::Status> failed = CheckServerOptions(o);
  absl::StatusOr<log::Level> level = log::ParseLevel(absl::GetFlag(FLAGS_log_level));
  if (level.ok()) {
    log::SetMinLevel(*level);
  } else {
    failed.push_back(MakeError(absl::StatusCode::kInvalidArgument, "INVALID_CONFIG",
                               "--log_level: must be one of debug, info, warn, error"));
  }
  config::ExitIfInvalid(failed);
  return o;
}

}  // namespace rmhub::grpcx
