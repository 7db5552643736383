-- CREATE UNIQUE INDEX without CONCURRENTLY on small.  small_owner_idx covers the
-- same column, but it is not UNIQUE and the new one is: not a duplicate.
-- expect offline: require-concurrent-index-creation warning 1
-- expect catalog: require-concurrent-index-creation warning 1
-- migrate:up
CREATE UNIQUE INDEX t007_small_owner_uidx ON small (owner_id);
