-- CREATE INDEX without CONCURRENTLY on empty_t (EMPTY: advice with the catalog).
-- expect offline: require-concurrent-index-creation warning 1
-- expect catalog: require-concurrent-index-creation advice 1
-- migrate:up
CREATE INDEX t003_empty_w_idx ON empty_t (w);
