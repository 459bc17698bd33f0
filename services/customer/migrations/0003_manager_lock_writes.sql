-- Taking a manager's assignment lock now writes the row (issue 13): on a Galera cluster a
-- SELECT ... FOR UPDATE lock is local to one node, but a written row is part of the write set, so
-- two assignments to one manager committed on two nodes conflict at certification and one is
-- retried against the other's committed holdings. The cap then holds with replicas on any nodes.
ALTER TABLE managers ADD COLUMN lock_count BIGINT NOT NULL DEFAULT 0;
