-- DROP TABLE of an existing table.
-- expect offline: ban-drop-table warning 1
-- expect catalog: ban-drop-table warning 1
-- migrate:up
DROP TABLE small;
