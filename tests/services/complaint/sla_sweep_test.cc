// The SLA sweep against a real MariaDB: the clock recomputed from each complaint's stored
// history, one AT_RISK and one BREACHED event per complaint even with two replicas sweeping at
// once, nothing for a complaint whose clock stopped, and the events' aggregate versions.
#include "services/complaint/sla_sweep.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
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

class SlaSweepTest : public testutil::ComplaintDbTest {
 protected:
  // Two replicas: each with its own pool, idempotency and repository.
  static void SetUpTestSuite() { SetUpDatabase("complaint_sweep", 2); }

  // Files a complaint received at `received` with its clock computed like the service does.
  int64_t FileAt(int customer, absl::Time received) {
    v1::Complaint c;
    c.set_customer(absl::StrCat("customers/", customer));
    c.set_branch("branches/3");
    c.set_channel(v1::BRANCH);
    c.set_category(v1::SERVICE);
    c.set_severity(v1::MINOR);
    c.set_subject(absl::StrCat("waiting time ", customer));
    c.set_description("d");
    c.set_customer_request("r");
    c.set_state(v1::RECEIVED);
    c.set_jurisdiction(v1::CN_NFRA);
    *c.mutable_receive_time() = db::TimestampFromMicros(absl::ToUnixMicros(received));
    HistoryRow filed;
    filed.kind = v1::FILED;
    filed.details = FiledDetails(received);
    absl::StatusOr<ClockResult> clock = clocks_.Compute(v1::CN_NFRA, {filed}, received);
    EXPECT_TRUE(clock.ok()) << clock.status();
    *c.mutable_deadline() = db::TimestampFromMicros(absl::ToUnixMicros(clock->deadline));
    c.set_sla_state(clock->sla_state);
    FilingOutcome out;
    absl::Status s = repos_[0]->Write(
        {"FileComplaint", "", "members/1"}, v1::GetComplaintRequest(), nullptr,
        [&](ComplaintStore& store) {
          return Into(FileOrMerge(store, c, "members/1", received), &out);
        },
        nullptr);
    EXPECT_TRUE(s.ok()) << s;
    return out.complaint_id;
  }

  // Both replicas sweep at `now` at the same moment; returns the events they emitted together.
  int SweepTwice(absl::Time now) {
    absl::Notification go;
    int events[2] = {0, 0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        go.WaitForNotification();
        absl::StatusOr<SweepStats> stats = SweepSla(*repos_[i], clocks_, now, "services/complaint");
        EXPECT_TRUE(stats.ok()) << stats.status();
        if (stats.ok()) events[i] = stats->events;
      });
    }
    go.Notify();
    for (std::thread& t : threads) t.join();
    return events[0] + events[1];
  }

  int64_t Events(const std::string& type, int64_t id) {
    return *db_->QueryInt(absl::StrCat("SELECT COUNT(*) FROM outbox_events WHERE event_type = '",
                                       type, "' AND aggregate = 'complaints/", id, "'"));
  }

  ClockBook clocks_{ClockSetting{Shanghai(), &CnCalendar()}};
};

TEST_F(SlaSweepTest, EachStateIsReportedOnceAcrossTwoReplicas) {
  // Received Monday 2 March 2026: last day Tuesday 17 March; AT_RISK from 14 March (12 of 15).
  const int64_t a = FileAt(201, At(2026, 3, 2));
  // Received the day after: one day behind.
  const int64_t b = FileAt(202, At(2026, 3, 3));
  // Decision told on 10 March: the clock stopped, no event ever.
  const int64_t stopped = FileAt(203, At(2026, 3, 2));
  ASSERT_TRUE(repos_[0]
                  ->Write(
                      {"Step", "", "members/1"}, v1::GetComplaintRequest(), nullptr,
                      [&](ComplaintStore& store) {
                        HistoryRow row;
                        row.complaint_id = stopped;
                        row.kind = v1::STEP;
                        row.from_state = v1::SOLUTION_PROPOSED;
                        row.to_state = v1::AWAITING_CUSTOMER;
                        row.actor = "members/9";
                        row.time = At(2026, 3, 10);
                        row.details = "{}";
                        return store.AppendHistory(row).status();
                      },
                      nullptr)
                  .ok());

  EXPECT_EQ(SweepTwice(At(2026, 3, 13)), 0);  // 11 of 15 days: nothing yet
  EXPECT_EQ(SweepTwice(At(2026, 3, 14)), 1);  // a at risk
  EXPECT_EQ(Events(kSlaAtRiskEvent, a), 1);
  EXPECT_EQ(Events(kSlaAtRiskEvent, b), 0);
  EXPECT_EQ(SweepTwice(At(2026, 3, 14, 18)), 0);  // nothing new the same day
  EXPECT_EQ(SweepTwice(At(2026, 3, 15)), 1);      // b at risk
  EXPECT_EQ(SweepTwice(At(2026, 3, 18, 0)), 1);   // a breached at 24:00 of its last day
  EXPECT_EQ(Events(kSlaBreachedEvent, a), 1);
  EXPECT_EQ(SweepTwice(At(2026, 3, 25)), 1);  // b breached
  EXPECT_EQ(SweepTwice(At(2026, 4, 30)), 0);  // never again

  for (int64_t id : {a, b}) {
    EXPECT_EQ(Events(kSlaAtRiskEvent, id), 1);
    EXPECT_EQ(Events(kSlaBreachedEvent, id), 1);
  }
  EXPECT_EQ(Events(kSlaAtRiskEvent, stopped), 0);
  EXPECT_EQ(Events(kSlaBreachedEvent, stopped), 0);

  // Stored state follows, and the history holds one SLA_CHANGED row per report, chain intact.
  std::optional<StoredComplaint> got;
  std::vector<HistoryRow> rows;
  ASSERT_TRUE(repos_[0]
                  ->Read([&](ComplaintStore& store) {
                    RMHUB_RETURN_IF_ERROR(Into(store.GetComplaint(a, false), &got));
                    return Into(store.ListHistory(a), &rows);
                  })
                  .ok());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->complaint.sla_state(), v1::BREACHED);
  EXPECT_EQ(got->sla_reported, v1::BREACHED);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].kind, v1::SLA_CHANGED);
  EXPECT_EQ(rows[2].kind, v1::SLA_CHANGED);
  EXPECT_TRUE(VerifyChain(rows).intact);

  // The outbox gave the complaint's events versions 1, 2 in order.
  EXPECT_EQ(*db_->QueryInt(absl::StrCat("SELECT version FROM outbox_aggregate_versions WHERE "
                                        "aggregate = 'complaints/",
                                        a, "'")),
            2);
}

TEST_F(SlaSweepTest, StraightToBreachedReportsBoth) {
  const int64_t c = FileAt(204, At(2026, 3, 2));
  EXPECT_EQ(SweepTwice(At(2026, 5, 1)), 2);
  EXPECT_EQ(Events(kSlaAtRiskEvent, c), 1);
  EXPECT_EQ(Events(kSlaBreachedEvent, c), 1);
}

TEST_F(SlaSweepTest, AnExtensionRecordedInTheHistoryMovesTheDeadline) {
  const int64_t c = FileAt(205, At(2026, 3, 2));
  ASSERT_TRUE(repos_[0]
                  ->Write(
                      {"Extend", "", "members/1"}, v1::GetComplaintRequest(), nullptr,
                      [&](ComplaintStore& store) {
                        HistoryRow row;
                        row.complaint_id = c;
                        row.kind = v1::EXTENDED;
                        row.from_state = v1::INVESTIGATING;
                        row.to_state = v1::INVESTIGATING;
                        row.actor = "members/9";
                        row.time = At(2026, 3, 5);
                        row.details = ExtendedDetails(1);
                        return store.AppendHistory(row).status();
                      },
                      nullptr)
                  .ok());
  // 30 days: last day 1 April; 24 of 30 used on 26 March.
  EXPECT_EQ(SweepTwice(At(2026, 3, 20)), 0);
  EXPECT_EQ(Events(kSlaAtRiskEvent, c), 0);
  EXPECT_EQ(SweepTwice(At(2026, 3, 26)), 1);
  EXPECT_EQ(Events(kSlaAtRiskEvent, c), 1);
  EXPECT_EQ(SweepTwice(At(2026, 4, 1, 23)), 0);
  EXPECT_EQ(SweepTwice(At(2026, 4, 2, 0)), 1);
  EXPECT_EQ(Events(kSlaBreachedEvent, c), 1);
}

}  // namespace
}  // namespace rmhub::complaint
