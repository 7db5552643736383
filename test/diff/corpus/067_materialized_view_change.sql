-- A materialized view's query changed: it cannot be replaced, so it is
-- dropped and created again (WITH DATA), both ways.  Its rows are
-- computed again from the tables, so nothing is lost: not destructive
-- (a materialized view that goes away for good is).
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE sales (id int, region text, amount numeric);
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
-- diff:to
CREATE TABLE sales (id int, region text, amount numeric);
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total, count(*) AS n FROM sales GROUP BY region;
-- diff:reference-up
DROP MATERIALIZED VIEW sales_by_region;
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total, count(*) AS n FROM sales GROUP BY region;
-- diff:reference-down
DROP MATERIALIZED VIEW sales_by_region;
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
