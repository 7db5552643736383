-- SET DEFAULT and DROP DEFAULT: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE small ALTER COLUMN note SET DEFAULT 'n/a';
ALTER TABLE small ALTER COLUMN note DROP DEFAULT;
