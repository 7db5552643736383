/*-------------------------------------------------------------------------
 *
 * worker.h
 *	  Background workers (worker.c): nontransactional scripts and
 *	  failure records.
 *
 * IDENTIFICATION
 *	  src/worker.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_WORKER_H
#define PGM_WORKER_H

#include "audit.h"

/*
 * No worker slot was free (pgm_run_in_worker() ran nothing): apply() waits
 * for one outside the step and runs it again.  Never reaches a client.
 */
#define ERRCODE_PGM_NEED_SLOT	MAKE_SQLSTATE('P','M','0','0','3')

extern bool pgm_record_failures;
extern int	pgm_max_workers;
extern void pgm_record_failure_async(PgmFailure *f);
extern int	pgm_batch_pause;
extern void pgm_release_worker_slot(void);
extern bool pgm_wait_for_worker_slot(const char *project, const char *revision);
extern int	pgm_batch_max;
extern void pgm_run_in_worker(const char *project, int project_key,
							  const char *revision, PgmDirection direction,
							  const char *script);

#endif							/* PGM_WORKER_H */
