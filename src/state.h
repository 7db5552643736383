/*-------------------------------------------------------------------------
 *
 * state.h
 *	  The version state (state.c): loading it, its cache, changing it.
 *
 *
 * IDENTIFICATION
 *	  src/state.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_STATE_H
#define PGM_STATE_H

#include "storage.h"

typedef struct PgmState
{
	PgmGraph   *graph;
	bool	   *applied;
	TimestampTz *applied_at;	/* per revision, valid where applied */
	char	  **applied_by;
} PgmState;

/* what a change does to "every registered revision is applied" */
typedef enum PgmCompleteness
{
	PGM_COMPLETE_UNCHANGED,
	PGM_COMPLETE_NO,
	PGM_COMPLETE_YES
} PgmCompleteness;

extern PgmState *pgm_load_state(const char *project);
extern PgmState *pgm_load_state_private(const char *project);
extern bool pgm_state_complete(const char *project, int *key);
extern void pgm_record_applied(const char *project, const char *id,
							   const char *via);
extern void pgm_bump_state(const char *project, PgmCompleteness complete);
extern void pgm_bump_state_version(const char *project,
								   PgmCompleteness complete);
extern void pgm_delete_revision(const char *project, const char *id);

#endif							/* PGM_STATE_H */
