#include "services/task/domain/list_filters.h"

#include "rmhub/task/v1/task.pb.h"

namespace rmhub::task {

using api::FilterOp;
using api::FilterType;

const api::FilterSchema& TaskFilterSchema() {
  static const std::set<FilterOp> kEquality = {FilterOp::kEq, FilterOp::kNe};
  static const std::set<FilterOp> kOrdered = {FilterOp::kEq, FilterOp::kNe, FilterOp::kLt,
                                              FilterOp::kLe, FilterOp::kGt, FilterOp::kGe};
  static const auto* schema = new api::FilterSchema{
      {"assignee", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "members"},
      {"team", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "teams"},
      {"requesting_team", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "teams"},
      {"status", FilterType::kEnum, kEquality,
       api::ProtoEnum<v1::TaskStatus>(v1::TaskStatus_Parse)},
      {"type", FilterType::kEnum, kEquality, api::ProtoEnum<v1::TaskType>(v1::TaskType_Parse)},
      {"priority", FilterType::kEnum, kOrdered, api::ProtoEnum<v1::Priority>(v1::Priority_Parse)},
      {"acceptance", FilterType::kEnum, kEquality,
       api::ProtoEnum<v1::Acceptance>(v1::Acceptance_Parse)},
      {"due_time", FilterType::kTimestamp, kOrdered},
      {"overdue", FilterType::kBool, {FilterOp::kEq}},
      {"related_customer", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "customers"},
      {"related_complaint", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "complaints"},
      {"meeting", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "meetings"},
  };
  return *schema;
}

int64_t PinnedCustomer(const api::FilterExpr& filter) {
  for (const api::FilterCondition& c : filter.conditions) {
    // The schema admits only `=` on related_customer, carried as the id.
    if (c.field == "related_customer" && c.op == FilterOp::kEq &&
        absl::holds_alternative<int64_t>(c.value)) {
      return absl::get<int64_t>(c.value);
    }
  }
  return 0;
}

const api::FilterSchema& MeetingFilterSchema() {
  static const std::set<FilterOp> kOrdered = {FilterOp::kLt, FilterOp::kLe, FilterOp::kGt,
                                              FilterOp::kGe};
  static const auto* schema = new api::FilterSchema{
      {"team", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "teams"},
      {"start_time", FilterType::kTimestamp, kOrdered},
  };
  return *schema;
}

}  // namespace rmhub::task
