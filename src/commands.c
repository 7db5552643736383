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

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/pquery.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "args.h"
#include "execute.h"
#include "register.h"
#include "snapshot.h"
#include "worker.h"

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
	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	result = pgm_register_revision(project, id, up, down, parents, message,
								   labels, deps);
	pgm_report_done();
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

PG_FUNCTION_INFO_V1(pg_migrate_unregister);

/*
 * migrate.unregister(id, project): remove a revision that is not applied
 * and that no other revision names as a parent or dependency, under the
 * project's mutex, with an event in the audit trail.  The id must be
 * exact: no prefix or label stands in for what is deleted.
 */
Datum
pg_migrate_unregister(PG_FUNCTION_ARGS)
{
	char	   *id = pgm_text_arg(fcinfo, 0, "revision id");
	char	   *project = pgm_project_arg(fcinfo, 1);
	TimestampTz started = GetCurrentTimestamp();
	PgmState   *state;
	PgmGraph   *graph;
	PgmRevision *rev;
	int		   *users;
	int			nusers = 0;
	bool		complete = true;
	int			key;
	int			r;
	int			i;

	pgm_require_writable("migrate.unregister()");
	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	pgm_check_id(id, "revision id");
	key = pgm_project_key(project, false);
	if (key != 0)
		pgm_lock_project(project, key, "unregister");
	state = pgm_load_state(project);	/* unknown project: 42704 */
	graph = state->graph;
	r = pgm_graph_find_id(graph, id);
	if (r < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("revision \"%s\" is not registered in project \"%s\"",
						id, project),
				 errhint("Give the exact revision id: a prefix or a branch label does not name a revision to remove.")));
	rev = &graph->revs[r];
	if (state->applied[r])
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision \"%s\" of project \"%s\" is applied", id, project),
				 errdetail("Only a revision that is not applied can be unregistered."),
				 errhint("Downgrade below it first, or keep it: its file belongs in the migrations directory.")));
	/* children and dependents, each once (dependencies are normalized) */
	users = palloc(sizeof(int) * Max(rev->nchildren + rev->ndependents, 1));
	for (i = 0; i < rev->nchildren; i++)
		users[nusers++] = rev->children[i];
	for (i = 0; i < rev->ndependents; i++)
		users[nusers++] = rev->dependents[i];
	if (nusers > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("revision \"%s\" of project \"%s\" is still needed", id, project),
				 errdetail("%s %s it as a parent or dependency.",
						   pgm_format_revs(graph, users, nusers),
						   nusers == 1 ? "names" : "name"),
				 errhint("Unregister those revisions first.")));

	pgm_delete_revision(project, id);
	pgm_record_event(project, id, PGM_UNREGISTER, started,
					 GetCurrentTimestamp(), NULL);
	for (i = 0; i < graph->nrevs; i++)
		if (i != r && !state->applied[i])
			complete = false;
	pgm_bump_state_version(project, complete ? PGM_COMPLETE_YES : PGM_COMPLETE_NO);
	pgm_report_done();
	PG_RETURN_TEXT_P(cstring_to_text(id));
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
	pgm_require_access(project, PGM_ACCESS_DEPLOY);

	key = pgm_project_key(project, true);
	pgm_lock_project(project, key, "merge");
	state = pgm_load_state(project);

	for (i = 0; i < nnames; i++)
	{
		PgmTarget  *t;
		int			j;

		/* "heads" here means every versioned head, like "alembic merge heads" */
		if (strcmp(names[i], "heads") == 0)
		{
			int			nheads;
			int		   *heads = pgm_versioned_heads(state->graph, &nheads);

			for (j = 0; j < nheads; j++)
				if (!list_member_int(parents, heads[j]))
					parents = lappend_int(parents, heads[j]);
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
		char	   *hex = palloc(PGM_RANDOM_ID_LEN + 1);

		if (!pgm_random_id(hex))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate a random revision id")));
		id = hex;
	}
	if (message == NULL)
		message = psprintf("merge %s", pgm_format_list(parent_ids));

	result = pgm_register_revision(project, id, "", "",
								   pgm_build_text_array(parent_ids), message,
								   construct_empty_array(TEXTOID),
								   construct_empty_array(TEXTOID));
	pgm_report_done();
	PG_RETURN_TEXT_P(cstring_to_text(result));
}

/*
 * Run the steps of a plan on the atomic path, one result row each.
 *
 * Each step's scripts, parse trees and SPI results go to a context of its
 * own, emptied when the step is done: a command of many large revisions
 * then needs the memory of its largest step, not of all.
 *
 * The steps run in a subtransaction, so that a failure is rolled back here
 * first and recorded in migrate.events by a background worker (whose
 * transaction commits on its own) before the error goes on to the caller,
 * whose transaction it aborts as before: the command stays atomic, and
 * the failure is on record even though nothing else of it is.
 */
static void
run_plan(ReturnSetInfo *rsinfo, const char *project, int key,
		 PgmGraph *graph, PgmPlan *plan, bool trust)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	MemoryContext step_cxt;
	volatile int current = -1;
	volatile TimestampTz current_started = 0;

	step_cxt = AllocSetContextCreate(cxt, "pg_migrate step",
									 ALLOCSET_DEFAULT_SIZES);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		int			i;

		for (i = 0; i < plan->nsteps; i++)
		{
			PgmStep    *step = &plan->steps[i];
			TimestampTz started;
			TimestampTz finished;
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};
			Interval   *duration;
			MemoryContext old;

			CHECK_FOR_INTERRUPTS();
			current = i;
			current_started = GetCurrentTimestamp();
			old = MemoryContextSwitchTo(step_cxt);
			duration = palloc0(sizeof(Interval));
			pgm_run_step_retrying(project, key, graph, step, i + 1, plan->nsteps,
								  trust, &started, &finished);
			duration->time = finished - started;
			if (pgm_step_notices)
				ereport(NOTICE,
						(errcode(ERRCODE_PGM_STEP_DONE),
						 errmsg("step %d/%d: %s %s done in %.3f ms",
								i + 1, plan->nsteps,
								pgm_direction_name(step->direction),
								graph->revs[step->rev].id,
								(double) duration->time / 1000.0),
						 errdetail_internal("step=%d steps=%d direction=%s duration_us=" INT64_FORMAT " revision=%s",
											i + 1, plan->nsteps,
											pgm_direction_name(step->direction),
											(int64) duration->time,
											graph->revs[step->rev].id)));
			values[0] = Int32GetDatum(i + 1);
			values[1] = CStringGetTextDatum(graph->revs[step->rev].id);
			values[2] = CStringGetTextDatum(pgm_direction_name(step->direction));
			values[3] = IntervalPGetDatum(duration);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			MemoryContextSwitchTo(old);
			MemoryContextReset(step_cxt);
		}
		current = -1;
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		int			statement = pgm_current_statement;
		ErrorData  *edata = pgm_roll_back_step(cxt, owner, cxt);
		PgmFailure	failure;

		if (current >= 0)
		{
			PgmStep    *step = &plan->steps[current];

			pgm_describe_failure(&failure, project, graph->revs[step->rev].id,
							 step->direction, current_started, edata,
							 statement);
			pgm_record_failure_async(&failure);
		}
		ReThrowError(edata);
	}
	PG_END_TRY();
	MemoryContextDelete(step_cxt);
}

/*
 * The plan of a command in a state, refused if the atomic path cannot run
 * it (a nontransactional script, a downgrade through an irreversible
 * revision).
 */
static PgmPlan *
plan_command(PgmState *state, PgmCommand cmd, const char *target, bool purge,
			 const char *project)
{
	PgmTarget  *t;
	PgmPlan    *plan;

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
			plan = pgm_plan_downgrade(state->graph, state->applied, t);
			pgm_check_reversible(state->graph, plan);
			break;
		default:
			t = pgm_resolve_target(state->graph, state->applied, target,
								   PGM_MODE_STAMP);
			plan = pgm_plan_stamp(state->graph, state->applied, t, purge);
			break;
	}
	pgm_check_atomic(state->graph, plan, project);
	return plan;
}

static Datum
run_command(FunctionCallInfo fcinfo, PgmCommand cmd)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target = pgm_text_arg(fcinfo, 0, "target");
	char	   *project = pgm_project_arg(fcinfo, 1);
	bool		purge = false;
	bool		trust = false;
	const char *fname;
	int			key;
	bool		complete;
	PgmState   *state;
	PgmPlan    *plan;

	switch (cmd)
	{
		case CMD_UPGRADE:
			fname = "upgrade";
			trust = pgm_trust_arg(fcinfo, 2);
			break;
		case CMD_DOWNGRADE:
			fname = "downgrade";
			trust = pgm_trust_arg(fcinfo, 2);
			break;
		default:
			fname = "stamp";
			if (PG_ARGISNULL(2))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("purge must not be null")));
			purge = PG_GETARG_BOOL(2);
			break;
	}

	pgm_require_writable(psprintf("migrate.%s()", fname));
	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	InitMaterializedSRF(fcinfo, 0);

	/* the project's lock key, and whether it is complete, in one query */
	complete = pgm_state_complete(project, &key);

	/*
	 * Fast path for the deploy call, upgrade('heads'): when the committed
	 * state has nothing pending, the call is done without taking the mutex.
	 * That is correct because it writes nothing and its answer holds for a
	 * consistent snapshot: it is as if it had run just before whatever is
	 * running now.  Most often the project row alone answers (every
	 * registered revision applied), without loading the graph.
	 */
	if (cmd == CMD_UPGRADE && key != 0 && complete &&
		strcmp(target, "heads") == 0)
		return (Datum) 0;

	/*
	 * Otherwise the command is planned first in the caller's current view,
	 * for every target: what the atomic path cannot run is refused now,
	 * before waiting for the mutex, which also keeps this session (which
	 * holds a snapshot) from waiting behind a background worker that waits
	 * for its snapshot.  upgrade('heads') with nothing to do is done here.
	 * Once the mutex is granted the state is read and planned again.
	 */
	if (key != 0)
	{
		plan = plan_command(pgm_load_state(project), cmd, target, purge,
							project);
		if (cmd == CMD_UPGRADE && strcmp(target, "heads") == 0 &&
			plan->nsteps == 0)
			return (Datum) 0;
		pgm_lock_project(project, key, fname);
	}
	state = pgm_load_state(project);
	plan = plan_command(state, cmd, target, purge, project);

	if (plan->nsteps > 0)
	{
		TimestampTz since = GetCurrentTimestamp();

		pgm_check_drift_before(project, psprintf("%s()", fname));
		pgm_restore_point_reset();
		pgm_create_restore_point(project, state->graph->revs[plan->steps[0].rev].id);
		run_plan(rsinfo, project, key, state->graph, plan, trust);
		pgm_restore_point_reset();
		pgm_bump_state_version(project,
							   pgm_all_applied(state->graph, plan->new_applied) ?
							   PGM_COMPLETE_YES : PGM_COMPLETE_NO);
		/* once per command: the schema between two steps is never seen */
		pgm_record_fingerprint(project, since);
	}
	if (key != 0)
		pgm_report_done();

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

/*
 * Run one step of the per-revision path inside a subtransaction.  On
 * failure the step is rolled back, the failure is written to
 * migrate.events and committed, so that it survives, and the original
 * error is raised again.
 */
static TimeOffset
apply_step(const char *project, int project_key, PgmGraph *graph,
		   PgmStep *step, int stepno, int nsteps, bool trust,
		   MemoryContext call_cxt, int attempt, int *pause_out)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	TimestampTz started = GetCurrentTimestamp();
	TimestampTz finished;
	PgmRevision *rev = &graph->revs[step->rev];

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		pgm_run_step(project, project_key, graph, step, stepno, nsteps, trust,
				 &started, &finished);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		int			statement = pgm_current_statement;

		/* the error is kept in call_cxt, past the commit below */
		ErrorData  *edata = pgm_roll_back_step(cxt, owner, call_cxt);
		char	   *blocker;
		int			blocker_pid;
		const char *text;

		/* no worker slot: nothing ran; apply_next() waits for one */
		if (edata->sqlerrcode == ERRCODE_PGM_NEED_SLOT)
		{
			MemoryContextSwitchTo(cxt);
			CurrentResourceOwner = owner;
			return -1;
		}

		/*
		 * A lock timeout of pg_migrate's: record the try (committed by
		 * apply_next()), pause, and have apply_next() run the revision again
		 * in a transaction of its own; after the last try, the error names
		 * the blocker and is recorded as the revision's failure.
		 */
		if (pgm_lock_timed_out(edata, &blocker, &blocker_pid, &text))
		{
			ErrorData  *final = NULL;
			int			pause;

			MemoryContextSwitchTo(call_cxt);
			pause = pgm_lock_retry(project, rev, step->direction, attempt, started, edata,
								   statement, &final);
			MemoryContextSwitchTo(cxt);
			if (final == NULL)
			{
				CurrentResourceOwner = owner;
				*pause_out = pause;
				return -2;
			}
			edata = final;
		}

		ereport(LOG,
				(errmsg("pg_migrate: revision \"%s\" of project \"%s\" failed at statement %d: %s",
						rev->id, project, statement, edata->message)));
		pgm_record_failure(project, rev->id, step->direction, started,
						   GetCurrentTimestamp(), edata->sqlerrcode,
						   edata->message, statement);
		SPI_commit();
		ReThrowError(edata);
	}
	PG_END_TRY();

	return finished - started;
}

/*
 * Commit and start the next transaction of the per-revision path, at READ
 * COMMITTED whatever the session's default: apply owns its transactions,
 * and each must see what was committed before it took the mutex.
 */
static void
next_transaction(void)
{
	SPI_commit();
	XactIsoLevel = XACT_READ_COMMITTED;
}

/*
 * apply()'s target: resolved from its text the first time, from the ids it
 * resolved to afterwards (kept in call_cxt), so that a relative target does
 * not move while apply runs.
 */
static PgmTarget *
apply_target(PgmState *state, const char *target, List **target_ids,
			 MemoryContext call_cxt)
{
	PgmTarget  *t;
	ListCell   *lc;

	if (*target_ids == NIL)
	{
		MemoryContext old;
		int			i;

		t = pgm_resolve_target(state->graph, state->applied, target,
							   PGM_MODE_UPGRADE);
		old = MemoryContextSwitchTo(call_cxt);
		for (i = 0; i < t->nrevs; i++)
			*target_ids = lappend(*target_ids,
								  pstrdup(state->graph->revs[t->revs[i]].id));
		/* an empty target stays resolved: remember that with a marker */
		if (t->nrevs == 0)
			*target_ids = lappend(*target_ids, NULL);
		MemoryContextSwitchTo(old);
		return t;
	}
	t = palloc0(sizeof(PgmTarget));
	t->kind = PGM_TARGET_REVS;
	t->anchor = -1;
	t->revs = palloc(sizeof(int) * Max(list_length(*target_ids), 1));
	foreach(lc, *target_ids)
	{
		int			r;

		if (lfirst(lc) == NULL)
			continue;
		r = pgm_graph_find_id(state->graph, lfirst(lc));
		if (r < 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("revision \"%s\" of project \"%s\" disappeared while migrate.apply() ran",
							(char *) lfirst(lc), state->graph->project),
					 errhint("The table migrate.revisions was changed without pg_migrate's functions.")));
		t->revs[t->nrevs++] = r;
	}
	return t;
}

/* what apply() keeps from one revision to the next */
typedef struct ApplyRun
{
	const char *target;
	const char *project;
	bool		trust;
	MemoryContext call_cxt;		/* the whole call */
	MemoryContext step_cxt;		/* one revision */
	MemoryContext state_cxt;	/* the loaded state, until it changes */
	List	   *target_ids;
	PgmState   *state;
	PgmTarget  *t;
	int64		expected_version;
	int			done;
	bool		decided;		/* the direction is known */
	bool		down;			/* reverting: the ids in down_ids, in order */
	char	   *attempt_rev;	/* the revision being tried again, or NULL */
	int			attempt;		/* its try after lock timeouts (0: the first) */
	List	   *down_ids;
	int			down_next;		/* the first of down_ids not yet done */
	int			down_current;	/* the one being reverted */
} ApplyRun;

/* the position of id in ids, or -1 */
static int
id_position(List *ids, const char *id)
{
	ListCell   *lc;

	foreach(lc, ids)
		if (strcmp(lfirst(lc), id) == 0)
			return foreach_current_index(lc);
	return -1;
}

/*
 * apply()'s direction, decided once under the mutex as plan() shows it:
 * a target below the current state is a downgrade, whose steps (in
 * order, checked reversible before anything runs) are kept by id.
 */
static void
apply_decide(ApplyRun *run)
{
	PgmPlan    *plan = pgm_plan_auto(run->state->graph, run->state->applied,
									 run->target);
	MemoryContext old;
	int			i;

	run->decided = true;
	if (plan->nsteps == 0 || plan->steps[0].direction != PGM_DOWN)
		return;
	pgm_check_reversible(run->state->graph, plan);
	run->down = true;
	old = MemoryContextSwitchTo(run->call_cxt);
	for (i = 0; i < plan->nsteps; i++)
		run->down_ids = lappend(run->down_ids,
								pstrdup(run->state->graph->revs[plan->steps[i].rev].id));
	MemoryContextSwitchTo(old);
}

/*
 * The next revision a downgrading apply() reverts, or NULL when none is
 * left.  Revisions that another session reverted meanwhile are skipped;
 * one that a revision applied meanwhile now needs is an error.
 */
static PgmPlan *
apply_down_plan(ApplyRun *run)
{
	PgmGraph   *graph = run->state->graph;
	PgmPlan    *plan = palloc0(sizeof(PgmPlan));
	int			i;

	plan->steps = palloc(sizeof(PgmStep) * Max(list_length(run->down_ids), 1));
	for (i = run->down_next; i < list_length(run->down_ids); i++)
	{
		char	   *id = list_nth(run->down_ids, i);
		int			r = pgm_graph_find_id(graph, id);
		PgmRevision *rev;
		int			k;

		if (r < 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("revision \"%s\" of project \"%s\" disappeared while migrate.apply() ran",
							id, run->project)));
		if (!run->state->applied[r])
		{
			if (plan->nsteps == 0)
				run->down_next = i + 1;
			continue;
		}
		rev = &graph->revs[r];
		for (k = 0; k < rev->nchildren + rev->ndependents; k++)
		{
			int			above = k < rev->nchildren ? rev->children[k] :
				rev->dependents[k - rev->nchildren];
			int			at;

			if (!run->state->applied[above])
				continue;

			/*
			 * Still applied above it: fine only when this run reverts it
			 * first (a step before this one).  Otherwise another session
			 * applied it (again) while this run went on.
			 */
			at = id_position(run->down_ids, graph->revs[above].id);
			if (at < 0 || at >= i || plan->nsteps == 0 || at < run->down_current)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("revision \"%s\" of project \"%s\" can no longer be reverted",
								id, run->project),
						 errdetail("Revision \"%s\", applied by another session while migrate.apply() ran, needs it.",
								   graph->revs[above].id),
						 errhint("Run the downgrade again: it is planned from the current state.")));
		}
		if (plan->nsteps == 0)
			run->down_current = i;
		plan->steps[plan->nsteps].rev = r;
		plan->steps[plan->nsteps].direction = PGM_DOWN;
		plan->nsteps++;
	}
	return plan;
}

/*
 * One revision of apply(): take the mutex, reload the state if someone
 * else changed it, run the first step of what is still to do in its own
 * transaction and commit it.  False when nothing is left.
 */
static bool
apply_next(ApplyRun *run)
{
	int			key;
	int64		version = -1;
	PgmPlan    *plan;
	PgmStep    *step;
	char	   *id;
	int			total;
	TimeOffset	took;
	TimestampTz since;
	int			pause = 0;

	MemoryContextReset(run->step_cxt);
	MemoryContextSwitchTo(run->step_cxt);
	CHECK_FOR_INTERRUPTS();
	if (MyProcPort != NULL && !pq_check_connection())
		ereport(FATAL,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("connection to client lost during migrate.apply()")));

	key = pgm_project_key(run->project, false);

	/*
	 * SPI gave the CALL's portal a snapshot for the query above: drop it,
	 * so that this session waits for the mutex holding no snapshot, which
	 * a concurrent index build would wait for.
	 */
	ForgetPortalSnapshots();
	InvalidateCatalogSnapshot();
	if (key != 0)
	{
		pgm_lock_project(run->project, key, "apply");
		version = pgm_state_version(run->project);
	}

	/*
	 * The graph and state are loaded again only when someone else changed
	 * the project since our last step (every change bumps state_version):
	 * per-revision reloading would make a long history quadratic.
	 */
	if (run->state == NULL || version != run->expected_version)
	{
		MemoryContext old;

		MemoryContextReset(run->state_cxt);
		old = MemoryContextSwitchTo(run->state_cxt);
		run->state = pgm_load_state_private(run->project);
		if (!run->decided)
			apply_decide(run);
		if (!run->down)
			run->t = apply_target(run->state, run->target, &run->target_ids,
								  run->call_cxt);
		MemoryContextSwitchTo(old);
	}
	plan = run->down ? apply_down_plan(run) :
		pgm_plan_upgrade(run->state->graph, run->state->applied, run->t);
	if (plan->nsteps == 0)
		return false;

	/* the schema as recorded, before the first revision changes it */
	if (run->done == 0)
		pgm_check_drift_before(run->project, "apply()");
	step = &plan->steps[0];
	id = pstrdup(run->state->graph->revs[step->rev].id);
	total = run->done + plan->nsteps;
	since = GetCurrentTimestamp();
	/* the try of this revision after lock timeouts (see lock.c) */
	if (run->attempt_rev == NULL || strcmp(run->attempt_rev, id) != 0)
	{
		run->attempt = 0;
		run->attempt_rev = MemoryContextStrdup(run->call_cxt, id);
	}
	pgm_attempt_lock_timeout = pgm_attempt_timeout(run->attempt);
	pgm_report_attempt(run->attempt);
	if (run->attempt == 0)
		pgm_create_restore_point(run->project, id);
	took = apply_step(run->project, key, run->state->graph, step,
					  run->done + 1, total, run->trust, run->call_cxt, run->attempt,
					  &pause);
	pgm_attempt_lock_timeout = 0;
	pgm_report_attempt(0);
	if (took == -2)
	{
		/*
		 * The try is recorded; pause without the mutex (committed), then
		 * the next try in a transaction of its own.
		 */
		run->attempt++;
		next_transaction();
		pgm_lock_retry_pause(pause);
		return true;
	}
	if (took < 0)
	{
		/*
		 * The revision needs a background worker and every slot is taken.
		 * Wait for one without the mutex and in a transaction that never
		 * had a snapshot (see worker.c), then run this step again from the
		 * start: the state may have moved meanwhile.
		 */
		PgmDirection direction = step->direction;

		next_transaction();
		InvalidateCatalogSnapshot();
		if (!pgm_wait_for_worker_slot(run->project, id))
		{
			char	   *message = psprintf("no background worker became free for revision \"%s\" (project \"%s\") within %d ms",
										   id, run->project, pgm_lock_wait_timeout);

			pgm_record_failure(run->project, id, direction, since, GetCurrentTimestamp(),
							   ERRCODE_LOCK_NOT_AVAILABLE, message, 0);
			next_transaction();
			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg_internal("%s", message),
					 errdetail("All %d of pg_migrate's workers (pg_migrate.max_workers) are running other revisions.",
							   pgm_max_workers),
					 errhint("Nothing of the revision ran. Retry later, or raise pg_migrate.lock_wait_timeout.")));
		}
		return true;
	}
	/* a slot waited for but not needed after all (the plan moved) */
	pgm_release_worker_slot();
	run->state->applied[step->rev] = !run->down;
	if (run->down)
		run->down_next = run->down_current + 1;
	pgm_bump_state_version(run->project,
						   pgm_all_applied(run->state->graph, run->state->applied) ?
						   PGM_COMPLETE_YES : PGM_COMPLETE_NO);
	/* every revision commits: each carries the schema after it */
	pgm_record_fingerprint(run->project, since);
	run->expected_version = version + 1;
	run->done++;
	next_transaction();

	/* only now: a client gone at this point cannot undo it */
	ereport(NOTICE,
			(errcode(ERRCODE_PGM_REVISION_COMMITTED),
			 errmsg("%s revision \"%s\" (%d of %d) in %.3f s",
					run->down ? "reverted" : "applied",
					id, run->done, total, (double) took / USECS_PER_SEC),
			 pgm_step_notices ?
			 errdetail_internal("step=%d steps=%d direction=%s duration_us=" INT64_FORMAT " revision=%s",
								run->done, total, run->down ? "down" : "up",
								(int64) took, id) : 0));
	return true;
}

PG_FUNCTION_INFO_V1(pg_migrate_apply);

/*
 * CALL migrate.apply(target, project): the per-revision path.  Like
 * upgrade(target), but every revision runs in a transaction of its own,
 * committed before the next starts, so a failure at revision k keeps the
 * revisions before it.  The target is resolved once; before each revision
 * the mutex is taken again and the state re-read, so revisions that
 * another deployer applied in between are not run twice.
 */
Datum
pg_migrate_apply(PG_FUNCTION_ARGS)
{
	ApplyRun	run;

	memset(&run, 0, sizeof(run));
	run.target = pgm_text_arg(fcinfo, 0, "target");
	run.project = pgm_project_arg(fcinfo, 1);
	run.trust = pgm_trust_arg(fcinfo, 2);
	run.expected_version = -1;

	if (fcinfo->context == NULL || !IsA(fcinfo->context, CallContext) ||
		castNode(CallContext, fcinfo->context)->atomic)
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("migrate.apply() cannot run inside a transaction block"),
				 errdetail("It commits after each revision."),
				 errhint("Run CALL migrate.apply(...) as a statement of its own, or use SELECT migrate.upgrade(...), which runs inside the caller's transaction.")));
	pgm_require_writable("migrate.apply()");
	pgm_require_access(run.project, PGM_ACCESS_DEPLOY);

	run.call_cxt = AllocSetContextCreate(TopMemoryContext, "pg_migrate apply",
										 ALLOCSET_DEFAULT_SIZES);
	run.step_cxt = AllocSetContextCreate(run.call_cxt, "pg_migrate apply step",
										 ALLOCSET_DEFAULT_SIZES);
	run.state_cxt = AllocSetContextCreate(run.call_cxt, "pg_migrate apply state",
										  ALLOCSET_DEFAULT_SIZES);
	PG_TRY();
	{
		if (SPI_connect_ext(SPI_OPT_NONATOMIC) != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect_ext failed");

		/*
		 * Start from a transaction of our own, without the CALL statement's
		 * snapshot: waits for the mutex and for background workers must hold
		 * no snapshot (see worker.c).
		 */
		next_transaction();
		pgm_restore_point_reset();
		while (apply_next(&run))
			;
		if (SPI_finish() != SPI_OK_FINISH)
			elog(ERROR, "SPI_finish failed");
	}
	PG_FINALLY();
	{
		pgm_restore_point_reset();
		/* a slot waited for but not used (the revision was applied meanwhile) */
		pgm_release_worker_slot();
		pgm_report_done();
		MemoryContextSwitchTo(TopTransactionContext);
		MemoryContextDelete(run.call_cxt);
	}
	PG_END_TRY();

	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(pg_migrate_lock);

/*
 * migrate.lock(project): take the project's mutex until the end of the
 * transaction, as every pg_migrate command does, for offline scripts and
 * for DBAs changing things by hand.
 */
Datum
pg_migrate_lock(PG_FUNCTION_ARGS)
{
	char	   *project = pgm_project_arg(fcinfo, 0);
	int			key;

	pgm_require_writable("migrate.lock()");
	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	key = pgm_project_key(project, true);
	pgm_lock_project(project, key, "lock");
	pgm_report_done();
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(pg_migrate_record_step);

/*
 * migrate.record_step(project, revision, direction, checksum): the
 * bookkeeping of one step of an offline script (migrate.script()), which
 * has just run the revision's script itself.  The script took the mutex
 * with migrate.lock(); the revision must still have the checksum the
 * script was made with, and the step must keep the applied set closed, as
 * a command's step would.
 */
Datum
pg_migrate_record_step(PG_FUNCTION_ARGS)
{
	char	   *project = pgm_project_arg(fcinfo, 0);
	char	   *id = pgm_text_arg(fcinfo, 1, "revision");
	char	   *direction = pgm_text_arg(fcinfo, 2, "direction");
	char	   *checksum = pgm_text_arg(fcinfo, 3, "checksum");
	bool		up;
	int			key;
	PgmState   *state;
	PgmGraph   *graph;
	PgmRevision *rev;
	PgmRevisionDetails *d;
	int			r;
	int			i;
	TimestampTz now;

	pgm_require_writable("migrate.record_step()");
	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	if (strcmp(direction, "up") == 0)
		up = true;
	else if (strcmp(direction, "down") == 0)
		up = false;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid direction %s", pgm_display(direction)),
				 errhint("The directions are \"up\" and \"down\".")));
	pgm_check_id(id, "revision id");

	(void) pgm_state_complete(project, &key);
	if (key == 0 || !pgm_holds_mutex(key))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the mutex of project \"%s\" is not held by this transaction", project),
				 errhint("Call migrate.lock(%s) first in the same transaction, as the scripts of migrate.script() do.",
						 quote_literal_cstr(project))));
	state = pgm_load_state(project);
	graph = state->graph;
	r = pgm_graph_find_id(graph, id);
	if (r < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("revision \"%s\" is not registered in project \"%s\"", id, project)));
	rev = &graph->revs[r];
	d = pgm_fetch_details(project, id, true);
	if (strcmp(d->checksum, checksum) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision \"%s\" of project \"%s\" changed since the script was made",
						id, project),
				 errdetail("The script was made for checksum %s; the revision now has %s.",
						   pgm_display(checksum), d->checksum),
				 errhint("Make the script again with migrate.script().")));
	if (up == state->applied[r])
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision \"%s\" of project \"%s\" is %s applied",
						id, project, up ? "already" : "not")));
	if (up)
	{
		for (i = 0; i < rev->nparents; i++)
			if (!state->applied[rev->parents[i]])
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("revision \"%s\" of project \"%s\" cannot be recorded as applied before its parent \"%s\"",
								id, project, graph->revs[rev->parents[i]].id)));
		for (i = 0; i < rev->ndeps; i++)
			if (!state->applied[rev->deps[i]])
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("revision \"%s\" of project \"%s\" cannot be recorded as applied before its dependency \"%s\"",
								id, project, graph->revs[rev->deps[i]].id)));
	}
	else
	{
		for (i = 0; i < rev->nchildren; i++)
			if (state->applied[rev->children[i]])
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("revision \"%s\" of project \"%s\" cannot be recorded as reverted while \"%s\" is applied",
								id, project, graph->revs[rev->children[i]].id)));
		for (i = 0; i < rev->ndependents; i++)
			if (state->applied[rev->dependents[i]])
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("revision \"%s\" of project \"%s\" cannot be recorded as reverted while \"%s\" is applied",
								id, project, graph->revs[rev->dependents[i]].id)));
	}

	now = GetCurrentTimestamp();
	/* "offline": not run by pg_migrate, whatever the script did */
	pgm_record_applied(project, id, up ? "offline" : NULL);
	pgm_record_event(project, id, up ? PGM_UP : PGM_DOWN, now, now, NULL);
	state->applied[r] = up;
	pgm_bump_state_version(project, pgm_all_applied(graph, state->applied) ?
						   PGM_COMPLETE_YES : PGM_COMPLETE_NO);
	pgm_record_fingerprint(project, now);
	PG_RETURN_VOID();
}
