-- CREATE INDEX without CONCURRENTLY on small (SMALL).
-- expect offline: require-concurrent-index-creation warning 1
-- expect catalog: require-concurrent-index-creation warning 1
-- migrate:up
CREATE INDEX t002_small_note_idx ON small (note);
