#pragma once
// The data side of customer_bench: a synthetic customer book seeded through the real customer
// store (PII sealed and blind-indexed as in production), and the raw Connector/C++ point-select
// that is the floor a database-backed GetCustomer cannot beat.

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/db/connection_pool.h"
#include "rmhub/customer/v1/customer.pb.h"
#include "services/customer/mysql_repository.h"
#include "services/customer/repository.h"

namespace rmhub::bench {

// The synthetic book: customer i is in branch `branch_id + i % branches`; 90 % are held by one
// of that branch's `managers` members (numbered from `first_manager`, branch by branch; team =
// 1 + member / 10), the rest unassigned. With one branch: member first_manager + i % managers.
struct BookShape {
  int64_t customers = 20000;
  int batch = 500;  // rows per seeding transaction
  int64_t branch_id = 1;
  int branches = 1;
  int managers = 50;
  int64_t first_manager = 1000;
};

// The ids the bench may draw from: every id in [first, last] exists.
struct IdRange {
  int64_t first = 0, last = 0;
};

// Customer number `i` (0-based) of the book: a deterministic mix of types (70 % retail, 25 %
// corporate, 5 % private banking), asset tiers (about 40/35/18/7 % small/medium/large/VIP),
// value tiers, needs and risk tolerances, with valid, distinct national IDs / credit codes and
// phones.
customer::v1::Customer SyntheticCustomer(int64_t i);
customer::Ownership SyntheticOwnership(int64_t i, const BookShape& shape);

// Inserts customers through `repository` until the customers table holds shape.customers rows
// (not timed; a re-run on a seeded database inserts nothing). FAILED_PRECONDITION when the table
// holds more rows than asked or its ids are not contiguous (point reads would miss).
absl::StatusOr<IdRange> SeedBook(db::ConnectionPool& pool, customer::CustomerRepository& repository,
                                 const BookShape& shape);

// The repository's GetCustomer SELECT (the same columns, by primary key) on a pooled connection
// in autocommit mode, every column read out of the result set; no transaction, no needs query,
// no decryption, no protobuf. NOT_FOUND when the row is missing.
// With `with_needs`, the statement also folds the customer's needs in with the correlated
// subquery (a BIT_OR bit set), exactly as the repository's read does (the needs column is read
// too).
absl::Status RawPointSelect(db::ConnectionPool& pool, int64_t id, bool with_needs = false);

}  // namespace rmhub::bench
