// task_bench: the task service's hot paths as Google Benchmarks, on a real MariaDB and the real
// TaskService behind its gRPC surface (TaskGrpcService in a grpcx::ServiceRunner shaped as
// production shapes it: call queue of 2 × pool workers, interceptors, JWT authentication):
//   CreateTask        an RM creates a visit of their team, assigned to themselves, with a
//                     request_id (one task row, two people rows, an event, an idempotency record)
//   ListTasksRm       an RM's open tasks: `assignee = "members/N" AND status = TODO`, page of 20
//   ListTasksBranch   the branch manager's first page of 50 over the whole branch's IN_PROGRESS
//                     tasks (--tasks rows in the branch)
//   GetWorkload       a team lead's GetWorkload of their team (20 members' open work)
// each over gRPC (…/grpc) and, to separate the gRPC cost, the same TaskService call in process
// (…/inproc: authorization, validation, SQL, no gRPC). The team and customer services are
// answered from memory by an arithmetic directory (below): their calls are not what is measured.
// See docs/benchmarks.md ("Task service hot paths") for how it is run and what it found.
//
//   task_bench --mysql_port=33901 --mysql_user=rmhub_bench --mysql_password=benchpw
//              [--tasks=100000] [--benchmark_filter=...] [--benchmark_min_time=2]

#include <benchmark/benchmark.h>
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "common/api/list_query.h"
#include "common/api/resource_name.h"
#include "common/auth/auth_config.h"
#include "common/auth/jwt.h"
#include "common/clock/clock.h"
#include "common/db/connection_pool.h"
#include "common/db/sql_values.h"
#include "common/encoding/uuid.h"
#include "common/grpc/server.h"
#include "common/grpc/status_mapping.h"
#include "common/log/log.h"
#include "common/status/errors.h"
#include "services/task/mysql_repository.h"
#include "services/task/task_grpc_service.h"
#include "services/task/task_service.h"

ABSL_FLAG(std::string, mysql_host, "127.0.0.1", "MariaDB host");
ABSL_FLAG(int, mysql_port, 3307, "MariaDB port");
ABSL_FLAG(std::string, mysql_user, "root", "MariaDB user");
ABSL_FLAG(std::string, mysql_password, "", "MariaDB password");
ABSL_FLAG(std::string, mysql_database, "rmhub_task_bench",
          "database for the task schema (must exist; seeded up to --tasks when it has fewer)");
ABSL_FLAG(int, pool_size, 8, "database connections");
ABSL_FLAG(int64_t, tasks, 100000, "tasks in the branch before the run");
ABSL_FLAG(int, connections, 4, "HTTP/2 connections the client threads are spread over");

namespace {

namespace tv1 = rmhub::task::v1;
using rmhub::api::FormatName;

// The organisation: branch 1, kTeams teams of kTeamSize members; member m is in team
// (m - 1) / kTeamSize + 1, the first member of each team leads it, the others are ACTIVE RMs.
// The read benchmarks act in teams 1-10; CreateTask in team kCreateTeam only, so the tasks it
// adds (every run adds some) never change what the reads see.
constexpr int kTeams = 11;
constexpr int kReadTeams = 10;
constexpr int64_t kCreateTeam = 11;
constexpr int kTeamSize = 20;
constexpr int kMembers = kTeams * kTeamSize;
constexpr int64_t kBranch = 1;
constexpr int64_t kBranchManager = 1000;
constexpr char kSecret[] = "task-bench-hs256-secret-0123456789abcdef";

int64_t TeamOf(int64_t member) { return (member - 1) / kTeamSize + 1; }
int64_t LeaderOf(int64_t team) { return (team - 1) * kTeamSize + 1; }

rmhub::team::v1::Member MemberFacts(int64_t id) {
  rmhub::team::v1::Member m;
  m.set_name(FormatName("members", id));
  m.set_branch(FormatName("branches", kBranch));
  m.set_home_team(FormatName("teams", TeamOf(id)));
  m.set_role(id == LeaderOf(TeamOf(id)) ? rmhub::team::v1::TEAM_LEAD
                                        : rmhub::team::v1::RELATIONSHIP_MANAGER);
  m.set_status(rmhub::team::v1::ACTIVE);
  m.add_skills(rmhub::team::v1::WEALTH);
  return m;
}

class ArithmeticDirectory final : public rmhub::task::Directory {
 public:
  absl::StatusOr<rmhub::task::TeamFacts> GetTeam(int64_t team,
                                                 const rmhub::auth::Caller&) override {
    if (team < 1 || team > kTeams) return rmhub::FailedPrecondition("TEAM_NOT_FOUND", "no team");
    return rmhub::task::TeamFacts{team, kBranch, LeaderOf(team)};
  }
  absl::StatusOr<std::vector<rmhub::team::v1::Member>> TeamMembers(
      int64_t team, const rmhub::auth::Caller&) override {
    std::vector<rmhub::team::v1::Member> out;
    for (int64_t m = LeaderOf(team); m < LeaderOf(team) + kTeamSize; ++m) {
      out.push_back(MemberFacts(m));
    }
    return out;
  }
  absl::StatusOr<std::vector<rmhub::team::v1::Member>> GetMembers(
      const std::vector<int64_t>& ids, const rmhub::auth::Caller&) override {
    std::vector<rmhub::team::v1::Member> out;
    for (int64_t id : ids) {
      if (id >= 1 && id <= kMembers) out.push_back(MemberFacts(id));
    }
    return out;
  }
  absl::StatusOr<std::optional<rmhub::customer::v1::Customer>> GetCustomer(
      int64_t, const rmhub::auth::Caller&) override {
    return std::nullopt;  // the benchmarked tasks name no customer
  }
};

template <class T>
T OrDie(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::fprintf(stderr, "task_bench: %s: %s\n", what, v.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(v);
}
void OrDie(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "task_bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

google::protobuf::Timestamp In(absl::Duration d) {
  return rmhub::db::TimestampFromMicros(absl::ToUnixMicros(absl::Now() + d));
}

// Everything the benchmarks share, built once in main.
struct Env {
  std::unique_ptr<rmhub::db::ConnectionPool> pool;
  std::unique_ptr<rmhub::idempotency::Idempotency> idempotency;
  std::unique_ptr<rmhub::task::MySqlTaskRepository> repository;
  ArithmeticDirectory directory;
  std::unique_ptr<rmhub::task::TaskService> service;
  std::unique_ptr<rmhub::auth::Authenticator> authenticator;
  std::unique_ptr<rmhub::grpcx::ServiceRunner> runner;
  std::unique_ptr<rmhub::task::TaskGrpcService> grpc_service;
  std::vector<std::unique_ptr<tv1::TaskService::Stub>> stubs;  // one per connection
};
Env* env = nullptr;

std::string Token(int64_t member, const std::string& role, std::vector<int64_t> teams) {
  rmhub::auth::DevTokenRequest r;
  r.member_id = member;
  r.roles = {role};
  r.branch_id = kBranch;
  r.team_ids = std::move(teams);
  return OrDie(rmhub::auth::MintDevToken(r, kSecret, rmhub::RealClock::Instance(), absl::Hours(1)),
               "token");
}
std::string RmToken(int64_t m) { return Token(m, "RELATIONSHIP_MANAGER", {TeamOf(m)}); }

// The caller `token` names, verified as the server verifies it (for the in-process workloads).
// Principals live as long as the process: a Caller refers to one.
rmhub::auth::Caller CallerOf(const std::string& token) {
  auto key = OrDie(rmhub::auth::JwtKey::Hs256(kSecret), "key");
  auto verifier =
      OrDie(rmhub::auth::JwtVerifier::Create({std::move(key)}, {}, rmhub::RealClock::Instance()),
            "verifier");
  auto claims = OrDie(verifier.Verify(token), "verify");
  auto* principal =
      new rmhub::auth::Principal(OrDie(rmhub::auth::PrincipalFromClaims(claims), "principal"));
  return rmhub::auth::Caller{*principal};
}

// How many tasks the database holds, counted up to `cap` through the store's keyset pages.
int64_t CountTasks(int64_t cap) {
  int64_t n = 0;
  rmhub::api::ListQuery q;
  q.scope = rmhub::api::ListScope::All();
  q.page.limit = 1000;
  while (n < cap) {
    rmhub::api::Page<tv1::Task> page;
    OrDie(env->repository->ReadSingle([&](rmhub::task::TaskStore& store) -> absl::Status {
      auto p = store.ListTasks(q, absl::Now());
      if (!p.ok()) return p.status();
      page = *std::move(p);
      return absl::OkStatus();
    }),
          "count tasks");
    n += static_cast<int64_t>(page.items.size());
    if (page.next_after_id == 0) break;
    q.page.after_id = page.next_after_id;
  }
  return n;
}

// Seeds the branch up to `want` tasks through the real store, 1,000 per transaction: each
// assigned to one member of the read teams, members in turn, created by that member; 1 in 10 of
// each member's tasks open (TODO or IN_PROGRESS, due over the next 30 days), the rest DONE.
void Seed(int64_t want) {
  int64_t have = CountTasks(want);
  std::fprintf(stderr, "task_bench: %lld tasks in the database, seeding %lld\n",
               static_cast<long long>(have),
               static_cast<long long>(std::max<int64_t>(0, want - have)));
  const absl::Time now = absl::Now();
  tv1::Task none;
  while (have < want) {
    const int64_t batch = std::min<int64_t>(1000, want - have);
    OrDie(
        env->repository->Write(
            {"BenchSeed", "", "services/bench"}, none, nullptr,
            [&](rmhub::task::TaskStore& store) -> absl::Status {
              for (int64_t i = have; i < have + batch; ++i) {
                const int64_t m = 1 + i % (kReadTeams * kTeamSize);
                tv1::Task t;
                t.set_type(i % 3 == 0 ? tv1::CUSTOMER_VISIT : tv1::DOCUMENT_PREPARATION);
                t.set_title(absl::StrCat("seeded task ", i));
                t.set_priority(i % 7 == 0 ? tv1::HIGH : tv1::NORMAL);
                t.set_creator(FormatName("members", m));
                t.set_team(FormatName("teams", TeamOf(m)));
                t.add_assignees(FormatName("members", m));
                // Every member's 1-in-10 rounds are open: each has open work.
                const int64_t round = i / (kReadTeams * kTeamSize);
                const bool open = round % 10 == 0;
                t.set_status(!open ? tv1::DONE : (round % 20 == 0 ? tv1::TODO : tv1::IN_PROGRESS));
                *t.mutable_due_time() = rmhub::db::TimestampFromMicros(
                    absl::ToUnixMicros(now + absl::Hours(i % (30 * 24)) -
                                       (open ? absl::ZeroDuration() : absl::Hours(24 * 60))));
                auto id = store.InsertTask(t, kBranch, now);
                if (!id.ok()) return id.status();
              }
              return absl::OkStatus();
            },
            nullptr),
        "seed");
    have += batch;
  }
}

// ---------------------------------------------------------------------------------------------
// Benchmarks.

// A member of the read teams who is not a leader.
int64_t MemberFor(int thread) {
  const int64_t team = 1 + thread % kReadTeams;
  return LeaderOf(team) + 1 + (thread / kReadTeams) % (kTeamSize - 1);
}

// A member of the CreateTask team who is not its leader.
int64_t CreatorFor(int thread) { return LeaderOf(kCreateTeam) + 1 + thread % (kTeamSize - 1); }

tv1::TaskService::Stub& StubFor(int thread) {
  return *env->stubs[static_cast<size_t>(thread) % env->stubs.size()];
}

tv1::CreateTaskRequest CreateRequest(int64_t member) {
  tv1::CreateTaskRequest r;
  tv1::Task& t = *r.mutable_task();
  t.set_type(tv1::CUSTOMER_VISIT);
  t.set_title("bench visit");
  t.set_team(FormatName("teams", TeamOf(member)));
  t.add_assignees(FormatName("members", member));
  *t.mutable_due_time() = In(absl::Hours(72));
  r.set_request_id(rmhub::encoding::NewUuidV4());
  return r;
}

template <class Resp, class Call>
void RunGrpc(benchmark::State& state, const std::string& token, Call call) {
  for (auto _ : state) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    Resp resp;
    grpc::Status s = call(ctx, resp);
    if (!s.ok()) {
      state.SkipWithError(s.error_message().c_str());
      break;
    }
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations());  // calls/s, summed over the callers
}

template <class Call>
void RunInProcess(benchmark::State& state, Call call) {
  for (auto _ : state) {
    absl::Status s = call();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_CreateTask_grpc(benchmark::State& state) {
  const int64_t m = CreatorFor(state.thread_index());
  const std::string token = RmToken(m);
  auto& stub = StubFor(state.thread_index());
  RunGrpc<tv1::Task>(state, token, [&](grpc::ClientContext& ctx, tv1::Task& out) {
    return stub.CreateTask(&ctx, CreateRequest(m), &out);
  });
}

void BM_CreateTask_inproc(benchmark::State& state) {
  const int64_t m = CreatorFor(state.thread_index());
  const rmhub::auth::Caller caller = CallerOf(RmToken(m));
  RunInProcess(state, [&] { return env->service->CreateTask(caller, CreateRequest(m)).status(); });
}

tv1::ListTasksRequest RmList(int64_t m) {
  tv1::ListTasksRequest r;
  r.set_filter(absl::StrCat("assignee = \"members/", m, "\" AND status = TODO"));
  r.set_page_size(20);
  return r;
}

tv1::ListTasksRequest BranchList() {
  tv1::ListTasksRequest r;
  r.set_filter("status = IN_PROGRESS");
  r.set_page_size(50);
  return r;
}

void BM_ListTasksRm_grpc(benchmark::State& state) {
  const int64_t m = MemberFor(state.thread_index());
  const std::string token = RmToken(m);
  auto& stub = StubFor(state.thread_index());
  const tv1::ListTasksRequest req = RmList(m);
  RunGrpc<tv1::ListTasksResponse>(state, token,
                                  [&](grpc::ClientContext& ctx, tv1::ListTasksResponse& out) {
                                    return stub.ListTasks(&ctx, req, &out);
                                  });
}

void BM_ListTasksRm_inproc(benchmark::State& state) {
  const int64_t m = MemberFor(state.thread_index());
  const rmhub::auth::Caller caller = CallerOf(RmToken(m));
  const tv1::ListTasksRequest req = RmList(m);
  RunInProcess(state, [&] { return env->service->ListTasks(caller, req).status(); });
}

void BM_ListTasksBranch_grpc(benchmark::State& state) {
  const std::string token = Token(kBranchManager, "BRANCH_MANAGER", {});
  auto& stub = StubFor(state.thread_index());
  const tv1::ListTasksRequest req = BranchList();
  RunGrpc<tv1::ListTasksResponse>(state, token,
                                  [&](grpc::ClientContext& ctx, tv1::ListTasksResponse& out) {
                                    return stub.ListTasks(&ctx, req, &out);
                                  });
}

void BM_ListTasksBranch_inproc(benchmark::State& state) {
  const rmhub::auth::Caller caller = CallerOf(Token(kBranchManager, "BRANCH_MANAGER", {}));
  const tv1::ListTasksRequest req = BranchList();
  RunInProcess(state, [&] { return env->service->ListTasks(caller, req).status(); });
}

tv1::GetWorkloadRequest TeamWorkload(int64_t team) {
  tv1::GetWorkloadRequest r;
  r.set_name(FormatName("teams", team));
  return r;
}

void BM_GetWorkload_grpc(benchmark::State& state) {
  const int64_t team = 1 + state.thread_index() % kReadTeams;
  const std::string token = Token(LeaderOf(team), "TEAM_LEAD", {team});
  auto& stub = StubFor(state.thread_index());
  const tv1::GetWorkloadRequest req = TeamWorkload(team);
  RunGrpc<tv1::GetWorkloadResponse>(state, token,
                                    [&](grpc::ClientContext& ctx, tv1::GetWorkloadResponse& out) {
                                      return stub.GetWorkload(&ctx, req, &out);
                                    });
}

void BM_GetWorkload_inproc(benchmark::State& state) {
  const int64_t team = 1 + state.thread_index() % kReadTeams;
  const rmhub::auth::Caller caller = CallerOf(Token(LeaderOf(team), "TEAM_LEAD", {team}));
  const tv1::GetWorkloadRequest req = TeamWorkload(team);
  RunInProcess(state, [&] { return env->service->GetWorkload(caller, req).status(); });
}

// Closed loops of 1, 8 and 32 callers over gRPC (the server's call queue bounds the work in
// flight), 1 and 8 in process (nothing bounds it there: 32 callers on a pool of 8 connections
// measure the pool's wait, then fail with POOL_EXHAUSTED); real time, as the callers mostly wait.
#define TASK_BENCH_GRPC(fn) BENCHMARK(fn)->Threads(1)->Threads(8)->Threads(32)->UseRealTime()
#define TASK_BENCH_INPROC(fn) BENCHMARK(fn)->Threads(1)->Threads(8)->UseRealTime()
TASK_BENCH_GRPC(BM_CreateTask_grpc);
TASK_BENCH_INPROC(BM_CreateTask_inproc);
TASK_BENCH_GRPC(BM_ListTasksRm_grpc);
TASK_BENCH_INPROC(BM_ListTasksRm_inproc);
TASK_BENCH_GRPC(BM_ListTasksBranch_grpc);
TASK_BENCH_INPROC(BM_ListTasksBranch_inproc);
TASK_BENCH_GRPC(BM_GetWorkload_grpc);
TASK_BENCH_INPROC(BM_GetWorkload_inproc);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);
  rmhub::log::SetMinLevel(rmhub::log::Level::kWarning);  // no access-log line per call
  static Env e;
  env = &e;
  rmhub::db::DbConfig db;
  db.host = absl::GetFlag(FLAGS_mysql_host);
  db.port = absl::GetFlag(FLAGS_mysql_port);
  db.user = absl::GetFlag(FLAGS_mysql_user);
  db.password = absl::GetFlag(FLAGS_mysql_password);
  db.database = absl::GetFlag(FLAGS_mysql_database);
  db.pool_size = absl::GetFlag(FLAGS_pool_size);
  e.pool = OrDie(rmhub::db::ConnectionPool::Create(db), "pool");
  OrDie(rmhub::task::MySqlTaskRepository::Migrate(*e.pool), "migrate");
  rmhub::idempotency::Settings records;
  records.secret = std::string(32, 'c');  // a bench secret
  e.idempotency = OrDie(rmhub::idempotency::Idempotency::Create("task", records, nullptr,
                                                                rmhub::RealClock::Instance()),
                        "idempotency");
  e.repository = std::make_unique<rmhub::task::MySqlTaskRepository>(*e.pool, *e.idempotency);
  e.service = std::make_unique<rmhub::task::TaskService>(
      *e.repository, e.directory, rmhub::RealClock::Instance(), rmhub::task::TaskConfig{});
  rmhub::auth::AuthConfig auth;
  auth.dev_mode = true;
  auth.jwt_hs256_secret = kSecret;
  e.authenticator =
      OrDie(rmhub::auth::BuildAuthenticator(auth, rmhub::RealClock::Instance()), "auth");
  Seed(absl::GetFlag(FLAGS_tasks));

  rmhub::grpcx::SetErrorDomain("task.rmhub");
  rmhub::grpcx::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.metrics_address = "";
  options.queue.workers = 2 * e.pool->size();  // as service_main.cc
  e.runner = std::make_unique<rmhub::grpcx::ServiceRunner>(options);
  e.grpc_service = std::make_unique<rmhub::task::TaskGrpcService>(*e.service, *e.authenticator,
                                                                  e.runner->call_queue());
  e.runner->AddService(e.grpc_service.get(), "rmhub.task.v1.TaskService");
  OrDie(e.runner->Start(), "server");
  const std::string target = absl::StrCat("127.0.0.1:", e.runner->port());
  for (int i = 0; i < absl::GetFlag(FLAGS_connections); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("rmhub.bench.connection", i);  // distinct arguments: a connection of its own
    e.stubs.push_back(tv1::TaskService::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args)));
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  e.runner->Stop();
  return 0;
}
