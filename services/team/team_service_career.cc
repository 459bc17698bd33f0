// The career ladder, certifications, mentoring and the assignment-eligibility query.
#include "absl/strings/str_cat.h"
#include "common/api/filter_match.h"
#include "services/team/domain/access_policy.h"
#include "services/team/domain/ladder.h"
#include "services/team/domain/list_filters.h"
#include "services/team/domain/member_rules.h"
#include "services/team/domain/mentoring.h"
#include "services/team/domain/qualification.h"
#include "services/team/team_service.h"
#include "services/team/team_service_internal.h"

namespace rmhub::team {

using internal::IdOf;
using internal::Missing;

// ---------------------------------------------------------------------------------------------
// Ladder

absl::StatusOr<v1::Member> TeamService::LoadLadderMember(TeamStore& store, const Principal& p,
                                                         int64_t id) {
  RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> member, store.GetMember(id, true));
  if (!member.has_value()) return Missing(AccessPolicy::SeesAllBranches(p), "MEMBER");
  return *std::move(member);
}

absl::Status TeamService::HasSomeAuthority(const Principal& p, const v1::Member& member,
                                           const ApproverFacts& facts) {
  if (HeldAuthority(facts) != v1::APPROVAL_AUTHORITY_UNSPECIFIED) return absl::OkStatus();
  const int64_t branch = IdOf(member.branch(), "branches");
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanReadBranchStaff(p, branch));
  return AccessPolicy::CanManageBranch(p, branch);
}

absl::StatusOr<ApproverFacts> TeamService::ApproverFactsOf(TeamStore& store, const Principal& p,
                                                           const v1::Member& member) {
  ApproverFacts f;
  const int64_t branch_id = IdOf(member.branch(), "branches");
  f.head_office = p.HasPermission(auth::kPermTeamAdmin);
  if (p.is_service()) return f;
  f.is_member = p.member_id == IdOf(member.name(), "members");
  f.manages_branch = p.HasRole(auth::kRoleBranchManager) && p.branch_id == branch_id;
  RMHUB_ASSIGN_OR_RETURN(v1::Branch branch, LoadBranch(store, branch_id, "member.branch"));
  f.holds_region = !branch.region().empty() &&
                   p.HasPermission(absl::StrCat(auth::kPermRegionPrefix, branch.region()));
  if (!member.home_team().empty() && p.member_id != 0) {
    RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Team> home,
                           store.GetTeam(IdOf(member.home_team(), "teams"), false));
    f.leads_home_team =
        home.has_value() && home->leader() == api::FormatName("members", p.member_id);
  }
  return f;
}

absl::StatusOr<v1::ChangeCareerLevelResponse> TeamService::ChangeCareerLevel(
    const Caller& c, const v1::ChangeCareerLevelRequest& r) {
  FieldErrors errors;
  auto id = api::ParseName(r.name(), "members", "name");
  if (!id.ok()) errors.Add("name", FieldViolations(id.status())[0].description);
  if (!v1::LadderChangeKind_IsValid(r.kind()) || r.kind() == v1::LADDER_CHANGE_KIND_UNSPECIFIED) {
    errors.Add("kind", "must be ENTRY, PROMOTION, DEMOTION or EXIT");
  }
  api::CheckText(errors, "reason", r.reason(), 1000, /*required=*/true);
  auto effective = api::ParseOptionalDate(r.effective_date(), "effective_date", Today());
  if (!effective.ok()) errors.Add("effective_date", "is not a valid calendar date");
  RMHUB_RETURN_IF_ERROR(errors.Status());
  const absl::CivilDay today = Today();

  v1::ChangeCareerLevelResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"ChangeCareerLevel", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(v1::Member member, LoadLadderMember(store, c.principal, *id));
        RMHUB_ASSIGN_OR_RETURN(ApproverFacts facts, ApproverFactsOf(store, c.principal, member));
        RMHUB_RETURN_IF_ERROR(HasSomeAuthority(c.principal, member, facts));
        RMHUB_ASSIGN_OR_RETURN(int64_t version,
                               internal::CheckEtag(r.etag(), member.etag(), "etag"));
        RMHUB_ASSIGN_OR_RETURN(LadderMove move,
                               DecideLadderMove(member, r.kind(), r.to_level(), r.to_grade()));
        RMHUB_RETURN_IF_ERROR(
            CheckApproval(facts, RequiredAuthority(member.career_level(), move.to_level)));
        RMHUB_ASSIGN_OR_RETURN(HolderAssessment before, Assess(store, member, today));
        v1::LadderChange change;
        change.set_kind(r.kind());
        change.set_from_level(member.career_level());
        change.set_from_grade(member.career_grade());
        change.set_to_level(move.to_level);
        change.set_to_grade(move.to_grade);
        change.set_reason(r.reason());
        change.set_decider(c.principal.subject);
        change.set_approver(c.principal.subject);
        change.set_approval_authority(HeldAuthority(facts));
        *change.mutable_effective_date() = internal::ToDate(*effective);
        member.set_career_level(move.to_level);
        member.set_career_grade(move.to_grade);
        RMHUB_RETURN_IF_ERROR(store.UpdateMember(*id, member, IdOf(member.branch(), "branches"),
                                                 version, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(int64_t change_id,
                               store.InsertLadderChange(*id, change, clock_.Now()));
        change.set_name(api::FormatChildName("members", *id, "ladderChanges", change_id));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> stored, store.GetMember(*id, false));
        *out.mutable_member() = *stored;
        *out.mutable_change() = change;
        RMHUB_RETURN_IF_ERROR(
            Emit(store, c.principal, "team.member.ladder_changed", stored->name(), change));
        RMHUB_ASSIGN_OR_RETURN(HolderAssessment after, Assess(store, *stored, today));
        RMHUB_RETURN_IF_ERROR(EmitIfEligibilityChanged(store, c.principal, *stored, before, after,
                                                       "team.member.ladder_changed"));
        return EndMentorshipsIfMentorIneligible(store, c.principal, *stored);
      },
      [&](TeamStore& store, db::Delivery d) -> absl::Status {
        if (d == db::Delivery::kFirst) return absl::OkStatus();
        // A replay needs the authority the change needed, over the member as it is now.
        RMHUB_ASSIGN_OR_RETURN(v1::Member member, LoadLadderMember(store, c.principal, *id));
        RMHUB_ASSIGN_OR_RETURN(ApproverFacts facts, ApproverFactsOf(store, c.principal, member));
        RMHUB_RETURN_IF_ERROR(HasSomeAuthority(c.principal, member, facts));
        return CheckApproval(facts,
                             RequiredAuthority(out.change().from_level(), out.change().to_level()));
      }));
  return out;
}

absl::StatusOr<v1::ListLadderChangesResponse> TeamService::ListLadderChanges(
    const Caller& c, const v1::ListLadderChangesRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t id, api::ParseName(r.parent(), "members", "parent"));
  RMHUB_ASSIGN_OR_RETURN(api::PageRequest page,
                         api::ParsePage(r.page_size(), r.page_token(), r.parent()));
  v1::ListLadderChangesResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](TeamStore& store) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(LoadReadableMember(store, c.principal, id, false).status());
    RMHUB_ASSIGN_OR_RETURN(Page<v1::LadderChange> changes, store.ListLadderChanges(id, page));
    for (auto& c : changes.items) *out.add_ladder_changes() = std::move(c);
    out.set_next_page_token(internal::NextToken(changes, r.parent()));
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Certifications

namespace {

absl::Status ValidateCertification(const v1::Certification& c, absl::CivilDay today) {
  FieldErrors errors;
  if (!v1::CertificationType_IsValid(c.type()) || c.type() == v1::CERTIFICATION_TYPE_UNSPECIFIED) {
    errors.Add("certification.type", "is required");
  }
  if (c.type() == v1::RM_QUALIFICATION &&
      (c.rm_kind() == v1::RM_KIND_UNSPECIFIED || !v1::RmKind_IsValid(c.rm_kind()))) {
    errors.Add("certification.rm_kind", "is required for an RM qualification");
  } else if (c.type() != v1::RM_QUALIFICATION && c.rm_kind() != v1::RM_KIND_UNSPECIFIED) {
    errors.Add("certification.rm_kind", "is only for RM qualifications");
  }
  api::CheckText(errors, "certification.issuer", c.issuer(), 100, /*required=*/true);
  api::CheckText(errors, "certification.number", c.number(), 64, /*required=*/true);
  auto issued = api::ParseDate(c.issue_date(), "certification.issue_date");
  auto expires = api::ParseDate(c.expiry_date(), "certification.expiry_date");
  if (!issued.ok())
    errors.Add("certification.issue_date", FieldViolations(issued.status())[0].description);
  if (!expires.ok())
    errors.Add("certification.expiry_date", FieldViolations(expires.status())[0].description);
  if (issued.ok() && expires.ok() && *expires < *issued) {
    errors.Add("certification.expiry_date", "must not be before the issue date");
  }
  if (issued.ok() && *issued > today)
    errors.Add("certification.issue_date", "must not be in the future");
  return errors.Status();
}

}  // namespace

absl::StatusOr<v1::Certification> TeamService::AddCertification(
    const Caller& c, const v1::AddCertificationRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t member_id, api::ParseName(r.parent(), "members", "parent"));
  const absl::CivilDay today = Today();
  RMHUB_RETURN_IF_ERROR(ValidateCertification(r.certification(), today));
  v1::Certification out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"AddCertification", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(v1::Member member,
                               LoadReadableMember(store, c.principal, member_id, true));
        RMHUB_RETURN_IF_ERROR(
            AccessPolicy::CanManageBranch(c.principal, IdOf(member.branch(), "branches")));
        if (member.status() == v1::LEFT) {
          return FailedPrecondition("MEMBER_LEFT", "the member has left the bank");
        }
        RMHUB_ASSIGN_OR_RETURN(HolderAssessment before, Assess(store, member, today));
        RMHUB_ASSIGN_OR_RETURN(
            int64_t id, store.InsertCertification(member_id, r.certification(), clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Certification> stored,
                               store.GetCertification(member_id, id));
        out = *stored;
        out.set_state(StateOn(out, today, false));
        RMHUB_RETURN_IF_ERROR(
            Emit(store, c.principal, "team.certification.added", out.name(), out));
        RMHUB_ASSIGN_OR_RETURN(HolderAssessment after, Assess(store, member, today));
        return EmitIfEligibilityChanged(store, c.principal, member, before, after,
                                        "team.certification.added");
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayMember(store, c.principal, r.parent(), d);
      }));
  return out;
}

absl::StatusOr<v1::ListCertificationsResponse> TeamService::ListCertifications(
    const Caller& c, const v1::ListCertificationsRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(int64_t member_id, api::ParseName(r.parent(), "members", "parent"));
  RMHUB_ASSIGN_OR_RETURN(api::PageRequest page,
                         api::ParsePage(r.page_size(), r.page_token(), r.filter()));
  // A member has a handful of certifications: the filter runs in memory over derived states.
  RMHUB_ASSIGN_OR_RETURN(api::FilterExpr filter,
                         api::ParseFilterExpr(r.filter(), CertificationFilterSchema()));
  const absl::CivilDay today = Today();
  v1::ListCertificationsResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](TeamStore& store) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(LoadReadableMember(store, c.principal, member_id, false).status());
    RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Certification> all, store.ListCertifications(member_id));
    for (auto& c : all) {
      int64_t id = api::ParseChildName(c.name(), "members", "certifications", "name")->child;
      if (id <= page.after_id) continue;
      c.set_state(StateOn(c, today, c.state() == v1::REVOKED));
      const bool wanted = api::MatchesFilter(filter, [&](absl::string_view field) {
        return api::FieldValues{field == "state" ? int64_t{c.state()} : int64_t{c.type()}};
      });
      if (!wanted) continue;
      if (out.certifications_size() == page.limit) {
        int64_t last = api::ParseChildName(out.certifications(page.limit - 1).name(), "members",
                                           "certifications", "name")
                           ->child;
        out.set_next_page_token(api::NextPageToken(last, r.filter()));
        break;
      }
      *out.add_certifications() = std::move(c);
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Certification> TeamService::RevokeCertification(
    const Caller& c, const v1::RevokeCertificationRequest& r) {
  FieldErrors errors;
  auto id = api::ParseChildName(r.name(), "members", "certifications", "name");
  if (!id.ok()) errors.Add("name", FieldViolations(id.status())[0].description);
  api::CheckText(errors, "reason", r.reason(), 1000, /*required=*/true);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  v1::Certification out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"RevokeCertification", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(v1::Member member,
                               LoadReadableMember(store, c.principal, id->parent, true));
        RMHUB_RETURN_IF_ERROR(
            AccessPolicy::CanManageBranch(c.principal, IdOf(member.branch(), "branches")));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Certification> cert,
                               store.GetCertification(id->parent, id->child));
        if (!cert.has_value()) return NotFound("CERTIFICATION_NOT_FOUND", "no such certification");
        if (cert->state() == v1::REVOKED) {
          return FailedPrecondition("ALREADY_REVOKED", "the certification is already revoked");
        }
        const absl::CivilDay today = Today();
        RMHUB_ASSIGN_OR_RETURN(HolderAssessment before, Assess(store, member, today));
        RMHUB_RETURN_IF_ERROR(store.RevokeCertification(id->parent, id->child, r.reason()));
        RMHUB_ASSIGN_OR_RETURN(cert, store.GetCertification(id->parent, id->child));
        out = *cert;
        out.set_state(v1::REVOKED);
        RMHUB_RETURN_IF_ERROR(
            Emit(store, c.principal, "team.certification.revoked", out.name(), out));
        RMHUB_ASSIGN_OR_RETURN(HolderAssessment after, Assess(store, member, today));
        return EmitIfEligibilityChanged(store, c.principal, member, before, after,
                                        "team.certification.revoked");
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayMember(store, c.principal, api::FormatName("members", id->parent), d);
      }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Mentoring

absl::StatusOr<v1::Mentorship> TeamService::StartMentorship(const Caller& c,
                                                            const v1::StartMentorshipRequest& r) {
  FieldErrors errors;
  auto mentor_id = api::ParseName(r.mentor(), "members", "mentor");
  auto mentee_id = api::ParseName(r.mentee(), "members", "mentee");
  if (!mentor_id.ok()) errors.Add("mentor", FieldViolations(mentor_id.status())[0].description);
  if (!mentee_id.ok()) errors.Add("mentee", FieldViolations(mentee_id.status())[0].description);
  auto start = api::ParseOptionalDate(r.start_date(), "start_date", Today());
  if (!start.ok()) errors.Add("start_date", "is not a valid calendar date");
  api::CheckText(errors, "note", r.note(), 1000, /*required=*/false);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  if (*mentor_id == *mentee_id) return InvalidField("mentee", "must differ from the mentor");

  v1::Mentorship out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"StartMentorship", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        // Lock both members in id order: concurrent starts for one mentor serialize on the mentor's
        // row, so the mentee limit holds under any interleaving.
        bool mentor_first = *mentor_id < *mentee_id;
        RMHUB_ASSIGN_OR_RETURN(
            v1::Member first,
            LoadReadableMember(store, c.principal, mentor_first ? *mentor_id : *mentee_id, true));
        RMHUB_ASSIGN_OR_RETURN(
            v1::Member second,
            LoadReadableMember(store, c.principal, mentor_first ? *mentee_id : *mentor_id, true));
        const v1::Member& mentor = mentor_first ? first : second;
        const v1::Member& mentee = mentor_first ? second : first;
        RMHUB_RETURN_IF_ERROR(
            AccessPolicy::CanManageBranch(c.principal, IdOf(mentee.branch(), "branches")));
        MentoringFacts facts;
        facts.max_mentees = config_.max_mentees;
        RMHUB_ASSIGN_OR_RETURN(facts.mentor_active_mentees, store.CountActiveMentees(*mentor_id));
        RMHUB_ASSIGN_OR_RETURN(facts.mentee_has_active_mentor, store.HasActiveMentor(*mentee_id));
        RMHUB_RETURN_IF_ERROR(CheckCanStartMentorship(mentor, mentee, facts));
        v1::Mentorship m;
        m.set_mentor(mentor.name());
        m.set_mentee(mentee.name());
        m.set_state(v1::MENTORSHIP_ACTIVE);
        *m.mutable_start_date() = internal::ToDate(*start);
        m.set_note(r.note());
        RMHUB_ASSIGN_OR_RETURN(int64_t id,
                               store.InsertMentorship(m, *mentor_id, *mentee_id, clock_.Now()));
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Mentorship> stored,
                               store.GetMentorship(id, false));
        out = *stored;
        return Emit(store, c.principal, "team.mentorship.started", out.name(), out);
      },
      [&](TeamStore& store, db::Delivery d) -> absl::Status {
        if (d == db::Delivery::kFirst) return absl::OkStatus();
        RMHUB_RETURN_IF_ERROR(LoadReadableMember(store, c.principal, *mentor_id, false).status());
        return ReplayMember(store, c.principal, out.mentee(), d);
      }));
  return out;
}

absl::StatusOr<v1::Mentorship> TeamService::EndMentorship(const Caller& c,
                                                          const v1::EndMentorshipRequest& r) {
  FieldErrors errors;
  auto id = api::ParseName(r.name(), "mentorships", "name");
  if (!id.ok()) errors.Add("name", FieldViolations(id.status())[0].description);
  if (!v1::MentorshipOutcome_IsValid(r.outcome()) ||
      r.outcome() == v1::MENTORSHIP_OUTCOME_UNSPECIFIED) {
    errors.Add("outcome", "is required");
  }
  auto end = api::ParseOptionalDate(r.end_date(), "end_date", Today());
  if (!end.ok()) errors.Add("end_date", "is not a valid calendar date");
  api::CheckText(errors, "note", r.note(), 1000, /*required=*/false);
  RMHUB_RETURN_IF_ERROR(errors.Status());

  v1::Mentorship out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"EndMentorship", r.request_id(), c.principal.subject}, r, &out,
      [&](TeamStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Mentorship> m, store.GetMentorship(*id, true));
        if (!m.has_value())
          return Missing(AccessPolicy::SeesAllBranches(c.principal), "MENTORSHIP");
        RMHUB_ASSIGN_OR_RETURN(
            v1::Member mentee,
            LoadReadableMember(store, c.principal, IdOf(m->mentee(), "members"), false));
        RMHUB_RETURN_IF_ERROR(
            AccessPolicy::CanManageBranch(c.principal, IdOf(mentee.branch(), "branches")));
        if (m->state() != v1::MENTORSHIP_ACTIVE) {
          return FailedPrecondition("MENTORSHIP_ENDED", "the mentorship has already ended");
        }
        const auto& s = m->start_date();
        if (*end < absl::CivilDay(s.year(), s.month(), s.day())) {
          return InvalidField("end_date", "must not be before the start date");
        }
        m->set_state(v1::MENTORSHIP_ENDED);
        m->set_outcome(r.outcome());
        *m->mutable_end_date() = internal::ToDate(*end);
        if (!r.note().empty()) m->set_note(r.note());
        RMHUB_RETURN_IF_ERROR(store.EndMentorship(*id, *m));
        out = *m;
        return Emit(store, c.principal, "team.mentorship.ended", out.name(), out);
      },
      [&](TeamStore& store, db::Delivery d) {
        return ReplayMember(store, c.principal, out.mentee(), d);
      }));
  return out;
}

absl::StatusOr<v1::ListMentorshipsResponse> TeamService::ListMentorships(
    const Caller& c, const v1::ListMentorshipsRequest& r) {
  RMHUB_ASSIGN_OR_RETURN(api::ListScope scope, AccessPolicy::StaffListScope(c.principal));
  RMHUB_ASSIGN_OR_RETURN(
      ListQuery query, internal::MakeListQuery(r.filter(), MentorshipFilterSchema(), r.page_size(),
                                               r.page_token(), scope));
  v1::ListMentorshipsResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](TeamStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(Page<v1::Mentorship> page, store.ListMentorships(query));
    for (auto& m : page.items) *out.add_mentorships() = std::move(m);
    out.set_next_page_token(internal::NextToken(page, r.filter()));
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Eligibility

absl::StatusOr<v1::CheckAssignmentEligibilityResponse> TeamService::CheckAssignmentEligibility(
    const Caller& c, const v1::CheckAssignmentEligibilityRequest& r) {
  FieldErrors errors;
  auto id = api::ParseName(r.member(), "members", "member");
  if (!id.ok()) errors.Add("member", FieldViolations(id.status())[0].description);
  if (r.rm_kind() == v1::RM_KIND_UNSPECIFIED || !v1::RmKind_IsValid(r.rm_kind())) {
    errors.Add("rm_kind", "must be PERSONAL or CORPORATE");
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  const absl::CivilDay today = Today();
  v1::CheckAssignmentEligibilityResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](TeamStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(v1::Member member, LoadReadableMember(store, c.principal, *id, false));
    RMHUB_ASSIGN_OR_RETURN(v1::Branch branch,
                           LoadBranch(store, IdOf(member.branch(), "branches"), "member.branch"));
    EligibilityInput input{&member, &branch, {}};
    RMHUB_ASSIGN_OR_RETURN(input.certifications, store.ListCertifications(*id));
    for (auto& c : input.certifications) c.set_state(StateOn(c, today, c.state() == v1::REVOKED));
    out = DecideEligibility(input, r.rm_kind());
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace rmhub::team
