-- New tables where the referencing one sorts first ("a_orders" references
-- "z_customers"): the referenced table is created first, and dropped
-- last.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TABLE z_customers (id int PRIMARY KEY);
CREATE TABLE a_orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES z_customers (id));
CREATE TABLE m_lines (order_id int REFERENCES a_orders (id), n int, PRIMARY KEY (order_id, n));
-- diff:data-back
INSERT INTO z_customers VALUES (1);
INSERT INTO a_orders VALUES (1, 1);
INSERT INTO m_lines VALUES (1, 1);
-- diff:reference-up
CREATE TABLE z_customers (id int PRIMARY KEY);
CREATE TABLE a_orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES z_customers (id));
CREATE TABLE m_lines (order_id int REFERENCES a_orders (id), n int, PRIMARY KEY (order_id, n));
-- diff:reference-down
DROP TABLE m_lines;
DROP TABLE a_orders;
DROP TABLE z_customers;
