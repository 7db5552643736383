-- text to varchar(5) narrows; varchar(5) to text widens.
-- expect forward: destructive
-- expect backward: none
-- diff:from
CREATE TABLE tags (id int PRIMARY KEY, tag text);
-- diff:to
CREATE TABLE tags (id int PRIMARY KEY, tag varchar(5));
-- diff:data
INSERT INTO tags VALUES (1, 'red'), (2, 'blue');
-- diff:check
SELECT id, tag::text FROM tags ORDER BY id;
-- diff:data-back
INSERT INTO tags VALUES (1, 'red'), (2, 'blue');
-- diff:check-back
SELECT id, tag::text FROM tags ORDER BY id;
-- diff:reference-up
ALTER TABLE tags ALTER COLUMN tag TYPE varchar(5);
-- diff:reference-down
ALTER TABLE tags ALTER COLUMN tag TYPE text;
