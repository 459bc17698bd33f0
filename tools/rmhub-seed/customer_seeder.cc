#include "tools/rmhub-seed/customer_seeder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "google/protobuf/util/time_util.h"
#include "tools/rmhub-seed/rpc.h"

namespace rmhub::seed {
namespace {

using Stub = cv1::CustomerService::StubInterface;

// Rows per ImportCustomers call (the service takes up to 1,000).
constexpr int kImportChunk = 200;
constexpr int kPageSize = 500;

std::string Quoted(const std::string& s) { return absl::StrCat("\"", s, "\""); }

const v1::Member& MemberOf(const SeedResult& team, const std::string& employee_number) {
  return team.members.at(employee_number);
}

}  // namespace

CustomerSeeder::CustomerSeeder(Stub& stub, absl::Duration timeout, StaffTokenFn token,
                               absl::TimeZone zone)
    : stub_(stub), timeout_(timeout), mint_(std::move(token)), zone_(zone) {}

template <class Req, class Resp>
absl::StatusOr<Resp> CustomerSeeder::Call(Method<Req, Resp> method, const Req& request,
                                          const std::string& token) {
  return CallAs(stub_, method, request, token, timeout_);
}

absl::StatusOr<CustomerSeedResult> CustomerSeeder::Run(const CustomerDemoData& data,
                                                       const SeedResult& team,
                                                       const std::string& branch_manager) {
  result_ = CustomerSeedResult();
  const std::string& branch = team.branch.name();
  branch_id_ = IdOf(branch);
  RMHUB_ASSIGN_OR_RETURN(manager_token_, mint_(IdOf(MemberOf(team, branch_manager).name()),
                                               branch_id_, "BRANCH_MANAGER"));
  for (const DemoCustomer& d : data.customers) result_.by_type[d.customer.type()]++;
  RMHUB_RETURN_IF_ERROR(Import(data, branch));
  RMHUB_RETURN_IF_ERROR(Assign(data, team, branch));
  RMHUB_RETURN_IF_ERROR(LogInteractions(data, team));
  RMHUB_RETURN_IF_ERROR(Portfolios(data, team));
  return result_;
}

absl::Status CustomerSeeder::Import(const CustomerDemoData& data, const std::string& branch) {
  const int total = static_cast<int>(data.customers.size());
  names_.assign(total, "");
  for (int first = 0; first < total; first += kImportChunk) {
    cv1::ImportCustomersRequest request;
    request.set_branch(branch);
    int end = std::min(total, first + kImportChunk);
    for (int i = first; i < end; ++i)
      *request.add_rows()->mutable_customer() = data.customers[i].customer;
    // No request_id: the import is idempotent by its natural keys, and a replayed first response
    // would report CREATED again on a second run.
    auto imported = Call(&Stub::ImportCustomers, request, manager_token_);
    if (!imported.ok()) {
      return While(absl::StrCat("importing customers ", first, "..", end - 1), imported.status());
    }
    for (const cv1::ImportRowResult& row : imported->results()) {
      int index = first + row.row();
      switch (row.outcome()) {
        case cv1::CREATED:
          result_.created++;
          break;
        case cv1::UPDATED:
          result_.updated++;
          break;
        case cv1::UNCHANGED:
          result_.unchanged++;
          break;
        default:
          // An invalid row is this tool's bug; anything else (an archived customer, another
          // branch's) is someone's later change to respect.
          if (row.field_errors_size() > 0) {
            return Internal("SEED_DATA", absl::StrCat("demo customer ", index,
                                                      " is invalid: ", row.field_errors(0)));
          }
          result_.skipped++;
          result_.skip_reasons.push_back(absl::StrCat("row ", index, ": ", row.error()));
          continue;
      }
      names_[index] = row.customer();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> CustomerSeeder::Owners(
    const std::string& branch) {
  std::map<std::string, std::string> owners;
  cv1::ListCustomersRequest list;
  list.set_filter(absl::StrCat("branch = ", Quoted(branch)));
  list.set_page_size(kPageSize);
  RMHUB_RETURN_IF_ERROR(ForEachPage(stub_, &Stub::ListCustomers, list, manager_token_, timeout_,
                                    "listing the customers of " + branch,
                                    [&](const cv1::ListCustomersResponse& page) {
                                      for (const cv1::Customer& c : page.customers()) {
                                        owners[c.name()] = c.owner();
                                      }
                                    }));
  return owners;
}

absl::Status CustomerSeeder::Assign(const CustomerDemoData& data, const SeedResult& team,
                                    const std::string& branch) {
  RMHUB_ASSIGN_OR_RETURN(auto owners, Owners(branch));
  for (size_t i = 0; i < data.customers.size(); ++i) {
    const std::string& customer = names_[i];
    if (customer.empty()) continue;
    auto owner = owners.find(customer);
    if (owner == owners.end() || !owner->second.empty()) {
      // Held already, or not listed as the branch's (it moved away): either way not ours to give.
      result_.already_held++;
      continue;
    }
    const std::string& manager = MemberOf(team, data.customers[i].manager).name();
    cv1::AssignCustomerRequest assign;
    assign.set_customer(customer);
    assign.set_manager(manager);
    assign.set_reason("demo book (rmhub-seed)");
    assign.set_request_id(RequestIdFor(absl::StrCat("assign/", customer, "/", manager)));
    auto assigned = Call(&Stub::AssignCustomer, assign, manager_token_);
    if (!assigned.ok()) {
      return While(absl::StrCat("assigning ", customer, " to ", manager), assigned.status());
    }
    result_.assigned++;
  }
  return absl::OkStatus();
}

absl::Status CustomerSeeder::LogInteractions(const CustomerDemoData& data, const SeedResult& team) {
  std::map<std::string, std::string> tokens;  // by employee number
  for (const DemoInteraction& wanted : data.interactions) {
    const std::string& customer = names_[wanted.customer];
    if (customer.empty()) continue;
    const std::string& employee = data.customers[wanted.customer].manager;
    if (tokens.count(employee) == 0) {
      RMHUB_ASSIGN_OR_RETURN(tokens[employee], mint_(IdOf(MemberOf(team, employee).name()),
                                                     branch_id_, "RELATIONSHIP_MANAGER"));
    }
    const std::string& token = tokens[employee];
    cv1::ListInteractionsRequest list;
    list.set_parent(customer);
    list.set_page_size(1);
    auto found = Call(&Stub::ListInteractions, list, token);
    if (!found.ok()) return While("listing the interactions of " + customer, found.status());
    bool exists = found->interactions_size() > 0;
    (exists ? result_.interactions_existing : result_.interactions_logged)++;
    if (exists) continue;
    cv1::LogInteractionRequest log;
    log.set_parent(customer);
    cv1::Interaction* in = log.mutable_interaction();
    in->set_channel(wanted.channel);
    *in->mutable_interaction_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
        absl::ToUnixSeconds(absl::FromCivil(wanted.time, zone_)));
    in->set_summary(wanted.summary);
    if (wanted.has_follow_up) {
      in->mutable_next_follow_up_date()->set_year(static_cast<int32_t>(wanted.follow_up.year()));
      in->mutable_next_follow_up_date()->set_month(wanted.follow_up.month());
      in->mutable_next_follow_up_date()->set_day(wanted.follow_up.day());
    }
    log.set_request_id(RequestIdFor(
        absl::StrCat("interaction/", customer, "/", absl::FormatCivilTime(wanted.time))));
    auto logged = Call(&Stub::LogInteraction, log, token);
    if (!logged.ok()) return While("logging an interaction with " + customer, logged.status());
  }
  return absl::OkStatus();
}

absl::Status CustomerSeeder::Portfolios(const CustomerDemoData& data, const SeedResult& team) {
  for (const DemoCustomer& d : data.customers) {
    if (result_.portfolios.count(d.manager) > 0) continue;
    cv1::GetPortfolioSummaryRequest get;
    get.set_manager(MemberOf(team, d.manager).name());
    auto summary = Call(&Stub::GetPortfolioSummary, get, manager_token_);
    if (!summary.ok()) return While("summarising the book of " + get.manager(), summary.status());
    result_.portfolios[d.manager] = *summary;
  }
  return absl::OkStatus();
}

}  // namespace rmhub::seed
