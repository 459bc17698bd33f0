#include "common/auth/auth_config.h"

#include <gtest/gtest.h>

#include "common/auth/call_credentials.h"
#include "common/auth/jwt.h"
#include "common/auth/jwt_key_set.h"
#include "common/auth/service_method_acl.h"
#include "common/auth/tls.h"
#include "common/status/errors.h"
#include "tests/common/auth/test_pki.h"

namespace rmhub::auth {
namespace {

constexpr char kSecret[] = "config-test-secret-0123456789-abcdefghij";
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

std::string FirstField(const absl::Status& status) {
  auto fields = FieldViolations(status);
  return fields.empty() ? std::string() : fields.front().field;
}

TEST(AuthConfig, NoKeyAtAllIsRefused) {
  AuthConfig config;
  absl::Status status = ValidateAuthConfig(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FirstField(status), "jwt_keys_file");
  FakeClock clock(kNow);
  EXPECT_FALSE(BuildAuthenticator(config, clock).ok());
}

TEST(AuthConfig, BadValuesNameTheirFlag) {
  AuthConfig config;
  config.dev_mode = true;
  config.jwt_hs256_secret = "too-short";
  EXPECT_EQ(FirstField(ValidateAuthConfig(config)), "jwt_hs256_secret");
  config.jwt_hs256_secret = kSecret;
  config.jwt_leeway = absl::Hours(1);
  EXPECT_EQ(FirstField(ValidateAuthConfig(config)), "jwt_leeway");
  config.jwt_leeway = absl::Seconds(30);
  EXPECT_TRUE(ValidateAuthConfig(config).ok());
  config.jwt_max_lifetime = absl::Hours(24 * 8);
  EXPECT_EQ(FirstField(ValidateAuthConfig(config)), "jwt_max_lifetime");
  config.jwt_max_lifetime = absl::Hours(1);
  config.service_method_acl = "customer=TeamService";
  EXPECT_EQ(FirstField(ValidateAuthConfig(config)), "service_method_acl");
  config.service_method_acl = "";

  FakeClock clock(kNow);
  config.jwt_keys_file = "/nonexistent/gateway.jwks";
  EXPECT_EQ(FirstField(BuildAuthenticator(config, clock).status()), "jwt_keys_file");
  testing::TempDir dir;
  config.jwt_keys_file = dir.Write("not-a-key-set.json", "hello");
  EXPECT_EQ(FirstField(BuildAuthenticator(config, clock).status()), "jwt_keys_file");
}

// Production (no dev_mode): the shared secret and missing iss/aud stop start-up, each naming
// its flag; the same settings pass in development.
TEST(AuthConfig, ProductionRefusesWhatOnlyDevelopmentMayUse) {
  AuthConfig config;
  config.jwt_hs256_secret = kSecret;
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolations(ValidateAuthConfig(config))) {
    fields.push_back(v.field);
  }
  EXPECT_EQ(fields,
            (std::vector<std::string>{"jwt_hs256_secret_file", "jwt_issuer", "jwt_audience"}));
  FakeClock clock(kNow);
  EXPECT_FALSE(BuildAuthenticator(config, clock).ok());
  config.dev_mode = true;
  EXPECT_TRUE(ValidateAuthConfig(config).ok());
  EXPECT_TRUE(BuildAuthenticator(config, clock).ok());
}

TEST(AuthConfig, Rs256KeySetFromFileWithIssuerAndAudience) {
  testing::TempDir dir;
  testing::PemKeyPair rsa = testing::GenerateRsaKeyPair();
  JwtKey public_key = JwtKey::Rs256PublicKeyPem(rsa.public_pem).value();
  AuthConfig config;  // production
  config.jwt_keys_file =
      dir.Write("keys.jwks", JwksJson({{"gateway-2026", public_key, {"members/*"}}}));
  config.jwt_issuer = "gateway";
  config.jwt_audience = "rmhub";
  ASSERT_TRUE(ValidateAuthConfig(config).ok());
  FakeClock clock(kNow);
  auto verifier = BuildJwtVerifier(config, clock);
  ASSERT_TRUE(verifier.ok()) << verifier.status();

  JwtClaims claims;
  claims.subject = "members/5";
  claims.issued_at = kNow;
  claims.expires_at = kNow + absl::Minutes(5);
  claims.issuer = "gateway";
  claims.audience = {"rmhub"};
  JwtKey signer = JwtKey::Rs256PrivateKeyPem(rsa.private_pem).value();
  EXPECT_TRUE(verifier->Verify(MintJwt(claims, signer, "gateway-2026").value()).ok());
  EXPECT_EQ(ErrorReason(verifier->Verify(MintJwt(claims, signer, "other").value()).status()),
            kReasonUnknownKey);
  claims.audience = {"elsewhere"};
  EXPECT_EQ(ErrorReason(verifier->Verify(MintJwt(claims, signer, "gateway-2026").value()).status()),
            kReasonWrongAudience);
  claims.audience = {};
  EXPECT_EQ(ErrorReason(verifier->Verify(MintJwt(claims, signer, "gateway-2026").value()).status()),
            kReasonWrongAudience);
  claims.audience = {"rmhub"};
  claims.issuer = "";
  EXPECT_EQ(ErrorReason(verifier->Verify(MintJwt(claims, signer, "gateway-2026").value()).status()),
            kReasonWrongIssuer);
  // The default lifetime cap is one hour.
  claims.issuer = "gateway";
  claims.expires_at = kNow + absl::Hours(2);
  EXPECT_EQ(ErrorReason(verifier->Verify(MintJwt(claims, signer, "gateway-2026").value()).status()),
            kReasonLifetimeTooLong);
  // HS256 is not configured, so a dev token is refused here.
  DevTokenRequest dev;
  dev.member_id = 5;
  dev.issuer = "gateway";
  dev.audience = "rmhub";
  EXPECT_EQ(
      ErrorReason(
          verifier->Verify(MintDevToken(dev, kSecret, clock, absl::Hours(1)).value()).status()),
      kReasonAlgorithmRejected);
}

TEST(ServiceCallAuth, WithoutASecretAttachesNothing) {
  FakeClock clock(kNow);
  AuthConfig config;  // mTLS deployment: no shared secret
  auto auth = ServiceCallAuth::Create(config, "customer", clock);
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_FALSE((*auth)->uses_tokens());
  EXPECT_EQ((*auth)->Token().value_or("?"), "");
  grpc::ClientContext context;
  EXPECT_TRUE((*auth)->Attach(context).ok());
}

TEST(ServiceCallAuth, MintsVerifiableServiceTokensAndRenewsThem) {
  FakeClock clock(kNow);
  AuthConfig config;
  config.dev_mode = true;
  config.jwt_hs256_secret = kSecret;
  config.jwt_issuer = "rmhub-dev";
  config.jwt_audience = "rmhub";
  auto auth = ServiceCallAuth::Create(config, "task", clock, absl::Minutes(10));
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto verifier = BuildJwtVerifier(config, clock).value();

  std::string first = (*auth)->Token().value();
  auto principal = PrincipalFromClaims(verifier.Verify(first).value());
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->service, "task");
  EXPECT_EQ(principal->subject, "services/task");
  EXPECT_TRUE(principal->roles.empty());

  clock.Advance(absl::Minutes(4));
  EXPECT_EQ((*auth)->Token().value(), first);  // still fresh: cached
  clock.Advance(absl::Minutes(2));             // past half its life: renewed
  std::string second = (*auth)->Token().value();
  EXPECT_NE(second, first);
  EXPECT_TRUE(verifier.Verify(second).ok());
}

TEST(ServiceCallAuth, RefusesBadSettings) {
  FakeClock clock(kNow);
  AuthConfig config;
  config.jwt_hs256_secret = kSecret;
  EXPECT_EQ(FirstField(ServiceCallAuth::Create(config, "Not A Name", clock).status()), "service");
  EXPECT_EQ(FirstField(ServiceCallAuth::Create(config, "task", clock, absl::Hours(2)).status()),
            "ttl");
  config.jwt_hs256_secret = "short";
  EXPECT_FALSE(ServiceCallAuth::Create(config, "task", clock).ok());
}

TEST(SecretFromFlags, InlineOrFileButNeverBoth) {
  testing::TempDir dir;
  std::string file = dir.Write("db-password", "s3cret\n");
  EXPECT_EQ(SecretFromFlags("inline", "", "db_password").value(), "inline");
  EXPECT_EQ(SecretFromFlags("", file, "db_password").value(), "s3cret");  // newline dropped
  EXPECT_EQ(SecretFromFlags("", "", "db_password").value(), "");
  absl::Status both = SecretFromFlags("inline", file, "db_password").status();
  EXPECT_EQ(both.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FirstField(both), "db_password");
  EXPECT_NE(both.message().find("--db_password_file"), absl::string_view::npos);
  EXPECT_EQ(
      FirstField(SecretFromFlags("", dir.path() + "/missing", "pii_blind_index_key").status()),
      "pii_blind_index_key_file");
  EXPECT_EQ(FirstField(SecretFromFlags("", dir.Write("empty", "\n"), "db_password").status()),
            "db_password_file");
}

TEST(ServiceMethodAcl, ParsesEntriesAndAllowsOnlyWhatIsListed) {
  auto acl = ServiceMethodAcl::Parse(
      "customer=rmhub.team.v1.TeamService/CheckAssignmentEligibility;\n"
      " seed = rmhub.team.v1.TeamService/* , /rmhub.customer.v1.CustomerService/ImportCustomers",
      "service_method_acl");
  ASSERT_TRUE(acl.ok()) << acl.status();
  EXPECT_TRUE(acl->Allows("customer", "/rmhub.team.v1.TeamService/CheckAssignmentEligibility"));
  EXPECT_TRUE(acl->Allows("customer", "rmhub.team.v1.TeamService/CheckAssignmentEligibility"));
  EXPECT_FALSE(acl->Allows("customer", "/rmhub.team.v1.TeamService/GetMember"));
  EXPECT_FALSE(acl->Allows("task", "/rmhub.team.v1.TeamService/CheckAssignmentEligibility"));
  EXPECT_FALSE(acl->Allows("customer", ""));
  EXPECT_TRUE(acl->Allows("seed", "/rmhub.team.v1.TeamService/CreateMember"));
  EXPECT_TRUE(acl->Allows("seed", "/rmhub.customer.v1.CustomerService/ImportCustomers"));
  EXPECT_FALSE(acl->Allows("seed", "/rmhub.customer.v1.CustomerService/GetCustomer"));
  EXPECT_FALSE(acl->Allows("seed", "/rmhub.team.v1.TeamServiceX/CreateMember"));
  EXPECT_EQ(acl->Methods().size(), 3u);

  const char* bad[] = {"customer",         "customer=",
                       "Customer=a.B/C",   "customer=TeamService",
                       "customer=a.B/C/D", "customer=a.B/C;task=*"};
  for (const char* text : bad) {
    EXPECT_EQ(FirstField(ServiceMethodAcl::Parse(text, "service_method_acl").status()),
              "service_method_acl")
        << text;
  }
  EXPECT_TRUE(ServiceMethodAcl::Parse(kDefaultServiceMethodAcl, "x").ok());
  EXPECT_TRUE(ServiceMethodAcl::Parse("", "x").ok());
}

TEST(TlsCredentials, NoFilesMeansInsecure) {
  EXPECT_TRUE(ServerCredentialsFromFiles("", "", "").ok());
  EXPECT_TRUE(ChannelCredentialsFromFiles("", "", "").ok());
}

TEST(TlsCredentials, InconsistentOrBrokenFilesNameTheFlag) {
  testing::TempDir dir;
  testing::TestCa ca("RM Hub test CA");
  testing::IssuedCert server = ca.Issue("rmhub-team", {"DNS:rmhub-team"});
  testing::IssuedCert other = ca.Issue("rmhub-task", {"DNS:rmhub-task"});
  std::string cert = dir.Write("server.pem", server.cert_pem);
  std::string key = dir.Write("server.key", server.key_pem);
  std::string wrong_key = dir.Write("other.key", other.key_pem);
  std::string ca_file = dir.Write("ca.pem", ca.cert_pem());
  std::string junk = dir.Write("junk.pem", "junk");

  EXPECT_EQ(FirstField(ServerCredentialsFromFiles(cert, "", "").status()), "tls_key_file");
  EXPECT_EQ(FirstField(ServerCredentialsFromFiles("", key, "").status()), "tls_cert_file");
  EXPECT_EQ(FirstField(ServerCredentialsFromFiles("", "", ca_file).status()), "tls_client_ca_file");
  EXPECT_EQ(FirstField(ServerCredentialsFromFiles(cert, wrong_key, "").status()), "tls_key_file");
  EXPECT_EQ(FirstField(ServerCredentialsFromFiles(junk, key, "").status()), "tls_cert_file");
  EXPECT_EQ(FirstField(ServerCredentialsFromFiles(cert, key, junk).status()), "tls_client_ca_file");
  EXPECT_EQ(FirstField(ServerCredentialsFromFiles(dir.path() + "/missing.pem", key, "").status()),
            "tls_cert_file");
  EXPECT_TRUE(ServerCredentialsFromFiles(cert, key, "").ok());
  EXPECT_TRUE(ServerCredentialsFromFiles(cert, key, ca_file).ok());

  EXPECT_EQ(FirstField(ChannelCredentialsFromFiles("", cert, key).status()), "tls_ca_file");
  EXPECT_EQ(FirstField(ChannelCredentialsFromFiles(junk, "", "").status()), "tls_ca_file");
  EXPECT_EQ(FirstField(ChannelCredentialsFromFiles(ca_file, cert, wrong_key).status()),
            "tls_key_file");
  EXPECT_TRUE(ChannelCredentialsFromFiles(ca_file, "", "").ok());
  EXPECT_TRUE(ChannelCredentialsFromFiles(ca_file, cert, key).ok());
}

}  // namespace
}  // namespace rmhub::auth
