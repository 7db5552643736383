-- The safe way (step 3): big.n has a validated CHECK (n IS NOT NULL) in
-- the catalog, so SET NOT NULL scans nothing; then the check goes.  Offline the
-- catalog is unknown: a warning.
-- expect offline: adding-not-nullable-field warning 1
-- expect catalog: none
-- migrate:up
ALTER TABLE big ALTER COLUMN n SET NOT NULL;
ALTER TABLE big DROP CONSTRAINT big_n_not_null;
