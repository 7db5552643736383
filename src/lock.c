/*-------------------------------------------------------------------------
 *
 * lock.c
 *	  The per-project migration mutex and the checks that precede it.
 *
 * Locking protocol.  Every command that changes a project (registration,
 * upgrade, downgrade, stamp, merge) first takes the project's mutex and
 * only then reads any version state:
 *
 * 1. The mutex is a heavyweight lock on the database object
 *	  (migrate.projects, lock_key): transaction-scoped, so it can never
 *	  outlive the transaction that took it (commit, rollback, error, crash
 *	  or a killed backend all release it), it is visible in pg_locks with
 *	  the holder's pid, and waits take part in deadlock detection.  Only
 *	  this module takes it, after checking that the caller may change
 *	  migrations; unlike an advisory-lock key it cannot be taken by an
 *	  arbitrary role to stall deploys.
 *
 * 2. At REPEATABLE READ or SERIALIZABLE, the project's row in
 *	  migrate.projects is then locked FOR UPDATE.  Every command that
 *	  changes state bumps that row's state_version, so a caller whose
 *	  snapshot predates another caller's change gets a serialization
 *	  failure (40001) here instead of acting on stale state.  At READ
 *	  COMMITTED the state queries that follow take fresh snapshots and see
 *	  the previous holder's work, so the row lock is skipped: a caller that
 *	  finds nothing to do then needs no transaction id and no WAL flush,
 *	  which is what keeps fifty replicas starting at once cheap.
 *
 * Offline scripts (migrate.script()) and DBAs working by hand take the
 * same mutex with migrate.lock().
 *
 * upgrade('heads') first looks for pending revisions without the mutex and
 * queues for it only when something is pending.  Looking needs no lock
 * for correctness: it writes nothing and sees a consistent snapshot of
 * committed state.
 *
 * The wait for the mutex is bounded by pg_migrate.lock_wait_timeout (0:
 * no limit), not by the caller's lock_timeout, which is meant for DDL and
 * is restored as soon as the mutex is granted.  On expiry the error names
 * the holder.
 *
 * Progress.  A command publishes what it does in its backend's activity
 * text (pg_stat_activity.query), in a fixed "key=value" form that
 * pgm_read_progress() parses for migrate.progress() and status_json():
 *
 *	  pg_migrate project=P command=C waiting=T
 *	  pg_migrate project=P command=C locked=T step=K/N revision=R
 *		  direction=D step_started=T
 *
 * Project names and revision ids cannot contain blanks or '=', so the form
 * is unambiguous; times are microseconds since the PostgreSQL epoch.  It
 * needs no shared memory and so no shared_preload_libraries entry.
 *
 * Readers (status and friends) take no lock: MVCC shows them the last
 * committed state, never a half-applied one.
 *
 * IDENTIFICATION
 *	  src/lock.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "common/pg_prng.h"
#include "nodes/makefuncs.h"
#include "parser/parser.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "storage/sinvaladt.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/backend_status.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "lock.h"

/* set while this backend runs a migration's statements */
bool		pgm_in_migration = false;

/* the statement of the running script (1-based), 0 outside one */
int			pgm_current_statement = 0;

/*
 * State-changing functions refuse to run from inside a migration: the
 * outer command holds the project's mutex and a plan that a nested command
 * would invalidate (or, in a background worker, wait for forever).
 */
void
pgm_refuse_nested(const char *what)
{
	if (pgm_in_migration)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s cannot be called from a migration script", what),
				 errdetail("A pg_migrate command is running this script and holds the version state."),
				 errhint("Register and apply revisions from outside the migrations.")));
}

static Oid
projects_relid(void)
{
	Oid			nsp = get_namespace_oid(PGM_SCHEMA, false);
	Oid			relid = get_relname_relid("projects", nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "table migrate.projects is missing");
	return relid;
}

/*
 * State-changing functions fail cleanly on a standby or in a read-only
 * transaction, before touching anything.
 */
void
pgm_require_writable(const char *what)
{
	pgm_refuse_nested(what);
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot run %s on a server in recovery", what),
				 errdetail("This server is a standby; migrations change state and must run on the primary."),
				 errhint("Read-only functions such as migrate.status() work here.")));
	PreventCommandIfReadOnly(what);
}

/* GUC: pg_migrate.lock_wait_timeout, in milliseconds */
int			pgm_lock_wait_timeout = 0;

/* GUC: pg_migrate.step_notices */
bool		pgm_step_notices = false;

/* what this backend is doing, for the activity text */
static char current_project[PGM_MAX_PROJECT_LEN + 1];
static char current_command[16];
static TimestampTz current_locked;
/* the transaction nest level at which the current command took the mutex */
static int	current_nest_level = 0;

static void
set_lock_tag(LOCKTAG *tag, int project_key)
{
	SET_LOCKTAG_OBJECT(*tag, MyDatabaseId, projects_relid(), (Oid) project_key, 0);
}

static void
report(const char *text)
{
	pgstat_report_activity(STATE_RUNNING, text);
}

/* Put back the statement text once a command is over. */
void
pgm_report_done(void)
{
	current_project[0] = '\0';
	if (debug_query_string)
		report(debug_query_string);
}

/*
 * A (sub)transaction at nest level nest_level is aborting.  If the current
 * command took the mutex at that level or inside it, the abort ends the
 * command and releases the mutex: its progress goes with it, so that
 * progress() and status_json() never show a command that an EXCEPTION
 * block caught.  At the top level the statement text is the backend's to
 * reset (report_text false).
 */
void
pgm_report_aborted(int nest_level, bool report_text)
{
	if (current_project[0] == '\0' || nest_level > current_nest_level)
		return;
	if (report_text)
		pgm_report_done();
	else
		current_project[0] = '\0';
}

/* the activity text of the current step, for the additions below */
static char current_step_text[512];

/* the try of the current step after a lock timeout (0: the first) */
static int	current_attempt = 0;

void
pgm_report_step(int step, int nsteps, const char *revision,
				PgmDirection direction)
{
	int			len;

	len = snprintf(current_step_text, sizeof(current_step_text),
				   "pg_migrate project=%s command=%s locked=" INT64_FORMAT
				   " step=%d/%d revision=%s direction=%s step_started=" INT64_FORMAT,
				   current_project, current_command, (int64) current_locked,
				   step, nsteps, revision, pgm_direction_name(direction),
				   (int64) GetCurrentTimestamp());
	if (current_attempt > 0 && len < (int) sizeof(current_step_text))
		snprintf(current_step_text + len, sizeof(current_step_text) - len,
				 " attempt=%d", current_attempt + 1);
	report(current_step_text);
}

/* The current step's next try is attempt (0 for the first try). */
void
pgm_report_attempt(int attempt)
{
	current_attempt = attempt;
}

/* A try timed out on a lock; the next, attempt, follows a pause. */
void
pgm_report_retry(int attempt)
{
	char		buf[640];

	current_attempt = attempt;
	snprintf(buf, sizeof(buf), "%s retry_pause=%d", current_step_text, attempt + 1);
	report(buf);
}

/*
 * apply() waits, since since, for a worker slot to run revision in
 * (without the mutex: see worker.c).
 */
void
pgm_report_slot_wait(const char *project, const char *revision, TimestampTz since)
{
	char		buf[256];

	snprintf(buf, sizeof(buf), "pg_migrate project=%s command=apply worker_wait=" INT64_FORMAT
			 " revision=%s", project, (int64) since, revision);
	report(buf);
}

/* The current step waits, since since, for a background worker to start. */
void
pgm_report_worker_wait(TimestampTz since)
{
	char		buf[640];

	snprintf(buf, sizeof(buf), "%s worker_wait=" INT64_FORMAT,
			 current_step_text, (int64) since);
	report(buf);
}

/*
 * The current step runs in the background worker worker_pid; when
 * cancelled_pid is not 0, this backend has just cancelled that process to
 * break a wait cycle (worker.c), which the cancelled session reads here to
 * say why (see wait_bounded()).  batches and rows count the runs of the
 * script's batched statements so far and the rows they affected.
 */
void
pgm_report_worker(int worker_pid, int cancelled_pid, const char *cancelled_project,
				  int64 batches, int64 rows)
{
	char		buf[800];
	int			len;

	len = snprintf(buf, sizeof(buf), "%s worker=%d", current_step_text, worker_pid);
	if (cancelled_pid != 0)
		len += snprintf(buf + len, sizeof(buf) - len, " cancelled=%d", cancelled_pid);
	if (cancelled_pid != 0 && cancelled_project != NULL)
		len += snprintf(buf + len, sizeof(buf) - len, " cancelled_mutex=%s", cancelled_project);
	if (batches > 0)
		snprintf(buf + len, sizeof(buf) - len, " batches=" INT64_FORMAT " rows=" INT64_FORMAT,
				 batches, rows);
	report(buf);
}

/*
 * Sessions that hold a project's mutex without running a pg_migrate
 * command any more: their command returned but their transaction, which
 * keeps the mutex, is still open.  Found in the lock table.
 */
static List *
add_lock_holders(List *result)
{
	LockData   *locks = GetLockStatusData();
	Oid			relid = projects_relid();
	int			i;

	for (i = 0; i < locks->nelements; i++)
	{
		LockInstanceData *inst = &locks->locks[i];
		PgmProgress *prog;
		ListCell   *lc;
		bool		known = false;
		char	   *project;
		int			n,
					b;

		if (inst->locktag.locktag_type != LOCKTAG_OBJECT ||
			inst->locktag.locktag_field1 != MyDatabaseId ||
			inst->locktag.locktag_field2 != relid ||
			(inst->holdMask & LOCKBIT_ON(ExclusiveLock)) == 0)
			continue;
		foreach(lc, result)
			if (((PgmProgress *) lfirst(lc))->pid == inst->pid)
				known = true;
		if (known)
			continue;
		project = pgm_project_by_key((int) inst->locktag.locktag_field3);
		if (project == NULL)
			continue;
		prog = palloc0(sizeof(PgmProgress));
		prog->pid = inst->pid;
		prog->project = project;
		prog->holding = true;
		prog->application_name = "";
		n = pgstat_fetch_stat_numbackends();
		for (b = 1; b <= n; b++)
		{
			LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(b);

			if (local && local->backendStatus.st_procpid == inst->pid)
			{
				prog->application_name = pstrdup(local->backendStatus.st_appname);
				prog->since = local->backendStatus.st_xact_start_timestamp;
			}
		}
		result = lappend(result, prog);
	}
	return result;
}

/*
 * Every session of this database that runs or waits for a pg_migrate
 * command (parsed from its activity text), and every session that still
 * holds a project's mutex after its command returned.  A List of
 * PgmProgress, in backend order.
 */
List *
pgm_read_progress(bool with_holders)
{
	List	   *result = NIL;
	int			n;
	int			i;

	/* always read current activity, not this transaction's cached copy */
	pgstat_clear_backend_activity_snapshot();
	n = pgstat_fetch_stat_numbackends();

	for (i = 1; i <= n; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		PgBackendStatus *be;
		PgmProgress *prog;
		char	   *text;
		char	   *tok;
		char	   *save = NULL;
		bool		locked = false;

		if (local == NULL)
			continue;
		be = &local->backendStatus;
		/* an idle session's text is from a command that has ended */
		if (be->st_databaseid != MyDatabaseId || be->st_state != STATE_RUNNING ||
			be->st_activity_raw == NULL ||
			strncmp(be->st_activity_raw, "pg_migrate ", 11) != 0)
			continue;
		text = pstrdup(be->st_activity_raw + 11);
		prog = palloc0(sizeof(PgmProgress));
		prog->pid = be->st_procpid;
		prog->application_name = pstrdup(be->st_appname);
		for (tok = strtok_r(text, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		{
			char	   *eq = strchr(tok, '=');

			if (eq == NULL)
				continue;
			*eq++ = '\0';
			if (strcmp(tok, "project") == 0)
				prog->project = eq;
			else if (strcmp(tok, "command") == 0)
				prog->command = eq;
			else if (strcmp(tok, "waiting") == 0)
			{
				prog->waiting = true;
				prog->since = (TimestampTz) strtoi64(eq, NULL, 10);
			}
			else if (strcmp(tok, "locked") == 0)
			{
				prog->since = (TimestampTz) strtoi64(eq, NULL, 10);
				locked = true;
			}
			else if (strcmp(tok, "step") == 0)
				sscanf(eq, "%d/%d", &prog->step, &prog->nsteps);
			else if (strcmp(tok, "revision") == 0)
				prog->revision = eq;
			else if (strcmp(tok, "direction") == 0)
				prog->direction = eq;
			else if (strcmp(tok, "step_started") == 0)
				prog->step_started = (TimestampTz) strtoi64(eq, NULL, 10);
			else if (strcmp(tok, "attempt") == 0 || strcmp(tok, "retry_pause") == 0)
				prog->attempt = Max(atoi(eq), 0);
			else if (strcmp(tok, "worker_wait") == 0)
				prog->worker_wait = (TimestampTz) strtoi64(eq, NULL, 10);
			else if (strcmp(tok, "worker") == 0)
				prog->worker = Max(atoi(eq), 0);
			else if (strcmp(tok, "cancelled") == 0)
				prog->cancelled = Max(atoi(eq), 0);
			else if (strcmp(tok, "cancelled_mutex") == 0)
				prog->cancelled_mutex = eq;
			else if (strcmp(tok, "batches") == 0)
				prog->batches = Max(strtoi64(eq, NULL, 10), 0);
			else if (strcmp(tok, "rows") == 0)
				prog->rows = Max(strtoi64(eq, NULL, 10), 0);
		}
		/* waiting for a worker slot before taking the mutex (worker.c) */
		if (prog->worker_wait != 0 && !locked && !prog->waiting)
		{
			prog->slot_wait = true;
			prog->since = prog->worker_wait;
		}
		/* any session can set its activity text: trust nothing in it */
		if (prog->revision && pgm_id_problem(prog->revision))
			prog->revision = NULL;
		if (prog->direction && strspn(prog->direction, "abcdefghijklmnopqrstuvwxyz") != strlen(prog->direction))
			prog->direction = NULL;
		if (prog->command && strspn(prog->command, "abcdefghijklmnopqrstuvwxyz") != strlen(prog->command))
			prog->command = NULL;
		if (prog->project && pgm_project_name_ok(prog->project) && prog->command)
			result = lappend(result, prog);
	}
	return with_holders ? add_lock_holders(result) : result;
}

/*
 * Describe the current holder of a project's mutex for an error detail,
 * or return NULL when it cannot be found (it may just have finished).
 */
static char *
describe_holder(const char *project, int project_key)
{
	LOCKTAG		tag;
	VirtualTransactionId *holders;
	int			count;
	int			pid = 0;
	ListCell   *lc;

	set_lock_tag(&tag, project_key);
	holders = GetLockConflicts(&tag, ExclusiveLock, &count);
	if (count > 0 && VirtualTransactionIdIsValid(holders[0]))
	{
		PGPROC	   *proc = BackendIdGetProc(holders[0].backendId);

		if (proc)
			pid = proc->pid;
	}
	if (pid == 0)
		return NULL;

	/*
	 * This runs while a failed lock wait is being reported: read shared
	 * memory only, no SPI (the holder's project name is known here).
	 */
	foreach(lc, pgm_read_progress(false))
	{
		PgmProgress *prog = lfirst(lc);

		if (prog->pid != pid || prog->waiting)
			continue;
		if (prog->revision)
			return psprintf("The mutex of project \"%s\" is held by process %d (application \"%s\", command %s) since %s, running revision \"%s\" (step %d of %d).",
							project, pid, prog->application_name, prog->command,
							timestamptz_to_str(prog->since), prog->revision,
							prog->step, prog->nsteps);
		return psprintf("The mutex of project \"%s\" is held by process %d (application \"%s\", command %s) since %s.",
						project, pid, prog->application_name, prog->command,
						timestamptz_to_str(prog->since));
	}
	{
		int			n = pgstat_fetch_stat_numbackends();
		int			i;

		for (i = 1; i <= n; i++)
		{
			LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);

			if (local && local->backendStatus.st_procpid == pid)
				return psprintf("The mutex of project \"%s\" is held by process %d (application \"%s\"), whose transaction has been open since %s.",
								project, pid, local->backendStatus.st_appname,
								timestamptz_to_str(local->backendStatus.st_xact_start_timestamp));
		}
	}
	return psprintf("The mutex of project \"%s\" is held by process %d.", project, pid);
}

/*
 * This session's wait for a mutex was cancelled.  When a deploy cancelled
 * it to break a wait cycle through its background worker (worker.c), it
 * says so in its progress: turn the cancel into an error naming that
 * deploy.  Otherwise the cancel stands as it is.
 */
static void
explain_cancel(const char *project)
{
	ListCell   *lc;

	foreach(lc, pgm_read_progress(false))
	{
		PgmProgress *prog = lfirst(lc);

		/* this session, waiting for that project's mutex */
		if (prog->cancelled != MyProcPid || prog->revision == NULL ||
			prog->cancelled_mutex == NULL || strcmp(prog->cancelled_mutex, project) != 0)
			continue;
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_T_R_DEADLOCK_DETECTED),
				 errmsg("wait for the migration mutex of project \"%s\" cancelled to break a wait cycle",
						project),
				 errdetail("Process %d (application \"%s\") runs revision \"%s\" of project \"%s\" in a background worker (process %d), which was waiting for this session, directly or through other sessions; the server log names the whole chain.",
						   prog->pid, prog->application_name, prog->revision,
						   prog->project, prog->worker),
				 errhint("Retry when that deploy has finished.  A session that waits for a mutex should hold no snapshot or lock that a concurrent index build needs.")));
	}
}

/*
 * Wait for a lock under pg_migrate.lock_wait_timeout instead of the
 * caller's lock_timeout, and turn a timeout into an error naming the
 * holder.  The caller's setting is back in force afterwards, error or not.
 */
static void
wait_bounded(const char *project, int project_key, bool row, LOCKMODE mode)
{
	int			saved = LockTimeout;
	MemoryContext cxt = CurrentMemoryContext;

	LockTimeout = pgm_lock_wait_timeout;
	PG_TRY();
	{
		if (row)
			pgm_lock_project_row(project);
		else
		{
			LOCKTAG		tag;

			set_lock_tag(&tag, project_key);
			(void) LockAcquire(&tag, mode, false, false);
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		LockTimeout = saved;
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			explain_cancel(project);
		if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
			PG_RE_THROW();
		FlushErrorState();
		{
			char	   *holder = describe_holder(project, project_key);

			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg("could not obtain the migration mutex of project \"%s\" within %d ms",
							project, pgm_lock_wait_timeout),
					 holder ? errdetail_internal("%s", holder) : 0,
					 errhint("Another migration is running; retry later, or raise pg_migrate.lock_wait_timeout.")));
		}
	}
	PG_END_TRY();
	LockTimeout = saved;
}

/* Take the project mutex; see the protocol at the top of this file. */
void
pgm_lock_project(const char *project, int project_key, const char *command)
{
	LOCKTAG		tag;
	char		buf[256];

	strlcpy(current_project, project, sizeof(current_project));
	strlcpy(current_command, command, sizeof(current_command));
	current_nest_level = GetCurrentTransactionNestLevel();

	set_lock_tag(&tag, project_key);
	if (LockAcquire(&tag, ExclusiveLock, false, true) == LOCKACQUIRE_NOT_AVAIL)
	{
		snprintf(buf, sizeof(buf), "pg_migrate project=%s command=%s waiting=" INT64_FORMAT,
				 project, command, (int64) GetCurrentTimestamp());
		report(buf);
		/* hold no catalog snapshot while waiting (see worker.c) */
		InvalidateCatalogSnapshot();
		wait_bounded(project, project_key, false, ExclusiveLock);
	}
	current_locked = GetCurrentTimestamp();
	snprintf(buf, sizeof(buf), "pg_migrate project=%s command=%s locked=" INT64_FORMAT,
			 project, command, (int64) current_locked);
	report(buf);
	if (IsolationUsesXactSnapshot())
		wait_bounded(project, project_key, true, NoLock);
}

/* Does this transaction hold the project's mutex? */
bool
pgm_holds_mutex(int project_key)
{
	LOCKTAG		tag;

	set_lock_tag(&tag, project_key);
	return LockHeldByMe(&tag, ExclusiveLock);
}

/*
 * Lock timeouts with retries.  Every statement of a migration runs with
 * lock_timeout = pg_migrate.ddl_lock_timeout (unless the script sets its
 * own), so that a statement that queues for a lock (ALTER TABLE behind a
 * long reader) stalls the application's queries behind it for at most
 * that long.  When it times out, the revision is rolled back to its start
 * and tried again after a pause, up to pg_migrate.ddl_lock_retries times:
 * the first half of the tries with the set timeout, the rest with a
 * timeout growing to twice that; the pauses grow by half each time, from
 * 100 ms to at most 2 s, each scaled by a random factor between 0.5 and
 * 1.5 so that deployers do not retry in step.
 */

/* GUCs: pg_migrate.ddl_lock_timeout (ms, 0: off) and ddl_lock_retries */
int			pgm_ddl_lock_timeout = 500;
int			pgm_ddl_lock_retries = 10;

/* The lock_timeout of try attempt (0, 1, ...), in ms; 0 when off. */
int
pgm_attempt_timeout(int attempt)
{
	int			half = pgm_ddl_lock_retries / 2;
	int			rest = pgm_ddl_lock_retries - half;

	if (pgm_ddl_lock_timeout <= 0)
		return 0;
	if (attempt <= half || rest <= 0)
		return pgm_ddl_lock_timeout;
	return (int) Min((int64) pgm_ddl_lock_timeout +
					 (int64) pgm_ddl_lock_timeout * (attempt - half) / rest,
					 (int64) INT_MAX);
}

/* The pause before try attempt (1, 2, ...), in ms, jittered. */
int
pgm_attempt_pause(int attempt)
{
	double		base = 100.0;
	int			i;

	for (i = 1; i < attempt && base < 2000.0; i++)
		base *= 1.5;
	base = Min(base, 2000.0);
	return (int) (base * (0.5 + pg_prng_double(&pg_global_prng_state)));
}

/* The tables a statement names, for finding who blocks it. */
static List *
statement_tables(Node *stmt)
{
	List	   *rvs = NIL;
	ListCell   *lc;

	switch (nodeTag(stmt))
	{
		case T_AlterTableStmt:
			rvs = list_make1(((AlterTableStmt *) stmt)->relation);
			break;
		case T_IndexStmt:
			rvs = list_make1(((IndexStmt *) stmt)->relation);
			break;
		case T_RenameStmt:
			if (((RenameStmt *) stmt)->relation)
				rvs = list_make1(((RenameStmt *) stmt)->relation);
			break;
		case T_CreateTrigStmt:
			rvs = list_make1(((CreateTrigStmt *) stmt)->relation);
			break;
		case T_InsertStmt:
			rvs = list_make1(((InsertStmt *) stmt)->relation);
			break;
		case T_UpdateStmt:
			rvs = list_make1(((UpdateStmt *) stmt)->relation);
			break;
		case T_DeleteStmt:
			rvs = list_make1(((DeleteStmt *) stmt)->relation);
			break;
		case T_TruncateStmt:
			rvs = list_copy(((TruncateStmt *) stmt)->relations);
			break;
		case T_LockStmt:
			rvs = list_copy(((LockStmt *) stmt)->relations);
			break;
		case T_ReindexStmt:
			if (((ReindexStmt *) stmt)->relation)
				rvs = list_make1(((ReindexStmt *) stmt)->relation);
			break;
		case T_ClusterStmt:
			if (((ClusterStmt *) stmt)->relation)
				rvs = list_make1(((ClusterStmt *) stmt)->relation);
			break;
		case T_SelectStmt:
			foreach(lc, ((SelectStmt *) stmt)->fromClause)
				if (IsA(lfirst(lc), RangeVar))
					rvs = lappend(rvs, lfirst(lc));
			break;
		case T_DropStmt:
			foreach(lc, ((DropStmt *) stmt)->objects)
				if (IsA(lfirst(lc), List))
					rvs = lappend(rvs, makeRangeVarFromNameList(lfirst(lc)));
			break;
		default:
			break;
	}
	return rvs;
}

/*
 * Who holds a lock on a table that statement names (the statement timed
 * out waiting): the session with the oldest transaction among them.  A
 * description for messages and events, or NULL when none is found.
 */
char *
pgm_lock_blocker(const char *statement, int *blocker_pid)
{
	List	   *parsed;
	List	   *relids = NIL;
	ListCell   *lc;
	LockData   *locks;
	int			best = 0;
	TimestampTz best_start = 0;
	const char *best_app = "";
	int			i;

	*blocker_pid = 0;
	if (statement == NULL || statement[0] == '\0')
		return NULL;
	/* split as at registration; a statement it cannot parse names no one */
	{
		MemoryContext cxt = CurrentMemoryContext;
		bool		saved = standard_conforming_strings;

		standard_conforming_strings = true;
		PG_TRY();
		{
			parsed = raw_parser(statement, RAW_PARSE_DEFAULT);
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(cxt);
			FlushErrorState();
			parsed = NIL;
		}
		PG_END_TRY();
		standard_conforming_strings = saved;
	}
	if (list_length(parsed) != 1)
		return NULL;
	foreach(lc, statement_tables(linitial_node(RawStmt, parsed)->stmt))
	{
		RangeVar   *rv = lfirst(lc);
		Oid			relid = rv ? RangeVarGetRelid(rv, NoLock, true) : InvalidOid;

		if (OidIsValid(relid))
			relids = lappend_oid(relids, relid);
	}
	if (relids == NIL)
		return NULL;
	locks = GetLockStatusData();
	pgstat_clear_backend_activity_snapshot();
	for (i = 0; i < locks->nelements; i++)
	{
		LockInstanceData *inst = &locks->locks[i];
		int			n = pgstat_fetch_stat_numbackends();
		int			b;

		if (inst->holdMask == 0 || inst->pid == MyProcPid ||
			inst->locktag.locktag_type != LOCKTAG_RELATION ||
			inst->locktag.locktag_field1 != MyDatabaseId ||
			!list_member_oid(relids, (Oid) inst->locktag.locktag_field2))
			continue;
		for (b = 1; b <= n; b++)
		{
			LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(b);

			if (local == NULL || local->backendStatus.st_procpid != inst->pid)
				continue;
			if (best == 0 || local->backendStatus.st_xact_start_timestamp < best_start)
			{
				best = inst->pid;
				best_start = local->backendStatus.st_xact_start_timestamp;
				best_app = local->backendStatus.st_appname;
			}
		}
	}
	if (best == 0)
		return NULL;
	*blocker_pid = best;
	return psprintf("process %d (application \"%s\"), whose transaction has been open since %s",
					best, best_app, best_start ? timestamptz_to_str(best_start) : "?");
}

/* Does process pid wait for a lock this backend holds? */
bool
pgm_waits_for_me(int pid)
{
	ArrayType  *arr = DatumGetArrayTypeP(DirectFunctionCall1(pg_blocking_pids,
															  Int32GetDatum(pid)));
	int			n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	int		   *pids = (int *) ARR_DATA_PTR(arr);
	int			i;

	for (i = 0; i < n; i++)
		if (pids[i] == MyProcPid)
			return true;
	return false;
}
