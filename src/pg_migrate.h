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

/* execution classes of a script */
typedef enum PgmExecClass
{
	PGM_EXEC_TRANSACTIONAL,		/* may run inside a transaction block */
	PGM_EXEC_NONTRANSACTIONAL	/* contains e.g. CREATE INDEX CONCURRENTLY */
} PgmExecClass;

/*
 * One revision of the graph.  Edges are indexes into PgmGraph.revs, which
 * is in registration order, so an index doubles as the registration rank.
 */
typedef struct PgmRevision
{
	char	   *id;
	char	   *message;
	int			nparents;
	int		   *parents;		/* declared order */
	int			ndeps;
	int		   *deps;			/* normalized: no ancestors, no duplicates */
	int			nlabels;
	char	  **labels;
	int			nchildren;
	int		   *children;		/* through parent edges, registration order */
	int			ndependents;
	int		   *dependents;		/* through dependency edges */
	bool		has_down;
	PgmExecClass up_class;
	PgmExecClass down_class;
	int			up_statements;
	int			down_statements;
} PgmRevision;

/* Raw description of a revision, as stored; input of pgm_graph_build */
typedef struct PgmRevisionDef
{
	char	   *id;
	char	   *message;
	int			nparents;
	char	  **parents;
	int			nlabels;
	char	  **labels;
	int			ndeps;
	char	  **deps;			/* ids or branch labels */
	bool		has_down;
	PgmExecClass up_class;
	PgmExecClass down_class;
	int			up_statements;
	int			down_statements;
	int			seq;			/* registration order, as stored */
} PgmRevisionDef;

typedef struct PgmLabel
{
	char	   *label;
	int			rev;
} PgmLabel;

typedef struct PgmGraph
{
	const char *project;
	int			nrevs;
	PgmRevision *revs;
	int			id_slots;		/* size of id_table, a power of 2 */
	int		   *id_table;		/* hash index of ids: revision or -1 */
	int			nlabels;
	PgmLabel   *labels;			/* sorted by label */
	int		   *topo;			/* topological rank: edges go to lower ranks */
	/* scratch space for traversals */
	int		   *stack;
	int		   *visit;
	int			visit_gen;
} PgmGraph;

/* What a target string resolved to (see target.c) */
typedef enum PgmTargetKind
{
	PGM_TARGET_REVS,			/* a set of revisions (possibly empty) */
	PGM_TARGET_BASE,			/* nothing applied */
	PGM_TARGET_BELOW			/* below the roots in revs: X@base */
} PgmTargetKind;

/* which command a target is resolved for: relative forms depend on it */
typedef enum PgmTargetMode
{
	PGM_MODE_UPGRADE,
	PGM_MODE_DOWNGRADE,
	PGM_MODE_STAMP,
	PGM_MODE_ANY
} PgmTargetMode;

typedef struct PgmTarget
{
	PgmTargetKind kind;
	int			nrevs;
	int		   *revs;
	/*
	 * Targets written "x@..." and "-N": the lineage of x (of the tip for
	 * "-N"), to which a downgrade is restricted, and x itself (-1: none).
	 */
	bool	   *lineage;
	int			anchor;
	/* how the target was written, for plan() direction and messages */
	bool		relative_up;
	bool		relative_down;
} PgmTarget;

typedef enum PgmDirection
{
	PGM_UP,
	PGM_DOWN,
	PGM_STAMP,
	PGM_UNSTAMP,
	PGM_UNREGISTER				/* an event only: unregister() */
} PgmDirection;

typedef struct PgmStep
{
	int			rev;
	PgmDirection direction;
} PgmStep;

typedef struct PgmPlan
{
	int			nsteps;
	PgmStep    *steps;
	bool	   *new_applied;	/* the applied set after the plan */
} PgmPlan;

/* in graph.c */
extern PgmGraph *pgm_graph_build(const char *project, PgmRevisionDef *defs,
								 int ndefs);
extern int	pgm_graph_find_id(PgmGraph *graph, const char *id);
extern int	pgm_graph_find_label(PgmGraph *graph, const char *label);
extern void pgm_ancestors(PgmGraph *graph, const int *from, int nfrom,
						  bool with_deps, bool *out);
extern void pgm_descendants(PgmGraph *graph, const int *from, int nfrom,
							bool with_deps, bool *out);
extern List *pgm_tips(PgmGraph *graph, const bool *applied);
extern List *pgm_versioned_heads(PgmGraph *graph);
extern List *pgm_real_heads(PgmGraph *graph);
extern bool pgm_all_applied(PgmGraph *graph, const bool *applied);
extern void pgm_lineage(PgmGraph *graph, int rev, bool *out);
extern int	pgm_walk_order(PgmGraph *graph, const bool *in_set,
						   const int *start, int nstart, int *out);
extern void pgm_closure(PgmGraph *graph, const bool *applied, bool *out);
extern List *pgm_rev_names(PgmGraph *graph, List *revs);
extern const char *pgm_id_problem(const char *id);
extern const char *pgm_id_problem_text(PgmIdProblem problem);
extern void pgm_check_id(const char *id, const char *what);

/* in target.c */
extern PgmTarget *pgm_resolve_target(PgmGraph *graph, const bool *applied,
									 const char *target, PgmTargetMode mode);
extern int	pgm_resolve_revision(PgmGraph *graph, const char *name);
extern void pgm_resolve_range(PgmGraph *graph, const bool *applied,
							  const char *range, bool *lower_is_base,
							  List **lower, List **upper);

/* in plan.c */
extern PgmPlan *pgm_plan_upgrade(PgmGraph *graph, const bool *applied,
								 PgmTarget *target);
extern PgmPlan *pgm_plan_downgrade(PgmGraph *graph, const bool *applied,
								   PgmTarget *target, const char *target_text);
extern PgmPlan *pgm_plan_stamp(PgmGraph *graph, const bool *applied,
							   PgmTarget *target, bool purge);
extern PgmPlan *pgm_plan_auto(PgmGraph *graph, const bool *applied,
							  const char *target_text);
extern void pgm_check_reversible(PgmGraph *graph, PgmPlan *plan);
extern const char *pgm_direction_name(PgmDirection direction);
extern const char *pgm_exec_class_name(PgmExecClass cls);

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
extern char *pgm_display(const char *s);

#endif							/* PG_MIGRATE_H */
