-- The safe way (step 2): VALIDATE the NOT VALID check of setup.sql in a
-- migration of its own: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE big VALIDATE CONSTRAINT big_code_not_null;
