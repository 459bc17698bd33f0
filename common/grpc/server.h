#pragma once
// ServiceRunner: how every RM Hub service serves. main() wires it like this:
//
//   rmhub::grpcx::ServiceRunner runner(options);   // first: blocks SIGTERM/SIGINT for all threads
//   ... build the pool (runner.registry() for its gauges), repository, services ...
//   runner.AddService(&team_grpc, rmhub::team::v1::TeamService::service_full_name());
//   runner.SetReadinessCheck([&] { return pool.Ping(); });
//   return runner.RunUntilSignal();
//
// What it sets up: the CallQueue that callback services hand their calls to (grpcx::ServeQueued;
// workers sized to the DB pool, see docs/decisions.md, "Server model"), a small sync thread
// quota for sync services, explicit keepalive and message-size limits, the default
// grpc.health.v1 service, server reflection when asked for, the metrics/access-log interceptor,
// the called-method recorder the authenticator needs (common/auth/called_method.h), and a
// Prometheus endpoint on its own port with process metrics.
//
// Health: a background thread runs the readiness check every `readiness_interval` and reports
// SERVING for "" and every registered service only while it returns OK. Draining reports
// NOT_SERVING at once, then stops accepting calls and lets in-flight calls finish until
// `drain_timeout`, after which they are cancelled.

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/grpc/call_queue.h"
#include "common/metrics/metrics_server.h"
#include "common/metrics/process_collector.h"

namespace rmhub::grpcx {

struct ServerOptions {
  // Where gRPC listens; port 0 picks a free one (tests).
  std::string listen_address = "127.0.0.1:0";
  // Where /metrics is served; empty serves none (the registry still collects).
  std::string metrics_address = "127.0.0.1:0";
  // Workers, queue bound and longest queue wait of the CallQueue that runs the services' calls.
  CallQueueOptions queue;
  // The thread cap (pollers included) of sync services: server reflection and test services.
  // The RM Hub services are callback services and wait in `queue` instead.
  int max_threads = 16;
  // Idle sync-server threads beyond this many exit and are created again under load; 0 keeps
  // up to max_threads alive. gRPC's default (2) costs a thread start per call under load
  // (docs/benchmarks.md), so 0 is the default here.
  int max_pollers = 0;
  // Server pings an idle connection after keepalive_time and drops it if no ack within
  // keepalive_timeout; it lets clients ping no more often than min_client_ping_interval.
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  bool keepalive_permit_without_calls = true;
  absl::Duration min_client_ping_interval = absl::Seconds(10);
  int max_message_bytes = 4 * 1024 * 1024;
  absl::Duration drain_timeout = absl::Seconds(20);
  absl::Duration readiness_interval = absl::Seconds(2);
  // TLS/mTLS credentials; null serves plaintext (local stack and tests).
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // A second, plaintext listener that serves grpc.health.v1 only (kubelet's native gRPC probes
  // cannot speak TLS); empty serves none. It carries the same statuses as the main server.
  std::string health_address;
  // Server reflection lists every method and message to anyone who connects: development only
  // (service_main refuses --reflection without --dev_mode). Once on, it stays on process-wide.
  bool reflection = false;
};

class ServiceRunner {
 public:
  explicit ServiceRunner(ServerOptions options);
  ~ServiceRunner();  // Stop()s if still running
  ServiceRunner(const ServiceRunner&) = delete;
  ServiceRunner& operator=(const ServiceRunner&) = delete;

  // Blocks SIGTERM and SIGINT in the calling thread, so threads created afterwards inherit the
  // mask and RunUntilSignal can sigwait for them. The constructor calls it; call it earlier if
  // main creates threads before the runner.
  static void BlockTerminationSignals();

  // Before Start. `full_name` is the proto service name ("rmhub.team.v1.TeamService"); it must
  // be a service the linked protos define. The runner does not own `service`.
  void AddService(grpc::Service* service, const std::string& full_name);
  // Before Start. Without one the server is ready as soon as it listens.
  void SetReadinessCheck(std::function<absl::Status()> check);

  // Starts the metrics endpoint and the server. UNAVAILABLE if an address cannot be bound,
  // INVALID_ARGUMENT for an unknown service name, FAILED_PRECONDITION if already started.
  absl::Status Start();

  // Blocks until SIGTERM/SIGINT (or Stop()), drains, and returns the exit code: 0 after a drain,
  // 1 if the server could not start.
  int RunUntilSignal();
  // Drains and stops; idempotent and safe from any thread. Returns once the server has stopped.
  void Stop();

  // Runs the readiness check now and publishes the result (the background thread does this every
  // readiness_interval). Does nothing once draining has started.
  void RefreshHealth();

  // The health service name that answers SERVING from start until the drain, whatever the
  // database says: the liveness probe asks for it, so a database outage does not restart pods.
  static constexpr char kLivenessService[] = "liveness";

  int port() const { return port_; }
  int health_port() const { return health_port_; }
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }
  bool draining() const { return draining_.load(); }
  // The process's one registry, available before Start for business and pool metrics.
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }
  // Where callback services queue their calls (grpcx::ServeQueued); available before Start and
  // stopped after the drain, once every call has been answered.
  CallQueue& call_queue() { return *call_queue_; }
  grpc::Server* server() { return server_.get(); }

 private:
  absl::Status StartMetrics();
  std::unique_ptr<grpc::ServerBuilder> MakeBuilder();
  void PublishHealth(bool serving);
  void ReadinessLoop();
  void Drain();
  void RequestStop();

  const ServerOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<CallQueue> call_queue_;
  std::shared_ptr<metrics::ProcessCollector> process_collector_;
  std::unique_ptr<metrics::MetricsServer> metrics_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::function<absl::Status()> readiness_check_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> health_server_;  // health_address, grpc.health.v1 only
  // Answers UNIMPLEMENTED for any other method on the health port (and gives that server a
  // polled completion queue: gRPC refuses to build a server without a service of its own).
  std::unique_ptr<grpc::CallbackGenericService> health_unimplemented_;
  int health_port_ = 0;
  prometheus::Gauge* ready_gauge_ = nullptr;
  prometheus::Counter* readiness_transitions_ = nullptr;
  std::thread readiness_thread_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> stop_flag_{false};
  absl::Notification stop_requested_;
  std::once_flag drain_once_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int last_serving_ ABSL_GUARDED_BY(mu_) = -1;  // -1 unknown, 0 not serving, 1 serving
};

}  // namespace rmhub::grpcx
