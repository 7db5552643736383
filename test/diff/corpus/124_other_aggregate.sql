-- An aggregate (listed under the snapshot's "other"): manual.
-- expect forward: manual
-- expect backward: manual
-- expect forward manual mentions: my_sum
-- expect backward manual mentions: my_sum
-- diff:from
-- diff:to
CREATE AGGREGATE my_sum(int) (sfunc = int4pl, stype = int, initcond = '0');
-- diff:reference-up
CREATE AGGREGATE my_sum(int) (sfunc = int4pl, stype = int, initcond = '0');
-- diff:reference-down
DROP AGGREGATE my_sum(int);
