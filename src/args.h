/*-------------------------------------------------------------------------
 *
 * args.h
 *	  Arguments of the SQL functions (args.c): checked, never NULL.
 *
 * IDENTIFICATION
 *	  src/args.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_ARGS_H
#define PGM_ARGS_H

#include "storage.h"

#include "fmgr.h"

extern char *pgm_text_arg(FunctionCallInfo fcinfo, int argno,
						  const char *argname);
extern char *pgm_project_arg(FunctionCallInfo fcinfo, int argno);
extern bool pgm_trust_arg(FunctionCallInfo fcinfo, int argno);
extern char **pgm_text_array_arg(ArrayType *array, const char *argname,
								 int *nitems);
extern char *pgm_format_list(List *names);

#endif							/* PGM_ARGS_H */
