#pragma once
// Assignment by ability and load (根据能力和特长分配任务): members of a team ranked by the skills
// the work needs, their open workload (weighted by priority and urgency) and availability.
// Pure: the service gathers the facts (skills and status from the team service, open tasks from
// its own store). Every figure behind a score is returned, so a team lead can see why.
//
//   skill_score  = matched required skills / required skills (1 when none are required)
//   weighted_load = Σ over open tasks of priority weight (LOW 0.5, NORMAL 1, HIGH 2, URGENT 3)
//                   × 2 when due within 2 days or overdue
//   load_penalty = weighted_load / (weighted_load + 10)        (0 idle … → 1 swamped)
//   score        = skill_score − load_penalty
// Ties: fewer open tasks first, then the lower member id (stable for tests and people).
// Members who are not ACTIVE (ON_LEAVE, LEFT) are never candidates.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "rmhub/task/v1/task.pb.h"

namespace rmhub::task {

struct OpenWork {
  v1::Priority priority = v1::NORMAL;
  absl::Time due;
};

struct MemberFacts {
  int64_t member_id = 0;
  bool active = false;
  std::vector<std::string> skills;  // skill codes, e.g. "WEALTH"
  std::vector<OpenWork> open;       // the member's open tasks
};

double PriorityWeight(v1::Priority priority);
double WeightedLoad(const std::vector<OpenWork>& open, absl::Time now);

// Best first, at most `limit`. Skills match case-sensitively on their codes.
std::vector<v1::Candidate> RankCandidates(const std::vector<MemberFacts>& members,
                                          const std::vector<std::string>& required_skills,
                                          absl::Time now, int limit);

// The workload figures of one member.
v1::Workload WorkloadOf(const MemberFacts& member, absl::Time now);

}  // namespace rmhub::task
