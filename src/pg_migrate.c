/*-------------------------------------------------------------------------
 *
 * pg_migrate.c
 *	  Module entry point: settings, the core's error hook, and the
 *	  transaction callback.
 *
 * IDENTIFICATION
 *	  src/pg_migrate.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "postmaster/postmaster.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "access.h"
#include "compat.h"
#include "execute.h"
#include "lint.h"
#include "lock.h"
#include "snapshot.h"
#include "worker.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

static const struct config_enum_entry on_drift_options[] = {
	{"warn", PGM_ON_DRIFT_WARN, false},
	{"error", PGM_ON_DRIFT_ERROR, false},
	{"ignore", PGM_ON_DRIFT_IGNORE, false},
	{NULL, 0, false}
};
static const struct config_enum_entry lint_level_options[] = {
	{"off", PGM_LINT_OFF, false},
	{"warn", PGM_LINT_WARN, false},
	{"error", PGM_LINT_REFUSE, false},
	{NULL, 0, false}
};
static void pgm_xact_callback(XactEvent event, void *arg);
static void pgm_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								 SubTransactionId parentSubid, void *arg);
static void report_core_error(const char *sqlstate, const char *message,
							  const char *detail, const char *hint);

/*
 * The core's errors (src/core) become ordinary ERRORs with the core's
 * SQLSTATE.  The message is complete already: it is passed through as is.
 */
static void
report_core_error(const char *sqlstate, const char *message,
				  const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(MAKE_SQLSTATE(sqlstate[0], sqlstate[1], sqlstate[2],
								   sqlstate[3], sqlstate[4])),
			 errmsg_internal("%s", message),
			 detail ? errdetail_internal("%s", detail) : 0,
			 hint ? errhint("%s", hint) : 0));
}

void
_PG_init(void)
{
	pgm_core_error_hook = report_core_error;
	DefineCustomIntVariable("pg_migrate.lock_wait_timeout",
							"Sets the longest wait for a project's migration mutex.",
							"0 waits without limit. The caller's lock_timeout does not apply to this wait.",
							&pgm_lock_wait_timeout,
							0, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("pg_migrate.step_notices",
							 "Sends a NOTICE as each step of upgrade(), downgrade() or stamp() finishes.",
							 "The pg_migrate client turns this on to show progress on long runs.",
							 &pgm_step_notices,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("pg_migrate.allow_drop_with_history",
							 "Allows DROP EXTENSION pg_migrate while it holds migration history.",
							 "Dropping the extension deletes every revision, the version state and the audit trail.",
							 &pgm_allow_drop_with_history,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("pg_migrate.record_failures",
							 "Records failures of upgrade(), downgrade() and stamp() in migrate.events through a background worker.",
							 "The record is committed even though the failed command's transaction rolls back.",
							 &pgm_record_failures,
							 true,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("pg_migrate.schema_fingerprints",
							 "Records the schema's snapshot and fingerprint after every command that changes a project.",
							 "Off: nothing is recorded (the recorded snapshot is cleared), and drift() has nothing to compare with.",
							 &pgm_schema_fingerprints,
							 true,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomEnumVariable("pg_migrate.on_drift",
							 "What a command does when the schema has drifted since the last command.",
							 "warn: a WARNING, and the command goes on; error: the command refuses before running anything; ignore: no check.",
							 &pgm_on_drift,
							 PGM_ON_DRIFT_WARN,
							 on_drift_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("pg_migrate.max_workers",
							"Sets the most background workers pg_migrate runs nontransactional revisions in at once, across the cluster.",
							"A deploy that finds none free waits for one, for at most pg_migrate.lock_wait_timeout. Each counts against max_worker_processes.",
							&pgm_max_workers,
							2, 1, MAX_BACKENDS,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("pg_migrate.batch_pause",
							"Sets the pause between two runs of a batched statement (-- migrate:batch).",
							"Other sessions get the rows and locks in between. 0 runs the next batch at once.",
							&pgm_batch_pause,
							100, 0, 3600000,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("pg_migrate.batch_max",
							"Sets the most runs of one batched statement (-- migrate:batch) before the revision fails.",
							"The runs so far stay committed; running the revision again goes on from there.",
							&pgm_batch_max,
							100000, 1, INT_MAX,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("pg_migrate.ddl_lock_timeout",
							"Sets the lock_timeout of every statement of a migration; a revision whose statement times out is tried again.",
							"0 turns lock timeouts and retries off. A script's own SET lock_timeout wins for its statements.",
							&pgm_ddl_lock_timeout,
							500, 0, 3600000,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("pg_migrate.ddl_lock_retries",
							"Sets how often a revision is tried again after a statement timed out waiting for a lock.",
							"Each try after the first waits for a pause that grows; the later ones with a longer timeout.",
							&pgm_ddl_lock_retries,
							10, 0, 1000,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("pg_migrate.restore_points",
							 "Creates a named restore point before each revision of apply() and before each atomic command.",
							 "Named pg_migrate:<project>:<revision>, for recovery_target_name. Needs EXECUTE on pg_create_restore_point().",
							 &pgm_restore_points,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomEnumVariable("pg_migrate.lint_level",
							 "What registering a revision does with the linter's findings on its up script.",
							 "warn: NOTICE and WARNING messages; error: error-level findings refuse the registration; off: no linting.",
							 &pgm_lint_level,
							 PGM_LINT_WARN,
							 lint_level_options,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("pg_migrate.lint_large_rows",
							"Sets the estimated row count from which the linter treats a table as large.",
							"Locking or scanning a large table is an error-level finding; a smaller one gets a warning, an empty one advice.",
							&pgm_lint_large_rows,
							100000, 1, INT_MAX,
							PGC_SUSET,
							0,
							NULL, NULL, NULL);
	pgm_mark_guc_prefix_reserved("pg_migrate");
	RegisterXactCallback(pgm_xact_callback, NULL);
	RegisterSubXactCallback(pgm_subxact_callback, NULL);
}

static void
pgm_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
	{
		pgm_in_migration = false;
		pgm_report_aborted(1, false);
		pgm_lock_retry_reset();
		pgm_restore_point_reset();
	}
}

/* an EXCEPTION block that catches a command's error ends its progress */
static void
pgm_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		pgm_report_aborted(GetCurrentTransactionNestLevel(), true);
}
