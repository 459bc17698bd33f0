// Extensions and appraisals against a real MariaDB: the second extension refused without a
// senior approver (and nothing written), accepted with one; an appraisal and its correction give
// what computing from scratch gives; one event per change.
#include "services/complaint/clock_steps.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "common/db/sql_values.h"
#include "common/status/errors.h"
#include "services/complaint/domain/clock_history.h"
#include "services/complaint/filing.h"
#include "services/complaint/mysql_repository.h"
#include "tests/services/complaint/complaint_db_test.h"
#include "tests/services/complaint/complaint_test_util.h"
#include "tests/support/repository_test_util.h"
#include "tests/support/test_database.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::complaint {
namespace {

using namespace ::rmhub::test_util;  // NOLINT(google-build-using-namespace): test helpers

using testutil::CnCalendar;
using testutil::Shanghai;

absl::Time At(int y, int m, int d, int hh = 10) { return testutil::ShanghaiAt(y, m, d, hh); }

absl::Time Deadline(const StoredComplaint& c) {
  return db::TimeFromTimestamp(c.complaint.deadline());
}

class ClockStepsTest : public testutil::ComplaintDbTest {
 protected:
  static void SetUpTestSuite() { SetUpDatabase("complaint_clock"); }

  int64_t FileAt(int customer, absl::Time received, v1::Jurisdiction jurisdiction = v1::CN_NFRA) {
    v1::Complaint c;
    c.set_customer(absl::StrCat("customers/", customer));
    c.set_branch("branches/3");
    c.set_channel(v1::LETTER);
    c.set_category(v1::PRODUCT);
    c.set_severity(v1::MAJOR);
    c.set_subject("subject");
    c.set_description("d");
    c.set_customer_request("r");
    c.set_state(v1::INVESTIGATING);
    c.set_jurisdiction(jurisdiction);
    *c.mutable_receive_time() = db::TimestampFromMicros(absl::ToUnixMicros(received));
    *c.mutable_deadline() = c.receive_time();
    c.set_sla_state(v1::ON_TRACK);
    FilingOutcome out;
    EXPECT_TRUE(Tx([&](ComplaintStore& store) {
                  return Into(FileOrMerge(store, c, "members/1", received), &out);
                }).ok());
    return out.complaint_id;
  }

  absl::StatusOr<StoredComplaint> Extend(int64_t id, const ExtensionAsk& ask, absl::Time now) {
    StoredComplaint out;
    absl::Status s = Tx([&](ComplaintStore& store) {
      return Into(ExtendDeadline(store, clocks_, id, ask, "members/23", now), &out);
    });
    if (!s.ok()) return s;
    return out;
  }

  absl::StatusOr<StoredComplaint> Appraise(int64_t id, AppraisalPeriod a, absl::Time now) {
    StoredComplaint out;
    absl::Status s = Tx([&](ComplaintStore& store) {
      return Into(
          RecordAppraisal(store, clocks_, id, a, "司法鉴定: 交易签名笔迹", "members/23", now),
          &out);
    });
    if (!s.ok()) return s;
    return out;
  }

  int64_t Count(const std::string& sql) { return *db_->QueryInt(sql); }

  ClockBook clocks_{ClockSetting{Shanghai(), &CnCalendar()}};
};

TEST_F(ClockStepsTest, SecondExtensionNeedsASeniorApproverAndTheComplainantInformed) {
  const int64_t id = FileAt(301, At(2026, 3, 2));
  ExtensionAsk ask;
  ask.reason = "需调取多笔交易流水";
  absl::StatusOr<StoredComplaint> first = Extend(id, ask, At(2026, 3, 10));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->complaint.extension_level(), 1);
  EXPECT_EQ(Deadline(*first), At(2026, 4, 2, 0));

  const std::string rows =
      absl::StrCat("SELECT COUNT(*) FROM complaint_history WHERE complaint_id = ", id);
  const int64_t rows_before = Count(rows);
  absl::StatusOr<StoredComplaint> no_approver = Extend(id, ask, At(2026, 3, 20));
  EXPECT_EQ(FieldViolations(no_approver.status()).at(0).field, "approver");
  ask.approver = "members/9";
  EXPECT_EQ(ErrorReason(Extend(id, ask, At(2026, 3, 20)).status()), "APPROVER_NOT_SENIOR");
  ask.approver_senior = true;
  EXPECT_EQ(ErrorReason(Extend(id, ask, At(2026, 3, 20)).status()), "COMPLAINANT_NOT_INFORMED");
  ask.approver = "members/9\"}";
  EXPECT_EQ(FieldViolations(Extend(id, ask, At(2026, 3, 20)).status()).at(0).field, "approver");
  // Nothing half written by the refusals.
  EXPECT_EQ(Count(rows), rows_before);
  EXPECT_EQ(Count(absl::StrCat("SELECT version FROM complaints WHERE id = ", id)), first->version);

  ask.approver = "members/9";
  ask.complainant_informed_time = At(2026, 3, 19);
  absl::StatusOr<StoredComplaint> second = Extend(id, ask, At(2026, 3, 20));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->complaint.extension_level(), 2);
  EXPECT_EQ(Deadline(*second), At(2026, 5, 7, 0));  // 1 May in Labour Day → 6 May
  EXPECT_EQ(ErrorReason(Extend(id, ask, At(2026, 3, 21)).status()), "NO_FURTHER_EXTENSION");
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM outbox_events WHERE event_type = '",
                               kDeadlineExtendedEvent, "' AND aggregate = 'complaints/", id, "'")),
            2);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM complaint_history WHERE complaint_id = ", id,
                               " AND kind = ", v1::EXTENDED,
                               " AND details LIKE '%\"approver\":\"members/9\"%'")),
            1);
}

TEST_F(ClockStepsTest, ExtensionAfterTheDeadlineIsRefused) {
  const int64_t id = FileAt(302, At(2026, 3, 2));
  ExtensionAsk ask;
  ask.reason = "too late";
  EXPECT_EQ(ErrorReason(Extend(id, ask, At(2026, 3, 18, 0)).status()), "DEADLINE_PASSED");
  EXPECT_EQ(Extend(987654, ask, At(2026, 3, 3)).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ClockStepsTest, ACorrectedAppraisalGivesWhatComputingFromScratchGives) {
  const int64_t corrected = FileAt(303, At(2026, 3, 2));
  const int64_t direct = FileAt(304, At(2026, 3, 2));
  absl::StatusOr<StoredComplaint> a = Appraise(
      corrected, {"", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 12)}, At(2026, 3, 4));
  ASSERT_TRUE(a.ok()) << a.status();
  // 15 + 8 days: 25 March, a Wednesday.
  EXPECT_EQ(Deadline(*a), At(2026, 3, 26, 0));
  absl::StatusOr<StoredComplaint> fixed = Appraise(
      corrected, {"a1", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 9)}, At(2026, 3, 13));
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  absl::StatusOr<StoredComplaint> fresh = Appraise(
      direct, {"", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 9)}, At(2026, 3, 4));
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(Deadline(*fixed), Deadline(*fresh));
  EXPECT_EQ(Deadline(*fixed), At(2026, 3, 24, 0));  // 22 March a Sunday → Monday 23

  EXPECT_EQ(FieldViolations(Appraise(corrected,
                                     {"a7", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 6)},
                                     At(2026, 3, 13))
                                .status())
                .at(0)
                .field,
            "appraisal.appraisal_id");
  EXPECT_EQ(FieldViolations(Appraise(corrected,
                                     {"", absl::CivilDay(2026, 3, 9), absl::CivilDay(2026, 3, 5)},
                                     At(2026, 3, 13))
                                .status())
                .at(0)
                .field,
            "appraisal.end_date");
  EXPECT_EQ(FieldViolations(Appraise(corrected,
                                     {"", absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 5)},
                                     At(2026, 3, 13))
                                .status())
                .at(0)
                .field,
            "appraisal.start_date");
}

TEST_F(ClockStepsTest, ProfilesWithoutExclusionRefuseAppraisals) {
  const int64_t id = FileAt(305, At(2026, 3, 2), v1::US_CFPB);
  EXPECT_EQ(ErrorReason(Appraise(id, {"", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 9)},
                                 At(2026, 3, 4))
                            .status()),
            "APPRAISAL_NOT_EXCLUDED");
}

}  // namespace
}  // namespace rmhub::complaint
