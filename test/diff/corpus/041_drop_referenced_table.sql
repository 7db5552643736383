-- A referenced table dropped while its referencing table stays (the
-- foreign key goes first); the other way the table comes back and the
-- foreign key after it.  (The children reference no parent: the parents'
-- rows are gone after the up script, and the key could not come back.)
-- expect forward: destructive
-- expect backward: none
-- diff:from
CREATE TABLE parents (id int PRIMARY KEY);
CREATE TABLE children (id int PRIMARY KEY, parent_id int CONSTRAINT children_parent_fk REFERENCES parents (id));
-- diff:to
CREATE TABLE children (id int PRIMARY KEY, parent_id int);
-- diff:data
INSERT INTO parents VALUES (1);
INSERT INTO children VALUES (1, NULL), (2, NULL);
-- diff:check
SELECT * FROM children ORDER BY id;
-- diff:reference-up
ALTER TABLE children DROP CONSTRAINT children_parent_fk;
DROP TABLE parents;
-- diff:reference-down
CREATE TABLE parents (id int PRIMARY KEY);
ALTER TABLE children ADD CONSTRAINT children_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id);
