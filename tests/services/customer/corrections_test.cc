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

// ---------------------------------------------------------------------------------------------
// Point 5: no national-ID oracle

TEST_F(CorrectionsTest, ATakenKeyOutsideTheCallersScopeSaysNotWhereAndIsAuditedAndCounted) {
  // A customer of branch 2.
  v1::Customer theirs_input = RetailCustomer();
  v1::CreateCustomerRequest create;
  *create.mutable_customer() = theirs_input;
  v1::Customer theirs;
  auto ctx = Context(BranchManagerToken(200, 2));
  ASSERT_TRUE(stub_->CreateCustomer(ctx.get(), create, &theirs).ok());

  // Branch 1's manager tries the same national ID: taken, and nothing more.
  v1::Customer probe = RetailCustomer();
  probe.set_national_id(theirs_input.national_id());
  *create.mutable_customer() = probe;
  v1::Customer out;
  ctx = Context(manager_token_);
  grpc::Status s = stub_->CreateCustomer(ctx.get(), create, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ReasonOf(s), "NATIONAL_ID_TAKEN");
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr("customers/")));
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr("branch")));
  EXPECT_EQ(ForeignLookups("CreateCustomer"), 1);
  const std::string foreign_entries =
      absl::StrCat("SELECT COUNT(*) FROM pii_audit WHERE actor = 'members/100' AND access = ",
                   static_cast<int>(v1::LOOKUP_OTHER_SCOPE),
                   " AND customer_id = ", theirs.name().substr(std::string("customers/").size()));
  EXPECT_EQ(harness_.QueryInt(foreign_entries), 1);

  // Branch 2's own manager may see it, and is told which customer it is.
  ctx = Context(BranchManagerToken(200, 2));
  s = stub_->CreateCustomer(ctx.get(), create, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(), HasSubstr(theirs.name()));
  EXPECT_EQ(ForeignLookups("CreateCustomer"), 1);

  // An update to that ID: the same answer, audited and counted.
  v1::Customer mine = Create(RetailCustomer());
  v1::UpdateCustomerRequest update;
  *update.mutable_customer() = mine;
  update.mutable_customer()->set_national_id(theirs_input.national_id());
  update.mutable_update_mask()->add_paths("national_id");
  ctx = Context(manager_token_);
  s = stub_->UpdateCustomer(ctx.get(), update, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr("customers/")));
  EXPECT_EQ(ForeignLookups("UpdateCustomer"), 1);

  // A dry-run import: the row fails without saying where; the lookup is still recorded.
  v1::ImportCustomersRequest import;
  import.set_branch("branches/1");
  import.set_dry_run(true);
  *import.add_rows()->mutable_customer() = probe;
  v1::ImportCustomersResponse imported;
  ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->ImportCustomers(ctx.get(), import, &imported).ok());
  ASSERT_EQ(imported.results_size(), 1);
  EXPECT_EQ(imported.results(0).outcome(), v1::FAILED);
  EXPECT_THAT(imported.results(0).error(), ::testing::Not(HasSubstr("branch")));
  EXPECT_EQ(imported.results(0).customer(), "");
  EXPECT_EQ(ForeignLookups("ImportCustomers"), 1);
  EXPECT_EQ(harness_.QueryInt(foreign_entries), 3);
}

// ---------------------------------------------------------------------------------------------
// Point 6: the cap after the change

TEST_F(CorrectionsTest, APersonalRmAtTheCapMayFlagAHeldCustomerAsKeyAccount) {
  team_.AddManager(7, team::v1::PERSONAL, /*cap=*/2, 1, 3);
  v1::Customer held = Create(RetailCustomer(), "members/7");
  Create(RetailCustomer(), "members/7");  // 2 of 2
  v1::UpdateCustomerRequest u;
  *u.mutable_customer() = held;
  u.mutable_customer()->set_key_account(true);
  u.mutable_update_mask()->add_paths("key_account");
  v1::Customer out;
  auto ctx = Context(manager_token_);
  grpc::Status s = stub_->UpdateCustomer(ctx.get(), u, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(out.key_account());
  // One more customer is still refused.
  EXPECT_EQ(ReasonOf(Assign(Create(RetailCustomer()).name(), "members/7", manager_token_)),
            "ASSIGNMENT_CAP_REACHED");
}

// ---------------------------------------------------------------------------------------------
// Point 9: the event contract

std::vector<std::string> TypesOf(const std::vector<rmhub::common::v1::DomainEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type());
  return out;
}

void ExpectVersionsOneToN(const std::vector<rmhub::common::v1::DomainEvent>& events) {
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].aggregate_version(), static_cast<int64_t>(i + 1)) << events[i].type();
    EXPECT_EQ(events[i].source(), "customer");
  }
}

template <class T>
T PayloadOf(const rmhub::common::v1::DomainEvent& e) {
  T out;
  EXPECT_TRUE(e.payload().UnpackTo(&out)) << e.type();
  return out;
}

TEST_F(CorrectionsTest, EveryMutatingRpcEmitsItsEventWithStrictlyIncreasingVersions) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(11, team::v1::PERSONAL, 400, 1, 4);
  v1::Customer input = RetailCustomer();
  v1::Customer a = Create(input, "members/7");  // created + assigned

  v1::UpdateCustomerRequest update;
  *update.mutable_customer() = a;
  update.mutable_customer()->set_status(v1::DORMANT);
  update.mutable_update_mask()->add_paths("status");
  v1::Customer updated;
  auto ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->UpdateCustomer(ctx.get(), update, &updated).ok());  // updated + status

  v1::LogInteractionRequest log;
  log.set_parent(a.name());
  log.mutable_interaction()->set_channel(v1::PHONE);
  v1::Interaction interaction;
  ctx = Context(RmToken(7, 1, {3}));
  ASSERT_TRUE(stub_->LogInteraction(ctx.get(), log, &interaction).ok());

  v1::TransferCustomerRequest transfer;
  transfer.set_customer(a.name());
  transfer.set_to_manager("members/11");
  transfer.set_reason("rebalancing books");
  v1::AssignCustomerResponse moved;
  ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->TransferCustomer(ctx.get(), transfer, &moved).ok());

  ASSERT_TRUE(Handover(manager_token_, "members/11", {a.name()}, {"members/7"}).ok());

  v1::GetCustomerRequest get;
  get.set_name(a.name());
  v1::Customer now;
  ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->GetCustomer(ctx.get(), get, &now).ok());
  v1::ArchiveCustomerRequest archive;
  archive.set_name(a.name());
  archive.set_etag(now.etag());
  archive.set_reason("relationship ended");
  ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->ArchiveCustomer(ctx.get(), archive, &now).ok());

  auto events = Events(a.name());
  EXPECT_THAT(
      TypesOf(events),
      ::testing::ElementsAre("customer.created", "customer.assigned", "customer.updated",
                             "customer.status_changed", "customer.interaction_logged",
                             "customer.transferred", "customer.handed_over", "customer.archived"));
  ExpectVersionsOneToN(events);
  for (const auto& e : events) {
    EXPECT_EQ(e.aggregate(), a.name());
    EXPECT_EQ(e.payload().value().find(input.national_id()), std::string::npos) << e.type();
    EXPECT_EQ(e.payload().value().find(input.contact_phone()), std::string::npos) << e.type();
  }
  ASSERT_EQ(events.size(), 8u);
  auto created = PayloadOf<v1::Customer>(events[0]);
  EXPECT_EQ(created.name(), a.name());
  EXPECT_TRUE(created.pii_masked());
  auto assigned = PayloadOf<v1::CustomerOwnershipChanged>(events[1]);
  EXPECT_EQ(assigned.kind(), v1::ASSIGNED);
  EXPECT_EQ(assigned.from_owner(), "");
  EXPECT_EQ(assigned.to_owner(), "members/7");
  EXPECT_EQ(assigned.customer_type(), v1::RETAIL);
  EXPECT_FALSE(assigned.key_account());
  EXPECT_EQ(assigned.team(), "teams/3");
  EXPECT_EQ(assigned.branch(), "branches/1");
  auto status = PayloadOf<v1::CustomerStatusChanged>(events[3]);
  EXPECT_EQ(status.previous_status(), v1::ACTIVE);
  EXPECT_EQ(status.status(), v1::DORMANT);
  EXPECT_EQ(status.owner(), "members/7");
  EXPECT_EQ(PayloadOf<v1::Interaction>(events[4]).name(), interaction.name());
  auto transferred = PayloadOf<v1::CustomerOwnershipChanged>(events[5]);
  EXPECT_EQ(transferred.kind(), v1::TRANSFERRED);
  EXPECT_EQ(transferred.from_owner(), "members/7");
  EXPECT_EQ(transferred.to_owner(), "members/11");
  EXPECT_EQ(transferred.team(), "teams/4");
  EXPECT_EQ(transferred.customer_type(), v1::RETAIL);
  EXPECT_EQ(transferred.record().name(), moved.record().name());
  auto handed = PayloadOf<v1::CustomerOwnershipChanged>(events[6]);
  EXPECT_EQ(handed.kind(), v1::HANDED_OVER);
  EXPECT_EQ(handed.from_owner(), "members/11");
  EXPECT_EQ(handed.to_owner(), "members/7");
  EXPECT_EQ(handed.team(), "teams/3");
  EXPECT_FALSE(handed.record().name().empty());
  EXPECT_TRUE(PayloadOf<v1::Customer>(events[7]).archived());
}

TEST_F(CorrectionsTest, AssignAndImportEmitTheirEvents) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  v1::Customer input = CorporateCustomer(/*key_account=*/false);
  v1::Customer b = Create(input);  // created, no owner: no assigned event
  ASSERT_TRUE(Assign(b.name(), "members/7", manager_token_).error_code() ==
              grpc::StatusCode::FAILED_PRECONDITION);  // a personal RM: not for corporate
  team_.AddManager(8, team::v1::CORPORATE, 15, 1, 5);
  ASSERT_TRUE(Assign(b.name(), "members/8", manager_token_).ok());

  // An import that changes the status: updated + status_changed with the previous status.
  v1::ImportCustomersRequest import;
  import.set_branch("branches/1");
  v1::Customer row = input;
  row.set_status(v1::CHURNED);
  *import.add_rows()->mutable_customer() = row;
  v1::ImportCustomersResponse imported;
  auto ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->ImportCustomers(ctx.get(), import, &imported).ok());
  ASSERT_EQ(imported.updated_count(), 1);

  auto events = Events(b.name());
  EXPECT_THAT(TypesOf(events),
              ::testing::ElementsAre("customer.created", "customer.assigned", "customer.updated",
                                     "customer.status_changed"));
  ExpectVersionsOneToN(events);
  ASSERT_EQ(events.size(), 4u);
  auto assigned = PayloadOf<v1::CustomerOwnershipChanged>(events[1]);
  EXPECT_EQ(assigned.to_owner(), "members/8");
  EXPECT_EQ(assigned.customer_type(), v1::CORPORATE);
  EXPECT_EQ(assigned.team(), "teams/5");
  auto status = PayloadOf<v1::CustomerStatusChanged>(events[3]);
  EXPECT_EQ(status.previous_status(), v1::ACTIVE);
  EXPECT_EQ(status.status(), v1::CHURNED);
  EXPECT_EQ(status.owner(), "members/8");
  EXPECT_EQ(events[0].payload().value().find(input.credit_code()), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Point 8: field authority

TEST_F(CorrectionsTest, OutputOnlyFieldsAreIgnoredAndRestrictedFieldsNeedTheBranchManager) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  v1::Customer in = RetailCustomer();
  in.set_archived(true);
  in.set_owner("members/999");
  in.set_branch("branches/42");
  v1::Customer c = Create(in, "members/7");
  EXPECT_FALSE(c.archived());
  EXPECT_EQ(c.owner(), "members/7");
  EXPECT_EQ(c.branch(), "branches/1");

  // The holding RM may not change aum, annual_contribution or key_account.
  const std::string rm = RmToken(7, 1, {3});
  for (const std::string field : {"aum", "annual_contribution", "key_account"}) {
    v1::UpdateCustomerRequest u;
    *u.mutable_customer() = c;
    u.mutable_customer()->mutable_aum()->set_minor_units(99'000'000);
    u.mutable_customer()->mutable_annual_contribution()->set_minor_units(1);
    u.mutable_customer()->set_key_account(true);
    u.mutable_update_mask()->add_paths(field);
    v1::Customer out;
    harness_.ExpectNothingWritten([&] {
      auto ctx = Context(rm);
      grpc::Status s = stub_->UpdateCustomer(ctx.get(), u, &out);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << field;
      EXPECT_EQ(ReasonOf(s), "FIELD_AUTHORITY_REQUIRED");
      EXPECT_THAT(s.error_message(), HasSubstr("customer." + field));
    });
  }
  // ... nor create a customer with them; the status they may change, and it is recorded.
  v1::CreateCustomerRequest create;
  *create.mutable_customer() = RetailCustomer();
  v1::Customer out;
  auto ctx = Context(rm);
  EXPECT_EQ(ReasonOf(stub_->CreateCustomer(ctx.get(), create, &out)), "FIELD_AUTHORITY_REQUIRED");
  v1::UpdateCustomerRequest status;
  *status.mutable_customer() = c;
  status.mutable_customer()->set_status(v1::DORMANT);
  status.mutable_update_mask()->add_paths("status");
  ctx = Context(rm);
  ASSERT_TRUE(stub_->UpdateCustomer(ctx.get(), status, &out).ok());
  EXPECT_EQ(PayloadOf<v1::CustomerStatusChanged>(Events(c.name()).back()).previous_status(),
            v1::ACTIVE);

  // The branch manager may; so may a service principal the ACL lets update (restricted fields
  // only).
  v1::UpdateCustomerRequest aum;
  *aum.mutable_customer() = out;
  aum.mutable_customer()->mutable_aum()->set_minor_units(99'000'000);
  aum.mutable_update_mask()->add_paths("aum");
  ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->UpdateCustomer(ctx.get(), aum, &out).ok());
  EXPECT_EQ(out.aum().minor_units(), 99'000'000);
  *aum.mutable_customer() = out;
  aum.mutable_customer()->mutable_aum()->set_minor_units(77'000'000);
  ctx = Context(ServiceToken("task"));
  ASSERT_TRUE(stub_->UpdateCustomer(ctx.get(), aum, &out).ok());
  EXPECT_EQ(out.aum().minor_units(), 77'000'000);
  aum.mutable_customer()->set_etag(out.etag());
  aum.mutable_update_mask()->add_paths("display_name");
  ctx = Context(ServiceToken("task"));
  EXPECT_EQ(ReasonOf(stub_->UpdateCustomer(ctx.get(), aum, &out)), "SERVICE_FIELDS_ONLY");

  // Import ignores output-only fields too.
  v1::ImportCustomersRequest import;
  import.set_branch("branches/1");
  v1::Customer row = RetailCustomer();
  row.set_archived(true);
  *import.add_rows()->mutable_customer() = row;
  v1::ImportCustomersResponse imported;
  ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->ImportCustomers(ctx.get(), import, &imported).ok());
  ASSERT_EQ(imported.created_count(), 1);
  v1::GetCustomerRequest get;
  get.set_name(imported.results(0).customer());
  ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->GetCustomer(ctx.get(), get, &out).ok());
  EXPECT_FALSE(out.archived());
}

// ---------------------------------------------------------------------------------------------
// Point 10: portfolio reads for service principals allowed per method

TEST_F(CorrectionsTest, PortfolioReadsAreOpenToServicesTheAclAllows) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  Create(RetailCustomer(), "members/7");
  v1::GetPortfolioSummaryRequest summary;
  summary.set_manager("members/7");
  v1::PortfolioSummary out;
  auto ctx = Context(ServiceToken("task"));  // the harness's ACL lets "task" call every method
  grpc::Status s = stub_->GetPortfolioSummary(ctx.get(), summary, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.customer_count(), 1);
  v1::ListCareRemindersRequest reminders;
  reminders.set_manager("members/7");
  v1::ListCareRemindersResponse listed;
  ctx = Context(ServiceToken("task"));
  s = stub_->ListCareReminders(ctx.get(), reminders, &listed);
  EXPECT_TRUE(s.ok()) << s.error_message();
  // A service the ACL names for nothing here is refused before any handler runs.
  ctx = Context(ServiceToken("analytics"));
  EXPECT_EQ(stub_->GetPortfolioSummary(ctx.get(), summary, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ---------------------------------------------------------------------------------------------
// Point 7: team-lead scope from the team service's record, not from the token's claim

TEST_F(CorrectionsTest, ATeamLeadsScopeIsTheTeamsTheTeamServiceSaysTheyLead) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(8, team::v1::PERSONAL, 400, 1, 4);
  v1::Customer in_team3 = Create(RetailCustomer(), "members/7");
  v1::Customer in_team4 = Create(RetailCustomer(), "members/8");
  // members/22's token claims teams 3 and 4 (belongs to 3, say); the team service records them
  // leading team 4 only.
  team_.SetLeads(22, {4});
  const std::string lead = LeadToken(22, 1, {3, 4});
  v1::GetCustomerRequest get;
  v1::Customer out;
  get.set_name(in_team3.name());
  auto ctx = Context(lead);
  grpc::Status s = stub_->GetCustomer(ctx.get(), get, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_name(in_team4.name());
  ctx = Context(lead);
  EXPECT_TRUE(stub_->GetCustomer(ctx.get(), get, &out).ok());
  // No transfer rights over team 3's customers either.
  v1::TransferCustomerRequest t;
  t.set_customer(in_team3.name());
  t.set_to_manager("members/8");
  t.set_reason("rebalancing books");
  v1::AssignCustomerResponse moved;
  ctx = Context(lead);
  EXPECT_EQ(stub_->TransferCustomer(ctx.get(), t, &moved).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListCustomersRequest list;
  v1::ListCustomersResponse listed;
  ctx = Context(lead);
  ASSERT_TRUE(stub_->ListCustomers(ctx.get(), list, &listed).ok());
  ASSERT_EQ(listed.customers_size(), 1);
  EXPECT_EQ(listed.customers(0).name(), in_team4.name());
  // The team service unreachable: the lead's call fails, it does not fall back on the claim.
  team_.SetDown(true);
  ctx = Context(lead);
  EXPECT_EQ(stub_->GetCustomer(ctx.get(), get, &out).error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace rmhub::customer
