-- A new table that references itself.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TABLE categories (id int PRIMARY KEY, parent_id int REFERENCES categories (id) ON DELETE CASCADE, name text);
-- diff:reference-up
CREATE TABLE categories (id int PRIMARY KEY, parent_id int REFERENCES categories (id) ON DELETE CASCADE, name text);
-- diff:reference-down
DROP TABLE categories;
