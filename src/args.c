/*-------------------------------------------------------------------------
 *
 * args.c
 *	  The arguments of the SQL functions: checked for NULL (the functions
 *	  are not STRICT, so that a NULL gets a message naming the argument),
 *	  for shape, and for the project name rules.
 *
 * IDENTIFICATION
 *	  src/args.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"

#include "args.h"

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
