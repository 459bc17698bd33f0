#include "services/team/domain/member_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/text.h"
#include "services/team/domain/ladder.h"

namespace rmhub::team {

namespace {

void ValidateEmployeeNumber(const std::string& value, const std::string& field,
                            FieldErrors& errors) {
  if (value.empty()) return errors.Add(field, "is required");
  if (value.size() > 32) return errors.Add(field, "must be at most 32 characters");
  for (char c : value) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return errors.Add(field, "may contain only letters, digits and '-'");
    }
  }
}

void ValidateRoleShape(const v1::Member& m, const std::string& prefix, FieldErrors& errors) {
  if (!v1::Role_IsValid(m.role()) || m.role() == v1::ROLE_UNSPECIFIED) {
    errors.Add(prefix + "role", "is required");
  }
  bool is_rm = m.role() == v1::RELATIONSHIP_MANAGER;
  if (is_rm && (m.rm_kind() == v1::RM_KIND_UNSPECIFIED || !v1::RmKind_IsValid(m.rm_kind()))) {
    errors.Add(prefix + "rm_kind", "is required for a relationship manager");
  } else if (!is_rm && m.rm_kind() != v1::RM_KIND_UNSPECIFIED) {
    errors.Add(prefix + "rm_kind", "is only for relationship managers");
  }
  bool is_bo = m.role() == v1::BACK_OFFICE;
  if (is_bo && (m.back_office_function() == v1::BACK_OFFICE_FUNCTION_UNSPECIFIED ||
                !v1::BackOfficeFunction_IsValid(m.back_office_function()))) {
    errors.Add(prefix + "back_office_function", "is required for back-office staff");
  } else if (!is_bo && m.back_office_function() != v1::BACK_OFFICE_FUNCTION_UNSPECIFIED) {
    errors.Add(prefix + "back_office_function", "is only for back-office staff");
  }
}

}  // namespace

void ValidateMemberFields(const v1::Member& m, const std::string& prefix, FieldErrors& errors) {
  ValidateEmployeeNumber(m.employee_number(), prefix + "employee_number", errors);
  api::CheckText(errors, prefix + "display_name", m.display_name(), 100, /*required=*/true);
  ValidateRoleShape(m, prefix, errors);
  if (!v1::MemberStatus_IsValid(m.status())) errors.Add(prefix + "status", "is not a status");
  std::set<int> seen;
  for (int skill : m.skills()) {
    if (!v1::Skill_IsValid(skill) || skill == v1::SKILL_UNSPECIFIED) {
      errors.Add(prefix + "skills", "contains an unknown skill");
      break;
    }
    if (!seen.insert(skill).second) {
      errors.Add(prefix + "skills", "lists a skill twice");
      break;
    }
  }
}

void ValidateBranchFields(const v1::Branch& b, const std::string& prefix, FieldErrors& errors) {
  api::CheckText(errors, prefix + "code", b.code(), 32, /*required=*/true);
  api::CheckText(errors, prefix + "display_name", b.display_name(), 100, /*required=*/true);
  api::CheckText(errors, prefix + "region", b.region(), 64, /*required=*/false);
  if (b.personal_customer_cap() < 0 || b.personal_customer_cap() > 100000) {
    errors.Add(prefix + "personal_customer_cap", "must be between 0 and 100000");
  }
  if (b.corporate_key_account_cap() < 0 || b.corporate_key_account_cap() > 10000) {
    errors.Add(prefix + "corporate_key_account_cap", "must be between 0 and 10000");
  }
}

void ValidateTeamFields(const v1::Team& t, const std::string& prefix, FieldErrors& errors) {
  api::CheckText(errors, prefix + "display_name", t.display_name(), 100, /*required=*/true);
  api::CheckText(errors, prefix + "description", t.description(), 1000, /*required=*/false);
  if (t.kind() == v1::TEAM_KIND_UNSPECIFIED || !v1::TeamKind_IsValid(t.kind())) {
    errors.Add(prefix + "kind", "must be HOME or PROJECT");
  }
}

}  // namespace rmhub::team
