#include "services/customer/domain/customer_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/api/date.h"
#include "common/api/text.h"
#include "common/pii/validation.h"

namespace rmhub::customer {
namespace {

void CheckPii(std::string* value, pii::PiiKind kind, const std::string& field, bool required,
              bool allowed, FieldErrors& errors) {
  if (value->empty()) {
    if (required) errors.Add(field, "is required");
    return;
  }
  if (!allowed) return errors.Add(field, "does not apply to this customer type");
  auto normalized = pii::NormalizeAndValidate(kind, *value, field);
  if (!normalized.ok()) {
    for (const auto& v : FieldViolations(normalized.status())) errors.Add(v.field, v.description);
    return;
  }
  *value = *normalized;
}

void CheckMoney(rmhub::common::v1::Money* m, const std::string& field, FieldErrors& errors) {
  if (m->currency_code().empty()) m->set_currency_code("CNY");
  if (m->currency_code() != "CNY") errors.Add(field + ".currency_code", "must be CNY");
  if (m->minor_units() < 0) errors.Add(field + ".minor_units", "must not be negative");
}

void CheckBirthday(const v1::Customer& c, const std::string& field, absl::CivilDay today,
                   FieldErrors& errors) {
  const auto& d = c.birthday();
  if (d.year() == 0 && d.month() == 0 && d.day() == 0) return;
  if (c.type() == v1::CORPORATE) return errors.Add(field, "does not apply to corporate customers");
  auto day = api::ParseDate(d, field);
  if (!day.ok()) {
    for (const auto& v : FieldViolations(day.status())) errors.Add(v.field, v.description);
    return;
  }
  if (*day > today) errors.Add(field, "must not be in the future");
}

void CheckEnums(v1::Customer& c, const std::string& prefix, FieldErrors& errors) {
  if (c.status() == v1::CUSTOMER_STATUS_UNSPECIFIED) c.set_status(v1::PROSPECT);
  if (!v1::CustomerStatus_IsValid(c.status())) errors.Add(prefix + "status", "is not a status");
  if (!v1::RiskTolerance_IsValid(c.risk_tolerance())) {
    errors.Add(prefix + "risk_tolerance", "is not a risk tolerance");
  }
  std::set<int> seen;
  for (int need : c.needs()) {
    if (!v1::Need_IsValid(need) || need == v1::NEED_UNSPECIFIED || !seen.insert(need).second) {
      errors.Add(prefix + "needs", "must list known needs, each once");
      break;
    }
  }
}

}  // namespace

void NormalizeAndValidate(v1::Customer& c, const std::string& prefix, absl::CivilDay today,
                          FieldErrors& errors) {
  if (c.type() == v1::CUSTOMER_TYPE_UNSPECIFIED || !v1::CustomerType_IsValid(c.type())) {
    errors.Add(prefix + "type", "must be RETAIL, CORPORATE or PRIVATE_BANKING");
  }
  const bool corporate = c.type() == v1::CORPORATE;
  api::CheckText(errors, prefix + "display_name", c.display_name(), 100, /*required=*/true);
  api::CheckText(errors, prefix + "industry", c.industry(), 64, /*required=*/false);
  CheckPii(c.mutable_national_id(), pii::PiiKind::kNationalId, prefix + "national_id",
           !corporate && c.type() != v1::CUSTOMER_TYPE_UNSPECIFIED, !corporate, errors);
  CheckPii(c.mutable_credit_code(), pii::PiiKind::kCreditCode, prefix + "credit_code", corporate,
           corporate, errors);
  CheckPii(c.mutable_contact_phone(), pii::PiiKind::kPhone, prefix + "contact_phone", false, true,
           errors);
  CheckBirthday(c, prefix + "birthday", today, errors);
  CheckMoney(c.mutable_aum(), prefix + "aum", errors);
  CheckMoney(c.mutable_annual_contribution(), prefix + "annual_contribution", errors);
  CheckEnums(c, prefix, errors);
}

std::string NaturalKey(const v1::Customer& c) {
  return c.type() == v1::CORPORATE ? c.credit_code() : c.national_id();
}

void ClearOutputOnly(v1::Customer& c) {
  c.clear_name();
  c.clear_owner();
  c.clear_team();
  c.clear_branch();
  c.clear_asset_tier();
  c.clear_value_tier();
  c.clear_archived();
  c.clear_pii_masked();
  c.clear_last_interaction_time();
  c.clear_status_change_time();
  c.clear_create_time();
  c.clear_update_time();
  c.clear_etag();
}

std::vector<std::string> ChangedRestrictedFields(const v1::Customer& before,
                                                 const v1::Customer& after) {
  std::vector<std::string> out;
  if (before.aum().minor_units() != after.aum().minor_units()) out.push_back("aum");
  if (before.annual_contribution().minor_units() != after.annual_contribution().minor_units()) {
    out.push_back("annual_contribution");
  }
  if (before.key_account() != after.key_account()) out.push_back("key_account");
  return out;
}

bool SameWritableFields(const v1::Customer& a, const v1::Customer& b) {
  auto needs = [](const v1::Customer& c) {
    return std::set<int>(c.needs().begin(), c.needs().end());
  };
  return a.type() == b.type() && a.display_name() == b.display_name() &&
         a.industry() == b.industry() && a.national_id() == b.national_id() &&
         a.credit_code() == b.credit_code() && a.contact_phone() == b.contact_phone() &&
         a.birthday().SerializeAsString() == b.birthday().SerializeAsString() &&
         a.aum().minor_units() == b.aum().minor_units() &&
         a.annual_contribution().minor_units() == b.annual_contribution().minor_units() &&
         a.status() == b.status() && a.key_account() == b.key_account() &&
         a.risk_tolerance() == b.risk_tolerance() && needs(a) == needs(b);
}

}  // namespace rmhub::customer
