-- A table that inherits from an existing one: manual.
-- expect forward: manual
-- expect backward: manual
-- expect forward manual mentions: special_items
-- expect backward manual mentions: special_items
-- diff:from
CREATE TABLE items (id int, name text);
-- diff:to
CREATE TABLE items (id int, name text);
CREATE TABLE special_items (extra text) INHERITS (items);
-- diff:reference-up
CREATE TABLE special_items (extra text) INHERITS (items);
-- diff:reference-down
DROP TABLE special_items;
