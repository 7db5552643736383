-- DROP DATABASE: always an error.
-- expect offline: ban-drop-database error 1
-- expect catalog: ban-drop-database error 1
-- migrate:up
DROP DATABASE IF EXISTS t071_scratch;
