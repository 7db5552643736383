/*-------------------------------------------------------------------------
 *
 * execute.c
 *	  Run a revision's statements.
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

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "execute.h"
#include "parse.h"


typedef struct RunErrorArg
{
	const char *project;
	const char *revision;
	const char *statement;
	int			number;
} RunErrorArg;

static void
run_error_callback(void *arg)
{
	RunErrorArg *a = (RunErrorArg *) arg;
	int			position = geterrposition();

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
