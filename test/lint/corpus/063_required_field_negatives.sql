-- NOT NULL on a NEW table, and NOT NULL with a constant default: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE TABLE t063_accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
ALTER TABLE t063_accounts ADD COLUMN email text NOT NULL;
ALTER TABLE big ADD COLUMN t063_tier int NOT NULL DEFAULT 0;
