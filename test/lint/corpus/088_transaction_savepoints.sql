-- START TRANSACTION, SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK.
-- expect offline: transaction-nesting error 1
-- expect offline: transaction-nesting error 2
-- expect offline: transaction-nesting error 4
-- expect offline: transaction-nesting error 5
-- expect catalog: transaction-nesting error 1
-- expect catalog: transaction-nesting error 2
-- expect catalog: transaction-nesting error 4
-- expect catalog: transaction-nesting error 5
-- migrate:up
START TRANSACTION;
SAVEPOINT t088_sp;
ALTER TABLE small ADD COLUMN t088_note text;
RELEASE SAVEPOINT t088_sp;
ROLLBACK;
