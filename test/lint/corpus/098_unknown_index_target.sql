-- CREATE INDEX on tables nobody has: "BIG" quoted is not big.
-- expect offline: require-concurrent-index-creation warning 2
-- expect catalog: unknown-object error 1
-- expect catalog: unknown-object error 2
-- expect catalog: require-concurrent-index-creation warning 2
-- migrate:up
CREATE INDEX CONCURRENTLY t098_nosuch_x_idx ON t098_nosuch (x);
CREATE INDEX t098_upper_idx ON "BIG" (name);
