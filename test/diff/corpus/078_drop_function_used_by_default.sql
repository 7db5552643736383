-- A function dropped together with the column default that calls it:
-- the default goes first.  The other way the function comes back first.
-- expect forward: destructive
-- expect backward: none
-- diff:from
CREATE FUNCTION default_score() RETURNS int LANGUAGE sql AS 'SELECT 10';
CREATE TABLE players (id int PRIMARY KEY, score int DEFAULT default_score());
-- diff:to
CREATE TABLE players (id int PRIMARY KEY, score int);
-- diff:data
INSERT INTO players VALUES (1, 5), (2, DEFAULT);
-- diff:check
SELECT * FROM players ORDER BY id;
-- diff:reference-up
ALTER TABLE players ALTER COLUMN score DROP DEFAULT;
DROP FUNCTION default_score();
-- diff:reference-down
CREATE FUNCTION default_score() RETURNS int LANGUAGE sql AS 'SELECT 10';
ALTER TABLE players ALTER COLUMN score SET DEFAULT default_score();
