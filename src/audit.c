/*-------------------------------------------------------------------------
 *
 * audit.c
 *	  The audit trail: a row in migrate.events for every step, stamp,
 *	  unregister and failure.
 *
 *
 * IDENTIFICATION
 *	  src/audit.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "access/xlog.h"
#include "access/xlog_internal.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/pg_lsn.h"
#include "utils/timestamp.h"

#include "audit.h"

/*
 * Write an events row.  A failure row carries the error; only the
 * per-revision path can make one durable, by committing it after rolling
 * the step back.
 */
static void
insert_event(const char *project, const char *id, PgmDirection direction,
			 TimestampTz started, TimestampTz finished, bool failed,
			 int sqlerrcode, const char *message, int statement,
			 const char *trusted)
{
	PgmOwnerScope os;
	Datum		values[12];
	char		nulls[12] = {' ', ' ', ' ', ' ', ' ', ' ', 'n', 'n', 'n', ' ', 'n', 'n'};
	Interval   *duration = palloc0(sizeof(Interval));

	duration->time = finished - started;
	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	values[2] = CStringGetTextDatum(pgm_direction_name(direction));
	values[3] = TimestampTzGetDatum(started);
	values[4] = IntervalPGetDatum(duration);
	values[5] = CStringGetTextDatum(failed ? "failure" : "success");
	if (failed)
	{
		values[6] = CStringGetTextDatum(unpack_sql_state(sqlerrcode));
		values[7] = CStringGetTextDatum(message ? message : "");
		values[8] = Int32GetDatum(statement);
		nulls[6] = nulls[7] = ' ';
		nulls[8] = statement > 0 ? ' ' : 'n';
	}
	if (trusted)
	{
		values[10] = DirectFunctionCall1(namein, CStringGetDatum(trusted));
		nulls[10] = ' ';
	}
	if (!XLogRecPtrIsInvalid(pgm_restore_lsn))
	{
		values[11] = LSNGetDatum(pgm_restore_lsn);
		nulls[11] = ' ';
	}
	pgm_connect_spi(&os);
	values[9] = pgm_caller_name(&os);
	pgm_run_query(pgm_have_column("events", "trusted_registrant") ?
			  Q_INSERT_EVENT : Q_INSERT_EVENT_0_3, values, nulls, 0);
	pgm_finish_spi(&os);
}

void
pgm_record_event(const char *project, const char *id, PgmDirection direction,
				 TimestampTz started, TimestampTz finished, const char *trusted)
{
	insert_event(project, id, direction, started, finished, false, 0, NULL, 0,
				 trusted);
}

void
pgm_record_failure(const char *project, const char *id, PgmDirection direction,
				   TimestampTz started, TimestampTz finished, int sqlerrcode,
				   const char *message, int statement)
{
	insert_event(project, id, direction, started, finished, true, sqlerrcode,
				 message, statement, NULL);
}

/*
 * Write the row a background worker records for another session (see
 * worker.c and PgmFailure): a failure, or the worker's own 'started' or
 * 'reconcile' row.  Runs in the worker, inside its own transaction.
 * Before ALTER EXTENSION ... UPDATE to 0.4.0 only failures are recorded.
 */
void
pgm_insert_failure(const PgmFailure *f)
{
	PgmOwnerScope os;
	Datum		values[15];
	char		nulls[15];
	Interval   *duration = palloc0(sizeof(Interval));
	bool		failure = f->outcome[0] == '\0';
	bool		have_note = pgm_have_column("events", "note");

	if (!failure && !have_note)
		return;
	memset(nulls, ' ', sizeof(nulls));
	duration->time = f->finished - f->started;
	values[0] = CStringGetTextDatum(f->project);
	values[1] = CStringGetTextDatum(f->revision);
	values[2] = CStringGetTextDatum(pgm_direction_name(f->direction));
	values[3] = TimestampTzGetDatum(f->started);
	values[4] = IntervalPGetDatum(duration);
	values[5] = CStringGetTextDatum(failure ? "failure" : f->outcome);
	values[6] = CStringGetTextDatum(unpack_sql_state(f->sqlerrcode));
	nulls[6] = f->sqlerrcode != 0 ? ' ' : 'n';
	values[7] = CStringGetTextDatum(f->message);
	nulls[7] = failure ? ' ' : 'n';
	values[8] = Int32GetDatum(f->statement);
	nulls[8] = f->statement > 0 ? ' ' : 'n';
	values[9] = DirectFunctionCall1(namein, CStringGetDatum(f->current_user));
	values[10] = DirectFunctionCall1(namein, CStringGetDatum(f->session_user));
	values[11] = CStringGetTextDatum(f->application_name);
	values[12] = CStringGetTextDatum(f->client_addr);
	nulls[12] = f->client_addr[0] ? ' ' : 'n';
	values[13] = Int32GetDatum(f->pid);
	values[14] = CStringGetTextDatum(f->note);
	nulls[14] = f->note[0] ? ' ' : 'n';
	pgm_connect_spi(&os);
	pgm_run_query(have_note ? Q_INSERT_WORKER_EVENT : Q_INSERT_FAILURE, values, nulls, 0);
	pgm_finish_spi(&os);
}

/* fill in who and where for a failure record (edata NULL: no error) */
void
pgm_describe_failure(PgmFailure *f, const char *project, const char *revision,
				 PgmDirection direction, TimestampTz started, ErrorData *edata,
				 int statement)
{
	memset(f, 0, sizeof(PgmFailure));
	strlcpy(f->project, project, sizeof(f->project));
	strlcpy(f->revision, revision, sizeof(f->revision));
	f->direction = direction;
	f->started = started;
	f->finished = GetCurrentTimestamp();
	f->statement = statement;
	/* without an error: who and where, for a worker's own rows */
	if (edata)
	{
		f->sqlerrcode = edata->sqlerrcode;
		strlcpy(f->message, edata->message ? edata->message : "", sizeof(f->message));
	}
	strlcpy(f->current_user, GetUserNameFromId(GetUserId(), false), NAMEDATALEN);
	strlcpy(f->session_user, GetUserNameFromId(GetSessionUserId(), false), NAMEDATALEN);
	strlcpy(f->application_name, application_name ? application_name : "", NAMEDATALEN);
	{
		/* inet_client_addr(): NULL over a Unix socket */
		LOCAL_FCINFO(addr_fcinfo, 0);
		Datum		addr;

		InitFunctionCallInfoData(*addr_fcinfo, NULL, 0, InvalidOid, NULL, NULL);
		addr = inet_client_addr(addr_fcinfo);
		if (!addr_fcinfo->isnull)
			strlcpy(f->client_addr,
					DatumGetCString(DirectFunctionCall1(inet_out, addr)),
					sizeof(f->client_addr));
	}
	f->pid = MyProcPid;
}

/*
 * Restore points.  With pg_migrate.restore_points on, a named restore
 * point "pg_migrate:<project>:<revision>" is created before each revision
 * of apply() and before each atomic command (named after its first
 * revision), so that recovery_target_name can bring a copy of the cluster
 * back to just before it; its LSN goes into the command's events
 * (restore_lsn).  Creating one needs EXECUTE on pg_create_restore_point()
 * (superusers, or a GRANT) and wal_level replica or logical; without them a
 * WARNING says so, once per command, and the migration goes on.
 */

/* GUC: pg_migrate.restore_points */
bool		pgm_restore_points = false;

/* the LSN of the current command's restore point, or InvalidXLogRecPtr */
XLogRecPtr	pgm_restore_lsn = InvalidXLogRecPtr;

/* a WARNING was given for the current command */
static bool restore_point_warned = false;

/* A command starts: no restore point yet, no warning given. */
void
pgm_restore_point_reset(void)
{
	pgm_restore_lsn = InvalidXLogRecPtr;
	restore_point_warned = false;
}

void
pgm_create_restore_point(const char *project, const char *revision)
{
	char		name[MAXFNAMELEN];
	const char *problem = NULL;

	if (!pgm_restore_points)
		return;
	if (pg_proc_aclcheck(F_PG_CREATE_RESTORE_POINT, GetUserId(), ACL_EXECUTE) != ACLCHECK_OK)
		problem = psprintf("Role \"%s\" may not execute pg_create_restore_point().",
						   GetUserNameFromId(GetUserId(), false));
	else if (!XLogIsNeeded())
		problem = "Restore points need wal_level replica or logical.";
	if (problem)
	{
		if (!restore_point_warned)
			ereport(WARNING,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("no restore point was created before revision \"%s\" (project \"%s\")",
							revision, project),
					 errdetail_internal("%s", problem),
					 errhint("GRANT EXECUTE ON FUNCTION pg_create_restore_point(text) to the deploying role, or turn pg_migrate.restore_points off.")));
		restore_point_warned = true;
		return;
	}
	/* at most MAXFNAMELEN - 1 bytes: cut short when the names are long */
	snprintf(name, sizeof(name), "pg_migrate:%s:%s", project, revision);
	pgm_restore_lsn = DatumGetLSN(DirectFunctionCall1(pg_create_restore_point,
													  CStringGetTextDatum(name)));
}
