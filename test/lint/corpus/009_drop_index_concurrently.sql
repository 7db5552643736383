-- DROP INDEX CONCURRENTLY (schema-qualified, IF EXISTS): nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
DROP INDEX CONCURRENTLY IF EXISTS public.big_name_idx;
