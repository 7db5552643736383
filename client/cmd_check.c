/*-------------------------------------------------------------------------
 *
 * cmd_check.c
 *	  check (is the database what the migrations say?) and verify (do the
 *	  pending migrations go up, down and up again cleanly?).
 *
 * check reads migrate.status_json(): the version state, and whether the
 * live schema's fingerprint is still the one recorded after the last
 * command; when it is not, migrate.drift() says what changed.  With --dir
 * it also compares the directory with the database, as status --dir does.
 * It exits 0 only when everything agrees.
 *
 * verify runs migrate.verify(), which proves every pending revision inside
 * a subtransaction it rolls back.  What cannot run in a transaction (CREATE
 * INDEX CONCURRENTLY) is proven with --per-revision on a scratch database:
 * there each such revision really goes up (CALL migrate.apply()), down
 * (migrate.downgrade('REV@-1')) and up again, committed, with the schema
 * snapshot compared after each; the other revisions are proven by
 * migrate.verify() there and then applied, so that the next one starts
 * from them.
 *
 * IDENTIFICATION
 *	  client/cmd_check.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* one revision's proof, as migrate.verify() reports it */
typedef struct Proof
{
	char	   *revision;
	char	   *up_ok;			/* "t", "f" or NULL */
	char	   *down_restores;
	char	   *reup_identical;
	char	   *differences;	/* jsonb text or NULL */
	char	   *error;
} Proof;

static char *
value_or_null(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : pgm_strdup(PQgetvalue(res, row, col));
}

/* ----------------------------------------------------------------
 * check
 * ----------------------------------------------------------------
 */

static const char *const CHECK_SQL =
"SELECT (j OPERATOR(pg_catalog.->>) 'up_to_date'::pg_catalog.text)::pg_catalog.bool, "
"  j OPERATOR(pg_catalog.->>) 'drift'::pg_catalog.text, "
"  coalesce((SELECT pg_catalog.string_agg(x, ', ') "
"            FROM pg_catalog.jsonb_array_elements_text("
"              j OPERATOR(pg_catalog.->) 'current'::pg_catalog.text) x), ''), "
"  coalesce((SELECT pg_catalog.string_agg(x, ', ') "
"            FROM pg_catalog.jsonb_array_elements_text("
"              j OPERATOR(pg_catalog.->) 'pending'::pg_catalog.text) x), ''), "
"  j::pg_catalog.text "
"FROM migrate.status_json($1) j";

static const char *const SCHEMA_DRIFT_SQL =
"SELECT kind, object, change, "
"  pg_catalog.jsonb_build_object('kind', kind, 'object', object, 'change', change, "
"    'expected', expected, 'actual', actual)::pg_catalog.text "
"FROM migrate.drift($1)";

/* rows of (kind, object, change), one line each (diff prints them too) */
void
print_schema_rows(FILE *f, const PGresult *rows)
{
	int			i;

	for (i = 0; i < PQntuples(rows); i++)
	{
		char	   *kind = pgm_escaped(PQgetvalue(rows, i, 0));
		char	   *object = pgm_escaped(PQgetvalue(rows, i, 1));
		char	   *change = pgm_escaped(PQgetvalue(rows, i, 2));

		fprintf(f, "  %s %s: %s\n", kind, object, change);
		free(kind);
		free(object);
		free(change);
	}
}

/*
 * The JSON document of check: status_json's fields, the schema's
 * differences, the directory's and the verdict.
 */
static void
print_check_json(const char *status, const PGresult *schema,
				 const PGresult *dir, bool ok)
{
	int			i;

	printf("{\"status\": %s, \"schema_differences\": ", status);
	if (schema == NULL)
		fputs("null", stdout);
	else
	{
		fputs("[", stdout);
		for (i = 0; i < PQntuples(schema); i++)
			printf("%s%s", i > 0 ? ", " : "", PQgetvalue(schema, i, 3));
		fputs("]", stdout);
	}
	fputs(", \"directory\": ", stdout);
	if (dir == NULL)
		fputs("null", stdout);
	else
	{
		fputs("[", stdout);
		for (i = 0; i < PQntuples(dir); i++)
		{
			char	   *problem = json_str(PQgetvalue(dir, i, 0));
			char	   *id = json_str(PQgetvalue(dir, i, 1));

			printf("%s{\"problem\": %s, \"revision\": %s}", i > 0 ? ", " : "",
				   problem, id);
			free(problem);
			free(id);
		}
		fputs("]", stdout);
	}
	printf(", \"ok\": %s}\n", ok ? "true" : "false");
}

int
cmd_check(Opts *o)
{
	PgmMigrationSet set = {0};
	const char *params[1] = {o->project};
	PGconn	   *conn;
	PGresult   *res;
	PGresult   *schema = NULL;
	PGresult   *dir = NULL;
	bool		up_to_date;
	const char *drift;
	bool		ok;
	int			rc;

	if (o->dir_given && (rc = load_ordered(o, &set)) != PGM_EXIT_OK)
		return rc;
	conn = connect_db(o);
	if (o->dir_given)
		dir = dir_drift(conn, o, &set);
	res = pgm_query(conn, CHECK_SQL, 1, params);
	up_to_date = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	drift = PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1);
	if (drift != NULL && strcmp(drift, "true") == 0)
		schema = pgm_query(conn, SCHEMA_DRIFT_SQL, 1, params);
	ok = up_to_date && drift != NULL && strcmp(drift, "false") == 0 &&
		(dir == NULL || PQntuples(dir) == 0);

	if (o->json)
		print_check_json(PQgetvalue(res, 0, 4), schema, dir, ok);
	else
	{
		char	   *project = pgm_escaped(o->project);
		char	   *current = pgm_escaped(PQgetvalue(res, 0, 2)[0] ? PQgetvalue(res, 0, 2) : "base");

		if (up_to_date)
			printf("project \"%s\": up to date (current: %s)\n", project, current);
		else
		{
			char	   *pending = pgm_escaped(PQgetvalue(res, 0, 3));

			printf("project \"%s\": not up to date (current: %s; pending: %s)\n",
				   project, current, pending);
			free(pending);
		}
		if (drift == NULL)
			printf("schema: no snapshot recorded yet (run an upgrade, or SELECT migrate.accept_schema('%s') to take the live schema as expected)\n",
				   project);
		else if (schema == NULL)
			printf("schema: as recorded after the last command\n");
		else
		{
			printf("schema: %d difference%s from what was recorded after the last command:\n",
				   PQntuples(schema), PQntuples(schema) == 1 ? "" : "s");
			print_schema_rows(stdout, schema);
		}
		if (dir != NULL)
		{
			char	   *d = pgm_escaped(o->dir);

			if (PQntuples(dir) == 0)
				printf("directory \"%s\": matches the database\n", d);
			else
			{
				int			i;

				printf("directory \"%s\" differs from the database:\n", d);
				for (i = 0; i < PQntuples(dir); i++)
				{
					char	   *problem = pgm_escaped(PQgetvalue(dir, i, 0));
					char	   *id = pgm_escaped(PQgetvalue(dir, i, 1));

					printf("  %s: %s\n", problem, id);
					free(problem);
					free(id);
				}
			}
			free(d);
		}
		printf("%s\n", ok ? "check passed" : "check failed");
		free(project);
		free(current);
	}
	PQclear(res);
	if (schema)
		PQclear(schema);
	if (dir)
		PQclear(dir);
	finish(conn);
	return ok ? PGM_EXIT_OK : PGM_EXIT_PENDING;
}

/* ----------------------------------------------------------------
 * verify
 * ----------------------------------------------------------------
 */

/* whether a proof failed; an irreversible revision is reported, not failed */
static bool
proof_failed(const Proof *p)
{
	if ((p->up_ok && strcmp(p->up_ok, "f") == 0) ||
		(p->down_restores && strcmp(p->down_restores, "f") == 0) ||
		(p->reup_identical && strcmp(p->reup_identical, "f") == 0))
		return true;
	return p->error != NULL && strncmp(p->error, "irreversible", 12) != 0;
}

static const char *
proof_result(const Proof *p)
{
	if (!proof_failed(p))
		return p->error ? "irreversible" : "proven";
	return "FAILED";
}

static void
print_proofs(const Opts *o, Proof *proofs, int n)
{
	int			i;

	if (o->json)
	{
		fputs("[", stdout);
		for (i = 0; i < n; i++)
		{
			Proof	   *p = &proofs[i];
			char	   *id = json_str(p->revision);
			char	   *error = p->error ? json_str(p->error) : pgm_strdup("null");

			printf("%s{\"revision\": %s, \"up_ok\": %s, \"down_restores\": %s, "
				   "\"reup_identical\": %s, \"differences\": %s, \"error\": %s, "
				   "\"result\": \"%s\"}",
				   i > 0 ? ", " : "", id,
				   p->up_ok ? (strcmp(p->up_ok, "t") == 0 ? "true" : "false") : "null",
				   p->down_restores ? (strcmp(p->down_restores, "t") == 0 ? "true" : "false") : "null",
				   p->reup_identical ? (strcmp(p->reup_identical, "t") == 0 ? "true" : "false") : "null",
				   p->differences ? p->differences : "null", error,
				   proof_result(p));
			free(id);
			free(error);
		}
		puts("]");
		return;
	}
	if (n == 0)
	{
		puts("nothing to verify");
		return;
	}
	for (i = 0; i < n; i++)
	{
		Proof	   *p = &proofs[i];
		char	   *id = pgm_escaped(p->revision);

		printf("%-8s %s", proof_result(p), id);
		if (p->error)
		{
			char	   *error = pgm_escaped(p->error);

			printf(": %s", error);
			free(error);
		}
		else if (proof_failed(p))
			printf(": %s%s",
				   p->down_restores && strcmp(p->down_restores, "f") == 0 ?
				   "the down script does not restore the schema" : "",
				   p->reup_identical && strcmp(p->reup_identical, "f") == 0 ?
				   (p->down_restores && strcmp(p->down_restores, "f") == 0 ?
					"; the second up differs from the first" :
					"the second up differs from the first") : "");
		putchar('\n');
		free(id);
	}
}

/* the differences of a proof, listed under it (human output) */
static void
print_differences(PGconn *conn, const Proof *proofs, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		const char *params[1] = {proofs[i].differences};
		PGresult   *res;
		int			r;

		if (proofs[i].differences == NULL)
			continue;
		res = pgm_query(conn,
						"SELECT d OPERATOR(pg_catalog.->>) 'phase'::pg_catalog.text, "
						"  d OPERATOR(pg_catalog.->>) 'kind'::pg_catalog.text, "
						"  d OPERATOR(pg_catalog.->>) 'object'::pg_catalog.text, "
						"  d OPERATOR(pg_catalog.->>) 'change'::pg_catalog.text "
						"FROM pg_catalog.jsonb_array_elements($1::pg_catalog.jsonb) d",
						1, params);
		for (r = 0; r < PQntuples(res); r++)
		{
			char	   *rev = pgm_escaped(proofs[i].revision);
			char	   *phase = pgm_escaped(PQgetvalue(res, r, 0));
			char	   *kind = pgm_escaped(PQgetvalue(res, r, 1));
			char	   *object = pgm_escaped(PQgetvalue(res, r, 2));
			char	   *change = pgm_escaped(PQgetvalue(res, r, 3));

			printf("  %s, %s: %s %s %s\n", rev, phase, kind, object, change);
			free(rev);
			free(phase);
			free(kind);
			free(object);
			free(change);
		}
		PQclear(res);
	}
}

/* migrate.verify(target) rows into proofs; returns their number or -1 */
static int
server_proofs(PGconn *conn, const Opts *o, const char *target, Proof **out)
{
	const char *params[3] = {target, o->project, o->trust_registrants ? "true" : "false"};
	PGresult   *res = pgm_query_try(conn,
									"SELECT revision, up_ok, down_restores, reup_identical, "
									"  differences::pg_catalog.text, error "
									"FROM migrate.verify($1, $2, $3::pg_catalog.bool)",
									3, params);
	int			n;
	int			i;

	if (res == NULL)
		return -1;
	n = PQntuples(res);
	*out = pgm_malloc((n + 1) * sizeof(Proof));
	for (i = 0; i < n; i++)
	{
		(*out)[i].revision = value_or_null(res, i, 0);
		(*out)[i].up_ok = value_or_null(res, i, 1);
		(*out)[i].down_restores = value_or_null(res, i, 2);
		(*out)[i].reup_identical = value_or_null(res, i, 3);
		(*out)[i].differences = value_or_null(res, i, 4);
		(*out)[i].error = value_or_null(res, i, 5);
	}
	PQclear(res);
	return n;
}

/* the project's snapshot as text (diff takes its snapshots with it too) */
char *
snapshot_of(PGconn *conn, const Opts *o)
{
	const char *params[1] = {o->project};
	PGresult   *res = pgm_query(conn, "SELECT migrate.schema_snapshot($1)::pg_catalog.text",
								1, params);
	char	   *s = pgm_strdup(PQgetvalue(res, 0, 0));

	PQclear(res);
	return s;
}

/*
 * The differences between two snapshots as a JSON array with the phase,
 * or NULL when they are equal.
 */
static char *
differences_of(PGconn *conn, const char *expected, const char *actual,
			   const char *phase)
{
	const char *params[3] = {expected, actual, phase};
	PGresult   *res = pgm_query(conn,
								"SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object("
								"  'phase', $3::pg_catalog.text, 'kind', kind, 'object', object, "
								"  'change', change, 'expected', expected, 'actual', actual))::pg_catalog.text "
								"FROM migrate.schema_diff($1::pg_catalog.jsonb, $2::pg_catalog.jsonb)",
								3, params);
	char	   *d = value_or_null(res, 0, 0);

	PQclear(res);
	return d;
}

/* run a command of the proof; on error, its message as the proof's error */
static bool
proof_step(PGconn *conn, const char *sql, int nparams, const char *const *params,
		   const char *what, Proof *p)
{
	PGresult   *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
	{
		PQclear(res);
		return true;
	}
	{
		const char *message = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

		p->error = pgm_printf("%s failed: %s", what,
							  message ? message : PQerrorMessage(conn));
	}
	if (res)
		PQclear(res);
	return false;
}

/*
 * Prove one revision with real commits: up (CALL migrate.apply), down
 * (CALL migrate.apply('REV@-1'): that revision alone, in a worker when its
 * down script needs one), up again.  Returns false when
 * the revision is not applied afterwards (the next cannot run).
 */
static bool
prove_committed(PGconn *conn, const Opts *o, const char *id, bool has_down,
				Proof *p)
{
	char	   *lineage = pgm_printf("%s@-1", id);
	const char *params[3] = {id, o->project, o->trust_registrants ? "true" : "false"};
	const char *down_params[3] = {lineage, o->project, params[2]};
	char	   *s0 = snapshot_of(conn, o);
	char	   *s1;
	char	   *s2;
	char	   *s3;
	char	   *after_down;
	bool		applied;

	memset(p, 0, sizeof(Proof));
	p->revision = pgm_strdup(id);
	applied = proof_step(conn, "CALL migrate.apply($1, $2, $3::pg_catalog.bool)", 3, params,
						 "up script", p);
	p->up_ok = pgm_strdup(applied ? "t" : "f");
	if (!applied)
		goto done;
	s1 = snapshot_of(conn, o);
	if (!has_down)
	{
		p->error = pgm_strdup("irreversible: the revision has no down script");
		goto done;
	}
	if (!proof_step(conn, "CALL migrate.apply($1, $2, $3::pg_catalog.bool)",
					3, down_params, "down script", p))
	{
		p->down_restores = pgm_strdup("f");
		goto done;
	}
	s2 = snapshot_of(conn, o);
	after_down = differences_of(conn, s0, s2, "after down");
	p->down_restores = pgm_strdup(after_down ? "f" : "t");
	applied = proof_step(conn, "CALL migrate.apply($1, $2, $3::pg_catalog.bool)", 3, params,
						 "second up script", p);
	p->reup_identical = pgm_strdup(applied ? "t" : "f");
	if (applied)
	{
		char	   *after_reup;

		s3 = snapshot_of(conn, o);
		after_reup = differences_of(conn, s1, s3, "after second up");
		if (after_reup)
		{
			free(p->reup_identical);
			p->reup_identical = pgm_strdup("f");
		}
		p->differences = after_down && after_reup ?
			pgm_printf("%.*s, %s", (int) strlen(after_down) - 1, after_down, after_reup + 1) :
			after_down ? after_down : after_reup;
	}
	else
		p->differences = after_down;
done:
	free(lineage);
	return applied;
}

/*
 * --per-revision: on the scratch database, each pending revision in plan
 * order.  Nontransactional ones, and only they, need real commits.
 */
static int
per_revision_proofs(PGconn *conn, const Opts *o, const char *target, Proof **out)
{
	const char *params[2] = {target, o->project};
	PGresult   *plan = pgm_query_try(conn,
									 "SELECT p.revision, p.execution, s.down IS NOT NULL, "
									 "  s.down_class, pg_catalog.cardinality(s.parents) "
									 "FROM migrate.plan($1, $2) p, migrate.show(p.revision, $2) s "
									 "WHERE p.direction" EQ "'up'::pg_catalog.text ORDER BY p.step",
									 2, params);
	int			n;
	int			i;
	bool		stopped = false;

	if (plan == NULL)
		return -1;
	n = PQntuples(plan);
	*out = pgm_malloc((n + 1) * sizeof(Proof));
	for (i = 0; i < n; i++)
	{
		Proof	   *p = &(*out)[i];
		const char *id = PQgetvalue(plan, i, 0);
		bool		nontransactional = strcmp(PQgetvalue(plan, i, 1), "nontransactional") == 0;
		bool		has_down = strcmp(PQgetvalue(plan, i, 2), "t") == 0;
		const char *apply[3] = {id, o->project, o->trust_registrants ? "true" : "false"};

		memset(p, 0, sizeof(Proof));
		p->revision = pgm_strdup(id);
		if (stopped)
		{
			p->error = pgm_strdup("not run: a revision before it could not be applied");
			continue;
		}
		if (nontransactional && atoi(PQgetvalue(plan, i, 4)) > 1)
		{
			p->error = pgm_strdup("cannot be proven by itself with commits: a merge point cannot be reverted alone");
			stopped = true;
			continue;
		}
		if (nontransactional)
		{
			stopped = !prove_committed(conn, o, id, has_down, p);
			continue;
		}
		/* proven in a rolled-back transaction, then applied for the next */
		{
			Proof	   *one;

			if (server_proofs(conn, o, id, &one) != 1)
			{
				p->error = pgm_strdup("migrate.verify() did not prove it");
				stopped = true;
				continue;
			}
			*p = one[0];
			free(one);
			if (!proof_step(conn, "CALL migrate.apply($1, $2, $3::pg_catalog.bool)", 3, apply,
							"applying it for the revisions after it", p))
				stopped = true;
		}
	}
	PQclear(plan);
	return n;
}

/*
 * The database verify works in: the scratch database (with the extension
 * created if it is missing), or the one -d names.
 */
static PGconn *
verify_connection(const Opts *o)
{
	PGconn	   *conn;
	PGresult   *res;

	if (o->scratch == NULL)
		return connect_db(o);
	conn = pgm_connect(o->scratch);
	/* the progress of the commits there is not the proof's output */
	res = pgm_query(conn, "SET client_min_messages = warning", 0, NULL);
	PQclear(res);
	res = pgm_query(conn, "CREATE EXTENSION IF NOT EXISTS pg_migrate", 0, NULL);
	PQclear(res);
	return conn;
}

/*
 * Length (about 70 lines): option checks, pushing, the proofs of either
 * kind and the report, in the order the command does them.
 */
int
cmd_verify(Opts *o)
{
	PgmMigrationSet set = {0};
	const char *target = o->nargs > 0 ? o->args[0] : "heads";
	PGconn	   *conn;
	Proof	   *proofs = NULL;
	int			n;
	int			failed = 0;
	int			rc;
	int			i;

	if ((o->per_revision || o->offline) && o->scratch == NULL)
	{
		pgm_error("verify %s runs migrations for real: it needs --scratch, a database to use up",
				  o->per_revision ? "--per-revision" : "--offline");
		pgm_hint("Create an empty database for it, e.g. createdb verify_scratch, and pass --scratch dbname=verify_scratch.");
		return PGM_EXIT_USAGE;
	}
	if ((o->dir_given || o->scratch) && (rc = load_ordered(o, &set)) != PGM_EXIT_OK)
		return rc;
	conn = verify_connection(o);
	if (o->per_revision)
	{
		const char *params[1] = {o->project};
		PGresult   *res = pgm_query(conn,
									"SELECT EXISTS (SELECT FROM migrate.applied a "
									"WHERE a.project" EQ "$1::pg_catalog.text)",
									1, params);
		bool		used = strcmp(PQgetvalue(res, 0, 0), "t") == 0;

		PQclear(res);
		if (used)
		{
			char	   *project = pgm_escaped(o->project);

			pgm_error("the scratch database has applied revisions of project \"%s\"", project);
			pgm_detail("verify --per-revision applies and reverts revisions for real: it refuses a database that is in use.");
			pgm_hint("Give it a new, empty database (createdb), one per run.");
			free(project);
			finish(conn);
			return PGM_EXIT_USAGE;
		}
	}
	if (o->dir_given || o->scratch)
	{
		PushStats	stats;

		rc = push_set(conn, o, &set, false, &stats, false);
		if (rc != PGM_EXIT_OK)
		{
			finish(conn);
			return rc;
		}
	}
	n = o->per_revision ? per_revision_proofs(conn, o, target, &proofs) :
		server_proofs(conn, o, target, &proofs);
	if (n < 0)
	{
		finish(conn);
		return PGM_EXIT_SERVER;
	}
	print_proofs(o, proofs, n);
	if (!o->json)
		print_differences(conn, proofs, n);
	for (i = 0; i < n; i++)
		if (proof_failed(&proofs[i]))
			failed++;
	if (!o->json && n > 0)
		printf("%d revision%s: %d failed\n", n, n == 1 ? "" : "s", failed);
	finish(conn);
	return failed > 0 ? PGM_EXIT_PENDING : PGM_EXIT_OK;
}
