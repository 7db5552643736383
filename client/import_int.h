/*-------------------------------------------------------------------------
 *
 * import_int.h
 *	  Declarations shared by the importers and adopters (client/import*.c).
 *
 * client/import.c holds the helpers every importer uses and the two entry
 * points, pgm_import() and pgm_adopt_read(); each tool has a file of its
 * own with its importer and its adopter (import_dbmate.c,
 * import_golang.c, import_flyway.c, import_sqitch.c, import_alembic.c).
 *
 * IDENTIFICATION
 *	  client/import_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_IMPORT_INT_H
#define PGM_IMPORT_INT_H

#include "pgm.h"

/* A line-by-line walk over a text. */
typedef struct Lines
{
	const char *p;				/* start of the next line */
	const char *end;
	const char *line;			/* the current line */
	size_t		len;			/* its length, without "\n" and a final "\r" */
	size_t		rawlen;			/* its length with "\n", if any */
	int			lineno;
} Lines;

/* helpers (import.c) */
extern void imp_lines_init(Lines *l, const char *text, size_t len);
extern bool imp_lines_next(Lines *l);
extern bool imp_is_blank(char c);
extern void imp_span_trim(const char **s, size_t *n);
extern bool imp_has_prefix(const char *s, size_t n, const char *prefix);
extern bool imp_equal_ci(const char *s, size_t n, const char *word);
extern bool imp_ends_with(const char *s, const char *suffix);
extern char *imp_read_source(const char *path, size_t *len);
extern bool imp_check_id(const char *id, const char *what, const char *where);
extern char *imp_message_from_name(const char *s, size_t n);
extern bool imp_check_script(const char *script, const char *path);
extern char *imp_file_script(const char *text, bool strip);
extern char *imp_trim_blank_lines(const char *s, size_t n);
extern void imp_link_linear(PgmMigrationSet *set, int from);
extern int imp_find_id(const PgmMigrationSet *set, const char *id);
extern int imp_cmp_strp(const void *a, const void *b);
extern bool imp_check_labels(const PgmMigrationSet *set, const char *source, const char *what);
extern bool imp_line_is_one_of(const char *s, size_t n, const char *const *words);
extern bool imp_line_is_significant(const char *s, size_t n);
extern int imp_missing_id(const char *format, const char *table, const char *id);
extern void imp_collect_applied(const PgmMigrationSet *set, const bool *flags, PgmList *applied, PgmList *tips);
extern char *imp_quote_table(PGconn *conn, const char *table);
extern int imp_resolve_table(PGconn *conn, const char *quoted, const char *shown, const char *format, char **qualified, char **schema_prefix);

/* one importer and one adopter per tool */
extern int imp_import_dbmate(const char *dir, PgmMigrationSet *set);
extern int imp_import_golang(const char *dir, PgmMigrationSet *set);
extern int imp_import_flyway(const char *dir, PgmMigrationSet *set);
extern int imp_import_sqitch(const char *source, PgmMigrationSet *set);
extern int imp_import_alembic(const char *source, const PgmImportOptions *opts, PgmMigrationSet *set);
extern int imp_adopt_dbmate(PGconn *conn, const char *qt, const char *table, const PgmMigrationSet *set, bool *flags);
extern int imp_adopt_golang(PGconn *conn, const char *qt, const char *table, const PgmMigrationSet *set, bool *flags);
extern int imp_adopt_flyway(PGconn *conn, const char *qt, const char *table, const PgmMigrationSet *set, bool *flags);
extern int imp_adopt_sqitch(PGconn *conn, const char *qt, const char *schema, const char *table, const char *tool_project, const PgmMigrationSet *set, bool *flags);
extern int imp_adopt_alembic(PGconn *conn, const char *qt, const char *table, const PgmMigrationSet *set, PgmList *applied, PgmList *tips);
extern int imp_flyway_vercmp(const char *a, const char *b);
extern char *imp_flyway_version(const char *s, size_t n);

#endif							/* PGM_IMPORT_INT_H */
