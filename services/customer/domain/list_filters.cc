#include "services/customer/domain/list_filters.h"

#include "rmhub/customer/v1/customer.pb.h"

namespace rmhub::customer {

using api::FilterOp;
using api::FilterType;

const api::FilterSchema& CustomerFilterSchema() {
  static const std::set<FilterOp> kEquality = {FilterOp::kEq, FilterOp::kNe};
  static const std::set<FilterOp> kOrdered = {FilterOp::kEq, FilterOp::kNe, FilterOp::kGe,
                                              FilterOp::kLe};
  static const auto* schema = new api::FilterSchema{
      {"type", FilterType::kEnum, kEquality,
       api::ProtoEnum<v1::CustomerType>(v1::CustomerType_Parse)},
      {"asset_tier", FilterType::kEnum, kOrdered,
       api::ProtoEnum<v1::AssetTier>(v1::AssetTier_Parse)},
      {"value_tier", FilterType::kEnum, kOrdered,
       api::ProtoEnum<v1::ValueTier>(v1::ValueTier_Parse)},
      {"needs", FilterType::kEnum, {FilterOp::kHas}, api::ProtoEnum<v1::Need>(v1::Need_Parse)},
      {"risk_tolerance", FilterType::kEnum, kOrdered,
       api::ProtoEnum<v1::RiskTolerance>(v1::RiskTolerance_Parse)},
      {"status", FilterType::kEnum, kEquality,
       api::ProtoEnum<v1::CustomerStatus>(v1::CustomerStatus_Parse)},
      {"key_account", FilterType::kBool, {FilterOp::kEq}},
      {"archived", FilterType::kBool, {FilterOp::kEq}},
      {"owner", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "members"},
      {"team", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "teams"},
      {"branch", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "branches"},
  };
  return *schema;
}

const api::FilterSchema& PiiAuditFilterSchema() {
  static const auto* schema = new api::FilterSchema{
      {"customer", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "customers"},
      {"actor", FilterType::kString, {FilterOp::kEq}},
  };
  return *schema;
}

}  // namespace rmhub::customer
