-- ADD COLUMN with a volatile default (gen_random_uuid) on big.
-- expect offline: adding-field-with-default warning 1
-- expect catalog: adding-field-with-default error 1
-- migrate:up
ALTER TABLE big ADD COLUMN t015_token uuid DEFAULT gen_random_uuid();
