-- ADD COLUMN ... GENERATED ALWAYS AS IDENTITY on big.
-- expect offline: adding-field-with-default warning 1
-- expect catalog: adding-field-with-default error 1
-- migrate:up
ALTER TABLE big ADD COLUMN t019_gid bigint GENERATED ALWAYS AS IDENTITY;
