#include "common/metrics/grpc_server_interceptor.h"

#include <grpcpp/server_context.h>

#include <chrono>

#include "absl/strings/match.h"
#include "common/log/log.h"

namespace rmhub::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;
using grpc::experimental::ServerRpcInfo;

// From 0.5 ms (a cached read) to 10 s (beyond any deadline we set); base units are seconds.
const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

// Probes and reflection run every few seconds; their access lines would drown the real traffic.
bool IsInfrastructureService(absl::string_view service) {
  return absl::StartsWith(service, "grpc.health.") || absl::StartsWith(service, "grpc.reflection.");
}

// Server-side faults are errors; everything else (client mistakes included) is ordinary traffic.
log::Level AccessLevel(grpc::StatusCode code, absl::string_view service) {
  switch (code) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      return log::Level::kError;
    default:
      return IsInfrastructureService(service) ? log::Level::kDebug : log::Level::kInfo;
  }
}

// Milliseconds with three decimals read better than a double's 17 digits.
double RoundToMicros(double seconds) {
  return static_cast<double>(static_cast<int64_t>(seconds * 1e6)) / 1e6;
}

class ObservingInterceptor final : public grpc::experimental::Interceptor {
 public:
  ObservingInterceptor(ServerRpcInfo* info, GrpcServerMetrics::MethodSeries* series)
      : info_(info), series_(series), start_(std::chrono::steady_clock::now()) {
    if (series_ != nullptr) series_->Started();
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      AdoptRequestId(methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finish(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  // The handler reads the id from its client metadata; it gets exactly one: the client's first
  // id when that is a plain token, else a fresh one. The map holds string_refs, so the id lives in
  // this object, which the call owns until it ends.
  void AdoptRequestId(std::multimap<grpc::string_ref, grpc::string_ref>* md) {
    auto range = md->equal_range(kRequestIdHeader);
    if (range.first != range.second) {
      absl::string_view id(range.first->second.data(), range.first->second.size());
      if (grpcx::IsAcceptableRequestId(id)) request_id_ = std::string(id);
    }
    if (request_id_.empty()) request_id_ = grpcx::NewRequestId();
    md->erase(range.first, range.second);
    md->emplace(grpc::string_ref(kRequestIdHeader), grpc::string_ref(request_id_));
  }

  void Finish(grpc::StatusCode code) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (series_ != nullptr) series_->Handled(code, seconds);
    const char* full = info_->method() != nullptr ? info_->method() : "";
    log::Level level = AccessLevel(code, SplitFullMethod(full).first);
    if (!log::Enabled(level)) return;
    log::Log(level, "rpc",
             {{"method", full},
              {"code", GrpcCodeName(code)},
              {"latency_ms", RoundToMicros(seconds) * 1e3},
              {"request_id", request_id_},
              {"peer", info_->server_context()->peer()}});
  }

  ServerRpcInfo* info_;
  GrpcServerMetrics::MethodSeries* series_;
  std::chrono::steady_clock::time_point start_;
  std::string request_id_;
};

}  // namespace

absl::string_view GrpcTypeLabel(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unary";
}

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  static constexpr absl::string_view kNames[] = {"OK",
                                                 "CANCELLED",
                                                 "UNKNOWN",
                                                 "INVALID_ARGUMENT",
                                                 "DEADLINE_EXCEEDED",
                                                 "NOT_FOUND",
                                                 "ALREADY_EXISTS",
                                                 "PERMISSION_DENIED",
                                                 "RESOURCE_EXHAUSTED",
                                                 "FAILED_PRECONDITION",
                                                 "ABORTED",
                                                 "OUT_OF_RANGE",
                                                 "UNIMPLEMENTED",
                                                 "INTERNAL",
                                                 "UNAVAILABLE",
                                                 "DATA_LOSS",
                                                 "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

std::pair<absl::string_view, absl::string_view> SplitFullMethod(absl::string_view full_method) {
  absl::string_view m = full_method;
  if (!m.empty() && m.front() == '/') m.remove_prefix(1);
  size_t slash = m.find('/');
  if (slash == absl::string_view::npos || slash == 0 || slash + 1 == m.size()) {
    return {"unknown", full_method};
  }
  return {m.substr(0, slash), m.substr(slash + 1)};
}

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success "
                         "or failure.")
                   .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("Histogram of response latency (seconds) of gRPC that had been "
                         "application-level handled by the server.")
                   .Register(registry)) {}

GrpcServerMetrics::MethodSeries& GrpcServerMetrics::ForMethod(ServerRpcInfo::Type type,
                                                              absl::string_view full_method) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(full_method);
    if (it != methods_.end()) return *it->second;
  }
  absl::MutexLock lock(&mu_);
  auto& slot = methods_[full_method];
  if (slot == nullptr) {
    auto [service, method] = SplitFullMethod(full_method);
    slot = std::make_unique<MethodSeries>(*this, std::string(GrpcTypeLabel(type)),
                                          std::string(service), std::string(method));
  }
  return *slot;
}

GrpcServerMetrics::MethodSeries::MethodSeries(GrpcServerMetrics& owner, std::string type,
                                              std::string service, std::string method)
    : owner_(owner),
      type_(std::move(type)),
      service_(std::move(service)),
      method_(std::move(method)),
      started_(&owner.started_.Add(
          {{"grpc_type", type_}, {"grpc_service", service_}, {"grpc_method", method_}})) {}

void GrpcServerMetrics::MethodSeries::Handled(grpc::StatusCode code, double seconds) {
  size_t i = static_cast<size_t>(code) < kCodes ? static_cast<size_t>(code) : 2;  // UNKNOWN
  // `handled` is published after `hist`, so once it is seen the histogram is there too.
  prometheus::Counter* handled = handled_[i].load(std::memory_order_acquire);
  prometheus::Histogram* hist = seconds_[i].load(std::memory_order_acquire);
  if (handled == nullptr || hist == nullptr) {
    absl::MutexLock lock(&mu_);
    std::string code_name(GrpcCodeName(static_cast<grpc::StatusCode>(i)));
    hist = &owner_.seconds_.Add({{"grpc_type", type_},
                                 {"grpc_service", service_},
                                 {"grpc_method", method_},
                                 {"grpc_code", code_name}},
                                HandlingBuckets());
    handled = &owner_.handled_.Add({{"grpc_type", type_},
                                    {"grpc_service", service_},
                                    {"grpc_method", method_},
                                    {"grpc_code", code_name}});
    seconds_[i].store(hist, std::memory_order_release);
    handled_[i].store(handled, std::memory_order_release);
  }
  handled->Increment();
  hist->Observe(seconds);
}

grpc::experimental::Interceptor* ServerObservabilityFactory::CreateServerInterceptor(
    ServerRpcInfo* info) {
  GrpcServerMetrics::MethodSeries* series = nullptr;
  if (info->method() != nullptr) series = &metrics_->ForMethod(info->type(), info->method());
  return new ObservingInterceptor(info, series);
}

}  // namespace rmhub::metrics
