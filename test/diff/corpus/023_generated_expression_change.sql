-- A generated column's expression changed: PostgreSQL 15 cannot alter
-- it, so the column is dropped and added again (a column dropped:
-- destructive, both ways).
-- expect forward: destructive
-- expect backward: destructive
-- diff:from
CREATE TABLE order_lines (id int PRIMARY KEY, price numeric NOT NULL, qty int NOT NULL,
	total numeric GENERATED ALWAYS AS (price * qty) STORED);
-- diff:to
CREATE TABLE order_lines (id int PRIMARY KEY, price numeric NOT NULL, qty int NOT NULL,
	total numeric GENERATED ALWAYS AS (price * qty * 2) STORED);
-- diff:data
INSERT INTO order_lines VALUES (1, 2.5, 4), (2, 10, 1);
-- diff:check
SELECT id, price, qty FROM order_lines ORDER BY id;
-- diff:reference-up
ALTER TABLE order_lines DROP COLUMN total;
ALTER TABLE order_lines ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty * 2) STORED;
-- diff:reference-down
ALTER TABLE order_lines DROP COLUMN total;
ALTER TABLE order_lines ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;
