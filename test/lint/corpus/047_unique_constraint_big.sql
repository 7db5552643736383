-- ADD CONSTRAINT ... UNIQUE without USING INDEX on big.
-- expect offline: disallowed-unique-constraint warning 1
-- expect catalog: disallowed-unique-constraint error 1
-- migrate:up
ALTER TABLE big ADD CONSTRAINT t047_email_key UNIQUE (email);
