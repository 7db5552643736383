/*-------------------------------------------------------------------------
 *
 * state.c
 *	  The version state: loading it (with a per-backend cache), and the
 *	  writes that change it.
 *
 * A project's state is its graph (from migrate.revisions) and its applied
 * set (migrate.applied).  Every change bumps the project row's
 * state_version, which is how a cached state is known to be current.
 *
 * IDENTIFICATION
 *	  src/state.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "lock.h"
#include "state.h"

/*
 * What identifies a project's state: its row in migrate.projects.  Every
 * change to a project's revisions or applied set updates that row in the
 * same transaction (pgm_bump_state_version), and a row version, once
 * committed, never changes: so a committed row version (its xmin) and
 * state_version name one exact state, and a graph built for them can be
 * reused until the row changes.  complete is whether every registered
 * revision was applied in that state.
 */
typedef struct StateRow
{
	bool		found;
	TransactionId xmin;
	int64		version;
	bool		complete;
	int			key;			/* lock_key */
} StateRow;

/*
 * Whether migrate.projects has complete_version (extension version 0.3.0
 * or later).  Until ALTER EXTENSION ... UPDATE has run, this library works
 * on the older table without the flag.
 */
static bool
have_complete_version(void)
{
	return pgm_have_column("projects", "complete_version");
}

/* inside SPI */
static StateRow
read_state_row(const char *project)
{
	StateRow	row = {0};
	Datum		values[1];

	values[0] = CStringGetTextDatum(project);
	pgm_run_query(have_complete_version() ? Q_STATE_ROW : Q_STATE_ROW_0_2,
			  values, NULL, 1);
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;

		row.found = true;
		row.xmin = DatumGetTransactionId(SPI_getbinval(tup, desc, 1, &isnull));
		row.version = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		if (isnull || row.version < 0 || row.version == PG_INT64_MAX)
			pgm_report_corrupt(project, "Its state_version is %s.",
						   isnull ? "NULL" : psprintf(INT64_FORMAT, row.version));
		d = SPI_getbinval(tup, desc, 3, &isnull);
		row.complete = !isnull && DatumGetInt64(d) == row.version;
		row.key = DatumGetInt32(SPI_getbinval(tup, desc, 4, &isnull));
		if (isnull || row.key <= 0)
			pgm_report_corrupt(project, "Its lock key is %s; lock keys are positive.",
						   isnull ? "NULL" : psprintf("%d", row.key));
	}
	return row;
}

/*
 * The state cache: the graphs and applied sets this backend built last,
 * keyed on the project row version they were read with (see StateRow).
 * Building a graph reads every revision of the project; with the cache, a
 * command on an unchanged project reads one row.  A state is cached only
 * when the row version is someone else's (committed) or an earlier
 * transaction's: a row version written by the current transaction can
 * still be followed by more changes in it, which would not show in the
 * key.  Nothing is cached while a migration script runs either.  Entries
 * are per user, so that table privileges decide as they do without it.
 *
 * Callers share the cached graph, which they never modify, and get their
 * own copy of the applied set.  An entry pushed out of the cache may still
 * be in use by the current command, so its memory is handed to the
 * current transaction and freed at its end.
 */
#define STATE_CACHE_SIZE	4

typedef struct StateCacheEntry
{
	char	   *project;		/* NULL: unused slot */
	Oid			userid;			/* who read it: table privileges apply */
	TransactionId xmin;
	int64		version;
	MemoryContext cxt;
	PgmState   *state;
	uint64		last_used;
} StateCacheEntry;

static StateCacheEntry state_cache[STATE_CACHE_SIZE];
static uint64 state_cache_clock = 0;

static StateCacheEntry *
state_cache_lookup(const char *project, StateRow *row)
{
	int			i;

	for (i = 0; i < STATE_CACHE_SIZE; i++)
	{
		StateCacheEntry *e = &state_cache[i];

		if (e->project && strcmp(e->project, project) == 0 &&
			e->userid == GetUserId() &&
			TransactionIdEquals(e->xmin, row->xmin) && e->version == row->version)
		{
			e->last_used = ++state_cache_clock;
			return e;
		}
	}
	return NULL;
}

/* keep a state built in its own context cxt, replacing the oldest entry */
static void
state_cache_insert(const char *project, StateRow *row, MemoryContext cxt,
				   PgmState *state)
{
	StateCacheEntry *victim = &state_cache[0];
	int			i;

	for (i = 0; i < STATE_CACHE_SIZE; i++)
	{
		StateCacheEntry *e = &state_cache[i];

		/* an older state of the same project is useless from now on */
		if (e->project && strcmp(e->project, project) == 0 &&
			e->userid == GetUserId())
		{
			victim = e;
			break;
		}
		if (e->project == NULL ||
			(victim->project != NULL && e->last_used < victim->last_used))
			victim = e;
	}
	if (victim->project)
		MemoryContextSetParent(victim->cxt, TopTransactionContext);
	MemoryContextSetParent(cxt, CacheMemoryContext);
	victim->project = MemoryContextStrdup(cxt, project);
	victim->userid = GetUserId();
	victim->xmin = row->xmin;
	victim->version = row->version;
	victim->cxt = cxt;
	victim->state = state;
	victim->last_used = ++state_cache_clock;
}

/* a copy of a cached state whose applied set the caller may change */
static PgmState *
copy_state(PgmState *cached)
{
	PgmState   *state = palloc(sizeof(PgmState));
	int			n = Max(cached->graph->nrevs, 1);

	state->graph = cached->graph;
	state->applied = palloc(n);
	memcpy(state->applied, cached->applied, n);
	state->applied_at = palloc(sizeof(TimestampTz) * n);
	memcpy(state->applied_at, cached->applied_at, sizeof(TimestampTz) * n);
	state->applied_by = palloc(sizeof(char *) * n);
	memcpy(state->applied_by, cached->applied_by, sizeof(char *) * n);
	return state;
}

/*
 * Build the graph of stored definitions.  Registration validated every
 * revision against the graph as it was, so an invalid stored graph (a
 * cycle, a parent that is not registered) means the tables were changed
 * by hand: that is reported as corrupt data, with the graph's own message
 * as the detail.
 */
static PgmGraph *
build_stored_graph(const char *project, PgmRevisionDef *defs, int ndefs)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmGraph   *graph = NULL;

	PG_TRY();
	{
		graph = pgm_graph_build(project, defs, ndefs);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_INVALID_OBJECT_DEFINITION &&
			edata->sqlerrcode != ERRCODE_DATA_CORRUPTED)
			PG_RE_THROW();
		FlushErrorState();
		pgm_report_corrupt(project, "%s", edata->message);
	}
	PG_END_TRY();
	return graph;
}

/*
 * The applied set is closed: whatever an applied revision needs (its
 * parents and dependencies) is applied too.  Every command keeps it so; a
 * set that is not would make status() and upgrade() disagree.
 */
static void
check_applied_closed(PgmState *state)
{
	PgmGraph   *graph = state->graph;
	int			i,
				j;

	for (i = 0; i < graph->nrevs; i++)
	{
		PgmRevision *rev = &graph->revs[i];

		if (!state->applied[i])
			continue;
		for (j = 0; j < rev->nparents; j++)
			if (!state->applied[rev->parents[j]])
				pgm_report_corrupt(graph->project,
							   "Revision \"%s\" is applied but its parent \"%s\" is not.",
							   rev->id, graph->revs[rev->parents[j]].id);
		for (j = 0; j < rev->ndeps; j++)
			if (!state->applied[rev->deps[j]])
				pgm_report_corrupt(graph->project,
							   "Revision \"%s\" is applied but its dependency \"%s\" is not.",
							   rev->id, graph->revs[rev->deps[j]].id);
	}
}

/* inside SPI, under the pushed snapshot: read revisions and applied set */
static PgmState *
read_state(const char *project, MemoryContext cxt)
{
	PgmState   *state;
	PgmRevisionDef *defs;
	int			ndefs;
	Datum		values[1];
	uint64		i;
	MemoryContext old;

	MemoryContext scratch = AllocSetContextCreate(CurrentMemoryContext,
												  "pg_migrate definitions",
												  ALLOCSET_DEFAULT_SIZES);
	char	   *last_by = NULL;

	defs = pgm_load_defs(project, &ndefs, cxt, scratch);
	values[0] = CStringGetTextDatum(project);
	pgm_run_query(Q_LOAD_APPLIED, values, NULL, 0);

	old = MemoryContextSwitchTo(cxt);
	state = palloc0(sizeof(PgmState));
	state->graph = build_stored_graph(pstrdup(project), defs, ndefs);
	MemoryContextDelete(scratch);
	state->applied = palloc0(Max(ndefs, 1));
	state->applied_at = palloc0(sizeof(TimestampTz) * Max(ndefs, 1));
	state->applied_by = palloc0(sizeof(char *) * Max(ndefs, 1));
	MemoryContextSwitchTo(old);

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *id = pgm_copy_text(tup, desc, 1);
		int			rev = id ? pgm_graph_find_id(state->graph, id) : -1;
		bool		isnull;
		Datum		d;
		char	   *by;

		if (id == NULL || rev < 0)
			pgm_report_corrupt(project, "The applied revision %s is not registered.",
						   pgm_display(id ? id : ""));
		state->applied[rev] = true;
		state->applied_at[rev] = DatumGetTimestampTz(SPI_getbinval(tup, desc, 2, &isnull));
		if (isnull)
			pgm_report_corrupt(project, "The applied revision %s has no applied_at.", pgm_display(id));
		d = SPI_getbinval(tup, desc, 3, &isnull);
		if (isnull)
			pgm_report_corrupt(project, "The applied revision %s has no applied_by.", pgm_display(id));
		by = NameStr(*DatumGetName(d));
		/* mostly the same few roles: keep one copy of each run of them */
		if (last_by == NULL || strcmp(last_by, by) != 0)
			last_by = MemoryContextStrdup(cxt, by);
		state->applied_by[rev] = last_by;
	}
	check_applied_closed(state);
	return state;
}

/*
 * An unknown project is an error for every command and read function: a
 * health check with a misspelt project name must fail, not report an
 * empty project as up to date.
 */
static void
report_unknown_project(const char *project)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("project \"%s\" does not exist", project),
			 errhint("A project is created by registering its first revision with migrate.revision(), or by granting access to it.")));
}

/*
 * Load a project's graph and applied set.  An unknown project is an
 * empty graph.  use_cache: whether the state may come from, and go to,
 * the state cache (see above); a caller that keeps the state beyond the
 * current transaction must not use it.
 */
static PgmState *
load_state(const char *project, bool use_cache)
{
	PgmOwnerScope os;
	MemoryContext cxt = CurrentMemoryContext;
	MemoryContext build_cxt = NULL;
	PgmState   *state = NULL;
	StateRow	row;
	bool		cacheable;

	use_cache = use_cache && !pgm_in_migration;

	/*
	 * Project row, revisions and applied set must come from one snapshot:
	 * at READ COMMITTED two statements would each take their own, and a
	 * command committing in between would pair a graph with an applied set
	 * it does not contain.  A new snapshot is taken here, so a caller
	 * holding the mutex sees everything the previous holder committed.
	 */
	pgm_connect_spi(&os);
	PushActiveSnapshot(GetTransactionSnapshot());
	pgm_read_with_snapshot = true;
	PG_TRY();
	{
		StateCacheEntry *hit = NULL;

		row = read_state_row(project);
		if (!row.found)
			report_unknown_project(project);
		cacheable = use_cache && row.found &&
			!TransactionIdIsCurrentTransactionId(row.xmin);
		if (cacheable)
			hit = state_cache_lookup(project, &row);
		if (hit)
		{
			MemoryContext old = MemoryContextSwitchTo(cxt);

			state = copy_state(hit->state);
			MemoryContextSwitchTo(old);
		}
		else
		{
			/* a context of its own, freed with the transaction on error */
			if (cacheable)
				build_cxt = AllocSetContextCreate(cxt, "pg_migrate state",
												  ALLOCSET_DEFAULT_SIZES);
			state = read_state(project, build_cxt ? build_cxt : cxt);
		}
	}
	PG_FINALLY();
	{
		pgm_read_with_snapshot = false;
	}
	PG_END_TRY();
	PopActiveSnapshot();
	pgm_finish_spi(&os);

	if (build_cxt)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		state_cache_insert(project, &row, build_cxt, state);
		state = copy_state(state);
		MemoryContextSwitchTo(old);
	}
	return state;
}

PgmState *
pgm_load_state(const char *project)
{
	return load_state(project, true);
}

/* for a caller that keeps the state across transactions (migrate.apply) */
PgmState *
pgm_load_state_private(const char *project)
{
	return load_state(project, false);
}

/*
 * Whether every registered revision of the project is applied, answered
 * from the project row alone (see pgm_bump_state_version): the fast path
 * of a deploy with nothing to do.  false when unknown.  If key is not
 * NULL, *key is set to the project's lock key (0: no such project), which
 * spares the caller a second query.
 */
bool
pgm_state_complete(const char *project, int *key)
{
	PgmOwnerScope os;
	StateRow	row;

	pgm_connect_spi(&os);
	row = read_state_row(project);
	pgm_finish_spi(&os);
	if (key)
		*key = row.found ? row.key : 0;
	return row.found && row.complete;
}

/*
 * Mark a revision applied (via "up", "stamp" or "offline") or, with via
 * NULL, not applied.
 */
void
pgm_record_applied(const char *project, const char *id, const char *via)
{
	PgmOwnerScope os;
	Datum		values[4];

	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	pgm_connect_spi(&os);
	values[2] = pgm_caller_name(&os);
	if (via == NULL)
		pgm_run_query(Q_DELETE_APPLIED, values, NULL, 0);
	else
	{
		values[3] = CStringGetTextDatum(via);
		pgm_run_query(Q_INSERT_APPLIED, values, NULL, 0);
	}
	pgm_finish_spi(&os);
}

/*
 * Record in the project row that its state changed (inside SPI).  The row
 * is updated once per transaction: a row version the current transaction
 * wrote already marks the state as changed, for the state cache and for
 * concurrent REPEATABLE READ commands, and updating the same row again for
 * every revision of a long registration would only lengthen its update
 * chain.  It is updated again when the completeness flag changes.
 */
void
pgm_bump_state(const char *project, PgmCompleteness complete)
{
	StateRow	row = read_state_row(project);
	bool		want;
	Datum		values[2];

	if (!row.found)
		elog(ERROR, "project \"%s\" has no row in migrate.projects", project);
	want = complete == PGM_COMPLETE_UNCHANGED ? row.complete :
		complete == PGM_COMPLETE_YES;
	if (TransactionIdIsCurrentTransactionId(row.xmin) && want == row.complete)
		return;
	values[0] = CStringGetTextDatum(project);
	values[1] = BoolGetDatum(want);
	pgm_run_query(have_complete_version() ? Q_BUMP_STATE : Q_BUMP_STATE_0_2,
			  values, NULL, 0);
}

/* Remove a revision's row (unregister(), which checked that it may go). */
void
pgm_delete_revision(const char *project, const char *id)
{
	PgmOwnerScope os;
	Datum		values[2];

	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	pgm_connect_spi(&os);
	pgm_run_query(Q_DELETE_REVISION, values, NULL, 0);
	if (SPI_processed != 1)
		elog(ERROR, "revision \"%s\" of project \"%s\" vanished while it was unregistered",
			 id, project);
	pgm_finish_spi(&os);
}

void
pgm_bump_state_version(const char *project, PgmCompleteness complete)
{
	PgmOwnerScope os;
	pgm_connect_spi(&os);
	pgm_bump_state(project, complete);
	pgm_finish_spi(&os);
}
