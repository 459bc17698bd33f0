// The workflow steps (DOMAIN.md §5): review, reject, assign and reassign with recusal, the
// handler's steps, the customer's response, close, withdraw, reopen, and the clock steps.
#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/db/sql_values.h"
#include "common/status/errors.h"
#include "services/complaint/clock_steps.h"
#include "services/complaint/complaint_service.h"
#include "services/complaint/complaint_service_internal.h"
#include "services/complaint/domain/clock_history.h"
#include "services/complaint/domain/workflow.h"

namespace rmhub::complaint {

using internal::Ts;

namespace {

// Parses "complaints/{id}" into `errors` under "name".
int64_t NameId(FieldErrors& errors, const std::string& name) {
  auto id = api::ParseName(name, "complaints", "name");
  if (!id.ok()) {
    errors.Add("name", "must be \"complaints/{id}\"");
    return 0;
  }
  return *id;
}

void OptionalName(FieldErrors& errors, const std::string& value, const char* collection,
                  const std::string& field) {
  if (!value.empty() && !api::ParseName(value, collection, field).ok()) {
    errors.Add(field, absl::StrCat("must be \"", collection, "/{id}\""));
  }
}

bool TaskOpen(const task::v1::Task& t) {
  return t.status() == task::v1::TODO || t.status() == task::v1::IN_PROGRESS ||
         t.status() == task::v1::BLOCKED;
}

// A task's due time: the asked one, else `fallback`, never earlier than an hour from now (the
// task service wants a due time in the future, and a breached complaint's deadline is past).
google::protobuf::Timestamp DueTime(const google::protobuf::Timestamp& asked, absl::Time fallback,
                                    absl::Time now) {
  if (asked.seconds() != 0 || asked.nanos() != 0) return asked;
  return Ts(std::max(fallback, now + absl::Hours(1)));
}

void CheckDue(FieldErrors& errors, const google::protobuf::Timestamp& due, absl::Time now,
              const std::string& field) {
  if (due.seconds() == 0 && due.nanos() == 0) return;
  if (due.nanos() < 0 || due.nanos() > 999999999 || due.seconds() < 0) {
    errors.Add(field, "not a valid time");
  } else if (db::TimeFromTimestamp(due) <= now) {
    errors.Add(field, "must be in the future");
  }
}

}  // namespace

absl::StatusOr<v1::Complaint> ComplaintService::RunStep(const Caller& c, const StepCall& call,
                                                        const Decide& decide) {
  const auth::Principal& p = c.principal;
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  v1::Complaint out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {call.method, call.request_id, p.subject}, *call.request, &out,
      [&](ComplaintStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredComplaint cur,
                               LoadChecked(store, p, call.id, call.access, true));
        RMHUB_ASSIGN_OR_RETURN(int64_t version,
                               api::CheckEtag(call.etag, cur.complaint.etag(), "etag"));
        if (call.at_version && *call.at_version != version) {
          return Aborted("CONCURRENT_CHANGE", "the complaint changed meanwhile; retry");
        }
        v1::Complaint next = cur.complaint;
        RMHUB_ASSIGN_OR_RETURN(StepChange change, decide(cur, next));
        if (change.kind == v1::STEP) {
          RMHUB_RETURN_IF_ERROR(CheckStep(cur.complaint.state(), change.to));
          next.set_state(change.to);
        }
        RMHUB_ASSIGN_OR_RETURN(std::vector<HistoryRow> history, store.ListHistory(cur.id));
        HistoryRow row;
        row.complaint_id = cur.id;
        row.kind = change.kind;
        row.from_state = cur.complaint.state();
        row.to_state = next.state();
        row.actor = p.subject;
        row.time = now;
        row.note = change.note;
        row.details = change.details;
        RMHUB_ASSIGN_OR_RETURN(HistoryRow stored, store.AppendHistory(std::move(row)));
        history.push_back(std::move(stored));
        RMHUB_ASSIGN_OR_RETURN(ClockResult clock,
                               clocks_.Compute(cur.complaint.jurisdiction(), history, now));
        RMHUB_ASSIGN_OR_RETURN(std::vector<ClockEvent> events, ClockEventsFromHistory(history));
        RMHUB_ASSIGN_OR_RETURN(ClockInput input, FoldClockHistory(events));
        *next.mutable_deadline() = Ts(clock.deadline);
        next.set_sla_state(clock.sla_state);
        next.set_extension_level(input.extension_level);
        RMHUB_RETURN_IF_ERROR(store.UpdateComplaint(cur.id, version, next, now));
        RMHUB_ASSIGN_OR_RETURN(std::optional<StoredComplaint> after,
                               store.GetComplaint(cur.id, false));
        if (!after) return Internal("COMPLAINT_VANISHED", "the complaint disappeared");
        RMHUB_RETURN_IF_ERROR(Present(p, *after, history, out));
        return Emit(store, p, change.event, out);
      },
      [&](ComplaintStore& store, db::Delivery delivery) -> absl::Status {
        if (delivery != db::Delivery::kReplay) return absl::OkStatus();
        return LoadChecked(store, p, call.id, Access::kRead, false).status();
      }));
  AddDisplayName(c, out);
  return out;
}

absl::StatusOr<Recusal> ComplaintService::RecusalFor(const Caller& c,
                                                     const std::string& complained_about) {
  Recusal recusal;
  if (complained_about.empty()) return recusal;
  recusal.complained_about = complained_about;
  absl::StatusOr<team::v1::Member> m =
      directory_.GetMember(api::IdOf(complained_about, "members"), c);
  // A member the team service no longer knows leads no team: only they are recused.
  if (!m.ok() && m.status().code() == absl::StatusCode::kFailedPrecondition) return recusal;
  if (!m.ok()) return m.status();
  std::vector<std::string> teams(m->project_teams().begin(), m->project_teams().end());
  if (!m->home_team().empty()) teams.push_back(m->home_team());
  for (const std::string& t : teams) {
    RMHUB_ASSIGN_OR_RETURN(team::v1::Team team, directory_.GetTeam(api::IdOf(t, "teams"), c));
    if (!team.leader().empty() && team.leader() != complained_about) {
      recusal.complained_leads.push_back(team.leader());
    }
  }
  return recusal;
}

absl::Status ComplaintService::CheckHandler(const Caller& c, const std::string& handler,
                                            const Recusal& recusal, const std::string& field) {
  RMHUB_RETURN_IF_ERROR(CheckRecusal(handler, recusal));
  RMHUB_ASSIGN_OR_RETURN(team::v1::Member m,
                         directory_.GetMember(api::IdOf(handler, "members"), c));
  if (m.status() != team::v1::ACTIVE) {
    return FailedPrecondition("HANDLER_NOT_ACTIVE",
                              absl::StrCat(field, ": ", handler, " is not active"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Complaint> ComplaintService::MoveTo(const Caller& c, const StepCall& call,
                                                       v1::ComplaintState to,
                                                       const std::string& note, bool is_reason,
                                                       const char* event) {
  return RunStep(c, call,
                 [&](const StoredComplaint&, v1::Complaint& next) -> absl::StatusOr<StepChange> {
                   if (is_reason) next.set_state_reason(note);
                   return StepChange{v1::STEP, to, note, "{}", event};
                 });
}

absl::StatusOr<v1::Complaint> ComplaintService::Refuse(const Caller& c, const StepCall& call,
                                                       absl::Status refusal) {
  return RunStep(c, call,
                 [&](const StoredComplaint&, v1::Complaint&) -> absl::StatusOr<StepChange> {
                   return refusal;
                 });
}

absl::StatusOr<TeamFacts> ComplaintService::PeopleOf(const Caller& c, const std::string& team) {
  const int64_t team_id = api::IdOf(team, "teams");
  RMHUB_ASSIGN_OR_RETURN(team::v1::Team t, directory_.GetTeam(team_id, c));
  RMHUB_ASSIGN_OR_RETURN(std::vector<team::v1::Member> members, directory_.TeamMembers(team_id, c));
  TeamFacts people;
  for (const team::v1::Member& m : members) {
    if (m.status() != team::v1::ACTIVE) continue;
    people.active_members.push_back(m.name());
    if (m.name() == t.leader()) people.lead = t.leader();  // an inactive lead handles nothing
  }
  return people;
}

absl::Status ComplaintService::MoveInvestigationTask(const Caller& c, const StoredComplaint& s,
                                                     const std::string& handler, const char* step) {
  const std::string& task = s.complaint.investigation_task();
  if (task.empty()) return absl::OkStatus();
  RMHUB_ASSIGN_OR_RETURN(std::vector<task::v1::Task> tasks, directory_.GetTasks({task}, c));
  if (tasks.empty() || !TaskOpen(tasks[0])) return absl::OkStatus();
  return directory_.ReassignTask(
      task, handler, internal::TaskRequestId(s.complaint.name(), step, s.version, handler), c);
}

// ---------------------------------------------------------------------------------------------
// Review

absl::StatusOr<v1::Complaint> ComplaintService::StartReview(const Caller& c,
                                                            const v1::StartReviewRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  api::CheckText(errors, "note", r.note(), 2000, false);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return MoveTo(c, {"StartReview", &r, r.request_id(), id, r.etag(), Access::kManage},
                v1::UNDER_REVIEW, r.note(), false, "complaint.review_started");
}

absl::StatusOr<v1::Complaint> ComplaintService::RejectComplaint(
    const Caller& c, const v1::RejectComplaintRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  api::CheckText(errors, "reason", r.reason(), 1000, true);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return MoveTo(c, {"RejectComplaint", &r, r.request_id(), id, r.etag(), Access::kManage},
                v1::REJECTED, r.reason(), true, "complaint.rejected");
}

// ---------------------------------------------------------------------------------------------
// Routing

absl::StatusOr<v1::Complaint> ComplaintService::AssignComplaint(
    const Caller& c, const v1::AssignComplaintRequest& r) {
  const absl::Time now = clock_.Now();
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  if (!v1::Category_IsValid(r.category())) errors.Add("category", "unknown value");
  OptionalName(errors, r.handler_team(), "teams", "handler_team");
  OptionalName(errors, r.handler(), "members", "handler");
  CheckDue(errors, r.task_due_time(), now, "task_due_time");
  api::CheckText(errors, "note", r.note(), 2000, false);
  RMHUB_RETURN_IF_ERROR(errors.Status());

  RMHUB_ASSIGN_OR_RETURN(StoredComplaint cur, ReadChecked(c, id, Access::kManage));
  const StepCall call{"AssignComplaint", &r,         r.request_id(), id, r.etag(),
                      Access::kManage,   cur.version};
  absl::Status pre = api::CheckEtag(r.etag(), cur.complaint.etag(), "etag").status();
  if (pre.ok()) pre = CheckStep(cur.complaint.state(), v1::ASSIGNED);
  if (!pre.ok()) return Refuse(c, call, pre);
  RoutingFacts facts;
  facts.category =
      r.category() == v1::CATEGORY_UNSPECIFIED ? cur.complaint.category() : r.category();
  facts.compliance_team = config_.compliance_team;
  facts.requested_team = r.handler_team();
  facts.requested_handler = r.handler();
  if (facts.requested_team.empty() && facts.category != v1::VIOLATION) {
    RMHUB_ASSIGN_OR_RETURN(
        std::optional<customer::v1::Customer> cust,
        directory_.GetCustomer(api::IdOf(cur.complaint.customer(), "customers"), c));
    if (cust.has_value()) facts.customer_owning_team = cust->team();
  }
  RMHUB_ASSIGN_OR_RETURN(std::string team_name, ChooseTeam(facts));
  RMHUB_ASSIGN_OR_RETURN(TeamFacts people, PeopleOf(c, team_name));
  RMHUB_ASSIGN_OR_RETURN(Recusal recusal, RecusalFor(c, cur.complaint.complained_about()));
  RMHUB_ASSIGN_OR_RETURN(std::string handler, ChooseHandler(r.handler(), people, recusal));

  task::v1::Task task;
  task.set_type(task::v1::COMPLAINT_INVESTIGATION);
  task.set_title(absl::StrCat("Investigate ", cur.complaint.name()));
  task.set_team(team_name);
  task.add_assignees(handler);
  task.set_related_customer(cur.complaint.customer());
  task.set_related_complaint(cur.complaint.name());
  *task.mutable_due_time() =
      DueTime(r.task_due_time(), db::TimeFromTimestamp(cur.complaint.deadline()), now);
  RMHUB_ASSIGN_OR_RETURN(
      std::string task_name,
      directory_.CreateTask(
          task, internal::TaskRequestId(cur.complaint.name(), "assign", cur.version, handler), c));
  const v1::Category category = facts.category;
  return RunStep(c, call,
                 [&](const StoredComplaint&, v1::Complaint& next) -> absl::StatusOr<StepChange> {
                   next.set_category(category);
                   next.set_handler_team(team_name);
                   next.set_handler(handler);
                   next.set_investigation_task(task_name);
                   return StepChange{v1::STEP, v1::ASSIGNED, r.note(),
                                     absl::StrCat("{\"handler\":\"", handler, "\",\"team\":\"",
                                                  team_name, "\",\"task\":\"", task_name, "\"}"),
                                     "complaint.assigned"};
                 });
}

absl::StatusOr<v1::Complaint> ComplaintService::ReassignComplaint(
    const Caller& c, const v1::ReassignComplaintRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  OptionalName(errors, r.handler_team(), "teams", "handler_team");
  if (!api::ParseName(r.handler(), "members", "handler").ok()) {
    errors.Add("handler", "required, \"members/{id}\"");
  }
  api::CheckText(errors, "reason", r.reason(), 1000, true);
  RMHUB_RETURN_IF_ERROR(errors.Status());

  RMHUB_ASSIGN_OR_RETURN(StoredComplaint cur, ReadChecked(c, id, Access::kManage));
  const StepCall call{"ReassignComplaint", &r,         r.request_id(), id, r.etag(),
                      Access::kManage,     cur.version};
  absl::Status pre = api::CheckEtag(r.etag(), cur.complaint.etag(), "etag").status();
  if (pre.ok() && !IsRouted(cur.complaint.state())) {
    pre = FailedPrecondition("NOT_ROUTED",
                             absl::StrCat("a ", v1::ComplaintState_Name(cur.complaint.state()),
                                          " complaint has no handler to replace"));
  }
  if (!pre.ok()) return Refuse(c, call, pre);
  const std::string team_name =
      r.handler_team().empty() ? cur.complaint.handler_team() : r.handler_team();
  RMHUB_ASSIGN_OR_RETURN(TeamFacts people, PeopleOf(c, team_name));
  RMHUB_ASSIGN_OR_RETURN(Recusal recusal, RecusalFor(c, cur.complaint.complained_about()));
  RMHUB_ASSIGN_OR_RETURN(std::string handler, ChooseHandler(r.handler(), people, recusal));
  RMHUB_RETURN_IF_ERROR(MoveInvestigationTask(c, cur, handler, "reassign"));
  return RunStep(
      c, call,
      [&](const StoredComplaint& now_stored, v1::Complaint& next) -> absl::StatusOr<StepChange> {
        next.set_handler_team(team_name);
        next.set_handler(handler);
        return StepChange{
            v1::REASSIGNED, now_stored.complaint.state(), r.reason(),
            absl::StrCat("{\"from\":\"", now_stored.complaint.handler(), "\",\"handler\":\"",
                         handler, "\",\"team\":\"", team_name, "\"}"),
            "complaint.reassigned"};
      });
}

// ---------------------------------------------------------------------------------------------
// The handler's steps

absl::StatusOr<v1::Complaint> ComplaintService::StartInvestigation(
    const Caller& c, const v1::StartInvestigationRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  api::CheckText(errors, "note", r.note(), 2000, false);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return MoveTo(c, {"StartInvestigation", &r, r.request_id(), id, r.etag(), Access::kWork},
                v1::INVESTIGATING, r.note(), false, "complaint.investigation_started");
}

absl::StatusOr<v1::Complaint> ComplaintService::ProposeSolution(
    const Caller& c, const v1::ProposeSolutionRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  api::CheckText(errors, "findings", r.findings(), 4000, true);
  api::CheckText(errors, "solution", r.solution(), 4000, true);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return RunStep(c, {"ProposeSolution", &r, r.request_id(), id, r.etag(), Access::kWork},
                 [&](const StoredComplaint&, v1::Complaint& next) -> absl::StatusOr<StepChange> {
                   next.set_findings(r.findings());
                   next.set_solution(r.solution());
                   return StepChange{v1::STEP, v1::SOLUTION_PROPOSED, r.solution(), "{}",
                                     "complaint.solution_proposed"};
                 });
}

absl::StatusOr<v1::Complaint> ComplaintService::ReplyToCustomer(
    const Caller& c, const v1::ReplyToCustomerRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  api::CheckText(errors, "note", r.note(), 2000, true);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return MoveTo(c, {"ReplyToCustomer", &r, r.request_id(), id, r.etag(), Access::kWork},
                v1::AWAITING_CUSTOMER, r.note(), false, "complaint.replied");
}

absl::StatusOr<v1::Complaint> ComplaintService::RecordCustomerResponse(
    const Caller& c, const v1::RecordCustomerResponseRequest& r) {
  const absl::Time now = clock_.Now();
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  if (r.response() == v1::CUSTOMER_RESPONSE_UNSPECIFIED ||
      !v1::CustomerResponse_IsValid(r.response())) {
    errors.Add("response", "required: ACCEPTED_SOLUTION, REJECTED_REVISE or REJECTED_ESCALATE");
  }
  if (r.response() == v1::REJECTED_ESCALATE) {
    if (!api::ParseName(r.escalation_handler(), "members", "escalation_handler").ok()) {
      errors.Add("escalation_handler", "required for REJECTED_ESCALATE, \"members/{id}\"");
    }
  } else if (!r.escalation_handler().empty()) {
    errors.Add("escalation_handler", "only for REJECTED_ESCALATE");
  }
  CheckDue(errors, r.task_due_time(), now, "task_due_time");
  api::CheckText(errors, "note", r.note(), 2000, true);
  RMHUB_RETURN_IF_ERROR(errors.Status());

  if (r.response() == v1::REJECTED_REVISE) {
    return RunStep(c, {"RecordCustomerResponse", &r, r.request_id(), id, r.etag(), Access::kWork},
                   [&](const StoredComplaint&, v1::Complaint&) -> absl::StatusOr<StepChange> {
                     return StepChange{v1::STEP, v1::SOLUTION_PROPOSED, r.note(),
                                       "{\"response\":\"REJECTED_REVISE\"}",
                                       "complaint.customer_rejected"};
                   });
  }
  const Access access = r.response() == v1::REJECTED_ESCALATE ? Access::kManage : Access::kWork;
  RMHUB_ASSIGN_OR_RETURN(StoredComplaint cur, ReadChecked(c, id, access));
  const StepCall call{
      "RecordCustomerResponse", &r, r.request_id(), id, r.etag(), access, cur.version};
  absl::Status pre = api::CheckEtag(r.etag(), cur.complaint.etag(), "etag").status();
  if (pre.ok()) {
    pre = CheckStep(cur.complaint.state(),
                    r.response() == v1::REJECTED_ESCALATE ? v1::INVESTIGATING : v1::EXECUTING);
  }
  if (!pre.ok()) return Refuse(c, call, pre);
  if (r.response() == v1::REJECTED_ESCALATE) {
    RMHUB_ASSIGN_OR_RETURN(Recusal recusal, RecusalFor(c, cur.complaint.complained_about()));
    RMHUB_RETURN_IF_ERROR(CheckHandler(c, r.escalation_handler(), recusal, "escalation_handler"));
    RMHUB_RETURN_IF_ERROR(MoveInvestigationTask(c, cur, r.escalation_handler(), "escalate"));
    return RunStep(
        c, call, [&](const StoredComplaint&, v1::Complaint& next) -> absl::StatusOr<StepChange> {
          next.set_handler(r.escalation_handler());
          next.set_escalated(true);
          return StepChange{v1::STEP, v1::INVESTIGATING, r.note(),
                            absl::StrCat("{\"response\":\"REJECTED_ESCALATE\",\"handler\":\"",
                                         r.escalation_handler(), "\"}"),
                            "complaint.escalated"};
        });
  }
  // ACCEPTED_SOLUTION: the remediation task first.
  task::v1::Task task;
  task.set_type(task::v1::COMPLAINT_REMEDIATION);
  task.set_title(absl::StrCat("Carry out the agreed solution of ", cur.complaint.name()));
  task.set_team(cur.complaint.handler_team());
  task.add_assignees(cur.complaint.handler());
  task.set_related_customer(cur.complaint.customer());
  task.set_related_complaint(cur.complaint.name());
  *task.mutable_due_time() = DueTime(r.task_due_time(), now + config_.remediation_due, now);
  RMHUB_ASSIGN_OR_RETURN(
      std::string task_name,
      directory_.CreateTask(task,
                            internal::TaskRequestId(cur.complaint.name(), "remediate", cur.version,
                                                    cur.complaint.handler()),
                            c));
  return RunStep(
      c, call, [&](const StoredComplaint&, v1::Complaint& next) -> absl::StatusOr<StepChange> {
        next.set_remediation_task(task_name);
        return StepChange{
            v1::STEP, v1::EXECUTING, r.note(),
            absl::StrCat("{\"response\":\"ACCEPTED_SOLUTION\",\"task\":\"", task_name, "\"}"),
            "complaint.customer_accepted"};
      });
}

absl::StatusOr<v1::Complaint> ComplaintService::StartFollowUp(const Caller& c,
                                                              const v1::StartFollowUpRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  api::CheckText(errors, "note", r.note(), 2000, false);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return MoveTo(c, {"StartFollowUp", &r, r.request_id(), id, r.etag(), Access::kWork},
                v1::FOLLOW_UP, r.note(), false, "complaint.follow_up_started");
}

// ---------------------------------------------------------------------------------------------
// Close, withdraw, reopen

absl::StatusOr<v1::Complaint> ComplaintService::CloseComplaint(const Caller& c,
                                                               const v1::CloseComplaintRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  RMHUB_RETURN_IF_ERROR(errors.Status());
  if (!v1::RootCause_IsValid(r.root_cause())) return InvalidField("root_cause", "unknown value");
  RMHUB_RETURN_IF_ERROR(ValidateClosing(r.satisfaction(), r.root_cause(), r.root_cause_note()));
  RMHUB_ASSIGN_OR_RETURN(StoredComplaint cur, ReadChecked(c, id, Access::kManage));
  const StepCall call{"CloseComplaint", &r,         r.request_id(), id, r.etag(),
                      Access::kManage,  cur.version};
  absl::Status pre = api::CheckEtag(r.etag(), cur.complaint.etag(), "etag").status();
  if (pre.ok()) pre = CheckStep(cur.complaint.state(), v1::CLOSED);
  if (!pre.ok()) return Refuse(c, call, pre);
  std::vector<std::string> linked;
  for (const std::string& t :
       {cur.complaint.investigation_task(), cur.complaint.remediation_task()}) {
    if (!t.empty()) linked.push_back(t);
  }
  std::vector<std::string> open;
  if (!linked.empty()) {
    RMHUB_ASSIGN_OR_RETURN(std::vector<task::v1::Task> tasks, directory_.GetTasks(linked, c));
    for (const task::v1::Task& t : tasks) {
      if (TaskOpen(t)) open.push_back(t.name());
    }
  }
  if (absl::Status tasks_open = CheckNoOpenTasks(open); !tasks_open.ok()) {
    return Refuse(c, call, tasks_open);
  }
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  return RunStep(
      c, call, [&](const StoredComplaint&, v1::Complaint& next) -> absl::StatusOr<StepChange> {
        next.set_satisfaction(r.satisfaction());
        next.set_root_cause(r.root_cause());
        next.set_root_cause_note(r.root_cause_note());
        *next.mutable_close_time() = Ts(now);
        return StepChange{v1::STEP, v1::CLOSED, r.root_cause_note(),
                          absl::StrCat("{\"satisfaction\":", r.satisfaction(), ",\"root_cause\":\"",
                                       v1::RootCause_Name(r.root_cause()), "\"}"),
                          "complaint.closed"};
      });
}

absl::StatusOr<v1::Complaint> ComplaintService::WithdrawComplaint(
    const Caller& c, const v1::WithdrawComplaintRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  api::CheckText(errors, "reason", r.reason(), 1000, true);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return MoveTo(c, {"WithdrawComplaint", &r, r.request_id(), id, r.etag(), Access::kWork},
                v1::WITHDRAWN, r.reason(), true, "complaint.withdrawn");
}

absl::StatusOr<v1::Complaint> ComplaintService::ReopenComplaint(
    const Caller& c, const v1::ReopenComplaintRequest& r) {
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  api::CheckText(errors, "reason", r.reason(), 2000, true);
  RMHUB_RETURN_IF_ERROR(errors.Status());
  return RunStep(
      c, {"ReopenComplaint", &r, r.request_id(), id, r.etag(), Access::kManage},
      [&](const StoredComplaint& cur, v1::Complaint& next) -> absl::StatusOr<StepChange> {
        next.set_state_reason(r.reason());
        next.set_reopen_count(cur.complaint.reopen_count() + 1);
        return StepChange{v1::STEP, v1::REOPENED, r.reason(), "{}", "complaint.reopened"};
      });
}

// ---------------------------------------------------------------------------------------------
// The clock steps (clock_steps.h)

absl::StatusOr<v1::Complaint> ComplaintService::ExtendDeadline(const Caller& c,
                                                               const v1::ExtendDeadlineRequest& r) {
  const auth::Principal& p = c.principal;
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  OptionalName(errors, r.approver(), "members", "approver");
  api::CheckText(errors, "reason", r.reason(), 1000, true);
  if (r.has_complainant_informed_time() && (r.complainant_informed_time().nanos() < 0 ||
                                            r.complainant_informed_time().nanos() > 999999999 ||
                                            r.complainant_informed_time().seconds() < 0)) {
    errors.Add("complainant_informed_time", "not a valid time");
  }
  RMHUB_RETURN_IF_ERROR(errors.Status());
  ExtensionAsk ask;
  ask.reason = r.reason();
  ask.approver = r.approver();
  if (r.has_complainant_informed_time()) {
    ask.complainant_informed_time = db::TimeFromTimestamp(r.complainant_informed_time());
  }
  if (!r.approver().empty()) {
    // Reading the complaint first keeps a caller who may not see it from learning about members.
    RMHUB_RETURN_IF_ERROR(ReadChecked(c, id, Access::kManage).status());
    RMHUB_ASSIGN_OR_RETURN(team::v1::Member approver,
                           directory_.GetMember(api::IdOf(r.approver(), "members"), c));
    ask.approver_senior = internal::IsSeniorApprover(approver);
  }
  v1::Complaint out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"ExtendDeadline", r.request_id(), p.subject}, r, &out,
      [&](ComplaintStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredComplaint cur,
                               LoadChecked(store, p, id, Access::kManage, true));
        RMHUB_RETURN_IF_ERROR(api::CheckEtag(r.etag(), cur.complaint.etag(), "etag").status());
        RMHUB_ASSIGN_OR_RETURN(StoredComplaint after,
                               complaint::ExtendDeadline(store, clocks_, id, ask, p.subject, now));
        RMHUB_ASSIGN_OR_RETURN(out, Presented(store, p, after));
        return absl::OkStatus();
      },
      [&](ComplaintStore& store, db::Delivery delivery) -> absl::Status {
        if (delivery != db::Delivery::kReplay) return absl::OkStatus();
        return LoadChecked(store, p, id, Access::kRead, false).status();
      }));
  AddDisplayName(c, out);
  return out;
}

absl::StatusOr<v1::Complaint> ComplaintService::RecordAppraisal(
    const Caller& c, const v1::RecordAppraisalRequest& r) {
  const auth::Principal& p = c.principal;
  const absl::Time now = db::TruncateToMicros(clock_.Now());
  FieldErrors errors;
  const int64_t id = NameId(errors, r.name());
  AppraisalPeriod period;
  period.id = r.appraisal().appraisal_id();
  auto first = api::ParseDate(r.appraisal().start_date(), "appraisal.start_date");
  if (!first.ok()) {
    errors.Add("appraisal.start_date", "required, a valid date");
  } else {
    period.first = *first;
  }
  auto last = api::ParseDate(r.appraisal().end_date(), "appraisal.end_date");
  if (!last.ok()) {
    errors.Add("appraisal.end_date", "required, a valid date");
  } else {
    period.last = *last;
  }
  if (period.id.size() > 16) errors.Add("appraisal.appraisal_id", "unknown appraisal");
  RMHUB_RETURN_IF_ERROR(errors.Status());
  v1::Complaint out;
  RMHUB_RETURN_IF_ERROR(repository_.Write(
      {"RecordAppraisal", r.request_id(), p.subject}, r, &out,
      [&](ComplaintStore& store) -> absl::Status {
        RMHUB_ASSIGN_OR_RETURN(StoredComplaint cur,
                               LoadChecked(store, p, id, Access::kManage, true));
        RMHUB_RETURN_IF_ERROR(api::CheckEtag(r.etag(), cur.complaint.etag(), "etag").status());
        RMHUB_ASSIGN_OR_RETURN(StoredComplaint after,
                               complaint::RecordAppraisal(store, clocks_, id, period,
                                                          r.appraisal().note(), p.subject, now));
        RMHUB_ASSIGN_OR_RETURN(out, Presented(store, p, after));
        return absl::OkStatus();
      },
      [&](ComplaintStore& store, db::Delivery delivery) -> absl::Status {
        if (delivery != db::Delivery::kReplay) return absl::OkStatus();
        return LoadChecked(store, p, id, Access::kRead, false).status();
      }));
  AddDisplayName(c, out);
  return out;
}

}  // namespace rmhub::complaint
