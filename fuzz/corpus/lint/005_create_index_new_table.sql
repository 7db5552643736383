CREATE TABLE t005_items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku text NOT NULL
);
CREATE INDEX t005_items_sku_idx ON t005_items (sku);
