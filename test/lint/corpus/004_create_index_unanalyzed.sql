-- CREATE INDEX without CONCURRENTLY on unanalyzed_t (never analyzed: UNKNOWN).
-- expect offline: require-concurrent-index-creation warning 1
-- expect catalog: require-concurrent-index-creation warning 1
-- migrate:up
CREATE INDEX t004_unanalyzed_v_idx ON unanalyzed_t (v);
