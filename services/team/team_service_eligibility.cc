// Eligibility over time (issue 8 point 1): who may no longer hold customers, the events that
// publish each change, the expiry sweep, and the mentorships a mentor's change ends.
#include <google/protobuf/empty.pb.h>

#include "absl/strings/str_cat.h"
#include "services/team/domain/access_policy.h"
#include "services/team/domain/mentoring.h"
#include "services/team/domain/qualification.h"
#include "services/team/team_service.h"
#include "services/team/team_service_internal.h"

namespace rmhub::team {

using internal::IdOf;

namespace {

// The actor of what the service does on its own (the expiry sweep).
const auth::Principal& SweepPrincipal() {
  static const auto* p = [] {
    auto* out = new auth::Principal;
    out->subject = "services/team";
    out->service = "team";
    return out;
  }();
  return *p;
}

constexpr int kMaxWarningDays = 366;
// Holders read per statement while a page of ListIneligibleHolders is filled.
constexpr int kHolderBatch = 200;

void DeriveStates(std::vector<v1::Certification>& certs, absl::CivilDay day) {
  for (auto& c : certs) c.set_state(StateOn(c, day, c.state() == v1::REVOKED));
}

v1::HolderEligibility ToHolder(const v1::Member& m, v1::RmKind former, const HolderAssessment& a) {
  v1::HolderEligibility h;
  h.set_member(m.name());
  h.set_display_name(m.display_name());
  h.set_eligible(a.eligible);
  for (auto r : a.reasons) h.add_reasons(r);
  if (a.has_expiry) {
    *h.mutable_certificate_expiry() = internal::ToDate(a.expiry);
    h.set_days_to_expiry(a.days_to_expiry);
  }
  h.set_rm_kind(a.rm_kind);
  if (former != a.rm_kind) h.set_previous_rm_kind(former);
  h.set_role(m.role());
  h.set_status(m.status());
  return h;
}

}  // namespace

absl::StatusOr<HolderAssessment> TeamService::Assess(TeamStore& store, const v1::Member& member,
                                                     absl::CivilDay today) {
  const int64_t id = IdOf(member.name(), "members");
  RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Certification> certs, store.ListQualificationsOf({id}));
  DeriveStates(certs, today);
  RMHUB_ASSIGN_OR_RETURN(v1::RmKind former, store.GetFormerRmKind(id));
  return AssessHolder(member, former, certs, today);
}

absl::Status TeamService::EmitIfEligibilityChanged(TeamStore& store, const Principal& p,
                                                   const v1::Member& member,
                                                   const HolderAssessment& before,
                                                   const HolderAssessment& after,
                                                   const std::string& cause) {
  if (!EligibilityChanged(before, after)) return absl::OkStatus();
  return Emit(store, p, "team.member.eligibility_changed", member.name(),
              EligibilityEvent(member, before, after, cause));
}

absl::Status TeamService::EndMentorshipsIfMentorIneligible(TeamStore& store, const Principal& p,
                                                           const v1::Member& member) {
  if (MayStillMentor(member)) return absl::OkStatus();
  RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Mentorship> active,
                         store.ListActiveMentorshipsOf(IdOf(member.name(), "members")));
  const absl::CivilDay today = Today();
  for (auto& m : active) {
    m.set_state(v1::MENTORSHIP_ENDED);
    m.set_outcome(v1::MENTOR_NO_LONGER_ELIGIBLE);
    // A mentorship started later than today (a future start date) ends on its start date.
    const auto& s = m.start_date();
    const absl::CivilDay start(s.year(), s.month(), s.day());
    *m.mutable_end_date() = internal::ToDate(std::max(today, start));
    RMHUB_RETURN_IF_ERROR(store.EndMentorship(IdOf(m.name(), "mentorships"), m));
    RMHUB_RETURN_IF_ERROR(Emit(store, p, "team.mentorship.ended", m.name(), m));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListIneligibleHoldersResponse> TeamService::ListIneligibleHolders(
    const Caller& c, const v1::ListIneligibleHoldersRequest& r) {
  FieldErrors errors;
  auto branch_id = api::ParseName(r.branch(), "branches", "branch");
  if (!branch_id.ok()) errors.Add("branch", FieldViolations(branch_id.status())[0].description);
  int window = r.expiring_within_days();
  if (window == 0) window = config_.certificate_warning_days;
  if (window < 1 || window > kMaxWarningDays) {
    errors.Add("expiring_within_days",
               absl::StrCat("must be 0 (the default, ", config_.certificate_warning_days,
                            ") or 1..", kMaxWarningDays));
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  RMHUB_RETURN_IF_ERROR(AccessPolicy::CanListIneligibleHolders(c.principal, *branch_id));
  const std::string key = absl::StrCat(r.branch(), "|", window);
  RMHUB_ASSIGN_OR_RETURN(api::PageRequest page, api::ParsePage(r.page_size(), r.page_token(), key));
  const absl::CivilDay today = Today();
  v1::ListIneligibleHoldersResponse out;
  RMHUB_RETURN_IF_ERROR(repository_.Read([&](TeamStore& store) -> absl::Status {
    out.Clear();
    RMHUB_RETURN_IF_ERROR(LoadBranch(store, *branch_id, "branch").status());
    int64_t after = page.after_id;
    while (true) {
      RMHUB_ASSIGN_OR_RETURN(std::vector<TeamStore::Holder> batch,
                             store.ListHolders(*branch_id, after, kHolderBatch));
      std::vector<int64_t> ids;
      for (const auto& h : batch) ids.push_back(IdOf(h.member.name(), "members"));
      RMHUB_ASSIGN_OR_RETURN(std::vector<v1::Certification> certs, store.ListQualificationsOf(ids));
      DeriveStates(certs, today);
      for (const auto& h : batch) {
        const int64_t id = IdOf(h.member.name(), "members");
        std::vector<v1::Certification> own;
        for (const auto& cert : certs) {
          if (api::ParseChildName(cert.name(), "members", "certifications", "name")->parent == id) {
            own.push_back(cert);
          }
        }
        HolderAssessment a = AssessHolder(h.member, h.former_rm_kind, own, today);
        if (!NeedsAttention(a, window)) continue;
        if (out.holders_size() == page.limit) {
          out.set_next_page_token(
              api::NextPageToken(IdOf(out.holders(page.limit - 1).member(), "members"), key));
          return absl::OkStatus();
        }
        *out.add_holders() = ToHolder(h.member, h.former_rm_kind, a);
      }
      if (static_cast<int>(batch.size()) < kHolderBatch) return absl::OkStatus();
      after = ids.back();
    }
  }));
  return out;
}

absl::StatusOr<int> TeamService::SweepExpiredCertifications(int limit) {
  const absl::CivilDay today = Today();
  std::vector<v1::Certification> due;
  RMHUB_RETURN_IF_ERROR(repository_.ReadSingle([&](TeamStore& store) -> absl::Status {
    RMHUB_ASSIGN_OR_RETURN(due, store.ListUnpublishedExpiries(today, limit));
    return absl::OkStatus();
  }));
  const Principal& p = SweepPrincipal();
  int published = 0;
  for (const auto& cert : due) {
    auto id = api::ParseChildName(cert.name(), "members", "certifications", "name");
    if (!id.ok()) return id.status();
    bool claimed = false;
    google::protobuf::Empty request, response;
    RMHUB_RETURN_IF_ERROR(repository_.Write(
        {"SweepExpiredCertifications", "", p.subject}, request, &response,
        [&](TeamStore& store) -> absl::Status {
          claimed = false;
          // Lock the member first (the order every member mutation takes), then claim.
          RMHUB_ASSIGN_OR_RETURN(std::optional<v1::Member> member,
                                 store.GetMember(id->parent, /*lock=*/true));
          if (!member.has_value()) return absl::OkStatus();
          RMHUB_ASSIGN_OR_RETURN(
              claimed,
              store.ClaimExpiryNotice(id->parent, id->child, cert.expiry_date(), clock_.Now()));
          if (!claimed) return absl::OkStatus();
          const auto& e = cert.expiry_date();
          const absl::CivilDay expiry_day(e.year(), e.month(), e.day());
          RMHUB_ASSIGN_OR_RETURN(HolderAssessment before, Assess(store, *member, expiry_day));
          RMHUB_ASSIGN_OR_RETURN(HolderAssessment after, Assess(store, *member, today));
          v1::Certification expired = cert;
          expired.set_state(v1::EXPIRED);
          RMHUB_RETURN_IF_ERROR(
              Emit(store, p, "team.certification.expired", expired.name(), expired));
          return EmitIfEligibilityChanged(store, p, *member, before, after,
                                          "team.certification.expired");
        },
        nullptr));
    published += claimed ? 1 : 0;
  }
  return published;
}

}  // namespace rmhub::team
