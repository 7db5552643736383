-- ALTER TABLE of a table nobody has: unknown-object (catalog); with IF EXISTS
-- nothing; a required field on it is an error in both modes (UNKNOWN).
-- expect offline: adding-required-field error 3
-- expect catalog: unknown-object error 1
-- expect catalog: adding-required-field error 3
-- expect catalog: unknown-object error 3
-- migrate:up
ALTER TABLE t096_nosuch ADD COLUMN note text;
ALTER TABLE IF EXISTS t096_nosuch ADD COLUMN note2 text;
ALTER TABLE t096_nosuch ADD COLUMN req int NOT NULL;
