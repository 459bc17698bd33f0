// Bad input for every CustomerService RPC: INVALID_ARGUMENT naming the field, nothing written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/customer/customer_test_env.h"

namespace rmhub::customer {
namespace {

using Stub = v1::CustomerService::Stub;
using Call = std::function<grpc::Status(Stub&, grpc::ClientContext*)>;

template <class Req, class Resp>
Call Make(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), Req request) {
  return [method, request](Stub& stub, grpc::ClientContext* ctx) {
    Resp response;
    return (stub.*method)(ctx, request, &response);
  };
}

struct BadCase {
  std::string rpc;
  std::string field;
  Call call;
};

class CustomerBadInputTest : public CustomerTestEnv {
 protected:
  std::vector<BadCase> Cases(const v1::Customer& held) {
    std::vector<BadCase> cases;
    auto add = [&](std::string rpc, std::string field, Call call) {
      cases.push_back({std::move(rpc), std::move(field), std::move(call)});
    };
    {
      v1::CreateCustomerRequest r;
      *r.mutable_customer() = RetailCustomer();
      r.mutable_customer()->set_type(v1::CUSTOMER_TYPE_UNSPECIFIED);
      add("CreateCustomer", "customer.type", Make(&Stub::CreateCustomer, r));
      *r.mutable_customer() = RetailCustomer();
      r.mutable_customer()->set_contact_phone("12345");
      add("CreateCustomer", "customer.contact_phone", Make(&Stub::CreateCustomer, r));
      *r.mutable_customer() = RetailCustomer();
      r.mutable_customer()->mutable_aum()->set_minor_units(-1);
      add("CreateCustomer", "customer.aum.minor_units", Make(&Stub::CreateCustomer, r));
      *r.mutable_customer() = RetailCustomer();
      r.set_owner("manager/7");
      add("CreateCustomer", "owner", Make(&Stub::CreateCustomer, r));
      r.set_owner("");
      r.set_request_id(std::string(80, 'r'));
      add("CreateCustomer", "request_id", Make(&Stub::CreateCustomer, r));
    }
    {
      v1::GetCustomerRequest r;
      r.set_name("customers/x");
      add("GetCustomer", "name", Make(&Stub::GetCustomer, r));
    }
    {
      v1::ListCustomersRequest r;
      r.set_filter("asset_tier = HUGE");
      add("ListCustomers", "filter", Make(&Stub::ListCustomers, r));
      r.set_filter("");
      r.set_page_size(-1);
      add("ListCustomers", "page_size", Make(&Stub::ListCustomers, r));
    }
    {
      v1::UpdateCustomerRequest r;
      *r.mutable_customer() = held;
      r.mutable_update_mask()->add_paths("owner");
      add("UpdateCustomer", "update_mask", Make(&Stub::UpdateCustomer, r));
      r.mutable_update_mask()->Clear();
      r.mutable_update_mask()->add_paths("birthday");
      r.mutable_customer()->mutable_birthday()->set_month(13);
      add("UpdateCustomer", "customer.birthday", Make(&Stub::UpdateCustomer, r));
    }
    {
      v1::ArchiveCustomerRequest r;
      r.set_name(held.name());
      add("ArchiveCustomer", "reason", Make(&Stub::ArchiveCustomer, r));
    }
    {
      v1::AssignCustomerRequest r;
      r.set_customer(held.name());
      add("AssignCustomer", "manager", Make(&Stub::AssignCustomer, r));
    }
    {
      v1::TransferCustomerRequest r;
      r.set_customer(held.name());
      r.set_to_manager("members/11");
      add("TransferCustomer", "reason", Make(&Stub::TransferCustomer, r));
    }
    {
      v1::HandoverCustomersRequest r;
      r.set_from_manager("members/7");
      r.set_reason("leaving");
      add("HandoverCustomers", "to_managers", Make(&Stub::HandoverCustomers, r));
      r.add_to_managers("members/7");
      add("HandoverCustomers", "to_managers[0]", Make(&Stub::HandoverCustomers, r));
    }
    {
      v1::ListAssignmentHistoryRequest r;
      add("ListAssignmentHistory", "parent", Make(&Stub::ListAssignmentHistory, r));
    }
    {
      v1::LogInteractionRequest r;
      r.set_parent(held.name());
      add("LogInteraction", "interaction.channel", Make(&Stub::LogInteraction, r));
      r.mutable_interaction()->set_channel(v1::VISIT);
      r.mutable_interaction()->mutable_interaction_time()->set_seconds(
          absl::ToUnixSeconds(harness_.clock().Now() + absl::Hours(48)));
      add("LogInteraction", "interaction.interaction_time", Make(&Stub::LogInteraction, r));
    }
    {
      v1::BatchGetCustomersRequest r;
      r.add_names(held.name());
      r.add_names("members/7");
      add("BatchGetCustomers", "names[1]", Make(&Stub::BatchGetCustomers, r));
    }
    {
      v1::ListInteractionsRequest r;
      r.set_parent(held.name());
      r.set_page_token("nope");
      add("ListInteractions", "page_token", Make(&Stub::ListInteractions, r));
    }
    {
      v1::ListCareRemindersRequest r;
      r.set_manager("members/7");
      r.set_birthday_window_days(400);
      add("ListCareReminders", "birthday_window_days", Make(&Stub::ListCareReminders, r));
    }
    {
      v1::ImportCustomersRequest r;
      r.set_branch("branches/1");
      add("ImportCustomers", "rows", Make(&Stub::ImportCustomers, r));
    }
    {
      v1::GetPortfolioSummaryRequest r;
      r.set_manager("");
      add("GetPortfolioSummary", "manager", Make(&Stub::GetPortfolioSummary, r));
    }
    {
      v1::ListPiiAuditEntriesRequest r;
      r.set_filter("customer = \"members/1\"");
      add("ListPiiAuditEntries", "filter", Make(&Stub::ListPiiAuditEntries, r));
    }
    return cases;
  }
};

TEST_F(CustomerBadInputTest, EveryRpcNamesTheBadFieldAndWritesNothing) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  v1::Customer held = Create(RetailCustomer(), "members/7");
  // Branch manager of branch 1 with audit.read, so authorization passes where it is checked first.
  std::string token = BranchManagerToken(100, 1, {"audit.read"});
  std::set<std::string> covered;
  for (const BadCase& c : Cases(held)) {
    SCOPED_TRACE(c.rpc + " / " + c.field);
    covered.insert(c.rpc);
    harness_.ExpectNothingWritten([&] {
      auto ctx = Context(token);
      grpc::Status s = c.call(*stub_, ctx.get());
      ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
      EXPECT_THAT(testing::FieldsOf(s), ::testing::Contains(c.field)) << s.error_message();
    });
  }
  const auto* desc = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      v1::CustomerService::service_full_name());
  ASSERT_NE(desc, nullptr);
  for (int i = 0; i < desc->method_count(); ++i) {
    EXPECT_TRUE(covered.count(desc->method(i)->name())) << desc->method(i)->name();
  }
}

}  // namespace
}  // namespace rmhub::customer
