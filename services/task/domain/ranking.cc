#include "services/task/domain/ranking.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace rmhub::task {
namespace {

constexpr absl::Duration kUrgentWithin = absl::Hours(48);
constexpr double kLoadHalfPoint = 10.0;

}  // namespace

double PriorityWeight(v1::Priority priority) {
  switch (priority) {
    case v1::LOW:
      return 0.5;
    case v1::HIGH:
      return 2.0;
    case v1::URGENT:
      return 3.0;
    default:
      return 1.0;
  }
}

double WeightedLoad(const std::vector<OpenWork>& open, absl::Time now) {
  double load = 0;
  for (const OpenWork& w : open) {
    load += PriorityWeight(w.priority) * (w.due - now <= kUrgentWithin ? 2.0 : 1.0);
  }
  return load;
}

std::vector<v1::Candidate> RankCandidates(const std::vector<MemberFacts>& members,
                                          const std::vector<std::string>& required_skills,
                                          absl::Time now, int limit) {
  const std::set<std::string> required(required_skills.begin(), required_skills.end());
  struct Ranked {
    v1::Candidate candidate;
    int64_t id;
  };
  std::vector<Ranked> ranked;
  for (const MemberFacts& m : members) {
    if (!m.active) continue;
    int matched = 0;
    for (const std::string& s : std::set<std::string>(m.skills.begin(), m.skills.end())) {
      matched += required.count(s) ? 1 : 0;
    }
    const int needed = static_cast<int>(required.size());
    const double skill = needed == 0 ? 1.0 : static_cast<double>(matched) / needed;
    const double load = WeightedLoad(m.open, now);
    const double penalty = load / (load + kLoadHalfPoint);
    v1::Candidate c;
    c.set_member(absl::StrCat("members/", m.member_id));
    c.set_matched_skills(matched);
    c.set_required_skills(needed);
    c.set_skill_score(skill);
    c.set_open_tasks(static_cast<int32_t>(m.open.size()));
    c.set_weighted_load(load);
    c.set_load_penalty(penalty);
    c.set_score(skill - penalty);
    c.set_explanation(absl::StrFormat("%d/%d skills, %d open tasks (load %.1f): score %.2f - %.2f",
                                      matched, needed, c.open_tasks(), load, skill, penalty));
    ranked.push_back({std::move(c), m.member_id});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.candidate.score() != b.candidate.score())
      return a.candidate.score() > b.candidate.score();
    if (a.candidate.open_tasks() != b.candidate.open_tasks()) {
      return a.candidate.open_tasks() < b.candidate.open_tasks();
    }
    return a.id < b.id;
  });
  std::vector<v1::Candidate> out;
  for (size_t i = 0; i < ranked.size() && static_cast<int>(i) < limit; ++i) {
    out.push_back(std::move(ranked[i].candidate));
  }
  return out;
}

v1::Workload WorkloadOf(const MemberFacts& member, absl::Time now) {
  v1::Workload w;
  w.set_member(absl::StrCat("members/", member.member_id));
  w.set_open_tasks(static_cast<int32_t>(member.open.size()));
  w.set_overdue_tasks(static_cast<int32_t>(std::count_if(
      member.open.begin(), member.open.end(), [&](const OpenWork& o) { return o.due < now; })));
  w.set_weighted_load(WeightedLoad(member.open, now));
  return w;
}

}  // namespace rmhub::task
