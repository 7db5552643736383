-- DROP COLUMN of a column small does not have: unknown-object with the catalog.
-- expect offline: ban-drop-column warning 1
-- expect catalog: ban-drop-column warning 1
-- expect catalog: unknown-object error 1
-- migrate:up
ALTER TABLE small DROP COLUMN t067_missing;
