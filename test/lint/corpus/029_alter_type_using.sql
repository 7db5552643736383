-- A type change with a USING expression that is more than the column
-- counts, even to a type that would not rewrite by itself.
-- expect offline: changing-column-type warning 1
-- expect catalog: changing-column-type error 1
-- migrate:up
ALTER TABLE big ALTER COLUMN name TYPE varchar(100) USING trim(name);
