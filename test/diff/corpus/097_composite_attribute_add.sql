-- An attribute added to a composite type in use; removed the other way
-- (the values of that attribute in every column of the type are lost).
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TYPE postal_address AS (street text, city text);
CREATE TABLE shops (id int PRIMARY KEY, addr postal_address);
-- diff:to
CREATE TYPE postal_address AS (street text, city text, country text);
CREATE TABLE shops (id int PRIMARY KEY, addr postal_address);
-- diff:data
INSERT INTO shops VALUES (1, ROW('Main St', 'Springfield'));
-- diff:check
SELECT id, (addr).street, (addr).city FROM shops;
-- diff:reference-up
ALTER TYPE postal_address ADD ATTRIBUTE country text;
-- diff:reference-down
ALTER TYPE postal_address DROP ATTRIBUTE country;
