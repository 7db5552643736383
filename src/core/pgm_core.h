/*-------------------------------------------------------------------------
 *
 * pgm_core.h
 *	  The rules that the extension and the client share, compiled into
 *	  both: revision ids, the revision checksum, the revision graph, the
 *	  target language and planning.
 *
 * Everything here is plain C over PostgreSQL's portable support code
 * (palloc, StringInfo, common/cryptohash.h, common/hashfn.h,
 * pg_strong_random), usable in the backend and, with FRONTEND defined, in
 * the client.  Nothing here calls upwards: errors go through
 * pgm_core_error_hook, which the host sets (the extension turns them into
 * ereport(ERROR), the client into a message and an exit), and results are
 * plain arrays, not backend Lists.
 *
 * IDENTIFICATION
 *	  src/core/pgm_core.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_CORE_H
#define PGM_CORE_H

#include <stdbool.h>

/* the longest revision id or branch label */
#define PGM_MAX_ID_LEN		64

/* "sha256:" and 64 hex digits */
#define PGM_CHECKSUM_LEN	(7 + 64)

/* length of a generated revision id: 12 hex digits */
#define PGM_RANDOM_ID_LEN	12

/* what is wrong with a revision id or branch label */
typedef enum PgmIdProblem
{
	PGM_ID_OK,
	PGM_ID_EMPTY,
	PGM_ID_TOO_LONG,
	PGM_ID_BAD_CHAR,			/* outside a-z A-Z 0-9 _ - . */
	PGM_ID_RESERVED,			/* head, heads, base, current */
	PGM_ID_SIGN					/* starts with '-' or '+' */
} PgmIdProblem;

extern PgmIdProblem pgm_id_check(const char *id);

/*
 * Project names follow the revision id alphabet, so they can appear in
 * messages, script comments and file names without quoting surprises.
 */
#define PGM_MAX_PROJECT_LEN 63
extern bool pgm_project_name_ok(const char *project);

/*
 * The revision checksum: SHA-256 over the up script, the down script (NULL
 * marked as such) and the parents, branch labels and dependencies, every
 * field preceded by its length.  lists[k] has counts[k] entries (k = 0
 * parents, 1 labels, 2 dependencies).  Writes "sha256:<hex>" and a NUL
 * into out; false if the hash could not be computed.
 */
extern bool pgm_revision_checksum(const char *up, const char *down,
								  char *const *const lists[3],
								  const int counts[3],
								  char out[PGM_CHECKSUM_LEN + 1]);

/* A random revision id (12 lower-case hex digits and a NUL); false on failure */
extern bool pgm_random_id(char out[PGM_RANDOM_ID_LEN + 1]);


/*
 * SQLSTATEs of the errors the core raises, as the five characters the
 * backend's MAKE_SQLSTATE() takes.
 */
#define PGM_ERR_INVALID_PARAMETER	"22023"
#define PGM_ERR_UNDEFINED_OBJECT	"42704"
#define PGM_ERR_INVALID_DEFINITION	"42P17"
#define PGM_ERR_NOT_IN_STATE		"55000"
#define PGM_ERR_DATA_CORRUPTED		"XX001"
#define PGM_ERR_INTERNAL			"XX000"

/*
 * Where the core's errors go.  The hook must not return (the backend
 * raises an ERROR, the client exits or jumps back); detail and hint may be
 * NULL.  pgm_core_error() formats the message and calls it.
 */
#if defined(__GNUC__) || defined(__clang__)
#define PGM_ERROR_ATTRS __attribute__((format(printf, 4, 5), noreturn))
#else
#define PGM_ERROR_ATTRS
#endif

typedef void (*PgmErrorHook) (const char *sqlstate, const char *message,
							  const char *detail, const char *hint);
extern PgmErrorHook pgm_core_error_hook;
extern void pgm_core_error(const char *sqlstate, const char *detail,
					  const char *hint, const char *fmt,...) PGM_ERROR_ATTRS;

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
	PGM_UNREGISTER,				/* an event only: unregister() */
	PGM_ACCEPT_SCHEMA,			/* an event only: accept_schema() */
	PGM_SET_SCOPE,				/* an event only: set_scope() */
	PGM_SET_SEARCH_PATH,		/* an event only: set_search_path() */
	PGM_RECONCILE				/* an event only: an interrupted build found */
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
extern int *pgm_tips(PgmGraph *graph, const bool *applied, int *n);
extern int *pgm_versioned_heads(PgmGraph *graph, int *n);
extern int *pgm_real_heads(PgmGraph *graph, int *n);
extern bool pgm_all_applied(PgmGraph *graph, const bool *applied);
extern int *pgm_registration_order(PgmGraph *graph);
extern void pgm_lineage(PgmGraph *graph, int rev, bool *out);
extern int	pgm_walk_order(PgmGraph *graph, const bool *in_set,
						   const int *start, int nstart, int *out);
extern void pgm_closure(PgmGraph *graph, const bool *applied, bool *out);

/* in target.c */
extern PgmTarget *pgm_resolve_target(PgmGraph *graph, const bool *applied,
									 const char *target, PgmTargetMode mode);
extern int	pgm_resolve_revision(PgmGraph *graph, const char *name);
extern void pgm_resolve_range(PgmGraph *graph, const bool *applied,
							  const char *range, bool *lower_is_base,
							  int **lower, int *nlower,
							  int **upper, int *nupper);

/* in plan.c */
extern PgmPlan *pgm_plan_upgrade(PgmGraph *graph, const bool *applied,
								 PgmTarget *target);
extern PgmPlan *pgm_plan_downgrade(PgmGraph *graph, const bool *applied,
								   PgmTarget *target);
extern PgmPlan *pgm_plan_stamp(PgmGraph *graph, const bool *applied,
							   PgmTarget *target, bool purge);
extern PgmPlan *pgm_plan_auto(PgmGraph *graph, const bool *applied,
							  const char *target_text);
extern bool *pgm_range_start(PgmGraph *graph, const bool *applied,
							 const char *lower);
extern PgmPlan *pgm_plan_script(PgmGraph *graph, const bool *applied,
								const char *target);
extern void pgm_check_reversible(PgmGraph *graph, PgmPlan *plan);
extern const char *pgm_direction_name(PgmDirection direction);
extern const char *pgm_exec_class_name(PgmExecClass cls);

/* in script.c */
#define PGM_BATCH_MARKER "-- migrate:batch"
typedef void (*PgmCommentLineFn) (void *arg, const char *script, int offset,
								 int len);
extern int	pgm_scan_opening(const char *script, int start, int len,
							 bool semicolons, PgmCommentLineFn fn, void *arg);
extern int	pgm_batch_marker(const char *script, int start, int len);
extern int	pgm_batch_marker_between(const char *script, int start, int len);
extern char *pgm_script_with_batches(const char *script, int n,
									 const int *starts, const int *lens);
typedef struct PgmScriptSource
{
	const char *up;
	const char *down;			/* NULL: irreversible */
	const char *checksum;
	const char *note;			/* a comment line above the step, or NULL */
	/* the batched statements of the script asked for (up or down) */
	int			nbatches;
	const int  *batch_starts;	/* byte ranges, as the parser splits */
	const int  *batch_lens;
} PgmScriptSource;

typedef void (*PgmScriptFetch) (void *arg, PgmRevision *rev, bool up,
								PgmScriptSource *out);
extern char *pgm_build_script(PgmGraph *graph, PgmPlan *plan,
							  const char *project, const char *target,
							  PgmScriptFetch fetch, void *arg);
extern char *pgm_quote_literal(const char *s);

/* in text.c */
extern const char *pgm_id_problem(const char *id);
extern const char *pgm_id_problem_text(PgmIdProblem problem);
extern void pgm_check_id(const char *id, const char *what);
extern void pgm_check_project_name(const char *project);
extern char *pgm_display(const char *s);
extern char *pgm_format_names(const char *const *names, int n);
extern char *pgm_format_revs(PgmGraph *graph, const int *revs, int n);
extern int	pgm_levenshtein(const char *a, int alen, const char *b, int blen,
							int max);

#endif							/* PGM_CORE_H */
