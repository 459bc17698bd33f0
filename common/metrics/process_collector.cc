#include "common/metrics/process_collector.h"

#include <dirent.h>
#include <prometheus/client_metric.h>
#include <prometheus/metric_type.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace rmhub::metrics {
namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<double> CountEntries(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return std::nullopt;
  double n = 0;
  while (dirent* e = readdir(d)) {
    absl::string_view name = e->d_name;
    if (name != "." && name != "..") ++n;
  }
  closedir(d);
  return n;
}

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return prometheus::MetricFamily{name, help, type, {metric}};
}

}  // namespace

std::optional<ProcStat> ParseProcStat(absl::string_view text, long ticks_per_second) {
  size_t close = text.rfind(')');
  if (close == absl::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  // After ") " come fields 3 (state), 4, ...; field N is at index N - 3.
  std::vector<absl::string_view> f =
      absl::StrSplit(text.substr(close + 1), ' ', absl::SkipWhitespace());
  double utime = 0, stime = 0, start = 0;
  if (f.size() < 20 || !absl::SimpleAtod(f[14 - 3], &utime) ||
      !absl::SimpleAtod(f[15 - 3], &stime) || !absl::SimpleAtod(f[22 - 3], &start)) {
    return std::nullopt;
  }
  return ProcStat{(utime + stime) / ticks_per_second, start};
}

std::optional<std::pair<double, double>> ParseStatm(absl::string_view text) {
  std::vector<absl::string_view> f = absl::StrSplit(text, ' ', absl::SkipWhitespace());
  double size = 0, resident = 0;
  if (f.size() < 2 || !absl::SimpleAtod(f[0], &size) ||
      !absl::SimpleAtod(absl::StripTrailingAsciiWhitespace(f[1]), &resident)) {
    return std::nullopt;
  }
  return std::make_pair(size, resident);
}

std::optional<double> ParseBootTime(absl::string_view proc_stat) {
  for (absl::string_view line : absl::StrSplit(proc_stat, '\n')) {
    if (!absl::ConsumePrefix(&line, "btime ")) continue;
    double t = 0;
    if (absl::SimpleAtod(absl::StripAsciiWhitespace(line), &t)) return t;
  }
  return std::nullopt;
}

std::optional<double> ParseMaxOpenFiles(absl::string_view limits) {
  for (absl::string_view line : absl::StrSplit(limits, '\n')) {
    if (!absl::ConsumePrefix(&line, "Max open files")) continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    double soft = 0;
    if (!f.empty() && absl::SimpleAtod(f[0], &soft)) return soft;
    return std::nullopt;
  }
  return std::nullopt;
}

ProcessCollector::ProcessCollector(std::string proc_dir, std::string proc_root)
    : proc_dir_(std::move(proc_dir)), proc_root_(std::move(proc_root)) {}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  if (auto statm = ReadFile(proc_dir_ + "/statm")) {
    if (auto pages = ParseStatm(*statm)) {
      out.push_back(Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                           MetricType::Gauge, pages->first * page));
      out.push_back(Family("process_resident_memory_bytes", "Resident memory size in bytes.",
                           MetricType::Gauge, pages->second * page));
    }
  }
  const long ticks = sysconf(_SC_CLK_TCK);
  auto stat_text = ReadFile(proc_dir_ + "/stat");
  auto stat = stat_text ? ParseProcStat(*stat_text, ticks) : std::nullopt;
  if (stat) {
    out.push_back(Family("process_cpu_seconds_total",
                         "Total user and system CPU time spent in "
                         "seconds.",
                         MetricType::Counter, stat->cpu_seconds));
    auto boot_text = ReadFile(proc_root_ + "/stat");
    if (auto boot = boot_text ? ParseBootTime(*boot_text) : std::nullopt) {
      out.push_back(Family("process_start_time_seconds",
                           "Start time of the process since unix "
                           "epoch in seconds.",
                           MetricType::Gauge, *boot + stat->start_ticks / ticks));
    }
  }
  if (auto fds = CountEntries(proc_dir_ + "/fd")) {
    out.push_back(
        Family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, *fds));
  }
  auto limits = ReadFile(proc_dir_ + "/limits");
  if (auto max = limits ? ParseMaxOpenFiles(*limits) : std::nullopt) {
    out.push_back(Family("process_max_fds", "Maximum number of open file descriptors.",
                         MetricType::Gauge, *max));
  }
  return out;
}

}  // namespace rmhub::metrics
