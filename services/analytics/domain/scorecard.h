#pragma once
// The five-dimension scorecard of DOMAIN §6 (绩效考核), as pure arithmetic over raw figures.
// Every formula is in services/analytics/README.md ("Scorecard formulas"); each dimension is
// 0..100 and comes back with the figures it was computed from. Deposits/AUM appear only inside
// GROWTH. Team and branch scorecards use the sums of their members' figures, with every target
// multiplied by the member count and the number of months in the period.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rmhub::analytics {

// What a subject did in a period (sums over its members and the period's months), plus what it
// holds now.
struct ScoreFigures {
  int members = 1;
  int months = 1;
  // Held now (the book at read time).
  int64_t customers_held = 0;
  int64_t aum_held_minor = 0;
  // Customer satisfaction.
  int64_t complaints = 0;
  int64_t satisfaction_responses = 0;
  int64_t satisfaction_sum = 0;  // each response 1..5
  // Relationship maintenance.
  int64_t interactions = 0;
  int64_t customers_contacted = 0;  // distinct customers with an interaction, per month
  int64_t churned = 0;              // transitions to CHURNED
  int64_t won_back = 0;             // DORMANT/CHURNED -> ACTIVE
  // Business capability.
  int64_t tasks_completed = 0;
  int64_t tasks_completed_on_time = 0;
  int64_t checks_completed = 0;  // dual-person checks done as checker
  int64_t valid_certifications = 0;
  // Collaboration.
  int64_t cross_department_tasks = 0;
  int64_t action_items_assigned = 0;
  int64_t action_items_done = 0;
  int64_t mentorships_started = 0;
  int64_t mentorships_completed = 0;
  // Growth.
  int64_t new_customers = 0;
  int64_t aum_change_minor = 0;
  int64_t promotions = 0;
};

enum class Dim { kSatisfaction = 0, kRelationship, kCapability, kCollaboration, kGrowth };
inline constexpr int kDimensions = 5;

// The weights of the five dimensions, in Dim order; normalised to sum to 1.
using Weights = std::array<double, kDimensions>;
inline constexpr Weights kEqualWeights = {0.2, 0.2, 0.2, 0.2, 0.2};

// Parses "w1,w2,w3,w4,w5" (non-negative numbers, not all 0) and normalises them.
// INVALID_ARGUMENT naming `field` otherwise.
absl::Status ParseWeights(absl::string_view text, absl::string_view field, Weights* out);

struct Figure {
  std::string name;
  double value = 0;
  std::string description;
};

struct DimensionResult {
  Dim dim;
  double score = 0;  // 0..100
  double weight = 0;
  std::string formula;
  std::vector<Figure> figures;
  bool has_data = false;
};

struct ScorecardResult {
  double total = 0;
  std::array<DimensionResult, kDimensions> dimensions;
};

ScorecardResult ComputeScorecard(const ScoreFigures& f, const Weights& weights);

}  // namespace rmhub::analytics
