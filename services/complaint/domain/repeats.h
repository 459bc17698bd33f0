#pragma once
// Repeat complaints (DOMAIN.md §5): the same customer, category and subject filed again while an
// earlier complaint is open is merged into it instead of opening a second one.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rmhub/complaint/v1/complaint.pb.h"

namespace rmhub::complaint {

// The subject as compared: surrounding whitespace removed, inner runs of whitespace collapsed to
// one space, ASCII letters lower-cased (Chinese text is compared as written).
std::string NormalizeSubject(absl::string_view subject);

// The key that identifies a repeat: hex SHA-256 of customer, category and normalised subject.
// The repository keeps it unique among open complaints, so two concurrent filings of the same
// repeat cannot both open a complaint.
std::string RepeatKey(absl::string_view customer, v1::Category category, absl::string_view subject);

// A filing received at `received` is a repeat of `open` when both keys match, `open` is still
// open, and the filing arrives before `open`'s deadline (within its period).
bool IsRepeatOf(const v1::Complaint& open, absl::string_view repeat_key_of_open,
                absl::string_view filing_key, absl::Time received, absl::Time open_deadline);

}  // namespace rmhub::complaint
