#pragma once
// The background loop behind TeamService::SweepExpiredCertifications: every `interval` (real
// time) it publishes the RM qualifications whose expiry date has passed by the service's Clock,
// in batches until none is left. Every replica runs one; the claim row in each publication's
// transaction makes each expiry published exactly once across replicas.

#include "absl/time/time.h"
#include "common/clock/periodic.h"
#include "services/team/team_service.h"

namespace rmhub::team {

class ExpirySweeper {
 public:
  ExpirySweeper(TeamService& service, absl::Duration interval);
  ExpirySweeper(const ExpirySweeper&) = delete;
  ExpirySweeper& operator=(const ExpirySweeper&) = delete;

  void Start();
  void Stop();

 private:
  // Publishes every expiry due, in batches, until none is left or the sweeper stops.
  void Pass();

  TeamService& service_;
  clock::Periodic periodic_;  // last: destroyed (stopped) first
};

}  // namespace rmhub::team
