// MySqlComplaintRepository against a real MariaDB (scripts/test.sh starts a private one): a
// complaint's round trip, the history's hash chain as stored (and broken by an edit made in the
// database behind the service's back), and repeats merged under concurrent filing.
#include "services/complaint/mysql_repository.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/api/etag.h"
#include "common/db/connection_pool.h"
#include "common/status/errors.h"
#include "services/complaint/domain/history_chain.h"
#include "services/complaint/filing.h"
#include "tests/services/complaint/complaint_db_test.h"
#include "tests/services/complaint/complaint_test_util.h"
#include "tests/support/repository_test_util.h"
#include "tests/support/test_database.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::complaint {
namespace {

using namespace ::rmhub::test_util;  // NOLINT(google-build-using-namespace): test helpers

const absl::Time kNow = absl::FromUnixMicros(1'780'000'000'123'456);

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  ts.set_nanos(
      static_cast<int32_t>((t - absl::FromUnixSeconds(ts.seconds())) / absl::Nanoseconds(1)));
  return ts;
}

class MySqlComplaintRepositoryTest : public testutil::ComplaintDbTest {
 protected:
  // The concurrent filings below each hold a connection.
  static void SetUpTestSuite() { SetUpDatabase("complaint_repo", 1, 10); }

  v1::Complaint NewComplaint(int customer, const std::string& subject) {
    v1::Complaint c;
    c.set_customer(absl::StrCat("customers/", customer));
    c.set_branch("branches/3");
    c.set_channel(v1::PHONE);
    c.set_category(v1::PRODUCT);
    c.set_severity(v1::MODERATE);
    c.set_subject(subject);
    c.set_description("理财产品赎回款未按约定时间到账");
    c.set_customer_request("尽快到账并说明原因");
    c.set_product("WM-2026-07");
    c.set_complained_about("members/5");
    *c.mutable_receive_time() = Ts(kNow);
    c.set_state(v1::RECEIVED);
    c.set_jurisdiction(v1::CN_NFRA);
    *c.mutable_deadline() = Ts(kNow + absl::Hours(24 * 15));
    c.set_sla_state(v1::ON_TRACK);
    return c;
  }

  absl::StatusOr<FilingOutcome> File(const v1::Complaint& c, absl::Time now = kNow) {
    FilingOutcome out;
    absl::Status s = Tx(
        [&](ComplaintStore& store) { return Into(FileOrMerge(store, c, "members/1", now), &out); });
    if (!s.ok()) return s;
    return out;
  }

  std::optional<StoredComplaint> Get(int64_t id) {
    std::optional<StoredComplaint> got;
    EXPECT_TRUE(
        repos_[0]
            ->Read([&](ComplaintStore& store) { return Into(store.GetComplaint(id, false), &got); })
            .ok());
    return got;
  }

  std::vector<HistoryRow> History(int64_t id) {
    std::vector<HistoryRow> rows;
    EXPECT_TRUE(
        repos_[0]
            ->Read([&](ComplaintStore& store) { return Into(store.ListHistory(id), &rows); })
            .ok());
    return rows;
  }
};

TEST_F(MySqlComplaintRepositoryTest, FiledComplaintRoundTrips) {
  v1::Complaint c = NewComplaint(101, "赎回款未到账");
  absl::StatusOr<FilingOutcome> filed = File(c);
  ASSERT_TRUE(filed.ok()) << filed.status();
  EXPECT_FALSE(filed->merged);
  std::optional<StoredComplaint> got = Get(filed->complaint_id);
  ASSERT_TRUE(got.has_value());
  const v1::Complaint& g = got->complaint;
  EXPECT_EQ(g.name(), absl::StrCat("complaints/", filed->complaint_id));
  EXPECT_EQ(g.customer(), "customers/101");
  EXPECT_EQ(g.branch(), "branches/3");
  EXPECT_EQ(g.channel(), v1::PHONE);
  EXPECT_EQ(g.category(), v1::PRODUCT);
  EXPECT_EQ(g.subject(), "赎回款未到账");
  EXPECT_EQ(g.description(), c.description());
  EXPECT_EQ(g.customer_request(), c.customer_request());
  EXPECT_EQ(g.product(), "WM-2026-07");
  EXPECT_EQ(g.complained_about(), "members/5");
  EXPECT_EQ(g.handler(), "");
  EXPECT_EQ(g.state(), v1::RECEIVED);
  EXPECT_EQ(g.jurisdiction(), v1::CN_NFRA);
  EXPECT_EQ(g.sla_state(), v1::ON_TRACK);
  EXPECT_EQ(g.receive_time().seconds(), c.receive_time().seconds());
  EXPECT_EQ(g.receive_time().nanos(), 123456000);
  EXPECT_EQ(g.deadline().seconds(), c.deadline().seconds());
  EXPECT_EQ(g.etag(), api::MakeEtag(1));
  EXPECT_TRUE(got->absorbs_repeats);
  EXPECT_EQ(got->repeat_key.size(), 64u);

  std::vector<HistoryRow> rows = History(filed->complaint_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, v1::FILED);
  EXPECT_EQ(rows[0].to_state, v1::RECEIVED);
  EXPECT_EQ(rows[0].previous_hash, kGenesisHash);
  EXPECT_TRUE(VerifyChain(rows).intact);

  EXPECT_FALSE(Get(filed->complaint_id + 100000).has_value());
}

TEST_F(MySqlComplaintRepositoryTest, AHistoryRowEditedInTheDatabaseFailsVerification) {
  absl::StatusOr<FilingOutcome> filed = File(NewComplaint(102, "柜面服务态度"));
  ASSERT_TRUE(filed.ok()) << filed.status();
  const int64_t id = filed->complaint_id;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Tx([&](ComplaintStore& store) {
                  HistoryRow row;
                  row.complaint_id = id;
                  row.kind = v1::STEP;
                  row.from_state = v1::RECEIVED;
                  row.to_state = v1::UNDER_REVIEW;
                  row.actor = "members/9";
                  row.time = kNow + absl::Minutes(i + 1);
                  row.note = absl::StrCat("review note ", i);
                  row.details = "{}";
                  return store.AppendHistory(row).status();
                }).ok());
  }
  std::vector<HistoryRow> rows = History(id);
  ASSERT_EQ(rows.size(), 4u);
  ChainVerdict intact = VerifyChain(rows);
  EXPECT_TRUE(intact.intact) << intact.detail;
  EXPECT_EQ(intact.rows_checked, 4);

  // Someone with database access rewrites the third row's note.
  ASSERT_TRUE(db_->Execute(absl::StrCat("UPDATE complaint_history SET note = 'nothing found' "
                                        "WHERE complaint_id = ",
                                        id, " AND sequence = 3"))
                  .ok());
  ChainVerdict broken = VerifyChain(History(id));
  EXPECT_FALSE(broken.intact);
  EXPECT_EQ(broken.first_broken_sequence, 3);

  // ... and recomputes that row's hash to cover the edit: the next link breaks instead.
  std::vector<HistoryRow> edited = History(id);
  const std::string rehashed = RowHash(edited[2]);
  ASSERT_TRUE(db_->Execute(absl::StrCat("UPDATE complaint_history SET hash = '", rehashed,
                                        "' WHERE complaint_id = ", id, " AND sequence = 3"))
                  .ok());
  ChainVerdict moved = VerifyChain(History(id));
  EXPECT_FALSE(moved.intact);
  EXPECT_EQ(moved.first_broken_sequence, 4);

  // Deleting the last row cannot be seen from the chain alone, but deleting one in the middle
  // can.
  ASSERT_TRUE(db_->Execute(absl::StrCat("DELETE FROM complaint_history WHERE complaint_id = ", id,
                                        " AND sequence = 2"))
                  .ok());
  EXPECT_EQ(VerifyChain(History(id)).first_broken_sequence, 3);
}

TEST_F(MySqlComplaintRepositoryTest, ConcurrentRepeatsMergeIntoOneComplaint) {
  constexpr int kFilers = 8;
  absl::Notification go;
  absl::Mutex mu;
  std::vector<FilingOutcome> outcomes;
  std::vector<absl::Status> errors;
  std::vector<std::thread> threads;
  for (int i = 0; i < kFilers; ++i) {
    threads.emplace_back([&, i] {
      // The same subject as people type it: case and spacing differ.
      v1::Complaint c = NewComplaint(103, i % 2 ? "  Card FEE charged twice"
                                                : "card fee  charged "
                                                  "twice");
      go.WaitForNotification();
      absl::StatusOr<FilingOutcome> out = File(c, kNow + absl::Milliseconds(i));
      absl::MutexLock lock(&mu);
      if (out.ok()) {
        outcomes.push_back(*out);
      } else {
        errors.push_back(out.status());
      }
    });
  }
  go.Notify();
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(outcomes.size(), static_cast<size_t>(kFilers));
  int created = 0;
  for (const FilingOutcome& o : outcomes) {
    created += o.merged ? 0 : 1;
    EXPECT_EQ(o.complaint_id, outcomes.front().complaint_id);
  }
  EXPECT_EQ(created, 1);
  const int64_t id = outcomes.front().complaint_id;
  EXPECT_EQ(*db_->QueryInt("SELECT COUNT(*) FROM complaints WHERE customer_id = 103"), 1);
  std::optional<StoredComplaint> got = Get(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->complaint.merged_repeats(), kFilers - 1);
  EXPECT_EQ(got->version, kFilers);
  std::vector<HistoryRow> rows = History(id);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kFilers));
  EXPECT_EQ(rows[0].kind, v1::FILED);
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i].kind, v1::REPEAT_MERGED);
  EXPECT_TRUE(VerifyChain(rows).intact);
}

TEST_F(MySqlComplaintRepositoryTest, ARepeatAfterThePeriodOpensANewComplaint) {
  v1::Complaint first = NewComplaint(104, "网银转账失败");
  absl::StatusOr<FilingOutcome> a = File(first);
  ASSERT_TRUE(a.ok()) << a.status();
  // Another category is not a repeat.
  v1::Complaint other = NewComplaint(104, "网银转账失败");
  other.set_category(v1::OPERATION);
  absl::StatusOr<FilingOutcome> b = File(other);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(b->merged);
  EXPECT_NE(b->complaint_id, a->complaint_id);
  // Received after the first one's deadline: a new complaint; the first stops absorbing.
  v1::Complaint late = NewComplaint(104, "网银转账失败");
  *late.mutable_receive_time() = Ts(kNow + absl::Hours(24 * 16));
  *late.mutable_deadline() = Ts(kNow + absl::Hours(24 * 31));
  absl::StatusOr<FilingOutcome> c = File(late, kNow + absl::Hours(24 * 16));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->merged);
  EXPECT_NE(c->complaint_id, a->complaint_id);
  EXPECT_FALSE(Get(a->complaint_id)->absorbs_repeats);
  EXPECT_TRUE(Get(c->complaint_id)->absorbs_repeats);
  EXPECT_EQ(Get(a->complaint_id)->complaint.merged_repeats(), 0);
}

TEST_F(MySqlComplaintRepositoryTest, ReadinessAndUnknownIds) {
  EXPECT_TRUE(repos_[0]->CheckReady().ok());
  absl::Status s = Tx([](ComplaintStore& store) { return store.AddMergedRepeat(987654, kNow); });
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace rmhub::complaint
