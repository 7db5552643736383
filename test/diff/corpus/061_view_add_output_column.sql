-- A view that gains an output column at the end (CREATE OR REPLACE VIEW
-- can do that); the other way a column goes, which takes dropping and
-- creating the view.
-- expect forward: none or destructive
-- expect backward: none or destructive
-- diff:from
CREATE TABLE orders (id int PRIMARY KEY, total numeric, customer text);
CREATE VIEW order_summary AS SELECT id, total FROM orders;
-- diff:to
CREATE TABLE orders (id int PRIMARY KEY, total numeric, customer text);
CREATE VIEW order_summary AS SELECT id, total, upper(customer) AS customer FROM orders;
-- diff:reference-up
CREATE OR REPLACE VIEW order_summary AS SELECT id, total, upper(customer) AS customer FROM orders;
-- diff:reference-down
DROP VIEW order_summary;
CREATE VIEW order_summary AS SELECT id, total FROM orders;
