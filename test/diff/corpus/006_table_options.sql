-- Storage parameters of a table (reloptions) set, changed and reset.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE readings (id int, v float8) WITH (fillfactor = 90);
-- diff:to
CREATE TABLE readings (id int, v float8) WITH (fillfactor = 70, autovacuum_enabled = false);
-- diff:reference-up
ALTER TABLE readings SET (fillfactor = 70, autovacuum_enabled = false);
-- diff:reference-down
ALTER TABLE readings RESET (autovacuum_enabled);
ALTER TABLE readings SET (fillfactor = 90);
