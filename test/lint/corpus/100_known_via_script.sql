-- Tables and columns the script creates are known; renaming a column of a new
-- table still counts (statement 5).
-- expect offline: renaming-column warning 5
-- expect catalog: renaming-column warning 5
-- migrate:up
CREATE TABLE t100_parent (id bigint PRIMARY KEY, name text);
CREATE TABLE t100_child (id bigint PRIMARY KEY, parent_id bigint REFERENCES t100_parent (id));
CREATE INDEX CONCURRENTLY t100_child_parent_idx ON t100_child (parent_id);
ALTER TABLE t100_parent ALTER COLUMN name SET DEFAULT '';
ALTER TABLE t100_parent RENAME COLUMN name TO title;
