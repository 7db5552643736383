-- "T113_Orders" is created, but t113_orders (folded to lower case) is another
-- table that nobody has.
-- expect offline: require-concurrent-index-creation warning 2
-- expect catalog: unknown-object error 2
-- expect catalog: require-concurrent-index-creation warning 2
-- migrate:up
CREATE TABLE "T113_Orders" (id bigint PRIMARY KEY, ref text);
CREATE INDEX t113_orders_ref_idx ON t113_orders (ref);
