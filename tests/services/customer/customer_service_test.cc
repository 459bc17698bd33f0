// The customer service in-process over real gRPC against a real MariaDB.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "services/customer/over_cap_gauge.h"
#include "tests/services/customer/customer_test_env.h"

namespace rmhub::customer {
namespace {

using testing::FieldsOf;
using ::testing::HasSubstr;
using testing::ReasonOf;

class CustomerServiceTest : public CustomerTestEnv {};

// ---------------------------------------------------------------------------------------------
// Caps under concurrency

TEST_F(CustomerServiceTest, FiftyConcurrentAssignmentsFillExactlyTheFiveFreePlaces) {
  team_.AddManager(7, team::v1::PERSONAL, /*cap=*/8, /*branch=*/1, /*team=*/3);
  for (int i = 0; i < 3; ++i) Create(RetailCustomer(), "members/7");  // 3 of 8 held
  std::vector<std::string> names;
  for (int i = 0; i < 50; ++i) names.push_back(Create(RetailCustomer()).name());

  std::vector<grpc::Status> results(50);
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] { results[i] = Assign(names[i], "members/7", manager_token_); });
  }
  for (auto& t : threads) t.join();

  int ok = 0, capped = 0;
  for (const auto& s : results) {
    if (s.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
      EXPECT_EQ(ReasonOf(s), "ASSIGNMENT_CAP_REACHED");
      ++capped;
    }
  }
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(capped, 45);
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM customers WHERE owner_id = 7 AND archived = 0"),
            8);
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM assignments WHERE to_owner_id = 7"), 8);
}

TEST_F(CustomerServiceTest, CorporateCapCountsOnlyKeyAccounts) {
  team_.AddManager(8, team::v1::CORPORATE, /*cap=*/2, 1, 3);
  Create(CorporateCustomer(true), "members/8");
  Create(CorporateCustomer(true), "members/8");
  Create(CorporateCustomer(false), "members/8");  // not a key account: no cap
  v1::CreateCustomerRequest r;
  *r.mutable_customer() = CorporateCustomer(true);
  r.set_owner("members/8");
  v1::Customer out;
  harness_.ExpectNothingWritten([&] {
    auto ctx = Context(manager_token_);
    grpc::Status s = stub_->CreateCustomer(ctx.get(), r, &out);
    EXPECT_EQ(ReasonOf(s), "ASSIGNMENT_CAP_REACHED");
  });
  // Turning a held corporate customer into a key account counts too.
  v1::Customer plain = Create(CorporateCustomer(false), "members/8");
  v1::UpdateCustomerRequest u;
  *u.mutable_customer() = plain;
  u.mutable_customer()->set_key_account(true);
  u.mutable_update_mask()->add_paths("key_account");
  auto ctx = Context(manager_token_);
  EXPECT_EQ(ReasonOf(stub_->UpdateCustomer(ctx.get(), u, &out)), "ASSIGNMENT_CAP_REACHED");
}

// The value of rmhub_customer_managers_over_cap in `registry` (-1 when it is not there).
double OverCapValue(prometheus::Registry& registry) {
  for (const auto& family : registry.Collect()) {
    if (family.name == "rmhub_customer_managers_over_cap" && family.metric.size() == 1) {
      return family.metric[0].gauge.value;
    }
  }
  return -1;
}

TEST_F(CustomerServiceTest, OverCapGaugeCountsManagersAboveALoweredCap) {
  team_.AddManager(7, team::v1::PERSONAL, /*cap=*/3, 1, 3);
  team_.AddManager(8, team::v1::CORPORATE, /*cap=*/2, 1, 3);
  Create(RetailCustomer(), "members/7");
  Create(RetailCustomer(), "members/7");
  Create(CorporateCustomer(true), "members/8");
  Create(CorporateCustomer(true), "members/8");
  Create(CorporateCustomer(false), "members/8");  // not a key account: outside the cap
  Create(RetailCustomer());                       // unassigned
  prometheus::Registry registry;
  OverCapGauge gauge(*service_, absl::Minutes(5), registry);
  ASSERT_TRUE(gauge.Refresh().ok());
  EXPECT_EQ(OverCapValue(registry), 0);

  team_.AddManager(7, team::v1::PERSONAL, /*cap=*/1, 1, 3);  // 2 customers held, cap 1
  ASSERT_TRUE(gauge.Refresh().ok());
  EXPECT_EQ(OverCapValue(registry), 1);
  team_.AddManager(8, team::v1::CORPORATE, /*cap=*/1, 1, 3);  // 2 key accounts held, cap 1
  ASSERT_TRUE(gauge.Refresh().ok());
  EXPECT_EQ(OverCapValue(registry), 2);

  // The team service down: the count fails and the gauge keeps its last value.
  team_.SetDown(true);
  EXPECT_EQ(gauge.Refresh().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(OverCapValue(registry), 2);
  team_.SetDown(false);

  // Nothing was reassigned by counting.
  auto ctx = Context(manager_token_);
  v1::PortfolioSummary summary;
  v1::GetPortfolioSummaryRequest r;
  r.set_manager("members/7");
  ASSERT_TRUE(stub_->GetPortfolioSummary(ctx.get(), r, &summary).ok());
  EXPECT_EQ(summary.customer_count(), 2);
  EXPECT_EQ(summary.cap(), 1);
}

TEST_F(CustomerServiceTest, IneligibleManagerAndUnreachableTeamServiceAssignNothing) {
  team_.AddIneligible(9, team::v1::PERSONAL, "the member holds no valid PERSONAL qualification", 1,
                      3);
  v1::Customer c = Create(RetailCustomer());
  harness_.ExpectNothingWritten([&] {
    grpc::Status s = Assign(c.name(), "members/9", manager_token_);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(ReasonOf(s), "MANAGER_NOT_ELIGIBLE");
    EXPECT_THAT(s.error_message(), HasSubstr("qualification"));
  });
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.SetDown(true);
  harness_.ExpectNothingWritten([&] {
    grpc::Status s = Assign(c.name(), "members/7", manager_token_);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  });
}

TEST_F(CustomerServiceTest, TransferKeepsHistoryAndMovesTeamAndBranch) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(11, team::v1::PERSONAL, 400, 1, 4);
  v1::Customer c = Create(RetailCustomer(), "members/7");
  EXPECT_EQ(c.team(), "teams/3");
  v1::TransferCustomerRequest t;
  t.set_customer(c.name());
  t.set_to_manager("members/11");
  t.set_reason("rebalancing books");
  v1::AssignCustomerResponse moved;
  auto ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->TransferCustomer(ctx.get(), t, &moved).ok());
  EXPECT_EQ(moved.customer().owner(), "members/11");
  EXPECT_EQ(moved.customer().team(), "teams/4");
  EXPECT_EQ(moved.record().from_owner(), "members/7");

  v1::ListAssignmentHistoryRequest h;
  h.set_parent(c.name());
  v1::ListAssignmentHistoryResponse history;
  ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->ListAssignmentHistory(ctx.get(), h, &history).ok());
  ASSERT_EQ(history.records_size(), 2);
  EXPECT_EQ(history.records(0).kind(), v1::TRANSFERRED);
  EXPECT_EQ(history.records(0).actor(), "members/100");
  EXPECT_EQ(history.records(1).kind(), v1::ASSIGNED);
}

TEST_F(CustomerServiceTest, HandoverIsAllOrNothingWithinCaps) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(12, team::v1::PERSONAL, 2, 1, 3);
  team_.AddManager(13, team::v1::PERSONAL, 1, 1, 3);
  std::vector<std::string> book;
  for (int i = 0; i < 4; ++i) book.push_back(Create(RetailCustomer(), "members/7").name());

  v1::HandoverCustomersRequest r;
  r.set_from_manager("members/7");
  r.add_to_managers("members/12");
  r.add_to_managers("members/13");
  r.set_reason("members/7 leaves the bank");
  v1::HandoverCustomersResponse out;
  harness_.ExpectNothingWritten([&] {
    auto ctx = Context(manager_token_);
    ASSERT_TRUE(stub_->HandoverCustomers(ctx.get(), r, &out).ok());
    EXPECT_FALSE(out.applied());
    ASSERT_EQ(out.results_size(), 4);
    EXPECT_FALSE(out.results(3).error().empty());  // 2 + 1 places for 4 customers
  });

  team_.AddManager(13, team::v1::PERSONAL, 2, 1, 3);
  auto ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->HandoverCustomers(ctx.get(), r, &out).ok());
  EXPECT_TRUE(out.applied());
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM customers WHERE owner_id = 7"), 0);
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM customers WHERE owner_id = 12"), 2);
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM assignments WHERE kind = 3"), 4);
}

TEST_F(CustomerServiceTest, ARelationshipManagersNewCustomerIsTheirsAndCustomersStayInTheBranch) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(31, team::v1::PERSONAL, 400, /*branch=*/2, 9);
  v1::CreateCustomerRequest r;
  *r.mutable_customer() = RetailCustomer();
  // AUM and contribution are the branch manager's to set (issue 8 point 8).
  r.mutable_customer()->clear_aum();
  r.mutable_customer()->clear_annual_contribution();
  v1::Customer mine;
  auto ctx = Context(RmToken(7, 1, {3}));
  ASSERT_TRUE(stub_->CreateCustomer(ctx.get(), r, &mine).ok());
  EXPECT_EQ(mine.owner(), "members/7");
  EXPECT_EQ(mine.branch(), "branches/1");

  v1::TransferCustomerRequest t;
  t.set_customer(mine.name());
  t.set_to_manager("members/31");
  t.set_reason("customer moved house");
  v1::AssignCustomerResponse out;
  harness_.ExpectNothingWritten([&] {
    auto c = Context(manager_token_);
    grpc::Status s = stub_->TransferCustomer(c.get(), t, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(ReasonOf(s), "OTHER_BRANCH_MANAGER");
  });
}

// ---------------------------------------------------------------------------------------------
// Who sees what

TEST_F(CustomerServiceTest, OthersCannotReadOrChangeAndCannotTellItExists) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  v1::Customer c = Create(RetailCustomer(), "members/7");
  std::string owner = RmToken(7, 1, {3});
  std::string colleague = RmToken(21, 1, {3});     // same team, not the holder
  std::string other_lead = LeadToken(22, 1, {4});  // another team's lead
  std::string other_branch = BranchManagerToken(23, 2);

  v1::GetCustomerRequest get;
  get.set_name(c.name());
  v1::Customer out;
  auto ctx = Context(owner);
  EXPECT_TRUE(stub_->GetCustomer(ctx.get(), get, &out).ok());

  v1::GetCustomerRequest missing;
  missing.set_name("customers/99999999");
  auto mctx = Context(owner);
  grpc::Status absent = stub_->GetCustomer(mctx.get(), missing, &out);
  for (const std::string& token : {colleague, other_lead, other_branch}) {
    harness_.ExpectNothingWritten([&] {
      auto g = Context(token);
      grpc::Status s = stub_->GetCustomer(g.get(), get, &out);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
      EXPECT_EQ(s.error_message(), absent.error_message());  // indistinguishable from missing
      v1::UpdateCustomerRequest u;
      *u.mutable_customer() = c;
      u.mutable_customer()->set_display_name("Hijacked");
      u.mutable_update_mask()->add_paths("display_name");
      auto w = Context(token);
      EXPECT_EQ(stub_->UpdateCustomer(w.get(), u, &out).error_code(), grpc::StatusCode::NOT_FOUND);
      v1::LogInteractionRequest li;
      li.set_parent(c.name());
      li.mutable_interaction()->set_channel(v1::PHONE);
      v1::Interaction iout;
      auto l = Context(token);
      EXPECT_EQ(stub_->LogInteraction(l.get(), li, &iout).error_code(),
                grpc::StatusCode::NOT_FOUND);
      v1::ListCustomersRequest list;
      v1::ListCustomersResponse listed;
      auto lc = Context(token);
      ASSERT_TRUE(stub_->ListCustomers(lc.get(), list, &listed).ok());
      for (const auto& x : listed.customers()) EXPECT_NE(x.name(), c.name());
    });
  }
  // The team's lead (as the team service records it) and the branch's manager do see it.
  team_.SetLeads(24, {3});
  auto lead = Context(LeadToken(24, 1, {3}));
  EXPECT_TRUE(stub_->GetCustomer(lead.get(), get, &out).ok());
}

TEST_F(CustomerServiceTest, BatchGetReturnsTheRequestOrderMaskedAndHidesOthersCustomers) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(8, team::v1::PERSONAL, 400, 1, 4);
  v1::Customer a = Create(RetailCustomer(), "members/7");
  v1::Customer b = Create(RetailCustomer(), "members/7");
  v1::Customer theirs = Create(RetailCustomer(), "members/8");
  const std::string owner = RmToken(7, 1, {3});

  v1::BatchGetCustomersRequest req;
  for (const auto* name : {&b.name(), &a.name(), &b.name()}) req.add_names(*name);
  v1::BatchGetCustomersResponse got;
  auto ctx = Context(owner);
  ASSERT_TRUE(stub_->BatchGetCustomers(ctx.get(), req, &got).ok());
  ASSERT_EQ(got.customers_size(), 3);
  EXPECT_EQ(got.customers(0).name(), b.name());
  EXPECT_EQ(got.customers(1).name(), a.name());
  EXPECT_EQ(got.customers(2).name(), b.name());
  EXPECT_EQ(got.customers(1).display_name(), a.display_name());
  EXPECT_TRUE(got.customers(1).pii_masked());
  EXPECT_EQ(got.customers(1).national_id(), a.national_id());  // both masked the same way
  EXPECT_NE(got.customers(1).asset_tier(), v1::ASSET_TIER_UNSPECIFIED);

  // Another manager's customer in the batch: the same answer as a missing one, nothing returned.
  v1::BatchGetCustomersRequest with_theirs = req;
  with_theirs.add_names(theirs.name());
  v1::BatchGetCustomersRequest with_missing = req;
  with_missing.add_names("customers/99999999");
  auto c1 = Context(owner);
  grpc::Status denied = stub_->BatchGetCustomers(c1.get(), with_theirs, &got);
  auto c2 = Context(owner);
  grpc::Status missing = stub_->BatchGetCustomers(c2.get(), with_missing, &got);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(denied.error_message(), missing.error_message());
  EXPECT_EQ(denied.error_message(), "names[3]: no such customer");

  // With pii.read: clear, and one audit record per customer returned.
  const int64_t audits = harness_.QueryInt("SELECT COUNT(*) FROM pii_audit");
  auto c3 = Context(RmToken(7, 1, {3}, {"pii.read"}));
  ASSERT_TRUE(stub_->BatchGetCustomers(c3.get(), req, &got).ok());
  EXPECT_FALSE(got.customers(0).pii_masked());
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM pii_audit"), audits + 3);

  // At most 100 names.
  v1::BatchGetCustomersRequest big;
  for (int i = 0; i < 101; ++i) big.add_names(a.name());
  auto c4 = Context(owner);
  grpc::Status too_many = stub_->BatchGetCustomers(c4.get(), big, &got);
  EXPECT_EQ(too_many.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(testing::FieldsOf(too_many), ::testing::Contains("names"));
}

TEST_F(CustomerServiceTest, PiiIsMaskedWithoutPermissionClearWithItAndAudited) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  v1::Customer input = RetailCustomer();
  v1::Customer c = Create(input, "members/7");
  EXPECT_TRUE(c.pii_masked());
  EXPECT_EQ(c.national_id(),
            input.national_id().substr(0, 3) + "***********" + input.national_id().substr(14));
  EXPECT_EQ(c.contact_phone(),
            input.contact_phone().substr(0, 3) + "****" + input.contact_phone().substr(7));

  v1::GetCustomerRequest get;
  get.set_name(c.name());
  v1::Customer clear;
  auto ctx = Context(RmToken(7, 1, {3}, {"pii.read"}));
  ASSERT_TRUE(stub_->GetCustomer(ctx.get(), get, &clear).ok());
  EXPECT_FALSE(clear.pii_masked());
  EXPECT_EQ(clear.national_id(), input.national_id());
  EXPECT_EQ(clear.contact_phone(), input.contact_phone());

  // Stored bytes are ciphertext, never the plaintext.
  EXPECT_EQ(harness_.QueryInt(absl::StrCat(
                "SELECT COUNT(*) FROM customers WHERE LOCATE('", input.national_id(),
                "', national_id_enc) > 0 OR LOCATE('", input.contact_phone(), "', phone_enc) > 0")),
            0);

  v1::ListPiiAuditEntriesRequest a;
  a.set_filter(absl::StrCat("customer = \"", c.name(), "\""));
  v1::ListPiiAuditEntriesResponse audit;
  auto denied = Context(RmToken(7, 1, {3}));
  EXPECT_EQ(stub_->ListPiiAuditEntries(denied.get(), a, &audit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto compliance = Context(BranchManagerToken(30, 1, {"audit.read"}));
  ASSERT_TRUE(stub_->ListPiiAuditEntries(compliance.get(), a, &audit).ok());
  ASSERT_EQ(audit.entries_size(), 2);  // newest first: the clear read, then the write
  EXPECT_EQ(audit.entries(0).access(), v1::READ_CLEAR);
  EXPECT_EQ(audit.entries(0).actor(), "members/7");
  EXPECT_EQ(audit.entries(1).access(), v1::WRITE);
}

// ---------------------------------------------------------------------------------------------
// request_id replays: caller-scoped, re-authorized, shaped for the caller, sealed at rest

TEST_F(CustomerServiceTest, ARequestIdReplayedByAnotherCallerIsAFreshRequestAndNeverItsAnswer) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  v1::Customer input = RetailCustomer();
  v1::Customer c = Create(input, "members/7");
  v1::ArchiveCustomerRequest archive;
  archive.set_name(c.name());
  archive.set_etag(c.etag());
  archive.set_reason("left the bank");
  archive.set_request_id("archive-x");

  // A branch manager with pii.read archives: the answer is clear.
  const std::string bm = BranchManagerToken(100, 1, {"pii.read"});
  v1::Customer first;
  auto c1 = Context(bm);
  ASSERT_TRUE(stub_->ArchiveCustomer(c1.get(), archive, &first).ok());
  EXPECT_TRUE(first.archived());
  EXPECT_EQ(first.national_id(), input.national_id());

  // An unrelated relationship manager sends the identical request: it runs as that caller, who
  // may not touch the customer, and it sees nothing of the first answer.
  const int64_t audits = harness_.QueryInt("SELECT COUNT(*) FROM pii_audit");
  v1::Customer theirs;
  auto c2 = Context(RmToken(21, 1, {3}, {"pii.read"}));
  grpc::Status other = stub_->ArchiveCustomer(c2.get(), archive, &theirs);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(other.error_message().find(input.national_id()), std::string::npos);
  EXPECT_TRUE(theirs.national_id().empty());
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM pii_audit"), audits);

  // The first caller's own replay answers as before, and its clear read is audited (as the
  // first call's was: two READ_CLEAR entries).
  v1::Customer replay;
  auto c3 = Context(bm);
  ASSERT_TRUE(stub_->ArchiveCustomer(c3.get(), archive, &replay).ok());
  EXPECT_EQ(replay.national_id(), input.national_id());
  EXPECT_EQ(replay.etag(), first.etag());
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM pii_audit"), audits + 1);
  EXPECT_EQ(harness_.QueryInt(absl::StrCat(
                "SELECT COUNT(*) FROM pii_audit WHERE access = ", static_cast<int>(v1::READ_CLEAR),
                " AND method = 'ArchiveCustomer' AND actor = 'members/100'")),
            2);
}

TEST_F(CustomerServiceTest, AReplayAfterTheCallerLostAccessIsRefused) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  team_.AddManager(8, team::v1::PERSONAL, 400, 1, 4);
  v1::Customer c = Create(RetailCustomer(), "members/7");
  const std::string owner = RmToken(7, 1, {3});
  v1::UpdateCustomerRequest update;
  *update.mutable_customer() = c;
  update.mutable_customer()->set_display_name("Renamed by the owner");
  update.mutable_update_mask()->add_paths("display_name");
  update.set_request_id("update-y");
  v1::Customer first;
  auto c1 = Context(owner);
  ASSERT_TRUE(stub_->UpdateCustomer(c1.get(), update, &first).ok());
  v1::Customer again;
  auto c2 = Context(owner);
  ASSERT_TRUE(stub_->UpdateCustomer(c2.get(), update, &again).ok());  // still the owner: replays
  EXPECT_EQ(again.etag(), first.etag());

  // The customer moves to another team's manager; the first owner's replay is refused as a
  // first call by them would be.
  v1::TransferCustomerRequest transfer;
  transfer.set_customer(c.name());
  transfer.set_to_manager("members/8");
  transfer.set_reason("rebalancing");
  v1::AssignCustomerResponse moved;
  auto c3 = Context(manager_token_);
  ASSERT_TRUE(stub_->TransferCustomer(c3.get(), transfer, &moved).ok());
  v1::Customer refused;
  auto c4 = Context(owner);
  grpc::Status s = stub_->UpdateCustomer(c4.get(), update, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(refused.name().empty());
}

TEST_F(CustomerServiceTest, AReplayIsMaskedAndAuditedForTheCallersCurrentPermission) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  v1::Customer input = RetailCustomer();
  v1::Customer c = Create(input, "members/7");
  v1::UpdateCustomerRequest update;
  *update.mutable_customer() = c;
  update.mutable_customer()->set_contact_phone("13987654321");
  update.mutable_update_mask()->add_paths("contact_phone");
  update.set_request_id("update-z");

  // members/7 with pii.read: a clear answer.
  v1::Customer first;
  auto c1 = Context(RmToken(7, 1, {3}, {"pii.read"}));
  ASSERT_TRUE(stub_->UpdateCustomer(c1.get(), update, &first).ok());
  EXPECT_FALSE(first.pii_masked());
  EXPECT_EQ(first.contact_phone(), "13987654321");
  EXPECT_EQ(first.national_id(), input.national_id());

  // The stored answer holds neither the ID nor the phone in clear.
  EXPECT_EQ(harness_.QueryInt(absl::StrCat(
                "SELECT COUNT(*) FROM idempotency_records WHERE LOCATE('", input.national_id(),
                "', response) > 0 OR LOCATE('13987654321', response) > 0")),
            0);
  EXPECT_GE(harness_.QueryInt("SELECT COUNT(*) FROM idempotency_records"), 1);

  // The same member without pii.read now: the replay is masked, and no clear read is audited.
  const int64_t audits = harness_.QueryInt("SELECT COUNT(*) FROM pii_audit");
  v1::Customer masked;
  auto c2 = Context(RmToken(7, 1, {3}));
  ASSERT_TRUE(stub_->UpdateCustomer(c2.get(), update, &masked).ok());
  EXPECT_TRUE(masked.pii_masked());
  EXPECT_EQ(masked.contact_phone(), "139****4321");
  EXPECT_NE(masked.national_id(), input.national_id());
  EXPECT_EQ(masked.etag(), first.etag());
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM pii_audit"), audits);

  // With pii.read again: clear, and the disclosure is audited as a clear read.
  v1::Customer clear;
  auto c3 = Context(RmToken(7, 1, {3}, {"pii.read"}));
  ASSERT_TRUE(stub_->UpdateCustomer(c3.get(), update, &clear).ok());
  EXPECT_EQ(clear.contact_phone(), "13987654321");
  EXPECT_EQ(harness_.QueryInt("SELECT COUNT(*) FROM pii_audit"), audits + 1);
}

TEST_F(CustomerServiceTest, NothingTheServiceLoggedCarriesAnIdOrPhone) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  std::vector<std::string> secrets;
  for (int i = 0; i < 3; ++i) {
    v1::Customer in = RetailCustomer();
    secrets.push_back(in.national_id());
    secrets.push_back(in.contact_phone());
    v1::Customer c = Create(in, "members/7");
    v1::GetCustomerRequest get;
    get.set_name(c.name());
    auto ctx = Context(RmToken(7, 1, {3}, {"pii.read"}));
    v1::Customer out;
    ASSERT_TRUE(stub_->GetCustomer(ctx.get(), get, &out).ok());
  }
  // Rejected input carrying PII must not echo it either.
  v1::CreateCustomerRequest bad;
  *bad.mutable_customer() = RetailCustomer();
  bad.mutable_customer()->set_national_id(secrets[0]);  // duplicate
  v1::Customer out;
  auto ctx = Context(manager_token_);
  EXPECT_EQ(stub_->CreateCustomer(ctx.get(), bad, &out).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  bad.mutable_customer()->set_national_id(secrets[0].substr(0, 17) + "0");  // bad check digit
  ctx = Context(manager_token_);
  grpc::Status invalid = stub_->CreateCustomer(ctx.get(), bad, &out);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(invalid.error_message(), ::testing::Not(HasSubstr(secrets[0].substr(0, 17))));

  std::vector<std::string> lines = harness_.LogLines();
  EXPECT_FALSE(lines.empty());  // the access log did run
  for (const std::string& line : lines) {
    for (const std::string& secret : secrets) EXPECT_THAT(line, ::testing::Not(HasSubstr(secret)));
    EXPECT_THAT(line, ::testing::Not(HasSubstr(secrets[0].substr(0, 17))));
  }
}

// ---------------------------------------------------------------------------------------------
// Import

v1::ImportCustomersRequest ImportOf(const std::vector<v1::Customer>& rows) {
  v1::ImportCustomersRequest r;
  r.set_branch("branches/1");
  for (const auto& c : rows) *r.add_rows()->mutable_customer() = c;
  return r;
}

TEST_F(CustomerServiceTest, ImportTwiceChangesNothingTheSecondTimeDryRunNeverWrites) {
  std::vector<v1::Customer> rows = {RetailCustomer(), RetailCustomer(), CorporateCustomer(false)};
  v1::ImportCustomersRequest req = ImportOf(rows);
  v1::ImportCustomersResponse out;

  req.set_dry_run(true);
  harness_.ExpectNothingWritten([&] {
    auto ctx = Context(manager_token_);
    ASSERT_TRUE(stub_->ImportCustomers(ctx.get(), req, &out).ok());
    EXPECT_EQ(out.created_count(), 3);
    EXPECT_TRUE(out.dry_run());
  });

  req.set_dry_run(false);
  auto c1 = Context(manager_token_);
  ASSERT_TRUE(stub_->ImportCustomers(c1.get(), req, &out).ok());
  EXPECT_EQ(out.created_count(), 3);
  std::string state = harness_.Snapshot();
  auto c2 = Context(manager_token_);
  ASSERT_TRUE(stub_->ImportCustomers(c2.get(), req, &out).ok());
  EXPECT_EQ(out.unchanged_count(), 3);
  EXPECT_EQ(out.created_count() + out.updated_count(), 0);
  EXPECT_EQ(harness_.Snapshot(), state);

  // A changed row updates only that customer, found by its key in another format.
  rows[0].set_display_name("Chen Jing (VIP)");
  auto c3 = Context(manager_token_);
  ASSERT_TRUE(stub_->ImportCustomers(c3.get(), ImportOf(rows), &out).ok());
  EXPECT_EQ(out.updated_count(), 1);
  EXPECT_EQ(out.unchanged_count(), 2);
}

TEST_F(CustomerServiceTest, BadImportRowsAreReportedByFieldAndDoNotStopGoodOnes) {
  v1::Customer bad = RetailCustomer();
  bad.set_national_id("310115198501010000");  // wrong check digit
  bad.set_display_name("");
  std::vector<v1::Customer> rows = {RetailCustomer(), bad, RetailCustomer()};
  v1::ImportCustomersResponse out;
  v1::ImportCustomersRequest all = ImportOf(rows);
  all.set_all_or_nothing(true);
  harness_.ExpectNothingWritten([&] {
    auto ctx = Context(manager_token_);
    ASSERT_TRUE(stub_->ImportCustomers(ctx.get(), all, &out).ok());
    EXPECT_EQ(out.results(0).outcome(), v1::NOT_APPLIED);
    EXPECT_EQ(out.results(1).outcome(), v1::FAILED);
  });
  auto ctx = Context(manager_token_);
  ASSERT_TRUE(stub_->ImportCustomers(ctx.get(), ImportOf(rows), &out).ok());
  EXPECT_EQ(out.created_count(), 2);
  EXPECT_EQ(out.failed_count(), 1);
  std::string errors;
  for (const auto& e : out.results(1).field_errors()) errors += e + ";";
  EXPECT_THAT(errors, HasSubstr("rows[1].customer.national_id"));
  EXPECT_THAT(errors, HasSubstr("rows[1].customer.display_name"));
  EXPECT_THAT(errors, ::testing::Not(HasSubstr("310115198501010000")));
}

// ---------------------------------------------------------------------------------------------
// Interactions and care reminders with the fake clock

TEST_F(CustomerServiceTest, CareRemindersAcrossMonthEndAndLeapDay) {
  team_.AddManager(7, team::v1::PERSONAL, 400, 1, 3);
  std::string owner = RmToken(7, 1, {3});
  v1::Customer leap = RetailCustomer();
  leap.mutable_birthday()->set_year(2000);
  leap.mutable_birthday()->set_month(2);
  leap.mutable_birthday()->set_day(29);
  v1::Customer c = Create(leap, "members/7");

  v1::LogInteractionRequest li;
  li.set_parent(c.name());
  li.mutable_interaction()->set_channel(v1::VISIT);
  li.mutable_interaction()->set_summary("annual review");
  li.mutable_interaction()->mutable_next_follow_up_date()->set_year(2027);
  li.mutable_interaction()->mutable_next_follow_up_date()->set_month(3);
  li.mutable_interaction()->mutable_next_follow_up_date()->set_day(1);
  v1::Interaction logged;
  auto lctx = Context(owner);
  ASSERT_TRUE(stub_->LogInteraction(lctx.get(), li, &logged).ok());

  auto reminders_on = [&](absl::CivilDay day) {
    harness_.clock().Set(absl::FromCivil(
        absl::CivilSecond(day.year(), day.month(), day.day(), 8, 0, 0), harness_.zone()));
    v1::ListCareRemindersRequest r;
    r.set_manager("members/7");
    v1::ListCareRemindersResponse out;
    auto ctx = Context(RmToken(7, 1, {3}));  // minted on the moved clock: tokens expire too
    grpc::Status s = stub_->ListCareReminders(ctx.get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  };
  // 2027 is a common year: the 29 Feb birthday falls on 28 Feb, 3 days after the 25th; the
  // follow-up (1 Mar) is not due yet.
  auto feb2027 = reminders_on(absl::CivilDay(2027, 2, 25));
  ASSERT_GE(feb2027.reminders_size(), 1);
  EXPECT_EQ(feb2027.reminders(0).kind(), v1::BIRTHDAY);
  EXPECT_EQ(feb2027.reminders(0).date().day(), 28);
  EXPECT_EQ(feb2027.reminders(0).days_from_today(), 3);
  for (const auto& r : feb2027.reminders()) EXPECT_NE(r.kind(), v1::FOLLOW_UP_DUE);
  // Across the month end: on 2 March the follow-up of 1 March is overdue by a day.
  auto mar2027 = reminders_on(absl::CivilDay(2027, 3, 2));
  bool due = false;
  for (const auto& r : mar2027.reminders()) {
    if (r.kind() == v1::FOLLOW_UP_DUE) {
      due = true;
      EXPECT_EQ(r.days_from_today(), -1);
    }
  }
  EXPECT_TRUE(due);
  // 2028 is a leap year: the birthday is the 29th itself.
  auto feb2028 = reminders_on(absl::CivilDay(2028, 2, 27));
  ASSERT_GE(feb2028.reminders_size(), 1);
  EXPECT_EQ(feb2028.reminders(0).date().day(), 29);
  EXPECT_EQ(feb2028.reminders(0).days_from_today(), 2);
}

}  // namespace
}  // namespace rmhub::customer
