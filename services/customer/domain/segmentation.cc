#include "services/customer/domain/segmentation.h"

#include "common/status/errors.h"

namespace rmhub::customer {

absl::Status ValidateThresholds(const SegmentThresholds& t) {
  FieldErrors errors;
  if (t.medium_aum <= 0) errors.Add("medium_aum_threshold", "must be positive");
  if (t.large_aum <= t.medium_aum)
    errors.Add("large_aum_threshold", "must exceed the medium threshold");
  if (t.vip_aum <= t.large_aum) errors.Add("vip_aum_threshold", "must exceed the large threshold");
  if (t.medium_contribution <= 0) errors.Add("medium_contribution_threshold", "must be positive");
  if (t.high_contribution <= t.medium_contribution) {
    errors.Add("high_contribution_threshold", "must exceed the medium threshold");
  }
  return errors.Status();
}

v1::AssetTier AssetTierOf(int64_t aum, const SegmentThresholds& t) {
  if (aum >= t.vip_aum) return v1::VIP;
  if (aum >= t.large_aum) return v1::LARGE;
  if (aum >= t.medium_aum) return v1::MEDIUM;
  return v1::SMALL;
}

v1::ValueTier ValueTierOf(int64_t contribution, const SegmentThresholds& t) {
  if (contribution >= t.high_contribution) return v1::HIGH_VALUE;
  if (contribution >= t.medium_contribution) return v1::MEDIUM_VALUE;
  return v1::LOW_VALUE;
}

void DeriveSegments(v1::Customer& c, const SegmentThresholds& t) {
  c.set_asset_tier(AssetTierOf(c.aum().minor_units(), t));
  c.set_value_tier(ValueTierOf(c.annual_contribution().minor_units(), t));
}

}  // namespace rmhub::customer
