// galera_cap_race (issue 13, run by tests/e2e/galera_failover_test.sh): the customer cap on a
// Galera cluster with two writers. Two pools of the real MySqlCustomerRepository connect to two
// different nodes (each its own node first in its list); --racers concurrent assignments of
// distinct customers to ONE manager, half through each pool, each doing what AssignCustomer does
// in its transaction: LockManager, CountHoldings, refuse at the cap, SetOwnership. Row locks are
// node-local on Galera, so only the lock row's write (certification) can stop the two nodes from
// both committing past the cap. Exit 0 when the manager ends at exactly the cap on both nodes,
// exactly `cap` assignments succeeded and every other call was refused at the cap or aborted
// retryably (certification conflicts outlasting the retries); prints the counts either way.
//   galera_cap_race --hosts_a=h:p,h:p,h:p --hosts_b=h:p,h:p,h:p --user=U --password_file=F
//                   --database=D [--cap=10] [--racers=40]

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/clock/clock.h"
#include "common/idempotency/idempotency.h"
#include "common/pii/blind_index.h"
#include "common/pii/field_cipher.h"
#include "services/customer/mysql_repository.h"

ABSL_FLAG(std::string, hosts_a, "", "node list of the first pool (its own node first)");
ABSL_FLAG(std::string, hosts_b, "", "node list of the second pool (another node first)");
ABSL_FLAG(std::string, user, "", "database user");
ABSL_FLAG(std::string, password_file, "", "file holding the password");
ABSL_FLAG(std::string, database, "", "database (created by the caller, empty)");
ABSL_FLAG(int, cap, 10, "the manager's cap in this race");
ABSL_FLAG(int, racers, 40, "concurrent assignments, half through each pool");

namespace {

namespace customer = rmhub::customer;
constexpr int64_t kManager = 77;

struct Side {
  std::unique_ptr<rmhub::db::ConnectionPool> pool;
  std::unique_ptr<customer::MySqlCustomerRepository> repo;
};

int Fail(const std::string& what, const absl::Status& s) {
  std::fprintf(stderr, "galera_cap_race: %s: %s\n", what.c_str(), s.ToString().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::ifstream pw_file(absl::GetFlag(FLAGS_password_file));
  std::stringstream pw;
  pw << pw_file.rdbuf();
  const int cap = absl::GetFlag(FLAGS_cap), racers = absl::GetFlag(FLAGS_racers);

  auto cipher = *rmhub::pii::FieldCipher::Create({{"k1", std::string(32, 'a')}}, "k1");
  auto index = *rmhub::pii::BlindIndex::Create(std::string(32, 'b'));
  rmhub::idempotency::Settings records;
  records.secret = std::string(32, 'c');
  auto idem = *rmhub::idempotency::Idempotency::Create("customer", records, &cipher,
                                                       rmhub::RealClock::Instance());
  Side sides[2];
  const std::string lists[2] = {absl::GetFlag(FLAGS_hosts_a), absl::GetFlag(FLAGS_hosts_b)};
  for (int i = 0; i < 2; ++i) {
    rmhub::db::DbConfig db;
    db.host = lists[i];
    db.user = absl::GetFlag(FLAGS_user);
    db.password = pw.str();
    db.database = absl::GetFlag(FLAGS_database);
    db.pool_size = racers / 2 + 1;
    db.acquire_timeout = absl::Seconds(30);
    auto pool = rmhub::db::ConnectionPool::Create(db);
    if (!pool.ok()) return Fail("pool", pool.status());
    sides[i].pool = *std::move(pool);
    sides[i].repo =
        std::make_unique<customer::MySqlCustomerRepository>(*sides[i].pool, cipher, index, *idem);
  }
  if (absl::Status s = customer::MySqlCustomerRepository::Migrate(*sides[0].pool); !s.ok()) {
    return Fail("migrate", s);
  }
  // The customers to race for, unassigned, in branch 1.
  const customer::v1::ImportCustomersRequest no_request;
  std::vector<int64_t> ids(static_cast<size_t>(racers));
  absl::Status seeded = sides[0].repo->Write(
      {"RaceSeed", "", "services/e2e"}, no_request, nullptr,
      [&](customer::CustomerStore& store) -> absl::Status {
        for (int i = 0; i < racers; ++i) {
          customer::v1::Customer c;
          c.set_type(customer::v1::CORPORATE);
          c.set_display_name(absl::StrCat("Race Co. ", i));
          c.set_status(customer::v1::ACTIVE);
          customer::Ownership o;
          o.branch_id = 1;
          RMHUB_ASSIGN_OR_RETURN(ids[static_cast<size_t>(i)],
                                 store.InsertCustomer(c, o, absl::Now()));
        }
        return absl::OkStatus();
      },
      nullptr);
  if (!seeded.ok()) return Fail("seed", seeded);
  // Both nodes must see the seed before the race (Galera applies asynchronously after commit).
  absl::SleepFor(absl::Seconds(1));

  std::atomic<int> ok{0}, refused{0}, aborted{0}, errors{0}, start{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < racers; ++i) {
    threads.emplace_back([&, i] {
      Side& side = sides[i % 2];
      start.fetch_add(1);
      while (start.load() < racers) std::this_thread::yield();
      absl::Status s = side.repo->Write(
          {"RaceAssign", "", "services/e2e"}, no_request, nullptr,
          [&](customer::CustomerStore& store) -> absl::Status {
            RMHUB_RETURN_IF_ERROR(store.LockManager(kManager, absl::Now()));
            RMHUB_ASSIGN_OR_RETURN(customer::Holdings h, store.CountHoldings(kManager));
            if (h.customers >= cap) return rmhub::FailedPrecondition("CAP", "at the cap");
            customer::Ownership o;
            o.owner_id = kManager;
            o.team_id = 1;
            o.branch_id = 1;
            return store.SetOwnership(ids[static_cast<size_t>(i)], o, absl::Now());
          },
          nullptr);
      if (s.ok()) {
        ok.fetch_add(1);
      } else if (rmhub::ErrorReason(s) == "CAP") {
        refused.fetch_add(1);
      } else if (s.code() == absl::StatusCode::kAborted) {
        // Certification kept failing through every retry (one manager, 40 racers): the call
        // fails retryably — what a caller replays with its request_id — never past the cap.
        aborted.fetch_add(1);
        std::fprintf(stderr, "galera_cap_race: racer %d: %s\n", i, s.ToString().c_str());
      } else {
        errors.fetch_add(1);
        std::fprintf(stderr, "galera_cap_race: racer %d: %s\n", i, s.ToString().c_str());
      }
    });
  }
  for (auto& t : threads) t.join();
  absl::SleepFor(absl::Seconds(1));  // both nodes have applied every commit
  int held[2] = {-1, -1};
  for (int i = 0; i < 2; ++i) {
    absl::Status s = sides[i].repo->Read([&](customer::CustomerStore& store) -> absl::Status {
      RMHUB_ASSIGN_OR_RETURN(customer::Holdings h, store.CountHoldings(kManager));
      held[i] = h.customers;
      return absl::OkStatus();
    });
    if (!s.ok()) return Fail("count", s);
  }
  std::printf(
      "cap %d, racers %d over two nodes: %d assigned, %d refused at the cap, %d aborted after "
      "their retries (retryable), %d other errors; held on node A %d, on node B %d\n",
      cap, racers, ok.load(), refused.load(), aborted.load(), errors.load(), held[0], held[1]);
  return ok.load() == cap && held[0] == cap && held[1] == cap && errors.load() == 0 ? 0 : 1;
}
