/*-------------------------------------------------------------------------
 *
 * lint_sql.c
 *	  The linter's SQL functions: migrate.lint(), migrate.lint_revision()
 *	  and migrate.lint_ignores().
 *
 * IDENTIFICATION
 *	  src/lint_sql.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "access.h"
#include "args.h"
#include "lint.h"
#include "state.h"
#include "storage.h"

/* rows of (rule, severity, statement_no, line, message, hint) */
static void
put_findings(ReturnSetInfo *rsinfo, PgmLintResult *r)
{
	int			i;

	for (i = 0; i < r->nfindings; i++)
	{
		PgmLintFinding *f = &r->findings[i];
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = CStringGetTextDatum(f->rule);
		values[1] = CStringGetTextDatum(pgm_lint_severity_name(f->severity));
		values[2] = Int32GetDatum(f->statement_no);
		values[3] = Int32GetDatum(f->line);
		values[4] = CStringGetTextDatum(f->message);
		values[5] = CStringGetTextDatum(f->hint);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

PG_FUNCTION_INFO_V1(pg_migrate_lint);

/*
 * migrate.lint(script, preceding, catalog): the findings of a script, after
 * the scripts in preceding (which create what it may use); with catalog
 * false, what the client finds offline.
 */
Datum
pg_migrate_lint(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PgmLintRequest req;
	int			i;
	int			n = 0;
	char	  **preceding = NULL;

	memset(&req, 0, sizeof(req));
	req.script = pgm_text_arg(fcinfo, 0, "script");
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("preceding must not be null"),
				 errhint("Pass an empty array when no script runs before this one.")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("catalog must not be null")));
	preceding = pgm_text_array_arg(PG_GETARG_ARRAYTYPE_P(1), "preceding", &n);
	for (i = 0; i < n; i++)
		req.preceding = lappend(req.preceding, preceding[i]);
	req.catalog = PG_GETARG_BOOL(2);
	req.which = "linted";
	InitMaterializedSRF(fcinfo, 0);
	put_findings(rsinfo, pgm_lint(&req));
	return (Datum) 0;
}

/*
 * The up scripts of a revision's unapplied ancestors, in registration
 * order, read through the checksum check like any script about to run.
 */
static List *
unapplied_ancestors(const char *project, PgmState *state, int r)
{
	PgmGraph   *graph = state->graph;
	bool	   *anc = palloc0(sizeof(bool) * Max(graph->nrevs, 1));
	int		   *order = pgm_registration_order(graph);
	List	   *scripts = NIL;
	int			i;

	pgm_ancestors(graph, &r, 1, true, anc);
	for (i = 0; i < graph->nrevs; i++)
	{
		int			k = order[i];

		if (k != r && anc[k] && !state->applied[k])
			scripts = lappend(scripts, pgm_fetch_details(project, graph->revs[k].id, true)->up);
	}
	return scripts;
}

PG_FUNCTION_INFO_V1(pg_migrate_lint_revision);

/*
 * migrate.lint_revision(revision, project): the findings of a registered
 * revision's up script against the catalog as it is now, after its
 * unapplied ancestors.
 */
Datum
pg_migrate_lint_revision(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *name = pgm_text_arg(fcinfo, 0, "revision");
	char	   *project = pgm_project_arg(fcinfo, 1);
	PgmState   *state;
	int			r;
	PgmLintRequest req;

	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	InitMaterializedSRF(fcinfo, 0);
	state = pgm_load_state(project);
	r = pgm_resolve_revision(state->graph, name);
	memset(&req, 0, sizeof(req));
	req.revision = state->graph->revs[r].id;
	req.script = pgm_fetch_details(project, req.revision, true)->up;
	req.which = "up";
	req.catalog = true;
	req.preceding = unapplied_ancestors(project, state, r);
	put_findings(rsinfo, pgm_lint(&req));
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pg_migrate_lint_ignores);

/*
 * migrate.lint_ignores(project): every "-- migrate:lint-ignore" annotation
 * in the project's up scripts, with its reason, in registration order.
 */
Datum
pg_migrate_lint_ignores(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *project = pgm_project_arg(fcinfo, 0);
	PgmState   *state;
	int		   *order;
	int			i;

	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	InitMaterializedSRF(fcinfo, 0);
	state = pgm_load_state(project);
	order = pgm_registration_order(state->graph);
	for (i = 0; i < state->graph->nrevs; i++)
	{
		PgmRevision *rev = &state->graph->revs[order[i]];
		PgmLintState *st = pgm_lint_start(false, NULL, NULL);
		PgmLintResult *res;
		int			k;

		pgm_lint_lenient(st);
		res = pgm_lint_next(st, pgm_fetch_details(project, rev->id, true)->up,
							rev->id, "up", true);

		for (k = 0; k < res->nignored; k++)
		{
			PgmLintIgnore *ig = &res->ignored[k];
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};

			values[0] = CStringGetTextDatum(rev->id);
			values[1] = Int32GetDatum(ig->statement_no);
			values[2] = Int32GetDatum(ig->line);
			values[3] = CStringGetTextDatum(ig->rule);
			values[4] = CStringGetTextDatum(ig->reason);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
