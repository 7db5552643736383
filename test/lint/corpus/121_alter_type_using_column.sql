-- USING the column itself (or cast to the new type) is the plain change:
-- varchar(50) -> varchar(100) does not rewrite, with the catalog nothing.
-- expect offline: changing-column-type warning 1
-- expect catalog: none
-- migrate:up
ALTER TABLE big ALTER COLUMN name TYPE varchar(100) USING name::varchar(100);
