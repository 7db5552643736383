-- DROP SCHEMA is not DROP DATABASE: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE SCHEMA t072_tmp;
DROP SCHEMA t072_tmp;
