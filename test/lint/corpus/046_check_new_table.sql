-- Checks in CREATE TABLE and added to a table created in the script: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE TABLE t046_prices (
  id bigint PRIMARY KEY,
  cents bigint NOT NULL CHECK (cents >= 0)
);
ALTER TABLE t046_prices ADD CONSTRAINT t046_prices_cap CHECK (cents < 100000000);
