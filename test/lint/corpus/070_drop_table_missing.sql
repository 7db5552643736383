-- DROP TABLE IF EXISTS of nothing still warns; without IF EXISTS also
-- unknown-object with the catalog.
-- expect offline: ban-drop-table warning 1
-- expect offline: ban-drop-table warning 2
-- expect catalog: ban-drop-table warning 1
-- expect catalog: ban-drop-table warning 2
-- expect catalog: unknown-object error 2
-- migrate:up
DROP TABLE IF EXISTS t070_legacy;
DROP TABLE t070_missing;
