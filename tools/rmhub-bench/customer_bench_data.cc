#include "tools/rmhub-bench/customer_bench_data.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/db/sql_values.h"
#include "common/db/transaction.h"
#include "common/pii/validation.h"
#include "common/status/errors.h"

namespace rmhub::bench {
namespace {

namespace v1 = customer::v1;

// Lower bounds of the asset tiers in fen, as customer::SegmentThresholds' defaults, and a top.
constexpr int64_t kAumBounds[] = {0, 5'000'000, 100'000'000, 600'000'000, 5'000'000'000};

int64_t Uniform(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi - 1)(rng);
}

// A valid 18-digit resident ID, distinct for every i below 336,000 × 40.
std::string NationalIdFor(int64_t i) {
  int64_t day = i / 1000;
  std::string first17 = absl::StrFormat("310115%04d%02d%02d%03d", 1960 + day / 336,
                                        1 + (day / 28) % 12, 1 + day % 28, i % 1000);
  return first17 + pii::NationalIdCheckDigit(first17);
}

std::string CreditCodeFor(int64_t i) {
  std::string first17 = absl::StrFormat("91310115MA%07d", i % 10'000'000);
  return first17 + pii::CreditCodeCheckChar(first17);
}

int64_t AumFor(std::mt19937_64& rng) {
  int64_t roll = Uniform(rng, 0, 100);
  int tier = roll < 40 ? 0 : roll < 75 ? 1 : roll < 93 ? 2 : 3;
  return Uniform(rng, kAumBounds[tier], kAumBounds[tier + 1]);
}

void FillPerson(v1::Customer& c, int64_t i, std::mt19937_64& rng) {
  c.set_display_name(absl::StrCat("Bench Customer ", i));
  c.set_national_id(NationalIdFor(i));
  c.set_contact_phone(absl::StrFormat("139%08d", i % 100'000'000));
  c.mutable_birthday()->set_year(static_cast<int32_t>(Uniform(rng, 1950, 2005)));
  c.mutable_birthday()->set_month(static_cast<int32_t>(Uniform(rng, 1, 13)));
  c.mutable_birthday()->set_day(static_cast<int32_t>(Uniform(rng, 1, 29)));
}

void FillCompany(v1::Customer& c, int64_t i, std::mt19937_64& rng) {
  c.set_display_name(absl::StrCat("Bench Trading Co., Ltd. ", i));
  c.set_credit_code(CreditCodeFor(i));
  c.set_industry(Uniform(rng, 0, 2) == 0 ? "logistics" : "manufacturing");
  c.set_contact_phone(absl::StrFormat("138%08d", i % 100'000'000));
  c.set_key_account(Uniform(rng, 0, 10) == 0);
}

IdRange Ids(db::Connection& conn, int64_t* count) {
  std::unique_ptr<sql::ResultSet> rs(
      conn.Prepare("SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM customers")
          .executeQuery());
  rs->next();
  *count = rs->getInt64(1);
  return {rs->getInt64(2), rs->getInt64(3)};
}

absl::StatusOr<IdRange> CheckedIds(db::ConnectionPool& pool, int64_t* count) {
  IdRange ids;
  RMHUB_RETURN_IF_ERROR(db::RunWithConnection(pool, [&](db::Connection& conn) {
    ids = Ids(conn, count);
    return absl::OkStatus();
  }));
  if (*count > 0 && ids.last - ids.first + 1 != *count) {
    return FailedPrecondition("BENCH_IDS_NOT_CONTIGUOUS",
                              "customer ids have gaps; seed a fresh database");
  }
  return ids;
}

}  // namespace

v1::Customer SyntheticCustomer(int64_t i) {
  std::mt19937_64 rng(static_cast<uint64_t>(i) * 7919 + 17);
  v1::Customer c;
  int64_t type_roll = Uniform(rng, 0, 100);
  c.set_type(type_roll < 70 ? v1::RETAIL : type_roll < 95 ? v1::CORPORATE : v1::PRIVATE_BANKING);
  if (c.type() == v1::CORPORATE) {
    FillCompany(c, i, rng);
  } else {
    FillPerson(c, i, rng);
  }
  c.mutable_aum()->set_minor_units(AumFor(rng));
  c.mutable_annual_contribution()->set_minor_units(Uniform(rng, 0, 10'000'000));
  int64_t status_roll = Uniform(rng, 0, 100);
  c.set_status(status_roll < 80 ? v1::ACTIVE : status_roll < 90 ? v1::DORMANT : v1::PROSPECT);
  for (v1::Need need : {v1::INVESTMENT, v1::CONSUMPTION, v1::SAVINGS}) {
    if (Uniform(rng, 0, 3) == 0) c.add_needs(need);
  }
  c.set_risk_tolerance(static_cast<v1::RiskTolerance>(Uniform(rng, 1, 6)));
  return c;
}

customer::Ownership SyntheticOwnership(int64_t i, const BookShape& shape) {
  customer::Ownership o;
  const int64_t branches = std::max(1, shape.branches);
  const int64_t branch = i % branches, nth = i / branches;  // nth customer of its branch
  o.branch_id = shape.branch_id + branch;
  if (nth % 10 == 9) return o;  // unassigned
  o.owner_id = shape.first_manager + branch * shape.managers + nth % shape.managers;
  o.team_id = 1 + o.owner_id / 10;
  return o;
}

absl::StatusOr<IdRange> SeedBook(db::ConnectionPool& pool, customer::CustomerRepository& repository,
                                 const BookShape& shape) {
  int64_t count = 0;
  RMHUB_RETURN_IF_ERROR(CheckedIds(pool, &count).status());
  if (count > shape.customers) {
    return FailedPrecondition("BENCH_BOOK_TOO_BIG",
                              "the customers table holds more rows than asked");
  }
  const v1::ImportCustomersRequest no_request;  // Write wants a request; no request_id, no record
  for (int64_t begin = count; begin < shape.customers; begin += shape.batch) {
    int64_t end = std::min<int64_t>(shape.customers, begin + shape.batch);
    RMHUB_RETURN_IF_ERROR(repository.Write(
        {"BenchSeed", "", "services/bench"}, no_request, nullptr,
        [&](customer::CustomerStore& store) -> absl::Status {
          for (int64_t i = begin; i < end; ++i) {
            RMHUB_RETURN_IF_ERROR(
                store
                    .InsertCustomer(SyntheticCustomer(i), SyntheticOwnership(i, shape), absl::Now())
                    .status());
          }
          return absl::OkStatus();
        },
        nullptr));
  }
  return CheckedIds(pool, &count);
}

// Keep in step with CustomerSelect() in services/customer/mysql_repository.cc.
absl::Status RawPointSelect(db::ConnectionPool& pool, int64_t id, bool with_needs) {
  static const std::string* const kSql = new std::string(absl::StrCat(
      "SELECT c.id, c.type, c.display_name, c.industry, c.national_id_enc, c.credit_code_enc, "
      "c.phone_enc, ",
      db::DateTextOf("c.birthday"),
      " AS bd, c.aum_minor, c.contribution_minor, c.currency, c.status, ",
      db::MicrosOf("c.status_change_time"),
      " AS sct, c.key_account, c.risk_tolerance, c.owner_id, c.team_id, c.branch_id, c.archived, ",
      db::MicrosOf("c.last_interaction_time"), " AS lit, c.version, ",
      db::MicrosOf("c.create_time"), " AS ct, ", db::MicrosOf("c.update_time"),
      " AS ut FROM customers c WHERE c.id = ?"));
  static const std::string* const kSqlWithNeeds = new std::string(
      absl::StrCat(absl::string_view(*kSql).substr(0, kSql->find(" FROM customers c")),
                   ", (SELECT BIT_OR(1 << n.need) FROM customer_needs n "
                   "WHERE n.customer_id = c.id) AS needs FROM customers c WHERE c.id = ?"));
  // Column kinds in order: 's' text or bytes, 'i' integer (NULL reads as 0).
  static constexpr char kKinds[] = "iisssssiisiiiiiiiiiiiii";
  static constexpr char kKindsWithNeeds[] = "iisssssiisiiiiiiiiiiiiii";
  const char* kinds = with_needs ? kKindsWithNeeds : kKinds;
  return db::RunWithConnection(pool, [&](db::Connection& conn) -> absl::Status {
    sql::PreparedStatement& ps = conn.Prepare(with_needs ? *kSqlWithNeeds : *kSql);
    ps.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(ps.executeQuery());
    if (!rs->next()) return NotFound("CUSTOMER_NOT_FOUND", "no such customer");
    size_t bytes = 0;  // used, so the reads are not optimised away
    for (unsigned col = 1; kinds[col - 1] != '\0'; ++col) {
      if (kinds[col - 1] == 's') {
        bytes += rs->getString(col).asStdString().size();
      } else {
        bytes += static_cast<size_t>(rs->getInt64(col) & 1);
      }
    }
    return bytes > 0 ? absl::OkStatus() : Internal("BENCH_EMPTY_ROW", "row read as empty");
  });
}

}  // namespace rmhub::bench
