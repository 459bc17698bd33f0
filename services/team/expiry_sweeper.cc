#include "services/team/expiry_sweeper.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace rmhub::team {

namespace {
constexpr int kBatch = 100;
}  // namespace

ExpirySweeper::ExpirySweeper(TeamService& service, absl::Duration interval)
    : service_(service), interval_(interval) {}

ExpirySweeper::~ExpirySweeper() { Stop(); }

void ExpirySweeper::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void ExpirySweeper::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void ExpirySweeper::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_);
      if (stopping_) return;
    }
    int total = 0;
    while (true) {
      absl::StatusOr<int> published = service_.SweepExpiredCertifications(kBatch);
      if (!published.ok()) {
        log::Warn("certificate expiry sweep failed", {{"status", published.status().ToString()}});
        break;
      }
      total += *published;
      // A short batch was the last one (a batch claimed by another replica counts short too).
      if (*published < kBatch) break;
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (total > 0) log::Info("certificate expiries published", {{"count", absl::StrCat(total)}});
  }
}

}  // namespace rmhub::team
