// Issue 8, the customer service's corrections: handover authorizes first, every clear PII
// response audited, no national-ID oracle, the cap after the change, field authority, the event
// contract, service principals on the portfolio reads. In-process over real gRPC and MariaDB.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/services/customer/customer_test_env.h"

namespace rmhub::customer {
namespace {

using testing::FieldsOf;
using ::testing::HasSubstr;
using testing::ReasonOf;

class CorrectionsTest : public CustomerTestEnv {
 protected:
  grpc::Status Handover(const std::string& token, const std::string& from,
                        const std::vector<std::string>& customers,
                        const std::vector<std::string>& to) {
    v1::HandoverCustomersRequest r;
    r.set_from_manager(from);
    for (const auto& c : customers) r.add_customers(c);
    for (const auto& t : to) r.add_to_managers(t);
    r.set_reason("leaving the bank");
    v1::HandoverCustomersResponse out;
    auto ctx = Context(token);
    return stub_->HandoverCustomers(ctx.get(), r, &out);
  }
};

// ---------------------------------------------------------------------------------------------
// Point 3: handover

TEST_F(CorrectionsTest, HandoverDeniesTheSameWhetherOrNotTheCustomerIsHeld) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(11, team::v1::PERSONAL, 400, 1, 3);
  v1::Customer held = Create(RetailCustomer(), "members/7");
  v1::Customer not_held = Create(RetailCustomer());
  const int calls_before = team_.calls();

  // An RM with no rights over members/7's book: nothing read, locked or asked.
  const std::string rm = RmToken(20, 1, {3});
  grpc::Status a, b;
  harness_.ExpectNothingWritten([&] {
    a = Handover(rm, "members/7", {held.name()}, {"members/11"});
    b = Handover(rm, "members/7", {not_held.name()}, {"members/11"});
  });
  EXPECT_EQ(a.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(a.error_code(), b.error_code());
  EXPECT_EQ(a.error_message(), b.error_message());
  EXPECT_EQ(ReasonOf(a), ReasonOf(b));
  EXPECT_EQ(team_.calls(), calls_before);

  // Another branch's manager: asked who members/7 is, then refused, held or not.
  const std::string other_bm = BranchManagerToken(200, 2);
  harness_.ExpectNothingWritten([&] {
    a = Handover(other_bm, "members/7", {held.name()}, {"members/11"});
    b = Handover(other_bm, "members/7", {not_held.name()}, {"members/11"});
  });
  EXPECT_EQ(a.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(a.error_message(), b.error_message());
  EXPECT_EQ(ReasonOf(a), ReasonOf(b));
  // An unknown giver answers like the denial.
  grpc::Status unknown = Handover(other_bm, "members/999", {held.name()}, {"members/11"});
  EXPECT_EQ(unknown.error_code(), a.error_code());
  EXPECT_EQ(unknown.error_message(), a.error_message());

  // The branch manager of members/7 learns the truth.
  EXPECT_TRUE(Handover(manager_token_, "members/7", {held.name()}, {"members/11"}).ok());
  EXPECT_EQ(ReasonOf(Handover(manager_token_, "members/7", {not_held.name()}, {"members/11"})),
            "NOT_HELD");
}

TEST_F(CorrectionsTest, HandoverCapsReceivers) {
  std::vector<std::string> to;
  for (int i = 0; i < 51; ++i) to.push_back(absl::StrCat("members/", 1000 + i));
  grpc::Status s = Handover(manager_token_, "members/7", {}, to);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldsOf(s), ::testing::Contains("to_managers"));
}

// ---------------------------------------------------------------------------------------------
// Point 4: every clear PII response audited, replays included

class ClearReadAuditTest : public CorrectionsTest {
 protected:
  // READ_CLEAR entries of `method` by members/101, counted through ListPiiAuditEntries.
  int ClearReads(const std::string& method) {
    v1::ListPiiAuditEntriesRequest r;
    r.set_filter("actor = \"members/101\"");
    r.set_page_size(500);
    int n = 0;
    do {
      v1::ListPiiAuditEntriesResponse out;
      auto ctx = Context(auditor_);
      grpc::Status s = stub_->ListPiiAuditEntries(ctx.get(), r, &out);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return -1;
      for (const auto& e : out.entries()) n += e.method() == method && e.access() == v1::READ_CLEAR;
      r.set_page_token(out.next_page_token());
    } while (!r.page_token().empty());
    return n;
  }
  // Calls twice with the same request (the second a replay); both answers in clear.
  template <class Req, class Resp, class Fn>
  void TwiceInClear(Fn fn, const Req& r, const std::function<const v1::Customer&(const Resp&)>& c) {
    for (int i = 0; i < 2; ++i) {
      Resp out;
      auto ctx = Context(reader_);
      grpc::Status s = (stub_.get()->*fn)(ctx.get(), r, &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_FALSE(c(out).pii_masked());
    }
  }
  const std::string reader_ = BranchManagerToken(101, 1, {"pii.read"});
  const std::string auditor_ = BranchManagerToken(300, 1, {"audit.read"});
};

TEST_F(ClearReadAuditTest, EachRpcWithPiiReadLeavesAnEntryPerClearResponse) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(11, team::v1::PERSONAL, 400, 1, 4);
  auto self = [](const v1::Customer& c) -> const v1::Customer& { return c; };
  auto moved = [](const v1::AssignCustomerResponse& r) -> const v1::Customer& {
    return r.customer();
  };

  v1::CreateCustomerRequest create;
  *create.mutable_customer() = RetailCustomer();
  create.set_owner("members/7");
  create.set_request_id("audit-create");
  TwiceInClear<v1::CreateCustomerRequest, v1::Customer>(&v1::CustomerService::Stub::CreateCustomer,
                                                        create, self);
  EXPECT_EQ(ClearReads("CreateCustomer"), 2);

  v1::Customer a = Create(RetailCustomer(), "members/7");
  v1::Customer b = Create(RetailCustomer());
  v1::GetCustomerRequest get;
  get.set_name(a.name());
  TwiceInClear<v1::GetCustomerRequest, v1::Customer>(&v1::CustomerService::Stub::GetCustomer, get,
                                                     self);
  EXPECT_EQ(ClearReads("GetCustomer"), 2);

  v1::BatchGetCustomersRequest batch;
  batch.add_names(a.name());
  batch.add_names(b.name());
  v1::BatchGetCustomersResponse got;
  auto ctx = Context(reader_);
  ASSERT_TRUE(stub_->BatchGetCustomers(ctx.get(), batch, &got).ok());
  EXPECT_EQ(ClearReads("BatchGetCustomers"), 2);

  v1::ListCustomersRequest list;
  v1::ListCustomersResponse listed;
  ctx = Context(reader_);
  ASSERT_TRUE(stub_->ListCustomers(ctx.get(), list, &listed).ok());
  EXPECT_GE(listed.customers_size(), 3);
  EXPECT_EQ(ClearReads("ListCustomers"), listed.customers_size());

  // An update that changes no PII still answers PII in clear.
  v1::UpdateCustomerRequest update;
  *update.mutable_customer() = a;
  update.mutable_customer()->set_display_name("Chen Jing (renamed)");
  update.mutable_update_mask()->add_paths("display_name");
  update.set_request_id("audit-update");
  TwiceInClear<v1::UpdateCustomerRequest, v1::Customer>(&v1::CustomerService::Stub::UpdateCustomer,
                                                        update, self);
  EXPECT_EQ(ClearReads("UpdateCustomer"), 2);

  v1::AssignCustomerRequest assign;
  assign.set_customer(b.name());
  assign.set_manager("members/7");
  assign.set_reason("new relationship");
  assign.set_request_id("audit-assign");
  TwiceInClear<v1::AssignCustomerRequest, v1::AssignCustomerResponse>(
      &v1::CustomerService::Stub::AssignCustomer, assign, moved);
  EXPECT_EQ(ClearReads("AssignCustomer"), 2);

  v1::TransferCustomerRequest transfer;
  transfer.set_customer(b.name());
  transfer.set_to_manager("members/11");
  transfer.set_reason("rebalancing books");
  transfer.set_request_id("audit-transfer");
  TwiceInClear<v1::TransferCustomerRequest, v1::AssignCustomerResponse>(
      &v1::CustomerService::Stub::TransferCustomer, transfer, moved);
  EXPECT_EQ(ClearReads("TransferCustomer"), 2);

  v1::GetCustomerRequest fresh;
  fresh.set_name(b.name());
  v1::Customer current;
  ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->GetCustomer(ctx.get(), fresh, &current).ok());
  v1::ArchiveCustomerRequest archive;
  archive.set_name(b.name());
  archive.set_etag(current.etag());
  archive.set_reason("relationship ended");
  archive.set_request_id("audit-archive");
  TwiceInClear<v1::ArchiveCustomerRequest, v1::Customer>(
      &v1::CustomerService::Stub::ArchiveCustomer, archive, self);
  EXPECT_EQ(ClearReads("ArchiveCustomer"), 2);
}

}  // namespace
}  // namespace rmhub::customer
