#pragma once
// The tamper-evident history (DOMAIN.md §5, issue 10 point 7): each history row of a complaint
// carries the hash of the previous row of that complaint; a row's hash is SHA-256 over the
// canonical encoding of its content and the previous hash. Editing, deleting or reordering a
// row breaks the chain at that row.
//
// Canonical encoding (version 1), bytes, each field as `<name>=<byte length>:<value>\n` in this
// order, after the line `rmhub.complaint.history.v1\n`:
//   complaint (decimal id), sequence (decimal), kind (enum name), from_state, to_state (enum
//   names), actor, time (decimal Unix microseconds, UTC), note, details (the row's JSON details
//   as stored), previous_hash (64 lower-case hex).
// Length prefixes make the encoding injective: no two different rows encode alike whatever their
// text holds.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "rmhub/complaint/v1/complaint.pb.h"

namespace rmhub::complaint {

// The previous hash of a complaint's first row.
inline constexpr char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct HistoryRow {
  int64_t complaint_id = 0;
  int64_t sequence = 0;
  v1::HistoryKind kind = v1::HISTORY_KIND_UNSPECIFIED;
  v1::ComplaintState from_state = v1::COMPLAINT_STATE_UNSPECIFIED;
  v1::ComplaintState to_state = v1::COMPLAINT_STATE_UNSPECIFIED;
  std::string actor;
  absl::Time time;
  std::string note;
  std::string details;
  std::string previous_hash;
  std::string hash;  // as stored; ignored by the encoding
};

std::string CanonicalEncoding(const HistoryRow& row);
// Hex SHA-256 of CanonicalEncoding(row).
std::string RowHash(const HistoryRow& row);

// Sets previous_hash (from `previous`, or the genesis hash when null) and hash of a new row.
void Seal(HistoryRow& row, const HistoryRow* previous);

struct ChainVerdict {
  bool intact = true;
  int64_t rows_checked = 0;
  int64_t first_broken_sequence = 0;
  std::string detail;
};

// Checks rows in sequence order: sequences 1, 2, 3, …; each previous_hash equals the hash of the
// row before (genesis for the first); each stored hash equals the recomputed one.
ChainVerdict VerifyChain(const std::vector<HistoryRow>& rows);

}  // namespace rmhub::complaint
