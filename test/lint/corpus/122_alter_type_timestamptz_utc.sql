-- timestamp -> timestamptz when the session's time zone is UTC: no
-- rewrite (PostgreSQL 12 and later), with the catalog nothing.
-- lint-setting: timezone=UTC
-- expect offline: changing-column-type warning 1
-- expect catalog: none
-- migrate:up
ALTER TABLE big ALTER COLUMN created TYPE timestamptz;
