-- pg_migrate.ddl_lock_timeout = 0 and no SET lock_timeout: the first strong
-- lock on an existing table (statement 3; the table of statement 2 is NEW)
-- gets require-lock-timeout, once.
-- expect offline: none
-- expect catalog: require-lock-timeout warning 3
-- lint-setting: pg_migrate.ddl_lock_timeout=0
-- migrate:up
CREATE TABLE t090_audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  big_id int,
  at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE t090_audit ADD COLUMN who text;
ALTER TABLE empty_t ADD COLUMN t090_flag boolean;
ALTER TABLE small ADD COLUMN t090_flag boolean;
