-- ADD COLUMN NOT NULL without a default on small (SMALL) and
-- unanalyzed_t (UNKNOWN): errors.
-- expect offline: adding-required-field error 1
-- expect offline: adding-required-field error 2
-- expect catalog: adding-required-field error 1
-- expect catalog: adding-required-field error 2
-- migrate:up
ALTER TABLE small ADD COLUMN t061_region text NOT NULL;
ALTER TABLE unanalyzed_t ADD COLUMN t061_region text NOT NULL;
