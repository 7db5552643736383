-- A domain's base type changed: manual (the contract), both ways.
-- expect forward: manual
-- expect backward: manual
-- expect forward manual mentions: quantity_d
-- expect backward manual mentions: quantity_d
-- diff:from
CREATE DOMAIN quantity_d AS int CHECK (VALUE >= 0);
-- diff:to
CREATE DOMAIN quantity_d AS bigint CHECK (VALUE >= 0);
-- diff:reference-up
DROP DOMAIN quantity_d;
CREATE DOMAIN quantity_d AS bigint CHECK (VALUE >= 0);
-- diff:reference-down
DROP DOMAIN quantity_d;
CREATE DOMAIN quantity_d AS int CHECK (VALUE >= 0);
