-- ddl_lock_timeout = 0 and SET lock_timeout = 0 (no timeout) before TRUNCATE:
-- the TRUNCATE counts; a later SET does not help it.
-- expect offline: none
-- expect catalog: require-lock-timeout warning 2
-- lint-setting: pg_migrate.ddl_lock_timeout=0
-- migrate:up
SET lock_timeout = 0;
TRUNCATE empty_t;
SET lock_timeout = '1s';
ALTER TABLE small ADD COLUMN t093_x text;
