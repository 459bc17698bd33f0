// MySqlTeamRepository against a real MariaDB (scripts/test.sh starts a private one): every store
// method's round trip, optimistic concurrency, unique keys, keyset paging with filters,
// idempotent writes and the rollback of a failed write including its outbox row.
#include "services/team/mysql_repository.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/db/connection_pool.h"
#include "common/db/transaction.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/team/domain/list_filters.h"
#include "tests/support/repository_test_util.h"
#include "tests/support/test_database.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::team {
namespace {

using google::protobuf::util::MessageDifferencer;

using namespace ::rmhub::test_util;  // NOLINT(google-build-using-namespace): test helpers

class MySqlTeamRepositoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("team_repo").release();
    auto pool = db::ConnectionPool::Create(db_->config());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = pool->release();
    absl::Status migrated = MySqlTeamRepository::Migrate(*pool_);
    ASSERT_TRUE(migrated.ok()) << migrated;
  }
  static void TearDownTestSuite() {
    delete pool_;
    delete db_;
  }

  void SetUp() override {
    ASSERT_NE(pool_, nullptr);
    repo_ = std::make_unique<MySqlTeamRepository>(*pool_, *idempotency_);
  }

  // One transaction without a request_id.
  absl::Status Tx(const std::function<absl::Status(TeamStore&)>& body) {
    return repo_->Write({"Test", "", "members/1"}, v1::GetBranchRequest(), nullptr, body, nullptr);
  }
  absl::Status Read(const std::function<absl::Status(TeamStore&)>& body) {
    return repo_->Read(body);
  }

  std::string Unique(absl::string_view prefix) { return absl::StrCat(prefix, "-", ++counter_); }

  v1::Branch NewBranch() {
    v1::Branch b;
    b.set_code(Unique("BR"));
    b.set_display_name("Pudong Branch");
    b.set_region("East");
    b.set_personal_customer_cap(400);
    b.set_corporate_key_account_cap(15);
    return b;
  }

  int64_t MakeBranch(const std::string& region = "East") {
    v1::Branch b = NewBranch();
    b.set_region(region);
    int64_t id = 0;
    EXPECT_OK(Tx([&](TeamStore& s) { return Into(s.InsertBranch(b, kT0), &id); }));
    return id;
  }

  v1::Member NewMember(std::vector<v1::Skill> skills = {}) {
    v1::Member m;
    m.set_employee_number(Unique("E"));
    m.set_display_name("Li Lei");
    m.set_role(v1::RELATIONSHIP_MANAGER);
    m.set_rm_kind(v1::PERSONAL);
    m.set_status(v1::ACTIVE);
    m.set_career_level(v1::SENIOR);
    m.set_career_grade(8);
    for (v1::Skill s : skills) m.add_skills(s);
    return m;
  }

  int64_t MakeMember(int64_t branch_id, std::vector<v1::Skill> skills = {},
                     v1::MemberStatus status = v1::ACTIVE) {
    v1::Member m = NewMember(std::move(skills));
    m.set_status(status);
    int64_t id = 0;
    EXPECT_OK(Tx([&](TeamStore& s) { return Into(s.InsertMember(m, branch_id, kT0), &id); }));
    return id;
  }

  int64_t MakeTeam(int64_t branch_id, v1::TeamKind kind, int64_t leader_id = 0) {
    v1::Team t;
    t.set_display_name(Unique("Team"));
    t.set_kind(kind);
    t.set_description("serves the east side");
    int64_t id = 0;
    EXPECT_OK(
        Tx([&](TeamStore& s) { return Into(s.InsertTeam(t, branch_id, leader_id, kT0), &id); }));
    return id;
  }

  v1::Member GetMember(int64_t id) {
    std::optional<v1::Member> m;
    EXPECT_OK(Read([&](TeamStore& s) { return Into(s.GetMember(id, false), &m); }));
    EXPECT_TRUE(m.has_value());
    return m.value_or(v1::Member());
  }

  int64_t Scalar(const std::string& sql) {
    int64_t value = -1;
    absl::Status s = db::RunWithConnection(*pool_, [&](db::Connection& c) -> absl::Status {
      std::unique_ptr<sql::Statement> st(c.raw().createStatement());
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
      if (rs->next()) value = rs->getInt64(1);
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return value;
  }

  // Row counts of every table a write may touch, outbox and idempotency records included.
  std::string Fingerprint() {
    std::string out;
    for (const char* table :
         {"branches", "members", "member_skills", "ladder_changes", "certifications", "mentorships",
          "teams", "team_members", "team_goals", kOutboxTable, kIdempotencyTable}) {
      absl::StrAppend(&out, table, "=", Scalar(absl::StrCat("SELECT COUNT(*) FROM ", table)), " ");
    }
    return out;
  }

  rmhub::common::v1::DomainEvent Event(const std::string& aggregate) {
    v1::Branch payload;
    payload.set_name(aggregate);
    return outbox::MakeEvent("team", "team.test.happened", aggregate, "members/1", payload, kT0);
  }

  static constexpr char kOutboxTable[] = "outbox_events";
  static constexpr char kIdempotencyTable[] = "idempotency_records";

  static testing::TestDatabase* db_;
  static db::ConnectionPool* pool_;
  const std::unique_ptr<idempotency::Idempotency> idempotency_ = testing::TestIdempotency("team");
  std::unique_ptr<MySqlTeamRepository> repo_;
  // Shared by the tests of the binary, which share one database.
  static std::atomic<int> counter_;
};

testing::TestDatabase* MySqlTeamRepositoryTest::db_ = nullptr;
db::ConnectionPool* MySqlTeamRepositoryTest::pool_ = nullptr;
std::atomic<int> MySqlTeamRepositoryTest::counter_{0};

// ---------------------------------------------------------------------------------------------
// Branches

TEST_F(MySqlTeamRepositoryTest, BranchRoundTripAndOptimisticUpdate) {
  v1::Branch in = NewBranch();
  int64_t id = 0;
  ASSERT_OK(Tx([&](TeamStore& s) { return Into(s.InsertBranch(in, kT0), &id); }));
  std::optional<v1::Branch> got;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetBranch(id, false), &got); }));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->name(), absl::StrCat("branches/", id));
  EXPECT_EQ(got->code(), in.code());
  EXPECT_EQ(got->display_name(), "Pudong Branch");
  EXPECT_EQ(got->region(), "East");
  EXPECT_EQ(got->personal_customer_cap(), 400);
  EXPECT_EQ(got->corporate_key_account_cap(), 15);
  EXPECT_EQ(got->etag(), MakeEtag(1));
  EXPECT_TRUE(MessageDifferencer::Equals(got->create_time(), Micros(kT0)));

  v1::Branch changed = *got;
  changed.set_display_name("Pudong Sub-branch");
  changed.set_personal_customer_cap(350);
  const absl::Time later = kT0 + absl::Hours(1);
  ASSERT_OK(Tx([&](TeamStore& s) { return s.UpdateBranch(id, changed, 1, later); }));
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetBranch(id, true), &got); }));
  EXPECT_EQ(got->display_name(), "Pudong Sub-branch");
  EXPECT_EQ(got->personal_customer_cap(), 350);
  EXPECT_EQ(got->etag(), MakeEtag(2));
  EXPECT_TRUE(MessageDifferencer::Equals(got->update_time(), Micros(later)));
  EXPECT_TRUE(MessageDifferencer::Equals(got->create_time(), Micros(kT0)));

  // A stale version is ABORTED and changes nothing.
  changed.set_display_name("lost update");
  absl::Status stale = Tx([&](TeamStore& s) { return s.UpdateBranch(id, changed, 1, later); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale), "ETAG_MISMATCH");
  std::optional<v1::Branch> after;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetBranch(id, false), &after); }));
  EXPECT_TRUE(MessageDifferencer::Equals(*after, *got));

  absl::Status missing =
      Tx([&](TeamStore& s) { return s.UpdateBranch(id + 1000, changed, 1, later); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetBranch(id + 1000, false), &got); }));
  EXPECT_FALSE(got.has_value());
}

TEST_F(MySqlTeamRepositoryTest, DuplicateBranchCodeIsAlreadyExistsAndWritesNothing) {
  v1::Branch b = NewBranch();
  ASSERT_OK(Tx([&](TeamStore& s) { return s.InsertBranch(b, kT0).status(); }));
  const std::string before = Fingerprint();
  b.set_display_name("another");
  absl::Status dup = Tx([&](TeamStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(s.AppendEvent(Event("branches/0")));
    return s.InsertBranch(b, kT0).status();
  });
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(dup), "BRANCH_CODE_TAKEN");
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(MySqlTeamRepositoryTest, ListBranchesFiltersAndPages) {
  const std::string region = Unique("Region");
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(MakeBranch(region));
  MakeBranch("Elsewhere");
  ListQuery q;
  q.filter.Add("region", api::FilterType::kString, api::FilterOp::kEq, region);
  q.scope = api::ListScope::All();
  q.page.limit = 2;
  Page<v1::Branch> first, second;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListBranches(q), &first); }));
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].name(), absl::StrCat("branches/", ids[0]));
  EXPECT_EQ(first.next_after_id, ids[1]);
  q.page.after_id = first.next_after_id;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListBranches(q), &second); }));
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].name(), absl::StrCat("branches/", ids[2]));
  EXPECT_EQ(second.next_after_id, 0);

  // The branch restriction keeps only that branch.
  ListQuery scoped;
  scoped.scope = api::ListScope::Branch(ids[1]);
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListBranches(scoped), &first); }));
  ASSERT_EQ(first.items.size(), 1u);
  EXPECT_EQ(first.items[0].name(), absl::StrCat("branches/", ids[1]));
}

// ---------------------------------------------------------------------------------------------
// Members

TEST_F(MySqlTeamRepositoryTest, MemberRoundTripWithSkillsAndDerivedFields) {
  const int64_t branch = MakeBranch();
  v1::Member in = NewMember({v1::WEALTH, v1::FX, v1::WEALTH});
  in.set_back_office_function(v1::BACK_OFFICE_FUNCTION_UNSPECIFIED);
  int64_t id = 0;
  ASSERT_OK(Tx([&](TeamStore& s) { return Into(s.InsertMember(in, branch, kT0), &id); }));
  v1::Member got = GetMember(id);
  EXPECT_EQ(got.name(), absl::StrCat("members/", id));
  EXPECT_EQ(got.employee_number(), in.employee_number());
  EXPECT_EQ(got.display_name(), "Li Lei");
  EXPECT_EQ(got.branch(), absl::StrCat("branches/", branch));
  EXPECT_EQ(got.role(), v1::RELATIONSHIP_MANAGER);
  EXPECT_EQ(got.rm_kind(), v1::PERSONAL);
  EXPECT_EQ(got.status(), v1::ACTIVE);
  EXPECT_EQ(got.career_level(), v1::SENIOR);
  EXPECT_EQ(got.career_grade(), 8);
  ASSERT_EQ(got.skills_size(), 2);  // a set, ordered by value
  EXPECT_EQ(got.skills(0), v1::WEALTH);
  EXPECT_EQ(got.skills(1), v1::FX);
  EXPECT_EQ(got.etag(), MakeEtag(1));
  EXPECT_TRUE(got.mentor().empty());
  EXPECT_TRUE(got.home_team().empty());

  // Derived: the active mentor, the home team and the project teams.
  const int64_t mentor = MakeMember(branch);
  const int64_t home = MakeTeam(branch, v1::HOME);
  const int64_t project_a = MakeTeam(branch, v1::PROJECT);
  const int64_t project_b = MakeTeam(branch, v1::PROJECT);
  v1::Mentorship ms;
  *ms.mutable_start_date() = Day(2024, 1, 2);
  ASSERT_OK(Tx([&](TeamStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(s.InsertMentorship(ms, mentor, id, kT0).status());
    for (int64_t t : {project_b, home, project_a}) {
      RMHUB_RETURN_IF_ERROR(
          s.AddTeamMember(t, t == home ? v1::HOME : v1::PROJECT, id, kT0).status());
    }
    return absl::OkStatus();
  }));
  got = GetMember(id);
  EXPECT_EQ(got.mentor(), absl::StrCat("members/", mentor));
  EXPECT_EQ(got.home_team(), absl::StrCat("teams/", home));
  ASSERT_EQ(got.project_teams_size(), 2);
  EXPECT_EQ(got.project_teams(0), absl::StrCat("teams/", project_a));
  EXPECT_EQ(got.project_teams(1), absl::StrCat("teams/", project_b));
  // The same in autocommit (ReadSingle): the row carries its skills and teams in one statement.
  std::optional<v1::Member> single;
  ASSERT_OK(repo_->ReadSingle([&](TeamStore& s) { return Into(s.GetMember(id, false), &single); }));
  ASSERT_TRUE(single.has_value());
  EXPECT_TRUE(MessageDifferencer::Equals(*single, got));
  std::vector<v1::Member> batch;
  ASSERT_OK(repo_->ReadSingle([&](TeamStore& s) { return Into(s.GetMembers({id}), &batch); }));
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals(batch[0], got));
}

TEST_F(MySqlTeamRepositoryTest, UpdateMemberRewritesFieldsAndSkillsAndIsOptimistic) {
  const int64_t branch = MakeBranch();
  const int64_t other_branch = MakeBranch();
  const int64_t id = MakeMember(branch, {v1::WEALTH});
  v1::Member changed = GetMember(id);
  changed.set_display_name("Han Meimei");
  changed.set_status(v1::ON_LEAVE);
  changed.set_career_grade(9);
  changed.clear_skills();
  changed.add_skills(v1::INSURANCE);
  changed.add_skills(v1::CORPORATE_LOAN);
  ASSERT_OK(Tx([&](TeamStore& s) { return s.UpdateMember(id, changed, other_branch, 1, kT0); }));
  v1::Member got = GetMember(id);
  EXPECT_EQ(got.display_name(), "Han Meimei");
  EXPECT_EQ(got.status(), v1::ON_LEAVE);
  EXPECT_EQ(got.career_grade(), 9);
  EXPECT_EQ(got.branch(), absl::StrCat("branches/", other_branch));
  ASSERT_EQ(got.skills_size(), 2);
  EXPECT_EQ(got.skills(0), v1::CORPORATE_LOAN);
  EXPECT_EQ(got.skills(1), v1::INSURANCE);
  EXPECT_EQ(got.etag(), MakeEtag(2));

  // Stale: ABORTED, and neither the row nor its skills change.
  const std::string before = Fingerprint();
  changed.clear_skills();
  changed.set_display_name("lost update");
  absl::Status stale =
      Tx([&](TeamStore& s) { return s.UpdateMember(id, changed, branch, 1, kT0); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale), "ETAG_MISMATCH");
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_TRUE(MessageDifferencer::Equals(GetMember(id), got));

  absl::Status missing =
      Tx([&](TeamStore& s) { return s.UpdateMember(id + 1000, changed, branch, 1, kT0); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(missing), "MEMBER_NOT_FOUND");
}

TEST_F(MySqlTeamRepositoryTest, DuplicateEmployeeNumberIsAlreadyExistsAndWritesNothing) {
  const int64_t branch = MakeBranch();
  v1::Member m = NewMember({v1::FX});
  ASSERT_OK(Tx([&](TeamStore& s) { return s.InsertMember(m, branch, kT0).status(); }));
  const std::string before = Fingerprint();
  // The body writes a branch and an event first: the whole transaction must roll back.
  absl::Status dup = Tx([&](TeamStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(s.InsertBranch(NewBranch(), kT0).status());
    RMHUB_RETURN_IF_ERROR(s.AppendEvent(Event("members/0")));
    return s.InsertMember(m, branch, kT0).status();
  });
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(dup), "EMPLOYEE_NUMBER_TAKEN");
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(MySqlTeamRepositoryTest, GetMembersKeepsRequestOrderAndSkipsMissing) {
  const int64_t branch = MakeBranch();
  const int64_t a = MakeMember(branch, {v1::FX});
  const int64_t b = MakeMember(branch, {v1::WEALTH, v1::INSURANCE});
  std::vector<v1::Member> got;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetMembers({b, 999999, a, b}), &got); }));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].name(), absl::StrCat("members/", b));
  EXPECT_EQ(got[1].name(), absl::StrCat("members/", a));
  EXPECT_EQ(got[2].name(), absl::StrCat("members/", b));
  EXPECT_EQ(got[0].skills_size(), 2);
  EXPECT_EQ(got[1].skills_size(), 1);
}

TEST_F(MySqlTeamRepositoryTest, ListMembersPagesThroughAFilteredSetWithDerivedFields) {
  const int64_t branch = MakeBranch();
  const int64_t other = MakeBranch();
  std::vector<int64_t> expected;
  for (int i = 0; i < 5; ++i) expected.push_back(MakeMember(branch, {v1::FX, v1::WEALTH}));
  MakeMember(branch, {v1::WEALTH}, v1::ON_LEAVE);  // filtered out by status
  MakeMember(branch, {v1::FX});                    // filtered out by skill
  MakeMember(other, {v1::WEALTH});                 // filtered out by the branch restriction
  const int64_t home = MakeTeam(branch, v1::HOME);
  ASSERT_OK(
      Tx([&](TeamStore& s) { return s.AddTeamMember(home, v1::HOME, expected[3], kT0).status(); }));

  ListQuery q;
  q.filter = *api::ParseFilterExpr("skills: WEALTH AND status = ACTIVE AND role != TELLER",
                                   MemberFilterSchema());
  q.scope = api::ListScope::Branch(branch);
  q.page.limit = 2;
  std::vector<v1::Member> seen;
  std::vector<size_t> page_sizes;
  for (int guard = 0; guard < 10; ++guard) {
    Page<v1::Member> page;
    ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListMembers(q), &page); }));
    page_sizes.push_back(page.items.size());
    for (auto& m : page.items) seen.push_back(m);
    if (page.next_after_id == 0) break;
    EXPECT_EQ(seen.back().name(), absl::StrCat("members/", page.next_after_id));
    q.page.after_id = page.next_after_id;
  }
  EXPECT_EQ(page_sizes, (std::vector<size_t>{2, 2, 1}));
  ASSERT_EQ(seen.size(), expected.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].name(), absl::StrCat("members/", expected[i]));
    EXPECT_EQ(seen[i].skills_size(), 2) << "skills are filled for every row of a page";
  }
  EXPECT_EQ(seen[3].home_team(), absl::StrCat("teams/", home));
  EXPECT_TRUE(seen[2].home_team().empty());
}

// ---------------------------------------------------------------------------------------------
// Ladder and certifications

TEST_F(MySqlTeamRepositoryTest, LadderChangesListNewestFirst) {
  const int64_t member = MakeMember(MakeBranch());
  std::vector<int64_t> ids;
  for (int grade = 7; grade <= 9; ++grade) {
    v1::LadderChange c;
    c.set_kind(v1::PROMOTION);
    c.set_from_level(v1::SENIOR);
    c.set_from_grade(grade - 1);
    c.set_to_level(v1::SENIOR);
    c.set_to_grade(grade);
    c.set_reason("strong year");
    c.set_decider("members/7");
    *c.mutable_effective_date() = Day(2024, 3, grade);
    int64_t id = 0;
    ASSERT_OK(Tx([&](TeamStore& s) { return Into(s.InsertLadderChange(member, c, kT0), &id); }));
    ids.push_back(id);
  }
  api::PageRequest page;
  page.limit = 2;
  Page<v1::LadderChange> first, second;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListLadderChanges(member, page), &first); }));
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].name(), absl::StrCat("members/", member, "/ladderChanges/", ids[2]));
  EXPECT_EQ(first.items[0].to_grade(), 9);
  EXPECT_EQ(first.items[0].from_grade(), 8);
  EXPECT_EQ(first.items[0].kind(), v1::PROMOTION);
  EXPECT_EQ(first.items[0].reason(), "strong year");
  EXPECT_EQ(first.items[0].decider(), "members/7");
  EXPECT_TRUE(MessageDifferencer::Equals(first.items[0].effective_date(), Day(2024, 3, 9)));
  EXPECT_TRUE(MessageDifferencer::Equals(first.items[0].create_time(), Micros(kT0)));
  EXPECT_EQ(first.next_after_id, ids[1]);
  page.after_id = first.next_after_id;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListLadderChanges(member, page), &second); }));
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].name(), absl::StrCat("members/", member, "/ladderChanges/", ids[0]));
  EXPECT_EQ(second.next_after_id, 0);
}

TEST_F(MySqlTeamRepositoryTest, CertificationsRoundTripAndRevoke) {
  const int64_t member = MakeMember(MakeBranch());
  const int64_t stranger = MakeMember(MakeBranch());
  v1::Certification c;
  c.set_type(v1::RM_QUALIFICATION);
  c.set_rm_kind(v1::PERSONAL);
  c.set_issuer("CBIRC training centre");
  c.set_number("RMQ-0001");
  *c.mutable_issue_date() = Day(2023, 2, 28);
  *c.mutable_expiry_date() = Day(2026, 2, 27);
  int64_t id = 0;
  ASSERT_OK(Tx([&](TeamStore& s) { return Into(s.InsertCertification(member, c, kT0), &id); }));
  std::optional<v1::Certification> got;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetCertification(member, id), &got); }));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->name(), absl::StrCat("members/", member, "/certifications/", id));
  EXPECT_EQ(got->type(), v1::RM_QUALIFICATION);
  EXPECT_EQ(got->rm_kind(), v1::PERSONAL);
  EXPECT_EQ(got->issuer(), "CBIRC training centre");
  EXPECT_EQ(got->number(), "RMQ-0001");
  EXPECT_TRUE(MessageDifferencer::Equals(got->issue_date(), Day(2023, 2, 28)));
  EXPECT_TRUE(MessageDifferencer::Equals(got->expiry_date(), Day(2026, 2, 27)));
  EXPECT_EQ(got->state(), v1::CERTIFICATION_STATE_UNSPECIFIED);
  // Another member's certification is not this member's.
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetCertification(stranger, id), &got); }));
  EXPECT_FALSE(got.has_value());

  ASSERT_OK(Tx([&](TeamStore& s) { return s.RevokeCertification(member, id, "fraud"); }));
  std::vector<v1::Certification> all;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListCertifications(member), &all); }));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state(), v1::REVOKED);
  EXPECT_EQ(all[0].revoke_reason(), "fraud");
  absl::Status missing = Tx([&](TeamStore& s) { return s.RevokeCertification(stranger, id, "x"); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(missing), "CERTIFICATION_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------------
// Mentoring

TEST_F(MySqlTeamRepositoryTest, MentorshipsCountEndAndListByMentorBranch) {
  const int64_t branch = MakeBranch();
  const int64_t other = MakeBranch();
  const int64_t mentor = MakeMember(branch);
  const int64_t mentee_a = MakeMember(branch);
  const int64_t mentee_b = MakeMember(other);
  const int64_t other_mentor = MakeMember(other);
  v1::Mentorship m;
  m.set_state(v1::MENTORSHIP_ACTIVE);
  *m.mutable_start_date() = Day(2024, 5, 6);
  m.set_note("first year");
  int64_t first = 0, second = 0, elsewhere = 0;
  ASSERT_OK(Tx([&](TeamStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(Into(s.InsertMentorship(m, mentor, mentee_a, kT0), &first));
    RMHUB_RETURN_IF_ERROR(Into(s.InsertMentorship(m, mentor, mentee_b, kT0), &second));
    return Into(s.InsertMentorship(m, other_mentor, mentor, kT0), &elsewhere);
  }));
  int count = -1;
  bool has = false;
  ASSERT_OK(Tx([&](TeamStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(Into(s.CountActiveMentees(mentor), &count));
    return Into(s.HasActiveMentor(mentee_b), &has);
  }));
  EXPECT_EQ(count, 2);
  EXPECT_TRUE(has);

  std::optional<v1::Mentorship> got;
  ASSERT_OK(Tx([&](TeamStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(Into(s.GetMentorship(second, true), &got));
    got->set_state(v1::MENTORSHIP_ENDED);
    got->set_outcome(v1::MENTEE_QUALIFIED);
    *got->mutable_end_date() = Day(2024, 12, 31);
    return s.EndMentorship(second, *got);
  }));
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetMentorship(second, false), &got); }));
  EXPECT_EQ(got->name(), absl::StrCat("mentorships/", second));
  EXPECT_EQ(got->mentor(), absl::StrCat("members/", mentor));
  EXPECT_EQ(got->mentee(), absl::StrCat("members/", mentee_b));
  EXPECT_EQ(got->state(), v1::MENTORSHIP_ENDED);
  EXPECT_EQ(got->outcome(), v1::MENTEE_QUALIFIED);
  EXPECT_EQ(got->note(), "first year");
  EXPECT_TRUE(MessageDifferencer::Equals(got->start_date(), Day(2024, 5, 6)));
  EXPECT_TRUE(MessageDifferencer::Equals(got->end_date(), Day(2024, 12, 31)));
  ASSERT_OK(Tx([&](TeamStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(Into(s.CountActiveMentees(mentor), &count));
    return Into(s.HasActiveMentor(mentee_b), &has);
  }));
  EXPECT_EQ(count, 1);
  EXPECT_FALSE(has);
  EXPECT_TRUE(GetMember(mentee_b).mentor().empty());
  EXPECT_EQ(GetMember(mentee_a).mentor(), absl::StrCat("members/", mentor));

  ListQuery q;  // mentorships whose mentor is in `branch`, active only
  q.scope = api::ListScope::Branch(branch);
  q.filter = *api::ParseFilterExpr("state = MENTORSHIP_ACTIVE", MentorshipFilterSchema());
  Page<v1::Mentorship> page;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListMentorships(q), &page); }));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].name(), absl::StrCat("mentorships/", first));
  EXPECT_FALSE(page.items[0].has_end_date());

  absl::Status missing = Tx([&](TeamStore& s) { return s.EndMentorship(999999, *got); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
}

// The mentee limit and the etag check must see rows committed after the transaction's snapshot
// was taken: the mentee counts and locked reads are locking reads, not snapshot reads.
TEST_F(MySqlTeamRepositoryTest, LockingReadsSeeRowsCommittedAfterTheSnapshot) {
  const int64_t branch = MakeBranch();
  const int64_t mentor = MakeMember(branch);
  const int64_t mentee = MakeMember(branch);
  auto other_pool = db::ConnectionPool::Create(db_->config());
  ASSERT_TRUE(other_pool.ok()) << other_pool.status();
  MySqlTeamRepository other(**other_pool, *idempotency_);
  v1::Mentorship m;
  *m.mutable_start_date() = Day(2024, 5, 6);
  int count = -1;
  bool has = false;
  std::optional<v1::Member> locked;
  ASSERT_OK(Tx([&](TeamStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(s.GetMember(mentee, false).status());  // takes the snapshot
    // Another transaction commits in between.
    RMHUB_RETURN_IF_ERROR(other.Write(
        {"Test", "", "members/1"}, v1::GetBranchRequest(), nullptr,
        [&](TeamStore& o) -> absl::Status {
          RMHUB_RETURN_IF_ERROR(o.InsertMentorship(m, mentor, mentee, kT0).status());
          std::optional<v1::Member> current;
          RMHUB_RETURN_IF_ERROR(Into(o.GetMember(mentee, true), &current));
          return o.UpdateMember(mentee, *current, branch, 1, kT0);
        },
        nullptr));
    RMHUB_RETURN_IF_ERROR(Into(s.CountActiveMentees(mentor), &count));
    RMHUB_RETURN_IF_ERROR(Into(s.HasActiveMentor(mentee), &has));
    return Into(s.GetMember(mentee, true), &locked);
  }));
  EXPECT_EQ(count, 1);
  EXPECT_TRUE(has);
  ASSERT_TRUE(locked.has_value());
  EXPECT_EQ(locked->etag(), MakeEtag(2));
}

// ---------------------------------------------------------------------------------------------
// Teams

TEST_F(MySqlTeamRepositoryTest, TeamRoundTripAndOptimisticUpdate) {
  const int64_t branch = MakeBranch();
  const int64_t leader = MakeMember(branch);
  const int64_t id = MakeTeam(branch, v1::HOME);
  std::optional<v1::Team> got;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetTeam(id, false), &got); }));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->name(), absl::StrCat("teams/", id));
  EXPECT_EQ(got->kind(), v1::HOME);
  EXPECT_EQ(got->branch(), absl::StrCat("branches/", branch));
  EXPECT_TRUE(got->leader().empty());
  EXPECT_EQ(got->description(), "serves the east side");
  EXPECT_EQ(got->member_count(), 0);
  EXPECT_EQ(got->etag(), MakeEtag(1));

  v1::Team changed = *got;
  changed.set_display_name("East Wealth Team");
  changed.set_description("");
  ASSERT_OK(Tx([&](TeamStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(s.AddTeamMember(id, v1::HOME, leader, kT0).status());
    return s.UpdateTeam(id, changed, leader, 1, kT0);
  }));
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetTeam(id, true), &got); }));
  EXPECT_EQ(got->display_name(), "East Wealth Team");
  EXPECT_EQ(got->leader(), absl::StrCat("members/", leader));
  EXPECT_EQ(got->description(), "");
  EXPECT_EQ(got->member_count(), 1);
  EXPECT_EQ(got->etag(), MakeEtag(2));

  const std::string before = Fingerprint();
  absl::Status stale = Tx([&](TeamStore& s) { return s.UpdateTeam(id, changed, 0, 1, kT0); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale), "ETAG_MISMATCH");
  EXPECT_EQ(Fingerprint(), before);
  // Clearing the leader stores NULL.
  ASSERT_OK(Tx([&](TeamStore& s) { return s.UpdateTeam(id, changed, 0, 2, kT0); }));
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.GetTeam(id, false), &got); }));
  EXPECT_TRUE(got->leader().empty());
}

TEST_F(MySqlTeamRepositoryTest, RosterEnforcesOneHomeTeamAndNoDuplicates) {
  const int64_t branch = MakeBranch();
  const int64_t member = MakeMember(branch);
  const int64_t home = MakeTeam(branch, v1::HOME);
  const int64_t other_home = MakeTeam(branch, v1::HOME);
  const int64_t project = MakeTeam(branch, v1::PROJECT);
  const absl::Time joined = kT0 + absl::Minutes(5);
  v1::TeamMembership added;
  ASSERT_OK(Tx(
      [&](TeamStore& s) { return Into(s.AddTeamMember(home, v1::HOME, member, joined), &added); }));
  EXPECT_EQ(added.name(), absl::StrCat("teams/", home, "/memberships/", member));
  EXPECT_EQ(added.team(), absl::StrCat("teams/", home));
  EXPECT_EQ(added.member(), absl::StrCat("members/", member));
  EXPECT_TRUE(MessageDifferencer::Equals(added.join_time(), Micros(joined)));

  const std::string before = Fingerprint();
  absl::Status second_home =
      Tx([&](TeamStore& s) { return s.AddTeamMember(other_home, v1::HOME, member, kT0).status(); });
  EXPECT_EQ(second_home.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(second_home), "ALREADY_IN_HOME_TEAM");
  absl::Status again =
      Tx([&](TeamStore& s) { return s.AddTeamMember(home, v1::HOME, member, kT0).status(); });
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(again), "ALREADY_A_MEMBER");
  EXPECT_EQ(Fingerprint(), before);

  // Any number of project teams, but each once.
  ASSERT_OK(Tx(
      [&](TeamStore& s) { return s.AddTeamMember(project, v1::PROJECT, member, kT0).status(); }));
  absl::Status twice =
      Tx([&](TeamStore& s) { return s.AddTeamMember(project, v1::PROJECT, member, kT0).status(); });
  EXPECT_EQ(ErrorReason(twice), "ALREADY_A_MEMBER");

  // Leaving the home team frees the slot for another.
  ASSERT_OK(Tx([&](TeamStore& s) { return s.RemoveTeamMember(home, member); }));
  absl::Status gone = Tx([&](TeamStore& s) { return s.RemoveTeamMember(home, member); });
  EXPECT_EQ(gone.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(gone), "NOT_A_MEMBER");
  ASSERT_OK(Tx(
      [&](TeamStore& s) { return s.AddTeamMember(other_home, v1::HOME, member, kT0).status(); }));
  EXPECT_EQ(GetMember(member).home_team(), absl::StrCat("teams/", other_home));
}

TEST_F(MySqlTeamRepositoryTest, ListTeamsAndRostersPage) {
  const int64_t branch = MakeBranch();
  const int64_t team = MakeTeam(branch, v1::PROJECT);
  const int64_t home = MakeTeam(branch, v1::HOME);
  MakeTeam(MakeBranch(), v1::PROJECT);
  std::vector<int64_t> members;
  for (int i = 0; i < 3; ++i) members.push_back(MakeMember(branch));
  ASSERT_OK(Tx([&](TeamStore& s) -> absl::Status {
    for (int64_t m : members)
      RMHUB_RETURN_IF_ERROR(s.AddTeamMember(team, v1::PROJECT, m, kT0).status());
    return absl::OkStatus();
  }));
  api::PageRequest page;
  page.limit = 2;
  Page<v1::TeamMembership> roster;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListTeamMembers(team, page), &roster); }));
  ASSERT_EQ(roster.items.size(), 2u);
  EXPECT_EQ(roster.items[1].member(), absl::StrCat("members/", members[1]));
  EXPECT_EQ(roster.next_after_id, members[1]);
  page.after_id = roster.next_after_id;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListTeamMembers(team, page), &roster); }));
  ASSERT_EQ(roster.items.size(), 1u);
  EXPECT_EQ(roster.items[0].name(), absl::StrCat("teams/", team, "/memberships/", members[2]));
  EXPECT_EQ(roster.next_after_id, 0);

  ListQuery q;  // the team filter of ListTeams: teams having a member, in one branch
  q.scope = api::ListScope::Branch(branch);
  q.filter = *api::ParseFilterExpr(absl::StrCat("member = \"members/", members[0], "\""),
                                   TeamFilterSchema());
  Page<v1::Team> teams;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListTeams(q), &teams); }));
  ASSERT_EQ(teams.items.size(), 1u);
  EXPECT_EQ(teams.items[0].name(), absl::StrCat("teams/", team));
  EXPECT_EQ(teams.items[0].member_count(), 3);
  ListQuery all;
  all.scope = api::ListScope::Branch(branch);
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListTeams(all), &teams); }));
  ASSERT_EQ(teams.items.size(), 2u);
  EXPECT_EQ(teams.items[1].name(), absl::StrCat("teams/", home));
}

TEST_F(MySqlTeamRepositoryTest, GoalsUpsertByMetricAndPeriod) {
  const int64_t team = MakeTeam(MakeBranch(), v1::HOME);
  v1::TeamGoal goal;
  goal.set_metric(v1::NEW_CUSTOMERS);
  *goal.mutable_period()->mutable_start_date() = Day(2025, 1, 1);
  *goal.mutable_period()->mutable_end_date() = Day(2025, 4, 1);
  goal.set_target_value(40);
  goal.set_note("Q1");
  v1::TeamGoal first, replaced, other;
  ASSERT_OK(Tx([&](TeamStore& s) { return Into(s.UpsertTeamGoal(team, goal, kT0), &first); }));
  EXPECT_EQ(first.target_value(), 40);
  EXPECT_EQ(first.note(), "Q1");
  EXPECT_TRUE(MessageDifferencer::Equals(first.period().end_date(), Day(2025, 4, 1)));
  EXPECT_TRUE(MessageDifferencer::Equals(first.update_time(), Micros(kT0)));

  goal.set_target_value(55);
  const absl::Time later = kT0 + absl::Hours(2);
  ASSERT_OK(Tx([&](TeamStore& s) { return Into(s.UpsertTeamGoal(team, goal, later), &replaced); }));
  EXPECT_EQ(replaced.name(), first.name());
  EXPECT_EQ(replaced.target_value(), 55);
  EXPECT_TRUE(MessageDifferencer::Equals(replaced.update_time(), Micros(later)));
  // Same values again: still the same goal, not a new row.
  ASSERT_OK(Tx([&](TeamStore& s) { return Into(s.UpsertTeamGoal(team, goal, later), &replaced); }));
  EXPECT_EQ(replaced.name(), first.name());

  *goal.mutable_period()->mutable_start_date() = Day(2025, 4, 1);
  *goal.mutable_period()->mutable_end_date() = Day(2025, 7, 1);
  ASSERT_OK(Tx([&](TeamStore& s) { return Into(s.UpsertTeamGoal(team, goal, kT0), &other); }));
  EXPECT_NE(other.name(), first.name());

  api::PageRequest page;
  Page<v1::TeamGoal> goals;
  ASSERT_OK(Read([&](TeamStore& s) { return Into(s.ListTeamGoals(team, page), &goals); }));
  ASSERT_EQ(goals.items.size(), 2u);
  EXPECT_EQ(goals.items[0].name(), first.name());
  EXPECT_EQ(goals.items[0].target_value(), 55);
  EXPECT_EQ(goals.items[1].name(), other.name());
  EXPECT_EQ(goals.next_after_id, 0);
}

// ---------------------------------------------------------------------------------------------
// Write: idempotency, rollback, readiness

TEST_F(MySqlTeamRepositoryTest, WriteReplaysTheFirstResponseAndRunsTheBodyOnce) {
  v1::CreateBranchRequest request;
  *request.mutable_branch() = NewBranch();
  request.set_request_id(Unique("req"));
  int runs = 0;
  auto body = [&](v1::Branch* out) {
    return [&, out](TeamStore& s) -> absl::Status {
      ++runs;
      int64_t id = 0;
      RMHUB_RETURN_IF_ERROR(Into(s.InsertBranch(request.branch(), kT0), &id));
      std::optional<v1::Branch> stored;
      RMHUB_RETURN_IF_ERROR(Into(s.GetBranch(id, false), &stored));
      *out = *stored;
      return s.AppendEvent(Event(out->name()));
    };
  };
  auto finish = [](TeamStore&, db::Delivery) { return absl::OkStatus(); };
  const db::WriteKey key{"CreateBranch", request.request_id(), "members/1"};
  v1::Branch first, replay;
  ASSERT_OK(repo_->Write(key, request, &first, body(&first), finish));
  const std::string after_first = Fingerprint();
  ASSERT_OK(repo_->Write(key, request, &replay, body(&replay), finish));
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(MessageDifferencer::Equals(first, replay));
  EXPECT_FALSE(replay.name().empty());
  EXPECT_EQ(Fingerprint(), after_first);

  // The same request_id with another request is refused and runs nothing.
  v1::CreateBranchRequest other = request;
  other.mutable_branch()->set_code(Unique("BR"));
  v1::Branch ignored;
  absl::Status reused = repo_->Write(key, other, &ignored, body(&ignored), finish);
  EXPECT_EQ(reused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(reused), "REQUEST_ID_REUSED");
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Fingerprint(), after_first);
}

TEST_F(MySqlTeamRepositoryTest, FailedWriteRollsBackEverythingIncludingTheOutbox) {
  const int64_t branch = MakeBranch();
  const std::string before = Fingerprint();
  v1::CreateMemberRequest request;
  request.set_request_id(Unique("req"));
  v1::Member out;
  int runs = 0;
  auto body = [&](TeamStore& s) -> absl::Status {
    ++runs;
    RMHUB_RETURN_IF_ERROR(s.InsertMember(NewMember({v1::FX}), branch, kT0).status());
    RMHUB_RETURN_IF_ERROR(s.AppendEvent(Event("members/0")));
    return FailedPrecondition("SOMETHING_ELSE_FAILED", "a later rule said no");
  };
  absl::Status failed = repo_->Write({"CreateMember", request.request_id(), "members/1"}, request,
                                     &out, body, nullptr);
  EXPECT_EQ(ErrorReason(failed), "SOMETHING_ELSE_FAILED");
  EXPECT_EQ(Fingerprint(), before);
  // Nothing was recorded for the request_id either: a retry runs the body again.
  absl::Status retried = repo_->Write({"CreateMember", request.request_id(), "members/1"}, request,
                                      &out, body, nullptr);
  EXPECT_EQ(ErrorReason(retried), "SOMETHING_ELSE_FAILED");
  EXPECT_EQ(runs, 2);
}

TEST_F(MySqlTeamRepositoryTest, CheckReadyNeedsTheSchema) {
  EXPECT_OK(repo_->CheckReady());
  auto fresh_db = testing::TestDatabase::Create("team_repo_fresh");
  auto fresh_pool = db::ConnectionPool::Create(fresh_db->config());
  ASSERT_TRUE(fresh_pool.ok()) << fresh_pool.status();
  MySqlTeamRepository fresh(**fresh_pool, *idempotency_);
  EXPECT_FALSE(fresh.CheckReady().ok());
  ASSERT_OK(MySqlTeamRepository::Migrate(**fresh_pool));
  EXPECT_OK(fresh.CheckReady());
  ASSERT_OK(MySqlTeamRepository::Migrate(**fresh_pool));  // re-running is a no-op
}

}  // namespace
}  // namespace rmhub::team
