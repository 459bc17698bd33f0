#include "services/analytics/domain/forecast.h"

#include <algorithm>
#include <cmath>

namespace rmhub::analytics {

double BreachProbability(const ForecastInputs& in) {
  if (in.remaining_days > 7.0) return 0.0;
  double expected = std::max(0.0, in.median_remaining_handling_days) *
                    (1.0 + 0.05 * static_cast<double>(std::max<int64_t>(in.handler_open_tasks, 0)));
  double scale = std::max(0.5, 0.25 * expected);
  return 1.0 / (1.0 + std::exp(-(expected - in.remaining_days) / scale));
}

double NaiveBreach(const ForecastInputs& in) {
  return in.remaining_days < in.median_remaining_handling_days ? 1.0 : 0.0;
}

BacktestResult Backtest(const std::vector<BacktestCase>& cases) {
  BacktestResult r;
  r.cases = static_cast<int>(cases.size());
  if (cases.empty()) return r;
  for (const BacktestCase& c : cases) {
    double y = c.breached ? 1.0 : 0.0;
    double p = BreachProbability(c.inputs);
    double q = NaiveBreach(c.inputs);
    r.brier += (p - y) * (p - y);
    r.naive_brier += (q - y) * (q - y);
    r.hit_rate += ((p >= 0.5) == c.breached) ? 1 : 0;
    r.naive_hit_rate += ((q >= 0.5) == c.breached) ? 1 : 0;
  }
  double n = static_cast<double>(cases.size());
  r.brier /= n;
  r.naive_brier /= n;
  r.hit_rate /= n;
  r.naive_hit_rate /= n;
  return r;
}

}  // namespace rmhub::analytics
