#pragma once
// Test helpers for the metrics endpoint: a raw HTTP GET over loopback (no HTTP client dependency),
// a sample lookup in Prometheus text format, and `promtool check metrics`.

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace rmhub::testing {

// GET http://127.0.0.1:<port><path> with HTTP/1.0; the body when the status is 200. Reads are
// bounded by a socket timeout so a stuck server fails the test instead of hanging it.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path = "/metrics");

// The value of the sample `name{labels}` in exposition text (labels compared as a set, all of
// them); nullopt when there is no such sample.
std::optional<double> SampleValue(const std::string& text, const std::string& name,
                                  const std::map<std::string, std::string>& labels = {});

struct PromtoolResult {
  int exit_code = -1;
  std::string output;
};

// Runs `promtool check metrics` on `text`. An error (not a skip) when promtool is not installed:
// scripts/deps.sh installs it with Debian's `prometheus` package.
absl::StatusOr<PromtoolResult> PromtoolCheckMetrics(const std::string& text);

}  // namespace rmhub::testing
