#pragma once
// An in-memory CustomerRepository for service and domain tests that need no database. It keeps
// the contract of services/customer/repository.h the service relies on — ids, versions behind
// etags (ABORTED ETAG_MISMATCH), the unique national ID and credit code (NATIONAL_ID_TAKEN,
// CREDIT_CODE_TAKEN, compared normalised as the blind index is), PII returned in clear and
// normalised, holdings, interactions and the audit trail — and evaluates list filters, tiers,
// the archived default and scopes from the typed values with the same semantics as the MySQL
// repository (customer_list_parity_test proves it). PII is kept in clear: this is a test double.
//
// Read, Write and idempotency are tests/support/fake_repository.h (the contract of
// common/db/repository.h). One thread, no locks.

#include <map>
#include <string>
#include <vector>

#include "services/customer/repository.h"
#include "tests/support/fake_repository.h"

namespace rmhub::customer::fakes {

struct FakeCustomerData {
  struct CustomerRow {
    v1::Customer customer;  // without etag; needs a sorted set
    Ownership ownership;
    int64_t version = 1;
  };
  struct InteractionRow {
    int64_t customer_id = 0;
    int64_t manager_id = 0;
    v1::Interaction interaction;
  };
  std::map<std::string, int64_t> last_id;  // per table
  std::map<int64_t, CustomerRow> customers;
  std::map<int64_t, std::pair<int64_t, v1::AssignmentRecord>> assignments;  // customer id, record
  std::map<int64_t, InteractionRow> interactions;
  std::map<int64_t, v1::PiiAuditEntry> audit;
  std::vector<int64_t> locked_managers;
  std::vector<rmhub::common::v1::DomainEvent> events;
};

class FakeCustomerRepository final
    : public rmhub::testing::FakeRepository<CustomerStore, FakeCustomerData> {
 protected:
  std::unique_ptr<CustomerStore> MakeStore(FakeCustomerData& data) override;
};

}  // namespace rmhub::customer::fakes
