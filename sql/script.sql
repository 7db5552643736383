--
-- script: migrate.script(), the offline SQL of a command with its version
-- bookkeeping (docs/design.md section 3, like "alembic upgrade --sql"), and
-- migrate.merge().  Every scenario uses its own project (sc_*).
--
-- book(p): the bookkeeping: applied revisions (how) and the audit trail.
\i sql/include/helpers.sql
CREATE FUNCTION pg_temp.book(p text, OUT applied text, OUT events text)
LANGUAGE sql AS $$
	SELECT (SELECT coalesce(string_agg(revision || ':' || applied_via || ':' || applied_by,
									   ' ' ORDER BY revision), '')
			  FROM migrate.applied WHERE project = p),
		   (SELECT coalesce(string_agg(revision || ':' || direction || ':' || outcome,
									   ' ' ORDER BY event_id), '')
			  FROM migrate.events WHERE project = p)
$$;
-- The whole script text goes into the expected file, unaligned.
\pset format unaligned
\pset tuples_only on

--
-- LIN r1 -> r2 -> r3 at {r1}.  script('heads') is the upgrade from the
-- current state: one transaction that takes the project's row lock, runs
-- each up script followed by its bookkeeping, and bumps the state version.
-- A script without a final semicolon gets one.
--
SELECT pgm_regress.rev_msg('sc_lin', 'r1');
SELECT migrate.revision(id => 'r2', parents => '{r1}', project => 'sc_lin',
						message => 'two statements',
						up => 'CREATE TABLE sc_lin_r2 (x int);
INSERT INTO sc_lin_r2 VALUES (2);',
						down => 'DROP TABLE sc_lin_r2;');
SELECT pgm_regress.rev_msg('sc_lin', 'r3', '{r2}');
SELECT step, revision, direction FROM migrate.upgrade('r1', 'sc_lin');
SELECT migrate.script('heads', 'sc_lin');
-- the default target is heads
SELECT migrate.script(project => 'sc_lin') = migrate.script('heads', 'sc_lin');
-- base:heads is the full upgrade, whatever the current state
SELECT migrate.script('base:heads', 'sc_lin');
-- heads:base is the full downgrade
SELECT migrate.script('heads:base', 'sc_lin');
-- a range from a middle revision: r1 assumed applied, up to r3
SELECT migrate.script('r1:r3', 'sc_lin');
-- and down again from r3 to r1
SELECT migrate.script('r3:r1', 'sc_lin');
-- from the current state {r1}: a downgrade to base, and nothing to do
SELECT migrate.script('base', 'sc_lin');
SELECT migrate.script('r1', 'sc_lin');
-- script() runs nothing
SELECT * FROM pgm_regress.state('sc_lin');
SELECT * FROM pg_temp.book('sc_lin');

-- an unknown project is an error, and asking creates nothing
SELECT migrate.script('heads', 'sc_empty');
SELECT count(*) FROM migrate.projects WHERE project = 'sc_empty';

--
-- A downgrade through an irreversible revision (down script NULL) is
-- refused with 55000 naming it, from the current state and as a range;
-- a downgrade that stops above it is fine.
--
SELECT pgm_regress.rev_msg('sc_irr', 'i1');
SELECT migrate.revision(id => 'i2', parents => '{i1}', project => 'sc_irr',
						up => 'CREATE TABLE sc_irr_i2 (x int)', message => 'no way back');
SELECT pgm_regress.rev_msg('sc_irr', 'i3', '{i2}');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sc_irr');
SELECT migrate.script('base', 'sc_irr');
\echo :SQLSTATE
SELECT migrate.script('heads:base', 'sc_irr');
\echo :SQLSTATE
SELECT migrate.script('i3:i1', 'sc_irr');
\echo :SQLSTATE
SELECT migrate.script('i2', 'sc_irr');
-- upgrading through it is fine
SELECT migrate.script('base:i3', 'sc_irr');

--
-- A nontransactional revision (CREATE INDEX CONCURRENTLY) ends the
-- transaction before it and runs outside a transaction block; the next
-- transactional revision starts a new one.
--
SELECT pgm_regress.rev_msg('sc_nt', 'n1');
SELECT migrate.revision(id => 'n2', parents => '{n1}', project => 'sc_nt',
						message => 'index concurrently',
						up => 'CREATE INDEX CONCURRENTLY sc_nt_n1_x ON sc_nt_n1 (x)',
						down => 'DROP INDEX sc_nt_n1_x');
SELECT pgm_regress.rev_msg('sc_nt', 'n3', '{n2}');
SELECT migrate.script('heads', 'sc_nt');
-- the last revision nontransactional: BEGIN again for the final update
SELECT migrate.script('n2', 'sc_nt');

--
-- Running a generated upgrade script for real (psql interpolates the
-- variable and runs its statements one by one) gives the same version set,
-- tables, applied rows and audit trail as upgrade() does on an identical
-- project.  LIN at {r1}: the script runs r2 and r3.
--
\pset format aligned
\pset tuples_only off
SELECT pgm_regress.rev_msg('sc_run', 'r1');
SELECT pgm_regress.rev_msg('sc_run', 'r2', '{r1}');
SELECT pgm_regress.rev_msg('sc_run', 'r3', '{r2}');
SELECT pgm_regress.rev_msg('sc_ref', 'r1');
SELECT pgm_regress.rev_msg('sc_ref', 'r2', '{r1}');
SELECT pgm_regress.rev_msg('sc_ref', 'r3', '{r2}');
SELECT step, revision, direction FROM migrate.upgrade('r1', 'sc_run');
SELECT step, revision, direction FROM migrate.upgrade('r1', 'sc_ref');
SELECT migrate.script('heads', 'sc_run') AS upgrade_script \gset
:upgrade_script
SELECT step, revision, direction FROM migrate.upgrade('heads', 'sc_ref');
SELECT * FROM pgm_regress.state('sc_run');
SELECT * FROM pgm_regress.state('sc_ref');
SELECT * FROM pg_temp.book('sc_run');
SELECT * FROM pg_temp.book('sc_ref');
SELECT * FROM migrate.current('sc_run');
SELECT migrate.is_up_to_date('sc_run');
-- the state version moved like upgrade()'s
SELECT (SELECT state_version FROM migrate.projects WHERE project = 'sc_run') =
	   (SELECT state_version FROM migrate.projects WHERE project = 'sc_ref')
	   AS same_state_version;
-- and the downgrade script takes it back to {r1}
SELECT migrate.script('r1', 'sc_run') AS downgrade_script \gset
:downgrade_script
SELECT * FROM pgm_regress.state('sc_run');
SELECT * FROM pg_temp.book('sc_run');

--
-- The same with the nontransactional revision, which upgrade() cannot
-- run: the script creates the index concurrently outside a transaction.
--
SELECT migrate.script('heads', 'sc_nt') AS nt_script \gset
:nt_script
SELECT * FROM pgm_regress.state('sc_nt');
SELECT * FROM pg_temp.book('sc_nt');
SELECT indexname FROM pg_indexes WHERE tablename = 'sc_nt_n1';
SELECT migrate.is_up_to_date('sc_nt');

--
-- A message of several lines stays a comment in the script: the script
-- still runs and applies the revision.
--
SELECT migrate.revision(id => 'ml', project => 'sc_ml',
						message => E'first line\nsecond line',
						up => 'CREATE TABLE sc_ml_ml (x int)',
						down => 'DROP TABLE sc_ml_ml');
SELECT migrate.script('heads', 'sc_ml') AS ml_script \gset
:ml_script
SELECT * FROM pgm_regress.state('sc_ml');
SELECT * FROM pg_temp.book('sc_ml');
SELECT message FROM migrate.show('ml', 'sc_ml');

--
-- merge(): registers an empty revision whose parents are the given
-- revisions.  FORK: merge(ARRAY['heads']) with an explicit id joins d1 and
-- d2; afterwards there is one head and upgrade('head') works, running the
-- last-listed parent's lineage first.
--
SELECT pgm_regress.rev_msg('sc_merge', 'a');
SELECT pgm_regress.rev_msg('sc_merge', 'b', '{a}');
SELECT pgm_regress.rev_msg('sc_merge', 'c1', '{b}', '{c1branch}');
SELECT pgm_regress.rev_msg('sc_merge', 'd1', '{c1}');
SELECT pgm_regress.rev_msg('sc_merge', 'c2', '{b}', '{c2branch}');
SELECT pgm_regress.rev_msg('sc_merge', 'd2', '{c2}');
SELECT step, revision, direction FROM migrate.upgrade('head', 'sc_merge');
\echo :SQLSTATE
SELECT migrate.merge(ARRAY['heads'], 'join the branches', 'mg1', 'sc_merge');
SELECT id, parents, branch_labels, depends_on, message, up, down, up_class,
	   down_class, applied, is_head
  FROM migrate.show('mg1', 'sc_merge');
SELECT * FROM migrate.heads('sc_merge');
SELECT * FROM migrate.plan('head', 'sc_merge');
SELECT step, revision, direction FROM migrate.upgrade('head', 'sc_merge');
SELECT * FROM pgm_regress.state('sc_merge');
-- merging again: one head only, so fewer than two revisions (22023)
SELECT migrate.merge(ARRAY['heads'], project => 'sc_merge');
\echo :SQLSTATE

--
-- merge() with a generated id: 12 hexadecimal digits (random, so only its
-- form is shown).  FOREST: merging b1 and b2 leaves one head; upgrade('head')
-- runs the last-listed parent's tree first, then the merge.
--
SELECT pgm_regress.rev_msg('sc_merge2', 'a1');
SELECT pgm_regress.rev_msg('sc_merge2', 'b1', '{a1}');
SELECT pgm_regress.rev_msg('sc_merge2', 'a2');
SELECT pgm_regress.rev_msg('sc_merge2', 'b2', '{a2}');
SELECT length(m) AS id_length, m ~ '^[0-9a-f]{12}$' AS hex_id
  FROM migrate.merge(ARRAY['b1', 'b2'], project => 'sc_merge2') AS m;
SELECT h ~ '^[0-9a-f]{12}$' AS head_is_merge, s.parents, s.message
  FROM migrate.heads('sc_merge2') AS h, migrate.show(h, 'sc_merge2') AS s;
SELECT count(*) AS heads FROM migrate.heads('sc_merge2');
SELECT step,
	   CASE WHEN revision ~ '^[0-9a-f]{12}$' THEN '(merge)' ELSE revision END AS revision,
	   direction
  FROM migrate.upgrade('head', 'sc_merge2');
SELECT tables FROM pgm_regress.state('sc_merge2');

--
-- Bad merges change nothing: fewer than two distinct revisions (22023),
-- a revision and its ancestor (22023), NULL revisions (22004), an unknown
-- revision (42704).
--
SELECT pgm_regress.rev_msg('sc_merge3', 'a');
SELECT pgm_regress.rev_msg('sc_merge3', 'b', '{a}');
SELECT pgm_regress.rev_msg('sc_merge3', 'c1', '{b}');
SELECT pgm_regress.rev_msg('sc_merge3', 'c2', '{b}');
SELECT migrate.merge(ARRAY['c1'], id => 'x1', project => 'sc_merge3');
\echo :SQLSTATE
SELECT migrate.merge(ARRAY['c1', 'c1'], id => 'x1', project => 'sc_merge3');
\echo :SQLSTATE
SELECT migrate.merge(ARRAY[]::text[], id => 'x1', project => 'sc_merge3');
\echo :SQLSTATE
SELECT migrate.merge(ARRAY['b', 'c1'], id => 'x1', project => 'sc_merge3');
\echo :SQLSTATE
SELECT migrate.merge(ARRAY['c2', 'a'], id => 'x1', project => 'sc_merge3');
\echo :SQLSTATE
SELECT migrate.merge(NULL, id => 'x1', project => 'sc_merge3');
\echo :SQLSTATE
SELECT migrate.merge(ARRAY['c1', NULL], id => 'x1', project => 'sc_merge3');
\echo :SQLSTATE
SELECT migrate.merge(ARRAY['c1', 'c3'], id => 'x1', project => 'sc_merge3');
\echo :SQLSTATE
SELECT * FROM migrate.heads('sc_merge3');
SELECT revision FROM migrate.status('sc_merge3');
-- the same two heads merge fine
SELECT migrate.merge(ARRAY['c1', 'c2'], id => 'x1', project => 'sc_merge3');
SELECT * FROM migrate.heads('sc_merge3');
