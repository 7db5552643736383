-- Strong locks with the default ddl_lock_timeout (on): nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE empty_t ADD COLUMN t095_x text;
TRUNCATE small;
