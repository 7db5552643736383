-- A NOT VALID constraint validated (VALIDATE CONSTRAINT); the other way
-- it must become NOT VALID again, which takes dropping and adding it.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE stock (id int PRIMARY KEY, qty int NOT NULL);
ALTER TABLE stock ADD CONSTRAINT stock_qty_positive CHECK (qty >= 0) NOT VALID;
-- diff:to
CREATE TABLE stock (id int PRIMARY KEY, qty int NOT NULL);
ALTER TABLE stock ADD CONSTRAINT stock_qty_positive CHECK (qty >= 0);
-- diff:data
INSERT INTO stock VALUES (1, 0), (2, 5);
-- diff:check
SELECT * FROM stock ORDER BY id;
-- diff:reference-up
ALTER TABLE stock VALIDATE CONSTRAINT stock_qty_positive;
-- diff:reference-down
ALTER TABLE stock DROP CONSTRAINT stock_qty_positive;
ALTER TABLE stock ADD CONSTRAINT stock_qty_positive CHECK (qty >= 0) NOT VALID;
