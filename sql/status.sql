--
-- status: the read-only functions (docs/design.md section 3, docs/revision-graph.md
-- section 6 "Read-only"): status(), current(), heads(), branches(),
-- is_up_to_date(), status_json(), show(), plan(), and correcting the
-- message of an applied revision.  Every scenario uses its own project
-- (su_*).  Timestamps are never printed, only whether they are set.
--
-- st(p): status() without the timestamp.
\i sql/include/helpers.sql
CREATE FUNCTION pg_temp.st(p text)
RETURNS TABLE (revision text, message text, state text, applied_by name,
			   has_applied_at boolean, is_head boolean, is_current boolean)
LANGUAGE sql AS $$
	SELECT s.revision, s.message, s.state, s.applied_by,
		   s.applied_at IS NOT NULL, s.is_head, s.is_current
	  FROM migrate.status(p) AS s
$$;
-- show(r, p) without timestamps; the checksum only by its form.
CREATE FUNCTION pg_temp.show(r text, p text)
RETURNS TABLE (id text, parents text[], branch_labels text[], depends_on text[],
			   message text, up text, down text, up_class text, down_class text,
			   checksum_ok boolean, registered_by name, applied boolean,
			   has_applied_at boolean, applied_by name, is_head boolean)
LANGUAGE sql AS $$
	SELECT s.id, s.parents, s.branch_labels, s.depends_on, s.message,
		   s.up, s.down, s.up_class, s.down_class,
		   s.checksum ~ '^sha256:[0-9a-f]{64}$', s.registered_by, s.applied,
		   s.applied_at IS NOT NULL, s.applied_by, s.is_head
	  FROM migrate.show(r, p) AS s
$$;
-- tables(p): the tables of project p that exist.
CREATE FUNCTION pg_temp.tables(p text) RETURNS text LANGUAGE sql AS $$
	SELECT coalesce(string_agg(substr(tablename, length(p) + 2), ' '
							   ORDER BY tablename), '')
	  FROM pg_catalog.pg_tables
	 WHERE schemaname = 'public' AND starts_with(tablename, p || '_')
$$;

--
-- An unknown (never used) project: every read function fails with 42704,
-- so that a health check with a misspelt name cannot pass.  Nothing is
-- created by asking.
--
SELECT * FROM pg_temp.st('su_empty');
SELECT * FROM migrate.current('su_empty');
SELECT * FROM migrate.heads('su_empty');
SELECT * FROM migrate.heads('su_empty', resolve_dependencies => true);
SELECT * FROM migrate.branches('su_empty');
SELECT id FROM migrate.history(project => 'su_empty');
SELECT migrate.is_up_to_date('su_empty');
SELECT migrate.status_json('su_empty') - 'fingerprint' AS status_json;
SELECT * FROM migrate.plan('heads', 'su_empty');
SELECT * FROM migrate.plan('base', 'su_empty');
SELECT count(*) AS project_rows FROM migrate.projects WHERE project = 'su_empty';

--
-- status(): one row per revision in registration order (not id order),
-- before and after upgrades and after a downgrade.  is_head marks the
-- heads, is_current the tips of the version set; applied_by is the role
-- that applied the revision.  is_up_to_date() is true exactly when
-- upgrade('heads') would do nothing.
--
SELECT pgm_regress.rev_msg('su_lin', 'r3');
SELECT pgm_regress.rev_msg('su_lin', 'r1', '{r3}');
SELECT pgm_regress.rev_msg('su_lin', 'r2', '{r1}');
SELECT * FROM pg_temp.st('su_lin');
SELECT migrate.is_up_to_date('su_lin');
SELECT migrate.status_json('su_lin') - 'fingerprint' AS status_json;
SELECT step, revision, direction FROM migrate.upgrade('r1', 'su_lin');
SELECT * FROM pg_temp.st('su_lin');
SELECT migrate.is_up_to_date('su_lin');
SELECT migrate.status_json('su_lin') - 'fingerprint' AS status_json;
SELECT step, revision, direction FROM migrate.upgrade('heads', 'su_lin');
SELECT * FROM pg_temp.st('su_lin');
SELECT migrate.is_up_to_date('su_lin');
SELECT migrate.status_json('su_lin') - 'fingerprint' AS status_json;
SELECT step, revision, direction FROM migrate.downgrade('r3', 'su_lin');
SELECT * FROM pg_temp.st('su_lin');
SELECT migrate.is_up_to_date('su_lin');
SELECT migrate.status_json('su_lin') - 'fingerprint' AS status_json;
SELECT pg_temp.tables('su_lin');

--
-- current() lists the tips in registration order, whatever the order in
-- which they were applied.  FORK: upgrade('d2') then upgrade('c1') gives
-- c1, d2.  status_json lists current, heads and pending (in the order
-- upgrade('heads') would apply them).
--
SELECT pgm_regress.rev_msg('su_fork', 'a');
SELECT pgm_regress.rev_msg('su_fork', 'b', '{a}');
SELECT pgm_regress.rev_msg('su_fork', 'c1', '{b}', '{c1branch}');
SELECT pgm_regress.rev_msg('su_fork', 'd1', '{c1}');
SELECT pgm_regress.rev_msg('su_fork', 'c2', '{b}', '{c2branch}');
SELECT pgm_regress.rev_msg('su_fork', 'd2', '{c2}');
SELECT migrate.status_json('su_fork') - 'fingerprint' AS status_json;
SELECT step, revision, direction FROM migrate.upgrade('d2', 'su_fork');
SELECT step, revision, direction FROM migrate.upgrade('c1', 'su_fork');
SELECT * FROM migrate.current('su_fork');
SELECT * FROM pg_temp.st('su_fork');
SELECT migrate.is_up_to_date('su_fork');
SELECT migrate.status_json('su_fork') - 'fingerprint' AS status_json;

--
-- branches(): each branch point with its children (in registration
-- order).  FORK has one (b: c1, c2).  FOREST has two roots but no branch
-- point, so no rows; its heads are b1, b2.
--
SELECT * FROM migrate.branches('su_fork');
SELECT * FROM migrate.heads('su_fork');
SELECT pgm_regress.rev_msg('su_forest', 'a1');
SELECT pgm_regress.rev_msg('su_forest', 'b1', '{a1}');
SELECT pgm_regress.rev_msg('su_forest', 'a2');
SELECT pgm_regress.rev_msg('su_forest', 'b2', '{a2}');
SELECT * FROM migrate.branches('su_forest');
SELECT * FROM migrate.heads('su_forest');
-- a forest with a branch point in each tree
SELECT pgm_regress.rev_msg('su_forest', 'c1', '{a1}');
SELECT pgm_regress.rev_msg('su_forest', 'c2', '{a2}');
SELECT pgm_regress.rev_msg('su_forest', 'd2', '{a2}');
SELECT * FROM migrate.branches('su_forest');
SELECT * FROM migrate.heads('su_forest');

--
-- heads() vs heads(resolve_dependencies => true) on DEP
-- (l1 (lib) -> l2; p1 (app) -> p2, p2 depends_on l2): the versioned heads
-- are l2 and p2 (registration order); l2 is depended upon, so with
-- resolve_dependencies only p2 remains.  After upgrade('p2') the version
-- set is {p2} (l2 is no tip), the project is up to date, and status
-- marks l2 and p2 as heads but only p2 as current.
--
SELECT pgm_regress.rev_msg('su_dep', 'l1', labels => '{lib}');
SELECT pgm_regress.rev_msg('su_dep', 'l2', '{l1}');
SELECT pgm_regress.rev_msg('su_dep', 'p1', labels => '{app}');
SELECT pgm_regress.rev_msg('su_dep', 'p2', '{p1}', deps => '{l2}');
SELECT * FROM migrate.heads('su_dep');
SELECT * FROM migrate.heads('su_dep', resolve_dependencies => true);
SELECT * FROM migrate.heads(project => 'su_dep', resolve_dependencies => false);
SELECT migrate.status_json('su_dep') - 'fingerprint' AS status_json;
SELECT step, revision, direction FROM migrate.upgrade('p2', 'su_dep');
SELECT * FROM migrate.current('su_dep');
SELECT * FROM pg_temp.st('su_dep');
SELECT migrate.is_up_to_date('su_dep');
SELECT migrate.status_json('su_dep') - 'fingerprint' AS status_json;

--
-- show(): everything about one revision, scripts included.  An applied
-- revision and a pending one (with a branch label, a dependency and no
-- down script); by exact id, by unique prefix, by branch label.  An
-- unknown id is 42704 with a "Perhaps you meant" hint.
--
SELECT migrate.revision(id => 'libbase', project => 'su_show',
						up => 'CREATE TABLE su_show_lib (x int)',
						down => 'DROP TABLE su_show_lib',
						message => 'library base');
SELECT migrate.revision(id => 'create_users', project => 'su_show',
						up => 'CREATE TABLE su_show_users (id int PRIMARY KEY)',
						down => 'DROP TABLE su_show_users',
						message => 'create users');
SELECT migrate.revision(id => 'add_email', project => 'su_show',
						up => 'ALTER TABLE su_show_users ADD email text',
						parents => '{create_users}', branch_labels => '{feature}',
						depends_on => '{libbase}', message => 'add email');
SELECT step, revision, direction FROM migrate.upgrade('create_users', 'su_show');
\x on
SELECT * FROM pg_temp.show('create_users', 'su_show');
SELECT * FROM pg_temp.show('add_email', 'su_show');
\x off
SELECT id, applied, is_head FROM pg_temp.show('create_u', 'su_show');
SELECT id, applied, is_head FROM pg_temp.show('add_e', 'su_show');
SELECT id, applied, is_head FROM pg_temp.show('feature', 'su_show');
SELECT id, applied, is_head FROM pg_temp.show('featu', 'su_show');
SELECT * FROM migrate.show('creat_users', 'su_show');
\echo :SQLSTATE
SELECT * FROM migrate.show('create_users', 'su_empty');
\echo :SQLSTATE

--
-- plan(): what a command would run, without running it: step, revision,
-- direction, execution class, number of statements, message.
-- p2 has three statements; p3 builds an index CONCURRENTLY, so its up
-- script is nontransactional (its down script is an ordinary DROP INDEX).
--
SELECT pgm_regress.rev_msg('su_plan', 'p1');
SELECT migrate.revision(id => 'p2', parents => '{p1}', project => 'su_plan',
						message => 'three statements',
						up => 'ALTER TABLE su_plan_p1 ADD y int;
							   UPDATE su_plan_p1 SET y = x;
							   CREATE INDEX su_plan_p1_y ON su_plan_p1 (y)',
						down => 'DROP INDEX su_plan_p1_y; ALTER TABLE su_plan_p1 DROP y');
SELECT migrate.revision(id => 'p3', parents => '{p2}', project => 'su_plan',
						message => 'index concurrently',
						up => 'CREATE INDEX CONCURRENTLY su_plan_p1_x ON su_plan_p1 (x)',
						down => 'DROP INDEX su_plan_p1_x');
SELECT pgm_regress.rev_msg('su_plan', 'p4', '{p3}');
-- upgrade plans from empty
SELECT * FROM migrate.plan('heads', 'su_plan');
SELECT * FROM migrate.plan(project => 'su_plan');
SELECT * FROM migrate.plan('p2', 'su_plan');
SELECT * FROM migrate.plan('+1', 'su_plan');
-- nothing applied: nothing to downgrade
SELECT * FROM migrate.plan('base', 'su_plan');
-- planning changes nothing
SELECT * FROM migrate.current('su_plan');
SELECT step, revision, direction FROM migrate.upgrade('p2', 'su_plan');
SELECT pg_temp.tables('su_plan');
-- from {p2}: upgrade targets, and downgrade plans for -1, base and an
-- applied target; the applied tip itself is nothing to do
SELECT * FROM migrate.plan('heads', 'su_plan');
SELECT * FROM migrate.plan('p4', 'su_plan');
SELECT * FROM migrate.plan('-1', 'su_plan');
SELECT * FROM migrate.plan('base', 'su_plan');
SELECT * FROM migrate.plan('p1', 'su_plan');
SELECT * FROM migrate.plan('p2', 'su_plan');
-- from {p4} (stamped: stamp runs no SQL): a downgrade plan through p3
-- uses p3's down script, which is transactional
SELECT step, revision, direction FROM migrate.stamp('p4', 'su_plan');
SELECT * FROM migrate.plan('p2', 'su_plan');
SELECT * FROM migrate.plan('-1', 'su_plan');
SELECT * FROM migrate.plan('base', 'su_plan');
SELECT * FROM migrate.current('su_plan');
-- the atomic path refuses the nontransactional revision that plan() shows
SELECT step, revision, direction FROM migrate.stamp('p2', 'su_plan');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'su_plan');
\echo :SQLSTATE
SELECT * FROM migrate.current('su_plan');

--
-- Correcting a message: re-registering an applied revision with identical
-- scripts and a different message succeeds and updates the message (and
-- leaves the version set alone); changing its script is refused (55000)
-- and changes nothing.
--
SELECT migrate.revision(id => 'm1', project => 'su_msg', message => 'craete t',
						up => 'CREATE TABLE su_msg_t (x int)',
						down => 'DROP TABLE su_msg_t');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'su_msg');
SELECT migrate.revision(id => 'm1', project => 'su_msg', message => 'create t',
						up => 'CREATE TABLE su_msg_t (x int)',
						down => 'DROP TABLE su_msg_t');
SELECT * FROM pg_temp.st('su_msg');
SELECT message FROM pg_temp.show('m1', 'su_msg');
-- (terse: the error detail shows checksums, which depend on how they are
-- computed; the contract here is the refusal and its SQLSTATE)
\set VERBOSITY terse
SELECT migrate.revision(id => 'm1', project => 'su_msg', message => 'create t',
						up => 'CREATE TABLE su_msg_t (x bigint)',
						down => 'DROP TABLE su_msg_t');
\echo :SQLSTATE
SELECT migrate.revision(id => 'm1', project => 'su_msg', message => 'create t',
						up => 'CREATE TABLE su_msg_t (x int)',
						down => 'DROP TABLE IF EXISTS su_msg_t');
\echo :SQLSTATE
\set VERBOSITY default
SELECT up, down, message FROM pg_temp.show('m1', 'su_msg');
SELECT * FROM pg_temp.st('su_msg');
