-- A validated foreign key from small.big_id, which no index covers.
-- expect offline: adding-foreign-key-constraint warning 1
-- expect catalog: adding-foreign-key-constraint warning 1
-- expect catalog: unindexed-foreign-key warning 1
-- migrate:up
ALTER TABLE small ADD CONSTRAINT t032_small_big_fk FOREIGN KEY (big_id) REFERENCES big (id);
