#pragma once
// The background loop behind TeamService::SweepExpiredCertifications: every `interval` (real
// time) it publishes the RM qualifications whose expiry date has passed by the service's Clock,
// in batches until none is left. Every replica runs one; the claim row in each publication's
// transaction makes each expiry published exactly once across replicas.

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/team/team_service.h"

namespace rmhub::team {

class ExpirySweeper {
 public:
  ExpirySweeper(TeamService& service, absl::Duration interval);
  ~ExpirySweeper();  // stops the thread
  ExpirySweeper(const ExpirySweeper&) = delete;
  ExpirySweeper& operator=(const ExpirySweeper&) = delete;

  void Start();
  void Stop();

 private:
  void Loop();

  TeamService& service_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rmhub::team
