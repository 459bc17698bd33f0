#pragma once
// The MySQL (MariaDB) implementation of the customer service's storage
// (services/customer/repository.h).
//
// Storage conventions are those of common/db/sql_values.h (UTC DATETIME(6) written as text and
// read as microseconds, DATE as "YYYY-MM-DD", keyset paging with LIMIT n+1, no N+1 queries:
// a page's needs come in one query). In addition:
//  - PII (national_id, credit_code, contact_phone) is normalised (pii::Normalize), sealed with
//    the FieldCipher (AES-256-GCM; associated data is the field name "national_id",
//    "credit_code" or "contact_phone", so a value moved to another column does not decrypt) and
//    stored in *_enc columns; national ID and credit code also get HMAC-SHA256 blind indexes
//    (*_bidx, unique) for exact lookups. An empty value is NULL in both columns.
//  - the manager row lock (LockManager) is taken with INSERT ... ON DUPLICATE KEY UPDATE, which
//    holds an exclusive lock whether the row is new or old; counts and books read after it are
//    locking reads, so they see rows committed after the transaction's snapshot.
//  - logging an interaction raises last_interaction_time without bumping the customer's version:
//    it is output-only, and a contact must not make the owner's pending edit stale.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "common/db/repository.h"
#include "common/idempotency/idempotency.h"
#include "common/pii/blind_index.h"
#include "common/pii/field_cipher.h"
#include "services/customer/repository.h"

// The customer schema (services/customer/migrations/*.sql), compiled into the binary by
// rmhub_embed_migrations (cmake/RmhubMigrations.cmake), in file-name order.
std::vector<rmhub::db::MigrationFile> CustomerMigrations();

namespace rmhub::customer {

class MySqlCustomerRepository final : public db::MySqlRepository<CustomerStore> {
 public:
  // None owned; all must outlive the repository. `idempotency` seals its records with `cipher`.
  MySqlCustomerRepository(db::ConnectionPool& pool, const pii::FieldCipher& cipher,
                          const pii::BlindIndex& index,
                          const idempotency::Idempotency& idempotency);

  // Applies the runtime's and the customer service's migrations (idempotent; safe for replicas
  // starting together).
  static absl::Status Migrate(db::ConnectionPool& pool);

  // Builds the indexed tier columns of `customers` (asset_tier and value_tier, VIRTUAL generated
  // from the money columns with `tiers`, in indexes with branch/owner/team) unless they were
  // built with the same thresholds already (segment_tier_config). Run after the migrations at
  // start; a threshold change rebuilds them once (an online index build over the table). Until
  // they match, ListCustomers computes the tiers per row (correct, not indexed).
  static absl::Status ApplySegmentTiers(db::ConnectionPool& pool, const SegmentThresholds& tiers);

 protected:
  absl::Status WithStore(db::Connection& conn, const Body& fn) override;

 private:
  const pii::FieldCipher& cipher_;
  const pii::BlindIndex& index_;
};

}  // namespace rmhub::customer
