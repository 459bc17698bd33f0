#pragma once
// An in-memory CustomerRepository for service and domain tests that need no database. It keeps
// the contract of services/customer/repository.h the service relies on — ids, versions behind
// etags (ABORTED ETAG_MISMATCH), the unique national ID and credit code (NATIONAL_ID_TAKEN,
// CREDIT_CODE_TAKEN, compared normalised as the blind index is), PII returned in clear and
// normalised, holdings, interactions and the audit trail — and evaluates list filters, tiers,
// the archived default and scopes from the typed values with the same semantics as the MySQL
// repository (customer_list_parity_test proves it). PII is kept in clear: this is a test double.
//
// Write runs the body on a copy and keeps it only when the body succeeds; a non-empty
// request_id replays the stored response or is REQUEST_ID_REUSED. One thread, no locks.

#include <map>
#include <string>
#include <vector>

#include "services/customer/repository.h"

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
  std::map<std::string, std::pair<std::string, std::string>> idempotency;
};

class FakeCustomerRepository : public CustomerRepository {
 public:
  absl::Status Read(const std::function<absl::Status(CustomerStore&)>& body) override;
  absl::Status ReadSingle(const std::function<absl::Status(CustomerStore&)>& body) override {
    return Read(body);
  }
  absl::Status Write(absl::string_view method, const std::string& request_id,
                     const google::protobuf::Message& request, google::protobuf::Message* response,
                     const std::function<absl::Status(CustomerStore&)>& body) override;
  absl::Status CheckReady() override { return absl::OkStatus(); }

  const FakeCustomerData& data() const { return data_; }
  int writes_committed() const { return writes_committed_; }

 private:
  FakeCustomerData data_;
  int writes_committed_ = 0;
};

}  // namespace rmhub::customer::fakes
