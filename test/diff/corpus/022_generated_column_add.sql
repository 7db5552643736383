-- A stored generated column added to a table with rows.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE order_lines (id int PRIMARY KEY, price numeric NOT NULL, qty int NOT NULL);
-- diff:to
CREATE TABLE order_lines (id int PRIMARY KEY, price numeric NOT NULL, qty int NOT NULL,
	total numeric GENERATED ALWAYS AS (price * qty) STORED);
-- diff:data
INSERT INTO order_lines VALUES (1, 2.5, 4), (2, 10, 1);
-- diff:check
SELECT id, price, qty FROM order_lines ORDER BY id;
-- diff:reference-up
ALTER TABLE order_lines ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;
-- diff:reference-down
ALTER TABLE order_lines DROP COLUMN total;
