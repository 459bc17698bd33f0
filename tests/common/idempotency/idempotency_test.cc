// request_id deduplication against the private MariaDB: replay, reuse, failure, validation and
// concurrent duplicates that really overlap.
#include "common/idempotency/idempotency.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/db/migrations.h"
#include "common/db/transaction.h"
#include "common/status/errors.h"
#include "tests/support/test_database.h"
#include <google/protobuf/wrappers.pb.h>

namespace rmhub::idempotency {
namespace {

using google::protobuf::StringValue;

StringValue Str(const std::string& v) {
  StringValue s;
  s.set_value(v);
  return s;
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
  }

  // Creates a widget named after the request and answers "created <name> #<run>".
  absl::StatusOr<StringValue> Create(const std::string& request_id, const StringValue& request,
                                     absl::string_view method = "/test.Widgets/Create") {
    return RunIdempotent<StringValue>(
        *pool_, method, request_id, request,
        [&](db::Connection& c) -> absl::StatusOr<StringValue> {
          int run = ++runs_;
          sql::PreparedStatement& ps = c.Prepare("INSERT INTO widgets (name) VALUES (?)");
          ps.setString(1, request.value());
          ps.executeUpdate();
          return Str("created " + request.value() + " #" + std::to_string(run));
        });
  }

  int64_t Count(const std::string& table) {
    return db_->QueryInt("SELECT COUNT(*) FROM " + table).value_or(-1);
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::atomic<int> runs_{0};
};

TEST_F(IdempotencyTest, AReplayReturnsTheFirstResponseWithoutRunningAgain) {
  absl::StatusOr<StringValue> first = Create("req-1", Str("w1"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->value(), "created w1 #1");
  absl::StatusOr<StringValue> replay = Create("req-1", Str("w1"));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->value(), "created w1 #1");
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(Count("widgets"), 1);
  EXPECT_EQ(Count("idempotency_records"), 1);
  EXPECT_EQ(db_->QueryString("SELECT method FROM idempotency_records").value_or(""),
            "/test.Widgets/Create");
}

TEST_F(IdempotencyTest, AnEmptyRequestIdMeansNoDeduplication) {
  ASSERT_TRUE(Create("", Str("a")).ok());
  ASSERT_TRUE(Create("", Str("b")).ok());
  EXPECT_EQ(runs_, 2);
  EXPECT_EQ(Count("widgets"), 2);
  EXPECT_EQ(Count("idempotency_records"), 0);
}

TEST_F(IdempotencyTest, MalformedRequestIdsAreInvalidArgumentsOnRequestId) {
  for (const std::string& bad :
       {std::string(65, 'a'), std::string("has space"), std::string("a/b"),
        std::string("caf\xc3\xa9"), std::string("semi;colon")}) {
    absl::StatusOr<StringValue> r = Create(bad, Str("x"));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    ASSERT_EQ(FieldViolations(r.status()).size(), 1u);
    EXPECT_EQ(FieldViolations(r.status())[0].field, "request_id");
  }
  EXPECT_EQ(runs_, 0);
  EXPECT_TRUE(Create(std::string(64, 'Z'), Str("ok")).ok());
  EXPECT_TRUE(Create("550e8400-e29b-41d4-a716-446655440000_x", Str("ok2")).ok());
}

TEST_F(IdempotencyTest, ReusingARequestIdForAnotherRequestOrMethodIsRefused) {
  ASSERT_TRUE(Create("req-2", Str("w2")).ok());
  for (auto r : {Create("req-2", Str("other")), Create("req-2", Str("w2"), "/test.Widgets/Delete")}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ErrorReason(r.status()), "REQUEST_ID_REUSED");
    ASSERT_EQ(FieldViolations(r.status()).size(), 1u);
    EXPECT_EQ(FieldViolations(r.status())[0].field, "request_id");
  }
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(Count("widgets"), 1);
  // Request ids are case-sensitive: "REQ-2" is another id.
  EXPECT_TRUE(Create("REQ-2", Str("w3")).ok());
}

TEST_F(IdempotencyTest, AFailedBodyStoresNothingAndARetryRunsAgain) {
  absl::StatusOr<StringValue> failed = RunIdempotent<StringValue>(
      *pool_, "/test.Widgets/Create", "req-3", Str("w3"),
      [&](db::Connection& c) -> absl::StatusOr<StringValue> {
        c.Execute("INSERT INTO widgets (name) VALUES ('w3')");
        return FailedPrecondition("NOT_NOW", "try later");
      });
  EXPECT_EQ(ErrorReason(failed.status()), "NOT_NOW");
  EXPECT_EQ(Count("widgets"), 0);
  EXPECT_EQ(Count("idempotency_records"), 0);

  ASSERT_TRUE(Create("req-4", Str("dup")).ok());
  absl::StatusOr<StringValue> thrown = Create("req-5", Str("dup"));  // duplicate widget name
  EXPECT_EQ(thrown.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("idempotency_records"), 1);

  absl::StatusOr<StringValue> retried = Create("req-3", Str("w3"));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(Count("widgets"), 2);
}

TEST_F(IdempotencyTest, BinaryResponsesReplayByteForByte) {
  google::protobuf::BytesValue out;
  out.set_value(std::string("\0\x01\xff\x80 tail", 9));
  auto body = [&](db::Connection&) -> absl::StatusOr<google::protobuf::BytesValue> { return out; };
  ASSERT_TRUE(RunIdempotent<google::protobuf::BytesValue>(*pool_, "/m", "bin", Str("b"), body).ok());
  absl::StatusOr<google::protobuf::BytesValue> replay =
      RunIdempotent<google::protobuf::BytesValue>(
          *pool_, "/m", "bin", Str("b"),
          [](db::Connection&) -> absl::StatusOr<google::protobuf::BytesValue> {
            return google::protobuf::BytesValue();
          });
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->value(), out.value());
}

TEST_F(IdempotencyTest, ConcurrentDuplicatesRunTheBodyOnceAndShareItsResponse) {
  constexpr int kDuplicates = 4;
  absl::Notification winner_in_body, release_winner;
  std::atomic<bool> first{true};
  std::vector<absl::StatusOr<StringValue>> results(kDuplicates, absl::UnknownError("unset"));
  auto call = [&](int i) {
    results[i] = RunIdempotent<StringValue>(
        *pool_, "/test.Widgets/Create", "same-id", Str("w"),
        [&](db::Connection& c) -> absl::StatusOr<StringValue> {
          c.Execute("INSERT INTO widgets (name) VALUES ('w')");
          if (first.exchange(false)) {
            winner_in_body.Notify();
            release_winner.WaitForNotification();
          }
          return Str("run " + std::to_string(++runs_));
        });
  };
  std::vector<std::thread> threads;
  threads.emplace_back(call, 0);
  winner_in_body.WaitForNotification();
  for (int i = 1; i < kDuplicates; ++i) threads.emplace_back(call, i);
  // Hold the winner until every duplicate is inside its claim INSERT (past its lookup, waiting
  // on the winner's row lock): the race really happens.
  for (int i = 0; i < 3000; ++i) {
    if (db_->QueryInt("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                      "WHERE INFO LIKE 'INSERT INTO idempotency_records%'").value_or(0) ==
        kDuplicates - 1) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  release_winner.Notify();
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->value(), "run 1");
  }
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(Count("widgets"), 1);
  EXPECT_EQ(Count("idempotency_records"), 1);
}

TEST_F(IdempotencyTest, PurgedRecordsNoLongerDeduplicate) {
  ASSERT_TRUE(Create("old", Str("w-old")).ok());
  ASSERT_TRUE(Create("new", Str("w-new")).ok());
  ASSERT_TRUE(db_->Execute("UPDATE idempotency_records SET create_time = '2020-01-01 00:00:00' "
                           "WHERE request_id = 'old'").ok());
  absl::StatusOr<int64_t> purged =
      PurgeIdempotencyRecords(*pool_, absl::FromCivil(absl::CivilDay(2021, 1, 1), absl::UTCTimeZone()));
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(Count("idempotency_records"), 1);
}

// RunIdempotentInto: the body fills the caller's message; a replay fills it from the record.
TEST_F(IdempotencyTest, RunIdempotentIntoFillsTheResponseAndReplaysItIntoTheSameType) {
  auto create = [&](google::protobuf::Message* response) {
    return RunIdempotentInto(
        *pool_, "/test.Widgets/Create", "into-1", Str("wi"), response, [&](db::Connection& c) {
          c.Execute("INSERT INTO widgets (name) VALUES ('wi')");
          if (response != nullptr) {
            static_cast<StringValue*>(response)->set_value("run #" + std::to_string(++runs_));
          }
          return absl::OkStatus();
        });
  };
  StringValue first;
  ASSERT_TRUE(create(&first).ok());
  EXPECT_EQ(first.value(), "run #1");
  StringValue replay;
  absl::Status replayed = create(&replay);
  ASSERT_TRUE(replayed.ok()) << replayed;
  EXPECT_EQ(replay.value(), "run #1");
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(Count("widgets"), 1);

  // A replay into another message type is refused rather than parsed as garbage.
  google::protobuf::BytesValue other;
  absl::Status mismatch =
      RunIdempotentInto(*pool_, "/test.Widgets/Create", "into-1", Str("wi"), &other,
                        [](db::Connection&) { return absl::OkStatus(); });
  EXPECT_EQ(mismatch.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(mismatch), "STORED_RESPONSE_MISMATCH");
}

TEST_F(IdempotencyTest, RunIdempotentIntoWithoutAResponseStillRecordsAndDeduplicates) {
  auto body = [&](db::Connection& c) {
    ++runs_;
    c.Execute("INSERT INTO widgets (name) VALUES ('silent')");
    return absl::OkStatus();
  };
  ASSERT_TRUE(RunIdempotentInto(*pool_, "/m", "into-2", Str("s"), nullptr, body).ok());
  ASSERT_TRUE(RunIdempotentInto(*pool_, "/m", "into-2", Str("s"), nullptr, body).ok());
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(Count("widgets"), 1);
  EXPECT_EQ(Count("idempotency_records"), 1);

  absl::Status failed =
      RunIdempotentInto(*pool_, "/m", "into-3", Str("f"), nullptr, [](db::Connection& c) {
        c.Execute("INSERT INTO widgets (name) VALUES ('f')");
        return FailedPrecondition("NOT_NOW", "try later");
      });
  EXPECT_EQ(ErrorReason(failed), "NOT_NOW");
  EXPECT_EQ(Count("widgets"), 1);
  EXPECT_EQ(Count("idempotency_records"), 1);
}

TEST(RequestFingerprintTest, IsStableAndSensitiveToContent) {
  EXPECT_EQ(RequestFingerprint(Str("a")), RequestFingerprint(Str("a")));
  EXPECT_NE(RequestFingerprint(Str("a")), RequestFingerprint(Str("b")));
  EXPECT_EQ(RequestFingerprint(Str("a")).size(), 64u);
}

}  // namespace
}  // namespace rmhub::idempotency
