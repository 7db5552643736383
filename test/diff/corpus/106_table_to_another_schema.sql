-- A table in another schema is another table: renames (SET SCHEMA
-- included) are never guessed; one is dropped and the other created.
-- expect forward: destructive
-- expect backward: destructive
-- expect forward no statement: (?i)SET\s+SCHEMA|\bRENAME\b
-- expect backward no statement: (?i)SET\s+SCHEMA|\bRENAME\b
-- diff:from
CREATE SCHEMA old_area;
CREATE SCHEMA new_area;
CREATE TABLE old_area.items (id int PRIMARY KEY, v text);
-- diff:to
CREATE SCHEMA old_area;
CREATE SCHEMA new_area;
CREATE TABLE new_area.items (id int PRIMARY KEY, v text);
-- diff:reference-up
DROP TABLE old_area.items;
CREATE TABLE new_area.items (id int PRIMARY KEY, v text);
-- diff:reference-down
DROP TABLE new_area.items;
CREATE TABLE old_area.items (id int PRIMARY KEY, v text);
