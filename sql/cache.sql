--
-- cache: the state cache and the completeness flag (issue 5).  A backend
-- keeps the graphs it built, keyed on the project row's version
-- (src/state.c); every answer must still be the one a fresh read gives:
-- after changes in this transaction, after a rollback, a savepoint rolled
-- back, a hand-made change that bumps the version, and for another role.
-- upgrade('heads') answers a complete project from the row alone, and
-- must not once something is registered, downgraded or changed by hand.
--
\i sql/include/helpers.sql
SELECT pgm_regress.rev('ca', 'ca1');
SELECT pgm_regress.rev('ca', 'ca2', '{ca1}');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ca');
SELECT complete_version = state_version AS complete FROM migrate.projects WHERE project = 'ca';

-- cached now, and the same answer again
SELECT revision, state FROM migrate.status('ca');
SELECT revision, state FROM migrate.status('ca');

-- nothing to do: no rows, nothing written
SELECT state_version AS v FROM migrate.projects WHERE project = 'ca' \gset
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ca');
SELECT state_version = :v AS unchanged FROM migrate.projects WHERE project = 'ca';

-- changes in this transaction show at once; a rollback takes them back
BEGIN;
SELECT pgm_regress.rev('ca', 'ca3', '{ca2}');
SELECT revision, state FROM migrate.status('ca');
SELECT complete_version = state_version AS complete FROM migrate.projects WHERE project = 'ca';
SAVEPOINT s;
SELECT pgm_regress.rev('ca', 'ca4', '{ca3}');
SELECT step, revision, direction FROM migrate.plan('heads', 'ca');
ROLLBACK TO SAVEPOINT s;
SELECT step, revision, direction FROM migrate.plan('heads', 'ca');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ca');
SELECT revision, state FROM migrate.status('ca');
ROLLBACK;
SELECT revision, state FROM migrate.status('ca');
SELECT step, revision, direction FROM migrate.plan('heads', 'ca');

-- one state bump per transaction, however many revisions it registers
SELECT state_version AS v FROM migrate.projects WHERE project = 'ca' \gset
BEGIN;
SELECT pgm_regress.rev('ca', 'ca3', '{ca2}');
SELECT pgm_regress.rev('ca', 'ca4', '{ca3}');
SELECT pgm_regress.rev('ca', 'ca5', '{ca4}');
COMMIT;
SELECT state_version - :v AS bumps, complete_version IS NULL AS incomplete
  FROM migrate.projects WHERE project = 'ca';

-- registered since the last upgrade: upgrade('heads') must apply them
SELECT migrate.is_up_to_date('ca');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ca');
SELECT complete_version = state_version AS complete FROM migrate.projects WHERE project = 'ca';
SELECT migrate.is_up_to_date('ca');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ca');

-- a downgrade leaves the project incomplete, and upgrade('heads') sees it
SELECT step, revision, direction FROM migrate.downgrade('ca3', 'ca');
SELECT complete_version IS NULL AS incomplete FROM migrate.projects WHERE project = 'ca';
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ca');

-- a change by hand (what an offline downgrade script does: delete the
-- applied row, bump state_version) leaves the flag behind the version,
-- and neither the flag nor the cache hides it
SELECT revision, state FROM migrate.status('ca') WHERE revision = 'ca5';
DROP TABLE ca_ca5;
DELETE FROM migrate.applied WHERE project = 'ca' AND revision = 'ca5';
UPDATE migrate.projects SET state_version = state_version + 1 WHERE project = 'ca';
SELECT revision, state FROM migrate.status('ca') WHERE revision = 'ca5';
SELECT migrate.is_up_to_date('ca');
SELECT step, revision, direction FROM migrate.upgrade('heads', 'ca');

-- the cache is per role: a role that may read migrate.projects but not
-- migrate.revisions gets the error a fresh read gives, although this
-- session has the state cached
SELECT count(*) FROM migrate.status('ca');
CREATE ROLE regress_cache_reader NOLOGIN;
GRANT USAGE ON SCHEMA migrate TO regress_cache_reader;
GRANT SELECT ON migrate.projects, migrate.applied TO regress_cache_reader;
GRANT EXECUTE ON FUNCTION migrate.status(text) TO regress_cache_reader;
SET ROLE regress_cache_reader;
\set VERBOSITY terse
SELECT count(*) FROM migrate.status('ca');
\set VERBOSITY default
RESET ROLE;
-- a monitoring role reads it (and its own cache entry) normally
SET ROLE regress_monitor;
SELECT revision, state FROM migrate.status('ca');
SELECT revision, state FROM migrate.status('ca');
RESET ROLE;
REVOKE ALL ON SCHEMA migrate FROM regress_cache_reader;
REVOKE ALL ON migrate.projects, migrate.applied FROM regress_cache_reader;
REVOKE ALL ON FUNCTION migrate.status(text) FROM regress_cache_reader;
DROP ROLE regress_cache_reader;

-- more projects than the cache holds (4): each answer is still its own
SELECT pgm_regress.rev('ca_' || g, 'x' || g) FROM generate_series(1, 6) g;
SELECT p, (SELECT string_agg(revision || ':' || state, ',') FROM migrate.status(p)) AS status
  FROM (SELECT 'ca_' || g AS p FROM generate_series(1, 6) g) x, generate_series(1, 2)
 ORDER BY p;
SELECT count(*) FROM migrate.upgrade('heads', 'ca_3');
SELECT p, (SELECT string_agg(revision || ':' || state, ',') FROM migrate.status(p)) AS status
  FROM (SELECT 'ca_' || g AS p FROM generate_series(1, 6) g) x
 ORDER BY p;
