/*-------------------------------------------------------------------------
 *
 * audit.h
 *	  The audit trail (audit.c): rows of migrate.events.
 *
 *
 * IDENTIFICATION
 *	  src/audit.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_AUDIT_H
#define PGM_AUDIT_H

#include "access/xlogdefs.h"

#include "storage.h"

/*
 * A failure to record for a session whose transaction rolls back, or a
 * row a background worker writes for its caller: outcome "started", or a
 * "reconcile" note (direction PGM_RECONCILE).  outcome empty: "failure".
 */
typedef struct PgmFailure
{
	char		project[PGM_MAX_PROJECT_LEN + 1];
	char		revision[PGM_MAX_ID_LEN + 1];
	PgmDirection direction;
	TimestampTz started;
	TimestampTz finished;
	int			sqlerrcode;
	int			statement;
	char		message[1024];
	char		current_user[NAMEDATALEN];
	char		session_user[NAMEDATALEN];
	char		application_name[NAMEDATALEN];
	char		client_addr[64];
	int			pid;
	char		outcome[16];
	char		note[1024];
} PgmFailure;

extern void pgm_record_event(const char *project, const char *id,
							 PgmDirection direction, TimestampTz started,
							 TimestampTz finished, const char *trusted);
extern void pgm_record_failure(const char *project, const char *id,
							   PgmDirection direction, TimestampTz started,
							   TimestampTz finished, int sqlerrcode,
							   const char *message, int statement);
extern void pgm_insert_failure(const PgmFailure *f);
extern void pgm_describe_failure(PgmFailure *f, const char *project,
								 const char *revision, PgmDirection direction,
								 TimestampTz started, ErrorData *edata,
								 int statement);

/* restore points (audit.c) */
extern bool pgm_restore_points;
extern XLogRecPtr pgm_restore_lsn;
extern void pgm_restore_point_reset(void);
extern void pgm_create_restore_point(const char *project, const char *revision);

#endif							/* PGM_AUDIT_H */
