// raw_select: the database floor of the external benchmark (tools/rmhub-bench/external/bench.sh).
// `--clients` threads each run the customer point-select (the columns GetCustomer reads, by
// primary key, autocommit, every column read; no needs, no protobuf, no decryption) one after
// another on a Connector/C++ pool of as many connections (common/db, as the services use it),
// for --duration after --warmup. Prints one line of key=value pairs:
//   ok=<n> errors=<n> seconds=<s> calls_per_s=<r> p50_ms=<ms> p99_ms=<ms> cpu_us_per_call=<us>
// (cpu: this process's user+system time over the measured window per successful call).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "tools/rmhub-bench/customer_bench_data.h"
#include "tools/rmhub-bench/load_client.h"

ABSL_FLAG(std::string, db_host, "127.0.0.1", "database host");
ABSL_FLAG(int, db_port, 3306, "database port");
ABSL_FLAG(std::string, db_user, "", "database user");
ABSL_FLAG(std::string, db_password_file, "", "file holding the password");
ABSL_FLAG(std::string, db_name, "", "the customer service's database");
ABSL_FLAG(int, clients, 8, "concurrent callers (and pool connections)");
ABSL_FLAG(int64_t, id, 1, "first customer id read");
ABSL_FLAG(int64_t, id_count, 1, "ids read are drawn uniformly from id .. id + id_count - 1");
ABSL_FLAG(bool, with_needs, false,
          "also fold the needs in with the repository's correlated subquery");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "not measured");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "measured window");

namespace {

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // As the services run (common/service/service_main.cc): no Mutex deadlock detection.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  rmhub::db::DbConfig db;
  db.host = absl::GetFlag(FLAGS_db_host);
  db.port = absl::GetFlag(FLAGS_db_port);
  db.user = absl::GetFlag(FLAGS_db_user);
  db.database = absl::GetFlag(FLAGS_db_name);
  const int clients = std::max(1, absl::GetFlag(FLAGS_clients));
  db.pool_size = clients;
  std::ifstream pw(absl::GetFlag(FLAGS_db_password_file));
  std::getline(pw, db.password);
  db.password = std::string(absl::StripAsciiWhitespace(db.password));
  auto pool = rmhub::db::ConnectionPool::Create(db);
  if (!pool.ok()) {
    std::cerr << "raw_select: " << pool.status() << "\n";
    return 2;
  }
  const int64_t first = absl::GetFlag(FLAGS_id);
  const int64_t count = std::max<int64_t>(1, absl::GetFlag(FLAGS_id_count));
  const bool with_needs = absl::GetFlag(FLAGS_with_needs);
  absl::Status probe = rmhub::bench::RawPointSelect(**pool, first, with_needs);
  if (!probe.ok()) {
    std::cerr << "raw_select: customer " << first << ": " << probe << "\n";
    return 2;
  }

  std::atomic<bool> measuring{false}, stop{false};
  std::atomic<int64_t> errors{0};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(i + 1);
      std::uniform_int_distribution<int64_t> ids(first, first + count - 1);
      while (!stop.load(std::memory_order_relaxed)) {
        absl::Time start = absl::Now();
        absl::Status s = rmhub::bench::RawPointSelect(**pool, ids(rng), with_needs);
        double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
        if (!measuring.load(std::memory_order_relaxed)) continue;
        if (s.ok()) {
          latencies[i].push_back(ms);
        } else {
          errors.fetch_add(1);
        }
      }
    });
  }
  absl::SleepFor(absl::GetFlag(FLAGS_warmup));
  double cpu0 = CpuSeconds();
  absl::Time t0 = absl::Now();
  measuring = true;
  absl::SleepFor(absl::GetFlag(FLAGS_duration));
  measuring = false;
  double seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  double cpu = CpuSeconds() - cpu0;
  stop = true;
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  const double ok = static_cast<double>(all.size());
  std::printf(
      "ok=%zu errors=%lld seconds=%.3f calls_per_s=%.0f p50_ms=%.3f p99_ms=%.3f "
      "cpu_us_per_call=%.1f\n",
      all.size(), static_cast<long long>(errors.load()), seconds, ok / seconds,
      rmhub::bench::Quantile(all, 0.5), rmhub::bench::Quantile(all, 0.99),
      ok > 0 ? cpu * 1e6 / ok : 0.0);
  return all.empty() ? 1 : 0;
}
