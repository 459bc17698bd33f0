#pragma once
// The repository base every service's storage follows (docs/architecture: "a repository base for
// Read/Write/CheckReady/Migrate"). A service declares its Store (the statements it needs) and
//   class FooRepository : public db::Repository<FooStore> {};
// and its MariaDB implementation derives from db::MySqlRepository<FooStore>, supplying only how
// a store is made on a connection (WithStore). All work happens inside Read / ReadSingle / Write;
// a Store is valid only inside the callback, and callbacks may run more than once (retried
// transactions), so they must have no effects outside the database besides their outputs.

#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "common/db/transaction.h"
#include "common/idempotency/idempotency.h"

namespace rmhub::db {

// {method, request_id, subject}: what Write deduplicates on (with the service's name).
using WriteKey = idempotency::Key;
using idempotency::Delivery;

template <class Store>
class Repository {
 public:
  using Body = std::function<absl::Status(Store&)>;
  // Runs after the body on a first call (kFirst) and INSTEAD of it on a replay (kReplay), in the
  // same transaction, on *response: the response as the body produced it (unshaped: what is
  // stored, sealed). On a replay it re-authorizes the caller against the current object (the
  // same error a first call would get when access is gone) and on both it shapes the response
  // for the caller (masking, audit entries).
  using Finish = std::function<absl::Status(Store&, Delivery)>;

  virtual ~Repository() = default;
  // A read-only transaction: several statements see one snapshot (retried on deadlocks).
  virtual absl::Status Read(const Body& body) = 0;
  // For a body that reads with ONE statement: it runs in autocommit, where a statement is its
  // own consistent snapshot, saving the START TRANSACTION and COMMIT round trips.
  virtual absl::Status ReadSingle(const Body& body) = 0;
  // One transaction, at most once per (method, subject, non-empty request_id) within the
  // retention (common/idempotency/idempotency.h). A replay without `finish` is refused
  // (PERMISSION_DENIED REPLAY_NOT_AUTHORIZED).
  virtual absl::Status Write(const WriteKey& key, const google::protobuf::Message& request,
                             google::protobuf::Message* response, const Body& body,
                             const Finish& finish) = 0;
  // OK when the database answers and every migration is applied.
  virtual absl::Status CheckReady() = 0;
};

// The MariaDB side of Repository<Store>: pool, transactions, idempotency records, readiness and
// migrations. A derived class only says how a Store is made on a connection.
template <class Store>
class MySqlRepository : public Repository<Store> {
 public:
  using typename Repository<Store>::Body;
  using typename Repository<Store>::Finish;

  absl::Status Read(const Body& body) override {
    return RunInTransaction(pool_, [&](Connection& conn) { return WithStore(conn, body); });
  }
  absl::Status ReadSingle(const Body& body) override {
    return RunWithConnection(pool_, [&](Connection& conn) { return WithStore(conn, body); });
  }
  absl::Status Write(const WriteKey& key, const google::protobuf::Message& request,
                     google::protobuf::Message* response, const Body& body,
                     const Finish& finish) override {
    idempotency::Idempotency::Finish on_conn;
    if (finish) {
      on_conn = [&](Connection& conn, Delivery delivery) {
        return WithStore(conn, [&](Store& store) { return finish(store, delivery); });
      };
    }
    return idempotency_.Run(
        pool_, key, request, response, [&](Connection& conn) { return WithStore(conn, body); },
        on_conn);
  }
  absl::Status CheckReady() override { return CheckSchemaReady(pool_, migrations_, service_); }
  // Applies the runtime's and the service's migrations (idempotent; safe for replicas starting
  // together).
  absl::Status Migrate() { return ApplyMigrations(pool_, migrations_); }

 protected:
  // None owned; pool and idempotency must outlive the repository.
  MySqlRepository(ConnectionPool& pool, const idempotency::Idempotency& idempotency,
                  std::vector<MigrationFile> migrations, std::string service)
      : pool_(pool),
        idempotency_(idempotency),
        migrations_(std::move(migrations)),
        service_(std::move(service)) {}

  // Runs `fn` on a store over `conn`.
  virtual absl::Status WithStore(Connection& conn, const Body& fn) = 0;

  ConnectionPool& pool() { return pool_; }

 private:
  ConnectionPool& pool_;
  const idempotency::Idempotency& idempotency_;
  const std::vector<MigrationFile> migrations_;
  const std::string service_;
};

}  // namespace rmhub::db
