-- A new view on an existing table.  Dropping a view loses no data: the
-- contract's "..." leaves open whether it is destructive.
-- expect forward: none
-- expect backward: none or destructive
-- diff:from
CREATE TABLE orders (id int PRIMARY KEY, total numeric, paid boolean);
-- diff:to
CREATE TABLE orders (id int PRIMARY KEY, total numeric, paid boolean);
CREATE VIEW unpaid_orders AS SELECT id, total FROM orders WHERE NOT paid;
-- diff:reference-up
CREATE VIEW unpaid_orders AS SELECT id, total FROM orders WHERE NOT paid;
-- diff:reference-down
DROP VIEW unpaid_orders;
