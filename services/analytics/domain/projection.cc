#include "services/analytics/domain/projection.h"

#include <functional>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/resource_name.h"
#include "common/status/errors.h"
#include "rmhub/customer/v1/customer.pb.h"
#include "rmhub/team/v1/team.pb.h"

namespace rmhub::analytics {
namespace {

namespace cv1 = rmhub::customer::v1;
namespace tv1 = rmhub::team::v1;

// The leading "<collection>/<id>" of a name ("members/7/certifications/3" -> 7 for members).
int64_t LeadingId(const std::string& name, absl::string_view collection) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() < 2 || parts[0] != collection) return 0;
  return api::IdOf(absl::StrCat(parts[0], "/", parts[1]), collection);
}

template <class T>
absl::StatusOr<T> Unpack(const common::v1::DomainEvent& e) {
  T out;
  if (!e.payload().UnpackTo(&out)) {
    return InvalidField("events.payload",
                        absl::StrCat("does not hold a ", T::descriptor()->full_name(), " as ",
                                     e.type(), " requires"));
  }
  return out;
}

// customer.assigned / transferred / handed_over carry CustomerOwnershipChanged; the move itself is
// its assignment record.
absl::StatusOr<cv1::AssignmentRecord> OwnershipRecord(const common::v1::DomainEvent& e) {
  RMHUB_ASSIGN_OR_RETURN(cv1::CustomerOwnershipChanged c, Unpack<cv1::CustomerOwnershipChanged>(e));
  return c.record();
}

bool Holds(const CustomerState& s) { return s.owner != 0 && !s.archived; }

// Moves a customer's contribution to its owners' books from `before` to `after`.
void BookChange(const std::optional<CustomerState>& before, const CustomerState& after,
                Effects& fx) {
  if (before && Holds(*before)) {
    fx.holdings.push_back({before->owner, -1, before->key_account ? -1 : 0, -before->aum_minor});
  }
  if (Holds(after)) {
    fx.holdings.push_back({after.owner, 1, after.key_account ? 1 : 0, after.aum_minor});
  }
}

void AddCounter(Effects& fx, int64_t member, Counter c, int64_t amount) {
  if (member != 0 && amount != 0) fx.counters.push_back({member, c, amount});
}

// A customer won back (dormant or churned to active) or lost (to churned) between two states.
void StatusCounters(const CustomerState& old, const CustomerState& now, Effects& fx) {
  bool was_lapsed = old.status == cv1::DORMANT || old.status == cv1::CHURNED;
  if (was_lapsed && now.status == cv1::ACTIVE) AddCounter(fx, now.owner, Counter::kWonBack, 1);
  if (old.status != cv1::CHURNED && now.status == cv1::CHURNED) {
    AddCounter(fx, old.owner != 0 ? old.owner : now.owner, Counter::kChurned, 1);
  }
}

// customer.status_changed (CustomerStatusChanged) is written with the customer.updated that carries
// the whole new state, in the same transaction: the snapshot moves the state and counts the
// win-back or churn; this event only has to hold its payload.
absl::Status CustomerStatusChange(const common::v1::DomainEvent& e, const Prior&, bool, Effects&) {
  return Unpack<cv1::CustomerStatusChanged>(e).status();
}

// customer.created / updated / archived: the Customer as it now stands.
absl::Status CustomerSnapshot(const common::v1::DomainEvent& e, const Prior& prior, bool stale,
                              Effects& fx) {
  RMHUB_ASSIGN_OR_RETURN(cv1::Customer c, Unpack<cv1::Customer>(e));
  if (stale) return absl::OkStatus();
  CustomerState s;
  s.owner = api::IdOf(c.owner(), "members");
  s.team = api::IdOf(c.team(), "teams");
  s.branch = api::IdOf(c.branch(), "branches");
  s.status = c.status();
  s.key_account = c.key_account();
  s.aum_minor = c.aum().minor_units();
  s.archived = c.archived() || e.type() == "customer.archived";
  fx.customer = LeadingId(e.aggregate(), "customers");
  BookChange(prior.customer, s, fx);
  if (!prior.customer) {
    AddCounter(fx, s.owner, Counter::kNewCustomers, 1);
    AddCounter(fx, s.owner, Counter::kAumChange, s.aum_minor);
  } else {
    const CustomerState& old = *prior.customer;
    StatusCounters(old, s, fx);
    if (old.owner == s.owner) {
      AddCounter(fx, s.owner, Counter::kAumChange, s.aum_minor - old.aum_minor);
    }
  }
  fx.customer_state = s;
  return absl::OkStatus();
}

// customer.assigned / transferred / handed_over: the book moves to record.to_owner.
absl::Status CustomerAssignment(const common::v1::DomainEvent& e, const Prior& prior, bool stale,
                                Effects& fx) {
  RMHUB_ASSIGN_OR_RETURN(cv1::AssignmentRecord r, OwnershipRecord(e));
  if (stale) return absl::OkStatus();
  CustomerState s = prior.customer.value_or(CustomerState{});
  s.owner = api::IdOf(r.to_owner(), "members");
  if (prior.assignee) {
    s.team = prior.assignee->home_team;
    s.branch = prior.assignee->branch;
  }
  fx.customer = LeadingId(e.aggregate(), "customers");
  BookChange(prior.customer, s, fx);
  // A customer's first owner acquired it: created unassigned, then assigned.
  if (!prior.customer || prior.customer->owner == 0) {
    AddCounter(fx, s.owner, Counter::kNewCustomers, 1);
  }
  fx.customer_state = s;
  return absl::OkStatus();
}

absl::Status InteractionLogged(const common::v1::DomainEvent& e, const Prior&, bool, Effects& fx) {
  RMHUB_ASSIGN_OR_RETURN(cv1::Interaction i, Unpack<cv1::Interaction>(e));
  int64_t manager = api::IdOf(i.manager(), "members");
  AddCounter(fx, manager, Counter::kInteractions, 1);
  if (manager != 0) {
    fx.contacted_customer = LeadingId(e.aggregate(), "customers");
    fx.contacted_by = manager;
  }
  return absl::OkStatus();
}

absl::Status MemberSnapshot(const common::v1::DomainEvent& e, const Prior&, bool stale,
                            Effects& fx) {
  RMHUB_ASSIGN_OR_RETURN(tv1::Member m, Unpack<tv1::Member>(e));
  if (stale) return absl::OkStatus();
  fx.member = LeadingId(e.aggregate(), "members");
  fx.member_state = MemberState{api::IdOf(m.branch(), "branches"),
                                api::IdOf(m.home_team(), "teams"), m.role(), m.status()};
  return absl::OkStatus();
}

absl::Status LadderChanged(const common::v1::DomainEvent& e, const Prior&, bool, Effects& fx) {
  RMHUB_ASSIGN_OR_RETURN(tv1::LadderChange c, Unpack<tv1::LadderChange>(e));
  if (c.kind() == tv1::PROMOTION) {
    AddCounter(fx, LeadingId(e.aggregate(), "members"), Counter::kPromotions, 1);
  }
  return absl::OkStatus();
}

absl::Status MentorshipStarted(const common::v1::DomainEvent& e, const Prior&, bool, Effects& fx) {
  RMHUB_ASSIGN_OR_RETURN(tv1::Mentorship m, Unpack<tv1::Mentorship>(e));
  AddCounter(fx, api::IdOf(m.mentor(), "members"), Counter::kMentorshipsStarted, 1);
  return absl::OkStatus();
}

absl::Status MentorshipEnded(const common::v1::DomainEvent& e, const Prior&, bool, Effects& fx) {
  RMHUB_ASSIGN_OR_RETURN(tv1::Mentorship m, Unpack<tv1::Mentorship>(e));
  if (m.outcome() == tv1::MENTEE_QUALIFIED) {
    AddCounter(fx, api::IdOf(m.mentor(), "members"), Counter::kMentorshipsCompleted, 1);
  }
  return absl::OkStatus();
}

absl::Status CertificationChanged(const common::v1::DomainEvent& e, const Prior&, bool stale,
                                  Effects& fx) {
  RMHUB_ASSIGN_OR_RETURN(tv1::Certification c, Unpack<tv1::Certification>(e));
  if (stale) return absl::OkStatus();
  absl::StatusOr<api::ChildId> id =
      api::ParseChildName(e.aggregate(), "members", "certifications", "events.aggregate");
  if (!id.ok()) return id.status();
  fx.certification_member = id->parent;
  fx.certification = id->child;
  fx.certification_valid = c.state() == tv1::VALID && e.type() != "team.certification.revoked";
  const common::v1::Date& d = c.expiry_date();
  fx.certification_until =
      d.year() > 0 ? absl::CivilDay(d.year(), d.month(), d.day()) : absl::CivilDay(9999, 12, 31);
  return absl::OkStatus();
}

using Handler =
    std::function<absl::Status(const common::v1::DomainEvent&, const Prior&, bool, Effects&)>;

struct HandlerEntry {
  Handler handler;
  bool state;  // a state event (ordered by aggregate_version)
};

// One entry per event type consumed. Events of other types are stored (and replayed by a
// rebuild once a handler exists) but change no projection.
const std::map<std::string, HandlerEntry>& Handlers() {
  static const auto* handlers = new std::map<std::string, HandlerEntry>{
      {"customer.created", {CustomerSnapshot, true}},
      {"customer.updated", {CustomerSnapshot, true}},
      {"customer.status_changed", {CustomerStatusChange, false}},
      {"customer.archived", {CustomerSnapshot, true}},
      {"customer.assigned", {CustomerAssignment, true}},
      {"customer.transferred", {CustomerAssignment, true}},
      {"customer.handed_over", {CustomerAssignment, true}},
      {"customer.interaction_logged", {InteractionLogged, false}},
      {"team.member.created", {MemberSnapshot, true}},
      {"team.member.updated", {MemberSnapshot, true}},
      {"team.member.ladder_changed", {LadderChanged, false}},
      {"team.mentorship.started", {MentorshipStarted, false}},
      {"team.mentorship.ended", {MentorshipEnded, false}},
      {"team.certification.added", {CertificationChanged, true}},
      {"team.certification.revoked", {CertificationChanged, true}},
  };
  return *handlers;
}

}  // namespace

int32_t MonthOf(absl::Time t, absl::TimeZone zone) {
  absl::CivilSecond cs = absl::ToCivilSecond(t, zone);
  return static_cast<int32_t>(cs.year() * 100 + cs.month());
}

const char* CounterColumn(Counter c) {
  switch (c) {
    case Counter::kInteractions:
      return "interactions";
    case Counter::kCustomersContacted:
      return "customers_contacted";
    case Counter::kNewCustomers:
      return "new_customers";
    case Counter::kChurned:
      return "churned";
    case Counter::kWonBack:
      return "won_back";
    case Counter::kAumChange:
      return "aum_change_minor";
    case Counter::kPromotions:
      return "promotions";
    case Counter::kMentorshipsStarted:
      return "mentorships_started";
    case Counter::kMentorshipsCompleted:
      return "mentorships_completed";
    case Counter::kComplaints:
      return "complaints";
    case Counter::kSatisfactionResponses:
      return "satisfaction_responses";
    case Counter::kSatisfactionSum:
      return "satisfaction_sum";
    case Counter::kTasksCompleted:
      return "tasks_completed";
    case Counter::kTasksOnTime:
      return "tasks_on_time";
    case Counter::kChecksCompleted:
      return "checks_completed";
    case Counter::kCrossDepartment:
      return "cross_department_tasks";
    case Counter::kActionItemsAssigned:
      return "action_items_assigned";
    case Counter::kActionItemsDone:
      return "action_items_done";
  }
  return "interactions";
}

absl::Status ValidateEnvelope(const common::v1::DomainEvent& e, int index) {
  std::string at = absl::StrCat("events[", index, "].");
  std::vector<FieldViolation> bad;
  if (e.event_id().empty() || e.event_id().size() > 64) {
    bad.push_back({at + "event_id", "1..64 characters"});
  }
  if (e.source().empty() || e.source().size() > 32) bad.push_back({at + "source", "required"});
  if (e.type().empty() || e.type().size() > 128) bad.push_back({at + "type", "required"});
  std::vector<absl::string_view> parts = absl::StrSplit(e.aggregate(), '/');
  if (e.aggregate().size() > 191 || parts.size() < 2 || parts[0].empty() || parts[1].empty()) {
    bad.push_back({at + "aggregate", "a resource name \"<collection>/<id>\""});
  }
  if (!e.has_occur_time() || e.occur_time().seconds() < 946684800 ||
      e.occur_time().seconds() > 4102444800 || e.occur_time().nanos() < 0 ||
      e.occur_time().nanos() > 999999999) {
    bad.push_back({at + "occur_time", "a time between 2000 and 2100"});
  }
  if (e.aggregate_version() < 1) bad.push_back({at + "aggregate_version", "1 or more"});
  if (!e.has_payload()) bad.push_back({at + "payload", "required"});
  if (!bad.empty()) return InvalidArgument(std::move(bad));
  return absl::OkStatus();
}

absl::Status CheckSource(const auth::Principal& p, const common::v1::DomainEvent& e, int index) {
  if (!p.is_service()) {
    return PermissionDenied("SERVICE_ONLY", "only services deliver events");
  }
  if (e.source() != p.service) {
    return PermissionDenied("SOURCE_NOT_OWNED",
                            absl::StrCat("events[", index, "].source is not the caller's service"));
  }
  return absl::OkStatus();
}

bool IsStateEvent(const std::string& type) {
  auto it = Handlers().find(type);
  return it != Handlers().end() && it->second.state;
}

absl::StatusOr<Subjects> SubjectsOf(const common::v1::DomainEvent& e) {
  Subjects s;
  s.customer = LeadingId(e.aggregate(), "customers");
  s.member = LeadingId(e.aggregate(), "members");
  if (e.type() == "customer.assigned" || e.type() == "customer.transferred" ||
      e.type() == "customer.handed_over") {
    RMHUB_ASSIGN_OR_RETURN(cv1::AssignmentRecord r, OwnershipRecord(e));
    s.assignee = api::IdOf(r.to_owner(), "members");
  }
  return s;
}

absl::StatusOr<Effects> EffectsOf(const common::v1::DomainEvent& e, const Prior& prior, bool stale,
                                  absl::TimeZone) {
  Effects fx;
  auto it = Handlers().find(e.type());
  if (it == Handlers().end()) return fx;
  RMHUB_RETURN_IF_ERROR(it->second.handler(e, prior, stale, fx));
  return fx;
}

}  // namespace rmhub::analytics
