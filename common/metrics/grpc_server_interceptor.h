#pragma once
// The one server interceptor every RM Hub server installs. Per call it
//  - counts grpc_server_started_total and, when the status is sent, grpc_server_handled_total and
//    grpc_server_handling_seconds, labelled grpc_type/grpc_service/grpc_method(/grpc_code) as
//    the go-grpc-prometheus dashboards expect;
//  - makes sure the call has a request id: the client's `x-request-id` when it is a plain token,
//    otherwise a fresh one, visible to the handler in its client metadata and echoed back in the
//    response's initial metadata;
//  - writes one access-log line (method, code, latency_ms, request_id, peer) — never a body.
//
// Label children are created on a method's (and code's) first call and reused afterwards.

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/grpc/request_id.h"

namespace rmhub::metrics {

using grpcx::kRequestIdHeader;

// "unary", "client_stream", "server_stream", "bidi_stream".
absl::string_view GrpcTypeLabel(grpc::experimental::ServerRpcInfo::Type type);
// "OK", "INVALID_ARGUMENT", ... ("UNKNOWN" for values outside the enum).
absl::string_view GrpcCodeName(grpc::StatusCode code);
// "/rmhub.team.v1.TeamService/GetMember" → {"rmhub.team.v1.TeamService", "GetMember"}.
std::pair<absl::string_view, absl::string_view> SplitFullMethod(absl::string_view full_method);

// The three metric families, and their children per method.
class GrpcServerMetrics {
 public:
  explicit GrpcServerMetrics(prometheus::Registry& registry);

  class MethodSeries {
   public:
    MethodSeries(GrpcServerMetrics& owner, std::string type, std::string service,
                 std::string method);
    void Started() { started_->Increment(); }
    void Handled(grpc::StatusCode code, double seconds);

   private:
    static constexpr size_t kCodes = 17;  // grpc::StatusCode 0..16
    GrpcServerMetrics& owner_;
    std::string type_, service_, method_;
    prometheus::Counter* started_;
    absl::Mutex mu_;  // only taken the first time a code is seen
    std::array<std::atomic<prometheus::Counter*>, kCodes> handled_{};
    std::array<std::atomic<prometheus::Histogram*>, kCodes> seconds_{};
  };

  // The series of `full_method`, created on its first call.
  MethodSeries& ForMethod(grpc::experimental::ServerRpcInfo::Type type,
                          absl::string_view full_method);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodSeries>> methods_ ABSL_GUARDED_BY(mu_);
};

class ServerObservabilityFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerObservabilityFactory(std::shared_ptr<GrpcServerMetrics> metrics)
      : metrics_(std::move(metrics)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::shared_ptr<GrpcServerMetrics> metrics_;
};

}  // namespace rmhub::metrics
