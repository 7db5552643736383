-- varchar(50) -> text: no rewrite.
-- expect offline: changing-column-type warning 1
-- expect catalog: none
-- migrate:up
ALTER TABLE big ALTER COLUMN name TYPE text;
