-- Rewriting type changes on small (SMALL), empty_t (EMPTY) and unanalyzed_t
-- (UNKNOWN).
-- expect offline: changing-column-type warning 1
-- expect offline: changing-column-type warning 2
-- expect offline: changing-column-type warning 3
-- expect catalog: changing-column-type warning 1
-- expect catalog: changing-column-type advice 2
-- expect catalog: changing-column-type warning 3
-- migrate:up
ALTER TABLE small ALTER COLUMN note TYPE varchar(10);
ALTER TABLE empty_t ALTER COLUMN v TYPE bigint;
ALTER TABLE unanalyzed_t ALTER COLUMN v TYPE bigint;
