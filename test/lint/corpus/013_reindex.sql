-- REINDEX without CONCURRENTLY on each size class.
-- expect offline: require-concurrent-reindex warning 1
-- expect offline: require-concurrent-reindex warning 2
-- expect offline: require-concurrent-reindex warning 3
-- expect offline: require-concurrent-reindex warning 4
-- expect catalog: require-concurrent-reindex error 1
-- expect catalog: require-concurrent-reindex warning 2
-- expect catalog: require-concurrent-reindex advice 3
-- expect catalog: require-concurrent-reindex warning 4
-- migrate:up
REINDEX INDEX big_name_idx;
REINDEX TABLE small;
REINDEX TABLE empty_t;
REINDEX TABLE unanalyzed_t;
