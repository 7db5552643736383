-- A new schema with a new table and its index: nothing existed, nothing
-- blocks.  The schema is created before the table and dropped after it.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'reports';
CREATE TABLE reporting.daily (day date PRIMARY KEY, total numeric);
CREATE INDEX daily_total_idx ON reporting.daily (total);
-- diff:reference-up
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'reports';
CREATE TABLE reporting.daily (day date PRIMARY KEY, total numeric);
CREATE INDEX daily_total_idx ON reporting.daily (total);
-- diff:reference-down
DROP TABLE reporting.daily;
DROP SCHEMA reporting;
