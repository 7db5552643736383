-- ADD CONSTRAINT ... CHECK without NOT VALID on big.
-- expect offline: constraint-missing-not-valid warning 1
-- expect catalog: constraint-missing-not-valid error 1
-- migrate:up
ALTER TABLE big ADD CONSTRAINT t041_amount_positive CHECK (amount >= 0);
