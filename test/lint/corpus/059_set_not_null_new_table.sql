-- SET NOT NULL on a table created in the script: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE TABLE t059_drafts (id bigint PRIMARY KEY, title text);
ALTER TABLE t059_drafts ALTER COLUMN title SET NOT NULL;
