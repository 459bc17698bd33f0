#include "tools/rmhub-seed/summary.h"

#include "absl/strings/str_cat.h"
#include "tools/rmhub-seed/rpc.h"
#include "tools/rmhubctl/text_width.h"

namespace rmhub::seed {
namespace {

using ctl::PadToWidth;

std::string Counts(const SeedResult& result) {
  std::string out;
  for (const auto& [kind, c] : result.counts) {
    absl::StrAppend(&out, "  ", PadToWidth(kind, 16), c.created + c.existing, " (", c.created,
                    " new)\n");
  }
  return out;
}

std::string Staff(const SeedResult& result) {
  std::string out = "Staff:\n";
  for (const auto& [employee_number, m] : result.members) {
    std::string role = v1::Role_Name(m.role());
    if (m.back_office_function() != v1::BACK_OFFICE_FUNCTION_UNSPECIFIED) {
      absl::StrAppend(&role, " ", v1::BackOfficeFunction_Name(m.back_office_function()));
    }
    if (m.rm_kind() != v1::RM_KIND_UNSPECIFIED) {
      absl::StrAppend(&role, " ", v1::RmKind_Name(m.rm_kind()), " ",
                      v1::CareerLevel_Name(m.career_level()), "/", m.career_grade());
    }
    absl::StrAppend(&out, "  ", PadToWidth(m.name(), 12), PadToWidth(employee_number, 11),
                    PadToWidth(m.display_name(), 8), role, "\n");
  }
  return out;
}

std::string Teams(const SeedResult& result) {
  std::string out = "Teams:\n";
  for (const v1::Team& t : result.teams) {
    absl::StrAppend(&out, "  ", PadToWidth(t.name(), 10),
                    PadToWidth(v1::TeamKind_Name(t.kind()), 9), t.display_name(), "  (leader ",
                    t.leader(), ")\n");
  }
  return out;
}

// Sample calls that work with the seeded ids, as the branch manager.
std::string TryThis(const SeedResult& result, const DemoData& data, const std::string& address) {
  const v1::Member& bm = result.members.at(data.branch_manager);
  const v1::Member* rm = nullptr;
  for (const auto& [emp, m] : result.members) {
    if (rm == nullptr && m.role() == v1::RELATIONSHIP_MANAGER && m.rm_kind() == v1::PERSONAL)
      rm = &m;
  }
  std::string branch_id = result.branch.name().substr(result.branch.name().find('/') + 1);
  std::string member_id = bm.name().substr(bm.name().find('/') + 1);
  std::string out =
      absl::StrCat("Try (as the branch manager, ", bm.display_name(), "):\n",
                   "  export RMHUB_TOKEN=$(rmhubctl token --member ", member_id,
                   " --roles BRANCH_MANAGER --branch ", branch_id, ")\n", "  rmhubctl --addr ",
                   address, " team list-members filter='role = RELATIONSHIP_MANAGER'\n");
  if (rm != nullptr) {
    absl::StrAppend(&out, "  rmhubctl --addr ", address, " team get-member name=", rm->name(), "\n",
                    "  rmhubctl --addr ", address,
                    " team check-assignment-eligibility member=", rm->name(),
                    " rm_kind=PERSONAL\n");
  }
  return out;
}

std::string Segments(const google::protobuf::RepeatedPtrField<cv1::SegmentCount>& counts) {
  std::string out;
  for (const cv1::SegmentCount& s : counts) absl::StrAppend(&out, " ", s.segment(), " ", s.count());
  return out;
}

std::string Books(const CustomerSeedResult& result, const SeedResult& team) {
  std::string out = "Books (GetPortfolioSummary):\n";
  for (const auto& [employee_number, book] : result.portfolios) {
    const v1::Member& m = team.members.at(employee_number);
    absl::StrAppend(&out, "  ", PadToWidth(employee_number, 11), PadToWidth(m.display_name(), 8),
                    PadToWidth(v1::RmKind_Name(m.rm_kind()), 10), book.customer_count(),
                    " customers, ", book.key_account_count(), " key accounts, cap ",
                    book.cap_used(), "/", book.cap(), ";", Segments(book.by_asset_tier()), "\n");
  }
  return out;
}

// Sample calls as the first personal relationship manager with a book.
std::string TryCustomers(const CustomerSeedResult& result, const SeedResult& team,
                         const std::string& address) {
  for (const auto& [employee_number, book] : result.portfolios) {
    const v1::Member& rm = team.members.at(employee_number);
    if (rm.rm_kind() != v1::PERSONAL) continue;
    std::string id = rm.name().substr(rm.name().find('/') + 1);
    std::string branch_id = team.branch.name().substr(team.branch.name().find('/') + 1);
    std::string ctl = absl::StrCat("  rmhubctl --addr ", address, " customer ");
    return absl::StrCat("Try (as relationship manager ", rm.display_name(), "):\n",
                        "  export RMHUB_TOKEN=$(rmhubctl token --member ", id,
                        " --roles RELATIONSHIP_MANAGER --branch ", branch_id, ")\n", ctl,
                        "list-customers filter='asset_tier = VIP'\n", ctl,
                        "list-care-reminders manager=", rm.name(), "\n", ctl,
                        "get-portfolio-summary manager=", rm.name(), "\n");
  }
  return "";
}

}  // namespace

std::string CustomerSummary(const CustomerSeedResult& result, const SeedResult& team,
                            const std::string& address) {
  std::string out = absl::StrCat(
      "rmhub-seed: demo customers on ", address, ": ", result.created, " created, ", result.updated,
      " updated, ", result.unchanged, " unchanged, ", result.skipped, " skipped; ", result.assigned,
      " assigned (", result.already_held, " held already); ", result.interactions_logged,
      " interactions logged (", result.interactions_existing, " there already)\n  demo rows:");
  for (const auto& [type, count] : result.by_type) {
    absl::StrAppend(&out, " ", cv1::CustomerType_Name(type), " ", count);
  }
  absl::StrAppend(&out, "\n");
  constexpr size_t kShown = 5;
  for (size_t i = 0; i < result.skip_reasons.size() && i < kShown; ++i) {
    absl::StrAppend(&out, "  skipped ", result.skip_reasons[i], "\n");
  }
  if (result.skip_reasons.size() > kShown) {
    absl::StrAppend(&out, "  … and ", result.skip_reasons.size() - kShown, " more skipped\n");
  }
  return absl::StrCat(out, Books(result, team), TryCustomers(result, team, address));
}

std::string Summary(const SeedResult& result, const DemoData& data, const std::string& address) {
  return absl::StrCat("rmhub-seed: demo data on ", address, ": ", result.created_total(),
                      " objects created (0 means it was all there already)\n", Counts(result),
                      "Branch: ", result.branch.name(), "  ", result.branch.code(), "  ",
                      result.branch.display_name(), "\n", Teams(result), Staff(result),
                      TryThis(result, data, address));
}

std::string TaskSummary(const TaskSeedResult& result, const DemoData& data, const SeedResult& team,
                        const std::string& address) {
  std::string out = absl::StrCat(
      "rmhub-seed: demo work on ", address, ": ", result.tasks.created, " tasks created (",
      result.tasks.existing, " there already), ", result.meetings.created, " meeting recorded (",
      result.meetings.existing, " there already) with ", result.action_item_tasks,
      " action-item tasks; ", result.started, " started, ", result.signed_once,
      " four-eyes checks signed once by this run; ", result.waiting_requests,
      " cross-department request(s) waiting, ", result.overdue, " demo task(s) overdue\n");
  for (const auto& [title, name] : result.names) {
    absl::StrAppend(&out, "  ", PadToWidth(name, 10), title, "\n");
  }
  // The personal team's lead: the first home team of the demo.
  const DemoTeam& home = data.teams.front();
  const v1::Member& lead = team.members.at(home.leader);
  std::string team_name;
  for (const v1::Team& t : team.teams) {
    if (t.display_name() == home.display_name) team_name = t.name();
  }
  const std::string ctl = absl::StrCat("  rmhubctl --addr ", address, " task ");
  absl::StrAppend(
      &out, "Try (as team lead ", lead.display_name(), "):\n",
      "  export RMHUB_TOKEN=$(rmhubctl token --member ", IdOf(lead.name()),
      " --roles TEAM_LEAD --branch ", IdOf(team.branch.name()), " --teams ", IdOf(team_name), ")\n",
      ctl, "list-tasks filter='team = \"", team_name, "\" AND overdue = true'\n", ctl,
      "list-tasks filter='acceptance = PENDING_ACCEPTANCE'\n", ctl, "get-workload name=", team_name,
      "\n", ctl, "list-meetings filter='team = \"", team_name, "\"'\n");
  return out;
}

}  // namespace rmhub::seed
