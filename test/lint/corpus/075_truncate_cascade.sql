-- TRUNCATE ... CASCADE: an error.
-- expect offline: ban-truncate-cascade error 1
-- expect catalog: ban-truncate-cascade error 1
-- migrate:up
TRUNCATE empty_t CASCADE;
