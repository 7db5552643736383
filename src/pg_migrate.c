/*-------------------------------------------------------------------------
 *
 * pg_migrate.c
 *	  Module entry point and argument helpers shared by the SQL functions.
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
#include "utils/builtins.h"
#include "utils/guc.h"

#include "compat.h"
#include "pg_migrate.h"

PG_MODULE_MAGIC;

void		_PG_init(void);
static void pgm_xact_callback(XactEvent event, void *arg);
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
	pgm_mark_guc_prefix_reserved("pg_migrate");
	RegisterXactCallback(pgm_xact_callback, NULL);
}

/*
 * A required text argument.  The SQL functions are not STRICT so that a
 * NULL gets a message naming the argument instead of a silent NULL result.
 */
char *
pgm_text_arg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* set while this backend runs a migration's statements */
bool		pgm_in_migration = false;

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

static void
pgm_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		pgm_in_migration = false;
}

char *
pgm_project_arg(FunctionCallInfo fcinfo, int argno)
{
	char	   *project = pgm_text_arg(fcinfo, argno, "project");

	pgm_check_project_name(project);
	return project;
}

/*
 * Deconstruct a one-dimensional text[] without NULL elements.  A NULL
 * array reads as empty.
 */
char	  **
pgm_text_array_arg(ArrayType *array, const char *argname, int *nitems)
{
	Datum	   *elems;
	bool	   *nulls;
	char	  **out;
	int			i;

	*nitems = 0;
	if (array == NULL)
		return NULL;
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", argname)));
	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, nitems);
	out = palloc(sizeof(char *) * Max(*nitems, 1));
	for (i = 0; i < *nitems; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain null elements", argname)));
		out[i] = TextDatumGetCString(elems[i]);
	}
	return out;
}

/* Build a text[] from a List of C strings. */
ArrayType *
pgm_build_text_array(List *items)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(items), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, items)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	return construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
}

/* "a", "b", "c" for messages, from a List of C strings. */
char *
pgm_format_list(List *names)
{
	const char **arr = palloc(sizeof(char *) * Max(list_length(names), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, names)
		arr[n++] = lfirst(lc);
	return pgm_format_names(arr, n);
}

/* How many bytes of an overlong name to quote in a message. */
int
pgm_clip_len(const char *s)
{
	return pg_mbcliplen(s, strlen(s), 32);
}

/*
 * The trust_registrants argument (0.4.0).  The declarations of earlier
 * versions, in use until ALTER EXTENSION ... UPDATE, do not pass it.
 */
bool
pgm_trust_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno)
		return false;
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("trust_registrants must not be null")));
	return PG_GETARG_BOOL(argno);
}
