#pragma once
// The MySQL (MariaDB) implementation of the team service's storage (services/team/repository.h).
//
// Storage conventions, shared by every query in mysql_repository.cc:
//  - times are DATETIME(6) holding UTC; they are written as UTC text and read back as integer
//    microseconds since the epoch, so neither the server's nor the session's time_zone matters;
//  - civil dates are DATE, written and read as "YYYY-MM-DD";
//  - lists use keyset paging (id > after_id ORDER BY id LIMIT n+1: the extra row says whether a
//    next page exists);
//  - a member's skills and teams come in the same statement as the member (subqueries), so a
//    point read or a page is one statement (no N+1) and runs in autocommit (ReadSingle);
//  - Connector/C++ exceptions never leave this layer: they become absl::Status through
//    db::StatusFromSqlException, whose messages never carry SQL values.

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "common/db/repository.h"
#include "common/idempotency/idempotency.h"
#include "services/team/repository.h"

// The team schema (services/team/migrations/*.sql), compiled into the binary by
// rmhub_embed_migrations (cmake/RmhubMigrations.cmake), in file-name order.
std::vector<rmhub::db::MigrationFile> TeamMigrations();

namespace rmhub::team {

class MySqlTeamRepository final : public db::MySqlRepository<TeamStore> {
 public:
  // Neither owned; both must outlive the repository.
  MySqlTeamRepository(db::ConnectionPool& pool, const idempotency::Idempotency& idempotency);

  // Applies the runtime's and the team service's migrations (idempotent; safe for replicas
  // starting together).
  static absl::Status Migrate(db::ConnectionPool& pool);

 protected:
  absl::Status WithStore(db::Connection& conn, const Body& fn) override;
};

}  // namespace rmhub::team
