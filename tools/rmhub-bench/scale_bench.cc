// scale_bench (issue 13): how the customer service's database work grows with the book. Grows a
// synthetic book (tools/rmhub-bench/customer_bench_data: PII sealed and blind-indexed through the
// real MySqlCustomerStore, as the service seals it) to each size in --sizes, spread over
// --branches branches of --managers relationship managers each, and at each size times, in
// process through the customer repository (the SQL and decoding the service runs, without gRPC):
//   get         GetCustomer of a random customer (primary key)
//   branch      a random branch's first ListCustomers page (20 rows, no filter)
//   tier        the same branch's first page of `asset_tier = VIP` (about 7 % of a branch)
//   selective   `asset_tier = VIP AND status = DORMANT` (about 0.7 % of a branch)
//   portfolio   an RM's held customers (what GetPortfolioSummary reads: up to 400 rows)
// once with the indexed tier columns (MySqlCustomerRepository::ApplySegmentTiers) and, with
// --computed, once more with thresholds the columns were not built with (tiers computed per row,
// as before issue 13) for the filtered pages. Prints one Markdown row per size and operation.
//
//   scale_bench --mysql_port=P --mysql_user=U --mysql_password=X --mysql_database=D
//               [--sizes=10000,1000000,10000000] [--branches=100] [--managers=300] [--calls=300]

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/clock/clock.h"
#include "common/db/transaction.h"
#include "common/idempotency/idempotency.h"
#include "common/pii/blind_index.h"
#include "common/pii/field_cipher.h"
#include "services/customer/domain/list_filters.h"
#include "services/customer/domain/segmentation.h"
#include "services/customer/mysql_repository.h"
#include "tools/rmhub-bench/customer_bench_data.h"

ABSL_FLAG(std::string, mysql_host, "127.0.0.1", "MariaDB host");
ABSL_FLAG(int, mysql_port, 3307, "MariaDB port");
ABSL_FLAG(std::string, mysql_user, "root", "MariaDB user");
ABSL_FLAG(std::string, mysql_password, "", "MariaDB password");
ABSL_FLAG(std::string, mysql_database, "rmhub_customer_scale",
          "database for the customer schema (must exist; grown, never shrunk)");
ABSL_FLAG(std::string, sizes, "10000,1000000,10000000", "book sizes, ascending");
ABSL_FLAG(int, branches, 100, "branches the book is spread over");
ABSL_FLAG(int, managers, 300, "relationship managers per branch (90 % of customers held)");
ABSL_FLAG(int, calls, 300, "timed calls per operation and size");
ABSL_FLAG(int, batch, 2000, "customers per seeding transaction");
ABSL_FLAG(bool, computed, true, "also time the filtered pages with per-row computed tiers");

namespace {

namespace v1 = rmhub::customer::v1;
using rmhub::api::ListQuery;
using rmhub::api::ListScope;

template <class T>
T OrDie(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::fprintf(stderr, "scale_bench: %s: %s\n", what, v.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(v);
}
void OrDie(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "scale_bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

struct Stats {
  double p50 = 0, p99 = 0, mean = 0;
  size_t rows = 0;  // rows returned by the last call (sanity: the page is not empty)
};

Stats Summarize(std::vector<double> ms, size_t rows) {
  std::sort(ms.begin(), ms.end());
  Stats s;
  s.p50 = ms[ms.size() / 2];
  s.p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  double sum = 0;
  for (double m : ms) sum += m;
  s.mean = sum / static_cast<double>(ms.size());
  s.rows = rows;
  return s;
}

class Bench {
 public:
  Bench(rmhub::customer::MySqlCustomerRepository& repo, const rmhub::bench::BookShape& shape)
      : repo_(repo), shape_(shape) {}

  // One operation `calls` times; `fn(rng)` returns the rows it read.
  template <class Fn>
  Stats Time(int calls, Fn fn) {
    std::vector<double> ms;
    size_t rows = 0;
    for (int i = 0; i < calls; ++i) {
      const absl::Time t0 = absl::Now();
      rows = fn();
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    }
    return Summarize(std::move(ms), rows);
  }

  size_t Get(int64_t id) {
    std::optional<v1::Customer> c;
    OrDie(repo_.Read([&](rmhub::customer::CustomerStore& s) -> absl::Status {
      RMHUB_ASSIGN_OR_RETURN(c, s.GetCustomer(id, false));
      return absl::OkStatus();
    }),
          "get");
    return c.has_value() ? 1 : 0;
  }

  size_t List(int64_t branch, const std::string& filter,
              const rmhub::customer::SegmentThresholds& tiers) {
    ListQuery q;
    q.filter =
        OrDie(rmhub::api::ParseFilterExpr(filter, rmhub::customer::CustomerFilterSchema()), "f");
    q.scope = ListScope::Branch(branch);
    q.page.limit = 20;
    size_t n = 0;
    OrDie(repo_.Read([&](rmhub::customer::CustomerStore& s) -> absl::Status {
      RMHUB_ASSIGN_OR_RETURN(auto page, s.ListCustomers(q, tiers));
      n = page.items.size();
      return absl::OkStatus();
    }),
          "list");
    return n;
  }

  size_t Held(int64_t member) {
    size_t n = 0;
    OrDie(repo_.Read([&](rmhub::customer::CustomerStore& s) -> absl::Status {
      RMHUB_ASSIGN_OR_RETURN(auto held, s.ListHeld(member));
      n = held.size();
      return absl::OkStatus();
    }),
          "held");
    return n;
  }

 private:
  rmhub::customer::MySqlCustomerRepository& repo_;
  const rmhub::bench::BookShape& shape_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  rmhub::db::DbConfig db;
  db.host = absl::GetFlag(FLAGS_mysql_host);
  db.port = absl::GetFlag(FLAGS_mysql_port);
  db.user = absl::GetFlag(FLAGS_mysql_user);
  db.password = absl::GetFlag(FLAGS_mysql_password);
  db.database = absl::GetFlag(FLAGS_mysql_database);
  db.pool_size = 2;
  db.io_timeout = absl::Minutes(30);  // the tier index build on a large table
  auto pool = OrDie(rmhub::db::ConnectionPool::Create(db), "pool");
  OrDie(rmhub::customer::MySqlCustomerRepository::Migrate(*pool), "migrate");
  const rmhub::customer::SegmentThresholds tiers;  // the service's defaults
  // Built before the book grows: every insert maintains the generated columns' indexes.
  OrDie(rmhub::customer::MySqlCustomerRepository::ApplySegmentTiers(*pool, tiers), "tiers");
  rmhub::customer::SegmentThresholds unbuilt = tiers;
  unbuilt.vip_aum += 1;  // not what the columns were built with: computed per row

  const std::string key_a(32, 'a'), key_b(32, 'b');
  auto cipher = OrDie(rmhub::pii::FieldCipher::Create({{"k1", key_a}}, "k1"), "cipher");
  auto index = OrDie(rmhub::pii::BlindIndex::Create(key_b), "blind index");
  rmhub::idempotency::Settings records;
  records.secret = std::string(32, 'c');
  auto idem = OrDie(rmhub::idempotency::Idempotency::Create("customer", records, &cipher,
                                                            rmhub::RealClock::Instance()),
                    "idempotency");
  rmhub::customer::MySqlCustomerRepository repo(*pool, cipher, index, *idem);

  rmhub::bench::BookShape shape;
  shape.batch = absl::GetFlag(FLAGS_batch);
  shape.branch_id = 1;
  shape.branches = absl::GetFlag(FLAGS_branches);
  shape.managers = absl::GetFlag(FLAGS_managers);
  Bench bench(repo, shape);
  const int calls = absl::GetFlag(FLAGS_calls);
  std::mt19937_64 rng(42);

  std::printf(
      "| customers | operation | tiers | p50 ms | p99 ms | mean ms | rows of the last call |\n"
      "|---|---|---|---|---|---|---|\n");
  for (absl::string_view size_text : absl::StrSplit(absl::GetFlag(FLAGS_sizes), ',')) {
    int64_t size = 0;
    if (!absl::SimpleAtoi(size_text, &size) || size <= 0)
      OrDie(absl::InvalidArgumentError("sizes"), "sizes");
    shape.customers = size;
    const absl::Time t0 = absl::Now();
    rmhub::bench::IdRange ids = OrDie(rmhub::bench::SeedBook(*pool, repo, shape), "seed");
    std::fprintf(stderr, "scale_bench: %lld customers (seeded in %.0f s)\n",
                 static_cast<long long>(size), absl::ToDoubleSeconds(absl::Now() - t0));
    auto random_id = [&] {
      return std::uniform_int_distribution<int64_t>(ids.first, ids.last)(rng);
    };
    auto random_branch = [&] {
      return shape.branch_id + std::uniform_int_distribution<int64_t>(0, shape.branches - 1)(rng);
    };
    auto random_manager = [&] {
      return shape.first_manager + std::uniform_int_distribution<int64_t>(
                                       0, int64_t{shape.branches} * shape.managers - 1)(rng);
    };
    auto row = [&](const char* op, const char* how, const Stats& s) {
      std::printf("| %lld | %s | %s | %.2f | %.2f | %.2f | %zu |\n", static_cast<long long>(size),
                  op, how, s.p50, s.p99, s.mean, s.rows);
      std::fflush(stdout);
    };
    row("get", "–", bench.Time(calls, [&] { return bench.Get(random_id()); }));
    row("branch first page", "–",
        bench.Time(calls, [&] { return bench.List(random_branch(), "", tiers); }));
    for (const bool indexed : {true, false}) {
      if (!indexed && !absl::GetFlag(FLAGS_computed)) continue;
      const auto& t = indexed ? tiers : unbuilt;
      const char* how = indexed ? "indexed" : "computed per row";
      // Computed tiers scan the branch: fewer calls keep the run bounded at 10M.
      const int n = indexed ? calls : std::max(5, calls / 20);
      row("asset_tier = VIP", how,
          bench.Time(n, [&] { return bench.List(random_branch(), "asset_tier = VIP", t); }));
      row("asset_tier = VIP AND status = DORMANT", how, bench.Time(n, [&] {
        return bench.List(random_branch(), "asset_tier = VIP AND status = DORMANT", t);
      }));
    }
    row("RM portfolio (held customers)", "–",
        bench.Time(calls, [&] { return bench.Held(random_manager()); }));
  }
  return 0;
}
