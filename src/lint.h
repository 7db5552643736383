/*-------------------------------------------------------------------------
 *
 * lint.h
 *	  Linting scripts in the server, against the live catalog (lint.c).
 *
 * IDENTIFICATION
 *	  src/lint.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_LINT_SERVER_H
#define PGM_LINT_SERVER_H

#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/array.h"

#include "pgm_lint.h"

/* pg_migrate.lint_level */
typedef enum PgmLintLevel
{
	PGM_LINT_OFF,
	PGM_LINT_WARN,
	PGM_LINT_REFUSE
} PgmLintLevel;

extern int	pgm_lint_level;
extern int	pgm_lint_large_rows;

/* what to lint, and with what knowledge */
typedef struct PgmLintRequest
{
	const char *script;
	const char *revision;		/* for messages: the revision, or NULL */
	const char *which;			/* "up" or "down" */
	List	   *preceding;		/* scripts (char *) run before it */
	bool		catalog;		/* look at the catalog */
	const char *project;		/* scripts of unapplied revisions of this */
	const char *exclude;		/* project count as run before, but this one */
} PgmLintRequest;

/* pg_migrate's SQLSTATE for a registration lint refused */
#define PGM_ERRCODE_LINT_REFUSED MAKE_SQLSTATE('P','M','0','0','4')

extern PgmLintState *pgm_lint_start(bool catalog, const char *project,
									const char *exclude);
extern PgmLintResult *pgm_lint_next(PgmLintState *st, const char *script,
									const char *revision, const char *which,
									bool report);
extern PgmLintResult *pgm_lint(const PgmLintRequest *req);
extern List *pgm_lint_unapplied_ancestors(const char *project, ArrayType *parents,
										  ArrayType *deps);
extern void pgm_lint_plan_counts(const char *project, PgmGraph *graph,
								 PgmPlan *plan, int *counts);
extern void pgm_lint_registration(const char *project, const char *id,
								  const char *up, const char *down,
								  ArrayType *parents, ArrayType *deps);

#endif							/* PGM_LINT_SERVER_H */
