--
-- badinput: NULLs, malformed ids, empty scripts (huge ones and large graphs:
-- test/t/013_large_inputs.pl),
-- scripts the parser refuses, and re-registration (docs/design.md sections 3 and 6).
-- Nothing here may crash the backend or leave partial state.
--

-- outcome(call): run "SELECT count(*) FROM <call>" and report either the
-- row count or the SQLSTATE and message of the error, so that a whole
-- matrix of bad calls reads as one table.
CREATE FUNCTION pg_temp.outcome(call text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE 'SELECT count(*) FROM ' || call INTO n;
	RETURN 'ok, ' || n || ' row(s)';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END;
$$;

--
-- 1. NULL for every argument of every function: 22004 (null_value_not_allowed)
-- with the argument's name, except where NULL has a documented meaning:
-- down (irreversible), message (none; merge() then writes one), merge's id
-- (a random 12-hex-digit id), history's range (everything), and the
-- parents, branch_labels and depends_on arrays (none, like their '{}'
-- default).  A NULL inside an array is 22004 too.  Rows run in order.
--
SELECT n, call, pg_temp.outcome(call) AS outcome
  FROM unnest(ARRAY[
	$c$migrate.revision(NULL, 'SELECT 1', project => 'bi_null')$c$,
	$c$migrate.revision('bn1', NULL, project => 'bi_null')$c$,
	$c$migrate.revision('bn1', 'SELECT 1', down => NULL, project => 'bi_null')$c$,
	$c$migrate.revision('bn2', 'SELECT 1', parents => NULL, project => 'bi_null')$c$,
	$c$migrate.revision('bn2', 'SELECT 1', parents => ARRAY[NULL], project => 'bi_null')$c$,
	$c$migrate.revision('bn2', 'SELECT 1', 'SELECT 2', message => NULL, project => 'bi_null')$c$,
	$c$migrate.revision('bn3', 'SELECT 1', branch_labels => NULL, project => 'bi_null')$c$,
	$c$migrate.revision('bn3', 'SELECT 1', branch_labels => ARRAY[NULL], project => 'bi_null')$c$,
	$c$migrate.revision('bn3', 'SELECT 1', depends_on => NULL, project => 'bi_null')$c$,
	$c$migrate.revision('bn3', 'SELECT 1', depends_on => ARRAY[NULL], project => 'bi_null')$c$,
	$c$migrate.revision('bn3', 'SELECT 1', project => NULL)$c$,
	$c$migrate.merge(NULL, project => 'bi_null')$c$,
	$c$migrate.merge(ARRAY['bn1', NULL], project => 'bi_null')$c$,
	$c$migrate.merge('{bn1,bn2}', 'merge', 'bm1', NULL)$c$,
	$c$migrate.merge('{bn1,bn2}', NULL, 'bm1', 'bi_null')$c$,
	$c$migrate.revision('bn3', 'SELECT 1', 'SELECT 2', project => 'bi_null')$c$,
	$c$migrate.merge('{bm1,bn3}', 'merge with a generated id', NULL, 'bi_null')$c$,
	$c$migrate.upgrade(NULL, 'bi_null')$c$,
	$c$migrate.upgrade('heads', NULL)$c$,
	$c$migrate.downgrade(NULL, 'bi_null')$c$,
	$c$migrate.downgrade('base', NULL)$c$,
	$c$migrate.stamp(NULL, 'bi_null')$c$,
	$c$migrate.stamp('heads', NULL)$c$,
	$c$migrate.stamp('heads', 'bi_null', NULL)$c$,
	$c$migrate.current(NULL)$c$,
	$c$migrate.heads(NULL)$c$,
	$c$migrate.heads('bi_null', NULL)$c$,
	$c$migrate.branches(NULL)$c$,
	$c$migrate.history(NULL, 'bi_null')$c$,
	$c$migrate.history('bn1:', NULL)$c$,
	$c$migrate.show(NULL, 'bi_null')$c$,
	$c$migrate.show('bn1', NULL)$c$,
	$c$migrate.status(NULL)$c$,
	$c$migrate.is_up_to_date(NULL)$c$,
	$c$migrate.status_json(NULL)$c$,
	$c$migrate.plan(NULL, 'bi_null')$c$,
	$c$migrate.plan('heads', NULL)$c$,
	$c$migrate.script(NULL, 'bi_null')$c$,
	$c$migrate.script('heads', NULL)$c$,
	$c$migrate.grant_deploy(NULL, NULL)$c$,
	$c$migrate.grant_monitor(NULL, NULL)$c$,
	$c$migrate.revoke_access(NULL, NULL)$c$
  ]) WITH ORDINALITY AS t(call, n)
 ORDER BY n;

-- What the successful calls registered; the generated merge id is 12 hex
-- digits (masked because it is random).
SELECT CASE WHEN id ~ '^[0-9a-f]{12}$' THEN '<12 hex digits>' ELSE id END AS id,
       parents, message, down_script IS NULL AS irreversible
  FROM migrate.revisions WHERE project = 'bi_null' ORDER BY seq;
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'bi_null';

--
-- 2. Revision ids: non-empty, at most 64 characters of letters, digits,
-- '_', '-', '.'; never head, heads, base, current; no '@', '+', ':'.
--
SELECT n, CASE WHEN length(id) > 20 THEN left(id, 8) || '...(' || length(id) || ' chars)'
               ELSE quote_literal(id) END AS id,
       pg_temp.outcome(format('migrate.revision(%L, %L, project => %L)', id, 'SELECT 1', 'bi_ids')) AS outcome
  FROM unnest(ARRAY[
	'', repeat('a', 64), repeat('b', 65), 'head', 'heads', 'base', 'current',
	'a@b', 'a+1', 'a:b', 'a b', ' lead', 'trail ', E'tab\there', E'new\nline',
	'semi;colon', 'slash/x', 'quote''x', 'dq"x', 'Rev_1.2-3', '0', 'x'
  ]) WITH ORDINALITY AS t(id, n)
 ORDER BY n;
SELECT CASE WHEN length(id) > 20 THEN left(id, 8) || '...(' || length(id) || ' chars)' ELSE id END AS registered
  FROM migrate.revisions WHERE project = 'bi_ids' ORDER BY seq;

-- One at a time, with psql's own error display.
SELECT migrate.revision('', 'SELECT 1', project => 'bi_ids');
\echo :SQLSTATE
SELECT migrate.revision(repeat('b', 65), 'SELECT 1', project => 'bi_ids');
\echo :SQLSTATE
SELECT migrate.revision('heads', 'SELECT 1', project => 'bi_ids');
\echo :SQLSTATE
SELECT migrate.revision('base@x', 'SELECT 1', project => 'bi_ids');
\echo :SQLSTATE

--
-- 3. An empty up script is valid: a revision that does nothing.  So is a
-- script with only comments or empty statements.
--
SELECT migrate.revision('e1', '', '', project => 'bi_empty');
SELECT migrate.revision('e2', '-- nothing to do', '/* nor here */', parents => '{e1}', project => 'bi_empty');
SELECT migrate.revision('e3', ';', ' ; ; ', parents => '{e2}', project => 'bi_empty');
SELECT id, up_class, up_statements, down_statements FROM migrate.revisions WHERE project = 'bi_empty' ORDER BY seq;
SELECT step, revision, direction, execution, statements FROM migrate.plan('heads', 'bi_empty');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'bi_empty');
SELECT * FROM migrate.current('bi_empty');
SELECT step, revision, direction FROM migrate.downgrade('base', 'bi_empty');
SELECT count(*) AS applied FROM migrate.applied WHERE project = 'bi_empty';

--
-- 4. and 5. (a 10 MB script, a chain of 5,000 revisions) are in
-- test/t/013_large_inputs.pl, so that this file stays quick.
--

--
-- 6. Syntax errors are found at registration (42601) and register nothing.
--
SELECT migrate.revision('syn1', 'CREATE TABLE bi_syn (id integer', project => 'bi_syntax');
\echo :SQLSTATE
SELECT migrate.revision('syn2', 'SELECT 1; SELEC 2; SELECT 3', project => 'bi_syntax');
\echo :SQLSTATE
SELECT migrate.revision('syn3', 'SELECT 1', 'DROP TABLE', project => 'bi_syntax');
\echo :SQLSTATE
SELECT migrate.revision('syn4', 'SELECT $$unterminated', project => 'bi_syntax');
\echo :SQLSTATE
SELECT count(*) AS revisions FROM migrate.revisions WHERE project = 'bi_syntax';
SELECT count(*) AS projects FROM migrate.projects WHERE project = 'bi_syntax';

--
-- 7. Transaction control is refused at registration: the engine owns the
-- transaction.  PL/pgSQL's BEGIN ... END is not transaction control.
--
SELECT migrate.revision('tx1', 'BEGIN; CREATE TABLE bi_tx (id integer); COMMIT;', project => 'bi_txn');
\echo :SQLSTATE
SELECT migrate.revision('tx2', 'CREATE TABLE bi_tx (id integer); COMMIT', project => 'bi_txn');
\echo :SQLSTATE
SELECT migrate.revision('tx3', 'START TRANSACTION', project => 'bi_txn');
\echo :SQLSTATE
SELECT migrate.revision('tx4', 'SELECT 1', 'ROLLBACK', project => 'bi_txn');
\echo :SQLSTATE
SELECT migrate.revision('tx5', 'SAVEPOINT s1; SELECT 1; RELEASE SAVEPOINT s1', project => 'bi_txn');
\echo :SQLSTATE
SELECT count(*) AS revisions FROM migrate.revisions WHERE project = 'bi_txn';
SELECT migrate.revision('plpgsql1',
	$s$CREATE FUNCTION public.bi_txn_f() RETURNS integer LANGUAGE plpgsql AS $f$ BEGIN RETURN 1; END $f$;
DO $d$ BEGIN PERFORM public.bi_txn_f(); END $d$$s$,
	'DROP FUNCTION public.bi_txn_f()', project => 'bi_txn');
SELECT id, up_class, up_statements FROM migrate.revisions WHERE project = 'bi_txn';
SELECT step, revision, direction FROM migrate.upgrade('heads', 'bi_txn');
SELECT public.bi_txn_f();
SELECT step, revision, direction FROM migrate.downgrade('base', 'bi_txn');
SELECT to_regprocedure('public.bi_txn_f()') AS bi_txn_f;

--
-- 8. Re-registration: identical content is a no-op; changed content is
-- allowed until the revision is applied, then refused with 55000.
--
SELECT migrate.revision('rr1', 'CREATE TABLE public.bi_rr (id integer)', 'DROP TABLE public.bi_rr',
                        message => 'first', project => 'bi_rereg');
SELECT migrate.revision('rr2', 'SELECT 1', 'SELECT 1', parents => '{rr1}', project => 'bi_rereg');
SELECT registered_at AS rr1_registered_at, checksum AS rr1_checksum
  FROM migrate.revisions WHERE project = 'bi_rereg' AND id = 'rr1' \gset
SELECT migrate.revision('rr1', 'CREATE TABLE public.bi_rr (id integer)', 'DROP TABLE public.bi_rr',
                        message => 'first', project => 'bi_rereg');
SELECT count(*) AS revisions,
       bool_and(registered_at = :'rr1_registered_at') AS same_registered_at,
       bool_and(checksum = :'rr1_checksum') AS same_checksum
  FROM migrate.revisions WHERE project = 'bi_rereg' AND id = 'rr1';
-- rr2 is not applied: its script may change.
SELECT checksum AS rr2_checksum FROM migrate.revisions WHERE project = 'bi_rereg' AND id = 'rr2' \gset
SELECT migrate.revision('rr2', 'INSERT INTO public.bi_rr VALUES (2)', 'DELETE FROM public.bi_rr',
                        parents => '{rr1}', project => 'bi_rereg');
SELECT id, up_script, down_script, checksum <> :'rr2_checksum' AS checksum_changed
  FROM migrate.revisions WHERE project = 'bi_rereg' AND id = 'rr2';
SELECT step, revision, direction FROM migrate.upgrade('rr1', 'bi_rereg');
-- rr1 is applied: identical content is still a no-op, changed content is not.
SELECT migrate.revision('rr1', 'CREATE TABLE public.bi_rr (id integer)', 'DROP TABLE public.bi_rr',
                        message => 'first', project => 'bi_rereg');
SELECT migrate.revision('rr1', 'CREATE TABLE public.bi_rr (id bigint)', 'DROP TABLE public.bi_rr',
                        message => 'first', project => 'bi_rereg');
\echo :SQLSTATE
SELECT id, up_script, checksum = :'rr1_checksum' AS same_checksum
  FROM migrate.revisions WHERE project = 'bi_rereg' AND id = 'rr1';
SELECT step, revision, direction FROM migrate.upgrade('heads', 'bi_rereg');
SELECT id FROM public.bi_rr;

-- arrays must be one-dimensional (22023), and nothing is registered
SELECT migrate.revision('md1', 'SELECT 1', parents => ARRAY[['a']], project => 'bad_md');
\echo :SQLSTATE
SELECT migrate.merge(ARRAY[['a', 'b']], project => 'bad_md');
\echo :SQLSTATE
SELECT count(*) FROM migrate.revisions WHERE project = 'bad_md';
