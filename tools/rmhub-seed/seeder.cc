#include "tools/rmhub-seed/seeder.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "tools/rmhub-seed/rpc.h"

namespace rmhub::seed {
namespace {

common::v1::Date ToDate(absl::CivilDay day) {
  common::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

// A relationship manager is created at their ladder position, which records the ENTRY.
v1::CreateMemberRequest CreateMemberRequestFor(const DemoMember& wanted,
                                               const std::string& branch) {
  v1::CreateMemberRequest create;
  v1::Member* m = create.mutable_member();
  m->set_employee_number(wanted.employee_number);
  m->set_display_name(wanted.display_name);
  m->set_branch(branch);
  m->set_role(wanted.role);
  m->set_rm_kind(wanted.rm_kind);
  m->set_back_office_function(wanted.back_office_function);
  for (v1::Skill s : wanted.skills) m->add_skills(s);
  m->set_career_level(wanted.level);
  m->set_career_grade(wanted.grade);
  create.set_request_id(RequestIdFor("member/" + wanted.employee_number));
  return create;
}

bool SameDate(const common::v1::Date& a, const common::v1::Date& b) {
  return a.year() == b.year() && a.month() == b.month() && a.day() == b.day();
}

bool HasGoal(const v1::ListTeamGoalsResponse& goals, const DemoGoal& wanted,
             const common::v1::Date& start, const common::v1::Date& end) {
  for (const v1::TeamGoal& g : goals.goals()) {
    if (g.metric() == wanted.metric && g.target_value() == wanted.target &&
        SameDate(g.period().start_date(), start) && SameDate(g.period().end_date(), end)) {
      return true;
    }
  }
  return false;
}

std::string Quoted(const std::string& s) { return absl::StrCat("\"", s, "\""); }

}  // namespace

int SeedResult::created_total() const {
  int total = 0;
  for (const auto& [kind, count] : counts) total += count.created;
  return total;
}

Seeder::Seeder(v1::TeamService::StubInterface& stub, absl::Duration timeout,
               std::string admin_token, MemberTokenFn branch_manager_token)
    : stub_(stub),
      timeout_(timeout),
      token_(admin_token),
      admin_token_(std::move(admin_token)),
      branch_manager_token_(std::move(branch_manager_token)) {}

template <class Req, class Resp>
absl::StatusOr<Resp> Seeder::Call(Method<Req, Resp> method, const Req& request) {
  return CallAs(stub_, method, request, token_, timeout_);
}

void Seeder::Count(const std::string& kind, bool created) {
  SeedCount& c = result_.counts[kind];
  (created ? c.created : c.existing)++;
}

absl::StatusOr<SeedResult> Seeder::Run(const DemoData& data) {
  result_ = SeedResult();
  RMHUB_ASSIGN_OR_RETURN(result_.branch, EnsureBranch(data.branch));
  const DemoMember* manager = nullptr;
  for (const auto& m : data.members) {
    if (m.employee_number == data.branch_manager) manager = &m;
  }
  if (manager == nullptr) return Internal("SEED_DATA", "the branch manager is not in the data");
  RMHUB_ASSIGN_OR_RETURN(v1::Member bm, EnsureMember(*manager, result_.branch.name()));
  RMHUB_ASSIGN_OR_RETURN(token_,
                         branch_manager_token_(IdOf(bm.name()), IdOf(result_.branch.name())));
  RMHUB_RETURN_IF_ERROR(SeedStaff(data));
  RMHUB_RETURN_IF_ERROR(SeedTeams(data));
  for (const auto& mentorship : data.mentorships) {
    RMHUB_RETURN_IF_ERROR(EnsureMentorship(mentorship));
  }
  return result_;
}

absl::Status Seeder::SeedStaff(const DemoData& data) {
  for (const DemoMember& wanted : data.members) {
    RMHUB_ASSIGN_OR_RETURN(v1::Member member, EnsureMember(wanted, result_.branch.name()));
    RMHUB_RETURN_IF_ERROR(EnsureCertifications(member, wanted, data));
  }
  return absl::OkStatus();
}

absl::Status Seeder::SeedTeams(const DemoData& data) {
  for (const DemoTeam& wanted : data.teams) {
    RMHUB_ASSIGN_OR_RETURN(v1::Team team, EnsureTeam(wanted, result_.branch.name()));
    RMHUB_RETURN_IF_ERROR(EnsureRoster(team, wanted));
    RMHUB_RETURN_IF_ERROR(EnsureGoals(team, wanted, data));
    result_.teams.push_back(team);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Branch> Seeder::EnsureBranch(const v1::Branch& wanted) {
  v1::ListBranchesRequest list;
  list.set_filter(absl::StrCat("code = ", Quoted(wanted.code())));
  auto found = Call(&v1::TeamService::StubInterface::ListBranches, list);
  if (!found.ok()) return While("looking up branch " + wanted.code(), found.status());
  if (found->branches_size() > 0) {
    Count("branch", false);
    return found->branches(0);
  }
  v1::CreateBranchRequest create;
  *create.mutable_branch() = wanted;
  create.set_request_id(RequestIdFor("branch/" + wanted.code()));
  auto created = Call(&v1::TeamService::StubInterface::CreateBranch, create);
  if (!created.ok()) return While("creating branch " + wanted.code(), created.status());
  Count("branch", true);
  return created;
}

absl::StatusOr<v1::Member> Seeder::EnsureMember(const DemoMember& wanted,
                                                const std::string& branch) {
  auto known = result_.members.find(wanted.employee_number);
  if (known != result_.members.end()) return known->second;
  v1::ListMembersRequest list;
  list.set_filter(absl::StrCat("employee_number = ", Quoted(wanted.employee_number)));
  auto found = Call(&v1::TeamService::StubInterface::ListMembers, list);
  if (!found.ok()) return While("looking up member " + wanted.employee_number, found.status());
  bool exists = found->members_size() > 0;
  v1::Member member = exists ? found->members(0) : v1::Member();
  if (!exists) {
    const v1::CreateMemberRequest request = CreateMemberRequestFor(wanted, branch);
    const bool above_branch = request.member().career_level() > v1::SENIOR;
    auto created = above_branch ? CallAs(stub_, &v1::TeamService::StubInterface::CreateMember,
                                         request, admin_token_, timeout_)
                                : Call(&v1::TeamService::StubInterface::CreateMember, request);
    if (!created.ok()) return While("creating member " + wanted.employee_number, created.status());
    member = *created;
  }
  Count("member", !exists);
  result_.members[wanted.employee_number] = member;
  return member;
}

absl::Status Seeder::EnsureCertifications(const v1::Member& member, const DemoMember& wanted,
                                          const DemoData& data) {
  if (wanted.certifications.empty()) return absl::OkStatus();
  v1::ListCertificationsRequest list;
  list.set_parent(member.name());
  list.set_page_size(500);
  auto found = Call(&v1::TeamService::StubInterface::ListCertifications, list);
  if (!found.ok()) return While("listing certifications of " + member.name(), found.status());
  std::set<std::string> numbers;
  for (const auto& c : found->certifications()) numbers.insert(c.number());
  for (const DemoCertification& cert : wanted.certifications) {
    bool exists = numbers.count(cert.number) > 0;
    Count("certification", !exists);
    if (exists) continue;
    v1::AddCertificationRequest add;
    add.set_parent(member.name());
    v1::Certification* c = add.mutable_certification();
    c->set_type(cert.type);
    c->set_rm_kind(cert.rm_kind);
    c->set_issuer(cert.issuer);
    c->set_number(cert.number);
    *c->mutable_issue_date() = ToDate(data.issued_on);
    *c->mutable_expiry_date() = ToDate(data.expires_on);
    add.set_request_id(RequestIdFor(
        absl::StrCat("certification/", cert.number, "/", absl::FormatCivilTime(data.expires_on))));
    auto added = Call(&v1::TeamService::StubInterface::AddCertification, add);
    if (!added.ok()) return While("adding certification " + cert.number, added.status());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Team> Seeder::EnsureTeam(const DemoTeam& wanted, const std::string& branch) {
  v1::ListTeamsRequest list;
  list.set_filter(absl::StrCat("branch = ", Quoted(branch)));
  list.set_page_size(500);
  auto found = Call(&v1::TeamService::StubInterface::ListTeams, list);
  if (!found.ok()) return While("listing teams of " + branch, found.status());
  for (const v1::Team& team : found->teams()) {
    if (team.display_name() != wanted.display_name) continue;
    Count("team", false);
    return team;
  }
  v1::CreateTeamRequest create;
  v1::Team* t = create.mutable_team();
  t->set_display_name(wanted.display_name);
  t->set_kind(wanted.kind);
  t->set_branch(branch);
  t->set_leader(result_.members.at(wanted.leader).name());
  t->set_description(wanted.description);
  create.set_request_id(RequestIdFor(absl::StrCat("team/", branch, "/", wanted.display_name)));
  auto created = Call(&v1::TeamService::StubInterface::CreateTeam, create);
  if (!created.ok()) return While("creating team " + wanted.display_name, created.status());
  Count("team", true);
  return created;
}

absl::Status Seeder::EnsureRoster(const v1::Team& team, const DemoTeam& wanted) {
  v1::ListTeamMembersRequest list;
  list.set_team(team.name());
  list.set_page_size(500);
  auto found = Call(&v1::TeamService::StubInterface::ListTeamMembers, list);
  if (!found.ok()) return While("listing the roster of " + team.name(), found.status());
  std::set<std::string> on_roster;
  for (const auto& m : found->memberships()) on_roster.insert(m.member());
  for (const std::string& employee_number : wanted.members) {
    const std::string& member = result_.members.at(employee_number).name();
    bool exists = on_roster.count(member) > 0;
    Count("team membership", !exists);
    if (exists) continue;
    v1::AddTeamMemberRequest add;
    add.set_team(team.name());
    add.set_member(member);
    add.set_request_id(RequestIdFor(absl::StrCat("roster/", team.name(), "/", member)));
    auto added = Call(&v1::TeamService::StubInterface::AddTeamMember, add);
    if (!added.ok()) return While("adding " + member + " to " + team.name(), added.status());
  }
  return absl::OkStatus();
}

absl::Status Seeder::EnsureGoals(const v1::Team& team, const DemoTeam& wanted,
                                 const DemoData& data) {
  v1::ListTeamGoalsRequest list;
  list.set_team(team.name());
  list.set_page_size(500);
  auto found = Call(&v1::TeamService::StubInterface::ListTeamGoals, list);
  if (!found.ok()) return While("listing goals of " + team.name(), found.status());
  common::v1::Date start = ToDate(data.period_start), end = ToDate(data.period_end);
  for (const DemoGoal& goal : wanted.goals) {
    bool exists = HasGoal(*found, goal, start, end);
    Count("team goal", !exists);
    if (exists) continue;
    v1::SetTeamGoalRequest set;
    set.set_team(team.name());
    set.mutable_goal()->set_metric(goal.metric);
    *set.mutable_goal()->mutable_period()->mutable_start_date() = start;
    *set.mutable_goal()->mutable_period()->mutable_end_date() = end;
    set.mutable_goal()->set_target_value(goal.target);
    set.mutable_goal()->set_note(goal.note);
    set.set_request_id(
        RequestIdFor(absl::StrCat("goal/", team.name(), "/", goal.metric, "/",
                                  absl::FormatCivilTime(data.period_start), "/", goal.target)));
    auto stored = Call(&v1::TeamService::StubInterface::SetTeamGoal, set);
    if (!stored.ok()) return While("setting a goal of " + team.name(), stored.status());
  }
  return absl::OkStatus();
}

absl::Status Seeder::EnsureMentorship(const DemoMentorship& wanted) {
  const std::string& mentor = result_.members.at(wanted.mentor).name();
  const std::string& mentee = result_.members.at(wanted.mentee).name();
  v1::ListMentorshipsRequest list;
  list.set_filter(absl::StrCat("mentee = ", Quoted(mentee), " AND state = MENTORSHIP_ACTIVE"));
  auto found = Call(&v1::TeamService::StubInterface::ListMentorships, list);
  if (!found.ok()) return While("looking up the mentor of " + mentee, found.status());
  bool exists = found->mentorships_size() > 0;
  Count("mentorship", !exists);
  if (exists) return absl::OkStatus();
  v1::StartMentorshipRequest start;
  start.set_mentor(mentor);
  start.set_mentee(mentee);
  start.set_note("Onboarding: shadowing customer visits, product training, first portfolio review");
  start.set_request_id(RequestIdFor(absl::StrCat("mentorship/", mentor, "/", mentee)));
  auto started = Call(&v1::TeamService::StubInterface::StartMentorship, start);
  return While("starting the mentorship of " + mentee, started.status());
}

}  // namespace rmhub::seed
