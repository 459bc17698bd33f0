#include "services/complaint/domain/statistics.h"

#include <algorithm>
#include <map>
#include <string>

#include "google/protobuf/util/time_util.h"

namespace rmhub::complaint {
namespace {

std::string KeyOf(const v1::Complaint& c, v1::StatisticsDimension dimension) {
  switch (dimension) {
    case v1::BY_CATEGORY:
      return v1::Category_Name(c.category());
    case v1::BY_CHANNEL:
      return v1::Channel_Name(c.channel());
    case v1::BY_PRODUCT:
      return c.product();
    case v1::BY_BRANCH:
      return c.branch();
    case v1::BY_ROOT_CAUSE:
      return v1::RootCause_Name(c.root_cause());
    default:
      return "";
  }
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

bool DecidedState(v1::ComplaintState state) {
  switch (state) {
    case v1::AWAITING_CUSTOMER:
    case v1::EXECUTING:
    case v1::FOLLOW_UP:
    case v1::CLOSED:
    case v1::REJECTED:
    case v1::WITHDRAWN:
      return true;
    default:
      return false;
  }
}

std::vector<v1::StatisticsRow> ComputeStatistics(const std::vector<v1::Complaint>& complaints,
                                                 v1::StatisticsDimension dimension) {
  struct Acc {
    v1::StatisticsRow row;
    std::vector<double> hours;
    int64_t satisfaction_sum = 0;
  };
  std::map<std::string, Acc> by_key;
  using google::protobuf::util::TimeUtil;
  for (const v1::Complaint& c : complaints) {
    Acc& a = by_key[KeyOf(c, dimension)];
    a.row.set_count(a.row.count() + 1);
    if (c.sla_state() == v1::BREACHED) a.row.set_breached(a.row.breached() + 1);
    if (DecidedState(c.state()) && c.sla_state() != v1::BREACHED) {
      a.row.set_decided_on_time(a.row.decided_on_time() + 1);
    }
    if (c.state() == v1::CLOSED) {
      a.row.set_closed(a.row.closed() + 1);
      a.hours.push_back(
          static_cast<double>(TimeUtil::DurationToSeconds(c.close_time() - c.receive_time())) /
          3600.0);
      a.satisfaction_sum += c.satisfaction();
    }
  }
  std::vector<v1::StatisticsRow> rows;
  for (auto& [key, a] : by_key) {
    a.row.set_key(key);
    a.row.set_median_handling_hours(Median(a.hours));
    if (a.row.closed() > 0) {
      a.row.set_mean_satisfaction(static_cast<double>(a.satisfaction_sum) /
                                  static_cast<double>(a.row.closed()));
    }
    rows.push_back(std::move(a.row));
  }
  std::stable_sort(
      rows.begin(), rows.end(),
      [](const v1::StatisticsRow& x, const v1::StatisticsRow& y) { return x.count() > y.count(); });
  return rows;
}

}  // namespace rmhub::complaint
