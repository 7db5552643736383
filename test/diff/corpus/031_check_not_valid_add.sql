-- A CHECK constraint that "to" has NOT VALID (validated false), added to
-- a table with a row that violates it: only ADD ... NOT VALID works, and
-- keeps the snapshot's "validated": false.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE stock (id int PRIMARY KEY, qty int NOT NULL);
-- diff:to
CREATE TABLE stock (id int PRIMARY KEY, qty int NOT NULL);
ALTER TABLE stock ADD CONSTRAINT stock_qty_positive CHECK (qty >= 0) NOT VALID;
-- diff:data
INSERT INTO stock VALUES (1, -1), (2, 5);
-- diff:check
SELECT * FROM stock ORDER BY id;
-- diff:reference-up
ALTER TABLE stock ADD CONSTRAINT stock_qty_positive CHECK (qty >= 0) NOT VALID;
-- diff:reference-down
ALTER TABLE stock DROP CONSTRAINT stock_qty_positive;
