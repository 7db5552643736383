-- Duplicates of small_owner_idx and of the unique big_pkey.
-- expect offline: none
-- expect catalog: duplicate-index warning 1
-- expect catalog: duplicate-index warning 2
-- migrate:up
CREATE INDEX CONCURRENTLY t102_small_owner_idx ON small (owner_id);
CREATE INDEX CONCURRENTLY t102_big_id_idx ON big (id);
