-- A type change on a table created in the script: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE TABLE t031_stock (id bigint PRIMARY KEY, qty int NOT NULL);
ALTER TABLE t031_stock ALTER COLUMN qty TYPE bigint;
