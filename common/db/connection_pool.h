#pragma once
// A pool of Connector/C++ connections. One connection is used by one thread at a time: a caller
// leases it (Lease, RAII) and the pool takes it back when the lease goes away.
//
// Start-up and outages: Create() never touches the database, so a service starts while MariaDB
// is down, reports NOT_SERVING (Ping() fails) and recovers on its own. Connections are opened
// lazily on Acquire(); a connection found broken is dropped and replaced by a fresh one on a
// later Acquire(), so a lost connection never poisons the pool. Every connection carries connect,
// read and write timeouts, so a stopped server makes calls fail fast with UNAVAILABLE.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
// The error vocabulary (and RMHUB_RETURN_IF_ERROR) that code using the pool works in.
#include "common/status/errors.h"

// Part of this API: callers use raw() and Prepare() with the connector's own types.
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace rmhub::db {

struct DbConfig {
  // One host, or an ordered list of cluster nodes "host[:port],host[:port],..." (a MariaDB
  // Galera cluster; entries without a port use `port`). With a list, the pool writes to ONE node
  // at a time: every connection of the pool goes to the current node; when a connection to it
  // cannot be opened, or the node is not a Synced member of the primary component (a donor, a
  // joiner, a partitioned node), the next node in the list becomes current, connections still
  // open on the old node are closed before reuse, and rmhub_db_failovers_total counts the switch.
  // It stays on the new node (no fail-back) until that one fails in turn. See docs/scaling.md.
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user, password, database;
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(2);
  // Read/write timeout of every network operation. Lock waits are cut below it (the session's
  // innodb_lock_wait_timeout is set to half of it), so a lock wait ends in a retryable 1205
  // rather than in a dropped connection.
  absl::Duration io_timeout = absl::Seconds(10);
  absl::Duration acquire_timeout = absl::Seconds(2);
  // TLS to the database: with a CA file every connection is encrypted and the server's
  // certificate is verified against it (chain and host name, which must match `host`); a server
  // that does not offer TLS, or whose certificate does not verify, is refused. Cert and key add a
  // client certificate. Empty: plaintext (the local stack on loopback).
  std::string tls_ca_file, tls_cert_file, tls_key_file;
};

// INVALID_ARGUMENT naming the bad setting, or OK.
absl::Status ValidateDbConfig(const DbConfig& config);

// One entry of DbConfig::host.
struct DbEndpoint {
  std::string host;
  int port = 0;
  bool operator==(const DbEndpoint& o) const { return host == o.host && port == o.port; }
};
// The endpoints `config.host` lists, in order; INVALID_ARGUMENT "db_host" for an empty entry or a
// bad port.
absl::StatusOr<std::vector<DbEndpoint>> ParseDbEndpoints(const DbConfig& config);

// One open session. Sessions run with utf8mb4, time_zone '+00:00' and autocommit on.
class Connection {
 public:
  explicit Connection(std::unique_ptr<sql::Connection> raw);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sql::Connection& raw() { return *raw_; }

  // A prepared statement cached on this connection keyed by SQL text (may throw
  // sql::SQLException). The reference stays valid until kMaxCachedStatements other distinct
  // statements have been prepared on this connection (least recently used ones are evicted).
  sql::PreparedStatement& Prepare(const std::string& sql);

  // Runs a statement that takes no parameters and returns no rows (may throw).
  void Execute(const std::string& sql);

  int cached_statements() const { return static_cast<int>(statements_.size()); }
  static constexpr int kMaxCachedStatements = 256;

 private:
  friend class ConnectionPool;
  struct Cached {
    std::unique_ptr<sql::PreparedStatement> statement;
    uint64_t last_use = 0;
  };
  void EvictLeastRecentlyUsed();

  // Declared first so it is destroyed last: statements must close before their connection.
  std::unique_ptr<sql::Connection> raw_;
  std::unique_ptr<sql::Statement> plain_;
  std::unordered_map<std::string, Cached> statements_;
  uint64_t use_counter_ = 0;
  // Pool bookkeeping: when the connection went idle, whether a failure seen elsewhere since
  // then makes it worth a ping before reuse, and the pool's failover epoch when it was opened
  // (a connection from an older epoch points at a node the pool has left: closed, not reused).
  absl::Time idle_since_;
  bool suspect_ = false;
  uint64_t epoch_ = 0;
};

class ConnectionPool;

// A leased connection. Move-only; returns the connection to the pool when destroyed.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  Connection* operator->() const { return conn_.get(); }
  Connection& operator*() const { return *conn_; }
  // The connection failed in a way that leaves its state unknown: the pool closes it instead of
  // reusing it, and opens a fresh one next time.
  void MarkBroken() { broken_ = true; }

 private:
  friend class ConnectionPool;
  Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn);
  void Release();

  ConnectionPool* pool_ = nullptr;
  std::unique_ptr<Connection> conn_;
  bool broken_ = false;
};

class ConnectionPool {
 public:
  // INVALID_ARGUMENT for a bad config; never fails because the database is unreachable.
  // With a registry, exports rmhub_db_pool_* and rmhub_db_reconnects_total.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(
      const DbConfig& config, prometheus::Registry* registry = nullptr);
  ~ConnectionPool();

  // Waits at most acquire_timeout for a free connection: UNAVAILABLE "POOL_EXHAUSTED" after
  // that, UNAVAILABLE "DB_UNAVAILABLE" when a new connection cannot be opened.
  absl::StatusOr<Lease> Acquire();
  // SELECT 1 on a leased connection; UNAVAILABLE when the database is down.
  absl::Status Ping();
  int size() const { return config_.pool_size; }
  const DbConfig& config() const { return config_; }
  // The node new connections go to (the first of the list until a failover).
  DbEndpoint current_endpoint() const;

 private:
  struct Metrics;
  ConnectionPool(const DbConfig& config, std::vector<DbEndpoint> endpoints,
                 prometheus::Registry* registry);
  friend class Lease;

  absl::StatusOr<std::unique_ptr<Connection>> Open();
  absl::StatusOr<std::unique_ptr<Connection>> OpenAt(const DbEndpoint& at);
  std::unique_ptr<Connection> TakeIdle() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Reusable(Connection& conn);
  void Return(std::unique_ptr<Connection> conn, bool broken);
  void DropSlot(bool replace_later);
  void UpdateGauges() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const DbConfig config_;
  const std::vector<DbEndpoint> endpoints_;
  std::unique_ptr<Metrics> metrics_;
  // Index into endpoints_ of the current node, and how many times the pool has switched.
  std::atomic<int> current_{0};
  std::atomic<uint64_t> epoch_{0};
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
  // Connections dropped as broken and not yet replaced; the next opens count as reconnects.
  int to_replace_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rmhub::db
