-- currval() is volatile in pg_proc but not on the offline list: only the
-- catalog mode fires (statement 3).
-- expect offline: none
-- expect catalog: adding-field-with-default warning 3
-- migrate:up
CREATE SEQUENCE t022_batch_seq;
SELECT nextval('t022_batch_seq');
ALTER TABLE small ADD COLUMN t022_batch_no bigint DEFAULT currval('t022_batch_seq');
