-- Primary keys dropped and added again on small (SMALL) and empty_t (EMPTY);
-- DROP CONSTRAINT itself is no finding.
-- expect offline: adding-primary-key-constraint warning 2
-- expect offline: adding-primary-key-constraint warning 4
-- expect catalog: adding-primary-key-constraint warning 2
-- expect catalog: adding-primary-key-constraint advice 4
-- migrate:up
ALTER TABLE small DROP CONSTRAINT small_pkey;
ALTER TABLE small ADD CONSTRAINT small_pkey PRIMARY KEY (id);
ALTER TABLE empty_t DROP CONSTRAINT empty_t_pkey;
ALTER TABLE empty_t ADD PRIMARY KEY (id);
