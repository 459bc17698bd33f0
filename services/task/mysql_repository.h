#pragma once
// The MySQL (MariaDB) implementation of the task service's storage (services/task/repository.h).
//
// Storage conventions are those of common/db/sql_values.h. In addition:
//  - a task is stored whole as its serialized rmhub.task.v1.Task (body) beside the columns lists
//    filter on and authorization needs (type, status, priority, acceptance, teams, branch,
//    related customer and complaint, meeting, due time), written together in one statement;
//    assignees and the creator are rows of task_people, dependencies rows of task_dependencies;
//  - dependency changes serialize on the one row of dependency_graph_lock, and the graph is read
//    with locking reads after it, so concurrent updates cannot each add half of a cycle;
//  - the overdue sweep claims a task by writing its current due time into overdue_emitted_due
//    (rows locked FOR UPDATE SKIP LOCKED), so two replicas never emit the same occurrence, and a
//    moved due time re-arms it.

#include <vector>

#include "absl/status/status.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "common/db/repository.h"
#include "common/idempotency/idempotency.h"
#include "services/task/repository.h"

// The task schema (services/task/migrations/*.sql), compiled into the binary by
// rmhub_embed_migrations (cmake/RmhubMigrations.cmake), in file-name order.
std::vector<rmhub::db::MigrationFile> TaskMigrations();

namespace rmhub::task {

class MySqlTaskRepository final : public db::MySqlRepository<TaskStore> {
 public:
  // None owned; both must outlive the repository.
  MySqlTaskRepository(db::ConnectionPool& pool, const idempotency::Idempotency& idempotency);

  static absl::Status Migrate(db::ConnectionPool& pool);

 protected:
  absl::Status WithStore(db::Connection& conn, const Body& fn) override;
};

}  // namespace rmhub::task
