/*-------------------------------------------------------------------------
 *
 * core_int.h
 *	  What every source file of the core includes first.
 *
 * The core is compiled twice: into the extension (postgres.h) and, with
 * FRONTEND defined, into the client (postgres_fe.h).  palloc, psprintf
 * and StringInfo exist in both; long loops check for interrupts only in
 * the backend, where a query cancel must stop them.
 *
 * IDENTIFICATION
 *	  src/core/core_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_CORE_INT_H
#define PGM_CORE_INT_H

#ifdef FRONTEND
#include "postgres_fe.h"
#define PGM_CHECK_INTERRUPTS() ((void) 0)
#else
#include "postgres.h"
#include "miscadmin.h"
#define PGM_CHECK_INTERRUPTS() CHECK_FOR_INTERRUPTS()
#endif

#include <stdarg.h>

#include "lib/stringinfo.h"

#include "pgm_core.h"

/* at least one element, so that palloc(0) never happens */
#define PGM_ALLOC_N(type, n) ((type *) palloc(sizeof(type) * Max((n), 1)))
#define PGM_ALLOC0_N(type, n) ((type *) palloc0(sizeof(type) * Max((n), 1)))

/* in text.c: appendStringInfo() for a va_list */
extern void pgm_append_va(StringInfo buf, const char *fmt, va_list args)
			pg_attribute_printf(2, 0);

#endif							/* PGM_CORE_INT_H */
