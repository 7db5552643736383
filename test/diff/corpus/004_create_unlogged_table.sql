-- A new unlogged table.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE UNLOGGED TABLE cache_entries (key text PRIMARY KEY, value bytea, expires timestamptz);
-- diff:reference-up
CREATE UNLOGGED TABLE cache_entries (key text PRIMARY KEY, value bytea, expires timestamptz);
-- diff:reference-down
DROP TABLE cache_entries;
