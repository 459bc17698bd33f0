#include "tools/rmhub-bench/load_client.h"

#include <algorithm>
#include <chrono>
#include <cmath>
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

void Worker(const Operation& op, int seed, Clock::time_point record_from, Clock::time_point stop_at,
            WorkerResult* out) {
  std::mt19937_64 rng(seed);
  while (Clock::now() < stop_at) {
    Clock::time_point start = Clock::now();
    grpc::Status s = op(rng);
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

LoadResult Merge(std::vector<WorkerResult>& results, absl::Duration window) {
  LoadResult total;
  std::vector<double> all;
  for (auto& r : results) {
    total.ok += r.ok;
    for (auto& [code, n] : r.errors) total.errors[code] += n;
    total.error_samples.insert(r.error_samples.begin(), r.error_samples.end());
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
  }
  std::sort(all.begin(), all.end());
  total.seconds = absl::ToDoubleSeconds(window);
  total.p50_ms = Quantile(all, 0.50);
  total.p99_ms = Quantile(all, 0.99);
  total.max_ms = all.empty() ? 0 : all.back();
  return total;
}

}  // namespace

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < std::max(1, count); ++i) {
    // Distinct channel args give each channel its own TCP connection.
    grpc::ChannelArguments args;
    args.SetInt("rmhub.bench.channel", i);
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

LoadResult RunOperations(const LoadOptions& o, const OperationFactory& make) {
  std::vector<Operation> ops;
  for (int i = 0; i < o.concurrency; ++i) ops.push_back(make(i));
  std::vector<WorkerResult> results(o.concurrency);
  Clock::time_point record_from = Clock::now() + absl::ToChronoNanoseconds(o.warmup);
  Clock::time_point stop_at = record_from + absl::ToChronoNanoseconds(o.duration);
  std::vector<std::thread> threads;
  for (int i = 0; i < o.concurrency; ++i) {
    threads.emplace_back(Worker, std::cref(ops[i]), i + 1, record_from, stop_at, &results[i]);
  }
  std::this_thread::sleep_until(record_from);
  if (o.at_measure_start) o.at_measure_start();
  std::this_thread::sleep_until(stop_at);
  if (o.at_measure_end) o.at_measure_end();
  for (auto& t : threads) t.join();
  return Merge(results, o.duration);
}

LoadResult RunLoad(const LoadOptions& o) {
  auto channels = MakeChannels(o.target, std::min(o.connections, o.concurrency));
  return RunOperations(o, [&](int index) -> Operation {
    std::shared_ptr<team::v1::TeamService::Stub> stub =
        team::v1::TeamService::NewStub(channels[index % channels.size()]);
    std::uniform_int_distribution<int64_t> ids(1, o.id_range);
    absl::Duration timeout = o.call_timeout;
    return [stub, ids, timeout](std::mt19937_64& rng) mutable {
      team::v1::GetMemberRequest req;
      req.set_name(absl::StrCat("members/", ids(rng)));
      team::v1::Member resp;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
      return stub->GetMember(&ctx, req, &resp);
    };
  });
}

}  // namespace rmhub::bench
