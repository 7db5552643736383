-- Two new tables done right: identity keys, text, timestamptz, an indexed
-- foreign key: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE TABLE t119_customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE t119_invoices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES t119_customers (id),
  total numeric(12,2) NOT NULL CHECK (total >= 0),
  issued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX t119_invoices_customer_idx ON t119_invoices (customer_id);
