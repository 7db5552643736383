-- A serial column added to a table with rows: a sequence, the column with
-- its nextval() default (filling the rows), the sequence owned by it.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE pages (title text);
-- diff:to
CREATE TABLE pages (title text, id serial);
-- diff:data
INSERT INTO pages VALUES ('a'), ('b');
-- diff:check
SELECT title FROM pages ORDER BY title;
-- diff:reference-up
ALTER TABLE pages ADD COLUMN id serial;
-- diff:reference-down
ALTER TABLE pages DROP COLUMN id;
