#include "common/clock/clock.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "common/status/errors.h"

namespace rmhub {

absl::Time OffsetFileClock::Now() const {
  std::ifstream in(path_);
  std::string text;
  if (in) std::getline(in, text);
  text = std::string(absl::StripAsciiWhitespace(text));
  absl::Duration offset;
  if (text.empty() || !absl::ParseDuration(text, &offset)) offset = absl::ZeroDuration();
  return absl::Now() + offset;
}

const RealClock& RealClock::Instance() {
  static const RealClock* clock = new RealClock();
  return *clock;
}

absl::StatusOr<absl::TimeZone> LoadZone(const std::string& name, const std::string& flag) {
  absl::TimeZone zone;
  if (name.empty() || !absl::LoadTimeZone(name, &zone)) {
    return InvalidField(flag, "unknown time zone \"" + name + "\"");
  }
  return zone;
}

absl::CivilDay Today(const Clock& clock, const absl::TimeZone& zone) {
  return absl::ToCivilDay(clock.Now(), zone);
}

}  // namespace rmhub
