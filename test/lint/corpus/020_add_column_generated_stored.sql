-- ADD COLUMN ... GENERATED ALWAYS AS (...) STORED on small (SMALL) and on
-- unanalyzed_t (UNKNOWN).
-- expect offline: adding-field-with-default warning 1
-- expect offline: adding-field-with-default warning 2
-- expect catalog: adding-field-with-default warning 1
-- expect catalog: adding-field-with-default warning 2
-- migrate:up
ALTER TABLE small ADD COLUMN t020_big_id2 int GENERATED ALWAYS AS (big_id * 2) STORED;
ALTER TABLE unanalyzed_t ADD COLUMN t020_v2 int GENERATED ALWAYS AS (v + 1) STORED;
