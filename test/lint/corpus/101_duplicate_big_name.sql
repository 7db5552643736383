-- A second index on big (name), like big_name_idx (catalog only).
-- expect offline: none
-- expect catalog: duplicate-index warning 1
-- migrate:up
CREATE INDEX CONCURRENTLY t101_big_name_idx ON big (name);
