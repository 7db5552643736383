/*-------------------------------------------------------------------------
 *
 * execute.c
 *	  Run a revision's statements, and the steps of a plan: the one step
 *	  executor of the atomic path (commands.c, run_plan) and of apply()
 *	  (commands.c, apply_step), which differ only in their transactions.
 *
 * A step is a revision's script (for up and down steps), the change to the
 * applied set and an events row, in that order; a nontransactional script
 * goes to a background worker (worker.c).  The callers run each step in a
 * subtransaction and, on failure, roll it back with pgm_roll_back_step()
 * and record it with the fields pgm_describe_failure() collects.
 *
 * Transaction classes.  A script is "transactional" when every statement
 * may run inside a transaction block; the atomic path (SELECT
 * migrate.upgrade(...)) runs such scripts one statement at a time through
 * SPI inside the caller's transaction, so a failure anywhere undoes the
 * whole command and the caller's ROLLBACK undoes everything.  A
 * "nontransactional" script (CREATE INDEX CONCURRENTLY, VACUUM, ...)
 * cannot run there at all: PostgreSQL refuses such statements inside a
 * function, and the atomic path refuses the revision before running
 * anything.
 *
 * Statements run with the caller's privileges.  Errors keep their
 * SQLSTATE; an error-context line names the revision, the project and the
 * statement number, and a cursor position is moved onto the statement's
 * own text.
 *
 * IDENTIFICATION
 *	  src/execute.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "execute.h"
#include "parse.h"


typedef struct RunErrorArg
{
	const char *project;
	const char *revision;
	const char *statement;
	int			number;
} RunErrorArg;

/* the lock_timeout pg_migrate sets for the current try, 0 for none */
int			pgm_attempt_lock_timeout = 0;

/*
 * A lock timeout of a statement: the timeout in force, and the statement
 * (in TopMemoryContext).  Cleared before each try.
 */
static int	lock_timeout_at_error = -1;
static char *timed_out_statement = NULL;

static void
clear_timed_out(void)
{
	lock_timeout_at_error = -1;
	if (timed_out_statement)
		pfree(timed_out_statement);
	timed_out_statement = NULL;
}

static void
run_error_callback(void *arg)
{
	RunErrorArg *a = (RunErrorArg *) arg;
	int			position = geterrposition();

	if (geterrcode() == ERRCODE_LOCK_NOT_AVAILABLE && a->statement)
	{
		clear_timed_out();
		lock_timeout_at_error = LockTimeout;
		timed_out_statement = MemoryContextStrdup(TopMemoryContext, a->statement);
	}

	if (position > 0 && a->statement)
	{
		errposition(0);
		internalerrposition(position);
		internalerrquery(a->statement);
	}
	errcontext("revision \"%s\" (project \"%s\"), statement %d",
			   a->revision, a->project, a->number);
}

void
pgm_run_script(const char *project, const char *revision, const char *script)
{
	PgmScriptInfo info;
	ErrorContextCallback errcallback;
	RunErrorArg arg;
	MemoryContext stmt_cxt;
	MemoryContext old;
	ListCell   *lc;
	int			nestlevel;
	Oid			save_userid;
	int			save_sec_context;

	pgm_current_statement = 0;
	pgm_parse_script(script, revision, "stored", true, &info);

	stmt_cxt = AllocSetContextCreate(CurrentMemoryContext,
									 "pg_migrate statement",
									 ALLOCSET_DEFAULT_SIZES);
	arg.project = project;
	arg.revision = revision;
	arg.statement = NULL;
	arg.number = 0;
	errcallback.callback = run_error_callback;
	errcallback.arg = &arg;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/*
	 * What a script SETs (search_path, lock_timeout, ...) lasts until the
	 * end of the script, SET LOCAL or not: a revision cannot change the
	 * settings under which the next one runs or its caller goes on.
	 * Scripts are read with standard_conforming_strings on, as they were
	 * split at registration and as psql reads script() output.
	 */
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("standard_conforming_strings", "on",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	/* the try's lock timeout (lock.c); a SET of the script's own wins */
	clear_timed_out();
	if (pgm_attempt_lock_timeout > 0)
	{
		char		ms[32];

		snprintf(ms, sizeof(ms), "%d", pgm_attempt_lock_timeout);
		(void) set_config_option("lock_timeout", ms, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}

	/*
	 * A script runs as its caller and cannot become anyone else: under
	 * SECURITY_LOCAL_USERID_CHANGE, as in a SECURITY DEFINER function,
	 * PostgreSQL refuses SET ROLE, RESET ROLE and SET SESSION
	 * AUTHORIZATION.  Otherwise a script could RESET ROLE to a superuser
	 * session user, whatever role its registrant was checked against.
	 */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(save_userid,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	/* nested pg_migrate commands are refused until the script is done */
	pgm_in_migration = true;
	PG_TRY();
	{
		foreach(lc, info.statements)
		{
			int			ret;

			arg.statement = lfirst(lc);
			arg.number++;
			pgm_current_statement = arg.number;
			old = MemoryContextSwitchTo(stmt_cxt);
			ret = SPI_execute(arg.statement, false, 0);
			if (ret < 0)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("statement could not be run in a migration: %s",
								SPI_result_code_string(ret))));
			SPI_freetuptable(SPI_tuptable);
			MemoryContextSwitchTo(old);
			MemoryContextReset(stmt_cxt);
		}
	}
	PG_FINALLY();
	{
		pgm_in_migration = false;
	}
	PG_END_TRY();
	SetUserIdAndSecContext(save_userid, save_sec_context);
	/* false: every setting the script changed goes back, SET as SET LOCAL */
	AtEOXact_GUC(false, nestlevel);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");

	error_context_stack = errcallback.previous;
	MemoryContextDelete(stmt_cxt);
	pgm_current_statement = 0;
}

/*
 * Refuse, before anything runs, what the atomic path cannot do: revisions
 * with statements such as CREATE INDEX CONCURRENTLY need a top-level
 * session of their own, which only the per-revision path provides
 * (worker.c).
 */
void
pgm_check_step(PgmGraph *graph, PgmStep *step, const char *project)
{
	PgmRevision *rev = &graph->revs[step->rev];
	PgmExecClass cls;

	if (step->direction == PGM_UP)
		cls = rev->up_class;
	else if (step->direction == PGM_DOWN)
		cls = rev->down_class;
	else
		return;
	if (cls == PGM_EXEC_NONTRANSACTIONAL)
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("revision \"%s\" (project \"%s\") cannot run inside a transaction",
						rev->id, project),
				 errdetail("Its %s script contains a statement such as CREATE INDEX CONCURRENTLY or VACUUM, which PostgreSQL refuses inside a transaction block or function.",
						   step->direction == PGM_UP ? "up" : "down"),
				 step->direction == PGM_UP ?
				 errhint("Nothing was run. Apply it with CALL migrate.apply(), which runs such revisions in a session of their own.") :
				 errhint("Nothing was run. Revert it with CALL migrate.apply(target), which downgrades to a target below the current state and runs such revisions in a session of their own.")));
}

void
pgm_check_atomic(PgmGraph *graph, PgmPlan *plan, const char *project)
{
	int			i;

	for (i = 0; i < plan->nsteps; i++)
		pgm_check_step(graph, &plan->steps[i], project);
}

/*
 * Run one step of a plan: its script (for up and down steps), the version
 * state and the event row.  The step's number and the plan's length go to
 * the progress report.
 */
void
pgm_run_step(const char *project, int project_key, PgmGraph *graph, PgmStep *step,
		 int stepno, int nsteps, bool trust, TimestampTz *started,
		 TimestampTz *finished)
{
	PgmRevision *rev = &graph->revs[step->rev];
	char	   *trusted = NULL;

	*started = GetCurrentTimestamp();
	pgm_report_step(stepno, nsteps, rev->id, step->direction);
	if (step->direction == PGM_UP || step->direction == PGM_DOWN)
	{
		bool		is_up = step->direction == PGM_UP;
		PgmRevisionDetails *d = pgm_fetch_details(project, rev->id, true);
		char	   *script = is_up ? d->up : d->down;
		char	   *path;
		int			nest = -1;

		/* the plan was made from a state that had this script */
		if (script == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("revision \"%s\" of project \"%s\" has no down script any more",
							rev->id, project),
					 errhint("The table migrate.revisions was changed while the command ran.")));
		/*
		 * An empty script (a merge's) runs nothing and cannot gain anything;
		 * decided on the script about to run, not on a stored count.
		 */
		if (script[0] != '\0')
			pgm_check_registrant(project, rev->id, d->registered_by, trust,
								 &trusted);

		/*
		 * The project's search_path (migrate.set_search_path()) for the
		 * script, and for a worker, which takes the caller's settings; a
		 * SET in the script still wins.  Undone by the end of the step (or
		 * by the abort of its subtransaction).
		 */
		path = pgm_project_search_path(project);
		if (path != NULL)
		{
			nest = NewGUCNestLevel();
			(void) set_config_option("search_path", path, PGC_USERSET, PGC_S_SESSION,
									 GUC_ACTION_SAVE, true, 0, false);
		}
		if ((is_up ? rev->up_class : rev->down_class) == PGM_EXEC_NONTRANSACTIONAL)
			pgm_run_in_worker(project, project_key, rev->id, step->direction, script);
		else
			pgm_run_script(project, rev->id, script);
		if (nest >= 0)
			AtEOXact_GUC(true, nest);
	}
	pgm_record_applied(project, rev->id,
					   step->direction == PGM_UP ? "up" :
					   step->direction == PGM_STAMP ? "stamp" : NULL);
	*finished = GetCurrentTimestamp();
	pgm_record_event(project, rev->id, step->direction, *started, *finished,
					 trusted);
}

/*
 * In the PG_CATCH of a step run in a subtransaction begun in context cxt
 * under resource owner owner: roll the subtransaction back, and return the
 * error, copied into keep_cxt, for the caller to record and raise again.
 */
ErrorData *
pgm_roll_back_step(MemoryContext cxt, ResourceOwner owner, MemoryContext keep_cxt)
{
	ErrorData  *edata = pgm_abort_subtransaction(cxt, owner, keep_cxt);

	pgm_current_statement = 0;
	pgm_in_migration = false;
	return edata;
}

/*
 * Did the step fail because a statement waited longer than the try's lock
 * timeout (and not the script's own)?  Then *blocker describes who held
 * the lock (or is NULL) and *statement is the statement's text.
 */
bool
pgm_lock_timed_out(ErrorData *edata, char **blocker, int *blocker_pid,
				   const char **statement)
{
	*blocker = NULL;
	*blocker_pid = 0;
	*statement = timed_out_statement;
	/* a timeout's error comes from ProcessInterrupts(), NOWAIT's does not */
	if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE || pgm_attempt_lock_timeout <= 0 ||
		lock_timeout_at_error != pgm_attempt_lock_timeout || timed_out_statement == NULL ||
		edata->funcname == NULL || strcmp(edata->funcname, "ProcessInterrupts") != 0)
		return false;
	*blocker = pgm_lock_blocker(timed_out_statement, blocker_pid);
	return true;
}

/*
 * A try of a step timed out on a lock (pgm_lock_timed_out()): record it as
 * an event with outcome 'retry' (in the current transaction) naming the
 * blocker, show it in the progress, and return the pause before the next
 * try (the caller pauses).  PGM_RETRY_EXHAUSTED when no try is left, and
 * PGM_RETRY_DEADLOCK when the blocker waits for this session itself (the
 * deadlock detector would not get to see it within a short lock timeout):
 * then *final holds the error to raise, naming the blocker.
 */
int
pgm_lock_retry(const char *project, PgmRevision *rev, PgmDirection direction,
			   int attempt, TimestampTz started, ErrorData *edata, int statement,
			   ErrorData **final)
{
	char	   *blocker;
	int			blocker_pid;
	const char *text;
	int			timeout = pgm_attempt_lock_timeout;
	PgmFailure	f;
	int			pause;
	bool		deadlock;

	(void) pgm_lock_timed_out(edata, &blocker, &blocker_pid, &text);
	deadlock = blocker_pid != 0 && pgm_waits_for_me(blocker_pid);
	if (attempt >= pgm_ddl_lock_retries || deadlock)
	{
		ErrorData  *e = palloc0(sizeof(ErrorData));

		memcpy(e, edata, sizeof(ErrorData));
		e->sqlerrcode = deadlock ? ERRCODE_T_R_DEADLOCK_DETECTED : ERRCODE_LOCK_NOT_AVAILABLE;
		e->message = deadlock ?
			psprintf("revision \"%s\" (project \"%s\") waits for a session that waits for this command",
					 rev->id, project) :
			psprintf("revision \"%s\" (project \"%s\") could not take its locks in %d tries",
					 rev->id, project, attempt + 1);
		e->detail = blocker ?
			psprintf("Statement %d waited %d ms for a lock held by %s.", statement, timeout, blocker) :
			psprintf("Statement %d waited %d ms for a lock.", statement, timeout);
		e->hint = deadlock ?
			pstrdup("That session waits for a lock this command took in an earlier revision. Nothing of the command stays applied; deploy with CALL migrate.apply() to release each revision's locks before the next.") :
			pstrdup("Nothing of the revision stays applied. Retry when the lock is free, or raise pg_migrate.ddl_lock_timeout or pg_migrate.ddl_lock_retries.");
		e->context = NULL;
		*final = e;
		return deadlock ? PGM_RETRY_DEADLOCK : PGM_RETRY_EXHAUSTED;
	}
	pause = pgm_attempt_pause(attempt + 1);
	pgm_describe_failure(&f, project, rev->id, direction, started, edata, statement);
	strlcpy(f.outcome, "retry", sizeof(f.outcome));
	snprintf(f.note, sizeof(f.note),
			 "try %d of %d timed out after %d ms waiting for a lock at statement %d%s%s; next try in %d ms",
			 attempt + 1, pgm_ddl_lock_retries + 1, timeout, statement,
			 blocker ? ", held by " : "", blocker ? blocker : "", pause);
	pgm_insert_failure(&f);
	ereport(LOG,
			(errmsg("pg_migrate: revision \"%s\" (project \"%s\"): %s",
					rev->id, project, f.note)));
	pgm_report_retry(attempt + 1);
	return pause;
}

/* Pause before the next try. */
void
pgm_lock_retry_pause(int pause)
{
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 pause, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
}

/*
 * The atomic path's step, with lock retries: each try in a subtransaction
 * of its own, rolled back to the revision's start when a statement waits
 * longer than the try's lock timeout.  Locks that earlier steps of the
 * same command took stay held meanwhile.
 */
void
pgm_run_step_retrying(const char *project, int project_key, PgmGraph *graph,
					  PgmStep *step, int stepno, int nsteps, bool trust,
					  TimestampTz *started, TimestampTz *finished)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	volatile bool done = false;
	int			attempt;

	for (attempt = 0; !done; attempt++)
	{
		TimestampTz try_started = GetCurrentTimestamp();
		volatile int pause = 0;
		ErrorData  *volatile final = NULL;

		pgm_attempt_lock_timeout = pgm_attempt_timeout(attempt);
		pgm_report_attempt(attempt);
		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(cxt);
		PG_TRY();
		{
			pgm_run_step(project, project_key, graph, step, stepno, nsteps, trust,
						 started, finished);
			ReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(cxt);
			CurrentResourceOwner = owner;
			done = true;
		}
		PG_CATCH();
		{
			int			statement = pgm_current_statement;
			ErrorData  *edata = pgm_roll_back_step(cxt, owner, cxt);
			char	   *blocker;
			int			blocker_pid;
			const char *text;

			if (!pgm_lock_timed_out(edata, &blocker, &blocker_pid, &text))
			{
				pgm_attempt_lock_timeout = 0;
				pgm_report_attempt(0);
				pgm_current_statement = statement;
				ReThrowError(edata);
			}
			pause = pgm_lock_retry(project, &graph->revs[step->rev], step->direction,
								   attempt, try_started, edata, statement,
								   (ErrorData **) &final);
			pgm_current_statement = statement;
		}
		PG_END_TRY();
		if (final)
		{
			pgm_attempt_lock_timeout = 0;
			pgm_report_attempt(0);
			ReThrowError(final);
		}
		if (!done)
			pgm_lock_retry_pause(pause);
	}
	pgm_attempt_lock_timeout = 0;
	pgm_report_attempt(0);
}

/* A transaction ends: no try of pg_migrate's is going on any more. */
void
pgm_lock_retry_reset(void)
{
	pgm_attempt_lock_timeout = 0;
	pgm_report_attempt(0);
	clear_timed_out();
}
