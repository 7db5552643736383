-- SET NOT NULL on big.email (no check), big.code (its check is NOT VALID)
-- and unanalyzed_t.w (UNKNOWN).
-- expect offline: adding-not-nullable-field warning 1
-- expect offline: adding-not-nullable-field warning 2
-- expect offline: adding-not-nullable-field warning 3
-- expect catalog: adding-not-nullable-field error 1
-- expect catalog: adding-not-nullable-field error 2
-- expect catalog: adding-not-nullable-field warning 3
-- migrate:up
ALTER TABLE big ALTER COLUMN email SET NOT NULL;
ALTER TABLE big ALTER COLUMN code SET NOT NULL;
ALTER TABLE unanalyzed_t ALTER COLUMN w SET NOT NULL;
