/*-------------------------------------------------------------------------
 *
 * execute.h
 *	  Running scripts and the steps of a plan (execute.c), the same for
 *	  the atomic path and apply().
 *
 * IDENTIFICATION
 *	  src/execute.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_EXECUTE_H
#define PGM_EXECUTE_H

#include "utils/resowner.h"

#include "access.h"
#include "audit.h"
#include "lock.h"
#include "state.h"
#include "worker.h"

extern void pgm_run_script(const char *project, const char *revision,
						   const char *script);

/* the step executor, shared by the atomic path and apply() */
extern void pgm_check_step(PgmGraph *graph, PgmStep *step, const char *project);
extern void pgm_check_atomic(PgmGraph *graph, PgmPlan *plan,
							 const char *project);
extern void pgm_run_step(const char *project, int project_key,
						 PgmGraph *graph, PgmStep *step, int stepno,
						 int nsteps, bool trust, TimestampTz *started,
						 TimestampTz *finished);
extern ErrorData *pgm_roll_back_step(MemoryContext cxt, ResourceOwner owner,
									 MemoryContext keep_cxt);

#endif							/* PGM_EXECUTE_H */
