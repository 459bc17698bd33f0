// Home and project teams, their rosters and goals.
#include "absl/strings/str_cat.h"
#include "services/team/domain/access_policy.h"
#include "services/team/domain/list_filters.h"
#include "services/team/domain/member_rules.h"
#include "services/team/team_service.h"
#include "services/team/team_service_internal.h"

namespace rmhub::team {

using internal::IdOf;
using internal::Missing;

absl::StatusOr<v1::Team> TeamService::LoadReadableTeam(TeamStore& store, const Principal& p,
                                                       int64_t id, bool lock) {
  RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Team> team, store.GetTeam(id, lock));
  if (!team.has_value()) return Missing(AccessPolicy::SeesAllBranches(p), "TEAM");
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanReadBranchStaff(p, IdOf(team->branch(), "branches")));
  return *std::move(team);
}

namespace {

// A leader must be an active member of the team's branch.
absl::Status CheckLeader(const std::optional<v1::Member>& leader, int64_t branch_id,
                         const std::string& field) {
  if (!leader.has_value()) return NotFound("MEMBER_NOT_FOUND", field + " names no existing member");
  if (IdOf(leader->branch(), "branches") != branch_id) {
    return FailedPrecondition("LEADER_OTHER_BRANCH", "the leader must belong to the team's branch");
  }
  if (leader->status() != v1::ACTIVE) {
    return FailedPrecondition("LEADER_NOT_ACTIVE", "the leader must be an active member");
  }
  return absl::OkStatus();
}

// Adds the leader to the roster unless already there.
absl::Status EnsureOnRoster(TeamStore& store, int64_t team_id, v1::TeamKind kind, int64_t member_id,
                            absl::Time now) {
  auto added = store.AddTeamMember(team_id, kind, member_id, now);
  if (added.ok() || added.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::OkStatus();
  }
  return added.status();
}

}  // namespace

absl::StatusOr<v1::Team> TeamService::CreateTeam(const Caller& c, const v1::CreateTeamRequest& r) {
  FieldErrors errors;
  ValidateTeamFields(r.team(), "team.", errors);
  auto branch_id = api::ParseName(r.team().branch(), "branches", "team.branch");
  if (!branch_id.ok())
    errors.Add("team.branch", FieldViolations(branch_id.status())[0].description);
  int64_t leader_id = 0;
  if (!r.team().leader().empty()) {
    auto id = api::ParseName(r.team().leader(), "members", "team.leader");
    if (!id.ok())
      errors.Add("team.leader", FieldViolations(id.status())[0].description);
    else
      leader_id = *id;
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBranch(c.principal, *branch_id));
  v1::Team out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"CreateTeam", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_RETURN_IF_ERROR(LoadBranch(store, *branch_id, "team.branch").status());
        if (leader_id != 0) {
          RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> leader,
                                 store.GetMember(leader_id, true));
          RMHUB_RETURN_IF_ERROR(CheckLeader(leader, *branch_id, "team.leader"));
        }
        RMHUB_ASSIGN_OR_RETURN(int64_t id,
                               store.InsertTeam(r.team(), *branch_id, leader_id, clock_.Now()));
        if (leader_id != 0) {
          RMHUB_RETURN_IF_ERROR(
              EnsureOnRoster(store, id, r.team().kind(), leader_id, clock_.Now()));
        }
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Team> stored, store.GetTeam(id, false));
        out = *stored;
        return Emit(store, c.principal, "team.team.created", out.name(), out);
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayTeam(store, c.principal, out.name(), /*roster=*/false, d);
      }));
  return out;
}

absl::StatusOr<v1::Team> TeamService::GetTeam(const Caller& c, const v1::GetTeamRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.name(), "teams", "name"));
  v1::Team out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TeamStore& store) {
    return StoreInto(&out, [&] { return LoadReadableTeam(store, c.principal, id, false); });
  }));
  return out;
}

absl::StatusOr<v1::ListTeamsResponse> TeamService::ListTeams(const Caller& c,
                                                             const v1::ListTeamsRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(api::ListScope scope, AccessPolicy::StaffListScope(c.principal));
  RMHUB_ASSIGN_OR_RETURN(ListQuery query,
                         internal::MakeListQuery(r.filter(), TeamFilterSchema(), r.page_size(),
                                                 r.page_token(), scope));
  v1::ListTeamsResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TeamStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(Page<v1::Team> page, store.ListTeams(query));
    for (auto& t : page.items) *out.add_teams() = std::move(t);
    out.set_next_page_token(internal::NextToken(page, r.filter()));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Team> TeamService::UpdateTeam(const Caller& c, const v1::UpdateTeamRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.team().name(), "teams", "team.name"));
  RMHUB_ASSIGN_OR_RETURN(
      std::set<std::string> paths,
      api::ResolveUpdateMask(r.update_mask(), {"display_name", "leader", "description"}));
  int64_t new_leader = 0;
  if (paths.count("leader") && !r.team().leader().empty()) {
    RMHUB_ASSIGN_OR_RETURN(new_leader, api::ParseName(r.team().leader(), "members", "team.leader"));
  }
  v1::Team out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"UpdateTeam", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(v1::Team current, LoadReadableTeam(store, c.principal, id, true));
        int64_t branch_id = IdOf(current.branch(), "branches");
        int64_t leader_id = current.leader().empty() ? 0 : IdOf(current.leader(), "members");
        // Naming a leader is the branch manager's call; the leader may edit name and description.
        RMHUB_RETURN_IF_ERROR(
            paths.count("leader")
                ? AccessPolicy::CanManageBranch(c.principal, branch_id)
                : AccessPolicy::CanManageRoster(c.principal, branch_id, leader_id));
        RMHUB_ASSIGN_OR_RETURN(int64_t version,
                               internal::CheckEtag(r.team().etag(), current.etag(), "team.etag"));
        v1::Team merged = current;
        if (paths.count("display_name")) merged.set_display_name(r.team().display_name());
        if (paths.count("description")) merged.set_description(r.team().description());
        if (paths.count("leader")) leader_id = new_leader;
        FieldErrors errors;
        ValidateTeamFields(merged, "team.", errors);
        RMHUB_RETURN_IF_ERROR(errors.Status());
        if (paths.count("leader") && leader_id != 0) {
          RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> leader,
                                 store.GetMember(leader_id, true));
          RMHUB_RETURN_IF_ERROR(CheckLeader(leader, branch_id, "team.leader"));
          RMHUB_RETURN_IF_ERROR(EnsureOnRoster(store, id, current.kind(), leader_id, clock_.Now()));
        }
        RMHUB_RETURN_IF_ERROR(store.UpdateTeam(id, merged, leader_id, version, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Team> stored, store.GetTeam(id, false));
        out = *stored;
        return Emit(store, c.principal, "team.team.updated", out.name(), out);
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayTeam(store, c.principal, out.name(), /*roster=*/paths.count("leader") == 0, d);
      }));
  return out;
}

namespace {

struct RosterIds {
  int64_t team = 0;
  int64_t member = 0;
};

absl::StatusOr<RosterIds> ParseRoster(const std::string& team, const std::string& member) {
  FieldErrors errors;
  RosterIds ids;
  auto t = api::ParseName(team, "teams", "team");
  auto m = api::ParseName(member, "members", "member");
  if (!t.ok()) errors.Add("team", FieldViolations(t.status())[0].description);
  if (!m.ok()) errors.Add("member", FieldViolations(m.status())[0].description);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  ids.team = *t;
  ids.member = *m;
  return ids;
}

int64_t LeaderOf(const v1::Team& t) { return t.leader().empty() ? 0 : IdOf(t.leader(), "members"); }

}  // namespace

absl::Status TeamService::ReplayTeam(TeamStore& store, const Principal& p, const std::string& team,
                                     bool roster, db::Delivery delivery) {
  if (delivery == db::Delivery::kFirst) return absl::OkStatus();
  auto id = api::ParseName(team, "teams", "team");
  if (!id.ok()) return idempotency::ReplayNotAuthorized("the stored response names no team");
  RMHUB_ASSIGN_OR_RETURN(v1::Team current, LoadReadableTeam(store, p, *id, false));
  const int64_t branch_id = IdOf(current.branch(), "branches");
  return roster ? AccessPolicy::CanManageRoster(p, branch_id, LeaderOf(current))
                : AccessPolicy::CanManageBranch(p, branch_id);
}

absl::StatusOr<v1::TeamMembership> TeamService::AddTeamMember(const Caller& c,
                                                              const v1::AddTeamMemberRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(RosterIds ids, ParseRoster(r.team(), r.member()));
  v1::TeamMembership out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"AddTeamMember", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(v1::Team team, LoadReadableTeam(store, c.principal, ids.team, true));
        int64_t branch_id = IdOf(team.branch(), "branches");
        RMHUB_RETURN_IF_ERROR(
            AccessPolicy::CanManageRoster(c.principal, branch_id, LeaderOf(team)));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> member, store.GetMember(ids.member, true));
        if (!member.has_value())
          return NotFound("MEMBER_NOT_FOUND", "member names no existing member");
        // A home team is the member's own branch's; project teams may gather people from anywhere.
        if (team.kind() == v1::HOME && IdOf(member->branch(), "branches") != branch_id) {
          return FailedPrecondition("HOME_TEAM_OTHER_BRANCH",
                                    "a home team's members belong to the team's branch");
        }
        if (member->status() == v1::LEFT) {
          return FailedPrecondition("MEMBER_LEFT", "the member has left the bank");
        }
        RMHUB_ASSIGN_OR_RETURN(
            out, store.AddTeamMember(ids.team, team.kind(), ids.member, clock_.Now()));
        return Emit(store, c.principal, "team.team.member_added", team.name(), out);
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayTeam(store, c.principal, r.team(), /*roster=*/true, d);
      }));
  return out;
}

absl::StatusOr<v1::RemoveTeamMemberResponse> TeamService::RemoveTeamMember(
    const Caller& c, const v1::RemoveTeamMemberRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(RosterIds ids, ParseRoster(r.team(), r.member()));
  v1::RemoveTeamMemberResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"RemoveTeamMember", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(v1::Team team, LoadReadableTeam(store, c.principal, ids.team, true));
        RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageRoster(
            c.principal, IdOf(team.branch(), "branches"), LeaderOf(team)));
        if (LeaderOf(team) == ids.member) {
          return FailedPrecondition("LEADER_CANNOT_LEAVE",
                                    "the team's leader cannot leave it; name another leader first");
        }
        RMHUB_RETURN_IF_ERROR(store.RemoveTeamMember(ids.team, ids.member));
        v1::TeamMembership removed;
        removed.set_team(team.name());
        removed.set_member(r.member());
        return Emit(store, c.principal, "team.team.member_removed", team.name(), removed);
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayTeam(store, c.principal, r.team(), /*roster=*/true, d);
      }));
  return out;
}

absl::StatusOr<v1::ListTeamMembersResponse> TeamService::ListTeamMembers(
    const Caller& c, const v1::ListTeamMembersRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.team(), "teams", "team"));
  RMHUB_ASSIGN_OR_RETURN(api::PageRequest page,
                         api::ParsePage(r.page_size(), r.page_token(), r.team()));
  v1::ListTeamMembersResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](TeamStore& store) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(LoadReadableTeam(store, c.principal, id, false).status());
    RMHUB_ASSIGN_OR_RETURN(Page<v1::TeamMembership> members, store.ListTeamMembers(id, page));
    for (auto& m : members.items) *out.add_memberships() = std::move(m);
    out.set_next_page_token(internal::NextToken(members, r.team()));
    return absl::OkStatus();
  }));
  return out;
}

namespace {

absl::Status ValidateGoal(const v1::TeamGoal& g, absl::CivilDay today) {
  FieldErrors errors;
  if (!v1::GoalMetric_IsValid(g.metric()) || g.metric() == v1::GOAL_METRIC_UNSPECIFIED) {
    errors.Add("goal.metric", "is required");
  }
  auto start = api::ParseDate(g.period().start_date(), "goal.period.start_date");
  auto end = api::ParseDate(g.period().end_date(), "goal.period.end_date");
  if (!start.ok())
    errors.Add("goal.period.start_date", FieldViolations(start.status())[0].description);
  if (!end.ok()) errors.Add("goal.period.end_date", FieldViolations(end.status())[0].description);
  if (start.ok() && end.ok() && *end <= *start) {
    errors.Add("goal.period.end_date", "must be after the start date");
  }
  if (g.target_value() < 0) errors.Add("goal.target_value", "must not be negative");
  api::CheckText(errors, "goal.note", g.note(), 1000, /*required=*/false);
  return errors.Status();
}

}  // namespace

absl::StatusOr<v1::TeamGoal> TeamService::SetTeamGoal(const Caller& c,
                                                      const v1::SetTeamGoalRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.team(), "teams", "team"));
  RMHUB_RETURN_IF_ERROR(ValidateGoal(r.goal(), Today()));
  v1::TeamGoal out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"SetTeamGoal", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(v1::Team team, LoadReadableTeam(store, c.principal, id, true));
        RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageRoster(
            c.principal, IdOf(team.branch(), "branches"), LeaderOf(team)));
        RMHUB_ASSIGN_OR_RETURN(out, store.UpsertTeamGoal(id, r.goal(), clock_.Now()));
        return Emit(store, c.principal, "team.team.goal_set", team.name(), out);
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayTeam(store, c.principal, api::FormatName("teams", id), /*roster=*/true, d);
      }));
  return out;
}

absl::StatusOr<v1::ListTeamGoalsResponse> TeamService::ListTeamGoals(
    const Caller& c, const v1::ListTeamGoalsRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.team(), "teams", "team"));
  RMHUB_ASSIGN_OR_RETURN(api::PageRequest page,
                         api::ParsePage(r.page_size(), r.page_token(), r.team()));
  v1::ListTeamGoalsResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](TeamStore& store) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(LoadReadableTeam(store, c.principal, id, false).status());
    RMHUB_ASSIGN_OR_RETURN(Page<v1::TeamGoal> goals, store.ListTeamGoals(id, page));
    for (auto& g : goals.items) *out.add_goals() = std::move(g);
    out.set_next_page_token(internal::NextToken(goals, r.team()));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace rmhub::team
