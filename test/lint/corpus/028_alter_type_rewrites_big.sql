-- Type changes that rewrite (or re-check every row of) big: text ->
-- varchar(10), char(3) -> char(5), timestamp -> timestamptz, varchar(50) ->
-- varchar(40).
-- expect offline: changing-column-type warning 1
-- expect offline: changing-column-type warning 2
-- expect offline: changing-column-type warning 3
-- expect offline: changing-column-type warning 4
-- expect catalog: changing-column-type error 1
-- expect catalog: changing-column-type error 2
-- expect catalog: changing-column-type error 3
-- expect catalog: changing-column-type error 4
-- The session's time zone is not UTC: timestamp -> timestamptz rewrites.
-- lint-setting: timezone=America/New_York
-- migrate:up
ALTER TABLE big ALTER COLUMN email TYPE varchar(10);
ALTER TABLE big ALTER COLUMN code TYPE char(5);
ALTER TABLE big ALTER COLUMN created TYPE timestamptz;
ALTER TABLE big ALTER COLUMN name TYPE varchar(40);
