#pragma once
// The complaint service's behaviour behind its gRPC surface (validate, authorize, apply the
// domain rules, store, publish events). Plain arguments in, StatusOr out.
//
// Steps that need a peer (routing facts and tasks from the team, customer and task services) ask
// it before the transaction, on the complaint as read at version V; the transaction then refuses
// (ABORTED CONCURRENT_CHANGE) if the complaint moved past V meanwhile. A task is created with a
// request id derived from (complaint, step, V, handler), so a step that failed after the task
// was created — or a retry of it — finds the same task, never a second one.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "rmhub/complaint/v1/complaint.pb.h"
#include "services/complaint/directory.h"
#include "services/complaint/domain/access_policy.h"
#include "services/complaint/domain/routing.h"
#include "services/complaint/repository.h"
#include "services/complaint/sla_sweep.h"

namespace rmhub::complaint {

struct ComplaintConfig {
  // The regime new complaints are filed under.
  v1::Jurisdiction jurisdiction = v1::CN_NFRA;
  // "teams/{id}" of the compliance (BACK_OFFICE) team VIOLATION complaints go to; "" = none
  // configured (a VIOLATION without an explicit team is then FAILED_PRECONDITION NO_TEAM).
  std::string compliance_team;
  // Due time of a remediation task when the request names none.
  absl::Duration remediation_due = absl::Hours(7 * 24);
};

using auth::Caller;

class ComplaintService {
 public:
  // None owned.
  ComplaintService(ComplaintRepository& repository, Directory& directory, const ClockBook& clocks,
                   const Clock& clock, ComplaintConfig config);

#define RMHUB_COMPLAINT_RPC(Method, Request, Response) \
  absl::StatusOr<v1::Response> Method(const Caller& c, const v1::Request& r);
#include "services/complaint/complaint_rpcs.inc"
#undef RMHUB_COMPLAINT_RPC

  // One SLA sweep over every open complaint at the service's clock (sla_sweep.h).
  absl::StatusOr<SweepStats> SweepSla();
  // One category spike sweep at the service's clock (category_spikes.h); events emitted.
  absl::StatusOr<int> SweepCategorySpikes();
  // Open complaints by stored SLA state (for the gauge).
  absl::StatusOr<std::map<v1::SlaState, int64_t>> CountOpenBySla();

 private:
  // What a step does, decided inside the transaction on the locked complaint; `next` starts as
  // the stored complaint and the decision edits it.
  struct StepChange {
    v1::HistoryKind kind = v1::STEP;
    v1::ComplaintState to = v1::COMPLAINT_STATE_UNSPECIFIED;  // STEP only
    std::string note;
    std::string details = "{}";
    std::string event;
  };
  using Decide = std::function<absl::StatusOr<StepChange>(const StoredComplaint& current,
                                                          v1::Complaint& next)>;
  struct StepCall {
    const char* method;
    const google::protobuf::Message* request;
    std::string request_id;
    int64_t id = 0;
    std::string etag;
    Access access = Access::kWork;
    // When set, the transaction refuses unless the complaint is still at this version (facts
    // were read from peers for it).
    std::optional<int64_t> at_version;
  };
  absl::StatusOr<v1::Complaint> RunStep(const Caller& c, const StepCall& call,
                                        const Decide& decide);
  // Runs the step's transaction only to fail with `refusal` (decided on the complaint as read
  // before it): a replay of a step that succeeded still gets its first answer, any other call
  // the refusal (or ABORTED when the complaint moved meanwhile).
  absl::StatusOr<v1::Complaint> Refuse(const Caller& c, const StepCall& call, absl::Status refusal);
  // A step that only moves the state and records `note` (also as the state reason when
  // `is_reason`).
  absl::StatusOr<v1::Complaint> MoveTo(const Caller& c, const StepCall& call, v1::ComplaintState to,
                                       const std::string& note, bool is_reason, const char* event);
  // The team's lead and active members, from the team service.
  absl::StatusOr<TeamFacts> PeopleOf(const Caller& c, const std::string& team);
  // Moves the complaint's investigation task, if still open, to `handler` (task service).
  absl::Status MoveInvestigationTask(const Caller& c, const StoredComplaint& s,
                                     const std::string& handler, const char* step);

  // The complaint if it exists and the caller may `access` it (NOT_FOUND like a missing one
  // when they may not even read it).
  absl::StatusOr<StoredComplaint> LoadChecked(ComplaintStore& store, const auth::Principal& p,
                                              int64_t id, Access access, bool lock) const;
  // Read outside a transaction, for the steps that ask peers first.
  absl::StatusOr<StoredComplaint> ReadChecked(const Caller& c, int64_t id, Access access);
  // Fills the clock figures from the history, the extensions and appraisals, and redacts what
  // the caller may not see.
  absl::Status Present(const auth::Principal& p, const StoredComplaint& s,
                       const std::vector<HistoryRow>& history, v1::Complaint& out) const;
  // Present() for a complaint read in `store`.
  absl::StatusOr<v1::Complaint> Presented(ComplaintStore& store, const auth::Principal& p,
                                          const StoredComplaint& s) const;
  // The customer's masked display name from the customer service, best effort (left empty when
  // the customer service does not answer: a read does not fail for a name).
  void AddDisplayName(const Caller& c, v1::Complaint& out);
  absl::Status Emit(ComplaintStore& store, const auth::Principal& p, absl::string_view type,
                    const v1::Complaint& complaint) const;
  // Who is recused from a complaint about `complained_about` (the member and the leads of
  // their teams, from the team service).
  absl::StatusOr<Recusal> RecusalFor(const Caller& c, const std::string& complained_about);
  // FAILED_PRECONDITION HANDLER_NOT_ACTIVE / RECUSAL for a named handler.
  absl::Status CheckHandler(const Caller& c, const std::string& handler, const Recusal& recusal,
                            const std::string& field);

  ComplaintRepository& repository_;
  Directory& directory_;
  const ClockBook& clocks_;
  const Clock& clock_;
  ComplaintConfig config_;
};

}  // namespace rmhub::complaint
