-- A nullable column added to a table with rows; dropped the other way.
-- expect forward: none
-- expect backward: destructive
-- expect forward statement: (?i)ADD\s+(COLUMN\s+)?(IF\s+NOT\s+EXISTS\s+)?note\b
-- expect backward statement: (?i)DROP\s+(COLUMN\s+)?(IF\s+EXISTS\s+)?note\b
-- diff:from
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
-- diff:to
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, note text);
-- diff:data
INSERT INTO customers VALUES (1, 'Ada'), (2, 'Brian');
-- diff:check
SELECT id, name FROM customers ORDER BY id;
-- diff:data-back
INSERT INTO customers VALUES (1, 'Ada', 'x'), (2, 'Brian', NULL);
-- diff:check-back
SELECT id, name FROM customers ORDER BY id;
-- diff:reference-up
ALTER TABLE customers ADD COLUMN note text;
-- diff:reference-down
ALTER TABLE customers DROP COLUMN note;
