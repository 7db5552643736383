-- varchar(50) -> varchar and numeric(10,2) -> numeric: no rewrite.
-- expect offline: changing-column-type warning 1
-- expect offline: changing-column-type warning 2
-- expect catalog: none
-- migrate:up
ALTER TABLE big ALTER COLUMN name TYPE varchar;
ALTER TABLE big ALTER COLUMN amount TYPE numeric;
