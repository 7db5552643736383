/*-------------------------------------------------------------------------
 *
 * commands.c
 *	  The state-changing SQL functions: revision, merge, upgrade,
 *	  downgrade and stamp.
 *
 * Each command checks that it may write, takes the project mutex (see
 * lock.c), reads the state, plans, refuses anything it cannot finish
 * (irreversible or nontransactional revisions) before running the first
 * statement, and then runs the plan inside the caller's transaction,
 * writing the version state and one event per step as it goes.  Because
 * nothing commits, a failure anywhere leaves nothing behind.
 *
 * IDENTIFICATION
 *	  src/commands.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "pg_migrate.h"

typedef enum PgmCommand
{
	CMD_UPGRADE,
	CMD_DOWNGRADE,
	CMD_STAMP
} PgmCommand;

static ArrayType *
array_arg_or_empty(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		return construct_empty_array(TEXTOID);
	return PG_GETARG_ARRAYTYPE_P(argno);
}

PG_FUNCTION_INFO_V1(pg_migrate_revision);

/*
 * migrate.revision(id, up, down, parents, message, branch_labels,
 *					depends_on, project)
 */
Datum
pg_migrate_revision(PG_FUNCTION_ARGS)
{
	char	   *id = pgm_text_arg(fcinfo, 0, "revision id");
	char	   *up = pgm_text_arg(fcinfo, 1, "up script");
	char	   *down = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	ArrayType  *parents = array_arg_or_empty(fcinfo, 3);
	char	   *message = PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4));
	ArrayType  *labels = array_arg_or_empty(fcinfo, 5);
	ArrayType  *deps = array_arg_or_empty(fcinfo, 6);
	char	   *project = pgm_project_arg(fcinfo, 7);
	char	   *result;

	pgm_require_writable("migrate.revision()");
	pgm_require_deploy_privilege(project);
	result = pgm_register_revision(project, id, up, down, parents, message,
								   labels, deps);
	PG_RETURN_TEXT_P(cstring_to_text(result));
}

static bool
is_parent_ancestor(PgmGraph *graph, int anc, int desc)
{
	bool	   *reach = palloc0(Max(graph->nrevs, 1));
	bool		result;

	pgm_ancestors(graph, &desc, 1, false, reach);
	result = reach[anc];
	pfree(reach);
	return result;
}

PG_FUNCTION_INFO_V1(pg_migrate_merge);

/*
 * migrate.merge(revisions, message, id, project): register an empty
 * revision whose parents are the given revisions.
 */
Datum
pg_migrate_merge(PG_FUNCTION_ARGS)
{
	ArrayType  *revisions;
	char	   *message = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *id = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	char	   *project = pgm_project_arg(fcinfo, 3);
	char	  **names;
	int			nnames;
	int			key;
	PgmState   *state;
	List	   *parents = NIL;
	List	   *parent_ids = NIL;
	ListCell   *lc,
			   *lc2;
	int			i;
	char	   *result;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("revisions must not be null")));
	revisions = PG_GETARG_ARRAYTYPE_P(0);
	names = pgm_text_array_arg(revisions, "revisions", &nnames);

	pgm_require_writable("migrate.merge()");
	pgm_require_deploy_privilege(project);

	key = pgm_project_key(project, true);
	pgm_lock_project(project, key);
	state = pgm_load_state(project);

	for (i = 0; i < nnames; i++)
	{
		PgmTarget  *t;
		int			j;

		/* "heads" here means every versioned head, like "alembic merge heads" */
		if (strcmp(names[i], "heads") == 0)
		{
			ListCell   *hc;

			foreach(hc, pgm_versioned_heads(state->graph))
				if (!list_member_int(parents, lfirst_int(hc)))
					parents = lappend_int(parents, lfirst_int(hc));
			continue;
		}
		t = pgm_resolve_target(state->graph, state->applied, names[i],
							   PGM_MODE_ANY);

		if (t->kind != PGM_TARGET_REVS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" does not name revisions to merge", names[i])));
		for (j = 0; j < t->nrevs; j++)
			if (!list_member_int(parents, t->revs[j]))
				parents = lappend_int(parents, t->revs[j]);
	}
	if (list_length(parents) < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a merge needs at least two distinct revisions"),
				 list_length(parents) == 1 ?
				 errdetail("Only revision \"%s\" was named.",
						   state->graph->revs[linitial_int(parents)].id) : 0,
				 errhint("Name two or more heads, or use ARRAY['heads'] when the graph has several.")));
	/* merges join lineages: only parent edges count here */
	foreach(lc, parents)
		foreach(lc2, parents)
			if (lfirst_int(lc) != lfirst_int(lc2) &&
				is_parent_ancestor(state->graph, lfirst_int(lc), lfirst_int(lc2)))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("revision \"%s\" is an ancestor of revision \"%s\"",
								state->graph->revs[lfirst_int(lc)].id,
								state->graph->revs[lfirst_int(lc2)].id),
						 errdetail("Only revisions on different branches can be merged.")));
	foreach(lc, parents)
		parent_ids = lappend(parent_ids, state->graph->revs[lfirst_int(lc)].id);

	if (id == NULL)
	{
		uint8		random[6];
		char	   *hex = palloc(13);

		if (!pg_strong_random(random, sizeof(random)))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate a random revision id")));
		hex_encode((const char *) random, sizeof(random), hex);
		hex[12] = '\0';
		id = hex;
	}
	if (message == NULL)
		message = psprintf("merge %s", pgm_format_list(parent_ids));

	result = pgm_register_revision(project, id, "", "",
								   pgm_build_text_array(parent_ids), message,
								   construct_empty_array(TEXTOID),
								   construct_empty_array(TEXTOID));
	PG_RETURN_TEXT_P(cstring_to_text(result));
}

/*
 * Refuse, before anything runs, what the atomic path cannot do.
 */
static void
check_atomic(PgmGraph *graph, PgmPlan *plan, const char *project)
{
	int			i;

	for (i = 0; i < plan->nsteps; i++)
	{
		PgmStep    *step = &plan->steps[i];
		PgmRevision *rev = &graph->revs[step->rev];
		PgmExecClass cls;

		if (step->direction == PGM_UP)
			cls = rev->up_class;
		else if (step->direction == PGM_DOWN)
			cls = rev->down_class;
		else
			continue;
		if (cls == PGM_EXEC_NONTRANSACTIONAL)
			ereport(ERROR,
					(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
					 errmsg("revision \"%s\" (project \"%s\") cannot run inside a transaction",
							rev->id, project),
					 errdetail("Its %s script contains a statement such as CREATE INDEX CONCURRENTLY or VACUUM, which PostgreSQL refuses inside a transaction block or function.",
							   step->direction == PGM_UP ? "up" : "down"),
					 errhint("Nothing was run. The atomic path runs every revision inside the caller's transaction and cannot apply this one.")));
	}
}

static Datum
run_command(FunctionCallInfo fcinfo, PgmCommand cmd)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target = pgm_text_arg(fcinfo, 0, "target");
	char	   *project = pgm_project_arg(fcinfo, 1);
	bool		purge = false;
	const char *fname;
	int			key;
	PgmState   *state;
	PgmTarget  *t;
	PgmPlan    *plan;
	int			i;

	switch (cmd)
	{
		case CMD_UPGRADE:
			fname = "migrate.upgrade()";
			break;
		case CMD_DOWNGRADE:
			fname = "migrate.downgrade()";
			break;
		default:
			fname = "migrate.stamp()";
			if (PG_ARGISNULL(2))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("purge must not be null")));
			purge = PG_GETARG_BOOL(2);
			break;
	}

	pgm_require_writable(fname);
	pgm_require_deploy_privilege(project);
	InitMaterializedSRF(fcinfo, 0);

	key = pgm_project_key(project, false);
	if (key != 0)
		pgm_lock_project(project, key);
	state = pgm_load_state(project);

	switch (cmd)
	{
		case CMD_UPGRADE:
			t = pgm_resolve_target(state->graph, state->applied, target,
								   PGM_MODE_UPGRADE);
			plan = pgm_plan_upgrade(state->graph, state->applied, t);
			break;
		case CMD_DOWNGRADE:
			t = pgm_resolve_target(state->graph, state->applied, target,
								   PGM_MODE_DOWNGRADE);
			plan = pgm_plan_downgrade(state->graph, state->applied, t, target);
			pgm_check_reversible(state->graph, plan);
			break;
		default:
			t = pgm_resolve_target(state->graph, state->applied, target,
								   PGM_MODE_STAMP);
			plan = pgm_plan_stamp(state->graph, state->applied, t, purge);
			break;
	}
	check_atomic(state->graph, plan, project);

	for (i = 0; i < plan->nsteps; i++)
	{
		PgmStep    *step = &plan->steps[i];
		PgmRevision *rev = &state->graph->revs[step->rev];
		TimestampTz started = GetCurrentTimestamp();
		TimestampTz finished;
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};
		Interval   *duration = palloc0(sizeof(Interval));

		CHECK_FOR_INTERRUPTS();
		if (step->direction == PGM_UP || step->direction == PGM_DOWN)
		{
			char	   *up;
			char	   *down;

			pgm_fetch_scripts(project, rev->id, &up, &down);
			pgm_run_script(project, rev->id,
						   step->direction == PGM_UP ? up : down);
		}
		pgm_record_applied(project, rev->id,
						   step->direction == PGM_UP || step->direction == PGM_STAMP,
						   step->direction == PGM_STAMP);
		finished = GetCurrentTimestamp();
		pgm_record_event(project, rev->id, step->direction, started, finished);

		duration->time = finished - started;
		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(rev->id);
		values[2] = CStringGetTextDatum(pgm_direction_name(step->direction));
		values[3] = IntervalPGetDatum(duration);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	if (plan->nsteps > 0)
		pgm_bump_state_version(project);

	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pg_migrate_upgrade);

Datum
pg_migrate_upgrade(PG_FUNCTION_ARGS)
{
	return run_command(fcinfo, CMD_UPGRADE);
}

PG_FUNCTION_INFO_V1(pg_migrate_downgrade);

Datum
pg_migrate_downgrade(PG_FUNCTION_ARGS)
{
	return run_command(fcinfo, CMD_DOWNGRADE);
}

PG_FUNCTION_INFO_V1(pg_migrate_stamp);

Datum
pg_migrate_stamp(PG_FUNCTION_ARGS)
{
	return run_command(fcinfo, CMD_STAMP);
}
