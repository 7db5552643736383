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
extern int	pgm_attempt_lock_timeout;
extern bool pgm_lock_timed_out(ErrorData *edata, char **blocker, int *blocker_pid,
							   const char **statement);
#define PGM_RETRY_EXHAUSTED	(-1)
#define PGM_RETRY_DEADLOCK	(-2)
extern int	pgm_lock_retry(const char *project, PgmRevision *rev,
						   PgmDirection direction, int attempt,
						   TimestampTz started, ErrorData *edata, int statement,
						   ErrorData **final);
extern void pgm_lock_retry_pause(int pause);
extern void pgm_lock_retry_reset(void);
extern void pgm_run_step_retrying(const char *project, int project_key,
								  PgmGraph *graph, PgmStep *step, int stepno,
								  int nsteps, bool trust, TimestampTz *started,
								  TimestampTz *finished);
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
