-- ADD PRIMARY KEY without USING INDEX on nopk (LARGE).
-- expect offline: adding-primary-key-constraint warning 1
-- expect catalog: adding-primary-key-constraint error 1
-- migrate:up
ALTER TABLE nopk ADD PRIMARY KEY (id);
