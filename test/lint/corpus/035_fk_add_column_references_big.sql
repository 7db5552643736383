-- ADD COLUMN ... REFERENCES on big: a validated foreign key on a LARGE
-- table, and the new column has no index.
-- expect offline: adding-foreign-key-constraint warning 1
-- expect catalog: adding-foreign-key-constraint error 1
-- expect catalog: unindexed-foreign-key warning 1
-- migrate:up
ALTER TABLE big ADD COLUMN t035_small_id bigint REFERENCES small (id);
