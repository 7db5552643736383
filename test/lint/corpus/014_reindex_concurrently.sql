-- REINDEX ... CONCURRENTLY: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
REINDEX INDEX CONCURRENTLY big_name_idx;
REINDEX TABLE CONCURRENTLY small;
