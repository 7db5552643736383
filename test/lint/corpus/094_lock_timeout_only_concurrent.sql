-- ddl_lock_timeout = 0, but nothing takes a strong lock on an existing
-- table: nothing.
-- expect offline: none
-- expect catalog: none
-- lint-setting: pg_migrate.ddl_lock_timeout=0
-- migrate:up
CREATE TABLE t094_log (id bigint PRIMARY KEY, line text);
ALTER TABLE t094_log ADD COLUMN at timestamptz;
CREATE INDEX CONCURRENTLY t094_big_email_idx ON big (email);
