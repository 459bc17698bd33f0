#pragma once
// The task service's behaviour behind its gRPC surface (validate, authorize, apply the domain
// rules, store, publish events). Plain arguments in, StatusOr out.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/auth/principal.h"
#include "common/clock/clock.h"
#include "rmhub/task/v1/task.pb.h"
#include "services/task/directory.h"
#include "services/task/repository.h"

namespace rmhub::task {

struct TaskConfig {
  // Tasks one overdue sweep transaction claims at most (a pass runs until none are left).
  int overdue_batch = 100;
};

using auth::Caller;

// Open tasks past due, by kind.
struct OverdueCounts {
  int64_t four_eyes = 0;  // DUE_DILIGENCE, POST_LOAN_CHECK
  int64_t other = 0;
};

class TaskService {
 public:
  TaskService(TaskRepository& repository, Directory& directory, const Clock& clock,
              TaskConfig config);

  absl::StatusOr<v1::Task> CreateTask(const Caller& c, const v1::CreateTaskRequest& r);
  absl::StatusOr<v1::Task> GetTask(const Caller& c, const v1::GetTaskRequest& r);
  absl::StatusOr<v1::BatchGetTasksResponse> BatchGetTasks(const Caller& c,
                                                          const v1::BatchGetTasksRequest& r);
  absl::StatusOr<v1::ListTasksResponse> ListTasks(const Caller& c, const v1::ListTasksRequest& r);
  absl::StatusOr<v1::Task> UpdateTask(const Caller& c, const v1::UpdateTaskRequest& r);
  absl::StatusOr<v1::Task> TransitionTask(const Caller& c, const v1::TransitionTaskRequest& r);
  absl::StatusOr<v1::Task> SignOffTask(const Caller& c, const v1::SignOffTaskRequest& r);
  absl::StatusOr<v1::Task> AcceptTaskRequest(const Caller& c,
                                             const v1::AcceptTaskRequestRequest& r);
  absl::StatusOr<v1::Task> DeclineTaskRequest(const Caller& c,
                                              const v1::DeclineTaskRequestRequest& r);
  absl::StatusOr<v1::ProgressEntry> AddProgressEntry(const Caller& c,
                                                     const v1::AddProgressEntryRequest& r);
  absl::StatusOr<v1::ListProgressEntriesResponse> ListProgressEntries(
      const Caller& c, const v1::ListProgressEntriesRequest& r);
  absl::StatusOr<v1::SuggestAssigneesResponse> SuggestAssignees(
      const Caller& c, const v1::SuggestAssigneesRequest& r);
  absl::StatusOr<v1::GetWorkloadResponse> GetWorkload(const Caller& c,
                                                      const v1::GetWorkloadRequest& r);
  absl::StatusOr<v1::Meeting> CreateMeeting(const Caller& c, const v1::CreateMeetingRequest& r);
  absl::StatusOr<v1::Meeting> GetMeeting(const Caller& c, const v1::GetMeetingRequest& r);
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const Caller& c,
                                                        const v1::ListMeetingsRequest& r);

  // One overdue sweep: claims every open task past its due time whose overdue event for that
  // due time was not emitted yet and emits it ("task.overdue"), in batches of
  // config.overdue_batch. Safe with several replicas sweeping at once (each occurrence is claimed
  // once). Returns how many events this call emitted.
  absl::StatusOr<int> SweepOverdue();
  // The open tasks past their due time now, split by whether they need a second signature
  // (the rmhub_task_overdue_open gauge).
  absl::StatusOr<OverdueCounts> CountOverdue();

 private:
  // The task if it exists and the caller may see it (the customer rule included when
  // `customer_rule`), else NOT_FOUND TASK_NOT_FOUND.
  absl::StatusOr<StoredTask> LoadReadable(const Caller& c, int64_t id);
  // Inside a transaction: the task if it exists and the caller may change it, else NOT_FOUND.
  absl::StatusOr<StoredTask> LoadWritable(TaskStore& store, const auth::Principal& p, int64_t id,
                                          bool lock) const;
  // Whether the caller may see the task through its related customer (a call to the customer
  // service).
  absl::StatusOr<bool> SeesThroughCustomer(const Caller& c, const v1::Task& task);
  // Whether a staff caller may see customer `customer_id` (false for services: they see every
  // task anyway).
  absl::StatusOr<bool> SeesCustomer(const Caller& c, int64_t customer_id);
  // A Write's finish for a task response: on a replay the caller must still be able to change
  // the task (the error a first call would get otherwise); the overdue flag is set for now.
  absl::Status FinishTask(TaskStore& store, const Caller& c, v1::Task& task,
                          db::Delivery delivery) const;
  absl::Status Emit(TaskStore& store, const auth::Principal& p, absl::string_view type,
                    const std::string& aggregate, const google::protobuf::Message& payload) const;
  // Checks the assignees of a task about `related_customer` against the team service: each
  // active; for a four-eyes task both eligible (customer owner from the customer service).
  absl::Status CheckAssigneeFacts(const Caller& c, const v1::Task& task);
  // Inside the Write: the new dependencies exist, are visible and make no cycle.
  absl::Status CheckNewDependencies(TaskStore& store, const auth::Principal& p, int64_t task_id,
                                    const v1::Task& task) const;
  void Present(v1::Task& task) const;

  TaskRepository& repository_;
  Directory& directory_;
  const Clock& clock_;
  TaskConfig config_;
};

}  // namespace rmhub::task
