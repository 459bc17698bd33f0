#include "common/clock/clock.h"

#include "common/status/errors.h"

namespace rmhub {

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
