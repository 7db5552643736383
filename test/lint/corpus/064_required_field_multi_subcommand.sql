-- One ALTER TABLE with two subcommands, the second a required field.
-- expect offline: adding-required-field error 1
-- expect catalog: adding-required-field error 1
-- migrate:up
ALTER TABLE small ADD COLUMN t064_a int, ADD COLUMN t064_b text NOT NULL;
