/*-------------------------------------------------------------------------
 *
 * pg_migrate.h
 *	  Shared declarations of the pg_migrate extension.
 *
 * IDENTIFICATION
 *	  src/pg_migrate.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_MIGRATE_H
#define PG_MIGRATE_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "nodes/pg_list.h"
#include "utils/array.h"

#include "pgm_core.h"

#define PGM_SCHEMA			"migrate"
#define PGM_MAX_PROJECT_LEN 63

/*
 * Caps on what one revision may declare.  Registration work and the graph
 * grow with them; real histories stay far below (a merge of more than a
 * handful of branches is rare, dependencies are a few per revision).
 */
#define PGM_MAX_PARENTS		32
#define PGM_MAX_LABELS		32
#define PGM_MAX_DEPS		256

/*
 * SQLSTATEs of the progress NOTICEs (class PM, pg_migrate's own): a step of
 * upgrade(), downgrade() or stamp() done, and a revision of apply()
 * committed.  With pg_migrate.step_notices on, their DETAIL carries the
 * fields for programs, "step=K steps=N direction=D duration_us=U
 * revision=ID", so that no client parses the English message.
 */
#define ERRCODE_PGM_STEP_DONE		MAKE_SQLSTATE('P','M','0','0','1')
#define ERRCODE_PGM_REVISION_COMMITTED MAKE_SQLSTATE('P','M','0','0','2')

/* in parse.c */
typedef struct PgmScriptInfo
{
	int			nstatements;
	PgmExecClass exec_class;
	List	   *statements;		/* List of char * (only when requested) */
} PgmScriptInfo;

extern void pgm_parse_script(const char *script, const char *revision,
							 const char *which, bool keep_statements,
							 PgmScriptInfo *info);

/* in catalog.c */
typedef struct PgmState
{
	PgmGraph   *graph;
	bool	   *applied;
	TimestampTz *applied_at;	/* per revision, valid where applied */
	char	  **applied_by;
} PgmState;

typedef struct PgmRevisionDetails
{
	char	   *up;
	char	   *down;
	char	   *checksum;
	TimestampTz registered_at;
	char	   *registered_by;
} PgmRevisionDetails;

extern bool pgm_project_name_ok(const char *project);
extern void pgm_check_project_name(const char *project);
extern int	pgm_project_key(const char *project, bool create);
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
extern void pgm_lock_project_row(const char *project);
extern char *pgm_project_by_key(int key);
extern int64 pgm_state_version(const char *project);
extern PgmRevisionDetails *pgm_fetch_details(const char *project,
											 const char *id, bool verify);
extern void pgm_record_applied(const char *project, const char *id,
							   const char *via);
extern void pgm_record_event(const char *project, const char *id,
							 PgmDirection direction, TimestampTz started,
							 TimestampTz finished, const char *trusted);
extern void pgm_record_failure(const char *project, const char *id,
							   PgmDirection direction, TimestampTz started,
							   TimestampTz finished, int sqlerrcode,
							   const char *message, int statement);
extern void pgm_delete_revision(const char *project, const char *id);
extern void pgm_bump_state_version(const char *project,
								   PgmCompleteness complete);
extern char *pgm_register_revision(const char *project, const char *id,
								   const char *up, const char *down,
								   ArrayType *parents, const char *message,
								   ArrayType *labels, ArrayType *deps);

/* in access.c */
typedef enum PgmAccess
{
	PGM_ACCESS_MONITOR,			/* state and history */
	PGM_ACCESS_DEPLOY			/* register, run, read scripts */
} PgmAccess;

/* pgm_become_owner() .. pgm_restore_user(): the owner's rights */
typedef struct PgmOwnerScope
{
	Oid			caller;			/* the user before the switch */
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
} PgmOwnerScope;

extern bool pgm_allow_drop_with_history;
extern Oid	pgm_owner_id(void);
extern void pgm_become_owner(PgmOwnerScope *scope);
extern void pgm_restore_user(PgmOwnerScope *scope);
extern bool pgm_has_access(const char *project, PgmAccess access);
extern void pgm_require_access(const char *project, PgmAccess access);
extern void pgm_check_registrant(const char *project, const char *revision,
								 const char *registered_by, bool trust,
								 char **trusted);

/* in lock.c */
extern void pgm_require_writable(const char *what);
extern int	pgm_lock_wait_timeout;
extern bool pgm_step_notices;

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
} PgmProgress;

extern void pgm_lock_project(const char *project, int project_key,
							 const char *command);
extern void pgm_report_step(int step, int nsteps, const char *revision,
							PgmDirection direction);
extern void pgm_report_done(void);
extern bool pgm_holds_mutex(int project_key);
extern List *pgm_read_progress(bool with_holders);

/* in execute.c */
extern int	pgm_current_statement;
extern void pgm_run_script(const char *project, const char *revision,
						   const char *script);

/* a failure to record for a session whose transaction rolls back */
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
} PgmFailure;

extern void pgm_insert_failure(const PgmFailure *f);
extern int	pgm_project_grants(const char *project, Oid **roles, bool **deploy);

/* in worker.c */
extern bool pgm_record_failures;
extern void pgm_record_failure_async(PgmFailure *f);
extern void pgm_run_in_worker(const char *project, int project_key,
							  const char *revision, const char *script);

/* in pg_migrate.c */
extern bool pgm_in_migration;
extern void pgm_refuse_nested(const char *what);
extern char *pgm_text_arg(FunctionCallInfo fcinfo, int argno,
						  const char *argname);
extern char *pgm_project_arg(FunctionCallInfo fcinfo, int argno);
extern bool pgm_trust_arg(FunctionCallInfo fcinfo, int argno);
extern char **pgm_text_array_arg(ArrayType *array, const char *argname,
								 int *nitems);
extern ArrayType *pgm_build_text_array(List *items);
extern char *pgm_format_list(List *names);
extern int	pgm_clip_len(const char *s);

#endif							/* PG_MIGRATE_H */
