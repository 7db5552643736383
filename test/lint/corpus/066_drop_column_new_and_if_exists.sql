-- DROP COLUMN fires on a NEW table too, and with IF EXISTS (no
-- unknown-object then).
-- expect offline: ban-drop-column warning 2
-- expect offline: ban-drop-column warning 3
-- expect catalog: ban-drop-column warning 2
-- expect catalog: ban-drop-column warning 3
-- migrate:up
CREATE TABLE t066_tmp (id bigint PRIMARY KEY, scratch text);
ALTER TABLE t066_tmp DROP COLUMN scratch;
ALTER TABLE small DROP COLUMN IF EXISTS t066_gone;
