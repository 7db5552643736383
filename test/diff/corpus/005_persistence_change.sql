-- A table made unlogged (SET UNLOGGED), and back (SET LOGGED): rewrites,
-- but nothing is lost and no index is built.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE sessions (id int PRIMARY KEY, data text);
-- diff:to
CREATE UNLOGGED TABLE sessions (id int PRIMARY KEY, data text);
-- diff:data
INSERT INTO sessions VALUES (1, 'a'), (2, 'b');
-- diff:check
SELECT * FROM sessions ORDER BY id;
-- diff:data-back
INSERT INTO sessions VALUES (1, 'a'), (2, 'b');
-- diff:check-back
SELECT * FROM sessions ORDER BY id;
-- diff:reference-up
ALTER TABLE sessions SET UNLOGGED;
-- diff:reference-down
ALTER TABLE sessions SET LOGGED;
