-- Indexes duplicating the UNIQUE and PRIMARY KEY indexes of a table created
-- in the script (with the catalog only; the rule does not run offline).
-- expect offline: none
-- expect catalog: duplicate-index warning 2
-- expect catalog: duplicate-index warning 3
-- migrate:up
CREATE TABLE t104_skus (
  id bigint PRIMARY KEY,
  sku text NOT NULL,
  CONSTRAINT t104_skus_sku_key UNIQUE (sku)
);
CREATE INDEX t104_skus_sku_idx ON t104_skus (sku);
CREATE INDEX t104_skus_id_idx ON t104_skus (id);
