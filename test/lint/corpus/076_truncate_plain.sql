-- TRUNCATE without CASCADE: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
TRUNCATE empty_t;
