// MySqlCustomerRepository against a real MariaDB (scripts/test.sh starts a private one): every
// store method's round trip, PII sealed at rest and found through blind indexes (also after a
// key rotation), optimistic concurrency, unique blind indexes, keyset paging with filters,
// holdings, the manager row lock under concurrency, follow-ups due, the PII audit, idempotent
// writes and readiness.
#include "services/customer/mysql_repository.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "common/db/transaction.h"
#include "common/outbox/outbox.h"
#include "common/pii/validation.h"
#include "common/status/errors.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/customer/domain/list_filters.h"
#include "tests/support/repository_test_util.h"
#include "tests/support/test_database.h"
#include "tests/support/test_idempotency.h"

namespace rmhub::customer {
namespace {

using google::protobuf::util::MessageDifferencer;

using namespace ::rmhub::test_util;  // NOLINT(google-build-using-namespace): test helpers

std::string Key(char fill) { return std::string(32, fill); }

pii::FieldCipher MakeCipher(std::map<std::string, std::string> keys, const std::string& active) {
  auto cipher = pii::FieldCipher::Create(std::move(keys), active);
  EXPECT_TRUE(cipher.ok()) << cipher.status();
  return *std::move(cipher);
}

// Valid 18-character resident IDs: region 110105, a birth date, sequence `seq`, with the right
// check character.
std::string NationalId(int seq, absl::string_view born = "19900307") {
  const std::string first17 = absl::StrCat("110105", born, absl::Dec(seq % 1000, absl::kZeroPad3));
  return first17 + pii::NationalIdCheckDigit(first17);
}

// The n-th resident ID (n >= 1) whose check character is 'X', to show lower-case input finds
// it. Another birth date than NationalId's keeps the two series apart.
std::string NationalIdEndingInX(int n) {
  for (int seq = 0, found = 0;; ++seq) {
    std::string id = NationalId(seq, "19850101");
    if (id.back() == 'X' && ++found == n) return id;
  }
}

std::string CreditCode(int seq) {
  const std::string first17 = absl::StrCat("91110000", absl::Dec(seq, absl::kZeroPad9));
  return first17 + pii::CreditCodeCheckChar(first17);
}

class MySqlCustomerRepositoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("customer_repo").release();
    auto pool = db::ConnectionPool::Create(db_->config());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = pool->release();
    absl::Status migrated = MySqlCustomerRepository::Migrate(*pool_);
    ASSERT_TRUE(migrated.ok()) << migrated;
  }
  static void TearDownTestSuite() {
    delete pool_;
    delete db_;
  }

  void SetUp() override {
    ASSERT_NE(pool_, nullptr);
    repo_ = std::make_unique<MySqlCustomerRepository>(*pool_, cipher_, index_, *idempotency_);
  }

  // One transaction without a request_id.
  absl::Status Tx(const std::function<absl::Status(CustomerStore&)>& body) {
    return repo_->Write({"Test", "", "members/1"}, v1::GetCustomerRequest(), nullptr, body,
                        nullptr);
  }
  absl::Status Read(const std::function<absl::Status(CustomerStore&)>& body) {
    return repo_->Read(body);
  }

  int Next() { return ++counter_; }
  std::string Unique(absl::string_view prefix) { return absl::StrCat(prefix, "-", Next()); }

  v1::Customer NewRetail() {
    v1::Customer c;
    c.set_type(v1::RETAIL);
    c.set_display_name("Zhang San");
    c.set_national_id(NationalId(Next()));
    c.set_contact_phone("13812345678");
    *c.mutable_birthday() = Day(1990, 3, 7);
    c.mutable_aum()->set_currency_code("CNY");
    c.mutable_aum()->set_minor_units(123456789);
    c.mutable_annual_contribution()->set_currency_code("CNY");
    c.mutable_annual_contribution()->set_minor_units(45600);
    c.set_status(v1::ACTIVE);
    c.set_risk_tolerance(v1::STEADY);
    c.add_needs(v1::SAVINGS);
    c.add_needs(v1::INVESTMENT);
    c.add_needs(v1::SAVINGS);
    return c;
  }

  v1::Customer NewCorporate() {
    v1::Customer c;
    c.set_type(v1::CORPORATE);
    c.set_display_name("Pudong Widgets Ltd");
    c.set_industry("manufacturing");
    c.set_credit_code(CreditCode(Next()));
    c.set_status(v1::PROSPECT);
    c.set_key_account(true);
    return c;
  }

  int64_t Insert(const v1::Customer& c, Ownership o) {
    int64_t id = 0;
    EXPECT_OK(Tx([&](CustomerStore& s) { return Into(s.InsertCustomer(c, o, kT0), &id); }));
    return id;
  }
  int64_t InsertOwned(int64_t owner, int64_t branch, bool key = false, bool archived = false) {
    v1::Customer c = NewRetail();
    c.set_key_account(key);
    c.set_archived(archived);
    return Insert(c, Ownership{owner, 0, branch});
  }

  v1::Customer Get(int64_t id) {
    std::optional<v1::Customer> c;
    EXPECT_OK(Read([&](CustomerStore& s) { return Into(s.GetCustomer(id, false), &c); }));
    EXPECT_TRUE(c.has_value());
    return c.value_or(v1::Customer());
  }

  // A statement on a pooled connection outside any repository transaction.
  static absl::Status Raw(const std::function<void(sql::Statement&)>& fn) {
    return db::RunWithConnection(*pool_, [&](db::Connection& c) -> absl::Status {
      std::unique_ptr<sql::Statement> st(c.raw().createStatement());
      fn(*st);
      return absl::OkStatus();
    });
  }
  static int64_t Scalar(const std::string& sql) {
    int64_t value = -1;
    EXPECT_OK(Raw([&](sql::Statement& st) {
      std::unique_ptr<sql::ResultSet> rs(st.executeQuery(sql));
      if (rs->next()) value = rs->getInt64(1);
    }));
    return value;
  }
  static std::string Bytes(const std::string& sql) {
    std::string value;
    EXPECT_OK(Raw([&](sql::Statement& st) {
      std::unique_ptr<sql::ResultSet> rs(st.executeQuery(sql));
      if (rs->next()) value = rs->getString(1).asStdString();
    }));
    return value;
  }

  // Row counts of every table a write may touch, outbox and idempotency records included.
  std::string Fingerprint() {
    std::string out;
    for (const char* table :
         {"customers", "customer_needs", "managers", "assignments", "interactions", "pii_audit",
          "outbox_events", "idempotency_records"}) {
      absl::StrAppend(&out, table, "=", Scalar(absl::StrCat("SELECT COUNT(*) FROM ", table)), " ");
    }
    absl::StrAppend(&out, "versions=", Scalar("SELECT COALESCE(SUM(version), 0) FROM customers"));
    return out;
  }

  rmhub::common::v1::DomainEvent Event(const std::string& aggregate) {
    v1::Customer payload;
    payload.set_name(aggregate);
    return outbox::MakeEvent("customer", "customer.test.happened", aggregate, "members/1", payload,
                             kT0);
  }

  static testing::TestDatabase* db_;
  static db::ConnectionPool* pool_;
  static std::atomic<int> counter_;
  const pii::FieldCipher cipher_ = MakeCipher({{"k2024", Key('a')}}, "k2024");
  const pii::BlindIndex index_ = *pii::BlindIndex::Create(Key('i'));
  const std::unique_ptr<idempotency::Idempotency> idempotency_ =
      testing::TestIdempotency("customer", &cipher_);
  std::unique_ptr<MySqlCustomerRepository> repo_;
};

testing::TestDatabase* MySqlCustomerRepositoryTest::db_ = nullptr;
db::ConnectionPool* MySqlCustomerRepositoryTest::pool_ = nullptr;
std::atomic<int> MySqlCustomerRepositoryTest::counter_{0};

// ---------------------------------------------------------------------------------------------
// Customers

TEST_F(MySqlCustomerRepositoryTest, RetailCustomerRoundTrip) {
  v1::Customer in = NewRetail();
  const int64_t id = Insert(in, Ownership{7, 3, 2});
  v1::Customer got = Get(id);
  EXPECT_EQ(got.name(), absl::StrCat("customers/", id));
  EXPECT_EQ(got.type(), v1::RETAIL);
  EXPECT_EQ(got.display_name(), "Zhang San");
  EXPECT_EQ(got.national_id(), in.national_id());
  EXPECT_EQ(got.contact_phone(), "13812345678");
  EXPECT_TRUE(got.credit_code().empty());
  EXPECT_TRUE(MessageDifferencer::Equals(got.birthday(), Day(1990, 3, 7)));
  EXPECT_EQ(got.aum().currency_code(), "CNY");
  EXPECT_EQ(got.aum().minor_units(), 123456789);
  EXPECT_EQ(got.annual_contribution().currency_code(), "CNY");
  EXPECT_EQ(got.annual_contribution().minor_units(), 45600);
  EXPECT_EQ(got.status(), v1::ACTIVE);
  EXPECT_FALSE(got.key_account());
  ASSERT_EQ(got.needs_size(), 2);  // a set, ordered by value
  EXPECT_EQ(got.needs(0), v1::INVESTMENT);
  EXPECT_EQ(got.needs(1), v1::SAVINGS);
  EXPECT_EQ(got.risk_tolerance(), v1::STEADY);
  EXPECT_EQ(got.owner(), "members/7");
  EXPECT_EQ(got.team(), "teams/3");
  EXPECT_EQ(got.branch(), "branches/2");
  EXPECT_FALSE(got.archived());
  EXPECT_FALSE(got.has_last_interaction_time());
  EXPECT_TRUE(MessageDifferencer::Equals(got.status_change_time(), Micros(kT0)));
  EXPECT_TRUE(MessageDifferencer::Equals(got.create_time(), Micros(kT0)));
  EXPECT_TRUE(MessageDifferencer::Equals(got.update_time(), Micros(kT0)));
  EXPECT_EQ(got.etag(), api::MakeEtag(1));
  EXPECT_EQ(got.asset_tier(), v1::ASSET_TIER_UNSPECIFIED);  // derived by the service

  std::optional<v1::Customer> missing;
  ASSERT_OK(
      Read([&](CustomerStore& s) { return Into(s.GetCustomer(id + 100000, true), &missing); }));
  EXPECT_FALSE(missing.has_value());
}

TEST_F(MySqlCustomerRepositoryTest, CorporateCustomerWithoutOwnerOrBirthdayRoundTrip) {
  v1::Customer in = NewCorporate();
  const int64_t id = Insert(in, Ownership{0, 0, 5});
  v1::Customer got = Get(id);
  EXPECT_EQ(got.type(), v1::CORPORATE);
  EXPECT_EQ(got.industry(), "manufacturing");
  EXPECT_EQ(got.credit_code(), in.credit_code());
  EXPECT_TRUE(got.national_id().empty());
  EXPECT_TRUE(got.contact_phone().empty());
  EXPECT_FALSE(got.has_birthday());
  EXPECT_EQ(got.aum().currency_code(), "CNY");
  EXPECT_EQ(got.aum().minor_units(), 0);
  EXPECT_TRUE(got.key_account());
  EXPECT_EQ(got.needs_size(), 0);
  EXPECT_TRUE(got.owner().empty());
  EXPECT_TRUE(got.team().empty());
  EXPECT_EQ(got.branch(), "branches/5");
  EXPECT_EQ(Scalar(absl::StrCat("SELECT COUNT(*) FROM customers WHERE id = ", id,
                                " AND owner_id IS NULL AND team_id IS NULL AND birthday IS NULL"
                                " AND national_id_enc IS NULL AND national_id_bidx IS NULL"
                                " AND phone_enc IS NULL")),
            1);
}

TEST_F(MySqlCustomerRepositoryTest, PiiIsSealedAtRestAndFoundThroughTheBlindIndex) {
  v1::Customer retail = NewRetail();
  retail.set_national_id(NationalIdEndingInX(Next()));
  const int64_t retail_id = Insert(retail, Ownership{7, 0, 2});
  v1::Customer corporate = NewCorporate();
  corporate.set_contact_phone("13900001111");
  const int64_t corporate_id = Insert(corporate, Ownership{7, 0, 2});

  // What is stored is neither the plaintext nor contains it, and names the active key.
  struct Column {
    int64_t id;
    const char* column;
    std::string plain;
  };
  for (const Column& c : {Column{retail_id, "national_id_enc", retail.national_id()},
                          Column{retail_id, "phone_enc", retail.contact_phone()},
                          Column{corporate_id, "credit_code_enc", corporate.credit_code()},
                          Column{corporate_id, "phone_enc", corporate.contact_phone()}}) {
    const std::string stored =
        Bytes(absl::StrCat("SELECT ", c.column, " FROM customers WHERE id = ", c.id));
    ASSERT_FALSE(stored.empty()) << c.column;
    EXPECT_NE(stored, c.plain) << c.column;
    EXPECT_FALSE(absl::StrContains(stored, c.plain)) << c.column;
    EXPECT_FALSE(absl::StrContains(stored, c.plain.substr(0, 8))) << c.column;
    auto key_id = pii::FieldCipher::KeyIdOf(stored);
    ASSERT_TRUE(key_id.ok()) << key_id.status();
    EXPECT_EQ(*key_id, "k2024");
  }
  const std::string bidx =
      Bytes(absl::StrCat("SELECT national_id_bidx FROM customers WHERE id = ", retail_id));
  EXPECT_EQ(bidx, index_.Compute(pii::PiiKind::kNationalId, retail.national_id()));
  EXPECT_FALSE(absl::StrContains(bidx, retail.national_id().substr(0, 8)));

  // Lookups normalise: spaces and a lower-case check character find the same person.
  std::string typed = retail.national_id();
  typed.back() = 'x';
  typed = absl::StrCat(" ", typed.substr(0, 6), " ", typed.substr(6), " ");
  std::string code = corporate.credit_code();
  for (char& ch : code) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::optional<v1::Customer> by_id, by_code, nobody, wrong_kind;
  ASSERT_OK(Read([&](CustomerStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(Into(s.FindByNationalId(typed), &by_id));
    RMHUB_RETURN_IF_ERROR(Into(s.FindByCreditCode(code), &by_code));
    RMHUB_RETURN_IF_ERROR(Into(s.FindByNationalId(NationalId(999)), &nobody));
    return Into(s.FindByCreditCode(retail.national_id()), &wrong_kind);
  }));
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->name(), absl::StrCat("customers/", retail_id));
  EXPECT_EQ(by_id->national_id(), retail.national_id());
  ASSERT_TRUE(by_code.has_value());
  EXPECT_EQ(by_code->name(), absl::StrCat("customers/", corporate_id));
  EXPECT_EQ(by_code->contact_phone(), "13900001111");
  EXPECT_FALSE(nobody.has_value());
  EXPECT_FALSE(wrong_kind.has_value());
}

TEST_F(MySqlCustomerRepositoryTest, ValuesAreStoredNormalised) {
  v1::Customer in = NewRetail();
  const std::string id = NationalIdEndingInX(Next());
  std::string typed = id;
  typed.back() = 'x';
  in.set_national_id(absl::StrCat(typed.substr(0, 9), " ", typed.substr(9)));
  in.set_contact_phone("+86 138-1234-5678");
  const int64_t stored = Insert(in, Ownership{7, 0, 2});
  v1::Customer got = Get(stored);
  EXPECT_EQ(got.national_id(), id);
  EXPECT_EQ(got.contact_phone(), "13812345678");
}

TEST_F(MySqlCustomerRepositoryTest, RotatedKeyRingReadsOldRowsAndWritesWithTheNewKey) {
  v1::Customer in = NewRetail();
  const int64_t id = Insert(in, Ownership{7, 0, 2});  // sealed under k2024

  const pii::FieldCipher rotated = MakeCipher({{"k2024", Key('a')}, {"k2025", Key('b')}}, "k2025");
  MySqlCustomerRepository after(*pool_, rotated, index_, *idempotency_);
  std::optional<v1::Customer> got;
  ASSERT_OK(after.Read([&](CustomerStore& s) { return Into(s.GetCustomer(id, false), &got); }));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->national_id(), in.national_id());
  EXPECT_EQ(got->contact_phone(), in.contact_phone());

  // Rewriting the row re-seals it under the active key; the blind index is unchanged.
  ASSERT_OK(after.Write(
      {"Test", "", "members/1"}, v1::GetCustomerRequest(), nullptr,
      [&](CustomerStore& s) { return s.UpdateCustomer(id, *got, 1, kT0); }, nullptr));
  const std::string sealed =
      Bytes(absl::StrCat("SELECT national_id_enc FROM customers WHERE id = ", id));
  EXPECT_EQ(*pii::FieldCipher::KeyIdOf(sealed), "k2025");
  std::optional<v1::Customer> found;
  ASSERT_OK(after.Read(
      [&](CustomerStore& s) { return Into(s.FindByNationalId(in.national_id()), &found); }));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->contact_phone(), in.contact_phone());

  // A ring without the key a row names cannot open it, and says so without the value.
  const pii::FieldCipher old_only = MakeCipher({{"k2024", Key('a')}}, "k2024");
  MySqlCustomerRepository stale(*pool_, old_only, index_, *idempotency_);
  absl::Status unreadable =
      stale.Read([&](CustomerStore& s) { return s.GetCustomer(id, false).status(); });
  EXPECT_FALSE(unreadable.ok());
  EXPECT_FALSE(absl::StrContains(unreadable.ToString(), in.national_id()));
}

TEST_F(MySqlCustomerRepositoryTest, UpdateRewritesFieldsAndNeedsAndIsOptimistic) {
  const int64_t id = Insert(NewRetail(), Ownership{7, 3, 2});
  v1::Customer changed = Get(id);
  changed.set_display_name("Zhang San (VIP)");
  changed.set_contact_phone("13700000000");
  changed.clear_birthday();
  changed.mutable_aum()->set_minor_units(99);
  changed.mutable_annual_contribution()->set_minor_units(-5);
  changed.set_key_account(true);
  changed.set_risk_tolerance(v1::AGGRESSIVE);
  changed.clear_needs();
  changed.add_needs(v1::CONSUMPTION);
  const absl::Time later = kT0 + absl::Hours(1);
  // Same status: status_change_time stays.
  ASSERT_OK(Tx([&](CustomerStore& s) { return s.UpdateCustomer(id, changed, 1, later); }));
  v1::Customer got = Get(id);
  EXPECT_EQ(got.display_name(), "Zhang San (VIP)");
  EXPECT_EQ(got.contact_phone(), "13700000000");
  EXPECT_FALSE(got.has_birthday());
  EXPECT_EQ(got.aum().minor_units(), 99);
  EXPECT_EQ(got.annual_contribution().minor_units(), -5);
  EXPECT_TRUE(got.key_account());
  EXPECT_EQ(got.risk_tolerance(), v1::AGGRESSIVE);
  ASSERT_EQ(got.needs_size(), 1);
  EXPECT_EQ(got.needs(0), v1::CONSUMPTION);
  EXPECT_EQ(got.owner(), "members/7");  // ownership is not part of an update
  EXPECT_EQ(got.etag(), api::MakeEtag(2));
  EXPECT_TRUE(MessageDifferencer::Equals(got.status_change_time(), Micros(kT0)));
  EXPECT_TRUE(MessageDifferencer::Equals(got.update_time(), Micros(later)));
  EXPECT_TRUE(MessageDifferencer::Equals(got.create_time(), Micros(kT0)));

  // A status change stamps status_change_time; archiving is an update too.
  const absl::Time dormant_at = later + absl::Hours(1);
  changed.set_status(v1::DORMANT);
  changed.set_archived(true);
  ASSERT_OK(Tx([&](CustomerStore& s) { return s.UpdateCustomer(id, changed, 2, dormant_at); }));
  got = Get(id);
  EXPECT_EQ(got.status(), v1::DORMANT);
  EXPECT_TRUE(got.archived());
  EXPECT_TRUE(MessageDifferencer::Equals(got.status_change_time(), Micros(dormant_at)));

  // Stale: ABORTED, and neither the row nor its needs change.
  const std::string before = Fingerprint();
  changed.clear_needs();
  changed.set_display_name("lost update");
  absl::Status stale =
      Tx([&](CustomerStore& s) { return s.UpdateCustomer(id, changed, 2, later); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale), "ETAG_MISMATCH");
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_TRUE(MessageDifferencer::Equals(Get(id), got));

  absl::Status missing =
      Tx([&](CustomerStore& s) { return s.UpdateCustomer(id + 100000, changed, 1, later); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(missing), "CUSTOMER_NOT_FOUND");
}

TEST_F(MySqlCustomerRepositoryTest,
       DuplicateNationalIdOrCreditCodeIsAlreadyExistsAndWritesNothing) {
  v1::Customer retail = NewRetail();
  v1::Customer corporate = NewCorporate();
  Insert(retail, Ownership{7, 0, 2});
  const int64_t corporate_id = Insert(corporate, Ownership{7, 0, 2});
  const std::string before = Fingerprint();

  // Each body writes other rows and an event first: the whole transaction must roll back.
  auto attempt = [&](const v1::Customer& dup) {
    return Tx([&](CustomerStore& s) -> absl::Status {
      RMHUB_RETURN_IF_ERROR(s.InsertCustomer(NewCorporate(), Ownership{8, 0, 2}, kT0).status());
      RMHUB_RETURN_IF_ERROR(s.LockManager(8, kT0));
      RMHUB_RETURN_IF_ERROR(s.AppendEvent(Event("customers/0")));
      return s.InsertCustomer(dup, Ownership{8, 0, 2}, kT0).status();
    });
  };
  v1::Customer same_person = NewRetail();
  same_person.set_national_id(retail.national_id());
  same_person.set_display_name("someone else");
  absl::Status dup_id = attempt(same_person);
  EXPECT_EQ(dup_id.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(dup_id), "NATIONAL_ID_TAKEN");
  EXPECT_FALSE(absl::StrContains(dup_id.ToString(), retail.national_id()));
  v1::Customer same_company = NewCorporate();
  same_company.set_credit_code(corporate.credit_code());
  absl::Status dup_code = attempt(same_company);
  EXPECT_EQ(dup_code.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(dup_code), "CREDIT_CODE_TAKEN");
  EXPECT_EQ(Fingerprint(), before);

  // An update onto another customer's credit code is refused the same way.
  v1::Customer other = NewCorporate();
  const int64_t other_id = Insert(other, Ownership{7, 0, 2});
  const std::string before_update = Fingerprint();
  other.set_credit_code(corporate.credit_code());
  absl::Status taken =
      Tx([&](CustomerStore& s) { return s.UpdateCustomer(other_id, other, 1, kT0); });
  EXPECT_EQ(ErrorReason(taken), "CREDIT_CODE_TAKEN");
  EXPECT_EQ(Fingerprint(), before_update);
  EXPECT_EQ(Get(corporate_id).credit_code(), corporate.credit_code());
}

TEST_F(MySqlCustomerRepositoryTest, ListCustomersPagesThroughAFilteredSet) {
  const int64_t branch = 1000 + Next();
  std::vector<int64_t> expected;
  for (int i = 0; i < 5; ++i) expected.push_back(InsertOwned(7, branch));
  v1::Customer no_investment = NewRetail();
  no_investment.clear_needs();
  no_investment.add_needs(v1::SAVINGS);
  Insert(no_investment, Ownership{7, 0, branch});  // filtered out by need
  v1::Customer poor = NewRetail();
  poor.mutable_aum()->set_minor_units(10);
  Insert(poor, Ownership{7, 0, branch});  // filtered out by AUM
  InsertOwned(7, branch + 1);             // filtered out by the branch restriction

  ListQuery q;
  q.filter = *api::ParseFilterExpr(
      "needs: INVESTMENT AND asset_tier >= MEDIUM AND type = RETAIL AND archived = false",
      CustomerFilterSchema());
  q.scope = api::ListScope::Branch(branch);
  q.page.limit = 2;
  std::vector<v1::Customer> seen;
  std::vector<size_t> page_sizes;
  for (int guard = 0; guard < 10; ++guard) {
    Page<v1::Customer> page;
    ASSERT_OK(Read(
        [&](CustomerStore& s) { return Into(s.ListCustomers(q, SegmentThresholds()), &page); }));
    page_sizes.push_back(page.items.size());
    for (auto& c : page.items) seen.push_back(c);
    if (page.next_after_id == 0) break;
    EXPECT_EQ(seen.back().name(), absl::StrCat("customers/", page.next_after_id));
    q.page.after_id = page.next_after_id;
  }
  EXPECT_EQ(page_sizes, (std::vector<size_t>{2, 2, 1}));
  ASSERT_EQ(seen.size(), expected.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].name(), absl::StrCat("customers/", expected[i]));
    EXPECT_EQ(seen[i].needs_size(), 2) << "needs are filled for every row of a page";
    EXPECT_FALSE(seen[i].national_id().empty()) << "PII is opened for every row";
  }
}

// ---------------------------------------------------------------------------------------------
// Ownership

TEST_F(MySqlCustomerRepositoryTest, HoldingsCountOnlyWhatTheManagerHoldsUnarchived) {
  const int64_t manager = 100000 + Next();
  InsertOwned(manager, 2);
  InsertOwned(manager, 2, /*key=*/true);
  InsertOwned(manager, 2, /*key=*/true);
  InsertOwned(manager, 2, /*key=*/true, /*archived=*/true);
  InsertOwned(manager + 1, 2, /*key=*/true);
  Holdings h, none;
  ASSERT_OK(Tx([&](CustomerStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(s.LockManager(manager, kT0));
    RMHUB_RETURN_IF_ERROR(Into(s.CountHoldings(manager), &h));
    return Into(s.CountHoldings(manager + 2), &none);
  }));
  EXPECT_EQ(h.customers, 3);
  EXPECT_EQ(h.key_accounts, 2);
  EXPECT_EQ(none.customers, 0);
  EXPECT_EQ(none.key_accounts, 0);
  // The lock row was created once and is reused.
  ASSERT_OK(Tx([&](CustomerStore& s) { return s.LockManager(manager, kT0 + absl::Hours(1)); }));
  EXPECT_EQ(Scalar(absl::StrCat("SELECT COUNT(*) FROM managers WHERE member_id = ", manager)), 1);
}

TEST_F(MySqlCustomerRepositoryTest, SetOwnershipAssignmentsAndTheBook) {
  const int64_t from = 200000 + Next();
  const int64_t to = from + 1;
  const int64_t a = InsertOwned(from, 2);
  const int64_t b = InsertOwned(from, 2);
  InsertOwned(from, 2, false, /*archived=*/true);
  std::vector<v1::Customer> book;
  ASSERT_OK(Read([&](CustomerStore& s) { return Into(s.ListHeld(from), &book); }));
  ASSERT_EQ(book.size(), 2u);
  EXPECT_EQ(book[0].name(), absl::StrCat("customers/", a));
  EXPECT_EQ(book[1].name(), absl::StrCat("customers/", b));
  EXPECT_EQ(book[0].needs_size(), 2);
  EXPECT_EQ(book[0].contact_phone(), "13812345678");

  v1::AssignmentRecord first, transfer;
  first.set_kind(v1::ASSIGNED);
  first.set_to_owner(absl::StrCat("members/", from));
  first.set_reason("new customer");
  first.set_actor("members/1");
  transfer.set_kind(v1::TRANSFERRED);
  transfer.set_from_owner(absl::StrCat("members/", from));
  transfer.set_to_owner(absl::StrCat("members/", to));
  transfer.set_reason("rebalancing");
  transfer.set_actor("services/complaint");
  const absl::Time later = kT0 + absl::Minutes(3);
  int64_t first_id = 0, transfer_id = 0;
  ASSERT_OK(Tx([&](CustomerStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(Into(s.InsertAssignment(a, first, kT0), &first_id));
    RMHUB_RETURN_IF_ERROR(s.SetOwnership(a, Ownership{to, 9, 4}, later));
    return Into(s.InsertAssignment(a, transfer, later), &transfer_id);
  }));
  v1::Customer moved = Get(a);
  EXPECT_EQ(moved.owner(), absl::StrCat("members/", to));
  EXPECT_EQ(moved.team(), "teams/9");
  EXPECT_EQ(moved.branch(), "branches/4");
  EXPECT_EQ(moved.etag(), api::MakeEtag(2));
  EXPECT_TRUE(MessageDifferencer::Equals(moved.update_time(), Micros(later)));
  ASSERT_OK(Read([&](CustomerStore& s) { return Into(s.ListHeld(from), &book); }));
  ASSERT_EQ(book.size(), 1u);

  api::PageRequest page;
  page.limit = 1;
  Page<v1::AssignmentRecord> newest, older;
  ASSERT_OK(Read([&](CustomerStore& s) { return Into(s.ListAssignments(a, page), &newest); }));
  ASSERT_EQ(newest.items.size(), 1u);
  const v1::AssignmentRecord& t = newest.items[0];
  EXPECT_EQ(t.name(), absl::StrCat("customers/", a, "/assignments/", transfer_id));
  EXPECT_EQ(t.kind(), v1::TRANSFERRED);
  EXPECT_EQ(t.from_owner(), absl::StrCat("members/", from));
  EXPECT_EQ(t.to_owner(), absl::StrCat("members/", to));
  EXPECT_EQ(t.reason(), "rebalancing");
  EXPECT_EQ(t.actor(), "services/complaint");
  EXPECT_TRUE(MessageDifferencer::Equals(t.create_time(), Micros(later)));
  EXPECT_EQ(newest.next_after_id, transfer_id);
  page.after_id = newest.next_after_id;
  ASSERT_OK(Read([&](CustomerStore& s) { return Into(s.ListAssignments(a, page), &older); }));
  ASSERT_EQ(older.items.size(), 1u);
  EXPECT_EQ(older.items[0].name(), absl::StrCat("customers/", a, "/assignments/", first_id));
  EXPECT_TRUE(older.items[0].from_owner().empty());
  EXPECT_EQ(older.next_after_id, 0);

  absl::Status gone = Tx([&](CustomerStore& s) {
    return s.SetOwnership(a + 100000, {to, 0, 4}, kT0);
  });
  EXPECT_EQ(ErrorReason(gone), "CUSTOMER_NOT_FOUND");
  absl::Status orphan =
      Tx([&](CustomerStore& s) { return s.InsertAssignment(a + 100000, first, kT0).status(); });
  EXPECT_EQ(orphan.code(), absl::StatusCode::kNotFound);
  v1::AssignmentRecord bad = first;
  bad.set_to_owner("teams/3");
  absl::Status invalid =
      Tx([&](CustomerStore& s) { return s.InsertAssignment(a, bad, kT0).status(); });
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
}

// The lock must be a real row lock: a second transaction's LockManager waits for the first
// transaction to end. The wait is observed on the server (INNODB_TRX says LOCK WAIT), not timed.
TEST_F(MySqlCustomerRepositoryTest, LockManagerBlocksASecondTransactionUntilTheFirstEnds) {
  const int64_t manager = 300000 + Next();
  absl::Notification first_locked, release_first;
  std::atomic<bool> second_locked{false};
  std::thread first([&] {
    EXPECT_OK(Tx([&](CustomerStore& s) -> absl::Status {
      RMHUB_RETURN_IF_ERROR(s.LockManager(manager, kT0));
      if (!first_locked.HasBeenNotified()) first_locked.Notify();
      release_first.WaitForNotification();
      return absl::OkStatus();
    }));
  });
  first_locked.WaitForNotification();
  std::thread second([&] {
    EXPECT_OK(Tx([&](CustomerStore& s) -> absl::Status {
      RMHUB_RETURN_IF_ERROR(s.LockManager(manager, kT0));
      second_locked = true;
      return absl::OkStatus();
    }));
  });
  // Wait (bounded) until the server reports the second transaction waiting on a lock. InnoDB
  // refreshes INNODB_TRX only when it has not been read for 100 ms, hence the slow polling.
  const std::string waiting = absl::StrCat(
      "SELECT COUNT(*) FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p "
      "ON p.ID = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.DB = '",
      db_->name(), "'");
  bool seen_waiting = false;
  for (int i = 0; i < 300 && !seen_waiting; ++i) {
    absl::SleepFor(absl::Milliseconds(150));
    seen_waiting = Scalar(waiting) == 1;
  }
  EXPECT_TRUE(seen_waiting);
  EXPECT_FALSE(second_locked.load()) << "the second LockManager returned while the first held it";
  release_first.Notify();
  first.join();
  second.join();
  EXPECT_TRUE(second_locked.load());
}

// With the manager lock taken first, concurrent assignments never exceed a cap, even when each
// transaction took its snapshot before the lock (CountHoldings is a locking read).
TEST_F(MySqlCustomerRepositoryTest, TheManagerLockKeepsACapUnderConcurrentAssignments) {
  constexpr int kCap = 5, kThreads = 4, kPerThread = 3;
  const int64_t manager = 400000 + Next();
  std::vector<int64_t> candidates;
  for (int i = 0; i < kThreads * kPerThread; ++i) candidates.push_back(InsertOwned(0, 2));
  db::DbConfig config = db_->config();
  config.pool_size = kThreads + 2;
  auto pool = db::ConnectionPool::Create(config);
  ASSERT_TRUE(pool.ok()) << pool.status();
  MySqlCustomerRepository repo(**pool, cipher_, index_, *idempotency_);
  std::atomic<int> assigned{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        const int64_t customer = candidates[t * kPerThread + k];
        EXPECT_OK(repo.Write(
            {"Test", "", "members/1"}, v1::GetCustomerRequest(), nullptr,
            [&](CustomerStore& s) -> absl::Status {
              RMHUB_RETURN_IF_ERROR(s.GetCustomer(customer, false).status());  // snapshot first
              RMHUB_RETURN_IF_ERROR(s.LockManager(manager, kT0));
              Holdings h;
              RMHUB_RETURN_IF_ERROR(Into(s.CountHoldings(manager), &h));
              if (h.customers >= kCap) return absl::OkStatus();
              RMHUB_RETURN_IF_ERROR(s.SetOwnership(customer, Ownership{manager, 0, 2}, kT0));
              ++assigned;
              return absl::OkStatus();
            },
            nullptr));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(Scalar(absl::StrCat("SELECT COUNT(*) FROM customers WHERE owner_id = ", manager)),
            kCap);
  EXPECT_GE(assigned.load(), kCap);  // a retried body may count twice; the table may not
}

TEST_F(MySqlCustomerRepositoryTest, LockingReadsSeeAssignmentsCommittedAfterTheSnapshot) {
  const int64_t manager = 500000 + Next();
  const int64_t customer = InsertOwned(0, 2);
  auto other_pool = db::ConnectionPool::Create(db_->config());
  ASSERT_TRUE(other_pool.ok()) << other_pool.status();
  MySqlCustomerRepository other(**other_pool, cipher_, index_, *idempotency_);
  Holdings h;
  std::vector<v1::Customer> book;
  ASSERT_OK(Tx([&](CustomerStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(s.GetCustomer(customer, false).status());  // takes the snapshot
    RMHUB_RETURN_IF_ERROR(other.Write(
        {"Test", "", "members/1"}, v1::GetCustomerRequest(), nullptr,
        [&](CustomerStore& o) {
          return o.SetOwnership(customer, Ownership{manager, 0, 2}, kT0);
        },
        nullptr));
    RMHUB_RETURN_IF_ERROR(s.LockManager(manager, kT0));
    RMHUB_RETURN_IF_ERROR(Into(s.CountHoldings(manager), &h));
    return Into(s.ListHeld(manager), &book);
  }));
  EXPECT_EQ(h.customers, 1);
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book[0].name(), absl::StrCat("customers/", customer));
}

// ---------------------------------------------------------------------------------------------
// Interactions

TEST_F(MySqlCustomerRepositoryTest, InteractionsRoundTripAndRaiseLastInteractionTime) {
  const int64_t customer = InsertOwned(7, 2);
  const int64_t stranger = InsertOwned(7, 2);
  const absl::Time met = kT0 + absl::Hours(5);
  v1::Interaction visit;
  visit.set_channel(v1::VISIT);
  *visit.mutable_interaction_time() = Micros(met);
  visit.set_summary("discussed a fund");
  *visit.mutable_next_follow_up_date() = Day(2024, 1, 15);
  visit.set_manager("members/999");  // ignored: the manager is the argument
  v1::Interaction earlier_call;
  earlier_call.set_channel(v1::PHONE);
  *earlier_call.mutable_interaction_time() = Micros(kT0);
  const absl::Time logged = kT0 + absl::Hours(6);
  int64_t visit_id = 0, call_id = 0;
  ASSERT_OK(Tx([&](CustomerStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(Into(s.InsertInteraction(customer, visit, 7, logged), &visit_id));
    return Into(s.InsertInteraction(customer, earlier_call, 8, logged), &call_id);
  }));
  v1::Customer c = Get(customer);
  EXPECT_TRUE(MessageDifferencer::Equals(c.last_interaction_time(), Micros(met)))
      << "an earlier interaction logged later does not lower it";
  EXPECT_EQ(c.etag(), api::MakeEtag(1)) << "logging a contact does not make edits stale";

  std::optional<v1::Interaction> got, wrong_parent;
  ASSERT_OK(Read([&](CustomerStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(Into(s.GetInteraction(customer, visit_id), &got));
    return Into(s.GetInteraction(stranger, visit_id), &wrong_parent);
  }));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->name(), absl::StrCat("customers/", customer, "/interactions/", visit_id));
  EXPECT_EQ(got->channel(), v1::VISIT);
  EXPECT_TRUE(MessageDifferencer::Equals(got->interaction_time(), Micros(met)));
  EXPECT_EQ(got->manager(), "members/7");
  EXPECT_EQ(got->summary(), "discussed a fund");
  EXPECT_TRUE(MessageDifferencer::Equals(got->next_follow_up_date(), Day(2024, 1, 15)));
  EXPECT_TRUE(MessageDifferencer::Equals(got->create_time(), Micros(logged)));
  EXPECT_FALSE(wrong_parent.has_value());

  api::PageRequest page;
  page.limit = 1;
  Page<v1::Interaction> newest, older;
  ASSERT_OK(
      Read([&](CustomerStore& s) { return Into(s.ListInteractions(customer, page), &newest); }));
  ASSERT_EQ(newest.items.size(), 1u);
  EXPECT_EQ(newest.items[0].manager(), "members/8");
  EXPECT_FALSE(newest.items[0].has_next_follow_up_date());
  EXPECT_EQ(newest.next_after_id, call_id);
  page.after_id = call_id;
  ASSERT_OK(
      Read([&](CustomerStore& s) { return Into(s.ListInteractions(customer, page), &older); }));
  ASSERT_EQ(older.items.size(), 1u);
  EXPECT_EQ(older.items[0].name(), got->name());
  EXPECT_EQ(older.next_after_id, 0);

  // No time given: it happened when it was logged. No such customer: NOT_FOUND.
  v1::Interaction now_call;
  now_call.set_channel(v1::SMS);
  const absl::Time latest = kT0 + absl::Hours(9);
  ASSERT_OK(Tx([&](CustomerStore& s) {
    return s.InsertInteraction(customer, now_call, 7, latest).status();
  }));
  EXPECT_TRUE(MessageDifferencer::Equals(Get(customer).last_interaction_time(), Micros(latest)));
  absl::Status orphan = Tx([&](CustomerStore& s) {
    return s.InsertInteraction(customer + 100000, now_call, 7, latest).status();
  });
  EXPECT_EQ(orphan.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(orphan), "CUSTOMER_NOT_FOUND");
}

TEST_F(MySqlCustomerRepositoryTest, DueFollowUpsTakeEachCustomersLatestInteraction) {
  const int64_t manager = 600000 + Next();
  const absl::CivilDay today(2024, 6, 10);
  auto log = [&](int64_t customer, std::optional<common::v1::Date> next) {
    v1::Interaction i;
    i.set_channel(v1::PHONE);
    if (next) *i.mutable_next_follow_up_date() = *next;
    ASSERT_OK(Tx(
        [&](CustomerStore& s) { return s.InsertInteraction(customer, i, manager, kT0).status(); }));
  };
  const int64_t overdue = InsertOwned(manager, 2);
  log(overdue, Day(2024, 6, 1));
  const int64_t due_today = InsertOwned(manager, 2);
  log(due_today, Day(2024, 6, 10));
  const int64_t future = InsertOwned(manager, 2);
  log(future, Day(2024, 6, 11));
  const int64_t superseded = InsertOwned(manager, 2);  // a later contact set no follow-up
  log(superseded, Day(2024, 6, 2));
  log(superseded, std::nullopt);
  const int64_t rescheduled = InsertOwned(manager, 2);  // a later contact moved it on
  log(rescheduled, Day(2024, 6, 3));
  log(rescheduled, Day(2024, 7, 1));
  const int64_t archived = InsertOwned(manager, 2, false, /*archived=*/true);
  log(archived, Day(2024, 6, 1));
  const int64_t elsewhere = InsertOwned(manager + 1, 2);
  log(elsewhere, Day(2024, 6, 1));
  InsertOwned(manager, 2);  // never contacted

  std::vector<DueFollowUp> due;
  ASSERT_OK(Read([&](CustomerStore& s) { return Into(s.ListDueFollowUps(manager, today), &due); }));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].customer, absl::StrCat("customers/", overdue));
  EXPECT_EQ(due[0].display_name, "Zhang San");
  EXPECT_EQ(due[0].follow_up, absl::CivilDay(2024, 6, 1));
  EXPECT_EQ(due[1].customer, absl::StrCat("customers/", due_today));
  EXPECT_EQ(due[1].follow_up, today);
}

// ---------------------------------------------------------------------------------------------
// PII audit

TEST_F(MySqlCustomerRepositoryTest, PiiAuditRoundTripFiltersAndPagesNewestFirst) {
  const int64_t branch = 2000 + Next();
  const int64_t customer = InsertOwned(7, branch);
  const int64_t elsewhere = InsertOwned(7, branch + 1);
  const std::string actor = Unique("members/77");
  auto entry = [&](int64_t id, std::vector<v1::PiiField> fields, v1::PiiAccess access,
                   absl::Time at) {
    v1::PiiAuditEntry e;
    e.set_actor(actor);
    e.set_customer(absl::StrCat("customers/", id));
    for (v1::PiiField f : fields) e.add_fields(f);
    e.set_access(access);
    e.set_method("GetCustomer");
    e.set_request_id("req-1");
    *e.mutable_time() = Micros(at);
    return e;
  };
  ASSERT_OK(Tx([&](CustomerStore& s) -> absl::Status {
    RMHUB_RETURN_IF_ERROR(s.AppendPiiAudit(entry(
        customer, {v1::NATIONAL_ID, v1::CONTACT_PHONE, v1::NATIONAL_ID}, v1::READ_CLEAR, kT0)));
    RMHUB_RETURN_IF_ERROR(
        s.AppendPiiAudit(entry(customer, {v1::CONTACT_PHONE}, v1::WRITE, kT0 + absl::Hours(1))));
    return s.AppendPiiAudit(entry(elsewhere, {v1::CREDIT_CODE}, v1::WRITE, kT0));
  }));
  EXPECT_EQ(Scalar(absl::StrCat("SELECT COUNT(*) FROM pii_audit WHERE fields = "
                                "'NATIONAL_ID,CONTACT_PHONE' AND access = 1 AND actor = '",
                                actor, "'")),
            1);

  ListQuery q;
  q.filter.Add("actor", api::FilterType::kString, api::FilterOp::kEq, actor);
  q.scope = api::ListScope::All();
  q.page.limit = 2;
  Page<v1::PiiAuditEntry> first, second;
  ASSERT_OK(Read([&](CustomerStore& s) { return Into(s.ListPiiAudit(q), &first); }));
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].customer(), absl::StrCat("customers/", elsewhere));
  EXPECT_EQ(first.items[0].access(), v1::WRITE);
  EXPECT_EQ(first.items[1].access(), v1::WRITE);
  EXPECT_TRUE(MessageDifferencer::Equals(first.items[1].time(), Micros(kT0 + absl::Hours(1))));
  ASSERT_NE(first.next_after_id, 0);
  q.page.after_id = first.next_after_id;
  ASSERT_OK(Read([&](CustomerStore& s) { return Into(s.ListPiiAudit(q), &second); }));
  ASSERT_EQ(second.items.size(), 1u);
  const v1::PiiAuditEntry& oldest = second.items[0];
  EXPECT_EQ(oldest.actor(), actor);
  ASSERT_EQ(oldest.fields_size(), 2);
  EXPECT_EQ(oldest.fields(0), v1::NATIONAL_ID);
  EXPECT_EQ(oldest.fields(1), v1::CONTACT_PHONE);
  EXPECT_EQ(oldest.access(), v1::READ_CLEAR);
  EXPECT_EQ(oldest.method(), "GetCustomer");
  EXPECT_EQ(oldest.request_id(), "req-1");
  EXPECT_EQ(second.next_after_id, 0);

  // The branch restriction goes through the customer; a customer filter narrows further.
  ListQuery scoped;
  scoped.scope = api::ListScope::Branch(branch);
  scoped.filter = *api::ParseFilterExpr(
      absl::StrCat("customer = \"customers/", customer, "\" AND actor = \"", actor, "\""),
      PiiAuditFilterSchema());
  ASSERT_OK(Read([&](CustomerStore& s) { return Into(s.ListPiiAudit(scoped), &first); }));
  EXPECT_EQ(first.items.size(), 2u);
  scoped.scope = api::ListScope::Branch(branch + 1);
  ASSERT_OK(Read([&](CustomerStore& s) { return Into(s.ListPiiAudit(scoped), &first); }));
  EXPECT_TRUE(first.items.empty());

  v1::PiiAuditEntry untimed = entry(customer, {v1::NATIONAL_ID}, v1::READ_CLEAR, kT0);
  untimed.clear_time();
  EXPECT_EQ(Tx([&](CustomerStore& s) { return s.AppendPiiAudit(untimed); }).code(),
            absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Write: idempotency, rollback, readiness

TEST_F(MySqlCustomerRepositoryTest, WriteReplaysTheFirstResponseAndRunsTheBodyOnce) {
  v1::CreateCustomerRequest request;
  *request.mutable_customer() = NewRetail();
  request.set_request_id(Unique("req"));
  int runs = 0;
  std::vector<db::Delivery> finishes;
  auto body = [&](v1::Customer* out) {
    return [&, out](CustomerStore& s) -> absl::Status {
      ++runs;
      int64_t id = 0;
      RMHUB_RETURN_IF_ERROR(Into(s.InsertCustomer(request.customer(), {7, 0, 2}, kT0), &id));
      std::optional<v1::Customer> stored;
      RMHUB_RETURN_IF_ERROR(Into(s.GetCustomer(id, false), &stored));
      *out = *stored;
      return s.AppendEvent(Event(out->name()));
    };
  };
  auto finish = [&](CustomerStore&, db::Delivery d) {
    finishes.push_back(d);
    return absl::OkStatus();
  };
  const db::WriteKey key{"CreateCustomer", request.request_id(), "members/7"};
  v1::Customer first, replay;
  ASSERT_OK(repo_->Write(key, request, &first, body(&first), finish));
  const std::string after_first = Fingerprint();
  ASSERT_OK(repo_->Write(key, request, &replay, body(&replay), finish));
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(MessageDifferencer::Equals(first, replay));
  EXPECT_FALSE(replay.name().empty());
  EXPECT_EQ(Fingerprint(), after_first);
  EXPECT_EQ(finishes, (std::vector<db::Delivery>{db::Delivery::kFirst, db::Delivery::kReplay}));

  // The same request_id with another request is refused and runs nothing.
  v1::CreateCustomerRequest other = request;
  other.mutable_customer()->set_display_name("another");
  v1::Customer ignored;
  absl::Status reused = repo_->Write(key, other, &ignored, body(&ignored), finish);
  EXPECT_EQ(reused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(reused), "REQUEST_ID_REUSED");
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Fingerprint(), after_first);

  // A replay the service cannot re-authorize (no finish) is refused, fail closed.
  absl::Status unchecked = repo_->Write(key, request, &ignored, body(&ignored), nullptr);
  EXPECT_EQ(unchecked.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(unchecked), "REPLAY_NOT_AUTHORIZED");
  EXPECT_EQ(runs, 1);
}

TEST_F(MySqlCustomerRepositoryTest, TheSameRequestIdFromAnotherCallerIsAFreshRequest) {
  v1::CreateCustomerRequest request;
  *request.mutable_customer() = NewRetail();
  request.set_request_id(Unique("req"));
  std::vector<std::string> created;
  auto write = [&](const std::string& subject, v1::Customer* out) {
    return repo_->Write(
        {"CreateCustomer", request.request_id(), subject}, request, out,
        [&, out](CustomerStore& s) -> absl::Status {
          v1::Customer fresh = request.customer();
          fresh.set_national_id(NationalId(Next()));  // each run a new customer
          int64_t id = 0;
          RMHUB_RETURN_IF_ERROR(Into(s.InsertCustomer(fresh, {7, 0, 2}, kT0), &id));
          std::optional<v1::Customer> stored;
          RMHUB_RETURN_IF_ERROR(Into(s.GetCustomer(id, false), &stored));
          *out = *stored;
          created.push_back(out->name());
          return absl::OkStatus();
        },
        [](CustomerStore&, db::Delivery) { return absl::OkStatus(); });
  };
  v1::Customer a, b, a_again;
  ASSERT_OK(write("members/7", &a));
  ASSERT_OK(write("members/8", &b));
  ASSERT_OK(write("members/7", &a_again));
  ASSERT_EQ(created.size(), 2u);  // the second caller's body ran; the first's replay did not
  EXPECT_NE(a.name(), b.name());
  EXPECT_EQ(a_again.name(), a.name());
  EXPECT_NE(b.national_id(), a.national_id());
}

TEST_F(MySqlCustomerRepositoryTest, StoredResponsesHoldNoClearPii) {
  v1::CreateCustomerRequest request;
  *request.mutable_customer() = NewRetail();
  request.mutable_customer()->set_contact_phone("13912345678");
  request.set_request_id(Unique("req"));
  v1::Customer out;
  ASSERT_OK(repo_->Write(
      {"CreateCustomer", request.request_id(), "members/7"}, request, &out,
      [&](CustomerStore& s) -> absl::Status {
        int64_t id = 0;
        RMHUB_RETURN_IF_ERROR(Into(s.InsertCustomer(request.customer(), {7, 0, 2}, kT0), &id));
        std::optional<v1::Customer> stored;
        RMHUB_RETURN_IF_ERROR(Into(s.GetCustomer(id, false), &stored));
        out = *stored;
        return absl::OkStatus();
      },
      [](CustomerStore&, db::Delivery) { return absl::OkStatus(); }));
  ASSERT_EQ(out.national_id(), request.customer().national_id());  // the clear response
  ASSERT_EQ(out.contact_phone(), "13912345678");
  const std::string stored = Bytes(absl::StrCat(
      "SELECT response FROM idempotency_records WHERE record_key = '",
      idempotency_->RecordKey({"CreateCustomer", request.request_id(), "members/7"}), "'"));
  ASSERT_FALSE(stored.empty());
  EXPECT_EQ(stored.find(request.customer().national_id()), std::string::npos);
  EXPECT_EQ(stored.find("13912345678"), std::string::npos);
  EXPECT_EQ(stored.find(request.customer().display_name()), std::string::npos);  // all sealed
  // Sealed with the PII key ring, bound to its record: it opens under its own key only.
  EXPECT_EQ(*pii::FieldCipher::KeyIdOf(stored), "k2024");
}

TEST_F(MySqlCustomerRepositoryTest, FailedWriteRollsBackEverythingIncludingTheOutbox) {
  const std::string before = Fingerprint();
  v1::LogInteractionRequest request;
  request.set_request_id(Unique("req"));
  v1::Interaction out;
  int runs = 0;
  auto body = [&](CustomerStore& s) -> absl::Status {
    ++runs;
    int64_t id = 0;
    RMHUB_RETURN_IF_ERROR(Into(s.InsertCustomer(NewRetail(), {7, 0, 2}, kT0), &id));
    v1::Interaction i;
    i.set_channel(v1::VISIT);
    RMHUB_RETURN_IF_ERROR(s.InsertInteraction(id, i, 7, kT0).status());
    RMHUB_RETURN_IF_ERROR(s.LockManager(7, kT0));
    RMHUB_RETURN_IF_ERROR(s.AppendEvent(Event("customers/0")));
    return FailedPrecondition("SOMETHING_ELSE_FAILED", "a later rule said no");
  };
  absl::Status failed = repo_->Write({"LogInteraction", request.request_id(), "members/7"}, request,
                                     &out, body, nullptr);
  EXPECT_EQ(ErrorReason(failed), "SOMETHING_ELSE_FAILED");
  EXPECT_EQ(Fingerprint(), before);
  absl::Status retried = repo_->Write({"LogInteraction", request.request_id(), "members/7"},
                                      request, &out, body, nullptr);
  EXPECT_EQ(ErrorReason(retried), "SOMETHING_ELSE_FAILED");
  EXPECT_EQ(runs, 2);
}

TEST_F(MySqlCustomerRepositoryTest, CheckReadyNeedsTheSchema) {
  EXPECT_OK(repo_->CheckReady());
  auto fresh_db = testing::TestDatabase::Create("customer_repo_fresh");
  auto fresh_pool = db::ConnectionPool::Create(fresh_db->config());
  ASSERT_TRUE(fresh_pool.ok()) << fresh_pool.status();
  MySqlCustomerRepository fresh(**fresh_pool, cipher_, index_, *idempotency_);
  EXPECT_FALSE(fresh.CheckReady().ok());
  ASSERT_OK(MySqlCustomerRepository::Migrate(**fresh_pool));
  EXPECT_OK(fresh.CheckReady());
  ASSERT_OK(MySqlCustomerRepository::Migrate(**fresh_pool));  // re-running is a no-op
}

}  // namespace
}  // namespace rmhub::customer
