-- CREATE INDEX CONCURRENTLY on big: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE INDEX CONCURRENTLY t006_big_email_idx ON big (email);
