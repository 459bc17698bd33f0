#include "tests/support/service_harness.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/auth/auth_config.h"
#include "common/db/transaction.h"
#include "common/grpc/status_mapping.h"
#include "common/status/errors.h"

namespace rmhub::testing {

ServiceHarness::ServiceHarness(const std::string& db_prefix,
                               const std::vector<db::MigrationFile>& migrations, absl::Time start)
    : clock_(start), zone_(*LoadZone(kDefaultZone)) {
  logs_ = std::make_shared<log::CaptureSink>();
  previous_sink_ = log::SetSink(logs_);
  db_ = TestDatabase::Create(db_prefix);
  auto pool = db::ConnectionPool::Create(db_->config());
  EXPECT_TRUE(pool.ok()) << pool.status();
  pool_ = *std::move(pool);
  absl::Status migrated = db::ApplyMigrations(*pool_, migrations);
  EXPECT_TRUE(migrated.ok()) << migrated;
  auth::AuthConfig config;
  config.dev_mode = true;  // tests sign with a shared secret
  config.jwt_hs256_secret = kSecret;
  // Test tokens live a week so tests can move the fake clock by days.
  config.jwt_max_lifetime = absl::Hours(24 * 7);
  // The service callers the in-process tests play, allowed everything of the service under test.
  config.service_method_acl =
      "task=rmhub.customer.v1.CustomerService/*;customer=rmhub.team.v1.TeamService/*,"
      "rmhub.analytics.v1.AnalyticsService/*;team=rmhub.analytics.v1.AnalyticsService/*";
  auto authenticator = auth::BuildAuthenticator(config, clock_);
  EXPECT_TRUE(authenticator.ok()) << authenticator.status();
  authenticator_ = *std::move(authenticator);
  grpcx::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.metrics_address = "";  // no endpoint: its shutdown costs ~2 s per test
  options.queue.workers = 8;
  runner_ = std::make_unique<grpcx::ServiceRunner>(options);
}

ServiceHarness::~ServiceHarness() {
  if (runner_) runner_->Stop();
  log::SetSink(previous_sink_);
}

void ServiceHarness::Serve(grpc::Service* service, const std::string& full_name) {
  runner_->AddService(service, full_name);
  absl::Status started = runner_->Start();
  ASSERT_TRUE(started.ok()) << started;
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", runner_->port()),
                                 grpc::InsecureChannelCredentials());
}

std::string ServiceHarness::Token(const auth::DevTokenRequest& request) const {
  auto token = auth::MintDevToken(request, kSecret, clock_, absl::Hours(24 * 7));
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

std::unique_ptr<grpc::ClientContext> ServiceHarness::Context(const std::string& token) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

int64_t ServiceHarness::QueryInt(const std::string& sql) {
  auto v = db_->QueryInt(sql);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : -1;
}

std::vector<rmhub::common::v1::DomainEvent> ServiceHarness::EventsOf(const std::string& aggregate) {
  std::vector<rmhub::common::v1::DomainEvent> out;
  absl::Status s = db::RunWithConnection(*pool_, [&](db::Connection& conn) {
    sql::PreparedStatement& ps =
        conn.Prepare("SELECT payload FROM outbox_events WHERE aggregate = ? ORDER BY id");
    ps.setString(1, aggregate);
    std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
    while (rs->next()) {
      rmhub::common::v1::DomainEvent e;
      EXPECT_TRUE(e.ParseFromString(rs->getString(1).asStdString()));
      out.push_back(std::move(e));
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

std::string ServiceHarness::Snapshot() {
  std::string out;
  absl::Status s = db::RunWithConnection(*pool_, [&](db::Connection& conn) -> absl::Status {
    std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
    std::unique_ptr<sql::ResultSet> tables(st->executeQuery(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
        "ORDER BY table_name"));
    std::vector<std::string> names;
    while (tables->next()) names.push_back(tables->getString(1));
    for (const auto& name : names) {
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("CHECKSUM TABLE `" + name + "`"));
      if (rs->next()) absl::StrAppend(&out, name, "=", std::string(rs->getString(2)), ";");
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

void ServiceHarness::ExpectNothingWritten(const std::function<void()>& fn) {
  std::string before = Snapshot();
  fn();
  EXPECT_EQ(Snapshot(), before) << "a rejected call changed the database";
}

std::string ReasonOf(const grpc::Status& status) {
  return ErrorReason(grpcx::FromGrpcStatus(status));
}

std::vector<std::string> FieldsOf(const grpc::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : FieldViolations(grpcx::FromGrpcStatus(status))) out.push_back(v.field);
  return out;
}

}  // namespace rmhub::testing
