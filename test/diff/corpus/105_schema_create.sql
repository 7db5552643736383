-- A new schema with a comment, a table, a sequence, a view, a function
-- and a type in it.
-- expect forward: none
-- expect backward: destructive
-- expect backward statement: (?i)DROP\s+SCHEMA
-- diff:from
-- diff:to
CREATE SCHEMA billing;
COMMENT ON SCHEMA billing IS 'money';
CREATE TYPE billing.currency AS ENUM ('EUR', 'USD');
CREATE SEQUENCE billing.invoice_no;
CREATE TABLE billing.invoices (no bigint PRIMARY KEY DEFAULT nextval('billing.invoice_no'), cur billing.currency, amount numeric);
CREATE VIEW billing.big_invoices AS SELECT no, amount FROM billing.invoices WHERE amount > 1000;
CREATE FUNCTION billing.total() RETURNS numeric LANGUAGE sql STABLE AS 'SELECT sum(amount) FROM billing.invoices';
-- diff:reference-up
CREATE SCHEMA billing;
COMMENT ON SCHEMA billing IS 'money';
CREATE TYPE billing.currency AS ENUM ('EUR', 'USD');
CREATE SEQUENCE billing.invoice_no;
CREATE TABLE billing.invoices (no bigint PRIMARY KEY DEFAULT nextval('billing.invoice_no'), cur billing.currency, amount numeric);
CREATE VIEW billing.big_invoices AS SELECT no, amount FROM billing.invoices WHERE amount > 1000;
CREATE FUNCTION billing.total() RETURNS numeric LANGUAGE sql STABLE AS 'SELECT sum(amount) FROM billing.invoices';
-- diff:reference-down
DROP SCHEMA billing CASCADE;
