// threading_bench: measures the sync-with-thread-cap and callback-with-worker-pool server shapes
// on a DB-backed read at several client concurrencies, and prints a Markdown table.
// See docs/benchmarks.md for how it is run and what it found.
//
//   threading_bench --mysql_port=3307 --mysql_user=rmhub_bench --mysql_password=...
//                   [--modes=sync,sync-strict,sync-4x,sync-wide,callback] [--concurrency=1,8,32,64]

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/config/config.h"
#include "common/db/connection_pool.h"
#include "common/grpc/server.h"
#include "common/log/log.h"
#include "tools/rmhub-bench/bench_servers.h"
#include "tools/rmhub-bench/load_client.h"

ABSL_FLAG(std::string, mysql_host, "127.0.0.1", "MariaDB host");
ABSL_FLAG(int, mysql_port, 3307, "MariaDB port");
ABSL_FLAG(std::string, mysql_user, "root", "MariaDB user");
ABSL_FLAG(std::string, mysql_password, "", "MariaDB password");
ABSL_FLAG(std::string, mysql_database, "rmhub_bench",
          "database holding bench_members (must exist)");
ABSL_FLAG(int, pool_size, 8, "database connections");
ABSL_FLAG(int64_t, rows, 1000, "rows in bench_members; reads pick ids uniformly");
ABSL_FLAG(std::string, modes, "sync,sync-strict,sync-4x,sync-wide,callback",
          "server shapes to measure");
ABSL_FLAG(std::string, concurrency, "1,8,32,64", "client concurrencies");
ABSL_FLAG(int, connections, 4, "HTTP/2 connections the client spreads calls over");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "unrecorded warm-up per level");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "measured window per level");
ABSL_FLAG(int, callback_queue, 1024, "callback mode: worker queue bound");
ABSL_FLAG(int, max_pollers, 0,
          "sync modes: idle threads kept polling; 0 = max_threads (the ServiceRunner default), "
          "2 = gRPC's own default");

namespace {

using rmhub::bench::LoadOptions;
using rmhub::bench::LoadResult;

bool IsKnownMode(absl::string_view mode) {
  return mode == "sync" || mode == "sync-strict" || mode == "sync-4x" || mode == "sync-wide" ||
         mode == "callback";
}

// max_threads for a sync mode: pollers count against the cap (one is always polling), so
// pool + 1 gives exactly one handler per connection.
int SyncThreads(const std::string& mode, int pool) {
  if (mode == "sync-strict") return pool + 1;
  if (mode == "sync-4x") return pool * 4 + 1;
  if (mode == "sync-wide") return pool * 8 + 1;
  return pool + 4;  // "sync": what common/service/service_main.cc configures
}

std::unique_ptr<grpc::Service> MakeService(const std::string& mode,
                                           rmhub::db::ConnectionPool& pool) {
  if (mode == "callback") {
    return std::make_unique<rmhub::bench::CallbackMemberService>(
        pool, pool.size(), static_cast<size_t>(absl::GetFlag(FLAGS_callback_queue)));
  }
  return std::make_unique<rmhub::bench::SyncMemberService>(pool);
}

std::string Errors(const LoadResult& r) {
  std::vector<std::string> parts;
  for (const auto& [code, n] : r.errors) parts.push_back(absl::StrCat(code, " ", n));
  return parts.empty() ? "0" : absl::StrJoin(parts, ", ");
}

int RunMode(const std::string& mode, rmhub::db::ConnectionPool& pool,
            const std::vector<int>& levels) {
  rmhub::grpcx::ServerOptions options;
  options.metrics_address = "";  // not measured here, and it would add a scrape thread
  options.max_threads = SyncThreads(mode, pool.size());
  options.max_pollers = absl::GetFlag(FLAGS_max_pollers);
  auto service = MakeService(mode, pool);
  rmhub::grpcx::ServiceRunner runner(options);
  runner.AddService(service.get(), rmhub::team::v1::TeamService::service_full_name());
  absl::Status started = runner.Start();
  if (!started.ok()) {
    std::fprintf(stderr, "cannot start %s: %s\n", mode.c_str(), started.ToString().c_str());
    return 1;
  }
  for (int c : levels) {
    LoadOptions load;
    load.target = absl::StrCat("127.0.0.1:", runner.port());
    load.concurrency = c;
    load.connections = absl::GetFlag(FLAGS_connections);
    load.id_range = absl::GetFlag(FLAGS_rows);
    load.warmup = absl::GetFlag(FLAGS_warmup);
    load.duration = absl::GetFlag(FLAGS_duration);
    LoadResult r = rmhub::bench::RunLoad(load);
    std::printf("| %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %s |\n", mode.c_str(),
                mode == "callback" ? pool.size() : options.max_threads, c, r.throughput(), r.p50_ms,
                r.p99_ms, r.max_ms, Errors(r).c_str());
    std::fflush(stdout);
    for (const auto& [code, message] : r.error_samples) {
      std::fprintf(stderr, "  %s c=%d: %s e.g. \"%s\"\n", mode.c_str(), c, code.c_str(),
                   message.c_str());
    }
  }
  runner.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  rmhub::grpcx::ServiceRunner::BlockTerminationSignals();
  rmhub::config::ParseFlagsWithEnv(argc, argv, "threading_bench: sync vs callback on a DB read");
  rmhub::log::SetMinLevel(rmhub::log::Level::kWarning);  // no access log per call
  std::vector<int> levels;
  for (absl::string_view s : absl::StrSplit(absl::GetFlag(FLAGS_concurrency), ',')) {
    int c = 0;
    if (!absl::SimpleAtoi(s, &c) || c <= 0) {
      std::fprintf(stderr, "--concurrency: bad level\n");
      return 2;
    }
    levels.push_back(c);
  }
  for (absl::string_view mode : absl::StrSplit(absl::GetFlag(FLAGS_modes), ',')) {
    if (!IsKnownMode(mode)) {
      std::fprintf(stderr, "--modes: unknown mode %s\n", std::string(mode).c_str());
      return 2;
    }
  }
  rmhub::db::DbConfig db;
  db.host = absl::GetFlag(FLAGS_mysql_host);
  db.port = absl::GetFlag(FLAGS_mysql_port);
  db.user = absl::GetFlag(FLAGS_mysql_user);
  db.password = absl::GetFlag(FLAGS_mysql_password);
  db.database = absl::GetFlag(FLAGS_mysql_database);
  db.pool_size = absl::GetFlag(FLAGS_pool_size);
  auto pool = rmhub::db::ConnectionPool::Create(db);
  if (!pool.ok()) {
    std::fprintf(stderr, "pool: %s\n", pool.status().ToString().c_str());
    return 2;
  }
  absl::Status prepared = rmhub::bench::PrepareTable(**pool, absl::GetFlag(FLAGS_rows));
  if (!prepared.ok()) {
    std::fprintf(stderr, "prepare: %s\n", prepared.ToString().c_str());
    return 1;
  }
  std::printf(
      "| mode | threads/workers | concurrency | ok/s | p50 ms | p99 ms | max ms | errors |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (absl::string_view mode : absl::StrSplit(absl::GetFlag(FLAGS_modes), ',')) {
    if (RunMode(std::string(mode), **pool, levels) != 0) return 1;
  }
  return 0;
}
