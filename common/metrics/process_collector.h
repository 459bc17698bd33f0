#pragma once
// Process metrics under the names every Prometheus client library uses, so standard dashboards
// work: process_resident_memory_bytes, process_virtual_memory_bytes, process_cpu_seconds_total,
// process_open_fds, process_max_fds, process_start_time_seconds. Read from /proc at scrape time.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace rmhub::metrics {

// Fields of /proc/<pid>/stat that the collector needs.
struct ProcStat {
  double cpu_seconds = 0;  // utime + stime
  double start_ticks = 0;  // start time in clock ticks after boot
};

// Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and ')', so fields are
// counted from the last ')'. nullopt when the text is malformed.
std::optional<ProcStat> ParseProcStat(absl::string_view text, long ticks_per_second);
// (size_pages, resident_pages) from /proc/<pid>/statm.
std::optional<std::pair<double, double>> ParseStatm(absl::string_view text);
// The "btime" line of /proc/stat: boot time in seconds since the epoch.
std::optional<double> ParseBootTime(absl::string_view proc_stat);
// The soft "Max open files" limit of /proc/<pid>/limits ("unlimited" → nullopt).
std::optional<double> ParseMaxOpenFiles(absl::string_view limits);

class ProcessCollector final : public prometheus::Collectable {
 public:
  // `proc_dir` is "/proc/self" in production; a family whose source cannot be read is left out of
  // the scrape rather than reported as 0.
  explicit ProcessCollector(std::string proc_dir = "/proc/self", std::string proc_root = "/proc");
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::string proc_dir_;
  std::string proc_root_;
};

}  // namespace rmhub::metrics
