-- A column's type changed while a view reads it: PostgreSQL refuses to
-- alter a column a view uses, so the view is dropped and created again
-- around the change (and its definition's text is the same in both).
-- expect forward: none or destructive
-- expect backward: destructive
-- diff:from
CREATE TABLE readings (id int PRIMARY KEY, value int);
CREATE VIEW high_readings AS SELECT id, value FROM readings WHERE value > 100;
-- diff:to
CREATE TABLE readings (id int PRIMARY KEY, value bigint);
CREATE VIEW high_readings AS SELECT id, value FROM readings WHERE value > 100;
-- diff:data
INSERT INTO readings VALUES (1, 50), (2, 500);
-- diff:check
SELECT id, value::text FROM high_readings ORDER BY id;
-- diff:reference-up
DROP VIEW high_readings;
ALTER TABLE readings ALTER COLUMN value TYPE bigint;
CREATE VIEW high_readings AS SELECT id, value FROM readings WHERE value > 100;
-- diff:reference-down
DROP VIEW high_readings;
ALTER TABLE readings ALTER COLUMN value TYPE int;
CREATE VIEW high_readings AS SELECT id, value FROM readings WHERE value > 100;
