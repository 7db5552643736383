/*-------------------------------------------------------------------------
 *
 * lock.h
 *	  The project mutex, progress reports and the migration in progress
 *	  (lock.c).
 *
 * IDENTIFICATION
 *	  src/lock.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_LOCK_H
#define PGM_LOCK_H

#include "storage.h"

/*
 * SQLSTATEs of the progress NOTICEs (class PM, pg_migrate's own): a step of
 * upgrade(), downgrade() or stamp() done, and a revision of apply()
 * committed.  With pg_migrate.step_notices on, their DETAIL carries the
 * fields for programs, "step=K steps=N direction=D duration_us=U
 * revision=ID", so that no client parses the English message.
 */
#define ERRCODE_PGM_STEP_DONE		MAKE_SQLSTATE('P','M','0','0','1')
#define ERRCODE_PGM_REVISION_COMMITTED MAKE_SQLSTATE('P','M','0','0','2')

extern int	pgm_lock_wait_timeout;
extern bool pgm_step_notices;

/* set while this backend runs a migration's statements */
extern bool pgm_in_migration;
/* the statement of the running script (1-based), 0 outside one */
extern int	pgm_current_statement;
extern void pgm_refuse_nested(const char *what);
extern void pgm_require_writable(const char *what);

/* one backend's pg_migrate activity, as pgm_read_progress() parses it */
typedef struct PgmProgress
{
	int			pid;
	char	   *application_name;
	char	   *project;
	char	   *command;			/* NULL when holding */
	bool		waiting;
	bool		holding;		/* command over, transaction still open */
	TimestampTz since;			/* waiting since, or holding since */
	int			step;
	int			nsteps;
	char	   *revision;
	char	   *direction;
	TimestampTz step_started;
	TimestampTz worker_wait;	/* waiting for a worker since, or 0 */
	int			attempt;		/* the try after lock timeouts (2, ...), or 0 */
	bool		slot_wait;		/* ... for a slot, before taking the mutex */
	int			worker;			/* pid of its background worker, or 0 */
	int			cancelled;		/* pid it cancelled to break a wait cycle */
	char	   *cancelled_mutex;	/* the project whose mutex that pid waited for */
	int64		batches;		/* runs of batched statements so far */
	int64		rows;			/* rows they affected */
} PgmProgress;

extern void pgm_lock_project(const char *project, int project_key,
							 const char *command);
extern void pgm_report_step(int step, int nsteps, const char *revision,
							PgmDirection direction);
extern void pgm_report_worker_wait(TimestampTz since);
extern void pgm_report_slot_wait(const char *project, const char *revision,
								 TimestampTz since);
extern void pgm_report_worker(int worker_pid, int cancelled_pid,
							  const char *cancelled_project,
							  int64 batches, int64 rows);
extern void pgm_report_done(void);
extern void pgm_report_attempt(int attempt);
extern void pgm_report_retry(int attempt);
extern void pgm_report_aborted(int nest_level, bool report_text);
extern bool pgm_holds_mutex(int project_key);

/* lock timeouts with retries (see lock.c) */
extern int	pgm_ddl_lock_timeout;
extern int	pgm_ddl_lock_retries;
extern int	pgm_attempt_timeout(int attempt);
extern int	pgm_attempt_pause(int attempt);
extern char *pgm_lock_blocker(const char *statement, int *blocker_pid);
extern bool pgm_waits_for_me(int pid);
extern List *pgm_read_progress(bool with_holders);

#endif							/* PGM_LOCK_H */
