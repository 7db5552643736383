-- int -> bigint on big rewrites the table.
-- expect offline: changing-column-type warning 1
-- expect catalog: changing-column-type error 1
-- migrate:up
ALTER TABLE big ALTER COLUMN n TYPE bigint;
