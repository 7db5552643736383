-- ADD COLUMN DEFAULT random() on small (SMALL).
-- expect offline: adding-field-with-default warning 1
-- expect catalog: adding-field-with-default warning 1
-- migrate:up
ALTER TABLE small ADD COLUMN t017_weight float8 DEFAULT random();
