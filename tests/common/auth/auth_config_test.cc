#include "common/auth/auth_config.h"

#include <gtest/gtest.h>

#include "common/auth/call_credentials.h"
#include "common/auth/jwt.h"
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
  EXPECT_EQ(FirstField(status), "jwt_rs256_public_key_file");
  FakeClock clock(kNow);
  EXPECT_FALSE(BuildAuthenticator(config, clock).ok());
}

TEST(AuthConfig, BadValuesNameTheirFlag) {
  AuthConfig config;
  config.jwt_hs256_secret = "too-short";
  EXPECT_EQ(FirstField(ValidateAuthConfig(config)), "jwt_hs256_secret");
  config.jwt_hs256_secret = kSecret;
  config.jwt_leeway = absl::Hours(1);
  EXPECT_EQ(FirstField(ValidateAuthConfig(config)), "jwt_leeway");
  config.jwt_leeway = absl::Seconds(30);
  EXPECT_TRUE(ValidateAuthConfig(config).ok());

  FakeClock clock(kNow);
  config.jwt_rs256_public_key_file = "/nonexistent/gateway.pem";
  EXPECT_EQ(FirstField(BuildAuthenticator(config, clock).status()), "jwt_rs256_public_key_file");
  testing::TempDir dir;
  config.jwt_rs256_public_key_file = dir.Write("not-a-key.pem", "hello");
  EXPECT_EQ(FirstField(BuildAuthenticator(config, clock).status()), "jwt_rs256_public_key_file");
}

TEST(AuthConfig, Rs256FromFileWithIssuerAndAudience) {
  testing::TempDir dir;
  testing::PemKeyPair rsa = testing::GenerateRsaKeyPair();
  AuthConfig config;
  config.jwt_rs256_public_key_file = dir.Write("gateway.pub.pem", rsa.public_pem);
  config.jwt_issuer = "gateway";
  config.jwt_audience = "rmhub";
  FakeClock clock(kNow);
  auto verifier = BuildJwtVerifier(config, clock);
  ASSERT_TRUE(verifier.ok()) << verifier.status();

  JwtClaims claims;
  claims.subject = "members/5";
  claims.expires_at = kNow + absl::Minutes(5);
  claims.issuer = "gateway";
  claims.audience = {"rmhub"};
  JwtKey signer = JwtKey::Rs256PrivateKeyPem(rsa.private_pem).value();
  EXPECT_TRUE(verifier->Verify(MintJwt(claims, signer).value()).ok());
  claims.audience = {"elsewhere"};
  EXPECT_EQ(ErrorReason(verifier->Verify(MintJwt(claims, signer).value()).status()),
            kReasonWrongAudience);
  // HS256 is not configured, so a dev token is refused here.
  DevTokenRequest dev;
  dev.member_id = 5;
  dev.issuer = "gateway";
  dev.audience = "rmhub";
  EXPECT_EQ(ErrorReason(verifier->Verify(MintDevToken(dev, kSecret, clock, absl::Hours(1)).value())
                            .status()),
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
