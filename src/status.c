/*-------------------------------------------------------------------------
 *
 * status.c
 *	  The read-only SQL functions: current, heads, branches, history, show,
 *	  status, is_up_to_date, status_json, plan and script.
 *
 * None of them takes the project mutex: they read the last committed
 * state through the caller's snapshot, so a monitor is never blocked by a
 * running migration and never sees half of one.  They work on a standby.
 *
 * IDENTIFICATION
 *	  src/status.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "compat.h"

#include "access.h"
#include "args.h"
#include "lint.h"
#include "lock.h"
#include "parse.h"
#include "snapshot.h"
#include "state.h"

static ArrayType *
ids_array(PgmGraph *graph, const int *revs, int n)
{
	List	   *names = NIL;
	int			i;

	for (i = 0; i < n; i++)
		names = lappend(names, graph->revs[revs[i]].id);
	return pgm_build_text_array(names);
}

static ArrayType *
cstring_array(char **items, int n)
{
	List	   *names = NIL;
	int			i;

	for (i = 0; i < n; i++)
		names = lappend(names, items[i]);
	return pgm_build_text_array(names);
}

static void
put_ids(ReturnSetInfo *rsinfo, PgmGraph *graph, const int *revs, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		Datum		value = CStringGetTextDatum(graph->revs[revs[i]].id);
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
}

/*
 * The project argument of a read function, after checking that the caller
 * may read it: monitor access for state and history, deploy access for
 * what shows scripts.
 */
static char *
project_arg(FunctionCallInfo fcinfo, int argno, PgmAccess access)
{
	char	   *project = pgm_project_arg(fcinfo, argno);

	pgm_require_access(project, access);
	return project;
}

PG_FUNCTION_INFO_V1(pg_migrate_current);

Datum
pg_migrate_current(PG_FUNCTION_ARGS)
{
	char	   *project = project_arg(fcinfo, 0, PGM_ACCESS_MONITOR);
	PgmState   *state;
	int		   *tips;
	int			ntips;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	state = pgm_load_state(project);
	tips = pgm_tips(state->graph, state->applied, &ntips);
	put_ids((ReturnSetInfo *) fcinfo->resultinfo, state->graph, tips, ntips);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pg_migrate_heads);

Datum
pg_migrate_heads(PG_FUNCTION_ARGS)
{
	char	   *project = project_arg(fcinfo, 0, PGM_ACCESS_MONITOR);
	bool		resolve;
	PgmState   *state;
	int		   *heads;
	int			nheads;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("resolve_dependencies must not be null")));
	resolve = PG_GETARG_BOOL(1);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	state = pgm_load_state(project);
	heads = resolve ? pgm_real_heads(state->graph, &nheads) :
		pgm_versioned_heads(state->graph, &nheads);
	put_ids((ReturnSetInfo *) fcinfo->resultinfo, state->graph, heads, nheads);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pg_migrate_branches);

Datum
pg_migrate_branches(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *project = project_arg(fcinfo, 0, PGM_ACCESS_MONITOR);
	PgmState   *state;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	state = pgm_load_state(project);
	for (i = 0; i < state->graph->nrevs; i++)
	{
		PgmRevision *rev = &state->graph->revs[i];
		Datum		values[2];
		bool		nulls[2] = {false, false};

		if (rev->nchildren < 2)
			continue;
		values[0] = CStringGetTextDatum(rev->id);
		values[1] = PointerGetDatum(ids_array(state->graph, rev->children,
											  rev->nchildren));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

static ArrayType *
flags_array(PgmGraph *graph, int r, const bool *tip)
{
	PgmRevision *rev = &graph->revs[r];
	List	   *flags = NIL;

	if (rev->nparents == 0)
		flags = lappend(flags, "base");
	if (rev->nparents > 1)
		flags = lappend(flags, "mergepoint");
	if (rev->nchildren > 1)
		flags = lappend(flags, "branchpoint");
	if (rev->nchildren == 0)
		flags = lappend(flags, "head");
	if (tip[r])
		flags = lappend(flags, "current");
	return pgm_build_text_array(flags);
}

static bool *
tip_flags(PgmGraph *graph, const bool *applied)
{
	bool	   *tip = palloc0(Max(graph->nrevs, 1));
	int			ntips;
	int		   *tips = pgm_tips(graph, applied, &ntips);
	int			i;

	for (i = 0; i < ntips; i++)
		tip[tips[i]] = true;
	return tip;
}

/*
 * The walk of a range starts from its upper end.  A member of the range
 * may reach the upper end only through revisions outside it (through a
 * dependency on a revision the lower end does not lead to through parent
 * edges); the members with nothing above them in the range are added as
 * start points, so that the walk reaches every member.
 */
static int *
range_tops(PgmGraph *graph, const bool *in_set, int *upper, int nupper,
		   int *nstart)
{
	int		   *start = palloc(sizeof(int) * (nupper + graph->nrevs + 1));
	int			n = 0;
	int			i,
				j;

	for (i = 0; i < nupper; i++)
		start[n++] = upper[i];
	for (i = 0; i < graph->nrevs; i++)
	{
		PgmRevision *rev = &graph->revs[i];
		bool		top = in_set[i];

		for (j = 0; top && j < rev->nchildren; j++)
			top = !in_set[rev->children[j]];
		for (j = 0; top && j < rev->ndependents; j++)
			top = !in_set[rev->dependents[j]];
		for (j = 0; top && j < nupper; j++)
			top = upper[j] != i;
		if (top)
			start[n++] = i;
	}
	*nstart = n;
	return start;
}

PG_FUNCTION_INFO_V1(pg_migrate_history);

/*
 * migrate.history(range, project): revisions from the heads down to the
 * bases in the order a full downgrade would revert them.
 */
Datum
pg_migrate_history(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *range = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *project = project_arg(fcinfo, 1, PGM_ACCESS_MONITOR);
	PgmState   *state;
	PgmGraph   *graph;
	bool	   *in_set;
	bool	   *tip;
	int		   *start;
	int			nstart;
	int		   *order;
	int			norder;
	int			i;
	MemoryContext row_cxt;
	MemoryContext old_cxt;

	InitMaterializedSRF(fcinfo, 0);
	state = pgm_load_state(project);
	graph = state->graph;
	in_set = palloc0(Max(graph->nrevs, 1));

	if (range == NULL || range[0] == '\0')
	{
		memset(in_set, true, graph->nrevs);
		start = pgm_real_heads(graph, &nstart);
	}
	else
	{
		bool		lower_is_base;
		bool	   *below = palloc0(Max(graph->nrevs, 1));
		int		   *lo;
		int			nlo;

		if (strchr(range, ':') == NULL)
		{
			/* a single revision: it and its ancestors */
			PgmTarget  *t = pgm_resolve_target(graph, state->applied, range,
											   PGM_MODE_ANY);

			lower_is_base = true;
			lo = NULL;
			nlo = 0;
			start = t->revs;
			nstart = t->nrevs;
		}
		else
			pgm_resolve_range(graph, state->applied, range, &lower_is_base,
							  &lo, &nlo, &start, &nstart);
		pgm_ancestors(graph, start, nstart, true, in_set);
		if (!lower_is_base)
		{
			for (i = 0; i < nlo; i++)
				if (!in_set[lo[i]])
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("revision \"%s\" is not an ancestor of the upper end of range \"%s\"",
									graph->revs[lo[i]].id, range),
							 errhint("Write the lower revision first: \"older:newer\".")));
			/* upwards from the lower end through parent edges only */
			pgm_descendants(graph, lo, nlo, false, below);
			for (i = 0; i < graph->nrevs; i++)
				in_set[i] = in_set[i] && below[i];
			start = range_tops(graph, in_set, start, nstart, &nstart);
		}
	}

	tip = tip_flags(graph, state->applied);
	order = palloc(sizeof(int) * Max(graph->nrevs, 1));
	norder = pgm_walk_order(graph, in_set, start, nstart, order);
	/* what a row needs is freed once the tuplestore has copied it */
	row_cxt = AllocSetContextCreate(CurrentMemoryContext, "history row",
									ALLOCSET_DEFAULT_SIZES);
	old_cxt = MemoryContextSwitchTo(row_cxt);
	for (i = 0; i < norder; i++)
	{
		PgmRevision *rev = &graph->revs[order[i]];
		Datum		values[8];
		bool		nulls[8] = {false, false, false, false, false, false, false, false};

		MemoryContextReset(row_cxt);

		values[0] = CStringGetTextDatum(rev->id);
		values[1] = PointerGetDatum(ids_array(graph, rev->parents, rev->nparents));
		values[2] = PointerGetDatum(cstring_array(rev->labels, rev->nlabels));
		values[3] = PointerGetDatum(ids_array(graph, rev->deps, rev->ndeps));
		if (rev->message)
			values[4] = CStringGetTextDatum(rev->message);
		else
			nulls[4] = true;
		values[5] = PointerGetDatum(flags_array(graph, order[i], tip));
		values[6] = BoolGetDatum(state->applied[order[i]]);
		if (state->applied[order[i]])
			values[7] = TimestampTzGetDatum(state->applied_at[order[i]]);
		else
			nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	MemoryContextSwitchTo(old_cxt);
	MemoryContextDelete(row_cxt);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pg_migrate_show);

Datum
pg_migrate_show(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *name = pgm_text_arg(fcinfo, 0, "revision");
	char	   *project = project_arg(fcinfo, 1, PGM_ACCESS_DEPLOY);
	PgmState   *state;
	PgmGraph   *graph;
	int			r;
	PgmRevision *rev;
	PgmRevisionDetails *d;
	Datum		values[16];
	bool		nulls[16];

	InitMaterializedSRF(fcinfo, 0);
	state = pgm_load_state(project);
	graph = state->graph;
	r = pgm_resolve_revision(graph, name);
	rev = &graph->revs[r];
	d = pgm_fetch_details(project, rev->id, false);

	memset(nulls, false, sizeof(nulls));
	values[0] = CStringGetTextDatum(rev->id);
	values[1] = PointerGetDatum(ids_array(graph, rev->parents, rev->nparents));
	values[2] = PointerGetDatum(cstring_array(rev->labels, rev->nlabels));
	values[3] = PointerGetDatum(ids_array(graph, rev->deps, rev->ndeps));
	nulls[4] = rev->message == NULL;
	values[4] = rev->message ? CStringGetTextDatum(rev->message) : (Datum) 0;
	values[5] = CStringGetTextDatum(d->up);
	nulls[6] = d->down == NULL;
	values[6] = d->down ? CStringGetTextDatum(d->down) : (Datum) 0;
	values[7] = CStringGetTextDatum(pgm_exec_class_name(rev->up_class));
	nulls[8] = !rev->has_down;
	values[8] = rev->has_down ? CStringGetTextDatum(pgm_exec_class_name(rev->down_class)) : (Datum) 0;
	values[9] = CStringGetTextDatum(d->checksum);
	values[10] = TimestampTzGetDatum(d->registered_at);
	values[11] = DirectFunctionCall1(namein, CStringGetDatum(d->registered_by));
	values[12] = BoolGetDatum(state->applied[r]);
	nulls[13] = nulls[14] = !state->applied[r];
	if (state->applied[r])
	{
		values[13] = TimestampTzGetDatum(state->applied_at[r]);
		values[14] = DirectFunctionCall1(namein, CStringGetDatum(state->applied_by[r]));
	}
	values[15] = BoolGetDatum(rev->nchildren == 0);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/*
 * The revisions whose last run in a background worker was interrupted:
 * recorded as started, with no outcome, not running now, and still in
 * the state it started from (a run interrupted after its revision was
 * recorded cannot be: the outcome commits with it).
 */
static List *
interrupted_runs(const char *project, PgmState *state)
{
	List	   *result = NIL;
	List	   *progress = NIL;
	ListCell   *lc;
	List	   *runs = pgm_started_runs(project);

	if (runs != NIL)
		progress = pgm_read_progress(false);
	foreach(lc, runs)
	{
		PgmRun	   *run = lfirst(lc);
		int			r = pgm_graph_find_id(state->graph, run->revision);
		bool		running = false;
		ListCell   *p;

		if (r < 0 || state->applied[r] == run->up)
			continue;
		foreach(p, progress)
		{
			PgmProgress *prog = lfirst(p);

			if (prog->pid == run->pid && prog->revision &&
				strcmp(prog->revision, run->revision) == 0)
				running = true;
		}
		if (!running)
			result = lappend(result, run);
	}
	return result;
}

static PgmRun *
find_run(List *runs, const char *revision)
{
	ListCell   *lc;

	foreach(lc, runs)
		if (strcmp(((PgmRun *) lfirst(lc))->revision, revision) == 0)
			return lfirst(lc);
	return NULL;
}

PG_FUNCTION_INFO_V1(pg_migrate_status);

Datum
pg_migrate_status(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *project = project_arg(fcinfo, 0, PGM_ACCESS_MONITOR);
	PgmState   *state;
	PgmGraph   *graph;
	bool	   *tip;
	List	   *interrupted;
	List	   *invalid;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	state = pgm_load_state(project);
	graph = state->graph;
	tip = tip_flags(graph, state->applied);
	interrupted = interrupted_runs(project, state);
	for (i = 0; i < graph->nrevs; i++)
	{
		PgmRevision *rev = &graph->revs[i];
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		values[0] = CStringGetTextDatum(rev->id);
		nulls[1] = rev->message == NULL;
		values[1] = rev->message ? CStringGetTextDatum(rev->message) : (Datum) 0;
		values[2] = CStringGetTextDatum(find_run(interrupted, rev->id) ? "interrupted" :
										state->applied[i] ? "applied" : "pending");
		nulls[3] = nulls[4] = !state->applied[i];
		if (state->applied[i])
		{
			values[3] = TimestampTzGetDatum(state->applied_at[i]);
			values[4] = DirectFunctionCall1(namein, CStringGetDatum(state->applied_by[i]));
		}
		values[5] = BoolGetDatum(rev->nchildren == 0);
		values[6] = BoolGetDatum(tip[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}

	/* then the INVALID indexes in the project's schemas, one row each */
	invalid = pgm_invalid_indexes(project);
	for (i = 0; i + 1 < list_length(invalid); i += 2)
	{
		Datum		values[7];
		bool		nulls[7] = {true, false, false, true, true, true, true};

		values[1] = CStringGetTextDatum(psprintf("index %s on %s is invalid: a concurrent build failed or was interrupted",
												 (char *) list_nth(invalid, i),
												 (char *) list_nth(invalid, i + 1)));
		values[2] = CStringGetTextDatum("invalid index");
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

static PgmPlan *
pending_plan(PgmState *state)
{
	PgmTarget  *t = pgm_resolve_target(state->graph, state->applied, "heads",
									   PGM_MODE_UPGRADE);

	return pgm_plan_upgrade(state->graph, state->applied, t);
}

PG_FUNCTION_INFO_V1(pg_migrate_is_up_to_date);

Datum
pg_migrate_is_up_to_date(PG_FUNCTION_ARGS)
{
	char	   *project = project_arg(fcinfo, 0, PGM_ACCESS_MONITOR);
	PgmState   *state;

	/* the health check's fast path: the project row alone, when complete */
	if (pgm_state_complete(project, NULL))
		PG_RETURN_BOOL(true);
	state = pgm_load_state(project);
	PG_RETURN_BOOL(pending_plan(state)->nsteps == 0);
}

static void
append_json_ids(StringInfo buf, const char *key, PgmGraph *graph,
				const int *revs, int n)
{
	int			i;

	appendStringInfo(buf, ", \"%s\": [", key);
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		escape_json(buf, graph->revs[revs[i]].id);
	}
	appendStringInfoChar(buf, ']');
}

/*
 * "interrupted": the revisions whose last run in a background worker was
 * interrupted, to be run again; "invalid_indexes": the INVALID indexes in
 * the project's schemas.
 */
static void
append_json_interrupted(StringInfo buf, const char *project, PgmState *state)
{
	ListCell   *lc;
	List	   *invalid = pgm_invalid_indexes(project);
	int			i;
	bool		first = true;

	appendStringInfoString(buf, ", \"interrupted\": [");
	foreach(lc, interrupted_runs(project, state))
	{
		PgmRun	   *run = lfirst(lc);

		appendStringInfoString(buf, first ? "{\"revision\": " : ", {\"revision\": ");
		first = false;
		escape_json(buf, run->revision);
		appendStringInfo(buf, ", \"direction\": \"%s\", \"started_at\": ",
						 run->up ? "up" : "down");
		escape_json(buf, timestamptz_to_str(run->started_at));
		appendStringInfoString(buf, ", \"hint\": \"Run it again with CALL migrate.apply(): what the interrupted run left is put right first.\"}");
	}
	appendStringInfoString(buf, "], \"invalid_indexes\": [");
	for (i = 0; i + 1 < list_length(invalid); i += 2)
	{
		appendStringInfoString(buf, i == 0 ? "{\"index\": " : ", {\"index\": ");
		escape_json(buf, list_nth(invalid, i));
		appendStringInfoString(buf, ", \"table\": ");
		escape_json(buf, list_nth(invalid, i + 1));
		appendStringInfoChar(buf, '}');
	}
	appendStringInfoChar(buf, ']');
}

/*
 * "lock": the session holding the project's mutex and what it runs (null
 * when free), and "waiting": how many sessions wait for it.
 */
static void
append_json_lock(StringInfo buf, const char *project)
{
	ListCell   *lc;
	int			waiting = 0;
	bool		found = false;

	appendStringInfoString(buf, ", \"lock\": ");
	foreach(lc, pgm_read_progress(true))
	{
		PgmProgress *prog = lfirst(lc);

		if (strcmp(prog->project, project) != 0)
			continue;
		/* waiting for the mutex, or for a worker slot before taking it */
		if (prog->waiting || prog->slot_wait)
		{
			waiting++;
			continue;
		}
		if (found)
			continue;
		found = true;
		appendStringInfo(buf, "{\"pid\": %d, \"application_name\": ", prog->pid);
		escape_json(buf, prog->application_name);
		appendStringInfoString(buf, ", \"command\": ");
		if (prog->command)
			escape_json(buf, prog->command);
		else
			appendStringInfoString(buf, "null");
		appendStringInfoString(buf, ", \"since\": ");
		escape_json(buf, timestamptz_to_str(prog->since));
		if (prog->revision)
		{
			appendStringInfoString(buf, ", \"revision\": ");
			escape_json(buf, prog->revision);
			appendStringInfo(buf, ", \"step\": %d, \"steps\": %d", prog->step,
							 prog->nsteps);
		}
		if (prog->batches > 0)
			appendStringInfo(buf, ", \"batches\": " INT64_FORMAT ", \"rows\": " INT64_FORMAT,
							 prog->batches, prog->rows);
		if (prog->attempt > 1)
			appendStringInfo(buf, ", \"attempt\": %d", prog->attempt);
		if (prog->worker_wait)
		{
			appendStringInfoString(buf, ", \"waiting_for_worker_since\": ");
			escape_json(buf, timestamptz_to_str(prog->worker_wait));
		}
		appendStringInfoChar(buf, '}');
	}
	if (!found)
		appendStringInfoString(buf, "null");
	appendStringInfo(buf, ", \"waiting\": %d", waiting);
}

PG_FUNCTION_INFO_V1(pg_migrate_progress);

/*
 * migrate.progress(): every session running or waiting for a pg_migrate
 * command in this database, with the step it is on, for the projects the
 * caller may see.
 */
Datum
pg_migrate_progress(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, pgm_read_progress(true))
	{
		PgmProgress *prog = lfirst(lc);
		Datum		values[13];
		bool		nulls[13];
		bool		running = !prog->waiting && prog->revision != NULL &&
			prog->direction != NULL;

		/* only the projects this role may see */
		if (!pgm_has_access(prog->project, PGM_ACCESS_MONITOR))
			continue;
		memset(nulls, false, sizeof(nulls));
		values[0] = CStringGetTextDatum(prog->project);
		values[1] = Int32GetDatum(prog->pid);
		values[2] = CStringGetTextDatum(prog->application_name);
		nulls[3] = prog->command == NULL;
		values[3] = prog->command ? CStringGetTextDatum(prog->command) : (Datum) 0;
		values[4] = CStringGetTextDatum(prog->waiting ? "waiting" :
										prog->holding ? "holding" :
										prog->worker_wait ? "waiting for worker" :
										prog->attempt > 1 ? "retrying" : "running");
		values[5] = TimestampTzGetDatum(prog->since);
		nulls[6] = nulls[7] = nulls[8] = nulls[9] = nulls[10] = !running;
		if (running)
		{
			values[6] = Int32GetDatum(prog->step);
			values[7] = Int32GetDatum(prog->nsteps);
			values[8] = CStringGetTextDatum(prog->revision);
			values[9] = CStringGetTextDatum(prog->direction);
			values[10] = TimestampTzGetDatum(prog->step_started);
		}
		else if (prog->slot_wait && prog->revision)
		{
			/* the revision it waits to run */
			nulls[8] = false;
			values[8] = CStringGetTextDatum(prog->revision);
		}
		/* how far the script's batched statements got */
		nulls[11] = nulls[12] = !running || prog->batches == 0;
		values[11] = Int64GetDatum(prog->batches);
		values[12] = Int64GetDatum(prog->rows);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * "fingerprint": the one recorded after the last command, and "drift":
 * whether the live schema's differs (null when none is recorded).  Only
 * the fingerprints are compared; migrate.drift() says what differs.
 */
static void
append_json_schema(StringInfo buf, const char *project)
{
	char	   *recorded = pgm_stored_fingerprint(project);
	Jsonb	   *live;
	char	   *fingerprint;

	if (recorded == NULL)
	{
		appendStringInfoString(buf, ", \"fingerprint\": null, \"drift\": null");
		return;
	}
	pgm_take_snapshot(project, &live, &fingerprint);
	appendStringInfo(buf, ", \"fingerprint\": \"%s\", \"drift\": %s", recorded,
					 strcmp(recorded, fingerprint) == 0 ? "false" : "true");
}

PG_FUNCTION_INFO_V1(pg_migrate_status_json);

/*
 * migrate.status_json(project): one document for health endpoints.
 */
Datum
pg_migrate_status_json(PG_FUNCTION_ARGS)
{
	char	   *project = project_arg(fcinfo, 0, PGM_ACCESS_MONITOR);
	PgmState   *state = pgm_load_state(project);
	PgmPlan    *plan = pending_plan(state);
	StringInfoData buf;
	int		   *pending = palloc(sizeof(int) * Max(plan->nsteps, 1));
	int		   *revs;
	int			n;
	int			i;

	for (i = 0; i < plan->nsteps; i++)
		pending[i] = plan->steps[i].rev;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"project\": ");
	escape_json(&buf, project);
	appendStringInfo(&buf, ", \"up_to_date\": %s", plan->nsteps == 0 ? "true" : "false");
	revs = pgm_tips(state->graph, state->applied, &n);
	append_json_ids(&buf, "current", state->graph, revs, n);
	revs = pgm_versioned_heads(state->graph, &n);
	append_json_ids(&buf, "heads", state->graph, revs, n);
	append_json_ids(&buf, "pending", state->graph, pending, plan->nsteps);
	append_json_interrupted(&buf, project, state);
	appendStringInfo(&buf, ", \"revisions\": %d", state->graph->nrevs);
	append_json_schema(&buf, project);
	append_json_lock(&buf, project);
	appendStringInfoChar(&buf, '}');

	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* The lint findings of each step's script, or NULL with pg_migrate.lint_level off. */
static int *
plan_findings(const char *project, PgmGraph *graph, PgmPlan *plan)
{
	int		   *counts;

	if (pgm_lint_level == PGM_LINT_OFF)
		return NULL;
	counts = palloc0(sizeof(int) * Max(plan->nsteps, 1));
	pgm_lint_plan_counts(project, graph, plan, counts);
	return counts;
}

PG_FUNCTION_INFO_V1(pg_migrate_plan);

Datum
pg_migrate_plan(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target = pgm_text_arg(fcinfo, 0, "target");
	char	   *project = project_arg(fcinfo, 1, PGM_ACCESS_MONITOR);
	PgmState   *state;
	PgmPlan    *plan;
	int		   *findings;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	state = pgm_load_state(project);
	plan = pgm_plan_auto(state->graph, state->applied, target);
	findings = plan_findings(project, state->graph, plan);
	for (i = 0; i < plan->nsteps; i++)
	{
		PgmStep    *step = &plan->steps[i];
		PgmRevision *rev = &state->graph->revs[step->rev];
		bool		up = step->direction == PGM_UP;
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(rev->id);
		values[2] = CStringGetTextDatum(pgm_direction_name(step->direction));
		if (up || rev->has_down)
		{
			values[3] = CStringGetTextDatum(pgm_exec_class_name(up ? rev->up_class : rev->down_class));
			values[4] = Int32GetDatum(up ? rev->up_statements : rev->down_statements);
		}
		else
		{
			/* irreversible: the downgrade would refuse it */
			nulls[3] = nulls[4] = true;
		}
		nulls[5] = rev->message == NULL;
		values[5] = rev->message ? CStringGetTextDatum(rev->message) : (Datum) 0;
		nulls[6] = findings == NULL || findings[i] < 0;
		values[6] = nulls[6] ? (Datum) 0 : Int32GetDatum(findings[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* for pgm_build_script: a step's scripts, after the registrant rule */
typedef struct ScriptFetchArg
{
	const char *project;
	bool		trust;
} ScriptFetchArg;

static void
script_fetch(void *arg, PgmRevision *rev, bool up, PgmScriptSource *out)
{
	ScriptFetchArg *a = (ScriptFetchArg *) arg;
	PgmRevisionDetails *d = pgm_fetch_details(a->project, rev->id, true);
	const char *script = up ? d->up : d->down;
	char	   *trusted = NULL;

	/*
	 * Whoever runs this script runs the scripts in it: the rule of the
	 * commands applies to the session that makes it.
	 */
	if (script && script[0] != '\0')
		pgm_check_registrant(a->project, rev->id, d->registered_by, a->trust,
							 &trusted);
	out->up = d->up;
	out->down = d->down;
	out->checksum = d->checksum;
	if (script && script[0] != '\0')
	{
		PgmScriptInfo info;
		int		   *starts;
		int		   *lens;
		int			i;

		/* batched statements become loops (see src/core/script.c) */
		pgm_parse_script(script, rev->id, up ? "up" : "down", false, &info);
		starts = palloc(sizeof(int) * Max(info.nstatements, 1));
		lens = palloc(sizeof(int) * Max(info.nstatements, 1));
		for (i = 0; i < info.nstatements; i++)
			if (info.batch[i])
			{
				starts[out->nbatches] = info.starts[i];
				lens[out->nbatches] = info.lens[i];
				out->nbatches++;
			}
		out->batch_starts = starts;
		out->batch_lens = lens;
	}
	if (trusted)
		out->note = psprintf("registered by role %s, not this session's: included because trust_registrants was given",
							 pgm_display(trusted));
}

PG_FUNCTION_INFO_V1(pg_migrate_script);

/*
 * migrate.script(target, project): the SQL an upgrade or downgrade would
 * run, with the version bookkeeping, for review or for running by hand
 * (like "alembic upgrade --sql").  A range "from:to" starts from the state
 * where "from" is applied instead of the current state.
 */
Datum
pg_migrate_script(PG_FUNCTION_ARGS)
{
	char	   *target = pgm_text_arg(fcinfo, 0, "target");
	char	   *project = project_arg(fcinfo, 1, PGM_ACCESS_DEPLOY);
	bool		trust = pgm_trust_arg(fcinfo, 2);
	PgmState   *state = pgm_load_state(project);
	PgmPlan    *plan = pgm_plan_script(state->graph, state->applied, target);
	ScriptFetchArg arg;

	arg.project = project;
	arg.trust = trust;
	PG_RETURN_TEXT_P(cstring_to_text(pgm_build_script(state->graph, plan, project,
													  target, script_fetch,
													  &arg)));
}
