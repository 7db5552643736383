-- txid_current() is on the offline list of volatile functions, but
-- pg_proc says it is stable (provolatile = s): offline it fires, with the
-- catalog it does not.
-- expect offline: adding-field-with-default warning 1
-- expect catalog: none
-- migrate:up
ALTER TABLE big ADD COLUMN t021_created_xid bigint DEFAULT txid_current();
