-- A lint-ignore line silences the one finding of the statement after it.
-- expect offline: none
-- expect catalog: none
-- expect ignored: require-concurrent-index-creation 1
-- migrate:up
-- migrate:lint-ignore require-concurrent-index-creation small table, a plain build takes milliseconds
CREATE INDEX t105_small_note_idx ON small (note);
