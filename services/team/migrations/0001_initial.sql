-- Team service schema. Ids are surrogate BIGINTs exposed as resource names ("members/42").
-- Every mutable row has a `version` behind its etag (optimistic concurrency, AIP-154).

CREATE TABLE branches (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(32) NOT NULL,
  display_name VARCHAR(300) NOT NULL,
  region VARCHAR(200) NOT NULL DEFAULT '',
  personal_customer_cap INT NOT NULL,
  corporate_key_account_cap INT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  UNIQUE KEY uk_branches_code (code),
  KEY ix_branches_region (region, id)
) ENGINE=InnoDB;

CREATE TABLE members (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  employee_number VARCHAR(32) NOT NULL,
  display_name VARCHAR(300) NOT NULL,
  branch_id BIGINT NOT NULL,
  role TINYINT NOT NULL,
  rm_kind TINYINT NOT NULL DEFAULT 0,
  back_office_function TINYINT NOT NULL DEFAULT 0,
  status TINYINT NOT NULL,
  career_level TINYINT NOT NULL DEFAULT 0,
  career_grade TINYINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  UNIQUE KEY uk_members_employee_number (employee_number),
  KEY ix_members_branch (branch_id, id),
  KEY ix_members_role (role, id),
  CONSTRAINT fk_members_branch FOREIGN KEY (branch_id) REFERENCES branches (id)
) ENGINE=InnoDB;

CREATE TABLE member_skills (
  member_id BIGINT NOT NULL,
  skill TINYINT NOT NULL,
  PRIMARY KEY (member_id, skill),
  KEY ix_member_skills_skill (skill, member_id),
  CONSTRAINT fk_member_skills_member FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB;

CREATE TABLE ladder_changes (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  member_id BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  from_level TINYINT NOT NULL,
  from_grade TINYINT NOT NULL,
  to_level TINYINT NOT NULL,
  to_grade TINYINT NOT NULL,
  reason VARCHAR(3000) NOT NULL,
  decider VARCHAR(100) NOT NULL,
  effective_date DATE NOT NULL,
  create_time DATETIME(6) NOT NULL,
  KEY ix_ladder_changes_member (member_id, id),
  CONSTRAINT fk_ladder_changes_member FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB;

CREATE TABLE certifications (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  member_id BIGINT NOT NULL,
  type TINYINT NOT NULL,
  rm_kind TINYINT NOT NULL DEFAULT 0,
  issuer VARCHAR(300) NOT NULL,
  number VARCHAR(200) NOT NULL,
  issue_date DATE NOT NULL,
  expiry_date DATE NOT NULL,
  revoked TINYINT NOT NULL DEFAULT 0,
  revoke_reason VARCHAR(3000) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  KEY ix_certifications_member (member_id, id),
  KEY ix_certifications_expiry (expiry_date),
  CONSTRAINT fk_certifications_member FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB;

CREATE TABLE mentorships (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  mentor_id BIGINT NOT NULL,
  mentee_id BIGINT NOT NULL,
  state TINYINT NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE NULL,
  outcome TINYINT NOT NULL DEFAULT 0,
  note VARCHAR(3000) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  KEY ix_mentorships_mentor (mentor_id, state),
  KEY ix_mentorships_mentee (mentee_id, state),
  CONSTRAINT fk_mentorships_mentor FOREIGN KEY (mentor_id) REFERENCES members (id),
  CONSTRAINT fk_mentorships_mentee FOREIGN KEY (mentee_id) REFERENCES members (id)
) ENGINE=InnoDB;

CREATE TABLE teams (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  display_name VARCHAR(300) NOT NULL,
  kind TINYINT NOT NULL,
  branch_id BIGINT NOT NULL,
  leader_id BIGINT NULL,
  description VARCHAR(3000) NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  KEY ix_teams_branch (branch_id, id),
  KEY ix_teams_leader (leader_id),
  CONSTRAINT fk_teams_branch FOREIGN KEY (branch_id) REFERENCES branches (id),
  CONSTRAINT fk_teams_leader FOREIGN KEY (leader_id) REFERENCES members (id)
) ENGINE=InnoDB;

-- home_slot is 1 for a HOME team and NULL for a PROJECT team, so the unique key lets a member
-- have exactly one home team and any number of project teams.
CREATE TABLE team_members (
  team_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  home_slot TINYINT NULL,
  join_time DATETIME(6) NOT NULL,
  PRIMARY KEY (team_id, member_id),
  UNIQUE KEY uk_team_members_home (member_id, home_slot),
  CONSTRAINT fk_team_members_team FOREIGN KEY (team_id) REFERENCES teams (id),
  CONSTRAINT fk_team_members_member FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB;

CREATE TABLE team_goals (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  team_id BIGINT NOT NULL,
  metric TINYINT NOT NULL,
  period_start DATE NOT NULL,
  period_end DATE NOT NULL,
  target_value BIGINT NOT NULL,
  note VARCHAR(3000) NOT NULL DEFAULT '',
  update_time DATETIME(6) NOT NULL,
  UNIQUE KEY uk_team_goals (team_id, metric, period_start, period_end),
  CONSTRAINT fk_team_goals_team FOREIGN KEY (team_id) REFERENCES teams (id)
) ENGINE=InnoDB;
