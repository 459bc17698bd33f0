-- Analytics schema: the event store with its inbox, and the projections built from it.
-- Projections are rebuilt from `events` by RebuildProjections; nothing else writes them.

-- Every event taken, once: the unique event_id is the inbox. apply_seq is the event's place in
-- its aggregate's apply order (allocated under the aggregate's row lock), so a rebuild replays
-- each aggregate in the order it was applied.
CREATE TABLE events (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id VARCHAR(64) NOT NULL,
  source VARCHAR(32) NOT NULL,
  type VARCHAR(128) NOT NULL,
  aggregate VARCHAR(191) NOT NULL,
  aggregate_version BIGINT NOT NULL,
  apply_seq BIGINT NOT NULL,
  occur_time DATETIME(6) NOT NULL,
  ingest_time DATETIME(6) NOT NULL,
  body MEDIUMBLOB NOT NULL,
  UNIQUE KEY events_event_id (event_id),
  KEY events_replay (aggregate, apply_seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Per aggregate: the highest version of a state event applied, the highest version seen, and how
-- many events were applied (the next apply_seq).
CREATE TABLE aggregate_versions (
  aggregate VARCHAR(191) NOT NULL PRIMARY KEY,
  state_version BIGINT NOT NULL DEFAULT 0,
  max_version BIGINT NOT NULL DEFAULT 0,
  applied BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE customer_states (
  customer_id BIGINT NOT NULL PRIMARY KEY,
  owner_id BIGINT NOT NULL DEFAULT 0,
  team_id BIGINT NOT NULL DEFAULT 0,
  branch_id BIGINT NOT NULL DEFAULT 0,
  status TINYINT NOT NULL DEFAULT 0,
  key_account TINYINT NOT NULL DEFAULT 0,
  aum_minor BIGINT NOT NULL DEFAULT 0,
  archived TINYINT NOT NULL DEFAULT 0,
  KEY customer_states_owner (owner_id)
) ENGINE=InnoDB;

CREATE TABLE member_states (
  member_id BIGINT NOT NULL PRIMARY KEY,
  branch_id BIGINT NOT NULL DEFAULT 0,
  home_team_id BIGINT NOT NULL DEFAULT 0,
  role TINYINT NOT NULL DEFAULT 0,
  status TINYINT NOT NULL DEFAULT 0,
  KEY member_states_team (home_team_id),
  KEY member_states_branch (branch_id)
) ENGINE=InnoDB;

-- Each manager's book as it stands (archived customers do not count).
CREATE TABLE holdings (
  member_id BIGINT NOT NULL PRIMARY KEY,
  customers BIGINT NOT NULL DEFAULT 0,
  key_accounts BIGINT NOT NULL DEFAULT 0,
  aum_minor BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;

-- Facts per member and civil month (yyyymm); a scorecard sums at most 12 rows per member.
CREATE TABLE member_months (
  member_id BIGINT NOT NULL,
  month INT NOT NULL,
  interactions BIGINT NOT NULL DEFAULT 0,
  customers_contacted BIGINT NOT NULL DEFAULT 0,
  new_customers BIGINT NOT NULL DEFAULT 0,
  churned BIGINT NOT NULL DEFAULT 0,
  won_back BIGINT NOT NULL DEFAULT 0,
  aum_change_minor BIGINT NOT NULL DEFAULT 0,
  promotions BIGINT NOT NULL DEFAULT 0,
  mentorships_started BIGINT NOT NULL DEFAULT 0,
  mentorships_completed BIGINT NOT NULL DEFAULT 0,
  complaints BIGINT NOT NULL DEFAULT 0,
  satisfaction_responses BIGINT NOT NULL DEFAULT 0,
  satisfaction_sum BIGINT NOT NULL DEFAULT 0,
  tasks_completed BIGINT NOT NULL DEFAULT 0,
  tasks_on_time BIGINT NOT NULL DEFAULT 0,
  checks_completed BIGINT NOT NULL DEFAULT 0,
  cross_department_tasks BIGINT NOT NULL DEFAULT 0,
  action_items_assigned BIGINT NOT NULL DEFAULT 0,
  action_items_done BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (member_id, month)
) ENGINE=InnoDB;

-- A customer contacted in a month (the first contact counts customers_contacted once).
CREATE TABLE contacts (
  customer_id BIGINT NOT NULL,
  month INT NOT NULL,
  PRIMARY KEY (customer_id, month)
) ENGINE=InnoDB;

CREATE TABLE certifications (
  member_id BIGINT NOT NULL,
  certification_id BIGINT NOT NULL,
  valid TINYINT NOT NULL,
  valid_until DATE NOT NULL,
  PRIMARY KEY (member_id, certification_id)
) ENGINE=InnoDB;
