-- Workload reads only open work (issue 9 benchmark, docs/benchmarks.md "Task service hot paths"):
-- a person row carries whether its task counts as open work now (TODO, IN_PROGRESS or BLOCKED,
-- and not a cross-department request still pending or declined), rewritten with the task's
-- relations on every write. The member index carries the flag after task_id: GetWorkload and
-- SuggestAssignees filter a member's rows inside the index and fetch only the open tasks, while
-- the index keeps its task_id order for the keyset pages of `assignee = ...` lists.
ALTER TABLE task_people
  ADD COLUMN open_work TINYINT NOT NULL DEFAULT 0,
  DROP KEY ix_task_people_member,
  ADD KEY ix_task_people_member (member_id, role, task_id, open_work);
UPDATE task_people p JOIN tasks t ON t.id = p.task_id
  SET p.open_work = 1
  WHERE t.status IN (1, 2, 3) AND t.acceptance IN (0, 2);
