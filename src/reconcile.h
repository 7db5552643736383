/*-------------------------------------------------------------------------
 *
 * reconcile.h
 *	  Statements at top level in a worker, and the index builds of an
 *	  interrupted revision (reconcile.c).
 *
 * IDENTIFICATION
 *	  src/reconcile.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_RECONCILE_H
#define PGM_RECONCILE_H

#include "audit.h"

extern uint64 pgm_run_toplevel(const char *sql);
extern uint64 pgm_run_toplevel_retrying(const char *sql, int number, PgmFailure *who,
										bool *script_sets);
extern bool pgm_reconcile_statement(const char *sql, int number, PgmFailure *who);
extern void pgm_check_builds(List *statements, const char *revision);

#endif							/* PGM_RECONCILE_H */
