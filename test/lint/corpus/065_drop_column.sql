-- DROP COLUMN on big.
-- expect offline: ban-drop-column warning 1
-- expect catalog: ban-drop-column warning 1
-- migrate:up
ALTER TABLE big DROP COLUMN email;
