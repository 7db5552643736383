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

/* pg_migrate.on_drift: what a command does when the schema has drifted */
typedef enum PgmOnDrift
{
	PGM_ON_DRIFT_WARN,
	PGM_ON_DRIFT_ERROR,
	PGM_ON_DRIFT_IGNORE
} PgmOnDrift;

extern bool pgm_schema_fingerprints;
extern int	pgm_on_drift;

extern bool pgm_fingerprints_enabled(void);
extern char *pgm_accept_schema(const char *project, TimestampTz since);
extern void pgm_check_drift_before(const char *project, const char *command);
extern void pgm_take_snapshot(const char *project, Jsonb **snapshot,
							  char **fingerprint);
extern char *pgm_record_fingerprint(const char *project, TimestampTz since);
extern void pgm_store_scope(const char *project, ArrayType *schemas);
extern char *pgm_stored_fingerprint(const char *project);
extern bool pgm_stored_snapshot(const char *project, Jsonb **snapshot,
								char **fingerprint);
extern void pgm_put_differences(ReturnSetInfo *rsinfo, Jsonb *expected,
								Jsonb *actual);
extern Jsonb *pgm_differences_json(Jsonb *expected, Jsonb *actual,
								   const char *phase);
extern bool pgm_snapshots_equal(Jsonb *a, Jsonb *b);

extern List *pgm_invalid_indexes(const char *project);

#endif							/* PGM_SNAPSHOT_H */
