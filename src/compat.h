/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Shims for the PostgreSQL versions pg_migrate builds against.
 *
 * IDENTIFICATION
 *	  src/compat.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_MIGRATE_COMPAT_H
#define PG_MIGRATE_COMPAT_H

#include "parser/parser.h"

#if PG_VERSION_NUM >= 140000
#define pgm_raw_parser(str) raw_parser((str), RAW_PARSE_DEFAULT)
#else
#define pgm_raw_parser(str) raw_parser(str)
#endif

#if PG_VERSION_NUM >= 150000
#define pgm_analyze_and_rewrite(parsetree, sql) \
	pg_analyze_and_rewrite_fixedparams((parsetree), (sql), NULL, 0, NULL)
#else
#define pgm_analyze_and_rewrite(parsetree, sql) \
	pg_analyze_and_rewrite((parsetree), (sql), NULL, 0, NULL)
#endif

#if PG_VERSION_NUM >= 150000
#define pgm_mark_guc_prefix_reserved(prefix) MarkGUCPrefixReserved(prefix)
#else
#define pgm_mark_guc_prefix_reserved(prefix) EmitWarningsOnPlaceholders(prefix)
#endif

/*
 * XXX: InitMaterializedSRF() appeared in PostgreSQL 15; building for 14
 * needs a local copy of its few lines here.
 */

/*
 * libpq/libpq.h pulls in libpq-be.h, which needs the GSSAPI headers of the
 * server's build; declare the one function used from it instead.
 * pq_check_connection() exists since PostgreSQL 14.
 */
extern bool pq_check_connection(void);

#endif							/* PG_MIGRATE_COMPAT_H */
