#include "services/complaint/domain/history_chain.h"

#include "absl/strings/str_cat.h"
#include "common/encoding/sha256.h"

namespace rmhub::complaint {
namespace {

void Field(std::string& out, absl::string_view name, absl::string_view value) {
  absl::StrAppend(&out, name, "=", value.size(), ":", value, "\n");
}

}  // namespace

std::string CanonicalEncoding(const HistoryRow& row) {
  std::string out = "rmhub.complaint.history.v1\n";
  Field(out, "complaint", absl::StrCat(row.complaint_id));
  Field(out, "sequence", absl::StrCat(row.sequence));
  Field(out, "kind", v1::HistoryKind_Name(row.kind));
  Field(out, "from_state", v1::ComplaintState_Name(row.from_state));
  Field(out, "to_state", v1::ComplaintState_Name(row.to_state));
  Field(out, "actor", row.actor);
  Field(out, "time", absl::StrCat(absl::ToUnixMicros(row.time)));
  Field(out, "note", row.note);
  Field(out, "details", row.details);
  Field(out, "previous_hash", row.previous_hash);
  return out;
}

std::string RowHash(const HistoryRow& row) { return encoding::Sha256Hex(CanonicalEncoding(row)); }

void Seal(HistoryRow& row, const HistoryRow* previous) {
  row.previous_hash = previous ? previous->hash : std::string(kGenesisHash);
  row.hash = RowHash(row);
}

ChainVerdict VerifyChain(const std::vector<HistoryRow>& rows) {
  ChainVerdict v;
  std::string expected_previous = kGenesisHash;
  for (size_t i = 0; i < rows.size(); ++i) {
    const HistoryRow& row = rows[i];
    ++v.rows_checked;
    auto broken = [&](std::string detail) {
      v.intact = false;
      v.first_broken_sequence = row.sequence;
      v.detail = absl::StrCat("row ", row.sequence, ": ", detail);
      return v;
    };
    if (row.sequence != static_cast<int64_t>(i) + 1) {
      return broken(absl::StrCat("expected sequence ", i + 1, " (a row is missing or moved)"));
    }
    if (row.previous_hash != expected_previous) {
      return broken("its previous_hash is not the hash of the row before");
    }
    if (row.hash != RowHash(row)) {
      return broken("its stored hash differs from the hash of its content");
    }
    expected_previous = row.hash;
  }
  return v;
}

}  // namespace rmhub::complaint
