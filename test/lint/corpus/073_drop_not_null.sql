-- ALTER COLUMN ... DROP NOT NULL.
-- expect offline: ban-drop-not-null warning 1
-- expect catalog: ban-drop-not-null warning 1
-- migrate:up
ALTER TABLE nopk ALTER COLUMN id DROP NOT NULL;
