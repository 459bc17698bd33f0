// customer_bench: the customer read path (GetCustomer, a filtered ListCustomers) at rising
// concurrency, next to a raw Connector/C++ point-select on the same table (the database floor)
// and a no-op RPC on the same server (the gRPC floor). Prints Markdown tables.
// See docs/benchmarks.md ("Customer read path") for how it is run and what it found.
//
//   customer_bench --mysql_port=57875 --mysql_user=rmhub_bench --mysql_password=...
//                  [--workloads=noop,raw,get,get-pii,list] [--concurrency=1,8,32,64]

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/status/errors.h"
#include "tools/rmhub-bench/customer_bench_data.h"
#include "tools/rmhub-bench/customer_bench_server.h"
#include "tools/rmhub-bench/load_client.h"

ABSL_FLAG(std::string, mysql_host, "127.0.0.1", "MariaDB host");
ABSL_FLAG(int, mysql_port, 3307, "MariaDB port");
ABSL_FLAG(std::string, mysql_user, "root", "MariaDB user");
ABSL_FLAG(std::string, mysql_password, "", "MariaDB password");
ABSL_FLAG(std::string, mysql_database, "rmhub_customer_bench",
          "database for the customer schema (must exist; a fresh one is seeded)");
ABSL_FLAG(std::string, mysqld_pid_file, "",
          "MariaDB's pid file, to report its CPU per call (empty: not reported)");
ABSL_FLAG(int, pool_size, 8, "database connections (server and raw point-select alike)");
ABSL_FLAG(int, max_threads, 0, "server workers (call queue); 0 = production's 2 x pool");
ABSL_FLAG(int, max_pollers, 0,
          "idle server threads kept; 0 = ServiceRunner's default (max_threads)");
ABSL_FLAG(int64_t, customers, 20000, "customers in the book; point reads pick ids uniformly");
ABSL_FLAG(std::string, workloads, "noop,raw,repo,service,get,get-pii,batch,list",
          "what to drive, in this order: noop (gRPC floor), raw (database floor), repo (the "
          "repository's GetCustomer called in process), service (CustomerService::GetCustomer "
          "called in process: authorization, segments, masking, no gRPC), get, get-pii, batch "
          "(BatchGetCustomers of --batch_size random customers), list");
ABSL_FLAG(int, batch_size, 20, "customers per BatchGetCustomers call");
ABSL_FLAG(std::string, concurrency, "1,8,32,64", "client concurrencies");
ABSL_FLAG(int, connections, 4, "HTTP/2 connections the client spreads RPCs over");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "unrecorded warm-up per level");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "measured window per level");
ABSL_FLAG(bool, mutex_deadlock_detection, true,
          "leave Abseil's Mutex deadlock detection as the library ships it (Debian's build has it "
          "on); false turns it off, to measure what it costs");
ABSL_FLAG(std::string, list_filter, "asset_tier = VIP AND type = RETAIL", "ListCustomers filter");
ABSL_FLAG(int, list_page_size, 20, "ListCustomers page size");

namespace {

namespace bench = rmhub::bench;
namespace cv1 = rmhub::customer::v1;
using bench::LoadOptions;
using bench::LoadResult;
using bench::Operation;

const std::vector<std::string> kWorkloads = {"noop", "raw",     "repo",  "service",
                                             "get",  "get-pii", "batch", "list"};

bool IsInProcess(const std::string& workload) {
  return workload == "raw" || workload == "repo" || workload == "service";
}

// Everything a workload needs, built once.
struct Bench {
  rmhub::db::ConnectionPool* pool = nullptr;
  bench::CustomerBenchServer* server = nullptr;
  bench::IdRange ids;
  std::string reader_token;  // branch manager of branch 1, no pii.read: the masked path
  std::string pii_token;     // the same with pii.read: clear PII and an audit row per read
  pid_t mysqld = 0;
  rmhub::auth::Principal reader;  // who reader_token names, for the in-process workloads
};

std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return ctx;
}

std::string CustomerName(std::mt19937_64& rng, const bench::IdRange& ids) {
  return absl::StrCat("customers/",
                      std::uniform_int_distribution<int64_t>(ids.first, ids.last)(rng));
}

// One caller's operation for `workload` on `channel`.
Operation MakeOperation(const Bench& b, const std::string& workload,
                        const std::shared_ptr<grpc::Channel>& channel) {
  if (workload == "raw") {
    return [&b](std::mt19937_64& rng) {
      int64_t id = std::uniform_int_distribution<int64_t>(b.ids.first, b.ids.last)(rng);
      absl::Status s = bench::RawPointSelect(*b.pool, id);
      return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
    };
  }
  if (workload == "repo") {
    return [&b](std::mt19937_64& rng) {
      int64_t id = std::uniform_int_distribution<int64_t>(b.ids.first, b.ids.last)(rng);
      absl::Status s =
          b.server->repository().ReadSingle([id](rmhub::customer::CustomerStore& store) {
            auto found = store.GetCustomer(id, /*lock=*/false);
            if (!found.ok()) return found.status();
            return found->has_value() ? absl::OkStatus()
                                      : rmhub::NotFound("CUSTOMER_NOT_FOUND", "none");
          });
      return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
    };
  }
  if (workload == "service") {
    return [&b](std::mt19937_64& rng) {
      cv1::GetCustomerRequest req;
      req.set_name(CustomerName(rng, b.ids));
      rmhub::auth::Caller caller{b.reader};
      absl::Status s = b.server->service().GetCustomer(caller, req).status();
      return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
    };
  }
  if (workload == "noop") {
    std::shared_ptr<rmhub::team::v1::TeamService::Stub> stub =
        rmhub::team::v1::TeamService::NewStub(channel);
    return [&b, stub](std::mt19937_64& rng) {
      rmhub::team::v1::GetMemberRequest req;
      req.set_name(absl::StrCat("members/", rng() % 1000 + 1));
      rmhub::team::v1::Member resp;
      return stub->GetMember(Context(b.reader_token).get(), req, &resp);
    };
  }
  std::shared_ptr<cv1::CustomerService::Stub> stub = cv1::CustomerService::NewStub(channel);
  if (workload == "batch") {
    const int size = absl::GetFlag(FLAGS_batch_size);
    return [&b, stub, size](std::mt19937_64& rng) {
      cv1::BatchGetCustomersRequest req;
      for (int i = 0; i < size; ++i) req.add_names(CustomerName(rng, b.ids));
      cv1::BatchGetCustomersResponse resp;
      return stub->BatchGetCustomers(Context(b.reader_token).get(), req, &resp);
    };
  }
  if (workload == "list") {
    cv1::ListCustomersRequest req;
    req.set_filter(absl::GetFlag(FLAGS_list_filter));
    req.set_page_size(absl::GetFlag(FLAGS_list_page_size));
    return [&b, stub, req](std::mt19937_64&) {
      cv1::ListCustomersResponse resp;
      return stub->ListCustomers(Context(b.reader_token).get(), req, &resp);
    };
  }
  const std::string& token = workload == "get-pii" ? b.pii_token : b.reader_token;
  return [&b, &token, stub](std::mt19937_64& rng) {
    cv1::GetCustomerRequest req;
    req.set_name(CustomerName(rng, b.ids));
    cv1::Customer resp;
    return stub->GetCustomer(Context(token).get(), req, &resp);
  };
}

// CPU seconds used so far by this process (client and server threads) and by MariaDB.
struct CpuSample {
  double self = 0, self_sys = 0, mysqld = 0;
  int64_t switches = 0;  // this process's context switches, voluntary or not
};

double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!std::getline(in, line)) return 0;
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::vector<std::string> f{std::istream_iterator<std::string>(rest), {}};
  if (f.size() < 13) return 0;
  return (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

CpuSample SampleCpu(pid_t mysqld) {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  CpuSample s;
  s.self_sys = u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
  s.self = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + s.self_sys;
  s.switches = u.ru_nvcsw + u.ru_nivcsw;
  if (mysqld > 0) s.mysqld = ProcessCpuSeconds(mysqld);
  return s;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string line;
  std::getline(in, line);
  return line;
}

std::string Errors(const LoadResult& r) {
  std::vector<std::string> parts;
  for (const auto& [code, n] : r.errors) parts.push_back(absl::StrCat(code, " ", n));
  return parts.empty() ? "0" : absl::StrJoin(parts, ", ");
}

std::string PerCall(double seconds, int64_t calls) {
  return calls > 0 ? absl::StrCat(static_cast<int64_t>(seconds * 1e6 / calls)) : "-";
}

// Drives `workload` at concurrency `c` and prints its row; returns its throughput.
double RunLevel(const Bench& b, const std::string& workload, int c) {
  LoadOptions o;
  o.concurrency = c;
  o.warmup = absl::GetFlag(FLAGS_warmup);
  o.duration = absl::GetFlag(FLAGS_duration);
  CpuSample start, end;
  o.at_measure_start = [&] { start = SampleCpu(b.mysqld); };
  o.at_measure_end = [&] { end = SampleCpu(b.mysqld); };
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  if (!IsInProcess(workload)) {
    channels = bench::MakeChannels(absl::StrCat("127.0.0.1:", b.server->port()),
                                   std::min(absl::GetFlag(FLAGS_connections), c));
  }
  LoadResult r = bench::RunOperations(o, [&](int i) {
    return MakeOperation(b, workload, channels.empty() ? nullptr : channels[i % channels.size()]);
  });
  int64_t calls = r.ok;
  for (const auto& [code, n] : r.errors) calls += n;
  std::printf(
      "| %s | %d | %.0f | %.2f | %.2f | %.2f | %s (%s) | %.1f | %s | %s |\n", workload.c_str(), c,
      r.throughput(), r.p50_ms, r.p99_ms, r.max_ms, PerCall(end.self - start.self, calls).c_str(),
      PerCall(end.self_sys - start.self_sys, calls).c_str(),
      calls > 0 ? static_cast<double>(end.switches - start.switches) / calls : 0.0,
      b.mysqld > 0 ? PerCall(end.mysqld - start.mysqld, calls).c_str() : "-", Errors(r).c_str());
  std::fflush(stdout);
  for (const auto& [code, message] : r.error_samples) {
    std::fprintf(stderr, "  %s c=%d: %s e.g. \"%s\"\n", workload.c_str(), c, code.c_str(),
                 message.c_str());
  }
  return r.throughput();
}

absl::Status Check(bool ok, const std::string& what) {
  return ok ? absl::OkStatus() : rmhub::Internal("BENCH_PREFLIGHT", what);
}

absl::Status Checked(const grpc::Status& s, const std::string& what) {
  return s.ok() ? absl::OkStatus()
                : rmhub::Internal("BENCH_PREFLIGHT", absl::StrCat(what, ": ", s.error_message()));
}

bool Masked(const cv1::Customer& c) {
  const std::string& id = c.national_id().empty() ? c.credit_code() : c.national_id();
  return c.pii_masked() && absl::StrContains(id, "*") && absl::StrContains(c.contact_phone(), "*");
}

// One checked call of each kind before anything is measured, so the tables can only time the
// paths they name (a masked read, a clear read, a full filtered page), never an error path.
absl::Status Preflight(const Bench& b, const std::shared_ptr<grpc::Channel>& channel) {
  RMHUB_RETURN_IF_ERROR(bench::RawPointSelect(*b.pool, b.ids.last));
  auto customers = cv1::CustomerService::NewStub(channel);
  cv1::GetCustomerRequest get;
  get.set_name(absl::StrCat("customers/", b.ids.first));
  cv1::Customer masked, clear;
  RMHUB_RETURN_IF_ERROR(
      Checked(customers->GetCustomer(Context(b.reader_token).get(), get, &masked), "get"));
  RMHUB_RETURN_IF_ERROR(Check(Masked(masked), "get without pii.read must return masked PII"));
  RMHUB_RETURN_IF_ERROR(
      Checked(customers->GetCustomer(Context(b.pii_token).get(), get, &clear), "get-pii"));
  RMHUB_RETURN_IF_ERROR(Check(
      !clear.pii_masked() && !absl::StrContains(clear.national_id() + clear.credit_code(), "*"),
      "get with pii.read must return clear PII"));
  cv1::ListCustomersRequest list;
  list.set_filter(absl::GetFlag(FLAGS_list_filter));
  list.set_page_size(absl::GetFlag(FLAGS_list_page_size));
  cv1::ListCustomersResponse page;
  RMHUB_RETURN_IF_ERROR(
      Checked(customers->ListCustomers(Context(b.reader_token).get(), list, &page), "list"));
  RMHUB_RETURN_IF_ERROR(
      Check(page.customers_size() == list.page_size() && !page.next_page_token().empty(),
            "list must return a full page with more to come"));
  std::fprintf(stderr, "preflight: list page of %d, first %s (%s, %s)\n", page.customers_size(),
               page.customers(0).name().c_str(),
               cv1::CustomerType_Name(page.customers(0).type()).c_str(),
               cv1::AssetTier_Name(page.customers(0).asset_tier()).c_str());
  auto team = rmhub::team::v1::TeamService::NewStub(channel);
  rmhub::team::v1::GetMemberRequest noop;
  noop.set_name("members/1");
  rmhub::team::v1::Member member;
  return Checked(team->GetMember(Context(b.reader_token).get(), noop, &member), "noop");
}

void PrintRatios(const std::map<std::string, std::map<int, double>>& ok_per_s,
                 const std::vector<int>& levels) {
  // Customers per second: a batch call returns --batch_size of them.
  auto per_call = [](const std::string& w) {
    return w == "batch" ? static_cast<double>(absl::GetFlag(FLAGS_batch_size)) : 1.0;
  };
  auto ratio = [&](const std::string& a, const std::string& b, int c) -> std::string {
    auto ia = ok_per_s.find(a), ib = ok_per_s.find(b);
    if (ia == ok_per_s.end() || ib == ok_per_s.end() || ib->second.at(c) <= 0) return "-";
    return absl::StrFormat("%.2f",
                           ia->second.at(c) * per_call(a) / (ib->second.at(c) * per_call(b)));
  };
  std::printf(
      "\n| concurrency | get / raw | get-pii / raw | batch customers / raw | list / raw | "
      "repo / raw | get / repo | service / repo | get / service | get / noop | noop / raw |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int c : levels) {
    std::printf("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c,
                ratio("get", "raw", c).c_str(), ratio("get-pii", "raw", c).c_str(),
                ratio("batch", "raw", c).c_str(), ratio("list", "raw", c).c_str(),
                ratio("repo", "raw", c).c_str(), ratio("get", "repo", c).c_str(),
                ratio("service", "repo", c).c_str(), ratio("get", "service", c).c_str(),
                ratio("get", "noop", c).c_str(), ratio("noop", "raw", c).c_str());
  }
}

}  // namespace

namespace {

// Exits with a message: the bench has nothing sensible to do after a failed step.
template <class T>
T OrDie(absl::StatusOr<T> value, const char* step) {
  if (!value.ok()) {
    std::fprintf(stderr, "%s: %s\n", step, value.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(value);
}

void OrDie(const absl::Status& status, const char* step) {
  if (status.ok()) return;
  std::fprintf(stderr, "%s: %s\n", step, status.ToString().c_str());
  std::exit(1);
}

std::vector<int> LevelsFromFlag() {
  std::vector<int> levels;
  for (absl::string_view s : absl::StrSplit(absl::GetFlag(FLAGS_concurrency), ',')) {
    int c = 0;
    if (!absl::SimpleAtoi(s, &c) || c <= 0)
      OrDie(rmhub::InvalidField("concurrency", "bad level"), "flags");
    levels.push_back(c);
  }
  return levels;
}

std::vector<std::string> WorkloadsFromFlag() {
  std::vector<std::string> out = absl::StrSplit(absl::GetFlag(FLAGS_workloads), ',');
  for (const std::string& w : out) {
    if (std::find(kWorkloads.begin(), kWorkloads.end(), w) == kWorkloads.end()) {
      OrDie(rmhub::InvalidField("workloads", absl::StrCat("unknown workload ", w)), "flags");
    }
  }
  return out;
}

pid_t MysqldPid() {
  std::string file = absl::GetFlag(FLAGS_mysqld_pid_file);
  if (file.empty()) return 0;
  std::ifstream in(file);
  pid_t pid = 0;
  if (!(in >> pid)) OrDie(rmhub::InvalidField("mysqld_pid_file", "no pid in it"), "flags");
  return pid;
}

std::unique_ptr<rmhub::db::ConnectionPool> PoolFromFlags() {
  rmhub::db::DbConfig db;
  db.host = absl::GetFlag(FLAGS_mysql_host);
  db.port = absl::GetFlag(FLAGS_mysql_port);
  db.user = absl::GetFlag(FLAGS_mysql_user);
  db.password = absl::GetFlag(FLAGS_mysql_password);
  db.database = absl::GetFlag(FLAGS_mysql_database);
  db.pool_size = absl::GetFlag(FLAGS_pool_size);
  return OrDie(rmhub::db::ConnectionPool::Create(db), "pool");
}

// The branch manager of branch 1 (who may read every customer of the book), with or without
// the PII-read permission.
std::string ReaderToken(const bench::CustomerBenchServer& server, bool pii) {
  rmhub::auth::DevTokenRequest r;
  r.member_id = 100;
  r.branch_id = 1;
  r.roles = {"BRANCH_MANAGER"};
  if (pii) r.permissions = {rmhub::auth::kPermPiiRead};
  return OrDie(server.Token(r), "token");
}

}  // namespace

int main(int argc, char** argv) {
  rmhub::grpcx::ServiceRunner::BlockTerminationSignals();
  rmhub::config::ParseFlagsWithEnv(argc, argv, "customer_bench: the customer read path");
  rmhub::log::SetMinLevel(rmhub::log::Level::kWarning);  // no access-log line per call
  if (!absl::GetFlag(FLAGS_mutex_deadlock_detection)) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  std::vector<int> levels = LevelsFromFlag();
  std::vector<std::string> workloads = WorkloadsFromFlag();
  std::unique_ptr<rmhub::db::ConnectionPool> pool = PoolFromFlags();
  OrDie(rmhub::customer::MySqlCustomerRepository::Migrate(*pool), "migrate");
  auto server = OrDie(bench::CustomerBenchServer::Start(*pool, absl::GetFlag(FLAGS_max_threads),
                                                        absl::GetFlag(FLAGS_max_pollers)),
                      "server");
  bench::BookShape shape;
  shape.customers = absl::GetFlag(FLAGS_customers);
  Bench b{pool.get(),
          server.get(),
          OrDie(bench::SeedBook(*pool, server->repository(), shape), "seed"),
          ReaderToken(*server, false),
          ReaderToken(*server, true),
          MysqldPid()};
  b.reader = OrDie(server->PrincipalOf(b.reader_token), "reader principal");
  OrDie(Preflight(b, bench::MakeChannels(absl::StrCat("127.0.0.1:", server->port()), 1)[0]),
        "preflight");
  std::printf("customers %lld (ids %lld..%lld), pool %d, max_threads %d, loadavg before: %s\n\n",
              static_cast<long long>(shape.customers), static_cast<long long>(b.ids.first),
              static_cast<long long>(b.ids.last), pool->size(), server->max_threads(),
              LoadAverage().c_str());
  std::printf(
      "| workload | concurrency | ok/s | p50 ms | p99 ms | max ms | bench CPU us/call (sys) | "
      "bench ctx switches/call | mysqld CPU us/call | errors |\n"
      "|---|---|---|---|---|---|---|---|---|---|\n");
  std::map<std::string, std::map<int, double>> ok_per_s;
  for (const std::string& w : workloads) {
    for (int c : levels) ok_per_s[w][c] = RunLevel(b, w, c);
  }
  PrintRatios(ok_per_s, levels);
  std::printf("\nloadavg after: %s\n", LoadAverage().c_str());
  return 0;
}
