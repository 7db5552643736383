-- ddl_lock_timeout = 0: a plain CREATE INDEX is the first strong lock.
-- expect offline: require-concurrent-index-creation warning 1
-- expect catalog: require-concurrent-index-creation warning 1
-- expect catalog: require-lock-timeout warning 1
-- lint-setting: pg_migrate.ddl_lock_timeout=0
-- migrate:up
CREATE INDEX t091_small_note_idx ON small (note);
ALTER TABLE small ADD COLUMN t091_x text;
