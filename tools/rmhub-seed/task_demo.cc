#include "tools/rmhub-seed/task_demo.h"

namespace rmhub::seed {
namespace {

constexpr char kPersonal[] = "个人金融营销团队";
constexpr char kCorporate[] = "公司金融营销团队";

DemoTask Visit(std::string rm, std::string title, absl::Duration due_in,
               DemoStage stage = DemoStage::kTodo) {
  DemoTask t{tv1::CUSTOMER_VISIT,
             std::move(title),
             "Quarterly review of the customer's holdings and needs",
             tv1::NORMAL,
             kPersonal,
             "",
             rm,
             {rm},
             due_in};
  t.about_customer = true;
  t.stage = stage;
  return t;
}

}  // namespace

TaskDemoData MakeTaskDemoData() {
  TaskDemoData data;
  data.tasks = {
      Visit("DEMO-E004", "拜访: 理财到期客户回访 (maturing wealth products)", absl::Hours(24),
            DemoStage::kStarted),
      Visit("DEMO-E005", "拜访: 外汇需求客户 (FX needs review)", absl::Hours(48)),
      Visit("DEMO-E006", "拜访: 个人贷款客户 (personal loan follow-up)", absl::Hours(72)),
      Visit("DEMO-E007", "拜访: 私行客户资产配置 (private banking allocation)", absl::Hours(96)),
      {tv1::DUE_DILIGENCE,
       "双人调查: 新授信申请 (credit application due diligence)",
       "On-site due diligence of a new SME credit line, two signatures required",
       tv1::HIGH,
       kCorporate,
       "",
       "DEMO-E003",
       {"DEMO-E008", "DEMO-E009"},
       absl::Hours(72),
       false,
       DemoStage::kHalfSigned},
      {tv1::POST_LOAN_CHECK,
       "双人贷后检查: 季度贷后检查 (quarterly post-loan check)",
       "Use of funds and collateral check of an outstanding loan, two signatures required",
       tv1::HIGH,
       kCorporate,
       "",
       "DEMO-E003",
       {"DEMO-E009", "DEMO-E011"},
       absl::Hours(120),
       false,
       DemoStage::kHalfSigned},
      {tv1::CROSS_DEPARTMENT,
       "跨部门协作: 企业主个人理财方案 (wealth plan for a business owner)",
       "The corporate team asks the personal team for a wealth plan for a key account's owner",
       tv1::NORMAL,
       kPersonal,
       kCorporate,
       "DEMO-E003",
       {},
       absl::Hours(168)},
      {tv1::DOCUMENT_PREPARATION,
       "准备季度授信材料 (quarterly credit file)",
       "Collect the quarter's financial statements for the credit file",
       tv1::URGENT,
       kCorporate,
       "",
       "DEMO-E010",
       {"DEMO-E010"},
       absl::Seconds(3)},
      {tv1::MARKETING,
       "社区理财讲座邀约 (community wealth seminar invitations)",
       "Invite the branch's retail customers to Saturday's seminar",
       tv1::NORMAL,
       kPersonal,
       "",
       "DEMO-E006",
       {"DEMO-E006"},
       absl::Seconds(3)},
  };
  data.meeting = {
      kPersonal,
      "个人金融团队周例会 (personal banking weekly meeting)",
      "DEMO-E002",
      {"DEMO-E002", "DEMO-E004", "DEMO-E005", "DEMO-E006", "DEMO-E007"},
      absl::Hours(2),
      "1. Last week's visits 2. Maturing wealth products 3. Seminar preparation",
      "Visits on plan; maturing products need calls this week; seminar materials to update.",
      {{"到期理财产品客户电话回访 (call customers with maturing products)", "DEMO-E004",
        absl::Hours(72)},
       {"更新讲座材料 (update the seminar slides)", "DEMO-E005", absl::Hours(96)},
       {"整理本周拜访纪要 (write up this week's visit notes)", "DEMO-E006", absl::Hours(120)}},
  };
  return data;
}

}  // namespace rmhub::seed
