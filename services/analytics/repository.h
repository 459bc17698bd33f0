#pragma once
// The storage the analytics service needs (the MySQL implementation is mysql_repository.{h,cc}).
// As in the other services, all work happens inside a repository callback; an AnalyticsStore is
// valid only inside it, and callbacks may run more than once (retried transactions).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/repository.h"
#include "rmhub/common/v1/event.pb.h"
#include "services/analytics/domain/access_policy.h"
#include "services/analytics/domain/projection.h"
#include "services/analytics/domain/scorecard.h"

namespace rmhub::analytics {

// An aggregate's ordering state, read under its row lock.
struct AggregateVersion {
  int64_t state_version = 0;
  int64_t max_version = 0;
  int64_t applied = 0;
};

class AnalyticsStore {
 public:
  virtual ~AnalyticsStore() = default;

  // The inbox: stores the event unless its event_id is known. False for a duplicate.
  virtual absl::StatusOr<bool> InsertEvent(const common::v1::DomainEvent& event, int64_t apply_seq,
                                           absl::Time now) = 0;
  // Locks the aggregate's row (created when new) and returns it.
  virtual absl::StatusOr<AggregateVersion> LockAggregate(const std::string& aggregate) = 0;
  virtual absl::Status SetAggregate(const std::string& aggregate, const AggregateVersion& v) = 0;

  virtual absl::StatusOr<std::optional<CustomerState>> GetCustomer(int64_t id) = 0;
  virtual absl::StatusOr<std::optional<MemberState>> GetMember(int64_t id) = 0;
  // Writes everything `fx` says, for an event of `month`.
  virtual absl::Status ApplyEffects(const Effects& fx, int32_t month) = 0;

  // Empties every projection (not the events).
  virtual absl::Status ClearProjections() = 0;
  // Stored events in replay order (aggregate, apply_seq), `limit` from the one after `after`
  // (keyset on the pair); each with its apply_seq.
  struct StoredEvent {
    common::v1::DomainEvent event;
    int64_t apply_seq = 0;
  };
  virtual absl::StatusOr<std::vector<StoredEvent>> ReadEvents(const std::string& after_aggregate,
                                                              int64_t after_seq, int limit) = 0;

  // Figures of a member, a team (current home-team members) or a branch over [first, last]
  // months; the certifications counted are those valid on `valid_on`.
  virtual absl::StatusOr<ScoreFigures> SumFigures(ScopeKind kind, int64_t id, int32_t first_month,
                                                  int32_t last_month, absl::CivilDay valid_on) = 0;
  // Whether any member of `team` belongs to `branch` (the team's branch as analytics knows it).
  virtual absl::StatusOr<bool> TeamInBranch(int64_t team, int64_t branch) = 0;
};

// Ingestion and rebuilds run through Write with an empty request_id: one plain transaction, no
// request record (ingestion deduplicates on event_id).
using AnalyticsRepository = db::Repository<AnalyticsStore>;

}  // namespace rmhub::analytics
