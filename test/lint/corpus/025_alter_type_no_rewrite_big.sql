-- Type changes that need no rewrite (varchar(50) -> varchar(100),
-- numeric(10,2) -> numeric(12,2), cidr -> inet, text -> text): nothing with the
-- catalog, a warning each offline.
-- expect offline: changing-column-type warning 1
-- expect offline: changing-column-type warning 2
-- expect offline: changing-column-type warning 3
-- expect offline: changing-column-type warning 4
-- expect catalog: none
-- migrate:up
ALTER TABLE big ALTER COLUMN name TYPE varchar(100);
ALTER TABLE big ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE big ALTER COLUMN net TYPE inet;
ALTER TABLE big ALTER COLUMN email TYPE text;
