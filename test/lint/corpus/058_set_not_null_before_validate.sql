-- SET NOT NULL before the VALIDATE of its check: it counts (empty_t:
-- advice with the catalog).
-- expect offline: adding-not-nullable-field warning 2
-- expect offline: constraint-missing-not-valid warning 3
-- expect catalog: adding-not-nullable-field advice 2
-- expect catalog: constraint-missing-not-valid warning 3
-- migrate:up
ALTER TABLE empty_t ADD CONSTRAINT t058_w_not_null CHECK (w IS NOT NULL) NOT VALID;
ALTER TABLE empty_t ALTER COLUMN w SET NOT NULL;
ALTER TABLE empty_t VALIDATE CONSTRAINT t058_w_not_null;
