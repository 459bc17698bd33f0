-- Task service schema (rmhub_task). A task is stored whole as its serialized rmhub.task.v1.Task
-- (body: milestones, checklist, sign-offs and every other field), with the fields lists filter
-- on and authorization needs copied into columns in the same statement; the people and
-- dependencies of a task are rows of their own so filters and the cycle walk use indexes.

CREATE TABLE tasks (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type TINYINT NOT NULL,
  status TINYINT NOT NULL,
  priority TINYINT NOT NULL,
  acceptance TINYINT NOT NULL DEFAULT 0,
  creator_member_id BIGINT NULL,
  team_id BIGINT NOT NULL,
  requesting_team_id BIGINT NULL,
  -- The serving team's branch (from the team service at creation): branch managers' scope.
  branch_id BIGINT NOT NULL,
  related_customer_id BIGINT NULL,
  related_complaint_id BIGINT NULL,
  meeting_id BIGINT NULL,
  due_time DATETIME(6) NOT NULL,
  -- The due time whose overdue event was emitted (the sweep's claim); NULL while none was.
  overdue_emitted_due DATETIME(6) NULL,
  body MEDIUMBLOB NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  KEY ix_tasks_team (team_id, id),
  KEY ix_tasks_requesting_team (requesting_team_id, id),
  KEY ix_tasks_branch (branch_id, id),
  KEY ix_tasks_status_due (status, due_time),
  KEY ix_tasks_customer (related_customer_id, id),
  KEY ix_tasks_complaint (related_complaint_id, id),
  KEY ix_tasks_meeting (meeting_id, id)
) ENGINE=InnoDB;

-- The people of a task: role 1 = assignee, 2 = creator.
CREATE TABLE task_people (
  task_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  role TINYINT NOT NULL,
  PRIMARY KEY (task_id, role, member_id),
  KEY ix_task_people_member (member_id, role, task_id),
  CONSTRAINT fk_task_people_task FOREIGN KEY (task_id) REFERENCES tasks (id)
) ENGINE=InnoDB;

-- "task_id is blocked by depends_on_id".
CREATE TABLE task_dependencies (
  task_id BIGINT NOT NULL,
  depends_on_id BIGINT NOT NULL,
  PRIMARY KEY (task_id, depends_on_id),
  KEY ix_task_dependencies_on (depends_on_id),
  CONSTRAINT fk_task_dependencies_task FOREIGN KEY (task_id) REFERENCES tasks (id),
  CONSTRAINT fk_task_dependencies_on FOREIGN KEY (depends_on_id) REFERENCES tasks (id)
) ENGINE=InnoDB;

-- One row: every change of dependencies takes its lock first, so two transactions cannot each
-- add half of a cycle (docs/decisions.md, "Task service").
CREATE TABLE dependency_graph_lock (
  id TINYINT NOT NULL PRIMARY KEY
) ENGINE=InnoDB;
INSERT INTO dependency_graph_lock (id) VALUES (1);

-- The progress log (工作日志).
CREATE TABLE progress_entries (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  task_id BIGINT NOT NULL,
  author VARCHAR(100) NOT NULL,
  comment TEXT NOT NULL,
  progress INT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  KEY ix_progress_entries_task (task_id, id),
  CONSTRAINT fk_progress_entries_task FOREIGN KEY (task_id) REFERENCES tasks (id)
) ENGINE=InnoDB;

-- Meetings (例会), stored whole as rmhub.task.v1.Meeting (action items with their task names).
CREATE TABLE meetings (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  team_id BIGINT NOT NULL,
  branch_id BIGINT NOT NULL,
  recorder_member_id BIGINT NULL,
  start_time DATETIME(6) NOT NULL,
  body MEDIUMBLOB NOT NULL,
  create_time DATETIME(6) NOT NULL,
  KEY ix_meetings_team (team_id, id),
  KEY ix_meetings_branch (branch_id, id)
) ENGINE=InnoDB;

-- Who attended: a member sees the meetings they attended.
CREATE TABLE meeting_attendees (
  meeting_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  PRIMARY KEY (meeting_id, member_id),
  KEY ix_meeting_attendees_member (member_id, meeting_id),
  CONSTRAINT fk_meeting_attendees_meeting FOREIGN KEY (meeting_id) REFERENCES meetings (id)
) ENGINE=InnoDB;
