#include "common/auth/jwt.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/encoding/base64url.h"
#include "common/status/errors.h"
#include "tests/common/auth/test_pki.h"

namespace rmhub::auth {
namespace {

constexpr char kSecret[] = "unit-test-secret-0123456789-abcdefghij";
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

class JwtTest : public ::testing::Test {
 protected:
  JwtTest() : clock_(kNow), hs_(JwtKey::Hs256(kSecret).value()) {}

  static const testing::PemKeyPair& Rsa() {
    static const auto* pair = new testing::PemKeyPair(testing::GenerateRsaKeyPair());
    return *pair;
  }

  JwtVerifier HsVerifier(JwtVerifierOptions options = {}) {
    return JwtVerifier::Create({JwtKey::Hs256(kSecret).value()}, std::move(options), clock_)
        .value();
  }
  // The gateway's key "gw-1", allowed to sign people only.
  static VerificationKey GatewayKey(std::vector<std::string> subjects = {"members/*"}) {
    return VerificationKey{"gw-1", JwtKey::Rs256PublicKeyPem(Rsa().public_pem).value(),
                           std::move(subjects)};
  }
  JwtVerifier RsVerifier(std::vector<VerificationKey> keys = {GatewayKey()},
                         JwtVerifierOptions options = {}) {
    return JwtVerifier::Create(absl::nullopt, std::move(keys), std::move(options), clock_).value();
  }
  static JwtKey RsaSigner() { return JwtKey::Rs256PrivateKeyPem(Rsa().private_pem).value(); }

  JwtClaims MemberClaims() const {
    JwtClaims c;
    c.subject = "members/42";
    c.issuer = "rmhub-gateway";
    c.audience = {"rmhub"};
    c.issued_at = kNow;
    c.expires_at = kNow + absl::Minutes(10);
    c.roles = {"RELATIONSHIP_MANAGER", "TEAM_LEAD"};
    c.branch_id = 7;
    c.team_ids = {3, 9};
    c.permissions = {kPermPiiRead};
    return c;
  }

  // Signs an arbitrary payload with the HS256 key, for claim-level tests.
  std::string SignPayload(const std::string& payload) {
    return EncodeJws(R"({"alg":"HS256","typ":"JWT"})", payload, hs_).value();
  }

  static std::string Reason(const absl::Status& s) { return ErrorReason(s); }

  FakeClock clock_;
  JwtKey hs_;
};

TEST_F(JwtTest, Hs256RoundTripCarriesEveryClaim) {
  std::string token = MintJwt(MemberClaims(), hs_).value();
  auto claims = HsVerifier({"rmhub-gateway", "rmhub"}).Verify(token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "members/42");
  EXPECT_EQ(claims->expires_at, kNow + absl::Minutes(10));
  EXPECT_EQ(claims->issued_at, kNow);
  auto p = PrincipalFromClaims(*claims);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->member_id, 42);
  EXPECT_FALSE(p->is_service());
  EXPECT_EQ(p->roles, (std::set<std::string>{"RELATIONSHIP_MANAGER", "TEAM_LEAD"}));
  EXPECT_EQ(p->branch_id, 7);
  EXPECT_EQ(p->team_ids, (std::vector<int64_t>{3, 9}));
  EXPECT_TRUE(p->HasPermission(kPermPiiRead));
}

// A verified token is cached (by its digest): a second Verify returns the same claims, and the
// time checks still run on every call.
TEST_F(JwtTest, CachedTokenStillExpires) {
  JwtVerifier verifier = HsVerifier();
  std::string token = MintJwt(MemberClaims(), hs_).value();
  ASSERT_TRUE(verifier.Verify(token).ok());
  auto again = verifier.Verify(token);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->subject, "members/42");
  EXPECT_EQ(again->permissions, (std::set<std::string>{kPermPiiRead}));
  clock_.Advance(absl::Minutes(11));
  EXPECT_EQ(Reason(verifier.Verify(token).status()), kReasonExpired);
  // A copy shares the cache and its checks.
  JwtVerifier copy = verifier;
  EXPECT_EQ(Reason(copy.Verify(token).status()), kReasonExpired);
}

// Only successes are cached: a tampered token next to a cached good one is refused every time,
// and a good token after a refused tampered one verifies.
TEST_F(JwtTest, CacheHoldsOnlyVerifiedTokens) {
  JwtVerifier verifier = HsVerifier();
  std::string token = MintJwt(MemberClaims(), hs_).value();
  std::string tampered = token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Reason(verifier.Verify(tampered).status()), kReasonBadSignature);
    EXPECT_TRUE(verifier.Verify(token).ok());
  }
  JwtKey other = JwtKey::Hs256("another-secret-0123456789-abcdefghijk").value();
  std::string forged = MintJwt(MemberClaims(), other).value();
  EXPECT_EQ(Reason(verifier.Verify(forged).status()), kReasonBadSignature);
}

// Past its bound the cache drops entries instead of growing; every token still verifies.
TEST_F(JwtTest, CacheIsBounded) {
  JwtVerifier verifier = HsVerifier();
  std::string first;
  for (size_t i = 0; i < JwtVerifier::kMaxCachedTokens + 10; ++i) {
    JwtClaims c = MemberClaims();
    c.token_id = absl::StrCat("t", i);
    std::string token = MintJwt(c, hs_).value();
    if (i == 0) first = token;
    ASSERT_TRUE(verifier.Verify(token).ok()) << i;
  }
  EXPECT_TRUE(verifier.Verify(first).ok());
}

TEST_F(JwtTest, Rs256RoundTripWithGeneratedKey) {
  std::string token = MintJwt(MemberClaims(), RsaSigner(), "gw-1").value();
  auto header = encoding::Base64UrlDecode(std::vector<std::string>(absl::StrSplit(token, '.'))[0]);
  EXPECT_EQ(header.value_or(""), R"({"alg":"RS256","typ":"JWT","kid":"gw-1"})");
  auto claims = RsVerifier().Verify(token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(PrincipalFromClaims(*claims)->member_id, 42);
}

TEST_F(JwtTest, BothKeysConfiguredEachAlgorithmUsesItsOwn) {
  JwtVerifier both =
      JwtVerifier::Create(JwtKey::Hs256(kSecret).value(), {GatewayKey()}, {}, clock_).value();
  EXPECT_TRUE(both.Verify(MintJwt(MemberClaims(), hs_).value()).ok());
  EXPECT_TRUE(both.Verify(MintJwt(MemberClaims(), RsaSigner(), "gw-1").value()).ok());
}

TEST_F(JwtTest, Rs256TokensSelectTheirKeyByKid) {
  testing::PemKeyPair next = testing::GenerateRsaKeyPair();
  JwtKey next_signer = JwtKey::Rs256PrivateKeyPem(next.private_pem).value();
  // Rotation: the old and the new gateway key are trusted side by side.
  JwtVerifier verifier = RsVerifier(
      {GatewayKey(), {"gw-2", JwtKey::Rs256PublicKeyPem(next.public_pem).value(), {"members/*"}}});
  EXPECT_TRUE(verifier.Verify(MintJwt(MemberClaims(), RsaSigner(), "gw-1").value()).ok());
  EXPECT_TRUE(verifier.Verify(MintJwt(MemberClaims(), next_signer, "gw-2").value()).ok());
  // Signed by one key, claiming the other's kid.
  EXPECT_EQ(Reason(verifier.Verify(MintJwt(MemberClaims(), next_signer, "gw-1").value()).status()),
            kReasonBadSignature);
  // No kid, or one nobody configured.
  auto no_kid = verifier.Verify(MintJwt(MemberClaims(), RsaSigner()).value());
  EXPECT_EQ(no_kid.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Reason(no_kid.status()), kReasonUnknownKey);
  EXPECT_EQ(Reason(verifier.Verify(MintJwt(MemberClaims(), RsaSigner(), "gw-0").value()).status()),
            kReasonUnknownKey);
  // Retired: once gw-1 leaves the set its tokens stop working.
  JwtVerifier after =
      RsVerifier({{"gw-2", JwtKey::Rs256PublicKeyPem(next.public_pem).value(), {"members/*"}}});
  EXPECT_EQ(Reason(after.Verify(MintJwt(MemberClaims(), RsaSigner(), "gw-1").value()).status()),
            kReasonUnknownKey);
}

TEST_F(JwtTest, EachKeySignsOnlyItsSubjects) {
  JwtClaims service = MemberClaims();
  service.subject = "services/customer";
  // The gateway key signs people; a gateway token claiming a service is refused.
  auto forged = RsVerifier().Verify(MintJwt(service, RsaSigner(), "gw-1").value());
  EXPECT_EQ(forged.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Reason(forged.status()), kReasonSubjectNotAllowed);
  // A key for the customer service signs that service and nothing else.
  JwtVerifier customer_key = RsVerifier({GatewayKey({"services/customer"})});
  EXPECT_TRUE(customer_key.Verify(MintJwt(service, RsaSigner(), "gw-1").value()).ok());
  service.subject = "services/task";
  EXPECT_EQ(Reason(customer_key.Verify(MintJwt(service, RsaSigner(), "gw-1").value()).status()),
            kReasonSubjectNotAllowed);
  EXPECT_EQ(
      Reason(customer_key.Verify(MintJwt(MemberClaims(), RsaSigner(), "gw-1").value()).status()),
      kReasonSubjectNotAllowed);
  // A subject that merely starts like a pattern does not match it.
  EXPECT_FALSE(SubjectMatches("members/*", "members/"));
  EXPECT_FALSE(SubjectMatches("services/customer", "services/customer2"));
  EXPECT_TRUE(SubjectMatches("services/*", "services/task"));
}

TEST_F(JwtTest, LifetimeIsCappedAndIatIsRequired) {
  JwtVerifierOptions options;
  options.max_lifetime = absl::Hours(1);
  JwtClaims c = MemberClaims();
  c.expires_at = kNow + absl::Hours(1);
  EXPECT_TRUE(HsVerifier(options).Verify(MintJwt(c, hs_).value()).ok());
  c.expires_at = kNow + absl::Hours(1) + absl::Seconds(1);
  auto too_long = HsVerifier(options).Verify(MintJwt(c, hs_).value());
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Reason(too_long.status()), kReasonLifetimeTooLong);
  // Dating iat ahead does not stretch the window.
  c.issued_at = kNow + absl::Minutes(30);
  c.expires_at = kNow + absl::Minutes(90);
  EXPECT_EQ(Reason(HsVerifier(options).Verify(MintJwt(c, hs_).value()).status()),
            kReasonNotYetValid);
  c.issued_at.reset();
  c.expires_at = kNow + absl::Minutes(5);
  EXPECT_EQ(Reason(HsVerifier(options).Verify(MintJwt(c, hs_).value()).status()), kReasonBadClaims);
}

TEST_F(JwtTest, JwksRoundTripAndItsRefusals) {
  std::vector<VerificationKey> keys = {GatewayKey(), GatewayKey({"services/customer"})};
  keys[1].kid = "svc-customer-1";
  auto parsed = ParseJwks(JwksJson(keys));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[1].kid, "svc-customer-1");
  EXPECT_EQ((*parsed)[1].subjects, std::vector<std::string>{"services/customer"});
  JwtVerifier verifier = RsVerifier(*std::move(parsed));
  EXPECT_TRUE(verifier.Verify(MintJwt(MemberClaims(), RsaSigner(), "gw-1").value()).ok());

  auto [n, e] = GatewayKey().key.RsaPublicComponents();
  std::string nn = encoding::Base64UrlEncode(n), ee = encoding::Base64UrlEncode(e);
  auto jwks = [&](const std::string& members) {
    return absl::StrCat(R"({"keys":[{"kty":"RSA","n":")", nn, R"(","e":")", ee, "\"", members,
                        "}]}");
  };
  EXPECT_TRUE(ParseJwks(jwks(R"(,"kid":"a","rmhub_subjects":["members/*"])")).ok());
  const std::string refused[] = {
      R"(,"rmhub_subjects":["members/*"])",                          // no kid
      R"(,"kid":"a")",                                               // no subjects
      R"(,"kid":"a","rmhub_subjects":[])",                           // empty subjects
      R"(,"kid":"a","rmhub_subjects":["*"])",                        // not a subject pattern
      R"(,"kid":"a","rmhub_subjects":["services/Customer"])",        // not a service name
      R"(,"kid":"a","rmhub_subjects":["members/*"],"alg":"HS256")",  // another algorithm
      R"(,"kid":"a","rmhub_subjects":["members/*"],"use":"enc")",    // not for signatures
      R"(,"kid":"a","rmhub_subjects":["members/*"],"d":"AQAB")",     // a private key
  };
  for (const std::string& members : refused) {
    EXPECT_EQ(ParseJwks(jwks(members)).status().code(), absl::StatusCode::kInvalidArgument)
        << members;
  }
  std::string one = absl::StrCat(R"({"kty":"RSA","kid":"a","rmhub_subjects":["members/*"],"n":")",
                                 nn, R"(","e":")", ee, "\"}");
  EXPECT_FALSE(ParseJwks(absl::StrCat(R"({"keys":[)", one, ",", one, "]}")).ok());  // repeated kid
  EXPECT_FALSE(ParseJwks(R"({"keys":[]})").ok());
  EXPECT_FALSE(ParseJwks("not json").ok());
  // A modulus of 1024 bits is too short for RS256.
  EXPECT_FALSE(JwtKey::Rs256PublicKeyComponents(n.substr(0, 128), e).ok());
}

TEST_F(JwtTest, TamperedPayloadFailsTheSignature) {
  std::string token = MintJwt(MemberClaims(), hs_).value();
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  JwtClaims forged = MemberClaims();
  forged.subject = "members/1";  // someone else
  forged.permissions.insert(kPermTeamAdmin);
  std::string forged_token = MintJwt(forged, hs_).value();
  parts[1] = std::vector<std::string>(absl::StrSplit(forged_token, '.'))[1];
  auto result = HsVerifier().Verify(absl::StrJoin(parts, "."));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Reason(result.status()), kReasonBadSignature);
}

TEST_F(JwtTest, TamperedSignatureIsRefused) {
  std::string token = MintJwt(MemberClaims(), hs_).value();
  std::string flipped = token;
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Reason(HsVerifier().Verify(flipped).status()), kReasonBadSignature);
  // A signature from another secret.
  JwtKey other = JwtKey::Hs256("another-secret-0123456789-abcdefghijkl").value();
  EXPECT_EQ(Reason(HsVerifier().Verify(MintJwt(MemberClaims(), other).value()).status()),
            kReasonBadSignature);
  // Dropping the signature altogether.
  std::string unsigned_token = token.substr(0, token.rfind('.') + 1);
  EXPECT_EQ(Reason(HsVerifier().Verify(unsigned_token).status()), kReasonInvalidToken);
}

TEST_F(JwtTest, AlgNoneIsNeverAccepted) {
  std::string payload = R"({"sub":"members/42","exp":1700000600})";
  std::string none = absl::StrCat(encoding::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})"), ".",
                                  encoding::Base64UrlEncode(payload), ".");
  EXPECT_EQ(HsVerifier().Verify(none).status().code(), absl::StatusCode::kUnauthenticated);
  // Even with something in the signature slot, "none" has no key.
  std::string with_sig = EncodeJws(R"({"alg":"none"})", payload, hs_).value();
  EXPECT_EQ(Reason(HsVerifier().Verify(with_sig).status()), kReasonAlgorithmRejected);
  std::string lower = EncodeJws(R"({"alg":"hs256"})", payload, hs_).value();
  EXPECT_EQ(Reason(HsVerifier().Verify(lower).status()), kReasonAlgorithmRejected);
}

TEST_F(JwtTest, AlgorithmMustMatchTheConfiguredKey) {
  // RS256 token at an HS256-only service.
  JwtKey rsa = JwtKey::Rs256PrivateKeyPem(Rsa().private_pem).value();
  EXPECT_EQ(Reason(HsVerifier().Verify(MintJwt(MemberClaims(), rsa).value()).status()),
            kReasonAlgorithmRejected);
  // The classic key-confusion attack: HS256 "signed" with the RSA public key as the secret,
  // sent to a service that only knows that public key.
  JwtKey confused = JwtKey::Hs256(Rsa().public_pem).value();
  JwtVerifier rs_only = RsVerifier();
  EXPECT_EQ(Reason(rs_only.Verify(MintJwt(MemberClaims(), confused, "gw-1").value()).status()),
            kReasonAlgorithmRejected);
  // A header whose alg is HS256 but whose signature is RSA.
  std::string token = MintJwt(MemberClaims(), rsa).value();
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  parts[0] = encoding::Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(Reason(HsVerifier().Verify(absl::StrJoin(parts, ".")).status()), kReasonBadSignature);
}

TEST_F(JwtTest, ExpiryFollowsTheClockWithLeeway) {
  std::string token = MintJwt(MemberClaims(), hs_).value();  // exp = now + 10 min
  JwtVerifier verifier = HsVerifier();                       // leeway 30 s
  clock_.Set(kNow + absl::Minutes(10) - absl::Seconds(1));
  EXPECT_TRUE(verifier.Verify(token).ok());
  clock_.Set(kNow + absl::Minutes(10) + absl::Seconds(29));
  EXPECT_TRUE(verifier.Verify(token).ok());
  clock_.Set(kNow + absl::Minutes(10) + absl::Seconds(30));
  auto expired = verifier.Verify(token);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Reason(expired.status()), kReasonExpired);
  // No leeway: expired at exp exactly.
  JwtVerifierOptions strict;
  strict.leeway = absl::ZeroDuration();
  clock_.Set(kNow + absl::Minutes(10));
  EXPECT_EQ(Reason(HsVerifier(strict).Verify(token).status()), kReasonExpired);
}

TEST_F(JwtTest, NotBeforeIsHonoured) {
  JwtClaims c = MemberClaims();
  c.not_before = kNow + absl::Minutes(2);
  std::string token = MintJwt(c, hs_).value();
  EXPECT_EQ(Reason(HsVerifier().Verify(token).status()), kReasonNotYetValid);
  clock_.Set(kNow + absl::Minutes(2) - absl::Seconds(30));  // within leeway
  EXPECT_TRUE(HsVerifier().Verify(token).ok());
}

TEST_F(JwtTest, IssuerAndAudienceAreCheckedWhenConfigured) {
  std::string token = MintJwt(MemberClaims(), hs_).value();
  EXPECT_TRUE(HsVerifier().Verify(token).ok());  // nothing configured: not checked
  EXPECT_EQ(Reason(HsVerifier({"someone-else", ""}).Verify(token).status()), kReasonWrongIssuer);
  EXPECT_EQ(Reason(HsVerifier({"", "billing"}).Verify(token).status()), kReasonWrongAudience);
  JwtClaims c = MemberClaims();
  c.issuer.clear();
  EXPECT_EQ(Reason(HsVerifier({"rmhub-gateway", ""}).Verify(MintJwt(c, hs_).value()).status()),
            kReasonWrongIssuer);
  c.audience = {"billing", "rmhub"};  // an array that includes us
  EXPECT_TRUE(HsVerifier({"", "rmhub"}).Verify(MintJwt(c, hs_).value()).ok());
}

TEST_F(JwtTest, MissingOrMistypedClaimsAreRefused) {
  const std::string bad_payloads[] = {
      R"({"exp":1700000600,"iat":1700000000})",           // no sub
      R"({"sub":"members/42","iat":1700000000})",         // no exp
      R"({"sub":"members/42","exp":1700000600})",         // no iat
      R"({"sub":"","exp":1700000600,"iat":1700000000})",  // empty sub
      R"({"sub":42,"exp":1700000600,"iat":1700000000})",  // sub not a string
      R"({"sub":"members/42","exp":"tomorrow"})",         // exp not a number
      R"({"sub":"members/42","exp":1700000600,"iat":1700000000,"roles":"TEAM_LEAD"})",
      R"({"sub":"members/42","exp":1700000600,"iat":1700000000,"teams":["3"]})",
      R"({"sub":"members/42","exp":1700000600,"iat":1700000000,"teams":[0]})",
      R"({"sub":"members/42","exp":1700000600,"iat":1700000000,"branch":1.5})",
      R"({"sub":"members/42","exp":1700000600,"iat":1700000000,"perms":[null]})",
      R"({"sub":"members/42","exp":1700000600,"iat":1700000000,"aud":[1]})",
      R"({"sub":"members/42","exp":1700000600,"iat":1700000000,"iss":7})",
  };
  for (const std::string& payload : bad_payloads) {
    auto result = HsVerifier().Verify(SignPayload(payload));
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << payload;
    EXPECT_EQ(Reason(result.status()), kReasonBadClaims) << payload;
  }
  // Duplicate claims could be read differently by different parsers: refused outright.
  auto dup =
      HsVerifier().Verify(SignPayload(R"({"sub":"members/1","sub":"members/2","exp":1700000600})"));
  EXPECT_EQ(Reason(dup.status()), kReasonInvalidToken);
}

TEST_F(JwtTest, SubjectMustNameAMemberOrAService) {
  const char* bad[] = {"members/abc", "members/0",         "members/-4",   "members/007", "users/1",
                       "services/",   "services/Customer", "services/a b", "members/42/x"};
  for (const char* sub : bad) {
    JwtClaims c = MemberClaims();
    c.subject = sub;
    // Subjects outside members/* and services/* no key may sign; the rest are malformed.
    auto claims = HsVerifier().Verify(MintJwt(c, hs_).value());
    absl::Status refused = claims.ok() ? PrincipalFromClaims(*claims).status() : claims.status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated) << sub;
    EXPECT_TRUE(Reason(refused) == kReasonBadClaims || Reason(refused) == kReasonSubjectNotAllowed)
        << sub;
  }
  JwtClaims service = MemberClaims();
  service.subject = "services/customer";
  auto p = PrincipalFromClaims(*HsVerifier().Verify(MintJwt(service, hs_).value()));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->is_service());
  EXPECT_EQ(p->service, "customer");
  EXPECT_EQ(p->member_id, 0);
}

TEST_F(JwtTest, MalformedTokensAreInvalid) {
  std::string good = MintJwt(MemberClaims(), hs_).value();
  const std::string bad[] = {"",
                             "abc",
                             "a.b",
                             "a.b.c.d",
                             good + ".x",
                             "!!!.e30.sig",
                             std::string(kMaxTokenBytes + 1, 'a')};
  for (const std::string& token : bad) {
    EXPECT_EQ(Reason(HsVerifier().Verify(token).status()), kReasonInvalidToken) << token;
  }
  // A header with a critical extension we do not understand.
  std::string crit = EncodeJws(R"({"alg":"HS256","crit":["exp"]})",
                               R"({"sub":"members/42","exp":1700000600})", hs_)
                         .value();
  EXPECT_EQ(Reason(HsVerifier().Verify(crit).status()), kReasonInvalidToken);
}

TEST_F(JwtTest, WeakOrWrongKeysAreRefused) {
  EXPECT_FALSE(JwtKey::Hs256("short").ok());
  EXPECT_FALSE(JwtKey::Hs256(std::string(kMinHs256SecretBytes - 1, 'k')).ok());
  EXPECT_TRUE(JwtKey::Hs256(std::string(kMinHs256SecretBytes, 'k')).ok());
  EXPECT_FALSE(JwtKey::Rs256PublicKeyPem("not a pem").ok());
  EXPECT_FALSE(JwtKey::Rs256PublicKeyPem(testing::GenerateRsaKeyPair(1024).public_pem).ok());
  EXPECT_FALSE(JwtKey::Rs256PublicKeyPem(testing::GenerateEcKeyPair().public_pem).ok());
  EXPECT_FALSE(JwtKey::Rs256PrivateKeyPem(Rsa().public_pem).ok());
  JwtKey public_only = JwtKey::Rs256PublicKeyPem(Rsa().public_pem).value();
  EXPECT_FALSE(public_only.can_sign());
  EXPECT_EQ(MintJwt(MemberClaims(), public_only).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // One key per algorithm; no keys at all is no verifier.
  EXPECT_FALSE(JwtVerifier::Create({}, {}, clock_).ok());
  EXPECT_FALSE(JwtVerifier::Create({hs_, hs_}, {}, clock_).ok());
}

TEST_F(JwtTest, MintDevTokenIsOneCall) {
  DevTokenRequest request;
  request.member_id = 12;
  request.roles = {"BRANCH_MANAGER"};
  request.branch_id = 3;
  request.team_ids = {5};
  request.permissions = {kPermTeamAdmin};
  auto token = MintDevToken(request, kSecret, clock_, absl::Hours(8));
  ASSERT_TRUE(token.ok()) << token.status();
  JwtVerifierOptions working_day;
  working_day.max_lifetime = absl::Hours(8);
  auto claims = HsVerifier(working_day).Verify(*token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->expires_at, kNow + absl::Hours(8));
  auto p = PrincipalFromClaims(*claims).value();
  EXPECT_EQ(p.subject, "members/12");
  EXPECT_TRUE(p.HasRole("BRANCH_MANAGER"));
  EXPECT_EQ(p.branch_id, 3);
  EXPECT_TRUE(p.InTeam(5));
  EXPECT_TRUE(p.HasPermission(kPermTeamAdmin));
}

TEST_F(JwtTest, MintDevTokenNamesWhatIsWrong) {
  auto field_of = [&](const DevTokenRequest& r, absl::string_view secret, absl::Duration ttl) {
    auto token = MintDevToken(r, secret, clock_, ttl);
    EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
    auto fields = FieldViolations(token.status());
    return fields.empty() ? std::string() : fields.front().field;
  };
  DevTokenRequest neither;
  EXPECT_EQ(field_of(neither, kSecret, absl::Hours(1)), "member_id");
  DevTokenRequest both;
  both.member_id = 1;
  both.service = "task";
  EXPECT_EQ(field_of(both, kSecret, absl::Hours(1)), "member_id");
  DevTokenRequest bad_service;
  bad_service.service = "Task!";
  EXPECT_EQ(field_of(bad_service, kSecret, absl::Hours(1)), "service");
  DevTokenRequest member;
  member.member_id = 1;
  EXPECT_EQ(field_of(member, "short", absl::Hours(1)), "secret");
  EXPECT_EQ(field_of(member, kSecret, absl::ZeroDuration()), "ttl");
  EXPECT_EQ(field_of(member, kSecret, kMaxDevTokenTtl + absl::Seconds(1)), "ttl");
}

}  // namespace
}  // namespace rmhub::auth
