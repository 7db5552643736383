-- RENAME COLUMN.
-- expect offline: renaming-column warning 1
-- expect catalog: renaming-column warning 1
-- migrate:up
ALTER TABLE big RENAME COLUMN email TO email_address;
