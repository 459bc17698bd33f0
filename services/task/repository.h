#pragma once
// The storage the task service needs (the MySQL implementation is mysql_repository.{h,cc}).
//
// As in the team and customer services, all work happens inside TaskRepository::Read or ::Write;
// a TaskStore is valid only inside the callback, and callbacks may run more than once.
//
// Tasks come back with name, etag and every stored field; `overdue` is NOT filled (it depends on
// the time of the read: the service sets it).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/list_query.h"
#include "common/db/repository.h"
#include "rmhub/common/v1/event.pb.h"
#include "rmhub/task/v1/task.pb.h"
#include "services/task/domain/ranking.h"

namespace rmhub::task {

using api::ListQuery;
using api::Page;

// A task with what authorization needs beside the resource: the serving team's branch.
struct StoredTask {
  v1::Task task;
  int64_t branch_id = 0;
};

struct StoredMeeting {
  v1::Meeting meeting;
  int64_t branch_id = 0;
};

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // ---- tasks (table alias t) ----
  virtual absl::StatusOr<std::optional<StoredTask>> GetTask(int64_t id, bool lock) = 0;
  // The tasks of `ids` that exist, in no particular order.
  virtual absl::StatusOr<std::vector<StoredTask>> GetTasks(const std::vector<int64_t>& ids) = 0;
  // Inserts `task` (its name, etag and version are ignored) with its people and dependencies.
  virtual absl::StatusOr<int64_t> InsertTask(const v1::Task& task, int64_t branch_id,
                                             absl::Time now) = 0;
  // Rewrites the task whole (body, columns, people, dependencies); ABORTED ETAG_MISMATCH when
  // its version is not `expected_version`; bumps the version and sets update_time.
  virtual absl::Status UpdateTask(int64_t id, const v1::Task& task, int64_t expected_version,
                                  absl::Time now) = 0;
  // The fields of TaskFilterSchema (domain/list_filters.h); "overdue" is judged at `now`. The
  // scope's grants: owner = the member is the creator or an assignee, team = the serving or the
  // requesting team, branch = the serving team's branch.
  virtual absl::StatusOr<Page<v1::Task>> ListTasks(const ListQuery& query, absl::Time now) = 0;

  // ---- dependencies ----
  // Takes the one dependency-graph lock for the rest of the transaction: every write that
  // changes a task's dependencies takes it before reading the graph.
  virtual absl::Status LockDependencyGraph() = 0;
  // The ids task `id` depends on (a locking read: the latest committed rows).
  virtual absl::StatusOr<std::vector<int64_t>> DependenciesOf(int64_t id) = 0;

  // ---- workload ----
  // The open (TODO, IN_PROGRESS, BLOCKED) tasks assigned to each of `members` that count as
  // their team's work (not a request still waiting for acceptance, not a declined one): the
  // person rows' open_work flag (domain CountsAsWork), rewritten with the task's relations on
  // every insert and update, so only open rows are read.
  virtual absl::StatusOr<std::map<int64_t, std::vector<OpenWork>>> OpenWorkOf(
      const std::vector<int64_t>& members) = 0;

  // ---- overdue ----
  // Claims up to `limit` open tasks due before `now` whose overdue event for their current due
  // time was not emitted yet: marks them emitted (locking them; rows another transaction holds
  // are skipped) and returns them. The claim commits with the caller's events.
  virtual absl::StatusOr<std::vector<StoredTask>> ClaimOverdue(absl::Time now, int limit) = 0;
  // How many open tasks are due before `now`, by type (the same condition as ClaimOverdue and
  // the `overdue` filter, emitted or not).
  virtual absl::StatusOr<std::map<v1::TaskType, int64_t>> CountOverdueByType(absl::Time now) = 0;

  // ---- progress log ----
  virtual absl::StatusOr<v1::ProgressEntry> InsertProgressEntry(int64_t task_id,
                                                                const v1::ProgressEntry& entry,
                                                                absl::Time now) = 0;
  // Oldest first.
  virtual absl::StatusOr<Page<v1::ProgressEntry>> ListProgressEntries(
      int64_t task_id, const api::PageRequest& page) = 0;

  // ---- meetings (table alias mt) ----
  // Inserts the meeting (name, create_time ignored) with its attendees; returns its id.
  virtual absl::StatusOr<int64_t> InsertMeeting(const v1::Meeting& meeting, int64_t branch_id,
                                                absl::Time now) = 0;
  // Stores the meeting's final form (its action items' task names).
  virtual absl::Status SetMeetingBody(int64_t id, const v1::Meeting& meeting) = 0;
  virtual absl::StatusOr<std::optional<StoredMeeting>> GetMeeting(int64_t id) = 0;
  // Fields of MeetingFilterSchema. Scope: owner = an attendee or the recorder, team = the
  // meeting's team, branch = its team's branch.
  virtual absl::StatusOr<Page<v1::Meeting>> ListMeetings(const ListQuery& query) = 0;

  // ---- events ----
  virtual absl::Status AppendEvent(const rmhub::common::v1::DomainEvent& event) = 0;
};

// Read, ReadSingle, Write (caller-scoped idempotency with a replay hook) and CheckReady: the
// common repository base (common/db/repository.h).
using TaskRepository = db::Repository<TaskStore>;

}  // namespace rmhub::task
