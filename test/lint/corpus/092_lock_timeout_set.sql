-- ddl_lock_timeout = 0, but the script sets its own lock_timeout first:
-- nothing.
-- expect offline: none
-- expect catalog: none
-- lint-setting: pg_migrate.ddl_lock_timeout=0
-- migrate:up
SET lock_timeout = '2s';
ALTER TABLE big ADD COLUMN t092_x text;
TRUNCATE empty_t;
