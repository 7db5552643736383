-- A new table with constraints of several kinds, NULLS NOT DISTINCT and
-- DEFERRABLE among them.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TABLE slots (
	id int PRIMARY KEY DEFERRABLE INITIALLY IMMEDIATE,
	a int, b int,
	CONSTRAINT slots_ab_key UNIQUE NULLS NOT DISTINCT (a, b),
	CONSTRAINT slots_a_check CHECK (a IS NULL OR a > 0) NO INHERIT
);
-- diff:reference-up
CREATE TABLE slots (
	id int PRIMARY KEY DEFERRABLE INITIALLY IMMEDIATE,
	a int, b int,
	CONSTRAINT slots_ab_key UNIQUE NULLS NOT DISTINCT (a, b),
	CONSTRAINT slots_a_check CHECK (a IS NULL OR a > 0) NO INHERIT
);
-- diff:reference-down
DROP TABLE slots;
