-- A column's collation changed (COLLATE "C" and back): the values stay.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE words (id int PRIMARY KEY, w text);
CREATE INDEX words_w_idx ON words (w);
-- diff:to
CREATE TABLE words (id int PRIMARY KEY, w text COLLATE "C");
CREATE INDEX words_w_idx ON words (w);
-- diff:data
INSERT INTO words VALUES (1, 'b'), (2, 'A');
-- diff:check
SELECT * FROM words ORDER BY id;
-- diff:reference-up
ALTER TABLE words ALTER COLUMN w TYPE text COLLATE "C";
-- diff:reference-down
ALTER TABLE words ALTER COLUMN w TYPE text COLLATE "default";
