-- test/lint/setup.sql - the prepared catalog of the lint corpus (catalog mode)
--
-- Run once in a database that has the pg_migrate extension; every corpus
-- file is then linted against it (nothing of the corpus is executed).  The
-- harness sets pg_migrate.lint_large_rows = 1000, so that:
--   big          5000 rows   LARGE   (error)
--   nopk         2000 rows   LARGE   (error; no primary key, no index)
--   small          10 rows   SMALL   (warning)
--   empty_t         0 rows   EMPTY   (advice; analyzed, reltuples = 0)
--   unanalyzed_t    0 rows   UNKNOWN (warning; never analyzed, reltuples = -1)
CREATE TABLE big (id int PRIMARY KEY, name varchar(50), n int, code char(3), created timestamp, email text, amount numeric(10,2), net cidr, CONSTRAINT big_n_not_null CHECK (n IS NOT NULL));
INSERT INTO big SELECT g, 'name' || g, g, 'abc', now(), 'e' || g, g, '10.0.0.0/8' FROM generate_series(1, 5000) g;
CREATE INDEX big_name_idx ON big (name);
-- a CHECK (code IS NOT NULL) that is NOT VALID: it does not make SET NOT NULL safe
ALTER TABLE big ADD CONSTRAINT big_code_not_null CHECK (code IS NOT NULL) NOT VALID;
CREATE TABLE small (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, big_id int, note text, owner_id int);
INSERT INTO small (big_id, note, owner_id) SELECT g, 'x', g FROM generate_series(1, 10) g;
CREATE INDEX small_owner_idx ON small (owner_id);
-- a foreign key added NOT VALID, to be validated by a later migration
ALTER TABLE small ADD CONSTRAINT small_owner_fk FOREIGN KEY (owner_id) REFERENCES big (id) NOT VALID;
CREATE TABLE empty_t (id bigint PRIMARY KEY, v int, w text);
CREATE INDEX empty_t_v_idx ON empty_t (v);
CREATE TABLE nopk (id bigint NOT NULL, v text);
INSERT INTO nopk SELECT g, 'v' || g FROM generate_series(1, 2000) g;
ANALYZE big, small, empty_t, nopk;
-- never analyzed (autovacuum off, and it stays empty): reltuples = -1
CREATE TABLE unanalyzed_t (id bigint PRIMARY KEY, v int, w text) WITH (autovacuum_enabled = off);
