#pragma once
// Customer segments derived from money (客户分类): the asset tier from AUM and the value tier from
// annual contribution, with configured thresholds. Derived on every read, never stored, so a
// change of thresholds takes effect at once and needs no re-derivation job (docs/decisions.md).

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "rmhub/customer/v1/customer.pb.h"

namespace rmhub::customer {

// Lower bounds in CNY minor units (fen).
struct SegmentThresholds {
  int64_t medium_aum = 5'000'000;         // 50,000 CNY
  int64_t large_aum = 100'000'000;        // 1,000,000 CNY
  int64_t vip_aum = 600'000'000;          // 6,000,000 CNY (private-banking entry)
  int64_t medium_contribution = 500'000;  // 5,000 CNY a year
  int64_t high_contribution = 5'000'000;  // 50,000 CNY a year
};

// Thresholds must be positive and increasing; INVALID_ARGUMENT naming the flag otherwise.
absl::Status ValidateThresholds(const SegmentThresholds& t);

v1::AssetTier AssetTierOf(int64_t aum_minor, const SegmentThresholds& t);
v1::ValueTier ValueTierOf(int64_t contribution_minor, const SegmentThresholds& t);

// Fills asset_tier and value_tier from aum and annual_contribution.
void DeriveSegments(v1::Customer& customer, const SegmentThresholds& t);

}  // namespace rmhub::customer
