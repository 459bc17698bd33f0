#include "common/grpc/server.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <exception>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/called_method.h"
#include "common/log/log.h"
#include "common/metrics/grpc_server_interceptor.h"
#include "common/status/errors.h"

namespace rmhub::grpcx {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

int Millis(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

// A readiness check that throws is a failing check, not a dead health thread.
absl::Status RunCheck(const std::function<absl::Status()>& check) {
  if (!check) return absl::OkStatus();
  try {
    return check();
  } catch (const std::exception&) {
    return Internal("READINESS_CHECK_THREW", "readiness check threw");
  }
}

// Loading grpc++_reflection registers its plugin for every server builder (a static initializer
// in the library), so "not asked for" has to take it out again.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(
        std::remove_if(plugins->begin(), plugins->end(),
                       [](const std::unique_ptr<grpc::ServerBuilderPlugin>& p) {
                         return dynamic_cast<grpc::reflection::ProtoServerReflectionPlugin*>(
                                    p.get()) != nullptr;
                       }),
        plugins->end());
  }
};

}  // namespace

ServiceRunner::ServiceRunner(ServerOptions options)
    : options_(std::move(options)), registry_(std::make_shared<prometheus::Registry>()) {
  BlockTerminationSignals();  // before the queue's workers start, so they inherit the mask
  call_queue_ = std::make_unique<CallQueue>(options_.queue, registry_.get());
  ready_gauge_ = &prometheus::BuildGauge()
                      .Name("rmhub_ready")
                      .Help(
                          "1 while the readiness check (database reachable, migrations "
                          "applied) passes, 0 otherwise")
                      .Register(*registry_)
                      .Add({});
  readiness_transitions_ = &prometheus::BuildCounter()
                                .Name("rmhub_readiness_transitions_total")
                                .Help(
                                    "Times the published readiness changed (flapping shows "
                                    "here)")
                                .Register(*registry_)
                                .Add({});
}

ServiceRunner::~ServiceRunner() { Stop(); }

void ServiceRunner::BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void ServiceRunner::AddService(grpc::Service* service, const std::string& full_name) {
  services_.emplace_back(service, full_name);
}

void ServiceRunner::SetReadinessCheck(std::function<absl::Status()> check) {
  readiness_check_ = std::move(check);
}

absl::Status ServiceRunner::StartMetrics() {
  if (options_.metrics_address.empty()) return absl::OkStatus();
  auto metrics = metrics::MetricsServer::Start(options_.metrics_address, registry_);
  if (!metrics.ok()) return metrics.status();
  metrics_ = std::move(*metrics);
  process_collector_ = std::make_shared<metrics::ProcessCollector>();
  metrics_->Add(process_collector_);
  return absl::OkStatus();
}

std::unique_ptr<grpc::ServerBuilder> ServiceRunner::MakeBuilder() {
  auto builder = std::make_unique<grpc::ServerBuilder>();
  builder->AddListeningPort(
      options_.listen_address,
      options_.credentials ? options_.credentials : grpc::InsecureServerCredentials(), &port_);
  for (auto& [service, name] : services_) builder->RegisterService(service);
  if (!options_.reflection) builder->SetOption(std::make_unique<WithoutReflection>());
  grpc::ResourceQuota quota("rmhub-server");
  quota.SetMaxThreads(options_.max_threads);
  builder->SetResourceQuota(quota);
  // One completion queue keeps the thread arithmetic predictable: one thread always polls, the
  // rest of max_threads run handlers. Idle threads stay (as pollers) instead of exiting.
  builder->SetSyncServerOption(grpc::ServerBuilder::NUM_CQS, 1);
  builder->SetSyncServerOption(grpc::ServerBuilder::MIN_POLLERS, 1);
  builder->SetSyncServerOption(grpc::ServerBuilder::MAX_POLLERS, options_.max_pollers > 0
                                                                     ? options_.max_pollers
                                                                     : options_.max_threads);
  builder->SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder->SetMaxSendMessageSize(options_.max_message_bytes);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(options_.keepalive_time));
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(options_.keepalive_timeout));
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                              options_.keepalive_permit_without_calls ? 1 : 0);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                              Millis(options_.min_client_ping_interval));
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<auth::CalledMethodRecorder>());
  factories.push_back(std::make_unique<metrics::ServerObservabilityFactory>(
      std::make_shared<metrics::GrpcServerMetrics>(*registry_)));
  builder->experimental().SetInterceptorCreators(std::move(factories));
  return builder;
}

absl::Status ServiceRunner::Start() {
  if (server_ != nullptr || draining()) {
    return FailedPrecondition("ALREADY_STARTED", "the server was started before");
  }
  for (const auto& [service, name] : services_) {
    if (google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name) == nullptr) {
      return InvalidField("service", absl::StrCat("no proto service named ", name));
    }
  }
  RMHUB_RETURN_IF_ERROR(StartMetrics());
  // Both are process-wide switches read when a builder is created.
  grpc::EnableDefaultHealthCheckService(true);
  if (options_.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  server_ = MakeBuilder()->BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return Unavailable("LISTEN_FAILED", absl::StrCat("cannot listen on ", options_.listen_address));
  }
  if (!options_.health_address.empty()) {
    // Its own builder: only the default health service, no interceptors, no reflection.
    grpc::ServerBuilder health;
    health.AddListeningPort(options_.health_address, grpc::InsecureServerCredentials(),
                            &health_port_);
    health.SetOption(std::make_unique<WithoutReflection>());
    health_unimplemented_ = std::make_unique<grpc::CallbackGenericService>();
    health.RegisterCallbackGenericService(health_unimplemented_.get());
    health_server_ = health.BuildAndStart();
    if (health_server_ == nullptr || health_port_ == 0) {
      health_server_.reset();
      server_->Shutdown();
      server_.reset();
      return Unavailable("LISTEN_FAILED",
                         absl::StrCat("cannot listen on ", options_.health_address));
    }
  }
  PublishHealth(false);  // not ready until the first check passes
  readiness_thread_ = std::thread([this] { ReadinessLoop(); });
  log::Info("server started", {{"port", port_},
                               {"metrics_port", metrics_port()},
                               {"workers", options_.queue.workers},
                               {"max_queue_length", options_.queue.max_queue_length}});
  return absl::OkStatus();
}

void ServiceRunner::PublishHealth(bool serving) {
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    if (server == nullptr) continue;
    grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
    if (health == nullptr) continue;
    health->SetServingStatus(kLivenessService, true);
    health->SetServingStatus("", serving);
    for (const auto& [service, name] : services_) health->SetServingStatus(name, serving);
  }
  ready_gauge_->Set(serving ? 1 : 0);
}

void ServiceRunner::RefreshHealth() {
  if (server_ == nullptr || draining()) return;
  absl::Status ready = RunCheck(readiness_check_);
  absl::MutexLock lock(&mu_);
  // Under the lock so a drain cannot slip in between the check and the publication.
  if (stopping_) return;
  PublishHealth(ready.ok());
  int now = ready.ok() ? 1 : 0;
  if (now == last_serving_) return;
  if (last_serving_ != -1) readiness_transitions_->Increment();
  last_serving_ = now;
  if (ready.ok()) {
    log::Info("ready", {{"health", "SERVING"}});
  } else {
    log::Warn("not ready", {{"health", "NOT_SERVING"},
                            {"code", absl::StatusCodeToString(ready.code())},
                            {"reason", ErrorReason(ready)}});
  }
}

void ServiceRunner::ReadinessLoop() {
  for (;;) {
    RefreshHealth();
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.readiness_interval);
    if (stopping_) return;
  }
}

void ServiceRunner::Drain() {
  draining_.store(true);
  log::Info("draining", {{"drain_timeout_ms", absl::ToInt64Milliseconds(options_.drain_timeout)}});
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    // Shutdown() marks every service NOT_SERVING and ignores later updates.
    for (grpc::Server* server : {server_.get(), health_server_.get()}) {
      if (server != nullptr && server->GetHealthCheckService() != nullptr) {
        server->GetHealthCheckService()->Shutdown();
      }
    }
  }
  if (readiness_thread_.joinable()) readiness_thread_.join();
  if (server_ != nullptr) {
    // Stops accepting at once; in-flight calls get until the deadline, then are cancelled.
    server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.drain_timeout));
    server_->Wait();
  }
  if (health_server_ != nullptr) {
    health_server_->Shutdown(absl::ToChronoTime(absl::Now()));
    health_server_->Wait();
  }
  // Every call has been answered (Wait returns after the last reactor finished).
  call_queue_->Stop();
  log::Info("stopped");
}

void ServiceRunner::RequestStop() {
  // Notification::Notify must run once; Stop() and the signal waiter may race to it.
  if (!stop_flag_.exchange(true)) stop_requested_.Notify();
}

void ServiceRunner::Stop() {
  RequestStop();
  std::call_once(drain_once_, [this] { Drain(); });
}

int ServiceRunner::RunUntilSignal() {
  if (server_ == nullptr) {
    absl::Status started = Start();
    if (!started.ok()) {
      log::Error("cannot start", {{"code", absl::StatusCodeToString(started.code())},
                                  {"error", started.message()}});
      return 1;
    }
  }
  std::atomic<bool> signalled{false};
  std::atomic<bool> waking{false};
  std::thread waiter([this, &signalled, &waking] {
    sigset_t set = TerminationSignals();
    int sig = 0;
    sigwait(&set, &sig);
    signalled.store(true);
    if (waking.load()) return;
    log::Info("signal received", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    RequestStop();
  });
  stop_requested_.WaitForNotification();
  if (!signalled.load()) {
    // Stopped by Stop(): wake the waiter with a signal sent to it alone (the mask keeps it
    // pending until its sigwait takes it).
    waking.store(true);
    pthread_kill(waiter.native_handle(), SIGTERM);
  }
  waiter.join();
  Stop();
  return 0;
}

}  // namespace rmhub::grpcx
