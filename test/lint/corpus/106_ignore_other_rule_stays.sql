-- The ignored rule goes, another rule on the same statement stays.
-- expect offline: adding-required-field error 1
-- expect catalog: adding-required-field error 1
-- expect ignored: prefer-text-field 1
-- migrate:up
-- migrate:lint-ignore prefer-text-field the partner API fixes the length
ALTER TABLE small ADD COLUMN t106_ref varchar(12) NOT NULL;
