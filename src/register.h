/*-------------------------------------------------------------------------
 *
 * register.h
 *	  Registering revisions (register.c).
 *
 *
 * IDENTIFICATION
 *	  src/register.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_REGISTER_H
#define PGM_REGISTER_H

#include "state.h"

extern char *pgm_register_revision(const char *project, const char *id,
								   const char *up, const char *down,
								   ArrayType *parents, const char *message,
								   ArrayType *labels, ArrayType *deps);

#endif							/* PGM_REGISTER_H */
