-- Volatile defaults, identity and generated columns on a table created in
-- the script (NEW), and in CREATE TABLE itself: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE TABLE t023_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token uuid NOT NULL DEFAULT gen_random_uuid()
);
ALTER TABLE t023_tokens ADD COLUMN salt float8 DEFAULT random();
ALTER TABLE t023_tokens ADD COLUMN half_id bigint GENERATED ALWAYS AS (id / 2) STORED;
