-- A lint-ignore applies to the next statement only.
-- expect offline: require-concurrent-index-creation warning 2
-- expect catalog: require-concurrent-index-creation warning 2
-- expect ignored: require-concurrent-index-creation 1
-- migrate:up
-- migrate:lint-ignore require-concurrent-index-creation built while the table is still empty
CREATE INDEX t109_empty_w_idx ON empty_t (w);
CREATE INDEX t109_small_note_idx ON small (note);
