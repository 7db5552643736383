-- BEGIN and COMMIT inside a migration.
-- expect offline: transaction-nesting error 1
-- expect offline: transaction-nesting error 3
-- expect catalog: transaction-nesting error 1
-- expect catalog: transaction-nesting error 3
-- migrate:up
BEGIN;
ALTER TABLE big ADD COLUMN t087_note text;
COMMIT;
