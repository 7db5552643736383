-- migrate:lint-ignore duplicate-index kept until the old index is dropped next release
CREATE INDEX CONCURRENTLY t108_big_name_idx ON big (name);
-- migrate:lint-ignore ban-drop-column unused since release 4.2, no reader left
ALTER TABLE big DROP COLUMN net;
