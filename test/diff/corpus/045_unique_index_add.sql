-- A unique index added to an existing table: blocking.
-- expect forward: blocking
-- expect backward: none
-- diff:from
CREATE TABLE customers (id int PRIMARY KEY, email text);
-- diff:to
CREATE TABLE customers (id int PRIMARY KEY, email text);
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));
-- diff:data
INSERT INTO customers VALUES (1, 'a@x'), (2, 'B@x');
-- diff:check
SELECT * FROM customers ORDER BY id;
-- diff:reference-up
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));
-- diff:reference-down
DROP INDEX customers_email_key;
