#pragma once
// The SLA-breach forecast (issue 11 point 6), pure. For an open complaint: the probability that
// it misses its regulatory deadline within the next 7 days, from the days it has left, the median
// days its remaining steps took in the category's history, and its handler's open tasks.
//
//   expected = median_remaining_handling_days x (1 + 0.05 x handler_open_tasks)
//   p = 0 when remaining_days > 7 (the deadline is beyond the horizon), otherwise
//   p = logistic((expected - remaining_days) / scale), scale = max(0.5, 0.25 x expected)
//
// and a backtest against the naive rule "breach when remaining days < median handling time":
// Brier score (mean squared error of the probability) and hit rate (share of right calls at 0.5).

#include <cstdint>
#include <vector>

namespace rmhub::analytics {

struct ForecastInputs {
  double remaining_days = 0;
  double median_remaining_handling_days = 0;
  int64_t handler_open_tasks = 0;
};

double BreachProbability(const ForecastInputs& in);
// The naive rule as a probability (0 or 1).
double NaiveBreach(const ForecastInputs& in);

struct BacktestCase {
  ForecastInputs inputs;
  bool breached = false;  // what happened
};

struct BacktestResult {
  int cases = 0;
  double brier = 0;        // forecast
  double hit_rate = 0;     // forecast, threshold 0.5
  double naive_brier = 0;  // naive rule
  double naive_hit_rate = 0;
};

BacktestResult Backtest(const std::vector<BacktestCase>& cases);

}  // namespace rmhub::analytics
