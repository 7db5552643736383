-- A new composite type used by a column of an existing table.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE shops (id int PRIMARY KEY);
-- diff:to
CREATE TYPE postal_address AS (street text, city text, zip varchar(10));
CREATE TABLE shops (id int PRIMARY KEY, addr postal_address);
-- diff:data
INSERT INTO shops VALUES (1);
-- diff:check
SELECT id FROM shops;
-- diff:reference-up
CREATE TYPE postal_address AS (street text, city text, zip varchar(10));
ALTER TABLE shops ADD COLUMN addr postal_address;
-- diff:reference-down
ALTER TABLE shops DROP COLUMN addr;
DROP TYPE postal_address;
