-- A domain without constraints, and ALTER DOMAIN without ADD CONSTRAINT:
-- nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE DOMAIN t082_name AS text;
ALTER DOMAIN t082_name SET DEFAULT '';
ALTER DOMAIN t082_name DROP DEFAULT;
