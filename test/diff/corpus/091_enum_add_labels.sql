-- Labels added to an enum in use: one in the middle (ADD VALUE BEFORE),
-- one at the end.  The other way labels are removed, which PostgreSQL
-- cannot do in place: the type must be rebuilt and values may be lost
-- (destructive), or the step is left to a person (manual).
-- expect forward: none
-- expect backward: destructive or manual
-- diff:from
CREATE TYPE severity AS ENUM ('low', 'high');
CREATE TABLE alerts (id int PRIMARY KEY, level severity NOT NULL);
-- diff:to
CREATE TYPE severity AS ENUM ('low', 'medium', 'high', 'critical');
CREATE TABLE alerts (id int PRIMARY KEY, level severity NOT NULL);
-- diff:data
INSERT INTO alerts VALUES (1, 'low'), (2, 'high');
-- diff:check
SELECT id, level::text FROM alerts ORDER BY id;
-- diff:data-back
INSERT INTO alerts VALUES (1, 'low'), (2, 'high');
-- diff:check-back
SELECT id, level::text FROM alerts ORDER BY id;
-- diff:reference-up
ALTER TYPE severity ADD VALUE 'medium' BEFORE 'high';
ALTER TYPE severity ADD VALUE 'critical';
-- diff:reference-down
ALTER TYPE severity RENAME TO severity_old;
CREATE TYPE severity AS ENUM ('low', 'high');
ALTER TABLE alerts ALTER COLUMN level TYPE severity USING level::text::severity;
DROP TYPE severity_old;
