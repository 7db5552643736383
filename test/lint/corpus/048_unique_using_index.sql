-- The safe way: build the unique index concurrently, then ADD CONSTRAINT
-- UNIQUE USING INDEX: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE UNIQUE INDEX CONCURRENTLY t048_big_email_uidx ON big (email);
ALTER TABLE big ADD CONSTRAINT t048_big_email_key UNIQUE USING INDEX t048_big_email_uidx;
