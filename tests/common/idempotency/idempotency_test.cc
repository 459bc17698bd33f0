// Caller-scoped request_id deduplication against the private MariaDB: replay and re-authorization
// hook, callers kept apart, reuse, failure, validation, sealing, retention, purge and concurrent
// duplicates that really overlap.
#include "common/idempotency/idempotency.h"

#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/db/migrations.h"
#include "common/db/sha256.h"
#include "common/db/transaction.h"
#include "common/status/errors.h"
#include "tests/support/metric_value.h"
#include "tests/support/test_database.h"

namespace rmhub::idempotency {
namespace {

using google::protobuf::StringValue;

constexpr char kSecret[] = "idempotency-test-secret-0123456789";
const absl::Time kT0 =
    absl::FromCivil(absl::CivilSecond(2026, 3, 16, 9, 0, 0), absl::UTCTimeZone());

StringValue Str(const std::string& v) {
  StringValue s;
  s.set_value(v);
  return s;
}

std::unique_ptr<Idempotency> Make(const Clock& clock, const std::string& secret = kSecret,
                                  const pii::FieldCipher* cipher = nullptr) {
  Settings settings;
  settings.secret = secret;
  auto made = Idempotency::Create("widgets", settings, cipher, clock);
  EXPECT_TRUE(made.ok()) << made.status();
  return *std::move(made);
}

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("idempotency");
    db::DbConfig config = db_->config();
    config.pool_size = 8;
    auto pool = db::ConnectionPool::Create(config);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    ASSERT_TRUE(db::ApplyMigrations(*pool_, {}).ok());
    ASSERT_TRUE(db_->Execute("CREATE TABLE widgets (name VARCHAR(40) PRIMARY KEY)").ok());
    ASSERT_TRUE(db_->Execute("CREATE TABLE replays (who VARCHAR(40))").ok());
  }

  // Creates a widget named after the request and answers "created <name> #<run>"; a replay
  // records who replayed in `replays` (as an audit entry would be).
  absl::Status Create(const std::string& request_id, const StringValue& request, StringValue* out,
                      const std::string& subject = "members/1",
                      const std::string& method = "CreateWidget",
                      const Idempotency* with = nullptr) {
    const Idempotency& idem = with != nullptr ? *with : *idempotency_;
    return idem.Run(
        *pool_, {method, request_id, subject}, request, out,
        [&](db::Connection& c) {
          int run = ++runs_;
          sql::PreparedStatement& ps = c.Prepare("INSERT INTO widgets (name) VALUES (?)");
          ps.setString(1, request.value());
          ps.executeUpdate();
          *out = Str("created " + request.value() + " #" + std::to_string(run));
          return absl::OkStatus();
        },
        [&](db::Connection& c, Delivery d) {
          finishes_.push_back(d);
          if (d == Delivery::kReplay) {
            sql::PreparedStatement& ps = c.Prepare("INSERT INTO replays (who) VALUES (?)");
            ps.setString(1, subject);
            ps.executeUpdate();
          }
          return absl::OkStatus();
        });
  }

  int64_t Count(const std::string& table) {
    return db_->QueryInt("SELECT COUNT(*) FROM " + table).value_or(-1);
  }

  FakeClock clock_{kT0};
  std::unique_ptr<Idempotency> idempotency_ = Make(clock_);
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::atomic<int> runs_{0};
  std::vector<Delivery> finishes_;
};

TEST_F(IdempotencyTest, AReplayReturnsTheFirstResponseWithoutRunningAgain) {
  StringValue first, replay;
  ASSERT_TRUE(Create("req-1", Str("w1"), &first).ok());
  EXPECT_EQ(first.value(), "created w1 #1");
  absl::Status replayed = Create("req-1", Str("w1"), &replay);
  ASSERT_TRUE(replayed.ok()) << replayed;
  EXPECT_EQ(replay.value(), "created w1 #1");
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(finishes_, (std::vector<Delivery>{Delivery::kFirst, Delivery::kReplay}));
  EXPECT_EQ(Count("widgets"), 1);
  EXPECT_EQ(Count("replays"), 1);
  EXPECT_EQ(Count("idempotency_records"), 1);
  EXPECT_EQ(db_->QueryString("SELECT method FROM idempotency_records").value_or(""),
            "CreateWidget");
}

TEST_F(IdempotencyTest, AnEmptyRequestIdMeansNoDeduplication) {
  StringValue out;
  ASSERT_TRUE(Create("", Str("a"), &out).ok());
  ASSERT_TRUE(Create("", Str("b"), &out).ok());
  EXPECT_EQ(runs_, 2);
  EXPECT_EQ(finishes_, (std::vector<Delivery>{Delivery::kFirst, Delivery::kFirst}));
  EXPECT_EQ(Count("widgets"), 2);
  EXPECT_EQ(Count("idempotency_records"), 0);
}

TEST_F(IdempotencyTest, MalformedRequestIdsAreInvalidArgumentsOnRequestId) {
  StringValue out;
  for (const std::string& bad : {std::string(65, 'a'), std::string("has space"), std::string("a/b"),
                                 std::string("caf\xc3\xa9"), std::string("semi;colon")}) {
    absl::Status r = Create(bad, Str("x"), &out);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.code(), absl::StatusCode::kInvalidArgument) << bad;
    ASSERT_EQ(FieldViolations(r).size(), 1u);
    EXPECT_EQ(FieldViolations(r)[0].field, "request_id");
  }
  EXPECT_EQ(runs_, 0);
  EXPECT_TRUE(Create(std::string(64, 'Z'), Str("ok"), &out).ok());
  EXPECT_TRUE(Create("550e8400-e29b-41d4-a716-446655440000_x", Str("ok2"), &out).ok());
}

TEST_F(IdempotencyTest, ReusingARequestIdForAnotherRequestIsRefused) {
  StringValue out;
  ASSERT_TRUE(Create("req-2", Str("w2"), &out).ok());
  absl::Status r = Create("req-2", Str("other"), &out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(r), "REQUEST_ID_REUSED");
  ASSERT_EQ(FieldViolations(r).size(), 1u);
  EXPECT_EQ(FieldViolations(r)[0].field, "request_id");
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(Count("widgets"), 1);
  // Request ids are case-sensitive: "REQ-2" is another id.
  EXPECT_TRUE(Create("REQ-2", Str("w3"), &out).ok());
  // The method is part of the key: the same id on another method is another request.
  EXPECT_TRUE(Create("req-2", Str("w4"), &out, "members/1", "RenameWidget").ok());
  EXPECT_EQ(runs_, 3);
}

TEST_F(IdempotencyTest, AReplayByAnotherCallerIsAFreshRequestAndNeverSeesTheFirstResponse) {
  StringValue mine, theirs, mine_again;
  ASSERT_TRUE(Create("shared", Str("a1"), &mine, "members/1").ok());
  // The identical request_id and request from another subject runs the body as that caller.
  absl::Status other = Create("shared", Str("a1"), &theirs, "members/2");
  EXPECT_EQ(other.code(), absl::StatusCode::kAlreadyExists);  // its own run hit the widget
  EXPECT_NE(theirs.value(), "created a1 #1");
  EXPECT_EQ(runs_, 2);
  EXPECT_EQ(Count("replays"), 0);
  // A different request from the other caller under the same id is simply its own first call.
  ASSERT_TRUE(Create("shared", Str("b1"), &theirs, "members/2").ok());
  EXPECT_EQ(theirs.value(), "created b1 #3");
  // The first caller still replays its own response.
  ASSERT_TRUE(Create("shared", Str("a1"), &mine_again, "members/1").ok());
  EXPECT_EQ(mine_again.value(), "created a1 #1");
  EXPECT_EQ(Count("idempotency_records"), 2);
}

TEST_F(IdempotencyTest, AReplayWithoutAFinishIsRefusedAndAFailingFinishRollsBack) {
  StringValue out;
  ASSERT_TRUE(Create("req-f", Str("wf"), &out).ok());
  auto body = [&](db::Connection&) {
    ++runs_;
    return absl::OkStatus();
  };
  absl::Status unchecked = idempotency_->Run(*pool_, {"CreateWidget", "req-f", "members/1"},
                                             Str("wf"), &out, body, nullptr);
  EXPECT_EQ(unchecked.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(unchecked), kReplayNotAuthorized);

  absl::Status denied =
      idempotency_->Run(*pool_, {"CreateWidget", "req-f", "members/1"}, Str("wf"), &out, body,
                        [](db::Connection& c, Delivery) {
                          c.Execute("INSERT INTO replays (who) VALUES ('denied')");
                          return PermissionDenied("OTHER_BRANCH", "no longer yours");
                        });
  EXPECT_EQ(ErrorReason(denied), "OTHER_BRANCH");
  EXPECT_EQ(Count("replays"), 0);  // the finish's writes rolled back with it
  EXPECT_EQ(runs_, 1);
}

TEST_F(IdempotencyTest, AFailedBodyStoresNothingAndARetryRunsAgain) {
  StringValue out;
  absl::Status failed = idempotency_->Run(
      *pool_, {"CreateWidget", "req-3", "members/1"}, Str("w3"), &out,
      [&](db::Connection& c) {
        c.Execute("INSERT INTO widgets (name) VALUES ('w3')");
        return FailedPrecondition("NOT_NOW", "try later");
      },
      [](db::Connection&, Delivery) { return absl::OkStatus(); });
  EXPECT_EQ(ErrorReason(failed), "NOT_NOW");
  EXPECT_EQ(Count("widgets"), 0);
  EXPECT_EQ(Count("idempotency_records"), 0);

  ASSERT_TRUE(Create("req-4", Str("dup"), &out).ok());
  absl::Status thrown = Create("req-5", Str("dup"), &out);  // duplicate widget name
  EXPECT_EQ(thrown.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("idempotency_records"), 1);

  absl::Status retried = Create("req-3", Str("w3"), &out);
  ASSERT_TRUE(retried.ok()) << retried;
  EXPECT_EQ(Count("widgets"), 2);
}

TEST_F(IdempotencyTest, BinaryResponsesReplayByteForByte) {
  google::protobuf::BytesValue out;
  const std::string bytes("\0\x01\xff\x80 tail", 9);
  auto finish = [](db::Connection&, Delivery) { return absl::OkStatus(); };
  ASSERT_TRUE(idempotency_
                  ->Run(
                      *pool_, {"M", "bin", "members/1"}, Str("b"), &out,
                      [&](db::Connection&) {
                        out.set_value(bytes);
                        return absl::OkStatus();
                      },
                      finish)
                  .ok());
  google::protobuf::BytesValue replay;
  ASSERT_TRUE(idempotency_
                  ->Run(
                      *pool_, {"M", "bin", "members/1"}, Str("b"), &replay,
                      [](db::Connection&) { return absl::OkStatus(); }, finish)
                  .ok());
  EXPECT_EQ(replay.value(), bytes);
}

TEST_F(IdempotencyTest, StoredResponsesAreSealedAndBoundToTheirRecord) {
  StringValue a, b;
  ASSERT_TRUE(Create("seal-a", Str("secret-widget-a"), &a).ok());
  ASSERT_TRUE(Create("seal-b", Str("secret-widget-b"), &b).ok());
  const std::string key_a = idempotency_->RecordKey({"CreateWidget", "seal-a", "members/1"});
  const std::string key_b = idempotency_->RecordKey({"CreateWidget", "seal-b", "members/1"});
  const std::string stored = *db_->QueryString(
      "SELECT response FROM idempotency_records WHERE record_key = '" + key_a + "'");
  EXPECT_EQ(stored.find("secret-widget-a"), std::string::npos);
  EXPECT_EQ(stored.find("created"), std::string::npos);
  // Neither the subject nor the request_id is stored in clear in the key.
  EXPECT_EQ(key_a.size(), 64u);
  EXPECT_EQ(key_a.find("seal"), std::string::npos);
  // A response moved to another record does not open there.
  ASSERT_TRUE(db_->Execute("UPDATE idempotency_records r JOIN idempotency_records s "
                           "ON r.record_key = '" +
                           key_b + "' AND s.record_key = '" + key_a +
                           "' SET r.response = s.response")
                  .ok());
  StringValue replay;
  absl::Status moved = Create("seal-b", Str("secret-widget-b"), &replay);
  EXPECT_EQ(moved.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(replay.value(), "created secret-widget-a #1");
}

TEST_F(IdempotencyTest, TheFingerprintIsKeyedByTheSecret) {
  auto other = Make(clock_, "another-secret-of-enough-length");
  const std::string fp = idempotency_->Fingerprint(Str("a"));
  EXPECT_EQ(fp, idempotency_->Fingerprint(Str("a")));
  EXPECT_NE(fp, idempotency_->Fingerprint(Str("b")));
  EXPECT_NE(fp, other->Fingerprint(Str("a")));
  EXPECT_EQ(fp.size(), 64u);
  std::string plain;
  Str("a").SerializeToString(&plain);
  EXPECT_NE(fp, db::Sha256Hex(plain));
  EXPECT_NE(idempotency_->RecordKey({"M", "r", "members/1"}),
            other->RecordKey({"M", "r", "members/1"}));
  EXPECT_NE(idempotency_->RecordKey({"M", "r", "members/1"}),
            idempotency_->RecordKey({"M", "r", "members/2"}));
}

TEST_F(IdempotencyTest, ARecordPastItsRetentionIsForgottenAndTheRequestRunsFresh) {
  StringValue first, within, after;
  ASSERT_TRUE(Create("old-id", Str("w-old"), &first).ok());
  clock_.Advance(kDefaultRetention - absl::Seconds(1));
  ASSERT_TRUE(Create("old-id", Str("w-old"), &within).ok());
  EXPECT_EQ(within.value(), "created w-old #1");
  EXPECT_EQ(runs_, 1);
  clock_.Advance(absl::Seconds(2));
  ASSERT_TRUE(db_->Execute("DELETE FROM widgets").ok());
  ASSERT_TRUE(Create("old-id", Str("w-old"), &after).ok());
  EXPECT_EQ(after.value(), "created w-old #2");
  EXPECT_EQ(runs_, 2);
  EXPECT_EQ(Count("idempotency_records"), 1);
}

TEST_F(IdempotencyTest, PurgeRemovesExpiredRecordsOnlyInBatches) {
  StringValue out;
  // Three records 10, 9 and 8 days before now, two 6 days and 1 hour before.
  clock_.Set(kT0 - absl::Hours(24 * 10));
  ASSERT_TRUE(Create("p1", Str("p1"), &out).ok());
  clock_.Set(kT0 - absl::Hours(24 * 9));
  ASSERT_TRUE(Create("p2", Str("p2"), &out).ok());
  clock_.Set(kT0 - absl::Hours(24 * 8));
  ASSERT_TRUE(Create("p3", Str("p3"), &out).ok());
  clock_.Set(kT0 - absl::Hours(24 * 6));
  ASSERT_TRUE(Create("k1", Str("k1"), &out).ok());
  clock_.Set(kT0 - absl::Hours(1));
  ASSERT_TRUE(Create("k2", Str("k2"), &out).ok());
  clock_.Set(kT0);

  prometheus::Registry registry;
  Purger purger(*pool_, kDefaultRetention, clock_, PurgeOptions{absl::Minutes(5), /*batch=*/2},
                &registry);
  absl::StatusOr<int64_t> purged = purger.RunOnce();  // batches of 2: 2, then 1
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 3);
  EXPECT_EQ(Count("idempotency_records"), 2);
  EXPECT_EQ(testing::MetricValue(registry, "rmhub_idempotency_records_purged_total"), 3.0);
  EXPECT_EQ(testing::MetricValue(registry, "rmhub_idempotency_purge_errors_total"), 0.0);
  // The kept ones still replay; the purged ones run again.
  runs_ = 0;
  ASSERT_TRUE(Create("k1", Str("k1"), &out).ok());
  ASSERT_TRUE(Create("k2", Str("k2"), &out).ok());
  EXPECT_EQ(runs_, 0);
  ASSERT_TRUE(db_->Execute("DELETE FROM widgets WHERE name = 'p1'").ok());
  ASSERT_TRUE(Create("p1", Str("p1"), &out).ok());
  EXPECT_EQ(runs_, 1);
  // Nothing more is expired.
  purged = purger.RunOnce();
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 0);
}

TEST_F(IdempotencyTest, AFailedPurgeCountsAnError) {
  prometheus::Registry registry;
  Purger purger(*pool_, kDefaultRetention, clock_, PurgeOptions{}, &registry);
  ASSERT_TRUE(db_->Execute("RENAME TABLE idempotency_records TO idempotency_records_away").ok());
  EXPECT_FALSE(purger.RunOnce().ok());
  ASSERT_TRUE(db_->Execute("RENAME TABLE idempotency_records_away TO idempotency_records").ok());
  EXPECT_EQ(testing::MetricValue(registry, "rmhub_idempotency_purge_errors_total"), 1.0);
  EXPECT_EQ(testing::MetricValue(registry, "rmhub_idempotency_records_purged_total"), 0.0);
}

TEST_F(IdempotencyTest, ConcurrentDuplicatesRunTheBodyOnceAndShareItsResponse) {
  constexpr int kDuplicates = 4;
  absl::Notification winner_in_body, release_winner;
  std::atomic<bool> first{true};
  std::vector<StringValue> responses(kDuplicates);
  std::vector<absl::Status> results(kDuplicates, absl::UnknownError("unset"));
  auto call = [&](int i) {
    results[i] = idempotency_->Run(
        *pool_, {"CreateWidget", "same-id", "members/1"}, Str("w"), &responses[i],
        [&, i](db::Connection& c) {
          c.Execute("INSERT INTO widgets (name) VALUES ('w')");
          if (first.exchange(false)) {
            winner_in_body.Notify();
            release_winner.WaitForNotification();
          }
          responses[i] = Str("run " + std::to_string(++runs_));
          return absl::OkStatus();
        },
        [](db::Connection&, Delivery) { return absl::OkStatus(); });
  };
  std::vector<std::thread> threads;
  threads.emplace_back(call, 0);
  winner_in_body.WaitForNotification();
  for (int i = 1; i < kDuplicates; ++i) threads.emplace_back(call, i);
  // Hold the winner until every duplicate is inside its claim INSERT (past its lookup, waiting
  // on the winner's row lock): the race really happens.
  for (int i = 0; i < 3000; ++i) {
    if (db_->QueryInt("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                      "WHERE INFO LIKE 'INSERT INTO idempotency_records%'")
            .value_or(0) == kDuplicates - 1) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  release_winner.Notify();
  for (auto& t : threads) t.join();
  for (int i = 0; i < kDuplicates; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i];
    EXPECT_EQ(responses[i].value(), "run 1");
  }
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(Count("widgets"), 1);
  EXPECT_EQ(Count("idempotency_records"), 1);
}

TEST(IdempotencySettingsTest, TheSecretIsRequiredAndTheRetentionAtLeastADay) {
  Settings settings;
  absl::Status missing = ValidateSettings(settings);
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(missing.ToString()).find("--idempotency_key_file"), std::string::npos);
  settings.secret = kSecret;
  EXPECT_TRUE(ValidateSettings(settings).ok());
  settings.retention = absl::Hours(23);
  absl::Status short_retention = ValidateSettings(settings);
  EXPECT_EQ(short_retention.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(short_retention.ToString()).find("--idempotency_retention"),
            std::string::npos);
  settings.retention = absl::Hours(24);
  EXPECT_TRUE(ValidateSettings(settings).ok());
}

}  // namespace
}  // namespace rmhub::idempotency
