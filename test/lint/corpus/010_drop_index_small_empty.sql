-- DROP INDEX of an index of small (SMALL) and of empty_t (EMPTY).
-- expect offline: require-concurrent-index-deletion warning 1
-- expect offline: require-concurrent-index-deletion warning 2
-- expect catalog: require-concurrent-index-deletion warning 1
-- expect catalog: require-concurrent-index-deletion advice 2
-- migrate:up
DROP INDEX small_owner_idx;
DROP INDEX empty_t_v_idx;
