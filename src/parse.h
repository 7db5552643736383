/*-------------------------------------------------------------------------
 *
 * parse.h
 *	  Splitting and classifying scripts with the raw parser (parse.c).
 *
 * IDENTIFICATION
 *	  src/parse.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_PARSE_H
#define PGM_PARSE_H

#include "postgres.h"

#include "nodes/pg_list.h"

#include "pgm_core.h"

typedef struct PgmScriptInfo
{
	int			nstatements;
	PgmExecClass exec_class;
	List	   *statements;		/* List of char * (only when requested) */
	bool	   *batch;			/* per statement: a batched one (see script.c) */
	bool		has_batch;
	int		   *starts;			/* per statement: its byte range in the */
	int		   *lens;			/* script, as the parser splits it */
} PgmScriptInfo;

extern const char *pgm_statement_nontransactional(Node *stmt);
extern List *pgm_parse_raw(const char *script, const char *revision,
						   const char *which);
extern void pgm_parse_script(const char *script, const char *revision,
							 const char *which, bool keep_statements,
							 PgmScriptInfo *info);

#endif							/* PGM_PARSE_H */
