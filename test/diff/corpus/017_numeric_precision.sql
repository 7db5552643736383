-- numeric(10,2) to numeric(12,2) widens; back narrows.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE prices (id int PRIMARY KEY, amount numeric(10,2));
-- diff:to
CREATE TABLE prices (id int PRIMARY KEY, amount numeric(12,2));
-- diff:data
INSERT INTO prices VALUES (1, 12.50), (2, 99999999.99);
-- diff:check
SELECT * FROM prices ORDER BY id;
-- diff:reference-up
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);
-- diff:reference-down
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(10,2);
