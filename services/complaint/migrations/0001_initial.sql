-- Complaint service schema. No customer PII is stored here: a complaint refers to its customer by
-- id; names and identifiers are read from the customer service and masked there.

CREATE TABLE complaints (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  channel TINYINT NOT NULL,
  category TINYINT NOT NULL,
  severity TINYINT NOT NULL,
  subject VARCHAR(200) NOT NULL,
  description TEXT NOT NULL,
  customer_request TEXT NOT NULL,
  product VARCHAR(64) NOT NULL DEFAULT '',
  receive_time DATETIME(6) NOT NULL,
  complained_about_id BIGINT NULL,
  branch_id BIGINT NOT NULL,
  handler_team_id BIGINT NULL,
  handler_id BIGINT NULL,
  state TINYINT NOT NULL,
  state_reason TEXT NOT NULL,
  jurisdiction TINYINT NOT NULL,
  -- The clock as last computed from the history (the service recomputes it on every change and
  -- in the SLA sweep); stored so lists can filter and order by it.
  deadline DATETIME(6) NOT NULL,
  sla_state TINYINT NOT NULL,
  -- The highest SLA state an event was emitted for (0 none, 2 AT_RISK, 3 BREACHED): each is
  -- emitted once, whichever replica's sweep sees it first.
  sla_reported TINYINT NOT NULL DEFAULT 0,
  extension_level TINYINT NOT NULL DEFAULT 0,
  findings TEXT NOT NULL,
  solution TEXT NOT NULL,
  escalated TINYINT NOT NULL DEFAULT 0,
  investigation_task_id BIGINT NULL,
  remediation_task_id BIGINT NULL,
  satisfaction TINYINT NOT NULL DEFAULT 0,
  root_cause TINYINT NOT NULL DEFAULT 0,
  root_cause_note TEXT NOT NULL,
  merged_repeats INT NOT NULL DEFAULT 0,
  reopen_count INT NOT NULL DEFAULT 0,
  -- SHA-256 (hex) of customer, category and normalised subject (domain/repeats.h).
  repeat_key CHAR(64) NOT NULL,
  -- repeat_key while the complaint absorbs repeats (open, within its period), NULL after: unique,
  -- so two concurrent filings of one repeat cannot both open a complaint.
  open_repeat_key CHAR(64) NULL,
  version BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  close_time DATETIME(6) NULL,
  UNIQUE KEY complaints_open_repeat (open_repeat_key),
  KEY complaints_customer (customer_id, id),
  KEY complaints_handler (handler_id, id),
  KEY complaints_team (handler_team_id, id),
  KEY complaints_branch (branch_id, id),
  KEY complaints_state_deadline (state, deadline)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The history: rows are only ever inserted. Each carries the hash of the previous row of its
-- complaint (domain/history_chain.h); (complaint_id, sequence) is the key, so the chain cannot
-- fork.
CREATE TABLE complaint_history (
  complaint_id BIGINT NOT NULL,
  sequence BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  from_state TINYINT NOT NULL,
  to_state TINYINT NOT NULL,
  actor VARCHAR(100) NOT NULL,
  time DATETIME(6) NOT NULL,
  note TEXT NOT NULL,
  details TEXT NOT NULL,
  previous_hash CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL,
  PRIMARY KEY (complaint_id, sequence),
  CONSTRAINT complaint_history_complaint FOREIGN KEY (complaint_id) REFERENCES complaints (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
