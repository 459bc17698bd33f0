-- Issue 8: eligibility over time, ladder approval by level.

-- was_rm: the member is or was a relationship manager (could hold customers); never cleared.
-- former_rm_kind: the RM kind held before the last change of kind or role (0 = none).
ALTER TABLE members
  ADD COLUMN was_rm TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN former_rm_kind TINYINT NOT NULL DEFAULT 0,
  ADD KEY ix_members_holders (branch_id, was_rm, id);

UPDATE members SET was_rm = 1 WHERE role = 1 OR career_level <> 0;

-- Who approved a ladder change, under which authority (ApprovalAuthority).
ALTER TABLE ladder_changes
  ADD COLUMN approver VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN approval_authority TINYINT NOT NULL DEFAULT 0;

-- The expiry sweep's claims: one row per RM qualification whose expiry date has passed and been
-- published. Inserted in the same transaction as the events, so with two replicas exactly one
-- publishes each expiry (the other's insert finds the key taken and writes nothing).
CREATE TABLE certification_expiry_notices (
  certification_id BIGINT NOT NULL PRIMARY KEY,
  member_id BIGINT NOT NULL,
  expiry_date DATE NOT NULL,
  create_time DATETIME(6) NOT NULL,
  CONSTRAINT fk_expiry_notices_certification FOREIGN KEY (certification_id)
    REFERENCES certifications (id)
) ENGINE=InnoDB;
