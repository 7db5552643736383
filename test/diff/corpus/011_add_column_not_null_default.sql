-- A NOT NULL column with a default, added to a table that has rows.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE tasks (id int PRIMARY KEY, title text);
-- diff:to
CREATE TABLE tasks (id int PRIMARY KEY, title text, status text NOT NULL DEFAULT 'open', priority int NOT NULL DEFAULT 3);
-- diff:data
INSERT INTO tasks VALUES (1, 'write'), (2, 'test');
-- diff:check
SELECT id, title FROM tasks ORDER BY id;
-- diff:reference-up
ALTER TABLE tasks ADD COLUMN status text NOT NULL DEFAULT 'open';
ALTER TABLE tasks ADD COLUMN priority int NOT NULL DEFAULT 3;
-- diff:reference-down
ALTER TABLE tasks DROP COLUMN priority;
ALTER TABLE tasks DROP COLUMN status;
