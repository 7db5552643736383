/*-------------------------------------------------------------------------
 *
 * access.h
 *	  Who may do what in which project (access.c).
 *
 * IDENTIFICATION
 *	  src/access.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_ACCESS_H
#define PGM_ACCESS_H

#include "storage.h"

typedef enum PgmAccess
{
	PGM_ACCESS_MONITOR,			/* state and history */
	PGM_ACCESS_DEPLOY			/* register, run, read scripts */
} PgmAccess;

extern bool pgm_allow_drop_with_history;
extern bool pgm_has_access(const char *project, PgmAccess access);
extern void pgm_require_access(const char *project, PgmAccess access);
extern void pgm_check_registrant(const char *project, const char *revision,
								 const char *registered_by, bool trust,
								 char **trusted);

#endif							/* PGM_ACCESS_H */
