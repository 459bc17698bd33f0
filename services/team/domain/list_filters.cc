#include "services/team/domain/list_filters.h"

#include "rmhub/team/v1/team.pb.h"

namespace rmhub::team {

using api::FilterOp;
using api::FilterType;

const api::FilterSchema& BranchFilterSchema() {
  static const auto* schema = new api::FilterSchema{
      {"region", FilterType::kString, {FilterOp::kEq}},
      {"code", FilterType::kString, {FilterOp::kEq}},
  };
  return *schema;
}

const api::FilterSchema& MemberFilterSchema() {
  static const auto* schema = new api::FilterSchema{
      {"branch", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "branches"},
      {"role",
       FilterType::kEnum,
       {FilterOp::kEq, FilterOp::kNe},
       api::ProtoEnum<v1::Role>(v1::Role_Parse)},
      {"status",
       FilterType::kEnum,
       {FilterOp::kEq, FilterOp::kNe},
       api::ProtoEnum<v1::MemberStatus>(v1::MemberStatus_Parse)},
      {"rm_kind", FilterType::kEnum, {FilterOp::kEq}, api::ProtoEnum<v1::RmKind>(v1::RmKind_Parse)},
      {"career_level",
       FilterType::kEnum,
       {FilterOp::kEq, FilterOp::kGe, FilterOp::kLe},
       api::ProtoEnum<v1::CareerLevel>(v1::CareerLevel_Parse)},
      {"skills", FilterType::kEnum, {FilterOp::kHas}, api::ProtoEnum<v1::Skill>(v1::Skill_Parse)},
      {"team", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "teams"},
      {"employee_number", FilterType::kString, {FilterOp::kEq}},
      {"back_office_function",
       FilterType::kEnum,
       {FilterOp::kEq, FilterOp::kNe},
       api::ProtoEnum<v1::BackOfficeFunction>(v1::BackOfficeFunction_Parse)},
  };
  return *schema;
}

const api::FilterSchema& MentorshipFilterSchema() {
  static const auto* schema = new api::FilterSchema{
      {"mentor", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "members"},
      {"mentee", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "members"},
      {"state",
       FilterType::kEnum,
       {FilterOp::kEq},
       api::ProtoEnum<v1::MentorshipState>(v1::MentorshipState_Parse)},
  };
  return *schema;
}

const api::FilterSchema& TeamFilterSchema() {
  static const auto* schema = new api::FilterSchema{
      {"branch", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "branches"},
      {"kind",
       FilterType::kEnum,
       {FilterOp::kEq},
       api::ProtoEnum<v1::TeamKind>(v1::TeamKind_Parse)},
      {"leader", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "members"},
      {"member", FilterType::kResourceName, {FilterOp::kEq}, nullptr, "members"},
  };
  return *schema;
}

const api::FilterSchema& CertificationFilterSchema() {
  static const auto* schema = new api::FilterSchema{
      {"state",
       FilterType::kEnum,
       {FilterOp::kEq},
       api::ProtoEnum<v1::CertificationState>(v1::CertificationState_Parse)},
      {"type",
       FilterType::kEnum,
       {FilterOp::kEq},
       api::ProtoEnum<v1::CertificationType>(v1::CertificationType_Parse)},
  };
  return *schema;
}

}  // namespace rmhub::team
