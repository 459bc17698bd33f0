#pragma once
// The MySQL (MariaDB) implementation of the complaint service's storage
// (services/complaint/repository.h). Storage conventions are those of common/db/sql_values.h
// (UTC DATETIME(6) written as text and read as microseconds). In addition:
//  - the repeat key is unique among complaints that absorb repeats (open_repeat_key), so of two
//    concurrent filings of one repeat exactly one inserts; the other gets REPEAT_KEY_TAKEN once
//    the first commits and merges into it;
//  - history rows are only inserted, each sealed with the previous row's hash; the primary key
//    (complaint_id, sequence) keeps the chain from forking.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "common/db/repository.h"
#include "common/idempotency/idempotency.h"
#include "services/complaint/repository.h"

// The complaint schema (services/complaint/migrations/*.sql), compiled into the binary by
// rmhub_embed_migrations (cmake/RmhubMigrations.cmake), in file-name order.
std::vector<rmhub::db::MigrationFile> ComplaintMigrations();

namespace rmhub::complaint {

class MySqlComplaintRepository final : public db::MySqlRepository<ComplaintStore> {
 public:
  // None owned; both must outlive the repository.
  MySqlComplaintRepository(db::ConnectionPool& pool, const idempotency::Idempotency& idempotency);

  // Applies the runtime's and the complaint service's migrations (idempotent; safe for replicas
  // starting together).
  static absl::Status Migrate(db::ConnectionPool& pool);

 protected:
  absl::Status WithStore(db::Connection& conn, const Body& fn) override;
};

}  // namespace rmhub::complaint
