-- migrate:lint-ignore require-concurrent-index-creation small table, a plain build takes milliseconds
CREATE INDEX t105_small_note_idx ON small (note);
