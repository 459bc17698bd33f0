#pragma once
// The MySQL (MariaDB) implementation of the analytics service's storage
// (services/analytics/repository.h). Conventions are those of common/db/sql_values.h. Counters
// are added with INSERT ... ON DUPLICATE KEY UPDATE col = col + ?, so concurrent batches touching
// one member-month serialise on its row and never lose an increment.

#include <vector>

#include "absl/status/status.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "common/db/repository.h"
#include "common/idempotency/idempotency.h"
#include "services/analytics/repository.h"

// The analytics schema (services/analytics/migrations/*.sql), compiled into the binary.
std::vector<rmhub::db::MigrationFile> AnalyticsMigrations();

namespace rmhub::analytics {

class MySqlAnalyticsRepository final : public db::MySqlRepository<AnalyticsStore> {
 public:
  MySqlAnalyticsRepository(db::ConnectionPool& pool, const idempotency::Idempotency& idempotency);

 protected:
  absl::Status WithStore(db::Connection& conn, const Body& fn) override;
};

}  // namespace rmhub::analytics
