-- integer to bigint widens; back narrows.  The column has an index and a
-- check constraint, which PostgreSQL rebuilds with the type change (not
-- an index build of the migration: not blocking).
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL DEFAULT 0 CHECK (n >= 0));
CREATE INDEX counters_n_idx ON counters (n);
-- diff:to
CREATE TABLE counters (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0 CHECK (n >= 0));
CREATE INDEX counters_n_idx ON counters (n);
-- diff:data
INSERT INTO counters VALUES (1, 5), (2, 7);
-- diff:check
SELECT id, n::text FROM counters ORDER BY id;
-- diff:data-back
INSERT INTO counters VALUES (1, 5), (2, 7);
-- diff:check-back
SELECT id, n::text FROM counters ORDER BY id;
-- diff:reference-up
ALTER TABLE counters ALTER COLUMN n TYPE bigint;
-- diff:reference-down
ALTER TABLE counters ALTER COLUMN n TYPE int;
