--
-- tenants: one directory of migrations with unqualified names, deployed to
-- one schema per tenant, each tenant a project with its own search_path
-- (migrate.set_search_path()), transactional and nontransactional
-- revisions alike (README "Tenants in schemas").
--
\i sql/include/helpers.sql
CREATE SCHEMA tn_a;
CREATE SCHEMA "Tn B";
SET pg_migrate.lint_level = off;
SELECT migrate.revision('t1', 'CREATE TABLE items (id bigint PRIMARY KEY, name text)', 'DROP TABLE items', project => p)
  FROM unnest(ARRAY['tn_a', 'tn_b']) AS p;
SELECT migrate.revision('t2', 'CREATE INDEX CONCURRENTLY items_name ON items (name)', 'DROP INDEX CONCURRENTLY items_name',
                        parents => '{t1}', project => p)
  FROM unnest(ARRAY['tn_a', 'tn_b']) AS p;
RESET pg_migrate.lint_level;

-- stored as PostgreSQL prints a search_path; an event records who set it
SELECT migrate.set_search_path('tn_a', 'tn_a');
SELECT migrate.set_search_path('tn_b', '"Tn B",public');
SELECT project, search_path FROM migrate.projects WHERE project LIKE 'tn%' ORDER BY 1;
SELECT project, revision, direction, outcome FROM migrate.events
 WHERE project LIKE 'tn%' AND direction = 'set_search_path' ORDER BY event_id;

-- each tenant's revisions run in its schema, the caller's search_path
-- untouched; the background worker of CREATE INDEX CONCURRENTLY too
SET client_min_messages = warning;
CALL migrate.apply('heads', 'tn_a');
SELECT step, revision, direction FROM migrate.upgrade('t1', 'tn_b');
CALL migrate.apply('heads', 'tn_b');
RESET client_min_messages;
SHOW search_path;
SELECT schemaname, tablename FROM pg_tables WHERE tablename = 'items' AND schemaname IN ('tn_a', 'Tn B') ORDER BY 1;
SELECT schemaname, indexname FROM pg_indexes WHERE indexname = 'items_name' AND schemaname IN ('tn_a', 'Tn B') ORDER BY 1;

-- a script's own SET wins over the project's search_path
SELECT migrate.revision('t3', 'SET search_path = public; CREATE TABLE tn_marker (x int)', 'DROP TABLE public.tn_marker',
                        parents => '{t2}', project => 'tn_a');
SELECT count(*) FROM migrate.upgrade('heads', 'tn_a');
SELECT to_regclass('public.tn_marker') IS NOT NULL AS in_public, to_regclass('tn_a.tn_marker') IS NULL AS not_in_tn_a;

-- down again, each in its own schema
SET client_min_messages = warning;
CALL migrate.apply('base', 'tn_a');
CALL migrate.apply('base', 'tn_b');
RESET client_min_messages;
SELECT count(*) AS items_left FROM pg_tables WHERE tablename = 'items' AND schemaname IN ('tn_a', 'Tn B');

-- NULL: the caller's search_path again
SELECT migrate.set_search_path('tn_a', NULL);
SELECT search_path IS NULL AS unset FROM migrate.projects WHERE project = 'tn_a';

-- bad input: not a list of names 22023; an unknown project 42704; a
-- monitor may not set it 42501; nothing changes
SELECT migrate.set_search_path('tn_b', 'a,,b');
\echo :SQLSTATE
SELECT migrate.set_search_path('tn_b', '"unterminated');
\echo :SQLSTATE
SELECT migrate.set_search_path('tn_b', '');
\echo :SQLSTATE
SELECT migrate.set_search_path('tn_nosuch', 'x');
\echo :SQLSTATE
SELECT migrate.set_search_path(NULL, 'x');
\echo :SQLSTATE
SELECT migrate.grant_monitor('regress_monitor', 'tn_b');
SET ROLE regress_monitor;
SELECT migrate.set_search_path('tn_b', 'public');
\echo :SQLSTATE
RESET ROLE;
SELECT project, search_path FROM migrate.projects WHERE project LIKE 'tn%' ORDER BY 1;

-- a value changed behind pg_migrate's back is refused before anything runs
UPDATE migrate.projects SET search_path = '"broken' WHERE project = 'tn_b';
SELECT * FROM migrate.upgrade('t1', 'tn_b');
\echo :SQLSTATE
UPDATE migrate.projects SET search_path = NULL WHERE project = 'tn_b';
