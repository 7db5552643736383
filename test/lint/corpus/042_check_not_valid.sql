-- The safe way (step 1): the CHECK NOT VALID.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE big ADD CONSTRAINT t042_amount_positive CHECK (amount >= 0) NOT VALID;
