-- A new materialized view with an index of its own; dropping it drops
-- stored rows.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE sales (id int, region text, amount numeric);
-- diff:to
CREATE TABLE sales (id int, region text, amount numeric);
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
CREATE UNIQUE INDEX sales_by_region_key ON sales_by_region (region);
-- diff:data
INSERT INTO sales VALUES (1, 'n', 10), (2, 's', 5);
-- diff:check
SELECT * FROM sales ORDER BY id;
-- diff:reference-up
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
CREATE UNIQUE INDEX sales_by_region_key ON sales_by_region (region);
-- diff:reference-down
DROP MATERIALIZED VIEW sales_by_region;
