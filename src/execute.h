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

#include "access.h"
#include "audit.h"
#include "lock.h"
#include "state.h"

extern void pgm_run_script(const char *project, const char *revision,
						   const char *script);

#endif							/* PGM_EXECUTE_H */
