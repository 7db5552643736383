-- serial primary key (two rules), smallint primary key as the only column of
-- a table constraint, bigserial primary key.
-- expect offline: prefer-bigint-over-int advice 1
-- expect offline: prefer-identity advice 1
-- expect offline: prefer-bigint-over-int advice 2
-- expect offline: prefer-identity advice 3
-- expect catalog: prefer-bigint-over-int advice 1
-- expect catalog: prefer-identity advice 1
-- expect catalog: prefer-bigint-over-int advice 2
-- expect catalog: prefer-identity advice 3
-- migrate:up
CREATE TABLE t084_counters (id serial PRIMARY KEY, hits bigint NOT NULL DEFAULT 0);
CREATE TABLE t084_tags (id smallint, label text NOT NULL, PRIMARY KEY (id));
CREATE TABLE t084_blobs (id bigserial PRIMARY KEY, data bytea);
