// The in-memory repository and the MySQL repository agree on list semantics: the same data,
// the same typed filters (parsed from the published filter text) and scopes give the same rows
// in the same pages. Needs the harness's MariaDB.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/db/connection_pool.h"
#include "common/status/errors.h"
#include "services/team/domain/list_filters.h"
#include "services/team/mysql_repository.h"
#include "tests/services/team/fake_team_repository.h"
#include "tests/support/repository_test_util.h"
#include "tests/support/test_database.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::team {
namespace {

using namespace ::rmhub::test_util;  // NOLINT(google-build-using-namespace): test helpers

struct Scoped {
  std::string label;
  api::ListScope scope;
};

std::vector<Scoped> Scopes() {
  api::ListScope none;
  return {{"all", api::ListScope::All()},
          {"branch 1", api::ListScope::Branch(1)},
          {"branch 2", api::ListScope::Branch(2)},
          {"closed", none}};
}

class TeamListParityTest : public ::testing::Test {
 protected:
  // A database per test: both stores start empty, so their ids agree.
  void SetUp() override {
    db_ = rmhub::testing::TestDatabase::Create("team_parity");
    auto pool = db::ConnectionPool::Create(db_->config());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    ASSERT_OK(MySqlTeamRepository::Migrate(*pool_));
    mysql_ = std::make_unique<MySqlTeamRepository>(*pool_, *idempotency_);
    repos_ = {mysql_.get(), &fake_};
    Populate();
  }

  // Runs `body` in a write on both repositories; ids must come out the same.
  void Both(const std::function<absl::StatusOr<int64_t>(TeamStore&)>& body) {
    std::vector<int64_t> ids;
    for (TeamRepository* repo : repos_) {
      int64_t id = 0;
      ASSERT_OK(repo->Write(
          {"Populate", "", ""}, v1::GetBranchRequest(), nullptr,
          [&](TeamStore& s) { return Into(body(s), &id); }, nullptr));
      ids.push_back(id);
    }
    ASSERT_EQ(ids[0], ids[1]) << "a fresh database and the fake number rows alike";
  }

  v1::Member Member(const std::string& number, v1::Role role, v1::MemberStatus status,
                    v1::CareerLevel level, std::vector<v1::Skill> skills) {
    v1::Member m;
    m.set_employee_number(number);
    m.set_display_name("Staff " + number);
    m.set_role(role);
    if (role == v1::RELATIONSHIP_MANAGER) {
      m.set_rm_kind(number.back() % 2 == 0 ? v1::PERSONAL : v1::CORPORATE);
    }
    m.set_status(status);
    m.set_career_level(level);
    m.set_career_grade(level == v1::CAREER_LEVEL_UNSPECIFIED ? 0 : 3 * level - 1);
    for (v1::Skill s : skills) m.add_skills(s);
    return m;
  }

  void Populate() {
    for (auto [code, region] : std::vector<std::pair<const char*, const char*>>{
             {"B-1", "East"}, {"B-2", "East"}, {"B-3", "West"}}) {
      v1::Branch b;
      b.set_code(code);
      b.set_display_name(code);
      b.set_region(region);
      Both([&](TeamStore& s) { return s.InsertBranch(b, kT0); });
    }
    const std::vector<std::pair<int64_t, v1::Member>> members = {
        {1, Member("E-1", v1::RELATIONSHIP_MANAGER, v1::ACTIVE, v1::SENIOR, {v1::WEALTH, v1::FX})},
        {1, Member("E-2", v1::RELATIONSHIP_MANAGER, v1::ACTIVE, v1::ASSISTANT, {v1::WEALTH})},
        {1, Member("E-3", v1::TELLER, v1::ACTIVE, v1::CAREER_LEVEL_UNSPECIFIED, {})},
        {1, Member("E-4", v1::RELATIONSHIP_MANAGER, v1::ON_LEAVE, v1::PRINCIPAL, {v1::FX})},
        {2, Member("E-5", v1::RELATIONSHIP_MANAGER, v1::ACTIVE, v1::ASSOCIATE, {v1::WEALTH})},
        {2, Member("E-6", v1::LOBBY_MANAGER, v1::LEFT, v1::CAREER_LEVEL_UNSPECIFIED, {v1::FX})},
        {3, Member("E-7", v1::RELATIONSHIP_MANAGER, v1::ACTIVE, v1::DIRECTOR, {v1::WEALTH})},
    };
    for (const auto& entry : members) {
      const int64_t branch = entry.first;
      const v1::Member& m = entry.second;
      Both([&](TeamStore& s) { return s.InsertMember(m, branch, kT0); });
    }
    auto team = [&](const char* name, v1::TeamKind kind, int64_t branch, int64_t leader) {
      v1::Team t;
      t.set_display_name(name);
      t.set_kind(kind);
      Both([&](TeamStore& s) { return s.InsertTeam(t, branch, leader, kT0); });
    };
    team("Home 1", v1::HOME, 1, 1);
    team("Project 1", v1::PROJECT, 1, 0);
    team("Home 2", v1::HOME, 2, 5);
    for (const auto& joined :
         std::vector<std::tuple<int64_t, int64_t, v1::TeamKind>>{{1, 1, v1::HOME},
                                                                 {1, 2, v1::HOME},
                                                                 {2, 1, v1::PROJECT},
                                                                 {2, 4, v1::PROJECT},
                                                                 {3, 5, v1::HOME}}) {
      const auto [t, m, kind] = joined;
      const int64_t team_id = t, member_id = m;
      const v1::TeamKind team_kind = kind;
      Both([&](TeamStore& s) -> absl::StatusOr<int64_t> {
        RMHUB_RETURN_IF_ERROR(s.AddTeamMember(team_id, team_kind, member_id, kT0).status());
        return member_id;
      });
    }
    for (const auto& row : std::vector<std::tuple<int64_t, int64_t, v1::MentorshipState>>{
             {1, 2, v1::MENTORSHIP_ACTIVE},
             {1, 5, v1::MENTORSHIP_ENDED},
             {7, 5, v1::MENTORSHIP_ACTIVE}}) {
      const int64_t mentor = std::get<0>(row), mentee = std::get<1>(row);
      v1::Mentorship ms;
      ms.set_state(std::get<2>(row));
      *ms.mutable_start_date() = Day(2025, 1, 1);
      Both([&](TeamStore& s) { return s.InsertMentorship(ms, mentor, mentee, kT0); });
    }
  }

  // Every page of a list on one repository: the names, page by page.
  template <class T>
  std::vector<std::vector<std::string>> Pages(
      TeamRepository& repo, ListQuery q,
      const std::function<absl::StatusOr<Page<T>>(TeamStore&, const ListQuery&)>& list) {
    std::vector<std::vector<std::string>> pages;
    q.page.limit = 2;
    for (int guard = 0; guard < 20; ++guard) {
      Page<T> page;
      EXPECT_OK(repo.Read([&](TeamStore& s) { return Into(list(s, q), &page); }));
      std::vector<std::string> names;
      for (const auto& item : page.items) names.push_back(item.name());
      pages.push_back(names);
      if (page.next_after_id == 0) break;
      q.page.after_id = page.next_after_id;
    }
    return pages;
  }

  template <class T>
  void ExpectSame(const api::FilterSchema& schema, const std::vector<std::string>& filters,
                  const std::function<absl::StatusOr<Page<T>>(TeamStore&, const ListQuery&)>& list,
                  int* non_empty) {
    for (const std::string& text : filters) {
      for (const Scoped& scoped : Scopes()) {
        ListQuery q;
        auto filter = api::ParseFilterExpr(text, schema);
        ASSERT_TRUE(filter.ok()) << text << ": " << filter.status();
        q.filter = *filter;
        q.scope = scoped.scope;
        auto mysql = Pages<T>(*mysql_, q, list);
        auto fake = Pages<T>(fake_, q, list);
        EXPECT_EQ(mysql, fake) << "filter '" << text << "', scope " << scoped.label;
        if (!mysql.front().empty()) ++*non_empty;
      }
    }
  }

  std::unique_ptr<rmhub::testing::TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<idempotency::Idempotency> idempotency_ = rmhub::testing::TestIdempotency("team");
  std::unique_ptr<MySqlTeamRepository> mysql_;
  fakes::FakeTeamRepository fake_;
  std::vector<TeamRepository*> repos_;
};

TEST_F(TeamListParityTest, FakeAndMySqlAgreeOnEveryListFilterAndScope) {
  int non_empty = 0;
  ExpectSame<v1::Branch>(
      BranchFilterSchema(),
      {"", "region = \"East\"", "region = \"east\"", "region = \"North\"", "code = \"B-2\""},
      [](TeamStore& s, const ListQuery& q) { return s.ListBranches(q); }, &non_empty);
  ExpectSame<v1::Member>(
      MemberFilterSchema(),
      {"", "role = TELLER", "role != RELATIONSHIP_MANAGER", "status != ACTIVE", "status = LEFT",
       "rm_kind = CORPORATE", "career_level >= SENIOR", "career_level <= ASSOCIATE",
       "career_level = ASSISTANT", "skills: FX", "skills: WEALTH AND status = ACTIVE",
       "team = \"teams/1\"", "team = \"teams/2\" AND skills: FX", "branch = \"branches/2\"",
       "employee_number = \"E-3\"", "role = RELATIONSHIP_MANAGER AND career_level >= ASSOCIATE"},
      [](TeamStore& s, const ListQuery& q) { return s.ListMembers(q); }, &non_empty);
  ExpectSame<v1::Team>(
      TeamFilterSchema(),
      {"", "kind = HOME", "leader = \"members/1\"", "member = \"members/1\"",
       "member = \"members/4\" AND kind = PROJECT", "branch = \"branches/2\""},
      [](TeamStore& s, const ListQuery& q) { return s.ListTeams(q); }, &non_empty);
  ExpectSame<v1::Mentorship>(
      MentorshipFilterSchema(),
      {"", "state = MENTORSHIP_ACTIVE", "mentor = \"members/1\"", "mentee = \"members/5\"",
       "mentor = \"members/1\" AND state = MENTORSHIP_ENDED"},
      [](TeamStore& s, const ListQuery& q) { return s.ListMentorships(q); }, &non_empty);
  EXPECT_GT(non_empty, 40) << "the cases must select rows, not agree on nothing";
}

}  // namespace
}  // namespace rmhub::team
