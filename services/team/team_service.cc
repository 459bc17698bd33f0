// Branches and members. Career, certifications and mentoring are in team_service_career.cc;
// teams, rosters and goals in team_service_teams.cc.
#include "services/team/team_service.h"

#include "absl/strings/str_cat.h"
#include "common/outbox/outbox.h"
#include "services/team/domain/access_policy.h"
#include "services/team/domain/ladder.h"
#include "services/team/domain/list_filters.h"
#include "services/team/domain/member_rules.h"
#include "services/team/team_service_internal.h"

namespace rmhub::team {

using api::CheckEtag;
using internal::IdOf;
using internal::Missing;

// ---------------------------------------------------------------------------------------------
// Shared helpers

namespace internal {

absl::Status Missing(bool sees_all, absl::string_view what) {
  if (sees_all) return NotFound(absl::StrCat(what, "_NOT_FOUND"), absl::StrCat("no such ", what));
  return PermissionDenied("OTHER_BRANCH", "the caller may not see this object");
}

}  // namespace internal

TeamService::TeamService(TeamRepository& repository, const Clock& clock, absl::TimeZone zone,
                         TeamConfig config)
    : repository_(repository), clock_(clock), zone_(zone), config_(config) {}

absl::CivilDay TeamService::Today() const { return rmhub::Today(clock_, zone_); }

absl::Status TeamService::Emit(TeamStore& store, const Principal& p, absl::string_view type,
                               const std::string& aggregate,
                               const google::protobuf::Message& payload) {
  return store.AppendEvent(
      outbox::MakeEvent(internal::kSource, type, aggregate, p.subject, payload, clock_.Now()));
}

absl::StatusOr<v1::Member> TeamService::LoadReadableMember(TeamStore& store, const Principal& p,
                                                           int64_t id, bool lock) {
  RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> member, store.GetMember(id, lock));
  if (!member.has_value()) return Missing(AccessPolicy::SeesAllBranches(p), "MEMBER");
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanReadBranchStaff(p, IdOf(member->branch(), "branches")));
  return *std::move(member);
}

absl::Status TeamService::ReplayMember(TeamStore& store, const Principal& p,
                                       const std::string& member, db::Delivery delivery) {
  if (delivery == db::Delivery::kFirst) return absl::OkStatus();
  auto id = api::ParseName(member, "members", "member");
  if (!id.ok()) return idempotency::ReplayNotAuthorized("the stored response names no member");
  RMHUB_ASSIGN_OR_RETURN(v1::Member current, LoadReadableMember(store, p, *id, false));
  return AccessPolicy::CanManageBranch(p, IdOf(current.branch(), "branches"));
}

absl::StatusOr<v1::Branch> TeamService::LoadBranch(TeamStore& store, int64_t id,
                                                   const std::string& field) {
  RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Branch> branch, store.GetBranch(id, false));
  if (!branch.has_value()) {
    return NotFound("BRANCH_NOT_FOUND", absl::StrCat(field, " names no existing branch"));
  }
  return *std::move(branch);
}

// ---------------------------------------------------------------------------------------------
// Branches

absl::StatusOr<v1::Branch> TeamService::CreateBranch(const Caller& c,
                                                     const v1::CreateBranchRequest& r) {
  FieldErrors errors;
  ValidateBranchFields(r.branch(), "branch.", errors);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanCreateBranch(c.principal));

  v1::Branch branch = r.branch();
  if (branch.personal_customer_cap() == 0) {
    branch.set_personal_customer_cap(config_.default_personal_customer_cap);
  }
  if (branch.corporate_key_account_cap() == 0) {
    branch.set_corporate_key_account_cap(config_.default_corporate_key_account_cap);
  }
  v1::Branch out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"CreateBranch", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(int64_t id, store.InsertBranch(branch, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Branch> stored, store.GetBranch(id, false));
        out = *stored;
        return Emit(store, c.principal, "team.branch.created", out.name(), out);
      },
      [&](TeamStore&, db::Delivery) { return AccessPolicy::CanCreateBranch(c.principal); }));
  return out;
}

absl::StatusOr<v1::Branch> TeamService::GetBranch(const Caller& c, const v1::GetBranchRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.name(), "branches", "name"));
  v1::Branch out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TeamStore& store) {
    return StoreInto(&out, [&] { return LoadBranch(store, id, "name"); });
  }));
  return out;
}

absl::StatusOr<v1::ListBranchesResponse> TeamService::ListBranches(
    const Caller& c, const v1::ListBranchesRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(ListQuery query,
                         internal::MakeListQuery(r.filter(), BranchFilterSchema(), r.page_size(),
                                                 r.page_token(), api::ListScope::All()));
  v1::ListBranchesResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TeamStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(Page<v1::Branch> page, store.ListBranches(query));
    for (auto& b : page.items) *out.add_branches() = std::move(b);
    out.set_next_page_token(internal::NextToken(page, r.filter()));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Branch> TeamService::UpdateBranch(const Caller& c,
                                                     const v1::UpdateBranchRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.branch().name(), "branches", "branch.name"));
  RMHUB_ASSIGN_OR_RETURN(
      std::set<std::string> paths,
      api::ResolveUpdateMask(r.update_mask(), {"display_name", "region", "personal_customer_cap",
                                               "corporate_key_account_cap"}));
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBranch(c.principal, id));
  v1::Branch out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"UpdateBranch", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Branch> current, store.GetBranch(id, true));
        if (!current.has_value()) return NotFound("BRANCH_NOT_FOUND", "no such branch");
        RMHUB_ASSIGN_OR_RETURN(int64_t version,
                               CheckEtag(r.branch().etag(), current->etag(), "branch.etag"));
        v1::Branch merged = *current;
        if (paths.count("display_name")) merged.set_display_name(r.branch().display_name());
        if (paths.count("region")) merged.set_region(r.branch().region());
        if (paths.count("personal_customer_cap")) {
          merged.set_personal_customer_cap(r.branch().personal_customer_cap());
        }
        if (paths.count("corporate_key_account_cap")) {
          merged.set_corporate_key_account_cap(r.branch().corporate_key_account_cap());
        }
        FieldErrors errors;
        ValidateBranchFields(merged, "branch.", errors);
        if (merged.personal_customer_cap() == 0)
          errors.Add("branch.personal_customer_cap", "must be positive");
        if (merged.corporate_key_account_cap() == 0)
          errors.Add("branch.corporate_key_account_cap", "must be positive");
        RMHUB_RETURN_IF_ERROR(errors.Status());
        RMHUB_RETURN_IF_ERROR(store.UpdateBranch(id, merged, version, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(current, store.GetBranch(id, false));
        out = *current;
        return Emit(store, c.principal, "team.branch.updated", out.name(), out);
      },
      [&](TeamStore&, db::Delivery) { return AccessPolicy::CanManageBranch(c.principal, id); }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Members

namespace {

absl::Status ValidateNewMember(const v1::Member& m, FieldErrors& errors) {
  ValidateMemberFields(m, "member.", errors);
  if (m.status() == v1::LEFT) errors.Add("member.status", "a new member cannot have LEFT");
  bool placed = m.career_level() != v1::CAREER_LEVEL_UNSPECIFIED || m.career_grade() != 0;
  if (placed && m.role() != v1::RELATIONSHIP_MANAGER) {
    errors.Add("member.career_level", "only relationship managers are on the career ladder");
  } else if (placed) {
    absl::Status position = ValidatePosition(m.career_level(), m.career_grade(),
                                             "member.career_level", "member.career_grade");
    for (const auto& v : FieldViolations(position)) errors.Add(v.field, v.description);
  }
  return errors.Status();
}

}  // namespace

absl::StatusOr<v1::Member> TeamService::CreateMember(const Caller& c,
                                                     const v1::CreateMemberRequest& r) {
  FieldErrors errors;
  auto branch_id = api::ParseName(r.member().branch(), "branches", "member.branch");
  if (!branch_id.ok())
    errors.Add("member.branch", FieldViolations(branch_id.status())[0].description);
  RMHUB_RETURN_IF_ERROR(ValidateNewMember(r.member(), errors));
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBranch(c.principal, *branch_id));

  v1::Member member = r.member();
  if (member.status() == v1::MEMBER_STATUS_UNSPECIFIED) member.set_status(v1::ACTIVE);
  v1::Member out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"CreateMember", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_RETURN_IF_ERROR(LoadBranch(store, *branch_id, "member.branch").status());
        RMHUB_ASSIGN_OR_RETURN(int64_t id, store.InsertMember(member, *branch_id, clock_.Now()));
        if (member.career_level() != v1::CAREER_LEVEL_UNSPECIFIED) {
          // Placing a new member on the ladder needs the level's approval authority too.
          RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> placed, store.GetMember(id, false));
          RMHUB_ASSIGN_OR_RETURN(ApproverFacts facts, ApproverFactsOf(store, c.principal, *placed));
          RMHUB_RETURN_IF_ERROR(CheckApproval(facts, AuthorityFor(member.career_level())));
          v1::LadderChange entry;
          entry.set_approver(c.principal.subject);
          entry.set_approval_authority(HeldAuthority(facts));
          entry.set_kind(v1::ENTRY);
          entry.set_to_level(member.career_level());
          entry.set_to_grade(member.career_grade());
          entry.set_reason("initial placement on joining");
          entry.set_decider(c.principal.subject);
          *entry.mutable_effective_date() = internal::ToDate(Today());
          RMHUB_RETURN_IF_ERROR(store.InsertLadderChange(id, entry, clock_.Now()).status());
        }
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> stored, store.GetMember(id, false));
        out = *stored;
        return Emit(store, c.principal, "team.member.created", out.name(), out);
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayMember(store, c.principal, out.name(), d);
      }));
  return out;
}

absl::StatusOr<v1::Member> TeamService::GetMember(const Caller& c, const v1::GetMemberRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.name(), "members", "name"));
  v1::Member out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TeamStore& store) {
    return StoreInto(&out, [&] { return LoadReadableMember(store, c.principal, id, false); });
  }));
  return out;
}

absl::StatusOr<v1::BatchGetMembersResponse> TeamService::BatchGetMembers(
    const Caller& c, const v1::BatchGetMembersRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         api::ParseNames(r.names(), "members", "names", /*max_count=*/200));
  v1::BatchGetMembersResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TeamStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Member> found, store.GetMembers(ids));
    std::map<int64_t, const v1::Member*> by_id;
    for (const auto& m : found) by_id[IdOf(m.name(), "members")] = &m;
    for (int64_t id : ids) {
      auto it = by_id.find(id);
      if (it == by_id.end()) return Missing(AccessPolicy::SeesAllBranches(c.principal), "MEMBER");
      RMHUB_RETURN_IF_ERROR(
          AccessPolicy::CanReadBranchStaff(c.principal, IdOf(it->second->branch(), "branches")));
      *out.add_members() = *it->second;
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::ListMembersResponse> TeamService::ListMembers(const Caller& c,
                                                                 const v1::ListMembersRequest& r) {
  // Staff outside head office see their own branch only; the scope is applied by the store.
  RMHUB_ASSIGN_OR_RETURN(api::ListScope scope, AccessPolicy::StaffListScope(c.principal));
  RMHUB_ASSIGN_OR_RETURN(ListQuery query,
                         internal::MakeListQuery(r.filter(), MemberFilterSchema(), r.page_size(),
                                                 r.page_token(), scope));
  v1::ListMembersResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TeamStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(Page<v1::Member> page, store.ListMembers(query));
    for (auto& m : page.items) *out.add_members() = std::move(m);
    out.set_next_page_token(internal::NextToken(page, r.filter()));
    return absl::OkStatus();
  }));
  return out;
}

namespace {

void ApplyMemberMask(const v1::Member& from, const std::set<std::string>& paths, v1::Member& to) {
  if (paths.count("display_name")) to.set_display_name(from.display_name());
  if (paths.count("role")) to.set_role(from.role());
  if (paths.count("rm_kind")) to.set_rm_kind(from.rm_kind());
  if (paths.count("back_office_function")) to.set_back_office_function(from.back_office_function());
  if (paths.count("status")) to.set_status(from.status());
  if (paths.count("skills")) *to.mutable_skills() = from.skills();
  if (paths.count("branch")) to.set_branch(from.branch());
}

absl::Status CheckMemberChange(const v1::Member& before, const v1::Member& after) {
  FieldErrors errors;
  ValidateMemberFields(after, "member.", errors);
  if (after.status() == v1::MEMBER_STATUS_UNSPECIFIED) errors.Add("member.status", "is required");
  RMHUB_RETURN_IF_ERROR(errors.Status());
  if (before.role() == v1::RELATIONSHIP_MANAGER && after.role() != v1::RELATIONSHIP_MANAGER &&
      before.career_level() != v1::CAREER_LEVEL_UNSPECIFIED) {
    return FailedPrecondition(
        "EXIT_LADDER_FIRST",
        "a relationship manager on the ladder must exit it (ChangeCareerLevel "
        "EXIT) before changing role");
  }
  if (before.status() == v1::LEFT && after.status() != v1::LEFT) {
    return FailedPrecondition("MEMBER_LEFT",
                              "a member who left cannot be reactivated; create a new member");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Member> TeamService::UpdateMember(const Caller& c,
                                                     const v1::UpdateMemberRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.member().name(), "members", "member.name"));
  RMHUB_ASSIGN_OR_RETURN(std::set<std::string> paths,
                         api::ResolveUpdateMask(r.update_mask(), {"display_name", "role", "rm_kind",
                                                                  "back_office_function", "status",
                                                                  "skills", "branch"}));
  int64_t new_branch = 0;
  if (paths.count("branch")) {
    RMHUB_ASSIGN_OR_RETURN(new_branch,
                           api::ParseName(r.member().branch(), "branches", "member.branch"));
  }
  const absl::CivilDay today = Today();
  v1::Member out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"UpdateMember", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(v1::Member current,
                               LoadReadableMember(store, c.principal, id, true));
        int64_t branch_id = IdOf(current.branch(), "branches");
        RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBranch(c.principal, branch_id));
        RMHUB_ASSIGN_OR_RETURN(int64_t version,
                               CheckEtag(r.member().etag(), current.etag(), "member.etag"));
        v1::Member merged = current;
        ApplyMemberMask(r.member(), paths, merged);
        if (new_branch != 0 && new_branch != branch_id) {
          RMHUB_RETURN_IF_ERROR(AccessPolicy::CanManageBranch(c.principal, new_branch));
          RMHUB_RETURN_IF_ERROR(LoadBranch(store, new_branch, "member.branch").status());
          branch_id = new_branch;
        }
        RMHUB_RETURN_IF_ERROR(CheckMemberChange(current, merged));
        RMHUB_ASSIGN_OR_RETURN(HolderAssessment before, Assess(store, current, today));
        RMHUB_RETURN_IF_ERROR(store.UpdateMember(id, merged, branch_id, version, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> stored, store.GetMember(id, false));
        out = *stored;
        RMHUB_RETURN_IF_ERROR(Emit(store, c.principal, "team.member.updated", out.name(), out));
        RMHUB_ASSIGN_OR_RETURN(HolderAssessment after, Assess(store, out, today));
        RMHUB_RETURN_IF_ERROR(EmitIfEligibilityChanged(store, c.principal, out, before, after,
                                                       "team.member.updated"));
        return EndMentorshipsIfMentorIneligible(store, c.principal, out);
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayMember(store, c.principal, out.name(), d);
      }));
  return out;
}

}  // namespace rmhub::team
