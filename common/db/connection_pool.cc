#include "common/db/connection_pool.h"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/db/sql_error.h"
#include "common/status/errors.h"

namespace rmhub::db {
namespace {

// An idle connection older than this is pinged before it is handed out: the server may have
// restarted or timed it out meanwhile. Younger ones are trusted; if one fails anyway, the
// transaction helper re-runs its body on a fresh connection.
constexpr absl::Duration kRevalidateAfter = absl::Seconds(5);

// Connector/C++'s driver singleton and its connect() are not safe to race on first use.
std::mutex& DriverMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}

int WholeSeconds(absl::Duration d) {
  return std::max(1, static_cast<int>(absl::ToInt64Seconds(d)));
}

sql::ConnectOptionsMap ConnectOptions(const DbConfig& c, const DbEndpoint& at) {
  sql::ConnectOptionsMap options;
  options["hostName"] = sql::SQLString(absl::StrCat("tcp://", at.host, ":", at.port));
  options["userName"] = sql::SQLString(c.user);
  options["password"] = sql::SQLString(c.password);
  if (!c.database.empty()) options["schema"] = sql::SQLString(c.database);
  options["OPT_CONNECT_TIMEOUT"] = WholeSeconds(c.connect_timeout);
  options["OPT_READ_TIMEOUT"] = WholeSeconds(c.io_timeout);
  options["OPT_WRITE_TIMEOUT"] = WholeSeconds(c.io_timeout);
  options["OPT_RECONNECT"] = false;  // a silent reconnect would lose session state mid-transaction
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  if (!c.tls_ca_file.empty()) {
    options["sslCA"] = sql::SQLString(c.tls_ca_file);
    // Connector/C++ 1.1.12 keys: verify the certificate (MYSQL_OPT_SSL_VERIFY_SERVER_CERT) and
    // never fall back to plaintext (MYSQL_OPT_SSL_ENFORCE).
    options["sslVerify"] = true;
    options["sslEnforce"] = true;
  }
  if (!c.tls_cert_file.empty()) {
    options["sslCert"] = sql::SQLString(c.tls_cert_file);
    options["sslKey"] = sql::SQLString(c.tls_key_file);
  }
  return options;
}

void CheckTlsFiles(const DbConfig& c, FieldErrors& errors) {
  const std::pair<const char*, const std::string*> files[] = {
      {"db_tls_ca_file", &c.tls_ca_file},
      {"db_tls_cert_file", &c.tls_cert_file},
      {"db_tls_key_file", &c.tls_key_file}};
  for (const auto& [flag, path] : files) {
    if (!path->empty() && access(path->c_str(), R_OK) != 0) {
      errors.Add(flag, absl::StrCat("cannot read \"", *path, "\""));
    }
  }
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    errors.Add("db_tls_cert_file", "db_tls_cert_file and db_tls_key_file go together");
  }
  if (!c.tls_cert_file.empty() && c.tls_ca_file.empty()) {
    errors.Add("db_tls_ca_file", "a client certificate needs the CA of the database server");
  }
}

// A Galera node takes writes only while it is a Synced member of the primary component: a
// joiner, a donor (an rsync SST blocks it) or a partitioned node would hang or refuse. A server
// without wsrep (a plain MariaDB or MySQL in a list) is always ready. May throw.
bool ClusterNodeReady(Connection& conn) {
  std::unique_ptr<sql::ResultSet> on(
      conn.Prepare("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'").executeQuery());
  if (!on->next() || on->getString(2) != "ON") return true;
  std::unique_ptr<sql::ResultSet> rs(conn.Prepare("SHOW GLOBAL STATUS WHERE Variable_name IN "
                                                  "('wsrep_ready', 'wsrep_local_state_comment')")
                                         .executeQuery());
  bool ready = false, synced = false;
  while (rs->next()) {
    const std::string name = rs->getString(1), value = rs->getString(2);
    if (name == "wsrep_ready") ready = value == "ON";
    if (name == "wsrep_local_state_comment") synced = value == "Synced";
  }
  return ready && synced;
}

}  // namespace

absl::StatusOr<std::vector<DbEndpoint>> ParseDbEndpoints(const DbConfig& c) {
  std::vector<DbEndpoint> out;
  for (absl::string_view entry : absl::StrSplit(c.host, ',')) {
    entry = absl::StripAsciiWhitespace(entry);
    DbEndpoint e{std::string(entry), c.port};
    const size_t colon = entry.rfind(':');
    if (colon != absl::string_view::npos) {
      e.host = std::string(entry.substr(0, colon));
      if (!absl::SimpleAtoi(entry.substr(colon + 1), &e.port) || e.port <= 0 || e.port > 65535) {
        return InvalidField("db_host",
                            absl::StrCat("entry \"", entry, "\" needs a port 1..65535 after ':'"));
      }
    }
    if (e.host.empty()) {
      return InvalidField("db_host", "is required (a host, or host[:port],... of a cluster)");
    }
    if (std::find(out.begin(), out.end(), e) != out.end()) {
      return InvalidField("db_host", absl::StrCat("lists \"", entry, "\" twice"));
    }
    out.push_back(std::move(e));
  }
  return out;
}

absl::Status ValidateDbConfig(const DbConfig& c) {
  FieldErrors errors;
  if (absl::StatusOr<std::vector<DbEndpoint>> e = ParseDbEndpoints(c); !e.ok()) {
    for (FieldViolation& v : FieldViolations(e.status())) errors.Add(v.field, v.description);
  }
  if (c.port <= 0 || c.port > 65535) errors.Add("db_port", "must be 1..65535");
  if (c.user.empty()) errors.Add("db_user", "is required");
  if (c.pool_size <= 0) errors.Add("db_pool_size", "must be positive");
  if (c.connect_timeout < absl::Seconds(1)) errors.Add("db_connect_timeout", "must be >= 1s");
  if (c.io_timeout < absl::Seconds(2)) errors.Add("db_io_timeout", "must be >= 2s");
  if (c.acquire_timeout <= absl::ZeroDuration()) {
    errors.Add("db_acquire_timeout", "must be positive");
  }
  CheckTlsFiles(c, errors);
  return errors.Status();
}

// ---- Connection ----

Connection::Connection(std::unique_ptr<sql::Connection> raw) : raw_(std::move(raw)) {}

Connection::~Connection() {
  // Statements first, then the session.
  statements_.clear();
  plain_.reset();
}

sql::PreparedStatement& Connection::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::unique_ptr<sql::PreparedStatement> st(raw_->prepareStatement(sql));
    if (static_cast<int>(statements_.size()) >= kMaxCachedStatements) EvictLeastRecentlyUsed();
    it = statements_.emplace(sql, Cached{std::move(st), 0}).first;
  }
  it->second.last_use = ++use_counter_;
  return *it->second.statement;
}

void Connection::EvictLeastRecentlyUsed() {
  auto oldest = std::min_element(
      statements_.begin(), statements_.end(),
      [](const auto& a, const auto& b) { return a.second.last_use < b.second.last_use; });
  if (oldest != statements_.end()) statements_.erase(oldest);
}

void Connection::Execute(const std::string& sql) {
  if (!plain_) plain_.reset(raw_->createStatement());
  plain_->execute(sql);
}

// ---- Lease ----

Lease::Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), broken_(other.broken_) {
  other.pool_ = nullptr;
}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    conn_ = std::move(other.conn_);
    broken_ = other.broken_;
    other.pool_ = nullptr;
  }
  return *this;
}

Lease::~Lease() { Release(); }

void Lease::Release() {
  if (pool_ == nullptr) return;
  pool_->Return(std::move(conn_), broken_);
  pool_ = nullptr;
}

// ---- ConnectionPool ----

struct ConnectionPool::Metrics {
  prometheus::Gauge* in_use = nullptr;
  prometheus::Gauge* idle = nullptr;
  prometheus::Histogram* wait = nullptr;
  prometheus::Counter* timeouts = nullptr;
  prometheus::Counter* reconnects = nullptr;
  prometheus::Counter* failovers = nullptr;

  Metrics(prometheus::Registry& r, int pool_size) {
    auto& conns = prometheus::BuildGauge()
                      .Name("rmhub_db_pool_connections")
                      .Help("Database connections of the pool by state")
                      .Register(r);
    in_use = &conns.Add({{"state", "in_use"}});
    idle = &conns.Add({{"state", "idle"}});
    prometheus::BuildGauge()
        .Name("rmhub_db_pool_size")
        .Help("Configured maximum number of database connections")
        .Register(r)
        .Add({})
        .Set(pool_size);
    wait = &prometheus::BuildHistogram()
                .Name("rmhub_db_pool_acquire_wait_seconds")
                .Help("Time spent waiting for a free database connection")
                .Register(r)
                .Add({}, prometheus::Histogram::BucketBoundaries{0.0001, 0.0005, 0.001, 0.005, 0.01,
                                                                 0.05, 0.1, 0.5, 1, 2, 5});
    timeouts = &prometheus::BuildCounter()
                    .Name("rmhub_db_pool_acquire_timeouts_total")
                    .Help("Acquisitions that found no free connection in time")
                    .Register(r)
                    .Add({});
    reconnects = &prometheus::BuildCounter()
                      .Name("rmhub_db_reconnects_total")
                      .Help("Connections opened to replace a broken or stale one")
                      .Register(r)
                      .Add({});
    failovers = &prometheus::BuildCounter()
                     .Name("rmhub_db_failovers_total")
                     .Help("Switches of the pool's current database node to the next in the list")
                     .Register(r)
                     .Add({});
  }
};

ConnectionPool::ConnectionPool(const DbConfig& config, std::vector<DbEndpoint> endpoints,
                               prometheus::Registry* registry)
    : config_(config), endpoints_(std::move(endpoints)) {
  if (registry != nullptr) metrics_ = std::make_unique<Metrics>(*registry, config_.pool_size);
  absl::MutexLock lock(&mu_);
  UpdateGauges();
}

ConnectionPool::~ConnectionPool() = default;

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    const DbConfig& config, prometheus::Registry* registry) {
  RMHUB_RETURN_IF_ERROR(ValidateDbConfig(config));
  {
    std::lock_guard<std::mutex> lock(DriverMutex());
    sql::mysql::get_mysql_driver_instance();  // the first call initialises the client library
  }
  RMHUB_ASSIGN_OR_RETURN(std::vector<DbEndpoint> endpoints, ParseDbEndpoints(config));
  return std::unique_ptr<ConnectionPool>(
      new ConnectionPool(config, std::move(endpoints), registry));
}

DbEndpoint ConnectionPool::current_endpoint() const {
  return endpoints_[static_cast<size_t>(current_.load()) % endpoints_.size()];
}

absl::StatusOr<std::unique_ptr<Connection>> ConnectionPool::OpenAt(const DbEndpoint& at) {
  sql::ConnectOptionsMap options = ConnectOptions(config_, at);
  try {
    std::unique_ptr<sql::Connection> raw;
    {
      std::lock_guard<std::mutex> lock(DriverMutex());
      raw.reset(sql::mysql::get_mysql_driver_instance()->connect(options));
    }
    auto conn = std::make_unique<Connection>(std::move(raw));
    // UTC for NOW()/TIMESTAMP; lock waits end (retryably) well before the read timeout would
    // drop the connection.
    conn->Execute("SET SESSION time_zone = '+00:00'");
    conn->Execute(absl::StrCat("SET SESSION innodb_lock_wait_timeout = ",
                               std::max(1, WholeSeconds(config_.io_timeout) / 2)));
    if (endpoints_.size() > 1 && !ClusterNodeReady(*conn)) {
      return Unavailable(kUnavailableReason, "the database node is not a synced cluster member");
    }
    return conn;
  } catch (const sql::SQLException& e) {
    absl::Status s = StatusFromSqlException(e);
    if (s.code() == absl::StatusCode::kUnavailable) return s;
    // Bad credentials or a missing database also mean "not usable now"; the code tells which.
    return Unavailable(kUnavailableReason, absl::StrCat("cannot connect to the database (error ",
                                                        e.getErrorCode(), ")"));
  }
}

absl::StatusOr<std::unique_ptr<Connection>> ConnectionPool::Open() {
  // The current node first, then the others in list order; the first that is usable becomes
  // current. Connections opened before a switch carry the old epoch and are closed on reuse,
  // so the pool never writes to two nodes at once for longer than the calls in flight.
  const int n = static_cast<int>(endpoints_.size());
  const int start = current_.load();
  const uint64_t epoch = epoch_.load();
  absl::Status first_error;
  for (int k = 0; k < n; ++k) {
    const int index = (start + k) % n;
    absl::StatusOr<std::unique_ptr<Connection>> conn = OpenAt(endpoints_[index]);
    if (!conn.ok()) {
      if (first_error.ok()) first_error = conn.status();
      continue;
    }
    if (index != start) {
      int expected = start;
      if (current_.compare_exchange_strong(expected, index)) {
        epoch_.fetch_add(1);
        if (metrics_) metrics_->failovers->Increment();
        absl::MutexLock lock(&mu_);
        for (auto& idle : idle_) idle->suspect_ = true;
      }
    }
    (*conn)->epoch_ = index == start ? epoch : epoch_.load();
    if (current_.load() != index) continue;  // another thread switched elsewhere meanwhile
    return conn;
  }
  return first_error;
}

std::unique_ptr<Connection> ConnectionPool::TakeIdle() {
  if (idle_.empty()) return nullptr;
  std::unique_ptr<Connection> conn = std::move(idle_.back());  // most recently used: warm
  idle_.pop_back();
  return conn;
}

bool ConnectionPool::Reusable(Connection& conn) {
  if (conn.epoch_ != epoch_.load()) return false;  // opened on a node the pool has left
  if (!conn.suspect_ && absl::Now() - conn.idle_since_ < kRevalidateAfter) return true;
  try {
    return conn.raw().isValid();
  } catch (const sql::SQLException&) {
    return false;
  }
}

absl::StatusOr<Lease> ConnectionPool::Acquire() {
  const absl::Time start = absl::Now();
  std::unique_ptr<Connection> conn;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || in_use_ + static_cast<int>(idle_.size()) < config_.pool_size;
    };
    if (!mu_.AwaitWithDeadline(absl::Condition(&available), start + config_.acquire_timeout)) {
      if (metrics_) metrics_->timeouts->Increment();
      return Unavailable("POOL_EXHAUSTED", "no database connection became free in time");
    }
    conn = TakeIdle();
    ++in_use_;
    UpdateGauges();
  }
  if (metrics_) metrics_->wait->Observe(absl::ToDoubleSeconds(absl::Now() - start));
  if (conn && !Reusable(*conn)) {
    conn.reset();
    absl::MutexLock lock(&mu_);
    ++to_replace_;
  }
  if (!conn) {
    absl::StatusOr<std::unique_ptr<Connection>> opened = Open();
    if (!opened.ok()) {
      DropSlot(/*replace_later=*/false);
      return opened.status();
    }
    conn = *std::move(opened);
    absl::MutexLock lock(&mu_);
    if (to_replace_ > 0) {
      --to_replace_;
      if (metrics_) metrics_->reconnects->Increment();
    }
  }
  return Lease(this, std::move(conn));
}

void ConnectionPool::Return(std::unique_ptr<Connection> conn, bool broken) {
  if (broken || !conn) {
    conn.reset();  // closes the session outside the lock
    DropSlot(/*replace_later=*/true);
    return;
  }
  conn->idle_since_ = absl::Now();
  conn->suspect_ = false;
  absl::MutexLock lock(&mu_);
  --in_use_;
  idle_.push_back(std::move(conn));
  UpdateGauges();
}

void ConnectionPool::DropSlot(bool replace_later) {
  absl::MutexLock lock(&mu_);
  --in_use_;
  if (replace_later) {
    ++to_replace_;
    // One broken connection usually means the server went away or restarted: ping the idle
    // ones before their next use instead of failing one call per stale connection.
    for (auto& idle : idle_) idle->suspect_ = true;
  }
  UpdateGauges();
}

void ConnectionPool::UpdateGauges() {
  if (!metrics_) return;
  metrics_->in_use->Set(in_use_);
  metrics_->idle->Set(static_cast<double>(idle_.size()));
}

absl::Status ConnectionPool::Ping() {
  // A second try: the first may land on a connection the server dropped while it was idle.
  absl::Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    RMHUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    try {
      std::unique_ptr<sql::ResultSet> rs(lease->Prepare("SELECT 1").executeQuery());
      return absl::OkStatus();
    } catch (const sql::SQLException& e) {
      lease.MarkBroken();
      last = StatusFromSqlException(e);
      if (!IsConnectionLost(e)) return last;
    }
  }
  return last;
}

}  // namespace rmhub::db
