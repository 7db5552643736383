/*-------------------------------------------------------------------------
 *
 * pgm.h
 *	  Shared declarations of the pg_migrate command-line client.
 *
 * The client is plain C99 on top of libpq.  It owns everything that is
 * about files (the migration file format, importers from other tools) and
 * is a thin layer over the SQL API for everything that is about the
 * database.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_CLIENT_H
#define PGM_CLIENT_H

#include "postgres_fe.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "libpq-fe.h"
#include "pqexpbuffer.h"

#include "pgm_core.h"
#include "pgm_lint.h"

/* Exit codes, documented in the README ("The pg_migrate client"). */
#define PGM_EXIT_OK			0
#define PGM_EXIT_PENDING	1	/* status --check: not up to date */
#define PGM_EXIT_USAGE		2	/* bad command line */
#define PGM_EXIT_CONNECT	3	/* could not connect */
#define PGM_EXIT_SERVER		4	/* the server reported an error */
#define PGM_EXIT_FILES		5	/* a migration file or source is wrong */
/*
 * diff: the files were written, but steps are left for a person (manual or
 * commented-out destructive ones).  The same number as PGM_EXIT_USAGE:
 * diff refuses bad command lines before it writes anything, so a file
 * written says which of the two it was.
 */
#define PGM_EXIT_MANUAL		2

/* Growable list of strings (owned). */
typedef struct PgmList
{
	char	  **items;
	int			n;
	int			cap;
} PgmList;

/*
 * One migration: what a file of the format of docs/design.md section 8 describes,
 * and what an importer produces.
 *
 * message == NULL: no message.  down == NULL: irreversible (no
 * "-- migrate:down" section).  path is the file it came from (or is to be
 * written to, relative to the directory).
 */
typedef struct PgmMigration
{
	char	   *id;
	PgmList		parents;
	PgmList		branch_labels;
	PgmList		depends_on;
	char	   *message;
	char	   *up;
	char	   *down;
	char	   *path;			/* file name (no directory) */
	bool		has_header;		/* "-- migrate:revision" was present */
	int			up_line;		/* the file's line of the up script's first */
} PgmMigration;

typedef struct PgmMigrationSet
{
	PgmMigration *items;
	int			n;
	int			cap;
} PgmMigrationSet;

/* util.c */
extern const char *pgm_progname;
extern void *pgm_malloc(size_t size);
extern void *pgm_realloc(void *p, size_t size);
extern char *pgm_strdup(const char *s);
extern char *pgm_strndup(const char *s, size_t n);
extern char *pgm_printf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern char *pgm_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/*
 * Buffers are libpq's PQExpBuffer.  It reports running out of memory by
 * marking the buffer broken; pgm_buf_data() is how a finished buffer's
 * text is taken, and exits on a broken one.
 */
extern char *pgm_buf_data(PQExpBuffer b);
extern void pgm_list_add(PgmList *l, const char *s);
extern bool pgm_list_contains(const PgmList *l, const char *s);
extern bool pgm_list_same_members(const PgmList *a, const PgmList *b);
extern void pgm_list_free(PgmList *l);
extern void pgm_list_split(PgmList *l, const char *csv);	/* "a, b" -> a b */
extern char *pgm_list_join(const PgmList *l, const char *sep);
extern void pgm_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void pgm_warning(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void pgm_message(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void pgm_detail(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void pgm_hint(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void pgm_fatal(int code, const char *fmt,...) __attribute__((format(printf, 2, 3), noreturn));
/* Text for display: control characters escaped (\n, \t, \x01). */
extern void pgm_buf_append_display(PQExpBuffer b, const char *s);
extern char *pgm_escaped(const char *s);
extern bool pgm_has_control(const char *s);
extern char *pgm_read_file(const char *path, size_t *len);	/* NULL + errno on failure */
/* Write an output file safely (see util.c); prints an error on failure. */
extern bool pgm_write_file(const char *path, const char *data, size_t len);
extern char *pgm_path_join(const char *dir, const char *name);
extern bool pgm_is_dir(const char *path);
extern bool pgm_mkdir_p(const char *path);
/*
 * sorted (strcmp) names of regular files in dir ending with suffix; refuses
 * names with control characters; prints an error on failure
 */
extern bool pgm_list_dir(const char *dir, const char *suffix, PgmList *out);
extern bool pgm_valid_id(const char *id, const char **why);
extern char *pgm_slug(const char *text, size_t maxlen);

/* files.c: the migration file format */
extern void pgm_migration_init(PgmMigration *m);
extern void pgm_migration_free(PgmMigration *m);
extern PgmMigration *pgm_set_add(PgmMigrationSet *set);
/*
 * Parse one file's text.  On a format error prints "FILE:LINE: message"
 * (and a hint where one helps) and returns false.
 */
extern bool pgm_parse_migration(const char *path, const char *text, size_t len,
								PgmMigration *m);
/* The canonical text of a migration (what pull and import write). */
extern char *pgm_format_migration(const PgmMigration *m);
/* Read every *.sql file of dir, in name order; false after printing errors. */
extern bool pgm_load_dir(const char *dir, PgmMigrationSet *set);
/* Write every migration of set into dir as m->path; false on I/O error. */
extern bool pgm_write_set(const char *dir, const PgmMigrationSet *set, bool overwrite);

/*
 * offline.c: a set of files as a revision graph, through the core.  Order
 * a set for registration (parents and dependencies first, otherwise file
 * name order); the heads of a set; the graph itself.  Each refuses
 * duplicate ids and cycles, returning false or NULL after printing the
 * error.
 */
extern bool pgm_order_set(PgmMigrationSet *set, const char *project);
extern bool pgm_set_heads(const PgmMigrationSet *set, const char *project,
						  PgmList *heads);
extern PgmGraph *pgm_set_graph(const PgmMigrationSet *set, const char *project,
							   bool strict);

/* lint_extract.c: a script's statements as the linter's facts */
extern PgmLintStatement *pgm_lint_facts(const char *script, int *n, char **error,
										int *error_line);

/* classify.c: statements of a script, with libpg_query */
extern void pgm_batch_ranges(const char *script, int **starts, int **lens, int *n);
extern bool pgm_classify_script(const char *script, const char *revision,
								const char *which, PgmExecClass *cls,
								int *nstatements);

/* import.c: other tools' layouts */
/* Remove a "BEGIN;" first line and "COMMIT;" last line wrapping a script. */
extern char *pgm_strip_transaction_wrapper(const char *script, bool *stripped);
typedef struct PgmImportOptions
{
	const char *downgrade_sql;	/* alembic: offline downgrade SQL */
	const char *versions_dir;	/* alembic: the versions directory */
} PgmImportOptions;

/*
 * import FORMAT SOURCE: fill set (in the other tool's apply order, with
 * ids, parents, labels, dependencies, messages and scripts) and a file
 * name per migration.  Returns an exit code (PGM_EXIT_OK on success) after
 * printing any error.
 */
extern int	pgm_import(const char *format, const char *source,
					   const PgmImportOptions *opts, PgmMigrationSet *set);

/*
 * adopt FORMAT: read the other tool's history table over conn and return
 * the ids it records as applied (applied, every applied id) and the ids
 * that are its current version(s) (tips: for alembic the rows of
 * alembic_version; for the linear tools the applied id latest in the
 * tool's order).  table: the history table (NULL: the tool's default);
 * tool_project: sqitch project (NULL: the only one).  Refuses dirty or
 * failed states with an explanation.  Returns an exit code.
 */
extern int	pgm_adopt_read(PGconn *conn, const char *format, const char *table,
						   const char *tool_project, const PgmMigrationSet *set,
						   PgmList *applied, PgmList *tips);

/* db.c: connection and output helpers */
extern PGconn *pgm_connect(const char *conninfo);
extern PGconn *pgm_connect_to(const char *conninfo, const char *dbname);
/* Print an error message of libpq's, after our own prefix what (or NULL). */
extern void pgm_libpq_error(const char *what, const char *msg);
/* Print a server error with SQLSTATE, detail, hint and context. */
extern void pgm_report_result_error(const PGresult *res, const char *what);
/* Run a query; on error reports and exits with PGM_EXIT_SERVER. */
extern PGresult *pgm_query(PGconn *conn, const char *sql, int nparams,
						   const char *const *params);
/* Like pgm_query but returns NULL (after reporting) instead of exiting. */
extern PGresult *pgm_query_try(PGconn *conn, const char *sql, int nparams,
							   const char *const *params);
extern void pgm_print_table(const PGresult *res);
extern void pgm_print_rows(int ncols, const char *const *names, int nrows,
						   char *const *cells);
extern char *pgm_cell(const char *value);
/* A text[] literal for a list ("{a,b}" with quoting). */
extern char *pgm_array_literal(const PgmList *l);
/* Parse a text[] value as returned by the server into l. */
extern void pgm_parse_array(const char *value, PgmList *l);

#endif							/* PGM_CLIENT_H */
