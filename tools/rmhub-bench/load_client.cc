#include "tools/rmhub-bench/load_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/metrics/grpc_server_interceptor.h"
#include "rmhub/team/v1/team.grpc.pb.h"

namespace rmhub::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct WorkerResult {
  int64_t ok = 0;
  std::map<std::string, int64_t> errors;
  std::map<std::string, std::string> error_samples;
  std::vector<double> latencies_ms;
};

// Distinct channel args give each channel its own TCP connection.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const LoadOptions& o) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  int n = std::max(1, std::min(o.connections, o.concurrency));
  for (int i = 0; i < n; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("rmhub.bench.channel", i);
    channels.push_back(
        grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

void Worker(const LoadOptions& o, const std::shared_ptr<grpc::Channel>& channel, int seed,
            Clock::time_point record_from, Clock::time_point stop_at, WorkerResult* out) {
  auto stub = team::v1::TeamService::NewStub(channel);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> ids(1, o.id_range);
  while (Clock::now() < stop_at) {
    team::v1::GetMemberRequest req;
    req.set_name(absl::StrCat("members/", ids(rng)));
    team::v1::Member resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(o.call_timeout));
    Clock::time_point start = Clock::now();
    grpc::Status s = stub->GetMember(&ctx, req, &resp);
    if (start < record_from) continue;
    if (s.ok()) {
      ++out->ok;
      out->latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    } else {
      std::string code(metrics::GrpcCodeName(s.error_code()));
      ++out->errors[code];
      out->error_samples.emplace(code, s.error_message());
    }
  }
}

}  // namespace

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

LoadResult RunLoad(const LoadOptions& o) {
  auto channels = MakeChannels(o);
  std::vector<WorkerResult> results(o.concurrency);
  Clock::time_point record_from = Clock::now() + absl::ToChronoNanoseconds(o.warmup);
  Clock::time_point stop_at = record_from + absl::ToChronoNanoseconds(o.duration);
  std::vector<std::thread> threads;
  for (int i = 0; i < o.concurrency; ++i) {
    threads.emplace_back(Worker, std::cref(o), std::cref(channels[i % channels.size()]), i + 1,
                         record_from, stop_at, &results[i]);
  }
  for (auto& t : threads) t.join();
  LoadResult total;
  std::vector<double> all;
  for (auto& r : results) {
    total.ok += r.ok;
    for (auto& [code, n] : r.errors) total.errors[code] += n;
    total.error_samples.insert(r.error_samples.begin(), r.error_samples.end());
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
  }
  std::sort(all.begin(), all.end());
  total.seconds = absl::ToDoubleSeconds(o.duration);
  total.p50_ms = Quantile(all, 0.50);
  total.p99_ms = Quantile(all, 0.99);
  total.max_ms = all.empty() ? 0 : all.back();
  return total;
}

}  // namespace rmhub::bench
