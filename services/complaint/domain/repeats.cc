#include "services/complaint/domain/repeats.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/encoding/sha256.h"
#include "services/complaint/domain/workflow.h"

namespace rmhub::complaint {

std::string NormalizeSubject(absl::string_view subject) {
  std::string out;
  bool space = false;
  for (char c : subject) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string RepeatKey(absl::string_view customer, v1::Category category,
                      absl::string_view subject) {
  // Length-prefixed so no two different triples encode alike.
  std::string norm = NormalizeSubject(subject);
  return encoding::Sha256Hex(absl::StrCat(customer.size(), ":", customer, "|",
                                          v1::Category_Name(category), "|", norm.size(), ":",
                                          norm));
}

bool IsRepeatOf(const v1::Complaint& open, absl::string_view repeat_key_of_open,
                absl::string_view filing_key, absl::Time received, absl::Time open_deadline) {
  return IsOpen(open.state()) && repeat_key_of_open == filing_key && received < open_deadline;
}

}  // namespace rmhub::complaint
