#pragma once
// A closed-loop load generator: `concurrency` threads each issue one call after another for the
// measured window (after a warm-up that is not recorded). RunLoad drives TeamService.GetMember
// over a few HTTP/2 connections (threading_bench); RunOperations drives any call a caller can
// make — an RPC on its own stub, or a plain database read (customer_bench).

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace rmhub::bench {

struct LoadOptions {
  std::string target;  // "127.0.0.1:<port>"
  int concurrency = 1;
  int connections = 4;      // capped at concurrency
  int64_t id_range = 1000;  // ids are drawn uniformly from 1..id_range
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(5);
  absl::Duration call_timeout = absl::Seconds(5);
  // Called from the coordinating thread when the measured window opens and when it closes (e.g.
  // to read CPU counters); either may be empty.
  std::function<void()> at_measure_start;
  std::function<void()> at_measure_end;
};

struct LoadResult {
  int64_t ok = 0;
  std::map<std::string, int64_t> errors;             // by gRPC code name
  std::map<std::string, std::string> error_samples;  // one message per code, for diagnosis
  double seconds = 0;                                // the measured window
  double p50_ms = 0, p99_ms = 0, max_ms = 0;         // over successful calls
  double throughput() const { return seconds > 0 ? ok / seconds : 0; }
};

// One caller's call: draws what it needs from `rng`, makes one call and returns its status.
using Operation = std::function<grpc::Status(std::mt19937_64& rng)>;
// Builds the operation of caller `index` (0..concurrency-1) before any call is made, so each
// caller owns its stub and buffers and callers share nothing but the channels they are given.
using OperationFactory = std::function<Operation(int index)>;

// Runs options.concurrency callers of `make(i)` (target, connections and id_range unused).
LoadResult RunOperations(const LoadOptions& options, const OperationFactory& make);

// TeamService.GetMember with ids drawn from 1..id_range, over `connections` channels.
LoadResult RunLoad(const LoadOptions& options);

// `count` channels to `target` (at least one), each on its own TCP connection.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count);

// The q-quantile (0..1) of `sorted` by the nearest-rank method; 0 when empty.
double Quantile(const std::vector<double>& sorted, double q);

}  // namespace rmhub::bench
