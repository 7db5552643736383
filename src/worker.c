/*-------------------------------------------------------------------------
 *
 * worker.c
 *	  Run nontransactional revisions in a background worker.
 *
 * PostgreSQL refuses statements such as CREATE INDEX CONCURRENTLY, VACUUM
 * or REINDEX CONCURRENTLY inside a transaction block or a function, so the
 * per-revision path (CALL migrate.apply) hands such a script to a dynamic
 * background worker: a session of its own that runs each statement of the
 * script at top level, each in a transaction of its own, as psql does in
 * autocommit mode.  The worker connects as the caller's session user,
 * takes the caller's current role and search_path, and reports how far it
 * got and how it failed through a dynamic shared memory segment.
 *
 * While it waits, the calling backend holds the project's mutex but no
 * snapshot (apply() starts such a revision in a fresh transaction and
 * checks this): CREATE INDEX CONCURRENTLY waits for every transaction with
 * an older snapshot, and a caller holding one would wait for the worker
 * that waits for it, a deadlock PostgreSQL cannot detect (see
 * docs/postgres-facts.md).  Deployers waiting for the mutex in apply() hold no
 * snapshot either, and upgrade() refuses pending nontransactional
 * revisions before it waits.  Any other wait cycle through the worker
 * (break_wait_cycle() below) is found within a second and broken by
 * cancelling a session on it.
 *
 * The worker runs with the caller's settings (serialize_settings()).  When
 * the caller is cancelled or its client goes away, the worker is stopped
 * before the failure is recorded and the mutex released.
 *
 * Such a revision is not atomic: if statement k fails, statements 1..k-1
 * stay done and the revision is not marked applied.  Scripts should
 * therefore be safe to run again (IF NOT EXISTS, and DROP INDEX
 * CONCURRENTLY IF EXISTS before CREATE INDEX CONCURRENTLY, since a failed
 * build leaves an invalid index behind).
 *
 * IDENTIFICATION
 *	  src/worker.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/analyze.h"
#include "pgstat.h"
#include "port/atomics.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "tcop/pquery.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "lock.h"
#include "parse.h"
#include "reconcile.h"
#include "worker.h"

#define TASK_MESSAGE_LEN 1024

typedef enum PgmTaskStatus
{
	PGM_TASK_STARTING = 0,
	PGM_TASK_DONE,
	PGM_TASK_FAILED
} PgmTaskStatus;

/* the shared memory of one task: set up by the caller, filled by the worker */
typedef struct PgmWorkerTask
{
	Oid			dboid;
	Oid			session_user;
	Oid			current_user;
	char		application_name[NAMEDATALEN];
	char		revision[PGM_MAX_ID_LEN + 1];
	PgmFailure	who;			/* the caller, for the worker's own rows */
	/* results */
	volatile int status;
	volatile int statements_done;
	volatile int64 batches;		/* runs of batched statements so far */
	volatile int64 rows;		/* rows they affected */
	int			sqlerrcode;
	char		message[TASK_MESSAGE_LEN];
	char		detail[TASK_MESSAGE_LEN];
	char		hint[TASK_MESSAGE_LEN];
	Size		script_len;
	Size		settings_len;
	/* the script, its NUL, then the caller's settings (see below) */
	char		script[FLEXIBLE_ARRAY_MEMBER];
} PgmWorkerTask;

PGDLLEXPORT void pgm_worker_main(Datum arg);

/*
 * The caller's settings.  The worker is a session of its own: it starts
 * with the server's, the database's and the role's defaults, not with what
 * the caller SET, so every setting the caller may change and has changed
 * from the server's configuration (lock_timeout, statement_timeout,
 * work_mem, TimeZone, search_path, custom "app.x" settings, ...) is passed
 * on, with the context and role that set it, as a parallel query's leader
 * passes its settings to its workers.  Left out: who the session is (role,
 * session_authorization: the worker takes the caller's role itself), the
 * transaction's own settings, and what the worker sets for itself.
 */
static const char *const settings_not_passed[] = {
	"application_name",
	"client_encoding",
	"role",
	"session_authorization",
	"standard_conforming_strings",
	"transaction_deferrable",
	"transaction_isolation",
	"transaction_read_only",
	NULL
};

typedef struct PgmSettingHeader
{
	int			source;
	int			scontext;
	Oid			srole;
	int			name_len;		/* without the NUL */
	int			value_len;		/* without the NUL */
} PgmSettingHeader;

/* Is this variable's current value the caller's own, to be passed on? */
static bool
setting_passed(struct config_generic *conf)
{
	int			i;

	if (conf->context != PGC_USERSET && conf->context != PGC_SUSET)
		return false;
	/* what the worker gets anyway, or what is not the session's */
	if (conf->source <= PGC_S_GLOBAL || conf->source == PGC_S_OVERRIDE)
		return false;
	for (i = 0; settings_not_passed[i]; i++)
		if (strcmp(conf->name, settings_not_passed[i]) == 0)
			return false;
	return true;
}

/*
 * Serialize the passed settings into buf (when not NULL) and return their
 * size: per setting a header, the name and the value, each NUL-ended.
 */
static Size
serialize_settings(char *buf)
{
	struct config_generic **vars = get_guc_variables();
	int			n = GetNumConfigOptions();
	Size		size = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		struct config_generic *conf = vars[i];
		const char *value;
		char		real[64];
		PgmSettingHeader h;

		if (!setting_passed(conf))
			continue;
		/* GetConfigOption() prints reals with 6 digits: pass all of them */
		if (conf->vartype == PGC_REAL)
		{
			snprintf(real, sizeof(real), "%.17g", *((struct config_real *) conf)->variable);
			value = real;
		}
		else
			value = GetConfigOption(conf->name, true, false);
		if (value == NULL)
			continue;
		h.source = (int) conf->source;
		h.scontext = (int) conf->scontext;
		h.srole = conf->srole;
		h.name_len = strlen(conf->name);
		h.value_len = strlen(value);
		if (buf)
		{
			memcpy(buf + size, &h, sizeof(h));
			memcpy(buf + size + sizeof(h), conf->name, h.name_len + 1);
			memcpy(buf + size + sizeof(h) + h.name_len + 1, value, h.value_len + 1);
		}
		size += sizeof(h) + h.name_len + 1 + h.value_len + 1;
	}
	return size;
}

typedef struct SettingErrorArg
{
	const char *name;
} SettingErrorArg;

static void
setting_error_callback(void *arg)
{
	errcontext("applying the caller's setting \"%s\" in the background worker",
			   ((SettingErrorArg *) arg)->name);
}

/* In the worker, inside a transaction: apply the caller's settings. */
static void
restore_settings(const char *buf, Size len)
{
	Size		off = 0;
	ErrorContextCallback errcallback;
	SettingErrorArg arg;

	arg.name = NULL;
	errcallback.callback = setting_error_callback;
	errcallback.arg = &arg;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;
	while (off < len)
	{
		PgmSettingHeader h;
		const char *name;
		const char *value;

		memcpy(&h, buf + off, sizeof(h));
		name = buf + off + sizeof(h);
		value = name + h.name_len + 1;
		arg.name = name;
		(void) set_config_option_ext(name, value, (GucContext) h.scontext,
									 (GucSource) h.source, h.srole,
									 GUC_ACTION_SET, true, ERROR, false);
		off += sizeof(h) + h.name_len + 1 + h.value_len + 1;
	}
	error_context_stack = errcallback.previous;
}

/* GUC: pg_migrate.max_workers */
int			pgm_max_workers = 2;

/*
 * Worker slots.  At most pg_migrate.max_workers scripts run in workers at
 * once, in the whole cluster: a deploy holds one of that many locks while
 * its worker runs.  The locks are of the "userlock" kind, which no SQL
 * function takes, in no database (they are shared like the worker pool),
 * so no role can take slots away by hand; pg_locks shows who holds them.
 * They are session locks, released as soon as the worker has stopped.
 *
 * A deploy never waits for a slot while it holds its project's mutex or a
 * transaction that ever had a snapshot: CREATE INDEX CONCURRENTLY in
 * another deploy's worker waits for every transaction that had a snapshot
 * when it looked, and that deploy would be waiting for the slot its own
 * worker holds.  So when none is free, pgm_run_in_worker() raises
 * ERRCODE_PGM_NEED_SLOT before anything ran; apply() rolls the step back,
 * commits, waits in a fresh transaction (pgm_wait_for_worker_slot()), and
 * runs the step again from the start, with the slot.
 */
#define PGM_SLOT_MAGIC 0x70676d57	/* "pgmW" */

/* the slot this backend holds, or -1 */
static int	held_slot = -1;

static void
set_slot_tag(LOCKTAG *tag, int slot)
{
	tag->locktag_field1 = InvalidOid;
	tag->locktag_field2 = PGM_SLOT_MAGIC;
	tag->locktag_field3 = (uint32) slot;
	tag->locktag_field4 = 0;
	tag->locktag_type = LOCKTAG_USERLOCK;
	tag->locktag_lockmethodid = DEFAULT_LOCKMETHOD;
}

/* Take a free slot without waiting; false when none is free. */
static bool
take_worker_slot(void)
{
	int			slot;

	if (held_slot >= 0)
		return true;
	for (slot = 0; slot < pgm_max_workers; slot++)
	{
		LOCKTAG		tag;

		set_slot_tag(&tag, slot);
		if (LockAcquire(&tag, ExclusiveLock, true, true) != LOCKACQUIRE_NOT_AVAIL)
		{
			held_slot = slot;
			return true;
		}
	}
	return false;
}

/* Give the slot back (nothing when none is held). */
void
pgm_release_worker_slot(void)
{
	LOCKTAG		tag;

	if (held_slot < 0)
		return;
	set_slot_tag(&tag, held_slot);
	held_slot = -1;
	LockRelease(&tag, ExclusiveLock, true);
}

/*
 * Wait for a free slot, in a transaction that holds no snapshot and no
 * mutex, for at most pg_migrate.lock_wait_timeout; false on timeout.
 * Progress shows the wait.
 */
bool
pgm_wait_for_worker_slot(const char *project, const char *revision)
{
	TimestampTz since = GetCurrentTimestamp();

	pgm_report_slot_wait(project, revision, since);
	while (!take_worker_slot())
	{
		if (pgm_lock_wait_timeout > 0 &&
			TimestampDifferenceExceeds(since, GetCurrentTimestamp(), pgm_lock_wait_timeout))
			return false;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 100L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	return true;
}

/*
 * Register a database-connected background worker of this library that
 * runs function with the shared memory segment seg, notifying this
 * backend.  Returns false when no slot is free.
 */
static bool
start_worker(const char *function, const char *type, const char *name,
			 dsm_segment *seg, BackgroundWorkerHandle **handle)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "pg_migrate");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "%s", function);
	snprintf(worker.bgw_name, BGW_MAXLEN, "%s", name);
	snprintf(worker.bgw_type, BGW_MAXLEN, "%s", type);
	worker.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	worker.bgw_notify_pid = MyProcPid;
	return RegisterDynamicBackgroundWorker(&worker, handle);
}

/* In a worker: map the task's shared memory, or fail. */
static void *
attach_task(Datum arg, dsm_segment **seg)
{
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	*seg = dsm_attach(DatumGetUInt32(arg));
	if (*seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not map the shared memory of a pg_migrate task")));
	return dsm_segment_address(*seg);
}

/* GUCs: pg_migrate.batch_pause (ms) and pg_migrate.batch_max */
int			pgm_batch_pause = 100;
int			pgm_batch_max = 100000;

/*
 * A batched statement ("-- migrate:batch", see src/core/script.c): run it
 * again and again, each run in a transaction of its own, until a run
 * affects no rows, pausing pg_migrate.batch_pause between runs so that
 * the application's own work gets the locks in between.  Each run's
 * rows stay committed whatever happens later: a rerun of the revision
 * goes on where this one stopped.
 */
static void
run_batched(PgmWorkerTask *task, const char *sql, int number, bool *script_sets)
{
	int64		runs = 0;

	for (;;)
	{
		uint64		n;
		char		activity[128];

		CHECK_FOR_INTERRUPTS();
		snprintf(activity, sizeof(activity),
				 "pg_migrate batch: statement %d, run " INT64_FORMAT ", " INT64_FORMAT " rows so far",
				 number, runs + 1, (int64) task->rows);
		pgstat_report_activity(STATE_RUNNING, activity);
		n = pgm_run_toplevel_retrying(sql, number, &task->who, script_sets);
		if (n == 0)
			return;
		runs++;
		task->rows += n;
		pg_write_barrier();
		task->batches++;
		if (runs >= pgm_batch_max)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("batched statement %d of revision \"%s\" still affected rows after " INT64_FORMAT " runs",
							number, task->revision, runs),
					 errdetail("pg_migrate.batch_max is %d; the last run affected " UINT64_FORMAT " rows. The runs so far are committed.",
							   pgm_batch_max, n),
					 errhint("Raise pg_migrate.batch_max, or let each run handle more rows; running the revision again goes on where this run stopped.")));
		if (pgm_batch_pause > 0)
		{
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 pgm_batch_pause, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}
	}
}

/*
 * Entry point of the background worker.
 */
void
pgm_worker_main(Datum arg)
{
	dsm_segment *seg;
	PgmWorkerTask *task;
	PgmScriptInfo info;
	ListCell   *lc;
	bool		script_sets = false;	/* the script SETs lock_timeout itself */

	task = attach_task(arg, &seg);

	BackgroundWorkerInitializeConnectionByOid(task->dboid, task->session_user, 0);

	PG_TRY();
	{
		StartTransactionCommand();
		if (task->current_user != task->session_user)
			SetCurrentRoleId(task->current_user, superuser_arg(task->current_user));
		restore_settings(task->script + task->script_len + 1, task->settings_len);
		/* as the script was split at registration (see parse.c) */
		SetConfigOption("standard_conforming_strings", "on", PGC_USERSET, PGC_S_SESSION);
		SetConfigOption("application_name", task->application_name,
						PGC_USERSET, PGC_S_SESSION);
		{
			/* the statements must outlive this transaction */
			MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

			pgm_parse_script(task->script, task->revision, "stored", true, &info);
			MemoryContextSwitchTo(old);
		}
		/* before the first statement, for good: see "Never dirty" above */
		strlcpy(task->who.outcome, "started", sizeof(task->who.outcome));
		task->who.started = task->who.finished = GetCurrentTimestamp();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgm_insert_failure(&task->who);
		PopActiveSnapshot();
		CommitTransactionCommand();

		/* a nested pg_migrate command would wait for our caller's mutex */
		pgm_in_migration = true;

		/* no SET ROLE or SET SESSION AUTHORIZATION, as in execute.c */
		{
			Oid			userid;
			int			sec_context;

			GetUserIdAndSecContext(&userid, &sec_context);
			SetUserIdAndSecContext(userid, sec_context | SECURITY_LOCAL_USERID_CHANGE);
		}
		foreach(lc, info.statements)
		{
			char	   *sql = lfirst(lc);
			int			number = foreach_current_index(lc) + 1;

			CHECK_FOR_INTERRUPTS();
			if (info.batch[number - 1])
				run_batched(task, sql, number, &script_sets);
			else if (!pgm_reconcile_statement(sql, number, &task->who))
			{
				pgstat_report_activity(STATE_RUNNING, sql);
				(void) pgm_run_toplevel_retrying(sql, number, &task->who, &script_sets);
			}
			task->statements_done++;
		}
		pgm_check_builds(info.statements, task->revision);
		pgstat_report_activity(STATE_IDLE, NULL);
		task->status = PGM_TASK_DONE;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		task->sqlerrcode = edata->sqlerrcode;
		strlcpy(task->message, edata->message ? edata->message : "", TASK_MESSAGE_LEN);
		strlcpy(task->detail, edata->detail ? edata->detail : "", TASK_MESSAGE_LEN);
		strlcpy(task->hint, edata->hint ? edata->hint : "", TASK_MESSAGE_LEN);
		pg_write_barrier();
		task->status = PGM_TASK_FAILED;
		PG_RE_THROW();
	}
	PG_END_TRY();

	dsm_detach(seg);
	proc_exit(0);
}

/*
 * May this role cancel that process?  The rules of pg_cancel_backend():
 * superusers' sessions only by superusers, others by members of their role
 * or of pg_signal_backend.
 */
static bool
may_cancel(int pid)
{
	int			n = pgstat_fetch_stat_numbackends();
	int			i;

	for (i = 1; i <= n; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		Oid			role;

		if (local == NULL || local->backendStatus.st_procpid != pid)
			continue;
		role = local->backendStatus.st_userid;
		/* processes without a role (autovacuum, ...): superusers only */
		if (!OidIsValid(role) || superuser_arg(role))
			return superuser();
		return has_privs_of_role(GetUserId(), role) ||
			has_privs_of_role(GetUserId(), ROLE_PG_SIGNAL_BACKEND);
	}
	return false;
}

/*
 * Wait cycles through a background worker.  This backend waits for its
 * worker on a latch, which PostgreSQL's deadlock detector cannot see: if
 * the worker waits (for a lock, or for an old snapshot's virtual
 * transaction, as CREATE INDEX CONCURRENTLY does) for a session that,
 * through any number of other lock waits, waits for this backend (for the
 * project's mutex, say), no one would ever give up.  Every second the
 * waits are followed from the worker: the edges are pg_blocking_pids()
 * (lock and virtual transaction waits, hard and soft) plus, for every
 * pg_migrate caller that waits for a worker of its own, the edge from that
 * caller to its worker.  A path that comes back to this backend is a
 * cycle, broken by cancelling the session on it that waits for a
 * pg_migrate mutex nearest to the worker (else the session that waits for
 * this backend): it learns why from this backend's progress (lock.c).
 */
#define MAX_CHAIN 64

typedef struct WaitNode
{
	int			pid;
	int			from;			/* index of the node that waits for it */
} WaitNode;

/* does this lock instance hold a worker slot (see take_worker_slot())? */
static bool
holds_slot(LockInstanceData *inst)
{
	return inst->holdMask != 0 && inst->locktag.locktag_type == LOCKTAG_USERLOCK &&
		inst->locktag.locktag_field2 == PGM_SLOT_MAGIC;
}

/*
 * The pids pid waits for: its lock blockers; its worker, when it is a
 * deploy waiting for one; the holders of worker slots, when it is a
 * deploy waiting for a slot (a wait on a latch, which pg_blocking_pids()
 * does not see).
 */
static int *
waits_for(int pid, List *progress, LockData *locks, int *n)
{
	ArrayType  *arr;
	int		   *result;
	int			nblockers;
	ListCell   *lc;

	arr = DatumGetArrayTypeP(DirectFunctionCall1(pg_blocking_pids, Int32GetDatum(pid)));
	nblockers = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	result = palloc(sizeof(int) * (nblockers + 1 + locks->nelements));
	memcpy(result, ARR_DATA_PTR(arr), sizeof(int) * nblockers);
	*n = nblockers;
	foreach(lc, progress)
	{
		PgmProgress *prog = lfirst(lc);
		int			i;

		if (prog->pid != pid)
			continue;
		if (prog->worker > 0)
			result[(*n)++] = prog->worker;
		if (prog->worker_wait != 0)
			for (i = 0; i < locks->nelements; i++)
				if (holds_slot(&locks->locks[i]) && locks->locks[i].pid != pid)
					result[(*n)++] = locks->locks[i].pid;
	}
	return result;
}

/*
 * The project whose mutex pid waits for, or NULL.  Named from the waiter's
 * progress: this runs while the worker may be waiting for old snapshots,
 * so it must not take one, not even for a catalog lookup.
 */
static char *
waits_for_mutex(LockData *locks, Oid projects, List *progress, int pid)
{
	int			i;
	ListCell   *lc;

	for (i = 0; i < locks->nelements; i++)
	{
		LockInstanceData *inst = &locks->locks[i];

		if (inst->pid == pid && inst->waitLockMode != NoLock &&
			inst->locktag.locktag_type == LOCKTAG_OBJECT &&
			inst->locktag.locktag_field1 == MyDatabaseId &&
			inst->locktag.locktag_field2 == projects &&
			inst->locktag.locktag_field4 == 0)
		{
			foreach(lc, progress)
			{
				PgmProgress *prog = lfirst(lc);

				if (prog->pid == pid && prog->waiting)
					return prog->project;
			}
			return psprintf("with key %u", inst->locktag.locktag_field3);
		}
	}
	return NULL;
}

/*
 * Look for a wait cycle through the worker (see above); when one is found,
 * cancel a session on it and return its pid, with the project whose mutex
 * it waited for in *victim_project.  0 when there is none.
 */
static int
break_wait_cycle(int worker_pid, Oid projects, const char *project,
				 const char *revision, char **victim_project)
{
	List	   *progress = pgm_read_progress(false);
	LockData   *locks = GetLockStatusData();
	WaitNode	nodes[MAX_CHAIN];
	int			nnodes = 1;
	int			next;
	int			found = -1;
	int			chain[MAX_CHAIN];
	int			len = 0;
	int			victim = 0;
	StringInfoData desc;
	bool		allowed;
	int			i;

	/* breadth first from the worker, until this backend is reached */
	nodes[0].pid = worker_pid;
	nodes[0].from = -1;
	for (next = 0; next < nnodes && found < 0; next++)
	{
		int			nblockers;
		int		   *blockers = waits_for(nodes[next].pid, progress, locks, &nblockers);

		for (i = 0; i < nblockers && found < 0; i++)
		{
			int			k;
			bool		seen = false;

			for (k = 0; k < nnodes; k++)
				seen |= nodes[k].pid == blockers[i];
			if (seen || nnodes == MAX_CHAIN)
				continue;
			nodes[nnodes].pid = blockers[i];
			nodes[nnodes].from = next;
			if (blockers[i] == MyProcPid)
				found = nnodes;
			nnodes++;
		}
	}
	if (found < 0)
		return 0;

	/* the chain, from the worker to this backend */
	for (i = found; i >= 0; i = nodes[i].from)
		len++;
	for (i = found, next = len - 1; i >= 0; i = nodes[i].from, next--)
		chain[next] = nodes[i].pid;

	initStringInfo(&desc);
	appendStringInfo(&desc, "background worker %d", chain[0]);
	for (i = 1; i < len; i++)
	{
		char	   *mutex = waits_for_mutex(locks, projects, progress, chain[i - 1]);

		if (mutex)
			appendStringInfo(&desc, " waits for the mutex of project \"%s\" held by", mutex);
		else
			appendStringInfoString(&desc, " waits for");
		appendStringInfo(&desc, i == len - 1 ? " its deploying process %d" : " process %d",
						 chain[i]);
		if (victim == 0 && i < len - 1 &&
			(mutex = waits_for_mutex(locks, projects, progress, chain[i])) != NULL)
		{
			victim = chain[i];
			*victim_project = mutex;
		}
	}

	/* the worker waits for this very backend: nobody else to cancel */
	if (len == 2)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_DEADLOCK_DETECTED),
				 errmsg("revision \"%s\" (project \"%s\") waits for a lock that its own deploy holds",
						revision, project),
				 errdetail_internal("Wait chain: %s.", desc.data),
				 errhint("The deploying session holds the project's mutex and locks on pg_migrate's own tables; a revision run in a background worker cannot take locks that conflict with them.")));
	if (victim == 0)
	{
		victim = chain[len - 2];
		*victim_project = NULL;
	}
	/* role lookups may scan catalogs: hold no catalog snapshot after them */
	allowed = may_cancel(victim);
	InvalidateCatalogSnapshot();
	if (!allowed)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_DEADLOCK_DETECTED),
				 errmsg("revision \"%s\" (project \"%s\") waits for a session that waits for this deploy",
						revision, project),
				 errdetail_internal("Wait chain: %s.", desc.data),
				 errhint("This role may not cancel process %d; retry when it has finished, or deploy with a role that may.",
						 victim)));
	ereport(LOG,
			(errmsg("pg_migrate: cancelling process %d to break a wait cycle through the background worker of revision \"%s\" (project \"%s\")",
					victim, revision, project),
			 errdetail_internal("Wait chain: %s.", desc.data)));
	return victim;
}

/* Wait for the worker to exit, watching for the deadlock described above. */
static BgwHandleStatus
wait_for_worker(BackgroundWorkerHandle *handle, PgmWorkerTask *task,
				Oid projects, const char *project, const char *revision)
{
	pid_t		reported = 0;
	int64		batches = 0;
	int			cancelled = 0;
	char	   *cancelled_project = NULL;
	MemoryContext outer = CurrentMemoryContext;

	/* what one look at the waits allocates, freed before the next */
	MemoryContext look_cxt = AllocSetContextCreate(outer, "pg_migrate worker wait",
												   ALLOCSET_SMALL_SIZES);

	for (;;)
	{
		pid_t		pid;
		BgwHandleStatus status = GetBackgroundWorkerPid(handle, &pid);

		if (status == BGWH_STOPPED || status == BGWH_POSTMASTER_DIED)
		{
			MemoryContextDelete(look_cxt);
			return status;
		}
		MemoryContextReset(look_cxt);
		MemoryContextSwitchTo(look_cxt);
		if (status == BGWH_STARTED)
		{
			int			victim;
			char	   *victim_project = NULL;

			if (pid != reported || task->batches != batches)
			{
				batches = task->batches;
				pg_read_barrier();
				pgm_report_worker((int) pid, cancelled, cancelled_project, batches, task->rows);
				reported = pid;
			}

			/*
			 * The cancelled session reads why from this backend's progress,
			 * which keeps naming it (and the mutex it waited for) until
			 * this revision is over.
			 */
			victim = break_wait_cycle((int) pid, projects, project, revision, &victim_project);
			if (victim != 0)
			{
				cancelled = victim;
				cancelled_project = victim_project ?
					MemoryContextStrdup(outer, victim_project) : NULL;
				pgm_report_worker((int) pid, cancelled, cancelled_project, batches, task->rows);
				kill(victim, SIGINT);
			}
		}
		MemoryContextSwitchTo(outer);
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 1000L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();

		/*
		 * A deploy whose client has gone must not go on by itself: the
		 * client has reported a failure, so the revision is stopped and
		 * recorded as failed (an ERROR, not FATAL, so that the caller
		 * writes that record before it notices the lost client again).
		 */
		if (MyProcPort != NULL && !pq_check_connection())
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg("connection to client lost while revision \"%s\" (project \"%s\") ran in a background worker",
							revision, project),
					 errdetail("The background worker was stopped.")));
	}
}

typedef struct WaitErrorArg
{
	const char *project;
	const char *revision;
	PgmWorkerTask *task;
} WaitErrorArg;

/* an error while waiting (a cancel, say) names what the worker was at */
static void
wait_error_callback(void *arg)
{
	WaitErrorArg *a = (WaitErrorArg *) arg;

	errcontext("revision \"%s\" (project \"%s\"), statement %d, run in a background worker; statements before it stay done",
			   a->revision, a->project, a->task->statements_done + 1);
}

/* before_shmem_exit callback: a terminated caller takes its worker along */
static void
stop_worker_at_exit(int code, Datum arg)
{
	TerminateBackgroundWorker((BackgroundWorkerHandle *) DatumGetPointer(arg));
}

/*
 * Start the worker once one of max_worker_processes is free (the slot of
 * pg_migrate.max_workers is held already), waiting for it (with the mutex,
 * and with no snapshot) for at most pg_migrate.lock_wait_timeout.
 * Progress shows the wait.
 */
static void
start_when_free(dsm_segment *seg, const char *name, const char *project,
				const char *revision, BackgroundWorkerHandle **handle)
{
	TimestampTz since = 0;

	while (!start_worker("pgm_worker_main", "pg_migrate worker", name, seg, handle))
	{
		if (since == 0)
		{
			since = GetCurrentTimestamp();
			pgm_report_worker_wait(since);
		}
		if (pgm_lock_wait_timeout > 0 &&
			TimestampDifferenceExceeds(since, GetCurrentTimestamp(), pgm_lock_wait_timeout))
			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg("no background worker became free for revision \"%s\" (project \"%s\") within %d ms",
							revision, project, pgm_lock_wait_timeout),
					 errdetail("Every one of the server's max_worker_processes (%d) background workers is in use.",
							   max_worker_processes),
					 errhint("Nothing of the revision ran. Retry later, or raise pg_migrate.lock_wait_timeout.")));
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 100L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Run a nontransactional script in a background worker and wait for it.
 * The caller holds the project's mutex and no snapshot.  An error of the
 * worker is raised here with its SQLSTATE, message, detail and hint.
 */
static void run_with_slot(const char *project, const char *revision,
						  PgmDirection direction, const char *script);

void
pgm_run_in_worker(const char *project, int project_key, const char *revision,
				  PgmDirection direction, const char *script)
{
	/* see "Worker slots" above: never wait for one here */
	if (!take_worker_slot())
		ereport(ERROR,
				(errcode(ERRCODE_PGM_NEED_SLOT),
				 errmsg("no pg_migrate worker slot is free for revision \"%s\" (project \"%s\")",
						revision, project),
				 errdetail("pg_migrate.max_workers is %d.", pgm_max_workers),
				 errhint("CALL migrate.apply() waits for one; nothing of the revision ran.")));
	PG_TRY();
	{
		run_with_slot(project, revision, direction, script);
	}
	PG_FINALLY();
	{
		pgm_release_worker_slot();
	}
	PG_END_TRY();
}

/* pgm_run_in_worker(), holding a worker slot */
static void
run_with_slot(const char *project, const char *revision, PgmDirection direction,
			  const char *script)
{
	Size		len = strlen(script);
	Size		settings_len;
	Oid			projects;
	PgmFailure	who;
	dsm_segment *seg;
	PgmWorkerTask *task;
	char		name[BGW_MAXLEN];
	BackgroundWorkerHandle *handle;
	BgwHandleStatus status;
	int			statement;
	ErrorContextCallback errcallback;
	WaitErrorArg wait_arg;

	/*
	 * Looked up now (role names, the table's oid): the wait below must take
	 * no catalog snapshot, which any cache miss would.
	 */
	projects = get_relname_relid("projects", get_namespace_oid(PGM_SCHEMA, false));
	pgm_describe_failure(&who, project, revision, direction, GetCurrentTimestamp(), NULL, 0);

	/*
	 * SPI gave the CALL's portal a snapshot for our catalog queries; drop
	 * it (the next query gets a new one) and the catalog snapshot.
	 */
	ForgetPortalSnapshots();
	InvalidateCatalogSnapshot();
	if (ActiveSnapshotSet() || TransactionIdIsValid(MyProc->xmin))
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("revision \"%s\" (project \"%s\") cannot start while this session holds a snapshot",
						revision, project),
				 errdetail("Its statements, such as CREATE INDEX CONCURRENTLY, would wait for this session."),
				 errhint("Run CALL migrate.apply() as a statement of its own.")));
	settings_len = serialize_settings(NULL);
	seg = dsm_create(offsetof(PgmWorkerTask, script) + len + 1 + settings_len, 0);
	task = dsm_segment_address(seg);
	memset(task, 0, offsetof(PgmWorkerTask, script));
	task->dboid = MyDatabaseId;
	/* the role that logged in can log in again; the worker then takes the
	 * caller's current role, as SET ROLE would */
	task->session_user = GetAuthenticatedUserId();
	task->current_user = GetUserId();
	snprintf(task->application_name, NAMEDATALEN, "pg_migrate %s", revision);
	strlcpy(task->revision, revision, sizeof(task->revision));
	memcpy(&task->who, &who, sizeof(PgmFailure));
	task->script_len = len;
	memcpy(task->script, script, len + 1);
	task->settings_len = settings_len;
	(void) serialize_settings(task->script + len + 1);

	snprintf(name, sizeof(name), "pg_migrate worker for revision %s", revision);
	start_when_free(seg, name, project, revision, &handle);

	/* if this session ends or fails while waiting, the worker stops too */
	before_shmem_exit(stop_worker_at_exit, PointerGetDatum(handle));
	wait_arg.project = project;
	wait_arg.revision = revision;
	wait_arg.task = task;
	errcallback.callback = wait_error_callback;
	errcallback.arg = &wait_arg;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;
	PG_TRY();
	{
		status = wait_for_worker(handle, task, projects, project, revision);
	}
	PG_CATCH();
	{
		cancel_before_shmem_exit(stop_worker_at_exit, PointerGetDatum(handle));
		TerminateBackgroundWorker(handle);

		/*
		 * The mutex is released when this error has been recorded: the
		 * worker must be gone by then, or a rerun could meet it still
		 * building.  A second cancel must not cut this wait short (a
		 * termination may: the exit callback stops the worker).
		 */
		HOLD_CANCEL_INTERRUPTS();
		(void) WaitForBackgroundWorkerShutdown(handle);
		RESUME_CANCEL_INTERRUPTS();
		pgm_current_statement = task->statements_done + 1;
		PG_RE_THROW();
	}
	PG_END_TRY();
	error_context_stack = errcallback.previous;
	cancel_before_shmem_exit(stop_worker_at_exit, PointerGetDatum(handle));

	pg_read_barrier();
	statement = task->statements_done + 1;
	if (status != BGWH_STOPPED)
		ereport(ERROR,
				(errcode(ERRCODE_SYSTEM_ERROR),
				 errmsg("the background worker of revision \"%s\" (project \"%s\") was lost",
						revision, project)));
	if (task->status != PGM_TASK_DONE)
	{
		int			sqlerrcode = task->status == PGM_TASK_FAILED ?
			task->sqlerrcode : ERRCODE_SYSTEM_ERROR;
		bool		failed = task->status == PGM_TASK_FAILED;
		char	   *message = pstrdup(failed ? task->message :
									  "background worker exited before it finished");
		char	   *detail = pstrdup(task->detail);
		char	   *hint = pstrdup(failed ? task->hint :
								   "The server log says why it exited.");

		dsm_detach(seg);
		pgm_current_statement = statement;
		ereport(ERROR,
				(errcode(sqlerrcode),
				 errmsg_internal("%s", message),
				 detail[0] ? errdetail_internal("%s", detail) : 0,
				 hint[0] ? errhint("%s", hint) : 0,
				 errcontext("revision \"%s\" (project \"%s\"), statement %d, run in a background worker; statements before it stay done",
							revision, project, statement)));
	}
	dsm_detach(seg);
}

/*
 * Failure records.  A failed upgrade(), downgrade() or stamp() rolls back
 * with its caller's transaction, and with it any row it wrote; yet alerting
 * on failed deploys needs the failure in migrate.events.  So the failure
 * is handed to a background worker, whose transaction of its own writes
 * and commits the row, while the command raises its error unchanged.  The
 * worker connects as the caller's session user and writes with the
 * extension owner's rights, as the command would have.
 */

/* GUC: pg_migrate.record_failures */
bool		pgm_record_failures = true;

typedef struct PgmFailureTask
{
	Oid			dboid;
	Oid			session_user;
	volatile bool done;
	PgmFailure	failure;
} PgmFailureTask;

PGDLLEXPORT void pgm_failure_worker_main(Datum arg);

void
pgm_failure_worker_main(Datum arg)
{
	dsm_segment *seg;
	PgmFailureTask *task;

	task = attach_task(arg, &seg);
	BackgroundWorkerInitializeConnectionByOid(task->dboid, task->session_user, 0);
	SetConfigOption("application_name", "pg_migrate failure record",
					PGC_USERSET, PGC_S_SESSION);
	/* the role's own settings must not keep the record from being written */
	SetConfigOption("default_transaction_read_only", "off", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("statement_timeout", "0", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("lock_timeout", "0", PGC_SUSET, PGC_S_OVERRIDE);

	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgm_insert_failure(&task->failure);
	PopActiveSnapshot();
	CommitTransactionCommand();
	pg_write_barrier();
	task->done = true;
	dsm_detach(seg);
	proc_exit(0);
}

/*
 * Record a failure through a background worker and wait for it.  Called
 * after the failed work was rolled back (the caller is in a clean state),
 * before its error is raised again.  Never raises an error itself: when
 * the record cannot be written, a WARNING says so and the command's own
 * error stays what the caller sees.
 */
void
pgm_record_failure_async(PgmFailure *f)
{
	dsm_segment *seg;
	PgmFailureTask *task;
	BackgroundWorkerHandle *handle;
	const char *problem = NULL;

	if (!pgm_record_failures)
		return;
	seg = dsm_create(sizeof(PgmFailureTask), DSM_CREATE_NULL_IF_MAXSEGMENTS);
	if (seg == NULL)
		problem = "No dynamic shared memory segment is free";
	else
	{
		task = dsm_segment_address(seg);
		memset(task, 0, sizeof(PgmFailureTask));
		task->dboid = MyDatabaseId;
		task->session_user = GetAuthenticatedUserId();
		memcpy(&task->failure, f, sizeof(PgmFailure));

		if (!start_worker("pgm_failure_worker_main", "pg_migrate failure record",
						  "pg_migrate failure record", seg, &handle))
			problem = "No background worker slot is free; see max_worker_processes";
		else
		{
			BgwHandleStatus status;

			/* a cancel now must not replace the command's own error */
			HOLD_INTERRUPTS();
			status = WaitForBackgroundWorkerShutdown(handle);
			RESUME_INTERRUPTS();
			if (status != BGWH_STOPPED)
				problem = "The postmaster died";
		}
		if (problem == NULL)
		{
			pg_read_barrier();
			if (!task->done)
				problem = "The background worker failed; the server log says why";
		}
		dsm_detach(seg);
	}
	if (problem)
		ereport(WARNING,
				(errmsg("could not record the failure of revision \"%s\" (project \"%s\") in migrate.events",
						f->revision, f->project),
				 errdetail("%s.", problem)));
}
