/* pg_migrate--0.2.0--0.3.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.3.0'" to load this file. \quit

/*
 * complete_version: the state_version at which every registered revision
 * of the project was applied, or NULL.  A deploy with nothing to do
 * (upgrade('heads')) is then answered from this row alone.  A change that
 * bumps state_version without setting it (an offline script, say) leaves
 * it behind state_version, which reads as "not known to be complete".
 * Existing projects start unknown; their next command sets it.
 */
ALTER TABLE migrate.projects ADD COLUMN complete_version bigint;

/*
 * Registering a revision looks up the revisions whose branch labels it
 * names.  Few revisions have labels, so a partial index finds them without
 * reading the whole project.
 */
CREATE INDEX revisions_labeled_idx ON migrate.revisions (project)
	WHERE branch_labels <> '{}';
