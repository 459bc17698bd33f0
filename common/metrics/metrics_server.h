#pragma once
// The process's Prometheus endpoint: GET /metrics on its own port, apart from the gRPC port, so
// scrapes never compete with RPCs for server threads and the port can stay cluster-internal.

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace rmhub::metrics {

class MetricsServer {
 public:
  // Listens on `address` ("0.0.0.0:9101"; "127.0.0.1:0" picks a free port) and serves `registry`.
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& address, std::shared_ptr<prometheus::Registry> registry);

  // Serves another collectable (e.g. the process collector) on the same page. The server keeps a
  // weak reference: the caller keeps the collectable alive.
  void Add(const std::shared_ptr<prometheus::Collectable>& collectable);

  // The bound port (the real one when 0 was asked for).
  int port() const { return port_; }
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                std::shared_ptr<prometheus::Registry> registry, int port)
      : exposer_(std::move(exposer)), registry_(std::move(registry)), port_(port) {}

  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Registry> registry_;
  int port_;
};

}  // namespace rmhub::metrics
