-- A rule on a view and a rule on a table (a rule dropped: destructive or
-- not, open).
-- expect forward: none
-- expect backward: none or destructive
-- diff:from
CREATE TABLE items (id int, name text);
CREATE TABLE items_log (id int, at timestamptz DEFAULT now());
CREATE VIEW item_names AS SELECT id, name FROM items;
-- diff:to
CREATE TABLE items (id int, name text);
CREATE TABLE items_log (id int, at timestamptz DEFAULT now());
CREATE VIEW item_names AS SELECT id, name FROM items;
CREATE RULE item_names_update AS ON UPDATE TO item_names DO INSTEAD UPDATE items SET name = NEW.name WHERE id = OLD.id;
CREATE RULE items_logged AS ON INSERT TO items DO ALSO INSERT INTO items_log (id) VALUES (NEW.id);
-- diff:reference-up
CREATE RULE item_names_update AS ON UPDATE TO item_names DO INSTEAD UPDATE items SET name = NEW.name WHERE id = OLD.id;
CREATE RULE items_logged AS ON INSERT TO items DO ALSO INSERT INTO items_log (id) VALUES (NEW.id);
-- diff:reference-down
DROP RULE item_names_update ON item_names;
DROP RULE items_logged ON items;
