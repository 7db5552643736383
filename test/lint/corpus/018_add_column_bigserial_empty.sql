-- ADD COLUMN bigserial on empty_t (EMPTY): the default rule, plus the
-- style rule prefer-identity.
-- expect offline: adding-field-with-default warning 1
-- expect offline: prefer-identity advice 1
-- expect catalog: adding-field-with-default advice 1
-- expect catalog: prefer-identity advice 1
-- migrate:up
ALTER TABLE empty_t ADD COLUMN t018_seq bigserial;
