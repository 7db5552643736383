-- A CHECK constraint added to a table whose rows satisfy it (it scans the
-- table but builds no index), dropped the other way.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE stock (id int PRIMARY KEY, qty int NOT NULL);
-- diff:to
CREATE TABLE stock (id int PRIMARY KEY, qty int NOT NULL, CONSTRAINT stock_qty_positive CHECK (qty >= 0));
-- diff:data
INSERT INTO stock VALUES (1, 0), (2, 5);
-- diff:check
SELECT * FROM stock ORDER BY id;
-- diff:reference-up
ALTER TABLE stock ADD CONSTRAINT stock_qty_positive CHECK (qty >= 0);
-- diff:reference-down
ALTER TABLE stock DROP CONSTRAINT stock_qty_positive;
