#pragma once
// Time comes from an injected Clock; domain code never reads the system clock itself.
// Regulatory and calendar rules work in civil days of a configured zone (default Asia/Shanghai).

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace rmhub {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  static const RealClock& Instance();
};

// A clock tests move by hand.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

// Development and end-to-end stacks only (--dev_clock_offset_file, which needs --dev_mode): the
// real time plus an offset read from a file at every call, in absl duration syntax ("36h",
// "-2h30m"); a missing or empty file is no offset, an unparsable one is too (and says so once on
// stderr). Lets an e2e test move a running service's days (expiry dates, reminders) forward.
class OffsetFileClock final : public Clock {
 public:
  explicit OffsetFileClock(std::string path) : path_(std::move(path)) {}
  absl::Time Now() const override;

 private:
  const std::string path_;
};

inline constexpr char kDefaultZone[] = "Asia/Shanghai";

// Loads a zone from the system database; INVALID_ARGUMENT naming `flag` when unknown.
absl::StatusOr<absl::TimeZone> LoadZone(const std::string& name, const std::string& flag = "zone");

// Today's civil day in `zone`.
absl::CivilDay Today(const Clock& clock, const absl::TimeZone& zone);

}  // namespace rmhub
