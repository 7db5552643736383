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

extern bool pgm_record_failures;
extern int	pgm_max_workers;
extern void pgm_record_failure_async(PgmFailure *f);
extern int	pgm_batch_pause;
extern int	pgm_batch_max;
extern void pgm_run_in_worker(const char *project, int project_key,
							  const char *revision, PgmDirection direction,
							  const char *script);

#endif							/* PGM_WORKER_H */
