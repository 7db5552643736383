-- t115.big is created in the script; plain big is still public.big (LARGE).
-- expect offline: require-concurrent-index-creation warning 4
-- expect catalog: require-concurrent-index-creation error 4
-- migrate:up
CREATE SCHEMA t115;
CREATE TABLE t115.big (id bigint PRIMARY KEY, name text);
CREATE INDEX t115_big_name_idx ON t115.big (name);
CREATE INDEX t115_public_big_created_idx ON big (created);
