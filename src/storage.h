/*-------------------------------------------------------------------------
 *
 * storage.h
 *	  The storage layer (storage.c): queries, the owner's rights, checked
 *	  stored values.
 *
 * The layers of the extension, bottom up, each using only those below it
 * (scripts/check-layers checks the includes): the core (src/core) and
 * parse.h; storage.h; args.h and lock.h; state.h, audit.h and snapshot.h;
 * access.h; reconcile.h; worker.h; register.h; execute.h; and the SQL
 * entry points (commands.c, status.c, pg_migrate.c, ...).
 *
 * IDENTIFICATION
 *	  src/storage.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_STORAGE_H
#define PGM_STORAGE_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "nodes/pg_list.h"
#include "utils/array.h"
#include "utils/palloc.h"
#include "utils/resowner.h"

#include "pgm_core.h"

#define PGM_SCHEMA			"migrate"

/*
 * Caps on what one revision may declare.  Registration work and the graph
 * grow with them; real histories stay far below (a merge of more than a
 * handful of branches is rare, dependencies are a few per revision).
 */
#define PGM_MAX_PARENTS		32
#define PGM_MAX_LABELS		32
#define PGM_MAX_DEPS		256

/* the queries of storage.c, run by pgm_run_query() */
typedef enum PgmQuery
{
	Q_PROJECT_KEY,
	Q_PROJECT_CREATE,
	Q_PROJECT_BY_KEY,
	Q_STATE_VERSION,
	Q_LOAD_REVISIONS,
	Q_LOAD_APPLIED,
	Q_INSERT_APPLIED,
	Q_DELETE_APPLIED,
	Q_DELETE_REVISION,
	Q_INSERT_EVENT,
	Q_INSERT_EVENT_0_3,
	Q_INSERT_FAILURE,
	Q_INSERT_WORKER_EVENT,
	Q_LAST_RUNS,
	Q_GRANTS,
	Q_BUMP_STATE,
	Q_LOCK_ROW,
	Q_FIND_REVISION,
	Q_NEXT_SEQ,
	Q_FIND_SEQ,
	Q_INSERT_REVISION,
	Q_UPDATE_REVISION,
	Q_UPDATE_MESSAGE,
	Q_DETAILS,
	Q_RELATED,
	Q_STATE_ROW,
	Q_IS_APPLIED,
	Q_STATE_ROW_0_2,
	Q_BUMP_STATE_0_2,
	Q_LINT_PENDING,
	Q_LINT_ANCESTORS,
	Q_LINT_SCRIPTS,
	Q_SEARCH_PATH,
	Q_SET_SEARCH_PATH,
	NUM_QUERIES
} PgmQuery;

/* pgm_become_owner() .. pgm_restore_user(): the owner's rights */
typedef struct PgmOwnerScope
{
	Oid			caller;			/* the user before the switch */
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
} PgmOwnerScope;

extern Oid	pgm_owner_id(void);
extern void pgm_become_owner(PgmOwnerScope *scope);
extern void pgm_restore_user(PgmOwnerScope *scope);

/* SPI with the owner's rights, and the queries */
extern bool pgm_read_with_snapshot;
extern void pgm_connect_spi(PgmOwnerScope *os);
extern void pgm_finish_spi(PgmOwnerScope *os);
extern int	pgm_run_query(PgmQuery q, Datum *values, const char *nulls,
						  long count);
extern Datum pgm_caller_name(PgmOwnerScope *os);
extern bool pgm_have_column(const char *table, const char *column);

/* a run recorded as started and never finished (see pgm_started_runs) */
typedef struct PgmRun
{
	char	   *revision;
	bool		up;
	TimestampTz started_at;
	int			pid;
} PgmRun;

extern List *pgm_started_runs(const char *project);
extern ErrorData *pgm_abort_subtransaction(MemoryContext cxt,
										   ResourceOwner owner,
										   MemoryContext keep_cxt);
extern ArrayType *pgm_build_text_array(List *items);

/*
 * Stored data is checked before use, as input from a caller would be: the
 * tables can be changed by their owner behind pg_migrate's back, and a
 * NULL element or an id with a newline in it must give an error, never a
 * crash, a wrong answer or a forged line in a message or a script.
 */
#define pgm_report_corrupt(project, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_DATA_CORRUPTED), \
			 errmsg("the stored state of project %s is invalid", pgm_display(project)), \
			 errdetail(__VA_ARGS__), \
			 errhint("The tables of schema \"migrate\" were changed without pg_migrate's functions. Correct them or restore them from a backup.")))

extern char **pgm_checked_names(Datum d, bool isnull, int *n,
								MemoryContext cxt, const char *project,
								const char *id, const char *what, int max);
extern char **pgm_stored_names(HeapTuple tuple, TupleDesc desc, int col,
							   int *n, MemoryContext cxt, const char *project,
							   const char *id, const char *what, int max);
extern void pgm_check_stored_id(const char *project, const char *id);
extern char *pgm_copy_text(HeapTuple tuple, TupleDesc desc, int col);
extern char *pgm_stored_checksum(const char *up, const char *down,
								 char **parents, int nparents, char **labels,
								 int nlabels, char **deps, int ndeps);

/* projects */
extern int	pgm_project_key(const char *project, bool create);
extern void pgm_lock_project_row(const char *project);
extern char *pgm_project_by_key(int key);
extern int64 pgm_state_version(const char *project);
extern char *pgm_project_search_path(const char *project);
extern void pgm_store_search_path(const char *project, const char *path);
extern int	pgm_project_grants(const char *project, Oid **roles, bool **deploy);

/* revisions */
typedef struct PgmRevisionDetails
{
	char	   *up;
	char	   *down;
	char	   *checksum;
	TimestampTz registered_at;
	char	   *registered_by;
} PgmRevisionDetails;

extern PgmRevisionDef *pgm_load_defs(const char *project, int *ndefs,
									 MemoryContext cxt, MemoryContext scratch);
extern PgmRevisionDetails *pgm_fetch_details(const char *project,
											 const char *id, bool verify);
extern bool pgm_find_revision_direct(const char *project, const char *id,
									 char **checksum, char **message,
									 bool *applied);
extern PgmRevisionDef *pgm_related_defs_direct(const char *project,
											   List *names, int *ndefs,
											   MemoryContext cxt);

#endif							/* PGM_STORAGE_H */
