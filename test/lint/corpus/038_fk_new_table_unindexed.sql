-- A column REFERENCES in CREATE TABLE without an index: unindexed-foreign-key,
-- offline too (the table is created in the script); no adding-foreign-key-constraint.
-- expect offline: unindexed-foreign-key warning 1
-- expect catalog: unindexed-foreign-key warning 1
-- migrate:up
CREATE TABLE t038_orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  big_id int NOT NULL REFERENCES big (id),
  placed_at timestamptz NOT NULL DEFAULT now()
);
