-- ADD PRIMARY KEY on a table created in the script: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE TABLE t053_keys (id bigint NOT NULL, v text);
ALTER TABLE t053_keys ADD PRIMARY KEY (id);
