-- txid_current() is stable (pg_proc: provolatile = s), not volatile: the
-- default is computed once, nothing is rewritten; not on the offline list
-- either.  Nothing in either mode.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE big ADD COLUMN t021_created_xid bigint DEFAULT txid_current();
