-- Many changes at once: a table created and one dropped, a column added
-- and one dropped, a type widened, a default changed, an index built on
-- an existing table, a view changed, a function added.
-- expect forward: blocking, destructive
-- expect backward: blocking, destructive
-- diff:from
CREATE TABLE customers (id int PRIMARY KEY, name text, fax text, score int DEFAULT 0);
CREATE TABLE legacy_log (id int, msg text);
CREATE INDEX customers_fax_idx ON customers (fax);
CREATE VIEW customer_names AS SELECT id, name FROM customers;
-- diff:to
CREATE TABLE customers (id int PRIMARY KEY, name text, score bigint DEFAULT 1, email text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id), total numeric);
CREATE INDEX customers_email_idx ON customers (email);
CREATE VIEW customer_names AS SELECT id, name, email FROM customers;
CREATE FUNCTION order_count(c int) RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM orders WHERE customer_id = c';
-- diff:data
INSERT INTO customers VALUES (1, 'a', 'f', 3);
INSERT INTO legacy_log VALUES (1, 'x');
-- diff:check
SELECT id, name, score::text FROM customers ORDER BY id;
-- diff:data-back
INSERT INTO customers VALUES (1, 'a', 3, 'a@x');
INSERT INTO orders VALUES (1, 1, 10);
-- diff:check-back
SELECT id, name, score::text FROM customers ORDER BY id;
-- diff:reference-up
DROP TABLE legacy_log;
DROP VIEW customer_names;
ALTER TABLE customers DROP COLUMN fax;
ALTER TABLE customers ALTER COLUMN score TYPE bigint, ALTER COLUMN score SET DEFAULT 1;
ALTER TABLE customers ADD COLUMN email text;
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id), total numeric);
CREATE INDEX customers_email_idx ON customers (email);
CREATE VIEW customer_names AS SELECT id, name, email FROM customers;
CREATE FUNCTION order_count(c int) RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM orders WHERE customer_id = c';
-- diff:reference-down
DROP FUNCTION order_count(int);
DROP VIEW customer_names;
DROP INDEX customers_email_idx;
DROP TABLE orders;
ALTER TABLE customers DROP COLUMN email;
ALTER TABLE customers ALTER COLUMN score TYPE int, ALTER COLUMN score SET DEFAULT 0;
ALTER TABLE customers ADD COLUMN fax text;
CREATE INDEX customers_fax_idx ON customers (fax);
CREATE VIEW customer_names AS SELECT id, name FROM customers;
CREATE TABLE legacy_log (id int, msg text);
