-- Customer service schema. PII columns hold AES-256-GCM ciphertext (key id embedded, column name
-- as associated data); exact lookups go through HMAC-SHA256 blind indexes. Nothing here is ever
-- plaintext national ID, credit code or phone.

CREATE TABLE customers (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type TINYINT NOT NULL,
  display_name VARCHAR(300) NOT NULL,
  industry VARCHAR(200) NOT NULL DEFAULT '',
  national_id_enc VARBINARY(512) NULL,
  national_id_bidx BINARY(32) NULL,
  credit_code_enc VARBINARY(512) NULL,
  credit_code_bidx BINARY(32) NULL,
  phone_enc VARBINARY(512) NULL,
  birthday DATE NULL,
  aum_minor BIGINT NOT NULL DEFAULT 0,
  contribution_minor BIGINT NOT NULL DEFAULT 0,
  currency CHAR(3) NOT NULL DEFAULT 'CNY',
  status TINYINT NOT NULL,
  status_change_time DATETIME(6) NOT NULL,
  key_account TINYINT NOT NULL DEFAULT 0,
  risk_tolerance TINYINT NOT NULL DEFAULT 0,
  owner_id BIGINT NULL,
  team_id BIGINT NULL,
  branch_id BIGINT NOT NULL,
  archived TINYINT NOT NULL DEFAULT 0,
  last_interaction_time DATETIME(6) NULL,
  version BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  UNIQUE KEY uk_customers_national_id (national_id_bidx),
  UNIQUE KEY uk_customers_credit_code (credit_code_bidx),
  KEY ix_customers_owner (owner_id, archived, key_account),
  KEY ix_customers_branch (branch_id, id),
  KEY ix_customers_team (team_id, id),
  KEY ix_customers_aum (aum_minor, id),
  KEY ix_customers_status (status, id)
) ENGINE=InnoDB;

CREATE TABLE customer_needs (
  customer_id BIGINT NOT NULL,
  need TINYINT NOT NULL,
  PRIMARY KEY (customer_id, need),
  KEY ix_customer_needs_need (need, customer_id),
  CONSTRAINT fk_customer_needs_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

-- One row per manager who ever held a customer: the row lock that serialises assignments to a
-- manager, so the cap holds under any interleaving, from any number of replicas.
CREATE TABLE managers (
  member_id BIGINT NOT NULL PRIMARY KEY,
  create_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;

CREATE TABLE assignments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  from_owner_id BIGINT NULL,
  to_owner_id BIGINT NOT NULL,
  reason VARCHAR(3000) NOT NULL DEFAULT '',
  actor VARCHAR(100) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  KEY ix_assignments_customer (customer_id, id),
  CONSTRAINT fk_assignments_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

CREATE TABLE interactions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  channel TINYINT NOT NULL,
  interaction_time DATETIME(6) NOT NULL,
  manager_id BIGINT NOT NULL,
  summary VARCHAR(6000) NOT NULL DEFAULT '',
  next_follow_up DATE NULL,
  create_time DATETIME(6) NOT NULL,
  KEY ix_interactions_customer (customer_id, id),
  KEY ix_interactions_follow_up (manager_id, next_follow_up),
  CONSTRAINT fk_interactions_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

CREATE TABLE pii_audit (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  actor VARCHAR(100) NOT NULL,
  customer_id BIGINT NOT NULL,
  fields VARCHAR(100) NOT NULL,
  access TINYINT NOT NULL,
  method VARCHAR(100) NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  KEY ix_pii_audit_customer (customer_id, id),
  KEY ix_pii_audit_actor (actor, id)
) ENGINE=InnoDB;
