-- An index added to an existing materialized view.  The contract speaks
-- of "a table that exists in from"; an index build on a materialized view
-- blocks its refresh the same way.  Open: blocking or not.
-- expect forward: blocking or none
-- expect backward: none
-- diff:from
CREATE TABLE sales (id int, region text, amount numeric);
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
-- diff:to
CREATE TABLE sales (id int, region text, amount numeric);
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
CREATE UNIQUE INDEX sales_by_region_key ON sales_by_region (region);
-- diff:reference-up
CREATE UNIQUE INDEX sales_by_region_key ON sales_by_region (region);
-- diff:reference-down
DROP INDEX sales_by_region_key;
