#include "services/team/expiry_sweeper.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace rmhub::team {

namespace {
constexpr int kBatch = 100;
}  // namespace

ExpirySweeper::ExpirySweeper(TeamService& service, absl::Duration interval)
    : service_(service),
      periodic_(interval, clock::Periodic::FirstPass::kAfterInterval, [this] { Pass(); }) {}

void ExpirySweeper::Start() { periodic_.Start(); }

void ExpirySweeper::Stop() { periodic_.Stop(); }

void ExpirySweeper::Pass() {
  int total = 0;
  while (true) {
    absl::StatusOr<int> published = service_.SweepExpiredCertifications(kBatch);
    if (!published.ok()) {
      log::Warn("certificate expiry sweep failed", {{"status", published.status().ToString()}});
      break;
    }
    total += *published;
    // A short batch was the last one (a batch claimed by another replica counts short too).
    if (*published < kBatch || periodic_.stopping()) break;
  }
  if (total > 0) log::Info("certificate expiries published", {{"count", absl::StrCat(total)}});
}

}  // namespace rmhub::team
