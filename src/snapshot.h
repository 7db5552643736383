/*-------------------------------------------------------------------------
 *
 * snapshot.h
 *	  Schema snapshots, fingerprints and differences (snapshot.c).
 *
 *
 * IDENTIFICATION
 *	  src/snapshot.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_SNAPSHOT_H
#define PGM_SNAPSHOT_H

#include "funcapi.h"
#include "utils/array.h"
#include "utils/jsonb.h"

#include "storage.h"

/* "sha256:" and 64 hex digits */
#define PGM_FINGERPRINT_LEN (7 + 64)

extern bool pgm_fingerprints_enabled(void);
extern void pgm_take_snapshot(const char *project, Jsonb **snapshot,
							  char **fingerprint);
extern char *pgm_record_fingerprint(const char *project, TimestampTz since);
extern void pgm_store_scope(const char *project, ArrayType *schemas);
extern bool pgm_stored_snapshot(const char *project, Jsonb **snapshot,
								char **fingerprint);
extern void pgm_put_differences(ReturnSetInfo *rsinfo, Jsonb *expected,
								Jsonb *actual);
extern Jsonb *pgm_differences_json(Jsonb *expected, Jsonb *actual,
								   const char *phase);
extern bool pgm_snapshots_equal(Jsonb *a, Jsonb *b);

#endif							/* PGM_SNAPSHOT_H */
