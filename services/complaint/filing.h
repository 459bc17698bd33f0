#pragma once
// Filing a complaint inside the repository's transaction: a repeat of an open complaint (same
// customer, category and subject, within its period; domain/repeats.h) is merged into it, any
// other filing inserts a new complaint. Either way one history row is sealed onto the chain.
// The core of FileComplaint; the caller has validated and authorized the request and computed
// the new complaint's clock (deadline, sla_state).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rmhub/complaint/v1/complaint.pb.h"
#include "services/complaint/repository.h"

namespace rmhub::complaint {

struct FilingOutcome {
  int64_t complaint_id = 0;
  bool merged = false;
};

// `complaint` carries customer, branch, the filing fields, receive_time, state RECEIVED,
// jurisdiction, deadline and sla_state. Two concurrent filings of one repeat: the one that
// inserts second gets REPEAT_KEY_TAKEN once the first commits, reads the holder and merges.
// ABORTED FILING_CONTENDED if the key changed hands twice within the transaction (retry).
absl::StatusOr<FilingOutcome> FileOrMerge(ComplaintStore& store, const v1::Complaint& complaint,
                                          const std::string& actor, absl::Time now);

}  // namespace rmhub::complaint
