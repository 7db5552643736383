-- The safe way: the unique index concurrently, then PRIMARY KEY USING INDEX.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE UNIQUE INDEX CONCURRENTLY t051_nopk_id_uidx ON nopk (id);
ALTER TABLE nopk ADD CONSTRAINT t051_nopk_pkey PRIMARY KEY USING INDEX t051_nopk_id_uidx;
