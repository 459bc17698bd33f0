// JwtAuthenticator over real in-process gRPC servers on 127.0.0.1:0: plaintext with bearer tokens,
// and mutual TLS with certificates from a throw-away CA.

#include "common/auth/jwt_authenticator.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/auth_config.h"
#include "common/auth/call_credentials.h"
#include "common/auth/called_method.h"
#include "common/auth/tls.h"
#include "common/status/errors.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"
#include "tests/common/auth/test_pki.h"

namespace rmhub::auth {
namespace {

namespace av1 = ::rmhub::analytics::v1;

constexpr char kSecret[] = "grpc-test-secret-0123456789-abcdefghijk";
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// A trivial service that authenticates every call and remembers who called.
class RecordingService final : public av1::AnalyticsService::Service {
 public:
  explicit RecordingService(const Authenticator& authenticator) : authenticator_(authenticator) {}

  grpc::Status IngestEvents(grpc::ServerContext* context, const av1::IngestEventsRequest*,
                            av1::IngestEventsResponse*) override {
    absl::StatusOr<Principal> principal = authenticator_.Authenticate(*context);
    absl::MutexLock lock(&mu_);
    if (!principal.ok()) {
      // The reason travels in the message: this test does not depend on the status mapping.
      return grpc::Status(static_cast<grpc::StatusCode>(principal.status().code()),
                          ErrorReason(principal.status()));
    }
    seen_.push_back(*principal);
    return grpc::Status::OK;
  }

  std::vector<Principal> seen() const {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

 private:
  const Authenticator& authenticator_;
  mutable absl::Mutex mu_;
  std::vector<Principal> seen_ ABSL_GUARDED_BY(mu_);
};

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() : clock_(kNow) {
    config_.dev_mode = true;
    config_.jwt_hs256_secret = kSecret;
    config_.service_method_acl =
        "complaint=rmhub.analytics.v1.AnalyticsService/IngestEvents;"
        "customer=rmhub.analytics.v1.AnalyticsService/*;"
        "task=rmhub.analytics.v1.AnalyticsService/IngestEvents";
    authenticator_ = BuildAuthenticator(config_, clock_).value();
    service_ = std::make_unique<RecordingService>(*authenticator_);
  }
  ~AuthenticatorTest() override {
    if (server_) server_->Shutdown(absl::ToChronoTime(absl::Now()));
  }

  // Starts the server on 127.0.0.1:0 and returns its address. ServiceRunner installs the
  // called-method recorder; `record_methods` false shows what happens without it.
  std::string Start(std::shared_ptr<grpc::ServerCredentials> credentials,
                    bool record_methods = true) {
    int port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port);
    builder.RegisterService(service_.get());
    if (record_methods) {
      std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> f;
      f.push_back(std::make_unique<CalledMethodRecorder>());
      builder.experimental().SetInterceptorCreators(std::move(f));
    }
    server_ = builder.BuildAndStart();
    EXPECT_NE(port, 0);
    return absl::StrCat("127.0.0.1:", port);
  }

  grpc::Status Call(const std::string& address, std::shared_ptr<grpc::ChannelCredentials> creds,
                    const std::vector<std::string>& authorization = {}) {
    auto stub = av1::AnalyticsService::NewStub(grpc::CreateChannel(address, std::move(creds)));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    for (const std::string& value : authorization) context.AddMetadata("authorization", value);
    av1::IngestEventsResponse response;
    return stub->IngestEvents(&context, av1::IngestEventsRequest(), &response);
  }

  std::string MemberToken(int64_t member_id) {
    DevTokenRequest request;
    request.member_id = member_id;
    request.roles = {"RELATIONSHIP_MANAGER"};
    request.branch_id = 11;
    request.team_ids = {21, 22};
    request.permissions = {kPermPiiRead};
    return MintDevToken(request, kSecret, clock_, absl::Hours(1)).value();
  }

  FakeClock clock_;
  AuthConfig config_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<RecordingService> service_;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(AuthenticatorTest, NoTokenIsUnauthenticated) {
  std::string address = Start(grpc::InsecureServerCredentials());
  grpc::Status status = Call(address, grpc::InsecureChannelCredentials());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), kReasonMissingCredentials);
  EXPECT_TRUE(service_->seen().empty());
}

TEST_F(AuthenticatorTest, GoodTokenReachesTheHandlerAsAPrincipal) {
  std::string address = Start(grpc::InsecureServerCredentials());
  grpc::Status status =
      Call(address, grpc::InsecureChannelCredentials(), {"Bearer " + MemberToken(42)});
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(service_->seen().size(), 1u);
  const Principal p = service_->seen()[0];
  EXPECT_EQ(p.subject, "members/42");
  EXPECT_EQ(p.member_id, 42);
  EXPECT_TRUE(p.HasRole("RELATIONSHIP_MANAGER"));
  EXPECT_EQ(p.branch_id, 11);
  EXPECT_EQ(p.team_ids, (std::vector<int64_t>{21, 22}));
  EXPECT_TRUE(p.HasPermission(kPermPiiRead));
  // The scheme is case-insensitive (RFC 7235).
  EXPECT_TRUE(
      Call(address, grpc::InsecureChannelCredentials(), {"bearer " + MemberToken(43)}).ok());
}

TEST_F(AuthenticatorTest, BadTokensAreRefusedWithTheirReason) {
  std::string address = Start(grpc::InsecureServerCredentials());
  auto reason = [&](const std::vector<std::string>& authorization) {
    grpc::Status status = Call(address, grpc::InsecureChannelCredentials(), authorization);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    return status.error_message();
  };
  std::string token = MemberToken(42);
  EXPECT_EQ(reason({"Bearer not-a-jwt"}), kReasonInvalidToken);
  EXPECT_EQ(reason({"Basic dXNlcjpwYXNz"}), kReasonInvalidToken);
  EXPECT_EQ(reason({token}), kReasonInvalidToken);  // no scheme
  EXPECT_EQ(reason({"Bearer " + token, "Bearer " + token}), kReasonInvalidToken);
  std::string tampered = token;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'x' ? 'y' : 'x';
  EXPECT_EQ(reason({"Bearer " + tampered}), kReasonBadSignature);
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(reason({"Bearer " + token}), kReasonExpired);
  EXPECT_TRUE(service_->seen().empty());
}

TEST_F(AuthenticatorTest, ServiceTokensFromServiceCallAuth) {
  std::string address = Start(grpc::InsecureServerCredentials());
  auto outgoing = ServiceCallAuth::Create(config_, "complaint", clock_).value();
  auto stub = av1::AnalyticsService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  ASSERT_TRUE(outgoing->Attach(context).ok());
  av1::IngestEventsResponse response;
  grpc::Status status = stub->IngestEvents(&context, av1::IngestEventsRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(service_->seen().size(), 1u);
  EXPECT_EQ(service_->seen()[0].service, "complaint");
}

grpc::Status CallAsService(const std::string& address, const AuthConfig& config,
                           const std::string& service, const Clock& clock) {
  auto outgoing = ServiceCallAuth::Create(config, service, clock).value();
  auto stub = av1::AnalyticsService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  EXPECT_TRUE(outgoing->Attach(context).ok());
  av1::IngestEventsResponse response;
  return stub->IngestEvents(&context, av1::IngestEventsRequest(), &response);
}

TEST_F(AuthenticatorTest, ServicesCallOnlyTheMethodsListedForThem) {
  std::string address = Start(grpc::InsecureServerCredentials());
  EXPECT_TRUE(CallAsService(address, config_, "task", clock_).ok());
  EXPECT_TRUE(CallAsService(address, config_, "customer", clock_).ok());  // "Service/*"
  grpc::Status status = CallAsService(address, config_, "team", clock_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), kReasonServiceMethodNotAllowed);
  // People are not subject to the service list.
  EXPECT_TRUE(Call(address, grpc::InsecureChannelCredentials(), {"Bearer " + MemberToken(5)}).ok());
  ASSERT_EQ(service_->seen().size(), 3u);
  EXPECT_EQ(service_->seen()[2].member_id, 5);
}

TEST_F(AuthenticatorTest, WithoutTheMethodRecorderServicesAreRefused) {
  std::string address = Start(grpc::InsecureServerCredentials(), /*record_methods=*/false);
  grpc::Status status = CallAsService(address, config_, "task", clock_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A client naming the method itself changes nothing: the recorder is the only source.
  auto stub = av1::AnalyticsService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  ASSERT_TRUE(ServiceCallAuth::Create(config_, "task", clock_).value()->Attach(context).ok());
  context.AddMetadata("rmhub-called-method", "/rmhub.analytics.v1.AnalyticsService/IngestEvents");
  av1::IngestEventsResponse response;
  EXPECT_EQ(stub->IngestEvents(&context, av1::IngestEventsRequest(), &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(service_->seen().empty());
}

// Mutual TLS: a CA, a server certificate for 127.0.0.1, and client certificates.
class MutualTlsTest : public AuthenticatorTest {
 protected:
  MutualTlsTest() : ca_("RM Hub test CA") {
    testing::IssuedCert server = ca_.Issue("rmhub-analytics", {"DNS:localhost", "IP:127.0.0.1"});
    server_cert_ = dir_.Write("server.pem", server.cert_pem);
    server_key_ = dir_.Write("server.key", server.key_pem);
    ca_file_ = dir_.Write("ca.pem", ca_.cert_pem());
  }

  std::string StartMutual() {
    return Start(ServerCredentialsFromFiles(server_cert_, server_key_, ca_file_).value());
  }

  std::shared_ptr<grpc::ChannelCredentials> ClientCreds(const testing::TestCa& ca,
                                                        const std::string& cn,
                                                        const std::vector<std::string>& sans) {
    testing::IssuedCert client = ca.Issue(cn, sans);
    std::string cert = dir_.Write(cn + ".pem", client.cert_pem);
    std::string key = dir_.Write(cn + ".key", client.key_pem);
    return ChannelCredentialsFromFiles(ca_file_, cert, key).value();
  }

  testing::TempDir dir_;
  testing::TestCa ca_;
  std::string server_cert_, server_key_, ca_file_;
};

TEST_F(MutualTlsTest, ServiceCertificateIsAServicePrincipal) {
  std::string address = StartMutual();
  grpc::Status status = Call(address, ClientCreds(ca_, "rmhub-customer", {"DNS:rmhub-customer"}));
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(service_->seen().size(), 1u);
  const Principal p = service_->seen()[0];
  EXPECT_TRUE(p.is_service());
  EXPECT_EQ(p.service, "customer");
  EXPECT_EQ(p.subject, "services/customer");
  EXPECT_TRUE(p.roles.empty());
  EXPECT_TRUE(p.permissions.empty());
}

TEST_F(MutualTlsTest, CommonNameCountsOnlyWithoutSans) {
  std::string address = StartMutual();
  EXPECT_TRUE(Call(address, ClientCreds(ca_, "rmhub-task", {})).ok());
  // SANs present: they are the identity, and none of them names a service.
  grpc::Status status = Call(address, ClientCreds(ca_, "rmhub-team", {"DNS:team.internal"}));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_EQ(service_->seen().size(), 1u);
  EXPECT_EQ(service_->seen()[0].service, "task");
}

TEST_F(MutualTlsTest, OtherCertificatesNeedATokenAndABadTokenNeverFallsBack) {
  std::string address = StartMutual();
  auto person = ClientCreds(ca_, "alice-laptop", {"DNS:alice-laptop"});
  grpc::Status status = Call(address, person);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), kReasonMissingCredentials);
  EXPECT_TRUE(Call(address, person, {"Bearer " + MemberToken(7)}).ok());
  // A service certificate with a broken token is refused, not downgraded to the certificate.
  auto service = ClientCreds(ca_, "rmhub-customer", {"DNS:rmhub-customer"});
  status = Call(address, service, {"Bearer garbage"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), kReasonInvalidToken);
  ASSERT_EQ(service_->seen().size(), 1u);
  EXPECT_EQ(service_->seen()[0].member_id, 7);
}

TEST_F(MutualTlsTest, ServiceCertificateWithoutClientAuthUsageIsNoIdentity) {
  std::string address = StartMutual();
  auto creds = [&](const std::string& name, const std::string& usage) {
    testing::IssuedCert client = ca_.Issue("rmhub-customer", {"DNS:rmhub-customer"}, usage);
    return ChannelCredentialsFromFiles(ca_file_, dir_.Write(name + ".pem", client.cert_pem),
                                       dir_.Write(name + ".key", client.key_pem))
        .value();
  };
  // OpenSSL's handshake already refuses a certificate whose usages exclude clientAuth...
  EXPECT_EQ(Call(address, creds("server-only", "serverAuth")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // ...but lets one without the extension through; the authenticator does not.
  grpc::Status status = Call(address, creds("no-usage", ""));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), kReasonMissingCredentials);
  EXPECT_TRUE(Call(address, creds("usage-client", "clientAuth")).ok());
  ASSERT_EQ(service_->seen().size(), 1u);
  EXPECT_EQ(service_->seen()[0].service, "customer");
}

TEST_F(MutualTlsTest, ServiceCertificateIsHeldToItsMethods) {
  std::string address = StartMutual();
  grpc::Status status = Call(address, ClientCreds(ca_, "rmhub-team", {"DNS:rmhub-team"}));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), kReasonServiceMethodNotAllowed);
  EXPECT_TRUE(service_->seen().empty());
}

TEST_F(MutualTlsTest, CertificatesFromAnotherCaOrNoneCannotConnect) {
  std::string address = StartMutual();
  testing::TestCa rogue("Rogue CA");
  grpc::Status status = Call(address, ClientCreds(rogue, "rmhub-team", {"DNS:rmhub-team"}));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  status = Call(address, ChannelCredentialsFromFiles(ca_file_, "", "").value(),
                {"Bearer " + MemberToken(7)});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(service_->seen().empty());
}

TEST_F(MutualTlsTest, ServerOnlyTlsCarriesNoServiceIdentity) {
  std::string address = Start(ServerCredentialsFromFiles(server_cert_, server_key_, "").value());
  auto plain_tls = ChannelCredentialsFromFiles(ca_file_, "", "").value();
  EXPECT_EQ(Call(address, plain_tls).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Call(address, plain_tls, {"Bearer " + MemberToken(8)}).ok());
}

}  // namespace
}  // namespace rmhub::auth
