#include "services/complaint/category_spikes.h"

#include <array>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/outbox/outbox.h"
#include "common/status/errors.h"
#include "google/protobuf/struct.pb.h"
#include "services/complaint/domain/calendar.h"
#include "services/complaint/domain/spike.h"

namespace rmhub::complaint {

std::string CategoryAggregate(v1::Category category) {
  return absl::StrCat("complaintCategories/", v1::Category_Name(category));
}

absl::StatusOr<int> SweepCategorySpikes(ComplaintRepository& repository, const absl::TimeZone& zone,
                                        absl::Time now, const std::string& actor) {
  const absl::CivilDay monday = WeekStart(absl::ToCivilDay(now, zone));
  // Week 0 is this week (receipt is never in the future), weeks 1-4 the four before it.
  std::array<std::map<v1::Category, int64_t>, 5> weeks;
  RMHUB_RETURN_IF_ERROR(repository.Read([&](ComplaintStore& store) -> absl::Status {
    for (int w = 0; w < 5; ++w) {
      const absl::Time start = absl::FromCivil(monday - 7 * w, zone);
      const absl::Time end = absl::FromCivil(monday - 7 * (w - 1), zone);
      RMHUB_ASSIGN_OR_RETURN(weeks[w], store.CountReceivedByCategory(start, end));
    }
    return absl::OkStatus();
  }));
  int emitted = 0;
  for (const auto& [category, this_week] : weeks[0]) {
    std::array<int64_t, 4> previous{};
    int64_t sum = 0;
    for (int w = 1; w < 5; ++w) {
      auto it = weeks[w].find(category);
      previous[w - 1] = it == weeks[w].end() ? 0 : it->second;
      sum += previous[w - 1];
    }
    if (!IsCategorySpike(this_week, previous)) continue;
    bool claimed = false;
    RMHUB_RETURN_IF_ERROR(repository.Write(
        {"SweepCategorySpikes", "", actor}, v1::GetComplaintRequest(), nullptr,
        [&](ComplaintStore& store) -> absl::Status {
          RMHUB_ASSIGN_OR_RETURN(claimed,
                                 store.ClaimCategorySpike(category, monday, this_week, sum, now));
          if (!claimed) return absl::OkStatus();
          google::protobuf::Struct payload;
          auto& f = *payload.mutable_fields();
          f["category"].set_string_value(v1::Category_Name(category));
          f["week_start"].set_string_value(FormatCivilDay(monday));
          f["this_week"].set_number_value(static_cast<double>(this_week));
          f["previous_four_weeks"].set_number_value(static_cast<double>(sum));
          f["trailing_weekly_average"].set_number_value(static_cast<double>(sum) / 4.0);
          return store.AppendEvent(outbox::MakeEvent(
              "complaint", kCategorySpikeEvent, CategoryAggregate(category), actor, payload, now));
        },
        nullptr));
    if (claimed) ++emitted;
  }
  return emitted;
}

}  // namespace rmhub::complaint
