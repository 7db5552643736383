-- The safe way (step 2): VALIDATE the NOT VALID foreign key of setup.sql in
-- a migration of its own: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE small VALIDATE CONSTRAINT small_owner_fk;
