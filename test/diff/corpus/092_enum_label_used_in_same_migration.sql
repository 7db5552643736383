-- A label added and, in the same migration, made a column's default.  A
-- label added by ALTER TYPE ... ADD VALUE cannot be used before its
-- transaction commits, so the deploy proof (one transaction) only passes
-- if the generator does something else (rebuilds the type, as the
-- reference does).
-- expect forward: none
-- expect backward: destructive or manual
-- diff:from
CREATE TYPE state AS ENUM ('draft', 'live');
CREATE TABLE pages (id int PRIMARY KEY, st state DEFAULT 'draft');
-- diff:to
CREATE TYPE state AS ENUM ('draft', 'live', 'review');
CREATE TABLE pages (id int PRIMARY KEY, st state DEFAULT 'review');
-- diff:reference-up
ALTER TYPE state RENAME TO state_old;
CREATE TYPE state AS ENUM ('draft', 'live', 'review');
ALTER TABLE pages ALTER COLUMN st DROP DEFAULT;
ALTER TABLE pages ALTER COLUMN st TYPE state USING st::text::state;
ALTER TABLE pages ALTER COLUMN st SET DEFAULT 'review';
DROP TYPE state_old;
-- diff:reference-down
ALTER TYPE state RENAME TO state_new;
CREATE TYPE state AS ENUM ('draft', 'live');
ALTER TABLE pages ALTER COLUMN st DROP DEFAULT;
ALTER TABLE pages ALTER COLUMN st TYPE state USING st::text::state;
ALTER TABLE pages ALTER COLUMN st SET DEFAULT 'draft';
DROP TYPE state_new;
