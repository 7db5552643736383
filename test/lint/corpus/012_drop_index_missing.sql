-- DROP INDEX of indexes nobody has: UNKNOWN severity; without IF EXISTS also
-- unknown-object with the catalog.
-- expect offline: require-concurrent-index-deletion warning 1
-- expect offline: require-concurrent-index-deletion warning 2
-- expect catalog: require-concurrent-index-deletion warning 1
-- expect catalog: require-concurrent-index-deletion warning 2
-- expect catalog: unknown-object error 2
-- migrate:up
DROP INDEX IF EXISTS t012_gone_idx;
DROP INDEX t012_missing_idx;
