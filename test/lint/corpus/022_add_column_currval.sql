-- currval() is volatile (pg_proc, and the offline list): the default
-- rewrites small (statement 3), a warning in both modes.
-- expect offline: adding-field-with-default warning 3
-- expect catalog: adding-field-with-default warning 3
-- migrate:up
CREATE SEQUENCE t022_batch_seq;
SELECT nextval('t022_batch_seq');
ALTER TABLE small ADD COLUMN t022_batch_no bigint DEFAULT currval('t022_batch_seq');
