-- An index added to an existing table: blocking; the --online proof
-- builds it CONCURRENTLY.  Dropping it loses no data.
-- expect forward: blocking
-- expect backward: none
-- expect forward statement: (?i)CREATE\s+INDEX\s+(IF\s+NOT\s+EXISTS\s+)?customers_name_idx\s+ON\s+(ONLY\s+)?(public\.)?customers
-- diff:from
CREATE TABLE customers (id int PRIMARY KEY, name text);
-- diff:to
CREATE TABLE customers (id int PRIMARY KEY, name text);
CREATE INDEX customers_name_idx ON customers (name);
-- diff:data
INSERT INTO customers VALUES (1, 'a'), (2, 'b');
-- diff:check
SELECT * FROM customers ORDER BY id;
-- diff:reference-up
CREATE INDEX customers_name_idx ON customers (name);
-- diff:reference-down
DROP INDEX customers_name_idx;
