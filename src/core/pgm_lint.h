/*-------------------------------------------------------------------------
 *
 * pgm_lint.h
 *	  The linter's rules, shared by the extension and the client (lint.c).
 *
 * Scripts are parsed by PostgreSQL's own parser: the raw parser in the
 * server (src/lint_extract.c), libpg_query in the client
 * (client/lint_extract.c).  Each side turns a statement's parse tree into
 * the facts below (PgmLintStatement: one or more actions); the rules,
 * which are the same for both, look only at these facts and, in the
 * server, at the catalog through PgmLintCatalog.  Offline there is no
 * catalog: the rules that need one stay silent and sizes are unknown.
 *
 * IDENTIFICATION
 *	  src/core/pgm_lint.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_LINT_H
#define PGM_LINT_H

#include "pgm_core.h"

#define PGM_LINT_IGNORE_MARKER "-- migrate:lint-ignore"

typedef enum PgmLintSeverity
{
	PGM_LINT_ADVICE,
	PGM_LINT_WARNING,
	PGM_LINT_ERROR
} PgmLintSeverity;

/* a type modifier that is not an integer constant */
#define PGM_LINT_NOT_CONSTANT (-2147483647 - 1)

/* a possibly schema-qualified name as written (already case-folded) */
typedef struct PgmLintName
{
	char	   *schema;			/* NULL: not qualified */
	char	   *name;			/* NULL: no name */
} PgmLintName;

/* a type name as written */
typedef struct PgmLintType
{
	char	   *schema;			/* "pg_catalog" for SQL-standard spellings */
	char	   *name;			/* last component: int4, varchar, serial, ... */
	int			ntypmods;
	int			typmods[2];		/* constant modifiers, or PGM_LINT_NOT_CONSTANT */
	bool		array;
} PgmLintType;

typedef struct PgmLintColumn
{
	char	   *name;
	PgmLintType type;
	bool		not_null;
	bool		has_default;
	bool		identity;		/* GENERATED ... AS IDENTITY */
	bool		generated;		/* GENERATED ALWAYS AS (...) STORED */
	bool		primary_key;
	bool		unique;
	int			nfuncs;			/* functions called by the default */
	PgmLintName *funcs;
	PgmLintName references;		/* REFERENCES table (name NULL: none) */
} PgmLintColumn;

typedef struct PgmLintConstraint
{
	char		contype;		/* p, u, c, f, x */
	char	   *name;
	bool		not_valid;
	bool		using_index;
	int			ncols;			/* key columns (p, u, f) */
	char	  **cols;
	PgmLintName references;		/* f: the referenced table */
	char	   *not_null_col;	/* c: CHECK (col IS NOT NULL) */
} PgmLintConstraint;

typedef struct PgmLintIndex
{
	bool		unique;
	bool		plain;			/* key columns only: no expression, WHERE,
								 * INCLUDE, opclass, collation or ordering */
	char	   *method;			/* NULL: btree */
	int			ncols;
	char	  **cols;			/* simple key columns (NULL: an expression) */
	char	   *name;			/* its own name: never a duplicate of itself */
} PgmLintIndex;

typedef enum PgmLintActKind
{
	PGM_LA_CREATE_TABLE,		/* rel, if_exists (IF NOT EXISTS) */
	PGM_LA_ADD_COLUMN,			/* rel, col; in_create inside CREATE TABLE */
	PGM_LA_ALTER_TYPE,			/* rel, column, type, using_expr */
	PGM_LA_SET_NOT_NULL,		/* rel, column */
	PGM_LA_DROP_NOT_NULL,		/* rel, column */
	PGM_LA_DROP_COLUMN,			/* rel, column, if_exists */
	PGM_LA_ADD_CONSTRAINT,		/* rel, con; in_create inside CREATE TABLE */
	PGM_LA_VALIDATE_CONSTRAINT, /* rel, name */
	PGM_LA_CREATE_INDEX,		/* rel, name, idx, concurrently */
	PGM_LA_DROP_INDEX,			/* rel (the index), if_exists, concurrently */
	PGM_LA_DROP_TABLE,			/* rel, if_exists, cascade */
	PGM_LA_REINDEX,				/* rel (a table, or an index when is_index), concurrently */
	PGM_LA_RENAME_TABLE,		/* rel, name (the new one) */
	PGM_LA_RENAME_COLUMN,		/* rel, column, name (the new one) */
	PGM_LA_DROP_DATABASE,		/* name */
	PGM_LA_TRUNCATE,			/* rel, cascade */
	PGM_LA_TRANSACTION,			/* name: what the statement is (BEGIN, ...) */
	PGM_LA_SET_LOCK_TIMEOUT,	/* nonzero: a timeout other than 0 */
	PGM_LA_CREATE_DOMAIN_CHECK, /* name */
	PGM_LA_ALTER_DOMAIN_ADD_CONSTRAINT, /* name */
	PGM_LA_SET_SCHEMA,			/* rel, name (the new schema) */
	PGM_LA_RENAME_INDEX,		/* rel (the index), name (the new one) */
	PGM_LA_ALTER_TABLE_OTHER	/* rel, column (if it names one): any other */
} PgmLintActKind;

typedef struct PgmLintAction
{
	PgmLintActKind kind;
	PgmLintName rel;
	char	   *column;
	char	   *name;
	bool		if_exists;		/* DROP ... IF EXISTS: of the object dropped */
	bool		rel_missing_ok; /* ALTER TABLE IF EXISTS */
	bool		concurrently;
	bool		cascade;
	bool		using_expr;
	bool		in_create;
	bool		is_index;
	bool		nonzero;
	PgmLintType type;
	PgmLintColumn col;
	PgmLintConstraint con;
	PgmLintIndex idx;
} PgmLintAction;

/* one statement of a script, as the parser splits it */
typedef struct PgmLintStatement
{
	int			start;			/* byte range in the script, from the end */
	int			len;			/* of the previous statement */
	int			nacts;
	int			space;
	PgmLintAction *acts;
} PgmLintStatement;

extern PgmLintAction *pgm_lint_add_action(PgmLintStatement *stmt,
										  PgmLintActKind kind);

/* What the server's catalog says about a relation */
typedef struct PgmLintRelInfo
{
	bool		found;
	bool		is_index;
	double		reltuples;		/* of the table (an index's: its table's) */
	double		relpages;
} PgmLintRelInfo;

/* 1: the change rewrites the table; 0: it does not; -1: cannot tell */
typedef int (*PgmLintTypeChange) (void *arg, const PgmLintName *rel,
								  const char *column, const PgmLintType *type,
								  bool using_expr, char **from, char **to);

typedef struct PgmLintCatalog
{
	void	   *arg;
	void		(*relation) (void *arg, const PgmLintName *rel, PgmLintRelInfo *out);
	bool		(*column) (void *arg, const PgmLintName *rel, const char *column);
	PgmLintTypeChange type_change;
	/* 'v', 's', 'i', or 0 when no such function is known */
	char		(*volatility) (void *arg, const PgmLintName *func);
	/*
	 * The name of a CHECK (column IS NOT NULL) constraint of the table (a
	 * valid one first), or NULL; *valid says whether it is validated.
	 */
	char	   *(*not_null_check) (void *arg, const PgmLintName *rel,
								   const char *column, bool *valid);
	/* the name of an existing index that idx duplicates, or NULL */
	char	   *(*duplicate_index) (void *arg, const PgmLintName *rel,
									const PgmLintIndex *idx);
	/* an index whose leading key columns are cols, in any order? */
	bool		(*leading_index) (void *arg, const PgmLintName *rel, int ncols,
								  char **cols);
	/* named in a script of a revision that is still to be applied? */
	bool		(*pending) (void *arg, const char *name);
	const char *default_schema; /* where unqualified names are created */
	int			nsearch_path;	/* where unqualified names are looked for */
	const char *const *search_path;
	double		large_rows;		/* a table this big is large */
	bool		ddl_lock_timeout;	/* pg_migrate sets lock_timeout itself */
} PgmLintCatalog;

typedef struct PgmLintFinding
{
	const char *rule;
	PgmLintSeverity severity;
	int			statement_no;
	int			line;
	char	   *message;
	char	   *hint;
} PgmLintFinding;

typedef struct PgmLintIgnore
{
	char	   *rule;
	char	   *reason;
	int			statement_no;
	int			line;			/* of the annotation */
	bool		used;			/* it silenced a finding */
} PgmLintIgnore;

typedef struct PgmLintResult
{
	int			nfindings;
	int			findings_space;
	PgmLintFinding *findings;
	int			nignored;
	int			ignored_space;
	PgmLintIgnore *ignored;
} PgmLintResult;

typedef struct PgmLintState PgmLintState;

extern PgmLintState *pgm_lint_begin(const PgmLintCatalog *catalog);
extern void pgm_lint_lenient(PgmLintState *st);
extern int	pgm_lint_error_line;
extern void pgm_lint_script(PgmLintState *state, const char *script,
							PgmLintStatement *stmts, int nstmts,
							PgmLintResult *result);
extern int	pgm_lint_learned_names(PgmLintState *st, const char ***names);
extern int	pgm_lint_rule_count(void);
extern const char *pgm_lint_rule_name(int i);
extern bool pgm_lint_rule_known(const char *name);
extern const char *pgm_lint_severity_name(PgmLintSeverity severity);
extern int	pgm_lint_line(const char *script, int offset);

#endif							/* PGM_LINT_H */
