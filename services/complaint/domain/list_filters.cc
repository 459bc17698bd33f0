#include "services/complaint/domain/list_filters.h"

#include "rmhub/complaint/v1/complaint.pb.h"

namespace rmhub::complaint {

using api::FilterOp;
using api::FilterType;

const api::FilterSchema& ComplaintFilterSchema() {
  static const std::set<FilterOp> kEquality = {FilterOp::kEq, FilterOp::kNe};
  static const std::set<FilterOp> kOrdered = {FilterOp::kLt, FilterOp::kLe, FilterOp::kGt,
                                              FilterOp::kGe};
  static const auto* schema = new api::FilterSchema{
      {"state", FilterType::kEnum, kEquality,
       api::ProtoEnum<v1::ComplaintState>(v1::ComplaintState_Parse)},
      {"sla_state", FilterType::kEnum, kEquality, api::ProtoEnum<v1::SlaState>(v1::SlaState_Parse)},
      {"category", FilterType::kEnum, kEquality, api::ProtoEnum<v1::Category>(v1::Category_Parse)},
      {"channel", FilterType::kEnum, kEquality, api::ProtoEnum<v1::Channel>(v1::Channel_Parse)},
      {"handler", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "members"},
      {"handler_team", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "teams"},
      {"branch", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "branches"},
      {"customer", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "customers"},
      {"receive_time", FilterType::kTimestamp, kOrdered},
      {"deadline", FilterType::kTimestamp, kOrdered},
  };
  return *schema;
}

}  // namespace rmhub::complaint
