-- ADD COLUMN NOT NULL without a default on big: an error in both modes.
-- expect offline: adding-required-field error 1
-- expect catalog: adding-required-field error 1
-- migrate:up
ALTER TABLE big ADD COLUMN t060_tenant_id bigint NOT NULL;
