-- A staging table created, filled and dropped in the same script: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE TABLE t069_staging (id bigint PRIMARY KEY, payload jsonb);
INSERT INTO t069_staging SELECT id, to_jsonb(b) FROM big b;
DROP TABLE t069_staging;
