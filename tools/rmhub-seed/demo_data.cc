#include "tools/rmhub-seed/demo_data.h"

namespace rmhub::seed {
namespace {

DemoCertification RmQualification(v1::RmKind kind, const std::string& employee_number) {
  return {v1::RM_QUALIFICATION, kind, "China Banking Association", "RMQ-" + employee_number};
}

DemoCertification Other(v1::CertificationType type, const std::string& issuer,
                        const std::string& number) {
  return {type, v1::RM_KIND_UNSPECIFIED, issuer, number};
}

DemoMember Rm(std::string emp, std::string name, v1::RmKind kind, v1::CareerLevel level, int grade,
              std::vector<v1::Skill> skills, std::vector<DemoCertification> extra = {}) {
  DemoMember m{emp, std::move(name), v1::RELATIONSHIP_MANAGER, kind};
  m.skills = std::move(skills);
  m.level = level;
  m.grade = grade;
  m.certifications.push_back(RmQualification(kind, emp));
  for (auto& c : extra) m.certifications.push_back(std::move(c));
  return m;
}

DemoMember Staff(std::string emp, std::string name, v1::Role role, std::vector<v1::Skill> skills,
                 v1::BackOfficeFunction function = v1::BACK_OFFICE_FUNCTION_UNSPECIFIED) {
  DemoMember m{std::move(emp), std::move(name), role};
  m.back_office_function = function;
  m.skills = std::move(skills);
  return m;
}

// Personal and corporate relationship managers on each of the six ladder levels.
std::vector<DemoMember> RelationshipManagers() {
  return {
      Rm("DEMO-E004", "刘洋", v1::PERSONAL, v1::SENIOR, 8, {v1::WEALTH, v1::INSURANCE},
         {Other(v1::AFP, "FPSB China", "AFP-DEMO-E004")}),
      Rm("DEMO-E005", "陈静", v1::PERSONAL, v1::ASSOCIATE, 5, {v1::WEALTH, v1::FX},
         {Other(v1::FUND_SALES, "Asset Management Association of China", "FS-DEMO-E005")}),
      Rm("DEMO-E006", "杨帆", v1::PERSONAL, v1::ASSISTANT, 2, {v1::PERSONAL_LOAN}),
      Rm("DEMO-E007", "赵敏", v1::PERSONAL, v1::PRINCIPAL, 11, {v1::PRIVATE_BANKING, v1::WEALTH},
         {Other(v1::CFP, "FPSB China", "CFP-DEMO-E007")}),
      Rm("DEMO-E008", "黄磊", v1::CORPORATE, v1::GENERAL_MANAGER, 14,
         {v1::CORPORATE_LOAN, v1::TRADE_FINANCE},
         {Other(v1::SME_CREDIT, "China Banking Association", "SME-DEMO-E008")}),
      Rm("DEMO-E009", "周婷", v1::CORPORATE, v1::SENIOR, 7, {v1::CORPORATE_LOAN, v1::SETTLEMENT}),
      Rm("DEMO-E010", "吴昊", v1::CORPORATE, v1::ASSISTANT, 1, {v1::SETTLEMENT, v1::FX}),
      Rm("DEMO-E011", "徐丽", v1::CORPORATE, v1::DIRECTOR, 16,
         {v1::CORPORATE_LOAN, v1::TRADE_FINANCE, v1::FX}),
  };
}

std::vector<DemoMember> Members() {
  std::vector<DemoMember> out = {
      Staff("DEMO-E001", "王建国", v1::BRANCH_MANAGER, {v1::CORPORATE_LOAN, v1::WEALTH}),
      Staff("DEMO-E002", "李娜", v1::TEAM_LEAD, {v1::WEALTH, v1::INSURANCE}),
      Staff("DEMO-E003", "张伟", v1::TEAM_LEAD, {v1::CORPORATE_LOAN, v1::TRADE_FINANCE}),
  };
  for (auto& rm : RelationshipManagers()) out.push_back(std::move(rm));
  std::vector<DemoMember> others = {
      Staff("DEMO-E012", "孙悦", v1::LOBBY_MANAGER, {v1::WEALTH}),
      Staff("DEMO-E013", "马超", v1::TELLER, {v1::SETTLEMENT}),
      Staff("DEMO-E014", "朱琳", v1::TELLER, {v1::SETTLEMENT, v1::FX}),
      Staff("DEMO-E015", "胡斌", v1::BACK_OFFICE, {v1::CORPORATE_LOAN}, v1::RISK),
      Staff("DEMO-E016", "郭芳", v1::BACK_OFFICE, {}, v1::COMPLIANCE),
      Staff("DEMO-E017", "何军", v1::BACK_OFFICE, {}, v1::IT),
      Staff("DEMO-E018", "高原", v1::PROJECT_MANAGER, {v1::CORPORATE_LOAN, v1::SETTLEMENT}),
      Staff("DEMO-E019", "林晓", v1::SUPPORT_STAFF, {}),
      Staff("DEMO-E020", "罗雪", v1::SUPPORT_STAFF, {v1::INSURANCE}),
  };
  for (auto& m : others) out.push_back(std::move(m));
  return out;
}

std::vector<DemoTeam> Teams() {
  return {
      {"个人金融营销团队",
       v1::HOME,
       "DEMO-E002",
       {"DEMO-E004", "DEMO-E005", "DEMO-E006", "DEMO-E007", "DEMO-E012", "DEMO-E013", "DEMO-E014"},
       "Personal banking: retail and private-banking customers",
       {{v1::NEW_CUSTOMERS, 60, "new retail customers this quarter"},
        {v1::CUSTOMER_SATISFACTION, 460, "average follow-up satisfaction 4.60"},
        {v1::ON_TIME_TASK_RATE, 9500, "95 % of tasks on time"}}},
      {"公司金融营销团队",
       v1::HOME,
       "DEMO-E003",
       {"DEMO-E008", "DEMO-E009", "DEMO-E010", "DEMO-E011", "DEMO-E015", "DEMO-E016"},
       "Corporate banking: key accounts and SME lending",
       {{v1::NEW_CUSTOMERS, 12, "new corporate customers this quarter"},
        {v1::AUM_GROWTH, 5000000000, "CNY 50 million of new deposits and assets (fen)"},
        {v1::ON_TIME_TASK_RATE, 9500, "95 % of tasks on time"}}},
      {"小微企业综合金融服务项目组",
       v1::PROJECT,
       "DEMO-E018",
       {"DEMO-E005", "DEMO-E009", "DEMO-E015", "DEMO-E017", "DEMO-E019"},
       "Cross-functional project: one-stop services for small and micro businesses",
       {{v1::INTERACTIONS, 200, "visits and calls to SME customers"},
        {v1::COMPLAINTS_RESOLVED, 10, "SME complaints resolved"}}},
  };
}

}  // namespace

DemoData MakeDemoData(absl::CivilDay today) {
  DemoData data;
  data.branch.set_code("DEMO-001");
  data.branch.set_display_name("上海浦东支行 (Shanghai Pudong)");
  data.branch.set_region("Shanghai");
  data.branch_manager = "DEMO-E001";
  data.members = Members();
  data.teams = Teams();
  data.mentorships = {{"DEMO-E004", "DEMO-E006"}, {"DEMO-E008", "DEMO-E010"}};
  data.issued_on = absl::CivilDay(today.year() - 2, 1, 1);
  data.expires_on = absl::CivilDay(today.year() + 2, 12, 31);
  int quarter_month = (today.month() - 1) / 3 * 3 + 1;
  data.period_start = absl::CivilDay(today.year(), quarter_month, 1);
  data.period_end = absl::CivilDay(absl::CivilMonth(data.period_start) + 3);
  return data;
}

}  // namespace rmhub::seed
