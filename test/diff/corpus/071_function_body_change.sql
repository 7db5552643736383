-- A function's body and volatility changed, same signature and result:
-- replaced in place, nothing dropped.
-- expect forward: none
-- expect backward: none
-- expect forward no statement: (?i)DROP\s+FUNCTION
-- expect backward no statement: (?i)DROP\s+FUNCTION
-- diff:from
CREATE FUNCTION price_with_tax(p numeric) RETURNS numeric LANGUAGE sql AS 'SELECT p * 1.2';
-- diff:to
CREATE FUNCTION price_with_tax(p numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT round(p * 1.25, 2)';
-- diff:reference-up
CREATE OR REPLACE FUNCTION price_with_tax(p numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT round(p * 1.25, 2)';
-- diff:reference-down
CREATE OR REPLACE FUNCTION price_with_tax(p numeric) RETURNS numeric LANGUAGE sql VOLATILE AS 'SELECT p * 1.2';
