#include "services/analytics/domain/scorecard.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/errors.h"

namespace rmhub::analytics {
namespace {

double Clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

// n / d, 0 when d is 0.
double Ratio(double n, double d) { return d > 0 ? n / d : 0.0; }

Figure Fig(std::string name, double value, std::string description) {
  return Figure{std::move(name), value, std::move(description)};
}

DimensionResult Satisfaction(const ScoreFigures& f) {
  DimensionResult r{Dim::kSatisfaction};
  double per100 = Ratio(100.0 * static_cast<double>(f.complaints),
                        static_cast<double>(std::max<int64_t>(f.customers_held, 1)));
  double complaint_part = Clamp01(1.0 - per100 / 5.0);
  double avg =
      Ratio(static_cast<double>(f.satisfaction_sum), static_cast<double>(f.satisfaction_responses));
  if (f.satisfaction_responses > 0) {
    double sat_part = Clamp01((avg - 1.0) / 4.0);
    r.score = 100.0 * (0.7 * sat_part + 0.3 * complaint_part);
  } else {
    r.score = 100.0 * complaint_part;
  }
  r.formula =
      "100 x (0.7 x (mean satisfaction - 1) / 4 + 0.3 x max(0, 1 - complaints per 100 customers "
      "held / 5)); without satisfaction responses 100 x the complaint part alone";
  r.figures = {Fig("complaints", static_cast<double>(f.complaints), "complaints received"),
               Fig("customers_held", static_cast<double>(f.customers_held), "customers held now"),
               Fig("complaints_per_100_customers", per100, "complaints per 100 customers held"),
               Fig("satisfaction_responses", static_cast<double>(f.satisfaction_responses),
                   "follow-up satisfaction responses (1..5)"),
               Fig("mean_satisfaction", avg, "mean follow-up satisfaction (1..5; 0 = none)")};
  r.has_data = f.customers_held > 0 || f.complaints > 0 || f.satisfaction_responses > 0;
  return r;
}

DimensionResult Relationship(const ScoreFigures& f) {
  DimensionResult r{Dim::kRelationship};
  double book_months = static_cast<double>(f.customers_held) * f.months;
  double per_customer = Ratio(static_cast<double>(f.interactions), book_months);
  double coverage = Ratio(static_cast<double>(f.customers_contacted), book_months);
  double retention = Clamp01(1.0 -
                             Ratio(static_cast<double>(f.churned),
                                   static_cast<double>(std::max<int64_t>(f.customers_held, 1))) +
                             0.1 * static_cast<double>(f.won_back));
  r.score = 100.0 * (0.4 * Clamp01(per_customer) + 0.3 * Clamp01(coverage) + 0.3 * retention);
  r.formula =
      "100 x (0.4 x min(1, interactions per customer held per month) + 0.3 x min(1, customers "
      "contacted per month / customers held) + 0.3 x min(1, 1 - churned / customers held + 0.1 x "
      "won back))";
  r.figures = {
      Fig("interactions", static_cast<double>(f.interactions), "interactions logged"),
      Fig("interactions_per_customer_month", per_customer,
          "interactions per customer held per month (target 1)"),
      Fig("customers_contacted", static_cast<double>(f.customers_contacted),
          "distinct customers contacted, summed over the months"),
      Fig("care_coverage", coverage, "customers contacted per month / customers held"),
      Fig("churned", static_cast<double>(f.churned), "customers turned CHURNED"),
      Fig("won_back", static_cast<double>(f.won_back), "DORMANT/CHURNED customers turned ACTIVE")};
  r.has_data = f.customers_held > 0 || f.interactions > 0 || f.churned > 0 || f.won_back > 0;
  return r;
}

DimensionResult Capability(const ScoreFigures& f) {
  DimensionResult r{Dim::kCapability};
  double on_time =
      Ratio(static_cast<double>(f.tasks_completed_on_time), static_cast<double>(f.tasks_completed));
  double checks = Clamp01(
      Ratio(static_cast<double>(f.checks_completed), static_cast<double>(f.members) * f.months));
  double certs = Clamp01(Ratio(static_cast<double>(f.valid_certifications), f.members));
  r.score = f.tasks_completed > 0 ? 100.0 * (0.5 * on_time + 0.25 * checks + 0.25 * certs)
                                  : 100.0 * (0.5 * checks + 0.5 * certs);
  r.formula =
      "100 x (0.5 x on-time completion rate + 0.25 x min(1, dual-person checks per member-month) "
      "+ 0.25 x min(1, valid certifications per member)); without completed tasks 100 x (0.5 x "
      "checks + 0.5 x certifications)";
  r.figures = {Fig("tasks_completed", static_cast<double>(f.tasks_completed), "tasks completed"),
               Fig("tasks_completed_on_time", static_cast<double>(f.tasks_completed_on_time),
                   "tasks completed by their due time"),
               Fig("on_time_rate", on_time, "on-time completion rate (0..1)"),
               Fig("checks_completed", static_cast<double>(f.checks_completed),
                   "dual-person checks completed as checker"),
               Fig("valid_certifications", static_cast<double>(f.valid_certifications),
                   "certifications valid at the period's end")};
  r.has_data = f.tasks_completed > 0 || f.checks_completed > 0 || f.valid_certifications > 0;
  return r;
}

DimensionResult Collaboration(const ScoreFigures& f) {
  DimensionResult r{Dim::kCollaboration};
  double member_months = static_cast<double>(f.members) * f.months;
  double cross = Clamp01(Ratio(static_cast<double>(f.cross_department_tasks), 2.0 * member_months));
  double items =
      Ratio(static_cast<double>(f.action_items_done), static_cast<double>(f.action_items_assigned));
  double mentoring =
      Clamp01(Ratio(static_cast<double>(f.mentorships_started + f.mentorships_completed),
                    static_cast<double>(f.members)));
  r.score = f.action_items_assigned > 0 ? 100.0 * (cross + Clamp01(items) + mentoring) / 3.0
                                        : 100.0 * (cross + mentoring) / 2.0;
  r.formula =
      "100 x mean of: min(1, cross-department tasks served / (2 per member-month)), action items "
      "done / assigned (left out when none assigned), min(1, mentorships started or completed "
      "per member)";
  r.figures = {Fig("cross_department_tasks", static_cast<double>(f.cross_department_tasks),
                   "cross-department tasks served"),
               Fig("action_items_assigned", static_cast<double>(f.action_items_assigned),
                   "meeting action items assigned"),
               Fig("action_items_done", static_cast<double>(f.action_items_done),
                   "meeting action items done"),
               Fig("mentorships_started", static_cast<double>(f.mentorships_started),
                   "mentorships started as mentor"),
               Fig("mentorships_completed", static_cast<double>(f.mentorships_completed),
                   "mentorships completed successfully as mentor")};
  r.has_data = f.cross_department_tasks > 0 || f.action_items_assigned > 0 ||
               f.mentorships_started > 0 || f.mentorships_completed > 0;
  return r;
}

DimensionResult Growth(const ScoreFigures& f) {
  DimensionResult r{Dim::kGrowth};
  double member_months = static_cast<double>(f.members) * f.months;
  double fresh = Clamp01(Ratio(static_cast<double>(f.new_customers), 2.0 * member_months));
  // AUM at the period's start, estimated as the AUM held now less the period's change.
  double start = static_cast<double>(f.aum_held_minor - f.aum_change_minor);
  double rate = start > 0 ? static_cast<double>(f.aum_change_minor) / start
                          : (f.aum_change_minor > 0 ? 0.1 : 0.0);
  double aum = Clamp01(0.5 + 5.0 * rate);
  double promo = Clamp01(Ratio(static_cast<double>(f.promotions), f.members));
  r.score = 100.0 * (0.4 * fresh + 0.4 * aum + 0.2 * promo);
  r.formula =
      "100 x (0.4 x min(1, new customers / (2 per member-month)) + 0.4 x clamp(0.5 + 5 x AUM "
      "growth rate, 0, 1) + 0.2 x min(1, promotions per member)); AUM growth rate = AUM change / "
      "(AUM held - AUM change)";
  r.figures = {Fig("new_customers", static_cast<double>(f.new_customers), "customers acquired"),
               Fig("aum_change_minor", static_cast<double>(f.aum_change_minor),
                   "AUM change of the customers held, in fen"),
               Fig("aum_held_minor", static_cast<double>(f.aum_held_minor), "AUM held now, fen"),
               Fig("aum_growth_rate", rate, "AUM change / AUM at the period's start"),
               Fig("promotions", static_cast<double>(f.promotions), "career promotions")};
  r.has_data = f.new_customers > 0 || f.aum_change_minor != 0 || f.promotions > 0;
  return r;
}

}  // namespace

absl::Status ParseWeights(absl::string_view text, absl::string_view field, Weights* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ',');
  if (parts.size() != kDimensions) {
    return InvalidField(std::string(field), "five comma-separated weights");
  }
  Weights w{};
  double sum = 0;
  for (int i = 0; i < kDimensions; ++i) {
    double v = 0;
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(parts[i]), &v) || !(v >= 0) || v > 1e6) {
      return InvalidField(std::string(field), "weights must be non-negative numbers");
    }
    w[i] = v;
    sum += v;
  }
  if (sum <= 0) return InvalidField(std::string(field), "at least one weight must be positive");
  for (double& v : w) v /= sum;
  *out = w;
  return absl::OkStatus();
}

ScorecardResult ComputeScorecard(const ScoreFigures& f, const Weights& weights) {
  ScorecardResult out;
  out.dimensions = {Satisfaction(f), Relationship(f), Capability(f), Collaboration(f), Growth(f)};
  for (int i = 0; i < kDimensions; ++i) {
    DimensionResult& d = out.dimensions[i];
    d.score = std::clamp(d.score, 0.0, 100.0);
    d.weight = weights[i];
    out.total += d.weight * d.score;
  }
  return out;
}

}  // namespace rmhub::analytics
