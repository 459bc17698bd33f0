// The pool against the private MariaDB: reuse, statement cache, exhaustion, metrics, and recovery
// after the server kills a connection or is not there at all.
#include "common/db/connection_pool.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/db/transaction.h"
#include "common/status/errors.h"
#include "tests/support/metric_value.h"
#include "tests/support/test_database.h"

namespace rmhub::db {
namespace {

int64_t ConnectionId(Connection& c) {
  std::unique_ptr<sql::ResultSet> rs(c.Prepare("SELECT CONNECTION_ID()").executeQuery());
  rs->next();
  return rs->getInt64(1);
}

absl::StatusOr<int64_t> ConnectionIdOf(ConnectionPool& pool) {
  return QueryWithConnection<int64_t>(
      pool, [](Connection& c) -> absl::StatusOr<int64_t> { return ConnectionId(c); });
}

// A loopback port with nothing listening on it.
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class ConnectionPoolTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = testing::TestDatabase::Create("db_pool"); }

  std::unique_ptr<ConnectionPool> MakePool(int size, absl::Duration acquire_timeout) {
    DbConfig config = db_->config();
    config.pool_size = size;
    config.acquire_timeout = acquire_timeout;
    auto pool = ConnectionPool::Create(config, &registry_);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }

  double Metric(const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    return testing::MetricValue(registry_, name, labels).value_or(-1);
  }

  std::unique_ptr<testing::TestDatabase> db_;
  prometheus::Registry registry_;
};

TEST_F(ConnectionPoolTest, ReusesTheConnectionAndItsPreparedStatements) {
  auto pool = MakePool(2, absl::Seconds(5));
  int64_t first_id = 0;
  sql::PreparedStatement* cached = nullptr;
  {
    absl::StatusOr<Lease> lease = pool->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    first_id = ConnectionId(**lease);
    cached = &(*lease)->Prepare("SELECT ? + 1");
    EXPECT_EQ(&(*lease)->Prepare("SELECT ? + 1"), cached);
    EXPECT_NE(&(*lease)->Prepare("SELECT ? + 2"), cached);
  }
  absl::StatusOr<Lease> again = pool->Acquire();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(ConnectionId(**again), first_id);
  sql::PreparedStatement& ps = (*again)->Prepare("SELECT ? + 1");
  EXPECT_EQ(&ps, cached);
  ps.setInt(1, 41);
  std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
  ASSERT_TRUE(rs->next());
  EXPECT_EQ(rs->getInt(1), 42);
  EXPECT_EQ(Metric("rmhub_db_pool_connections", {{"state", "in_use"}}), 1);
  EXPECT_EQ(Metric("rmhub_db_pool_size"), 2);
  EXPECT_EQ(Metric("rmhub_db_reconnects_total"), 0);
}

TEST_F(ConnectionPoolTest, StatementCacheIsBounded) {
  auto pool = MakePool(1, absl::Seconds(5));
  absl::StatusOr<Lease> lease = pool->Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  for (int i = 0; i < Connection::kMaxCachedStatements + 10; ++i) {
    (*lease)->Prepare("SELECT " + std::to_string(i));
  }
  EXPECT_EQ((*lease)->cached_statements(), Connection::kMaxCachedStatements);
}

TEST_F(ConnectionPoolTest, AcquireGivesUpWhenExhausted) {
  auto pool = MakePool(1, absl::Milliseconds(50));
  absl::StatusOr<Lease> held = pool->Acquire();
  ASSERT_TRUE(held.ok()) << held.status();
  absl::StatusOr<Lease> second = pool->Acquire();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(second.status()), "POOL_EXHAUSTED");
  EXPECT_EQ(Metric("rmhub_db_pool_acquire_timeouts_total"), 1);
  EXPECT_EQ(Metric("rmhub_db_pool_connections", {{"state", "in_use"}}), 1);
  held = absl::UnavailableError("released");  // gives the connection back
  EXPECT_TRUE(pool->Acquire().ok());
  EXPECT_EQ(Metric("rmhub_db_pool_connections", {{"state", "idle"}}), 1);
}

TEST_F(ConnectionPoolTest, AWaiterGetsTheReleasedConnection) {
  auto pool = MakePool(1, absl::Seconds(60));
  absl::StatusOr<Lease> held = pool->Acquire();
  ASSERT_TRUE(held.ok()) << held.status();
  absl::Status waiter_status;
  std::thread waiter([&] { waiter_status = pool->Acquire().status(); });
  held = absl::UnavailableError("released");
  waiter.join();
  EXPECT_TRUE(waiter_status.ok()) << waiter_status;
  EXPECT_EQ(Metric("rmhub_db_pool_acquire_wait_seconds"), 2);  // two observations
}

TEST_F(ConnectionPoolTest, AKilledConnectionIsReplacedNotReused) {
  auto pool = MakePool(2, absl::Seconds(5));
  absl::StatusOr<int64_t> first = ConnectionIdOf(*pool);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(db_->KillConnection(*first).ok());

  // Outside a transaction the loss is reported once, and the session is dropped...
  absl::StatusOr<int64_t> lost = ConnectionIdOf(*pool);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(lost.status()), "DB_UNAVAILABLE");
  // ...so the next call gets a new one.
  absl::StatusOr<int64_t> second = ConnectionIdOf(*pool);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(*second, *first);
  EXPECT_EQ(Metric("rmhub_db_reconnects_total"), 1);
  EXPECT_TRUE(pool->Ping().ok());
}

TEST_F(ConnectionPoolTest, ATransactionOnAKilledConnectionRunsAgainOnAFreshOne) {
  auto pool = MakePool(2, absl::Seconds(5));
  absl::StatusOr<int64_t> first = ConnectionIdOf(*pool);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(db_->KillConnection(*first).ok());
  int runs = 0;
  int64_t used = 0;
  absl::Status s = RunInTransaction(*pool, [&](Connection& c) {
    ++runs;
    used = ConnectionId(c);
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_NE(used, *first);
  EXPECT_EQ(Metric("rmhub_db_reconnects_total"), 1);
}

TEST_F(ConnectionPoolTest, PingSeesAKilledIdleConnectionAndRecovers) {
  auto pool = MakePool(1, absl::Seconds(5));
  absl::StatusOr<int64_t> first = ConnectionIdOf(*pool);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(db_->KillConnection(*first).ok());
  EXPECT_TRUE(pool->Ping().ok());
}

TEST_F(ConnectionPoolTest, ANoServerIsUnavailableNotAStartFailure) {
  DbConfig config = db_->config();
  config.port = ClosedPort();
  config.pool_size = 1;
  config.acquire_timeout = absl::Milliseconds(100);
  absl::StatusOr<std::unique_ptr<ConnectionPool>> pool = ConnectionPool::Create(config);
  ASSERT_TRUE(pool.ok()) << pool.status();  // services start and report NOT_SERVING
  absl::Status ping = (*pool)->Ping();
  EXPECT_EQ(ping.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(ping), "DB_UNAVAILABLE");
  absl::Status tx = RunInTransaction(**pool, [](Connection&) { return absl::OkStatus(); });
  EXPECT_EQ(tx.code(), absl::StatusCode::kUnavailable);
  // The failed connects gave their one slot back each time (else: POOL_EXHAUSTED).
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ErrorReason((*pool)->Ping()), "DB_UNAVAILABLE");
}

TEST_F(ConnectionPoolTest, BadConfigIsRejectedNamingTheSetting) {
  DbConfig config = db_->config();
  config.pool_size = 0;
  absl::StatusOr<std::unique_ptr<ConnectionPool>> pool = ConnectionPool::Create(config);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolations(pool.status()).size(), 1u);
  EXPECT_EQ(FieldViolations(pool.status())[0].field, "db_pool_size");
}

TEST(DbEndpointsTest, AHostOrAnOrderedListOfNodes) {
  DbConfig c;
  c.port = 3306;
  c.host = "db.internal";
  ASSERT_TRUE(ParseDbEndpoints(c).ok());
  EXPECT_EQ(*ParseDbEndpoints(c), (std::vector<DbEndpoint>{{"db.internal", 3306}}));
  c.host = "10.0.0.1:3307, 10.0.0.2 ,10.0.0.3:3309";
  ASSERT_TRUE(ParseDbEndpoints(c).ok()) << ParseDbEndpoints(c).status();
  EXPECT_EQ(*ParseDbEndpoints(c),
            (std::vector<DbEndpoint>{{"10.0.0.1", 3307}, {"10.0.0.2", 3306}, {"10.0.0.3", 3309}}));
  for (const char* bad : {"", "a,,b", "a:0", "a:70000", "a:x", ":3306", "a:1,a:1"}) {
    c.host = bad;
    absl::StatusOr<std::vector<DbEndpoint>> e = ParseDbEndpoints(c);
    ASSERT_FALSE(e.ok()) << bad;
    ASSERT_EQ(FieldViolations(e.status()).size(), 1u) << bad;
    EXPECT_EQ(FieldViolations(e.status())[0].field, "db_host") << bad;
    absl::Status v = ValidateDbConfig(c);
    EXPECT_EQ(v.code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

// A node list whose first node is down: the pool moves to the next one, counts the switch and
// stays there; a later outage of every node is UNAVAILABLE, not a crash or a hang.
TEST_F(ConnectionPoolTest, ANodeListFailsOverToTheNextReachableNode) {
  DbConfig config = db_->config();
  const int down = ClosedPort();
  config.host = absl::StrCat("127.0.0.1:", down, ",", config.host, ":", config.port);
  config.pool_size = 2;
  config.acquire_timeout = absl::Milliseconds(500);
  absl::StatusOr<std::unique_ptr<ConnectionPool>> pool = ConnectionPool::Create(config, &registry_);
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ((*pool)->current_endpoint().port, down);
  ASSERT_TRUE((*pool)->Ping().ok());
  EXPECT_EQ((*pool)->current_endpoint().port, db_->config().port);
  EXPECT_EQ(Metric("rmhub_db_failovers_total"), 1);
  // Later connections go straight to the node that works: no second switch.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*pool)->Ping().ok());
  EXPECT_EQ(Metric("rmhub_db_failovers_total"), 1);
  absl::StatusOr<int64_t> id = ConnectionIdOf(**pool);
  ASSERT_TRUE(id.ok()) << id.status();
}

TEST_F(ConnectionPoolTest, ANodeListWithNoReachableNodeIsUnavailable) {
  DbConfig config = db_->config();
  config.host = absl::StrCat("127.0.0.1:", ClosedPort(), ",127.0.0.1:", ClosedPort());
  config.pool_size = 1;
  config.acquire_timeout = absl::Milliseconds(100);
  absl::StatusOr<std::unique_ptr<ConnectionPool>> pool = ConnectionPool::Create(config);
  ASSERT_TRUE(pool.ok()) << pool.status();
  absl::Status ping = (*pool)->Ping();
  EXPECT_EQ(ping.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(ping), "DB_UNAVAILABLE");
}

}  // namespace
}  // namespace rmhub::db
