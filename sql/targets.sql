--
-- targets: the target language (docs/revision-graph.md section 3) and the
-- errors it raises (section 7).  Relative targets (+N, -N) are in
-- relative.sql.  Every scenario uses its own project (t_*).
--
-- applies(target, p): what a target means, shown as the revisions that
-- upgrade(target) applies, in order.  The upgrade runs in a subtransaction
-- that is rolled back, so the project stays where it was.
\i sql/include/helpers.sql
CREATE FUNCTION pg_temp.applies(target text, p text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	BEGIN
		SELECT coalesce(string_agg(u.revision, ' ' ORDER BY u.step), '(nothing)')
		  INTO result FROM migrate.upgrade(target, p) AS u;
		RAISE SQLSTATE 'PGMRB';
	EXCEPTION WHEN SQLSTATE 'PGMRB' THEN
		RETURN result;
	END;
END
$$;

--
-- Prefix rules.  Five independent roots (so upgrading one applies only it):
--   abcd11112222, abcd33334444, abc5e0f1a2b3, f00d33334444,
--   c0ffee123456 (label c0ffee_side)
-- An exact id or label always matches.  Otherwise a prefix of any length
-- matches if it starts exactly one candidate among the ids and labels
-- longer than 3 characters: abcd1, abc5 and even f resolve, c0ffee_s
-- resolves through the label.
--
SELECT pgm_regress.rev('t_prefix', 'abcd11112222');
SELECT pgm_regress.rev('t_prefix', 'abcd33334444');
SELECT pgm_regress.rev('t_prefix', 'abc5e0f1a2b3');
SELECT pgm_regress.rev('t_prefix', 'f00d33334444');
SELECT pgm_regress.rev('t_prefix', 'c0ffee123456', labels => '{c0ffee_side}');
SELECT t AS target, pg_temp.applies(t, 't_prefix') AS applies
  FROM unnest(ARRAY['abcd11112222', 'abcd1', 'abcd3', 'abc5', 'f',
					'c0ffee1', 'c0ffee_side', 'c0ffee_s']) AS t;
-- abcd and abc start several ids: ambiguous revision (22023), listing them
SELECT step, revision, direction FROM migrate.upgrade('abcd', 't_prefix');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('abc', 't_prefix');
\echo :SQLSTATE
-- c0ff starts the id and the label of the same revision: two candidates
SELECT step, revision, direction FROM migrate.upgrade('c0ff', 't_prefix');
\echo :SQLSTATE
-- prefixes are case-sensitive: unknown revision (42704)
SELECT step, revision, direction FROM migrate.upgrade('ABCD3333', 't_prefix');
\echo :SQLSTATE
-- nothing matches: unknown revision, the hint suggests the closest names
SELECT step, revision, direction FROM migrate.upgrade('abcd5', 't_prefix');
\echo :SQLSTATE
-- none of the errors applied anything
SELECT * FROM pgm_regress.state('t_prefix');

--
-- An exact id or label wins over a longer candidate it is a prefix of:
-- beef is an id (and a prefix of beef01 and of label beef0); beef0 is the
-- label of feed01 (and a prefix of beef01).  Labels of 3 characters or
-- fewer (ux) match only exactly.
--
SELECT pgm_regress.rev('t_exact', 'beef');
SELECT pgm_regress.rev('t_exact', 'beef01');
SELECT pgm_regress.rev('t_exact', 'feed01', labels => '{beef0}');
SELECT pgm_regress.rev('t_exact', 'cafe01', labels => '{ux}');
SELECT t AS target, pg_temp.applies(t, 't_exact') AS applies
  FROM unnest(ARRAY['beef', 'beef0', 'beef01', 'ux', 'caf']) AS t;
-- bee starts beef, beef01 and beef0
SELECT step, revision, direction FROM migrate.upgrade('bee', 't_exact');
\echo :SQLSTATE
-- u is not a prefix match for the short label ux
SELECT step, revision, direction FROM migrate.upgrade('u', 't_exact');
\echo :SQLSTATE

--
-- FORK  a -> b -> c1 -> d1 (label c1branch on c1)
--            b -> c2 -> d2 (label c2branch on c2)
-- All ids have at most 3 characters, so only labels match by prefix.
-- A label means the revision that declares it, not the branch tip;
-- <label>@head / @heads is the head of that branch; <label>@<rev> is <rev>,
-- which must be in that branch; a revision id can stand in for a label;
-- base and <label>@base are below everything, so upgrading to them does
-- nothing.
--
SELECT pgm_regress.rev('t_fork', 'a');
SELECT pgm_regress.rev('t_fork', 'b', '{a}');
SELECT pgm_regress.rev('t_fork', 'c1', '{b}', '{c1branch}');
SELECT pgm_regress.rev('t_fork', 'd1', '{c1}');
SELECT pgm_regress.rev('t_fork', 'c2', '{b}', '{c2branch}');
SELECT pgm_regress.rev('t_fork', 'd2', '{c2}');
SELECT t AS target, pg_temp.applies(t, 't_fork') AS applies
  FROM unnest(ARRAY['c1', 'd2', 'c1branch', 'c2branch', 'c1b', 'c2bra',
					'heads', 'c1branch@head', 'c1branch@heads',
					'c2branch@head', 'c1branch@d1', 'c1branch@c1',
					'c2branch@d2', 'c1@head', 'd2@head', 'c2@d2', 'base',
					'c1branch@base']) AS t;
-- The branch segment of a label reaches back to its branch point, which
-- is why <label>@<branchpoint> is how one branch is removed (see
-- downgrade.sql): c1branch@b is b.
BEGIN;
SELECT step, revision, direction FROM migrate.upgrade('c1branch@b', 't_fork');
ROLLBACK;
-- head with two versioned heads: multiple heads (22023); the hint says to
-- name a revision, <branch>@head or heads
SELECT step, revision, direction FROM migrate.upgrade('head', 't_fork');
\echo :SQLSTATE
-- b is a branch point: the branch containing it has two heads
SELECT step, revision, direction FROM migrate.upgrade('b@head', 't_fork');
\echo :SQLSTATE
-- ids of 3 characters or fewer match only exactly; no label starts with d
SELECT step, revision, direction FROM migrate.upgrade('d', 't_fork');
\echo :SQLSTATE
-- c starts the labels c1branch and c2branch (the ids c1, c2 do not count)
SELECT step, revision, direction FROM migrate.upgrade('c', 't_fork');
\echo :SQLSTATE
-- ids are case-sensitive
SELECT step, revision, direction FROM migrate.upgrade('C1', 't_fork');
\echo :SQLSTATE
-- unknown (misspelt) label before @
SELECT step, revision, direction FROM migrate.upgrade('c1brnch@head', 't_fork');
\echo :SQLSTATE
-- <label>@<rev> and <rev>@<rev2> outside the branch: not a member (22023)
SELECT step, revision, direction FROM migrate.upgrade('c1branch@d2', 't_fork');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('c2branch@c1', 't_fork');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.upgrade('c1@d2', 't_fork');
\echo :SQLSTATE
-- a range a:b is only for history() and script(): upgrade, downgrade and
-- stamp refuse it (22023)
SELECT step, revision, direction FROM migrate.upgrade('a:b', 't_fork');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.downgrade('a:b', 't_fork');
\echo :SQLSTATE
SELECT step, revision, direction FROM migrate.stamp('a:b', 't_fork');
\echo :SQLSTATE
-- none of the errors applied anything
SELECT * FROM pgm_regress.state('t_fork');

--
-- <label>@head with several heads in the branch: FORK with label trunk on
-- a, whose branch holds both d1 and d2.  <label>@heads takes them all.
--
SELECT pgm_regress.rev('t_trunk', 'a', labels => '{trunk}');
SELECT pgm_regress.rev('t_trunk', 'b', '{a}');
SELECT pgm_regress.rev('t_trunk', 'c1', '{b}', '{c1branch}');
SELECT pgm_regress.rev('t_trunk', 'd1', '{c1}');
SELECT pgm_regress.rev('t_trunk', 'c2', '{b}', '{c2branch}');
SELECT pgm_regress.rev('t_trunk', 'd2', '{c2}');
SELECT step, revision, direction FROM migrate.upgrade('trunk@head', 't_trunk');
\echo :SQLSTATE
SELECT t AS target, pg_temp.applies(t, 't_trunk') AS applies
  FROM unnest(ARRAY['trunk', 'trunk@heads', 'trunk@d2']) AS t;

--
-- head with a single head, and targets applied for real: upgrade to the
-- resolved target then leaves exactly that version set.
--
SELECT pgm_regress.rev('t_lin', 'r1');
SELECT pgm_regress.rev('t_lin', 'r2', '{r1}');
SELECT pgm_regress.rev('t_lin', 'r3', '{r2}');
SELECT pgm_regress.rev('t_lin', 'r4', '{r3}');
SELECT step, revision, direction FROM migrate.upgrade('r2', 't_lin');
SELECT * FROM pgm_regress.state('t_lin');
SELECT step, revision, direction FROM migrate.upgrade('head', 't_lin');
SELECT * FROM pgm_regress.state('t_lin');
