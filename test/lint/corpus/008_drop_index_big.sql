-- DROP INDEX without CONCURRENTLY of an index of big (LARGE).
-- expect offline: require-concurrent-index-deletion warning 1
-- expect catalog: require-concurrent-index-deletion error 1
-- migrate:up
DROP INDEX big_name_idx;
