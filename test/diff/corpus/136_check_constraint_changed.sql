-- A check constraint of the same name with another expression: dropped
-- and added again (rows satisfy both).  No data lost, no index.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE people (id int, age int CONSTRAINT people_age_check CHECK (age >= 0));
-- diff:to
CREATE TABLE people (id int, age int CONSTRAINT people_age_check CHECK (age >= 0 AND age < 150));
-- diff:data
INSERT INTO people VALUES (1, 30);
-- diff:check
SELECT * FROM people;
-- diff:reference-up
ALTER TABLE people DROP CONSTRAINT people_age_check;
ALTER TABLE people ADD CONSTRAINT people_age_check CHECK (age >= 0 AND age < 150);
-- diff:reference-down
ALTER TABLE people DROP CONSTRAINT people_age_check;
ALTER TABLE people ADD CONSTRAINT people_age_check CHECK (age >= 0);
