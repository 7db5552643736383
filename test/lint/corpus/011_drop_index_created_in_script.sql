-- An index created earlier in the script is NEW: dropping it is fine.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE INDEX CONCURRENTLY t011_big_created_idx ON big (created);
DROP INDEX t011_big_created_idx;
