#pragma once
// How events change the projections, pure (no SQL): the repository stores what these functions
// decide. One small handler per event type (projection.cc, kHandlers); a new event type is one
// more entry.
//
// Two kinds of events:
//  - state events carry the aggregate's whole state (customer.created/updated/status_changed/
//    archived carry the Customer, team.member.created/updated the Member). They are applied only
//    when their aggregate_version is above the version already applied for the aggregate; an
//    older one arriving late is stored and ignored (it cannot overwrite the newer state).
//  - fact events (an interaction logged, a promotion, a mentorship started, ...) add to counters.
//    The inbox (event_id) makes each count once; their order does not matter.
// Gaps (version N+2 before N+1) are applied at once and counted; the late N+1 is then stale for
// state events and still counted for fact events. Decision in docs/decisions.md.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "rmhub/common/v1/event.pb.h"

namespace rmhub::analytics {

// A civil month as yyyymm (202611).
int32_t MonthOf(absl::Time t, absl::TimeZone zone);

// What analytics keeps of a customer (customer.* state events, assignments).
struct CustomerState {
  int64_t owner = 0;  // member id, 0 = unassigned
  int64_t team = 0;
  int64_t branch = 0;
  int32_t status = 0;  // rmhub.customer.v1.CustomerStatus
  bool key_account = false;
  int64_t aum_minor = 0;
  bool archived = false;
};

// What analytics keeps of a member (team.member.* state events).
struct MemberState {
  int64_t branch = 0;
  int64_t home_team = 0;
  int32_t role = 0;    // rmhub.team.v1.Role
  int32_t status = 0;  // rmhub.team.v1.MemberStatus
};

// Per-member monthly counters (table member_months); names are its columns.
enum class Counter {
  kInteractions,
  kCustomersContacted,
  kNewCustomers,
  kChurned,
  kWonBack,
  kAumChange,
  kPromotions,
  kMentorshipsStarted,
  kMentorshipsCompleted,
  kComplaints,
  kSatisfactionResponses,
  kSatisfactionSum,
  kTasksCompleted,
  kTasksOnTime,
  kChecksCompleted,
  kCrossDepartment,
  kActionItemsAssigned,
  kActionItemsDone,
};
const char* CounterColumn(Counter c);

struct CounterDelta {
  int64_t member = 0;
  Counter counter;
  int64_t amount = 0;
};

// A change to a manager's book (table holdings).
struct HoldingDelta {
  int64_t member = 0;
  int64_t customers = 0;
  int64_t key_accounts = 0;
  int64_t aum_minor = 0;
};

// Everything one event does to the projections. The month is the event's occurrence month.
struct Effects {
  int64_t customer = 0;  // the customer whose state is replaced (0 = none)
  std::optional<CustomerState> customer_state;
  int64_t member = 0;  // the member whose state is replaced (0 = none)
  std::optional<MemberState> member_state;
  std::vector<HoldingDelta> holdings;
  std::vector<CounterDelta> counters;
  // An interaction: (customer, member) contacted in the month; counts kCustomersContacted once.
  int64_t contacted_customer = 0;
  int64_t contacted_by = 0;
  // A certification of a member: its id and whether it is now valid until `valid_until`.
  int64_t certification_member = 0;
  int64_t certification = 0;
  bool certification_valid = false;
  absl::CivilDay certification_until;
};

// What the repository knows before applying an event.
struct Prior {
  std::optional<CustomerState> customer;  // the customer's current state, when one exists
  std::optional<MemberState> member;
  // The member a customer assignment hands the book to (assignment records carry only names).
  std::optional<MemberState> assignee;
};

// Validates the envelope of events[index]: event_id (1..64 chars), source, type, aggregate
// ("<collection>/<id>..."), occur_time set and valid, aggregate_version >= 1, payload present.
// INVALID_ARGUMENT naming "events[i].<field>".
absl::Status ValidateEnvelope(const common::v1::DomainEvent& e, int index);

// Service principals only, each for the sources it owns (its own service name).
// PERMISSION_DENIED otherwise.
absl::Status CheckSource(const auth::Principal& p, const common::v1::DomainEvent& e, int index);

// True for event types whose aggregate_version orders state (state events); false for facts.
bool IsStateEvent(const std::string& type);

// The customer and member an event is about (for Prior), from its aggregate and payload.
struct Subjects {
  int64_t customer = 0;
  int64_t member = 0;
  int64_t assignee = 0;
};
absl::StatusOr<Subjects> SubjectsOf(const common::v1::DomainEvent& e);

// The effects of an event. `stale` = a state event at or below the applied version: its facts
// still count (e.g. never), its state is dropped. Unknown types have no effects (they are stored
// for a later rebuild). INVALID_ARGUMENT when the payload does not unpack as its type says.
absl::StatusOr<Effects> EffectsOf(const common::v1::DomainEvent& e, const Prior& prior, bool stale,
                                  absl::TimeZone zone);

}  // namespace rmhub::analytics
