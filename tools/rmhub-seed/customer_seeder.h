#pragma once
// Puts the demo customer book (customer_demo.h) on a running customer service through its public
// gRPC API, after the team part (seeder.h) has made the branch and its relationship managers.
// Idempotent:
//   - customers go in with ImportCustomers (chunks of 200, keyed by national ID / credit code
//     through the blind index): a second run reports every row UNCHANGED;
//   - only customers without an owner are assigned (the branch's book is listed first), each to
//     its demo manager, with a name-based request_id: a held customer is never moved;
//   - an interaction is logged only on a customer that has none yet, as the manager who holds it.
// Import, listing and assignment run as the branch manager; interactions as the relationship
// manager, so the audit trail names the person who had the contact.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"
#include "tools/rmhub-seed/customer_demo.h"
#include "tools/rmhub-seed/seeder.h"

namespace rmhub::seed {

struct CustomerSeedResult {
  int created = 0, updated = 0, unchanged = 0;
  int skipped = 0;  // rows the service refused (archived, another branch's): reported, not fatal
  std::vector<std::string> skip_reasons;  // "row 12: the customer is archived" (no PII)
  int assigned = 0;                       // assigned by this run
  int already_held = 0;                   // had an owner already (by an earlier run or by hand)
  int interactions_logged = 0;
  int interactions_existing = 0;
  std::map<cv1::CustomerType, int> by_type;  // demo rows per type
  // Employee number → the manager's book as the service reports it afterwards.
  std::map<std::string, cv1::PortfolioSummary> portfolios;
};

// Mints a bearer token for a member of staff with one role in a branch.
using StaffTokenFn = std::function<absl::StatusOr<std::string>(int64_t member_id, int64_t branch_id,
                                                               const std::string& role)>;

class CustomerSeeder {
 public:
  CustomerSeeder(cv1::CustomerService::StubInterface& stub, absl::Duration timeout,
                 StaffTokenFn token, absl::TimeZone zone);

  // `team` is what the team part found or made: the branch, and the members by employee number.
  absl::StatusOr<CustomerSeedResult> Run(const CustomerDemoData& data, const SeedResult& team,
                                         const std::string& branch_manager);

 private:
  template <class Req, class Resp>
  using Method = grpc::Status (cv1::CustomerService::StubInterface::*)(grpc::ClientContext*,
                                                                       const Req&, Resp*);
  template <class Req, class Resp>
  absl::StatusOr<Resp> Call(Method<Req, Resp> method, const Req& request, const std::string& token);

  // Imports every row; fills names_ (row index → "customers/…", empty when skipped).
  absl::Status Import(const CustomerDemoData& data, const std::string& branch);
  // Owner of every customer of the branch, by customer name ("" when unassigned).
  absl::StatusOr<std::map<std::string, std::string>> Owners(const std::string& branch);
  absl::Status Assign(const CustomerDemoData& data, const SeedResult& team,
                      const std::string& branch);
  absl::Status LogInteractions(const CustomerDemoData& data, const SeedResult& team);
  absl::Status Portfolios(const CustomerDemoData& data, const SeedResult& team);

  cv1::CustomerService::StubInterface& stub_;
  absl::Duration timeout_;
  StaffTokenFn mint_;
  absl::TimeZone zone_;
  std::string manager_token_;  // the branch manager's
  int64_t branch_id_ = 0;
  std::vector<std::string> names_;
  CustomerSeedResult result_;
};

}  // namespace rmhub::seed
