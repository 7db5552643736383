-- A domain in use: a constraint added (the column's rows satisfy it), one
-- dropped, its default changed, NOT NULL set.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE DOMAIN code AS text DEFAULT 'x' CONSTRAINT code_not_empty CHECK (VALUE <> '');
CREATE TABLE things (id int, c code);
-- diff:to
CREATE DOMAIN code AS text NOT NULL DEFAULT 'y' CONSTRAINT code_short CHECK (length(VALUE) <= 10);
CREATE TABLE things (id int, c code);
-- diff:data
INSERT INTO things VALUES (1, 'abc');
-- diff:check
SELECT * FROM things ORDER BY id;
-- diff:reference-up
ALTER DOMAIN code ADD CONSTRAINT code_short CHECK (length(VALUE) <= 10);
ALTER DOMAIN code DROP CONSTRAINT code_not_empty;
ALTER DOMAIN code SET DEFAULT 'y';
ALTER DOMAIN code SET NOT NULL;
-- diff:reference-down
ALTER DOMAIN code DROP NOT NULL;
ALTER DOMAIN code SET DEFAULT 'x';
ALTER DOMAIN code ADD CONSTRAINT code_not_empty CHECK (VALUE <> '');
ALTER DOMAIN code DROP CONSTRAINT code_short;
