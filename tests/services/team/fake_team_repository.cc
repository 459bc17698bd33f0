#include "tests/services/team/fake_team_repository.h"

#include <algorithm>
#include <set>

#include "common/api/date.h"
#include "common/api/filter_match.h"
#include "common/api/resource_name.h"
#include "common/status/errors.h"
#include "tests/support/fake_list.h"

namespace rmhub::team::fakes {
namespace {

using api::FieldValues;

google::protobuf::Timestamp Stamp(absl::Time t) { return rmhub::testing::FakeStamp(t); }

absl::Status Stale(bool exists, absl::string_view what, absl::string_view table) {
  if (!exists) {
    return NotFound(absl::StrCat(what, "_NOT_FOUND"), absl::StrCat("no such ", table, " row"));
  }
  return Aborted("ETAG_MISMATCH", "the resource changed since it was read; read it again");
}

template <class T>
Page<T> Paged(std::vector<std::pair<int64_t, T>> rows, const api::PageRequest& page,
              bool newest_first = false) {
  return rmhub::testing::FakePage(std::move(rows), page, newest_first);
}

class FakeTeamStore final : public TeamStore {
 public:
  explicit FakeTeamStore(FakeTeamData& d) : d_(d) {}

  // ---- branches ----
  absl::StatusOr<std::optional<v1::Branch>> GetBranch(int64_t id, bool) override {
    auto it = d_.branches.find(id);
    if (it == d_.branches.end()) return std::nullopt;
    v1::Branch b = it->second.first;
    b.set_etag(MakeEtag(it->second.second));
    return b;
  }
  absl::StatusOr<int64_t> InsertBranch(const v1::Branch& branch, absl::Time now) override {
    for (const auto& [id, row] : d_.branches) {
      if (row.first.code() == branch.code()) {
        return AlreadyExists("BRANCH_CODE_TAKEN", "a branch with this code already exists");
      }
    }
    const int64_t id = NextId("branches");
    v1::Branch b = branch;
    b.set_name(api::FormatName("branches", id));
    *b.mutable_create_time() = Stamp(now);
    *b.mutable_update_time() = Stamp(now);
    b.clear_etag();
    d_.branches[id] = {b, 1};
    return id;
  }
  absl::Status UpdateBranch(int64_t id, const v1::Branch& branch, int64_t expected_version,
                            absl::Time now) override {
    auto it = d_.branches.find(id);
    if (it == d_.branches.end() || it->second.second != expected_version) {
      return Stale(it != d_.branches.end(), "BRANCH", "branches");
    }
    v1::Branch& b = it->second.first;
    b.set_display_name(branch.display_name());
    b.set_region(branch.region());
    b.set_personal_customer_cap(branch.personal_customer_cap());
    b.set_corporate_key_account_cap(branch.corporate_key_account_cap());
    *b.mutable_update_time() = Stamp(now);
    ++it->second.second;
    return absl::OkStatus();
  }
  absl::StatusOr<Page<v1::Branch>> ListBranches(const ListQuery& q) override {
    std::vector<std::pair<int64_t, v1::Branch>> rows;
    for (const auto& [id, row] : d_.branches) {
      if (!InScope(q.scope, 0, {}, id)) continue;
      const v1::Branch& b = row.first;
      bool keep = api::MatchesFilter(q.filter, [&](absl::string_view f) -> FieldValues {
        return {f == "region" ? b.region() : b.code()};
      });
      if (keep) rows.emplace_back(id, *GetBranch(id, false).value());
    }
    return Paged(std::move(rows), q.page);
  }

  // ---- members ----
  absl::StatusOr<std::optional<v1::Member>> GetMember(int64_t id, bool) override {
    auto it = d_.members.find(id);
    if (it == d_.members.end()) return std::nullopt;
    return Derived(id, it->second);
  }
  absl::StatusOr<std::vector<v1::Member>> GetMembers(const std::vector<int64_t>& ids) override {
    std::vector<v1::Member> out;
    for (int64_t id : ids) {
      if (auto it = d_.members.find(id); it != d_.members.end()) {
        out.push_back(Derived(id, it->second));
      }
    }
    return out;
  }
  absl::StatusOr<int64_t> InsertMember(const v1::Member& member, int64_t branch_id,
                                       absl::Time now) override {
    for (const auto& [id, row] : d_.members) {
      if (row.member.employee_number() == member.employee_number()) {
        return AlreadyExists("EMPLOYEE_NUMBER_TAKEN", "the employee number is taken");
      }
    }
    const int64_t id = NextId("members");
    FakeTeamData::MemberRow row;
    row.member = Stored(member);
    row.member.set_name(api::FormatName("members", id));
    *row.member.mutable_create_time() = Stamp(now);
    *row.member.mutable_update_time() = Stamp(now);
    row.branch_id = branch_id;
    row.was_rm = member.role() == v1::RELATIONSHIP_MANAGER;
    d_.members[id] = std::move(row);
    return id;
  }
  absl::Status UpdateMember(int64_t id, const v1::Member& member, int64_t branch_id,
                            int64_t expected_version, absl::Time now) override {
    auto it = d_.members.find(id);
    if (it == d_.members.end() || it->second.version != expected_version) {
      return Stale(it != d_.members.end(), "MEMBER", "members");
    }
    FakeTeamData::MemberRow& row = it->second;
    if (row.member.rm_kind() != v1::RM_KIND_UNSPECIFIED &&
        row.member.rm_kind() != member.rm_kind()) {
      row.former_rm_kind = row.member.rm_kind();
    }
    row.was_rm = row.was_rm || member.role() == v1::RELATIONSHIP_MANAGER;
    const auto create_time = row.member.create_time();
    const std::string employee_number = row.member.employee_number();
    row.member = Stored(member);
    row.member.set_name(api::FormatName("members", id));
    row.member.set_employee_number(employee_number);
    *row.member.mutable_create_time() = create_time;
    *row.member.mutable_update_time() = Stamp(now);
    row.branch_id = branch_id;
    ++row.version;
    return absl::OkStatus();
  }
  absl::StatusOr<Page<v1::Member>> ListMembers(const ListQuery& q) override {
    std::vector<std::pair<int64_t, v1::Member>> rows;
    for (const auto& [id, row] : d_.members) {
      if (!InScope(q.scope, 0, {}, row.branch_id)) continue;
      v1::Member m = Derived(id, row);
      bool keep = api::MatchesFilter(
          q.filter, [&](absl::string_view f) { return MemberField(f, id, row, m); });
      if (keep) rows.emplace_back(id, std::move(m));
    }
    return Paged(std::move(rows), q.page);
  }

  absl::StatusOr<v1::RmKind> GetFormerRmKind(int64_t member_id) override {
    auto it = d_.members.find(member_id);
    return it == d_.members.end() ? v1::RM_KIND_UNSPECIFIED : it->second.former_rm_kind;
  }
  absl::StatusOr<std::vector<Holder>> ListHolders(int64_t branch_id, int64_t after_id,
                                                  int limit) override {
    std::vector<Holder> out;
    for (auto it = d_.members.upper_bound(after_id);
         it != d_.members.end() && static_cast<int>(out.size()) < limit; ++it) {
      if (it->second.branch_id != branch_id || !it->second.was_rm) continue;
      out.push_back({Derived(it->first, it->second), it->second.former_rm_kind});
    }
    return out;
  }

  // ---- ladder ----
  absl::StatusOr<int64_t> InsertLadderChange(int64_t member_id, const v1::LadderChange& change,
                                             absl::Time now) override {
    if (!api::IsSetDate(change.effective_date())) {
      return InvalidField("effective_date", "is required");
    }
    const int64_t id = NextId("ladder_changes");
    v1::LadderChange c = change;
    c.set_name(api::FormatChildName("members", member_id, "ladderChanges", id));
    *c.mutable_create_time() = Stamp(now);
    d_.ladder[id] = {member_id, std::move(c)};
    return id;
  }
  absl::StatusOr<Page<v1::LadderChange>> ListLadderChanges(int64_t member_id,
                                                           const api::PageRequest& page) override {
    std::vector<std::pair<int64_t, v1::LadderChange>> rows;
    for (const auto& [id, row] : d_.ladder) {
      if (row.first == member_id) rows.emplace_back(id, row.second);
    }
    return Paged(std::move(rows), page, /*newest_first=*/true);
  }

  // ---- certifications ----
  absl::StatusOr<int64_t> InsertCertification(int64_t member_id, const v1::Certification& cert,
                                              absl::Time now) override {
    if (!api::IsSetDate(cert.issue_date())) {
      return InvalidField("certification.issue_date", "is required");
    }
    if (!api::IsSetDate(cert.expiry_date())) {
      return InvalidField("certification.expiry_date", "is required");
    }
    const int64_t id = NextId("certifications");
    v1::Certification c = cert;
    c.set_name(api::FormatChildName("members", member_id, "certifications", id));
    c.set_state(v1::CERTIFICATION_STATE_UNSPECIFIED);
    c.clear_revoke_reason();
    *c.mutable_create_time() = Stamp(now);
    d_.certifications[id] = {member_id, std::move(c)};
    return id;
  }
  absl::StatusOr<std::optional<v1::Certification>> GetCertification(int64_t member_id,
                                                                    int64_t id) override {
    auto it = d_.certifications.find(id);
    if (it == d_.certifications.end() || it->second.first != member_id) return std::nullopt;
    return it->second.second;
  }
  absl::Status RevokeCertification(int64_t member_id, int64_t id,
                                   const std::string& reason) override {
    auto it = d_.certifications.find(id);
    if (it == d_.certifications.end() || it->second.first != member_id) {
      return NotFound("CERTIFICATION_NOT_FOUND", "no such certification");
    }
    it->second.second.set_state(v1::REVOKED);
    it->second.second.set_revoke_reason(reason);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<v1::Certification>> ListCertifications(int64_t member_id) override {
    std::vector<v1::Certification> out;
    for (const auto& [id, row] : d_.certifications) {
      if (row.first == member_id) out.push_back(row.second);
    }
    return out;
  }

  absl::StatusOr<std::vector<v1::Certification>> ListQualificationsOf(
      const std::vector<int64_t>& member_ids) override {
    std::vector<v1::Certification> out;
    for (const auto& [id, row] : d_.certifications) {
      if (row.second.type() == v1::RM_QUALIFICATION &&
          std::find(member_ids.begin(), member_ids.end(), row.first) != member_ids.end()) {
        out.push_back(row.second);
      }
    }
    return out;
  }
  absl::StatusOr<std::vector<v1::Certification>> ListUnpublishedExpiries(absl::CivilDay today,
                                                                         int limit) override {
    std::vector<std::pair<absl::CivilDay, int64_t>> due;
    for (const auto& [id, row] : d_.certifications) {
      const auto& c = row.second;
      const auto& e = c.expiry_date();
      absl::CivilDay expiry(e.year(), e.month(), e.day());
      if (c.type() == v1::RM_QUALIFICATION && c.state() != v1::REVOKED && expiry < today &&
          d_.expiry_notices.count(id) == 0) {
        due.emplace_back(expiry, id);
      }
    }
    std::sort(due.begin(), due.end());
    std::vector<v1::Certification> out;
    for (const auto& [day, id] : due) {
      if (static_cast<int>(out.size()) == limit) break;
      out.push_back(d_.certifications[id].second);
    }
    return out;
  }
  absl::StatusOr<bool> ClaimExpiryNotice(int64_t member_id, int64_t certification_id,
                                         const rmhub::common::v1::Date&, absl::Time) override {
    return d_.expiry_notices.emplace(certification_id, member_id).second;
  }

  // ---- mentoring ----
  absl::StatusOr<std::vector<v1::Mentorship>> ListActiveMentorshipsOf(int64_t mentor_id) override {
    std::vector<v1::Mentorship> out;
    for (const auto& [id, m] : d_.mentorships) {
      if (m.state() == v1::MENTORSHIP_ACTIVE && IdOf(m.mentor(), "members") == mentor_id) {
        out.push_back(m);
      }
    }
    return out;
  }
  absl::StatusOr<int> CountActiveMentees(int64_t mentor_id) override {
    int n = 0;
    for (const auto& [id, m] : d_.mentorships) {
      n += m.state() == v1::MENTORSHIP_ACTIVE && IdOf(m.mentor(), "members") == mentor_id;
    }
    return n;
  }
  absl::StatusOr<bool> HasActiveMentor(int64_t mentee_id) override {
    return ActiveMentorOf(mentee_id) != 0;
  }
  absl::StatusOr<int64_t> InsertMentorship(const v1::Mentorship& mentorship, int64_t mentor_id,
                                           int64_t mentee_id, absl::Time now) override {
    if (!api::IsSetDate(mentorship.start_date())) return InvalidField("start_date", "is required");
    const int64_t id = NextId("mentorships");
    v1::Mentorship m = mentorship;
    m.set_name(api::FormatName("mentorships", id));
    m.set_mentor(api::FormatName("members", mentor_id));
    m.set_mentee(api::FormatName("members", mentee_id));
    if (m.state() == v1::MENTORSHIP_STATE_UNSPECIFIED) m.set_state(v1::MENTORSHIP_ACTIVE);
    *m.mutable_create_time() = Stamp(now);
    d_.mentorships[id] = std::move(m);
    return id;
  }
  absl::StatusOr<std::optional<v1::Mentorship>> GetMentorship(int64_t id, bool) override {
    auto it = d_.mentorships.find(id);
    if (it == d_.mentorships.end()) return std::nullopt;
    return it->second;
  }
  absl::Status EndMentorship(int64_t id, const v1::Mentorship& ended) override {
    auto it = d_.mentorships.find(id);
    if (it == d_.mentorships.end()) return NotFound("MENTORSHIP_NOT_FOUND", "no such mentorship");
    it->second.set_state(ended.state());
    *it->second.mutable_end_date() = ended.end_date();
    it->second.set_outcome(ended.outcome());
    it->second.set_note(ended.note());
    return absl::OkStatus();
  }
  absl::StatusOr<Page<v1::Mentorship>> ListMentorships(const ListQuery& q) override {
    std::vector<std::pair<int64_t, v1::Mentorship>> rows;
    for (const auto& [id, m] : d_.mentorships) {
      const int64_t mentor = IdOf(m.mentor(), "members");
      auto mentor_row = d_.members.find(mentor);
      // A mentorship is of its mentor's branch.
      const int64_t branch = mentor_row == d_.members.end() ? 0 : mentor_row->second.branch_id;
      if (!InScope(q.scope, 0, {}, branch)) continue;
      bool keep = api::MatchesFilter(q.filter, [&](absl::string_view f) -> FieldValues {
        if (f == "mentor") return {mentor};
        if (f == "mentee") return {IdOf(m.mentee(), "members")};
        return {int64_t{m.state()}};
      });
      if (keep) rows.emplace_back(id, m);
    }
    return Paged(std::move(rows), q.page);
  }

  // ---- teams ----
  absl::StatusOr<std::optional<v1::Team>> GetTeam(int64_t id, bool) override {
    auto it = d_.teams.find(id);
    if (it == d_.teams.end()) return std::nullopt;
    return DerivedTeam(id, it->second);
  }
  absl::StatusOr<int64_t> InsertTeam(const v1::Team& team, int64_t branch_id, int64_t leader_id,
                                     absl::Time now) override {
    const int64_t id = NextId("teams");
    FakeTeamData::TeamRow row;
    row.team.set_name(api::FormatName("teams", id));
    row.team.set_display_name(team.display_name());
    row.team.set_kind(team.kind());
    row.team.set_description(team.description());
    *row.team.mutable_create_time() = Stamp(now);
    *row.team.mutable_update_time() = Stamp(now);
    row.branch_id = branch_id;
    row.leader_id = leader_id;
    d_.teams[id] = std::move(row);
    return id;
  }
  absl::Status UpdateTeam(int64_t id, const v1::Team& team, int64_t leader_id,
                          int64_t expected_version, absl::Time now) override {
    auto it = d_.teams.find(id);
    if (it == d_.teams.end() || it->second.version != expected_version) {
      return Stale(it != d_.teams.end(), "TEAM", "teams");
    }
    it->second.team.set_display_name(team.display_name());
    it->second.team.set_description(team.description());
    *it->second.team.mutable_update_time() = Stamp(now);
    it->second.leader_id = leader_id;
    ++it->second.version;
    return absl::OkStatus();
  }
  absl::StatusOr<Page<v1::Team>> ListTeams(const ListQuery& q) override {
    std::vector<std::pair<int64_t, v1::Team>> rows;
    for (const auto& [id, row] : d_.teams) {
      if (!InScope(q.scope, 0, {}, row.branch_id)) continue;
      bool keep = api::MatchesFilter(q.filter, [&](absl::string_view f) -> FieldValues {
        if (f == "branch") return {row.branch_id};
        if (f == "kind") return {int64_t{row.team.kind()}};
        if (f == "leader") return row.leader_id == 0 ? FieldValues{} : FieldValues{row.leader_id};
        FieldValues members;
        for (const auto& [key, joined] : d_.team_members) {
          if (key.first == id) members.push_back(key.second);
        }
        return members;
      });
      if (keep) rows.emplace_back(id, DerivedTeam(id, row));
    }
    return Paged(std::move(rows), q.page);
  }
  absl::StatusOr<v1::TeamMembership> AddTeamMember(int64_t team_id, v1::TeamKind kind,
                                                   int64_t member_id, absl::Time now) override {
    if (d_.team_members.count({team_id, member_id})) {
      return AlreadyExists("ALREADY_A_MEMBER", "the member is already in the team");
    }
    if (kind == v1::HOME) {
      for (const auto& [key, joined] : d_.team_members) {
        if (key.second == member_id && joined.home) {
          return FailedPrecondition("ALREADY_IN_HOME_TEAM", "the member already has a home team");
        }
      }
    }
    d_.team_members[{team_id, member_id}] = {kind == v1::HOME, Stamp(now)};
    return Membership(team_id, member_id, Stamp(now));
  }
  absl::Status RemoveTeamMember(int64_t team_id, int64_t member_id) override {
    if (d_.team_members.erase({team_id, member_id}) == 0) {
      return NotFound("NOT_A_MEMBER", "the member is not in the team");
    }
    return absl::OkStatus();
  }
  absl::StatusOr<Page<v1::TeamMembership>> ListTeamMembers(int64_t team_id,
                                                           const api::PageRequest& page) override {
    std::vector<std::pair<int64_t, v1::TeamMembership>> rows;
    for (const auto& [key, joined] : d_.team_members) {
      if (key.first == team_id)
        rows.emplace_back(key.second, Membership(key.first, key.second, joined.join_time));
    }
    return Paged(std::move(rows), page);
  }
  absl::StatusOr<v1::TeamGoal> UpsertTeamGoal(int64_t team_id, const v1::TeamGoal& goal,
                                              absl::Time now) override {
    if (!api::IsSetDate(goal.period().start_date()) || !api::IsSetDate(goal.period().end_date())) {
      return InvalidField("goal.period", "start_date and end_date are required");
    }
    int64_t id = 0;
    for (const auto& [gid, g] : d_.goals) {
      if (IdOf(g.name(), "teams", "goals") == team_id && g.metric() == goal.metric() &&
          g.period().SerializeAsString() == goal.period().SerializeAsString()) {
        id = gid;
      }
    }
    if (id == 0) id = NextId("team_goals");
    v1::TeamGoal g;
    g.set_name(api::FormatChildName("teams", team_id, "goals", id));
    g.set_metric(goal.metric());
    *g.mutable_period() = goal.period();
    g.set_target_value(goal.target_value());
    g.set_note(goal.note());
    *g.mutable_update_time() = Stamp(now);
    d_.goals[id] = g;
    return g;
  }
  absl::StatusOr<Page<v1::TeamGoal>> ListTeamGoals(int64_t team_id,
                                                   const api::PageRequest& page) override {
    std::vector<std::pair<int64_t, v1::TeamGoal>> rows;
    for (const auto& [id, g] : d_.goals) {
      if (IdOf(g.name(), "teams", "goals") == team_id) rows.emplace_back(id, g);
    }
    return Paged(std::move(rows), page);
  }

  absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) override {
    // As common/outbox does: the aggregate's next version, counting its committed events.
    int64_t version = 1;
    for (const auto& e : d_.events) version += e.aggregate() == event.aggregate() ? 1 : 0;
    d_.events.push_back(event);
    d_.events.back().set_aggregate_version(version);
    return absl::OkStatus();
  }

 private:
  int64_t NextId(const std::string& table) { return ++d_.last_id[table]; }

  static int64_t IdOf(const std::string& name, absl::string_view collection) {
    auto id = api::ParseName(name, collection, "name");
    return id.ok() ? *id : 0;
  }
  static int64_t IdOf(const std::string& name, absl::string_view parent, absl::string_view child) {
    auto id = api::ParseChildName(name, parent, child, "name");
    return id.ok() ? id->parent : 0;
  }

  // Team lists have branch grants only (mysql_repository.cc: members and teams by their
  // branch, mentorships by their mentor's, branches by their id).
  static bool InScope(const api::ListScope& scope, int64_t owner, const std::vector<int64_t>&,
                      int64_t branch) {
    return rmhub::testing::FakeInScope(scope, owner, 0, branch);
  }

  // What the store keeps of a member: no name, etag or derived fields; skills as a sorted set.
  static v1::Member Stored(const v1::Member& in) {
    v1::Member m = in;
    m.clear_etag();
    m.clear_mentor();
    m.clear_home_team();
    m.clear_project_teams();
    m.clear_branch();
    std::set<int> skills(in.skills().begin(), in.skills().end());
    m.clear_skills();
    for (int s : skills) m.add_skills(static_cast<v1::Skill>(s));
    return m;
  }

  int64_t ActiveMentorOf(int64_t mentee) const {
    int64_t mentor = 0;
    for (const auto& [id, m] : d_.mentorships) {
      if (m.state() == v1::MENTORSHIP_ACTIVE && IdOf(m.mentee(), "members") == mentee) {
        mentor = std::max(mentor, IdOf(m.mentor(), "members"));
      }
    }
    return mentor;
  }

  v1::Member Derived(int64_t id, const FakeTeamData::MemberRow& row) const {
    v1::Member m = row.member;
    m.set_branch(api::FormatName("branches", row.branch_id));
    m.set_etag(MakeEtag(row.version));
    if (int64_t mentor = ActiveMentorOf(id); mentor != 0) {
      m.set_mentor(api::FormatName("members", mentor));
    }
    for (const auto& [key, joined] : d_.team_members) {
      if (key.second != id) continue;
      if (joined.home) {
        m.set_home_team(api::FormatName("teams", key.first));
      } else {
        m.add_project_teams(api::FormatName("teams", key.first));
      }
    }
    return m;
  }

  FieldValues MemberField(absl::string_view f, int64_t id, const FakeTeamData::MemberRow& row,
                          const v1::Member& m) const {
    if (f == "branch") return {row.branch_id};
    if (f == "role") return {int64_t{m.role()}};
    if (f == "status") return {int64_t{m.status()}};
    if (f == "rm_kind") return {int64_t{m.rm_kind()}};
    if (f == "career_level") return {int64_t{m.career_level()}};
    if (f == "employee_number") return {m.employee_number()};
    if (f == "back_office_function") return {int64_t{m.back_office_function()}};
    FieldValues out;
    if (f == "skills") {
      for (int s : m.skills()) out.push_back(int64_t{s});
    } else if (f == "team") {
      for (const auto& [key, joined] : d_.team_members) {
        if (key.second == id) out.push_back(key.first);
      }
    }
    return out;
  }

  v1::Team DerivedTeam(int64_t id, const FakeTeamData::TeamRow& row) const {
    v1::Team t = row.team;
    t.set_branch(api::FormatName("branches", row.branch_id));
    if (row.leader_id != 0) t.set_leader(api::FormatName("members", row.leader_id));
    t.set_etag(MakeEtag(row.version));
    int count = 0;
    for (const auto& [key, joined] : d_.team_members) count += key.first == id;
    t.set_member_count(count);
    return t;
  }

  static v1::TeamMembership Membership(int64_t team_id, int64_t member_id,
                                       google::protobuf::Timestamp join_time) {
    v1::TeamMembership m;
    m.set_name(api::FormatChildName("teams", team_id, "memberships", member_id));
    m.set_team(api::FormatName("teams", team_id));
    m.set_member(api::FormatName("members", member_id));
    *m.mutable_join_time() = std::move(join_time);
    return m;
  }

  FakeTeamData& d_;
};

}  // namespace

std::unique_ptr<TeamStore> FakeTeamRepository::MakeStore(FakeTeamData& data) {
  return std::make_unique<FakeTeamStore>(data);
}

}  // namespace rmhub::team::fakes
