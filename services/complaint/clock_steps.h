#pragma once
// The steps that change a complaint's clock: extending its period and recording (or correcting)
// an external appraisal. Each runs inside the repository's transaction: it locks the complaint,
// decides on the clock recomputed from the stored history, appends the history row, stores the
// clock recomputed from the history including that row, and emits the event — all or nothing.
// The caller has authorized the request (domain/access_policy.h, Access::kManage) and, for an
// extension, decided whether the approver is of senior rank (from the team service).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rmhub/complaint/v1/complaint.pb.h"
#include "services/complaint/domain/clock.h"
#include "services/complaint/repository.h"
#include "services/complaint/sla_sweep.h"

namespace rmhub::complaint {

inline constexpr char kDeadlineExtendedEvent[] = "complaint.deadline_extended";
inline constexpr char kAppraisalRecordedEvent[] = "complaint.appraisal_recorded";

// NOT_FOUND COMPLAINT_NOT_FOUND; INVALID_ARGUMENT on approver (not "members/{id}") and the
// fields DecideExtension names; its FAILED_PRECONDITION reasons. Returns the complaint as
// stored after the change.
absl::StatusOr<StoredComplaint> ExtendDeadline(ComplaintStore& store, const ClockBook& clocks,
                                               int64_t id, const ExtensionAsk& ask,
                                               const std::string& actor, absl::Time now);

// `appraisal.id` empty records a new appraisal ("a1", "a2", … in recording order); otherwise it
// corrects that one (INVALID_ARGUMENT "appraisal.appraisal_id" when there is none). INVALID_
// ARGUMENT on appraisal.start_date / end_date (order, at most 180 days, after the day of
// receipt), note (1–500 characters). FAILED_PRECONDITION APPRAISAL_NOT_EXCLUDED under a profile
// that does not exclude appraisals, CLOCK_STOPPED once the clock stopped.
absl::StatusOr<StoredComplaint> RecordAppraisal(ComplaintStore& store, const ClockBook& clocks,
                                                int64_t id, AppraisalPeriod appraisal,
                                                const std::string& note, const std::string& actor,
                                                absl::Time now);

}  // namespace rmhub::complaint
