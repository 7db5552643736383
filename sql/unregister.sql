--
-- unregister: migrate.unregister(id, project) removes a revision that is
-- not applied and that no other revision names as a parent or dependency
-- (README "SQL reference"; the client's "prune" is built on it).  Every
-- refusal changes nothing.  Projects un and un2.
--
-- un: a -> b -> c, d depends on b, e depends on label xlab of x (x -> e
-- is no parent edge).
\i sql/include/helpers.sql
SELECT pgm_regress.rev('un', 'a');
SELECT pgm_regress.rev('un', 'b', '{a}');
SELECT pgm_regress.rev('un', 'c', '{b}');
SELECT pgm_regress.rev('un', 'd', deps => '{b}');
SELECT pgm_regress.rev('un', 'x', labels => '{xlab}');
SELECT pgm_regress.rev('un', 'e', deps => '{xlab}');
SELECT step, revision, direction FROM migrate.upgrade('a', 'un');

-- an unapplied head goes; the event names it
SELECT migrate.unregister('c', 'un');
SELECT id FROM migrate.revisions WHERE project = 'un' ORDER BY seq;
SELECT revision, direction, outcome, current_user_name
  FROM migrate.events WHERE project = 'un' AND direction = 'unregister';

-- still needed as a parent or a dependency: 2BP01, naming who needs it
SELECT migrate.unregister('b', 'un');
\echo :SQLSTATE
SELECT migrate.unregister('x', 'un');
\echo :SQLSTATE
-- applied: 55000
SELECT migrate.unregister('a', 'un');
\echo :SQLSTATE
-- exact ids only: a label or a prefix does not name what is deleted
SELECT migrate.unregister('xlab', 'un');
\echo :SQLSTATE
-- bad input
SELECT migrate.unregister('-x', 'un');
\echo :SQLSTATE
SELECT migrate.unregister(NULL, 'un');
\echo :SQLSTATE
SELECT migrate.unregister('a', 'un_nosuchproject');
\echo :SQLSTATE
SELECT id FROM migrate.revisions WHERE project = 'un' ORDER BY seq;

-- rolled back, nothing happened
BEGIN;
SELECT migrate.unregister('e', 'un');
ROLLBACK;
SELECT id FROM migrate.revisions WHERE project = 'un' ORDER BY seq;

-- from the top down, everything unapplied goes; the project is then up to
-- date again
SELECT migrate.is_up_to_date('un');
SELECT migrate.unregister(r, 'un') FROM unnest(ARRAY['e', 'x', 'd', 'b']) r;
SELECT id FROM migrate.revisions WHERE project = 'un' ORDER BY seq;
SELECT migrate.is_up_to_date('un');
SELECT revision FROM migrate.events
 WHERE project = 'un' AND direction = 'unregister' ORDER BY event_id;
-- the id can be registered again, with other content
SELECT migrate.revision(id => 'b', up => 'SELECT 2', parents => '{a}', project => 'un');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'un');

-- a monitor may not unregister (42501); a migration script may not either
-- (0A000: the running command holds the project)
SET ROLE regress_monitor;
SELECT migrate.unregister('b', 'un');
\echo :SQLSTATE
RESET ROLE;
SELECT pgm_regress.rev('un2', 'r1');
SELECT migrate.revision(id => 'r2', parents => '{r1}', project => 'un2',
						up => $$SELECT migrate.unregister('r3', 'un2')$$);
SELECT pgm_regress.rev('un2', 'r3', '{r2}');
SELECT step, revision, direction FROM migrate.upgrade('r2', 'un2');
\echo :SQLSTATE
SELECT id FROM migrate.revisions WHERE project = 'un2' ORDER BY seq;
