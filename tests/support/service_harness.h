#pragma once
// Everything an in-process service test needs: a fresh database with the service's schema, a
// pool, a fake clock in the bank's zone, a JWT authenticator with a test secret, the real server
// runtime (interceptors, metrics, health) on 127.0.0.1:0, tokens, and database snapshots to prove
// that a rejected call wrote nothing.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/auth/authenticator.h"
#include "common/auth/jwt.h"
#include "common/clock/clock.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "common/grpc/server.h"
#include "common/log/log.h"
#include "rmhub/common/v1/event.pb.h"
#include "tests/support/test_database.h"

namespace rmhub::testing {

class ServiceHarness {
 public:
  static constexpr char kSecret[] = "service-harness-test-secret-0123456789abcdef";

  // Creates the database and applies `migrations` (the runtime's come with them).
  ServiceHarness(const std::string& db_prefix, const std::vector<db::MigrationFile>& migrations,
                 absl::Time start);
  ~ServiceHarness();

  // Registers the service and starts the server (call once, after building the service).
  void Serve(grpc::Service* service, const std::string& full_name);

  db::ConnectionPool& pool() { return *pool_; }
  FakeClock& clock() { return clock_; }
  const absl::TimeZone& zone() const { return zone_; }
  const auth::Authenticator& authenticator() const { return *authenticator_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  int port() const { return runner_ ? runner_->port() : 0; }
  // Where the service under test queues its calls (its gRPC adapter takes it).
  grpcx::CallQueue& call_queue() { return runner_->call_queue(); }
  TestDatabase& database() { return *db_; }

  std::string Token(const auth::DevTokenRequest& request) const;
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) const;
  // Every log line the process wrote since the harness started (the access log included).
  std::vector<std::string> LogLines() const { return logs_->Lines(); }

  int64_t QueryInt(const std::string& sql);
  // The outbox's events of one aggregate ("tasks/7"), in outbox order.
  std::vector<rmhub::common::v1::DomainEvent> EventsOf(const std::string& aggregate);
  // CHECKSUM TABLE of every table: equal snapshots mean nothing was written.
  std::string Snapshot();
  void ExpectNothingWritten(const std::function<void()>& fn);

 private:
  FakeClock clock_;
  absl::TimeZone zone_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<grpcx::ServiceRunner> runner_;
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<log::CaptureSink> logs_;
  std::shared_ptr<log::Sink> previous_sink_;
};

// The reason and field names of a gRPC error, decoded from its details.
std::string ReasonOf(const grpc::Status& status);
std::vector<std::string> FieldsOf(const grpc::Status& status);

}  // namespace rmhub::testing
