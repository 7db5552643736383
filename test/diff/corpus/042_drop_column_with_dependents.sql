-- Columns dropped with the index, unique constraint and check that use
-- them (PostgreSQL drops those with the column: a step that drops them
-- afterwards would fail).  The other way: columns, then an index and a
-- unique constraint built on a table of "from" (blocking).
-- expect forward: destructive
-- expect backward: blocking
-- diff:from
CREATE TABLE products (id int PRIMARY KEY, sku text CONSTRAINT products_sku_key UNIQUE, note text CONSTRAINT products_note_short CHECK (length(note) < 100), kind int);
CREATE INDEX products_note_idx ON products (note);
CREATE INDEX products_kind_note_idx ON products (kind, note);
-- diff:to
CREATE TABLE products (id int PRIMARY KEY, kind int);
-- diff:data
INSERT INTO products VALUES (1, 'a', 'x', 1), (2, 'b', NULL, 2);
-- diff:check
SELECT id, kind FROM products ORDER BY id;
-- diff:data-back
INSERT INTO products VALUES (1, 1), (2, 2);
-- diff:check-back
SELECT id, kind FROM products ORDER BY id;
-- diff:reference-up
ALTER TABLE products DROP COLUMN sku, DROP COLUMN note;
-- diff:reference-down
ALTER TABLE products ADD COLUMN sku text, ADD COLUMN note text;
CREATE UNIQUE INDEX products_sku_key ON products (sku);
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE USING INDEX products_sku_key;
ALTER TABLE products ADD CONSTRAINT products_note_short CHECK (length(note) < 100);
CREATE INDEX products_note_idx ON products (note);
CREATE INDEX products_kind_note_idx ON products (kind, note);
