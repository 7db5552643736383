-- CREATE INDEX without CONCURRENTLY on big (LARGE).
-- expect offline: require-concurrent-index-creation warning 1
-- expect catalog: require-concurrent-index-creation error 1
-- migrate:up
CREATE INDEX t001_big_email_idx ON big (email);
