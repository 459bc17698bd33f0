#pragma once
// A closed-loop load generator: `concurrency` threads each issue one GetMember after another for
// the measured window (after a warm-up that is not recorded), over a few HTTP/2 connections.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace rmhub::bench {

struct LoadOptions {
  std::string target;        // "127.0.0.1:<port>"
  int concurrency = 1;
  int connections = 4;       // capped at concurrency
  int64_t id_range = 1000;   // ids are drawn uniformly from 1..id_range
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(5);
  absl::Duration call_timeout = absl::Seconds(5);
};

struct LoadResult {
  int64_t ok = 0;
  std::map<std::string, int64_t> errors;  // by gRPC code name
  std::map<std::string, std::string> error_samples;  // one message per code, for diagnosis
  double seconds = 0;                     // the measured window
  double p50_ms = 0, p99_ms = 0, max_ms = 0;  // over successful calls
  double throughput() const { return seconds > 0 ? ok / seconds : 0; }
};

LoadResult RunLoad(const LoadOptions& options);

// The q-quantile (0..1) of `sorted` by the nearest-rank method; 0 when empty.
double Quantile(const std::vector<double>& sorted, double q);

}  // namespace rmhub::bench
