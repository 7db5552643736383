-- ALTER COLUMN of a column big does not have (unknown-object), then of one the
-- script adds (fine).
-- expect offline: none
-- expect catalog: unknown-object error 1
-- migrate:up
ALTER TABLE big ALTER COLUMN t097_nocol SET DEFAULT 0;
ALTER TABLE big ADD COLUMN t097_col int;
ALTER TABLE big ALTER COLUMN t097_col SET DEFAULT 0;
