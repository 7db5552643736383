-- ADD COLUMN NOT NULL without a default on empty_t: offline an error (size
-- unknown), with the catalog only advice (EMPTY).
-- expect offline: adding-required-field error 1
-- expect catalog: adding-required-field advice 1
-- migrate:up
ALTER TABLE empty_t ADD COLUMN t062_region text NOT NULL;
