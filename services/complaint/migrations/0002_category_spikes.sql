-- Category spikes (DOMAIN.md §5, issue 10 point 6): one row per category and week whose spike
-- event was emitted, so every replica's sweep may look and the event still goes out once.
CREATE TABLE complaint_category_spikes (
  category TINYINT NOT NULL,
  -- Monday of the week, in the bank's zone.
  week_start DATE NOT NULL,
  this_week BIGINT NOT NULL,
  previous_four_weeks BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (category, week_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
