-- Which segment thresholds the indexed tier columns of `customers` were built with (issue 13).
-- The columns themselves (asset_tier, value_tier: VIRTUAL generated from aum_minor and
-- contribution_minor, indexed with branch/owner/team) depend on the configured thresholds, so
-- they are (re)built by the service at start when the fingerprint here differs from its
-- configuration (MySqlCustomerRepository::ApplySegmentTiers), not by a fixed migration.
CREATE TABLE segment_tier_config (
  id TINYINT NOT NULL PRIMARY KEY,
  fingerprint VARCHAR(255) CHARACTER SET ascii NOT NULL,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;
