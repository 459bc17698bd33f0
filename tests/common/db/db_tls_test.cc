// The pool over TLS to the harness's MariaDB, which scripts/test.sh starts with a throw-away CA
// and a server certificate for 127.0.0.1 (scripts/mariadb.sh start ... tls): verified against
// that CA the pool connects encrypted; against a CA made here it does not connect at all; a
// user that requires a client certificate gets in with the harness's client certificate only.

#include <gtest/gtest.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/db/connection_pool.h"
#include "tests/common/auth/test_pki.h"
#include "tests/support/test_database.h"

namespace rmhub::db {
namespace {

// A file the harness made; no silent pass: without it this test cannot show anything.
std::string HarnessFile(const char* variable) {
  const char* path = std::getenv(variable);
  EXPECT_NE(path, nullptr) << variable << " is not set: run through scripts/test.sh";
  return path == nullptr ? "" : path;
}

std::string HarnessCa() { return HarnessFile("RMHUB_TEST_MYSQL_TLS_CA"); }

// The session's TLS cipher, "" for a plaintext session.
absl::StatusOr<std::string> SessionCipher(ConnectionPool& pool) {
  RMHUB_ASSIGN_OR_RETURN(Lease lease, pool.Acquire());
  std::unique_ptr<sql::Statement> st(lease->raw().createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'"));
  if (!rs->next()) return std::string();
  return std::string(rs->getString(2));
}

class DbTlsTest : public ::testing::Test {
 protected:
  DbTlsTest() : db_(testing::TestDatabase::Create("db_tls")) {}
  std::unique_ptr<testing::TestDatabase> db_;
  auth::testing::TempDir dir_;
};

TEST_F(DbTlsTest, VerifiedAgainstTheServersCaTheSessionIsEncrypted) {
  DbConfig config = db_->config();
  auto plain = ConnectionPool::Create(config).value();
  EXPECT_EQ(SessionCipher(*plain).value_or("?"), "");  // no CA: plaintext, as before

  config.tls_ca_file = HarnessCa();
  auto pool = ConnectionPool::Create(config);
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_TRUE((*pool)->Ping().ok());
  absl::StatusOr<std::string> cipher = SessionCipher(**pool);
  ASSERT_TRUE(cipher.ok()) << cipher.status();
  EXPECT_FALSE(cipher->empty());
}

TEST_F(DbTlsTest, AnotherCaIsRefused) {
  auth::testing::TestCa other("Not the database's CA");
  DbConfig config = db_->config();
  config.tls_ca_file = dir_.Write("other-ca.pem", other.cert_pem());
  auto pool = ConnectionPool::Create(config).value();
  absl::Status ping = pool->Ping();
  EXPECT_EQ(ping.code(), absl::StatusCode::kUnavailable) << ping;
  EXPECT_FALSE(pool->Acquire().ok());
}

// A user the server admits only with a client certificate from its CA (REQUIRE X509).
TEST_F(DbTlsTest, ClientCertificateForAUserThatRequiresOne) {
  const std::string user = db_->name() + "_x509";
  const std::string grant = absl::StrCat("'", user, "'@'127.0.0.1'");
  ASSERT_TRUE(
      db_->Execute(absl::StrCat("CREATE USER ", grant, " IDENTIFIED BY 'x509-pass' REQUIRE X509"))
          .ok());
  ASSERT_TRUE(db_->Execute(absl::StrCat("GRANT SELECT ON `", db_->name(), "`.* TO ", grant)).ok());
  DbConfig config = db_->config();
  config.user = user;
  config.password = "x509-pass";
  config.tls_ca_file = HarnessCa();
  EXPECT_FALSE(ConnectionPool::Create(config).value()->Ping().ok());  // TLS, but no certificate
  config.tls_cert_file = HarnessFile("RMHUB_TEST_MYSQL_TLS_CLIENT_CERT");
  config.tls_key_file = HarnessFile("RMHUB_TEST_MYSQL_TLS_CLIENT_KEY");
  auto pool = ConnectionPool::Create(config);
  ASSERT_TRUE(pool.ok()) << pool.status();
  absl::Status ping = (*pool)->Ping();
  EXPECT_TRUE(ping.ok()) << ping;
  EXPECT_TRUE(db_->Execute(absl::StrCat("DROP USER ", grant)).ok());
}

TEST_F(DbTlsTest, TlsSettingsAreCheckedAtStart) {
  DbConfig config = db_->config();
  config.tls_ca_file = dir_.path() + "/missing-ca.pem";
  EXPECT_EQ(FieldViolations(ValidateDbConfig(config)).at(0).field, "db_tls_ca_file");
  config.tls_ca_file = HarnessCa();
  config.tls_cert_file = dir_.Write("client.pem", "x");
  EXPECT_EQ(FieldViolations(ValidateDbConfig(config)).at(0).field, "db_tls_cert_file");
  config.tls_ca_file = "";
  config.tls_key_file = dir_.Write("client.key", "x");
  EXPECT_EQ(FieldViolations(ValidateDbConfig(config)).at(0).field, "db_tls_ca_file");
  EXPECT_FALSE(ConnectionPool::Create(config).ok());
}

}  // namespace
}  // namespace rmhub::db
