-- A new domain with NOT NULL, a default and two named constraints, used
-- by a new table.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE DOMAIN percent AS numeric(5,2) NOT NULL DEFAULT 0
	CONSTRAINT percent_min CHECK (VALUE >= 0)
	CONSTRAINT percent_max CHECK (VALUE <= 100);
CREATE TABLE discounts (id int PRIMARY KEY, pct percent);
-- diff:reference-up
CREATE DOMAIN percent AS numeric(5,2) NOT NULL DEFAULT 0
	CONSTRAINT percent_min CHECK (VALUE >= 0)
	CONSTRAINT percent_max CHECK (VALUE <= 100);
CREATE TABLE discounts (id int PRIMARY KEY, pct percent);
-- diff:reference-down
DROP TABLE discounts;
DROP DOMAIN percent;
