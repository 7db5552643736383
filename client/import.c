/*-------------------------------------------------------------------------
 *
 * import.c
 *	  Importers from other migration tools, and reading their history.
 *
 * "pg_migrate import FORMAT SOURCE" turns another tool's migrations into a
 * migration set; "pg_migrate adopt FORMAT" reads which of them that tool
 * has applied, so that a database it manages can be handed over without
 * running anything again.  Both keep the other tool's own ids (dbmate's
 * and golang-migrate's versions, Flyway's version, Sqitch's change names,
 * Alembic's revision ids): whatever refers to a migration by its id keeps
 * working, and the ids the tool recorded in its history table are found in
 * the imported set.
 *
 * Each importer produces the set in the tool's own apply order.  The
 * linear tools (dbmate, golang-migrate, Flyway, Sqitch) give every
 * migration the previous one as its parent; Alembic brings its own graph.
 * A migration without a down script (no golang-migrate .down.sql, no
 * Flyway U file, no Sqitch revert script, no Alembic downgrade SQL) is
 * imported as irreversible.
 *
 * Scripts are imported as the tool would run them, with two exceptions.
 * A BEGIN/COMMIT pair wrapping a whole script is removed
 * (pgm_strip_transaction_wrapper), because pg_migrate runs each revision
 * in a transaction of its own and refuses transaction control in scripts;
 * Sqitch's templates write that wrapper into every script.  Alembic's
 * offline SQL is the tool's scripts interleaved with its own bookkeeping
 * (the alembic_version table); only the scripts are kept.
 *
 * What each tool's layout is, and what is refused, is described above
 * each importer, in the tool's own file (see import_int.h).  Errors name the source file (and line, where there is
 * one); the importers never write anything, so a failed import leaves
 * nothing behind.
 *
 * IDENTIFICATION
 *	  client/import.c
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import_int.h"

/*
 * The largest file an importer reads: PostgreSQL cannot store a text value
 * of 1 GB or more, so a larger script could never be registered.
 */
#define MAX_SOURCE_FILE ((long long) 1073741823)


/* ----------------------------------------------------------------
 * Small helpers
 * ----------------------------------------------------------------
 */


void
imp_lines_init(Lines *l, const char *text, size_t len)
{
	l->p = text;
	l->end = text + len;
	l->line = NULL;
	l->len = l->rawlen = 0;
	l->lineno = 0;
}

bool
imp_lines_next(Lines *l)
{
	const char *eol;

	if (l->p >= l->end)
		return false;
	eol = memchr(l->p, '\n', l->end - l->p);
	l->line = l->p;
	l->len = (eol ? eol : l->end) - l->p;
	l->rawlen = eol ? l->len + 1 : l->len;
	if (l->len > 0 && l->line[l->len - 1] == '\r')
		l->len--;
	l->p = eol ? eol + 1 : l->end;
	l->lineno++;
	return true;
}

bool
imp_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim blanks on both sides of s[0..*n), moving *s. */
void
imp_span_trim(const char **s, size_t *n)
{
	while (*n > 0 && imp_is_blank(**s))
	{
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && imp_is_blank((*s)[*n - 1]))
		(*n)--;
}

/* Does s[0..n) start with prefix? */
bool
imp_has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t		pl = strlen(prefix);

	return n >= pl && memcmp(s, prefix, pl) == 0;
}

/* Is s[0..n) equal to word, ignoring ASCII case? */
bool
imp_equal_ci(const char *s, size_t n, const char *word)
{
	size_t		i;

	if (n != strlen(word))
		return false;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char) s[i]) != tolower((unsigned char) word[i]))
			return false;
	return true;
}

bool
imp_ends_with(const char *s, const char *suffix)
{
	size_t		sl = strlen(s);
	size_t		xl = strlen(suffix);

	return sl >= xl && strcmp(s + sl - xl, suffix) == 0;
}

/*
 * Read a source file.  Prints an error and returns NULL for a missing,
 * unreadable, non-regular, oversized or binary (NUL-containing) file.
 */
char *
imp_read_source(const char *path, size_t *len)
{
	struct stat st;
	char	   *text;

	if (stat(path, &st) != 0)
	{
		pgm_error("could not read file \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode))
	{
		pgm_error("\"%s\" is not a regular file", path);
		return NULL;
	}
	if ((long long) st.st_size > MAX_SOURCE_FILE)
	{
		pgm_error("file \"%s\" is too large to import (%lld bytes)",
				  path, (long long) st.st_size);
		pgm_hint("PostgreSQL cannot store a script of 1 GB or more.");
		return NULL;
	}
	text = pgm_read_file(path, len);
	if (text == NULL)
	{
		if (errno == EILSEQ)
			pgm_error("file \"%s\" contains a NUL byte, so it is not SQL text", path);
		else
			pgm_error("could not read file \"%s\": %s", path, strerror(errno));
	}
	return text;
}

/* Check an id or label taken from a source, naming where it came from. */
bool
imp_check_id(const char *id, const char *what, const char *where)
{
	const char *why;

	if (pgm_valid_id(id, &why))
		return true;
	pgm_error("%s: %s \"%s\" cannot be a pg_migrate id: %s", where, what, id, why);
	pgm_hint("pg_migrate keeps the original ids; they may have at most 64 letters, digits, \"_\", \"-\" and \".\", and may not be head, heads, base or current.");
	return false;
}

/*
 * A message from a file-name part: "_" becomes a blank, as the tools
 * themselves show it.  NULL if nothing is left.
 */
char *
imp_message_from_name(const char *s, size_t n)
{
	char	   *m;
	size_t		i;

	imp_span_trim(&s, &n);
	m = pgm_strndup(s, n);
	for (i = 0; i < n; i++)
		if (m[i] == '_')
			m[i] = ' ';
	s = m;
	imp_span_trim(&s, &n);
	if (n == 0)
	{
		free(m);
		return NULL;
	}
	if (s != m)
		memmove(m, s, n);
	m[n] = '\0';
	return m;
}

/*
 * A script as the file format will store it: a line may not start with
 * "-- migrate:" (pgm_format_migration could not write it).  Checked here
 * so that the error names the source file.
 */
bool
imp_check_script(const char *script, const char *path)
{
	Lines		l;

	imp_lines_init(&l, script, strlen(script));
	while (imp_lines_next(&l))
	{
		if (imp_has_prefix(l.line, l.len, "-- migrate:"))
		{
			pgm_error("%s: a line of the script starts with \"-- migrate:\", which the pg_migrate file format reserves for its header",
					  path);
			pgm_hint("Change that comment (for example to \"--  migrate:\") and import again.");
			return false;
		}
	}
	return true;
}

/*
 * The script of a whole SQL file: without a BEGIN/COMMIT wrapper (if
 * strip) and without one final newline, exactly as if the file's text
 * were a "-- migrate:up" section.
 */
char *
imp_file_script(const char *text, bool strip)
{
	char	   *s = strip ? pgm_strip_transaction_wrapper(text, NULL) : pgm_strdup(text);
	size_t		n = strlen(s);

	if (n > 0 && s[n - 1] == '\n')
		s[n - 1] = '\0';
	return s;
}

/*
 * Remove the blank lines at the start and the end of s[0..n), and the
 * final newline; the last line keeps any blanks after its content.
 */
char *
imp_trim_blank_lines(const char *s, size_t n)
{
	const char *end = s + n;
	const char *start = s;
	const char *p;
	const char *q;

	for (p = s; p < end; p++)
	{
		if (*p == '\n')
			start = p + 1;
		else if (!imp_is_blank(*p))
			break;
	}
	if (p >= end)
		return pgm_strdup("");
	q = end;
	while (q > p && (q[-1] == '\n' || imp_is_blank(q[-1])))
		q--;
	while (q < end && *q != '\n' && imp_is_blank(*q))
		q++;
	return pgm_strndup(start, q - start);
}

/* Linear tools: every migration's parent is the one before it. */
void
imp_link_linear(PgmMigrationSet *set, int from)
{
	int			i;

	for (i = from > 0 ? from : 1; i < set->n; i++)
		pgm_list_add(&set->items[i].parents, set->items[i - 1].id);
}

int
imp_find_id(const PgmMigrationSet *set, const char *id)
{
	int			i;

	for (i = 0; i < set->n; i++)
		if (set->items[i].id && strcmp(set->items[i].id, id) == 0)
			return i;
	return -1;
}

int
imp_cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * The server refuses a branch label that is a revision id (its own
 * included) or that two revisions declare; say so here, naming the
 * source.  what: the tool's word for a label.
 */
bool
imp_check_labels(const PgmMigrationSet *set, const char *source, const char *what)
{
	int			i,
				j,
				k;

	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->items[i].branch_labels.n; j++)
		{
			const char *label = set->items[i].branch_labels.items[j];
			int			other = imp_find_id(set, label);

			if (other >= 0)
			{
				pgm_error("%s: %s \"%s\" of \"%s\" has the name of \"%s\"; a pg_migrate branch label may not be a revision id",
						  source, what, label, set->items[i].id, set->items[other].id);
				pgm_hint("Rename the %s or the migration before importing.", what);
				return false;
			}
			for (k = 0; k < i; k++)
				if (pgm_list_contains(&set->items[k].branch_labels, label))
				{
					pgm_error("%s: %s \"%s\" is declared by both \"%s\" and \"%s\"",
							  source, what, label, set->items[k].id, set->items[i].id);
					return false;
				}
		}
	return true;
}

/* ----------------------------------------------------------------
 * Transaction wrappers
 * ----------------------------------------------------------------
 */

/* Is s[0..n) (blanks at its end ignored) exactly one of the words? */
bool
imp_line_is_one_of(const char *s, size_t n, const char *const *words)
{
	while (n > 0 && imp_is_blank(s[n - 1]))
		n--;
	for (; *words; words++)
		if (imp_equal_ci(s, n, *words))
			return true;
	return false;
}

/* A line that is neither blank nor a "--" comment. */
bool
imp_line_is_significant(const char *s, size_t n)
{
	imp_span_trim(&s, &n);
	return n > 0 && !imp_has_prefix(s, n, "--");
}

/*
 * Remove a transaction wrapper: if the first line that is neither blank nor
 * a "--" comment is exactly BEGIN;, BEGIN TRANSACTION; or START
 * TRANSACTION; (any case, blanks may follow), and the last such line is
 * COMMIT; or END;, remove those two lines and nothing else.  Otherwise the
 * result is a copy of script.  *stripped (if not NULL) says which.
 */
char *
pgm_strip_transaction_wrapper(const char *script, bool *stripped)
{
	static const char *const begins[] = {"BEGIN;", "BEGIN TRANSACTION;", "START TRANSACTION;", NULL};
	static const char *const commits[] = {"COMMIT;", "END;", NULL};
	Lines		l;
	const char *first = NULL;
	size_t		first_raw = 0;
	size_t		first_len = 0;
	const char *last = NULL;
	size_t		last_raw = 0;
	size_t		last_len = 0;
	PQExpBufferData b;

	if (stripped)
		*stripped = false;
	imp_lines_init(&l, script, strlen(script));
	while (imp_lines_next(&l))
	{
		if (!imp_line_is_significant(l.line, l.len))
			continue;
		if (first == NULL)
		{
			first = l.line;
			first_len = l.len;
			first_raw = l.rawlen;
		}
		last = l.line;
		last_len = l.len;
		last_raw = l.rawlen;
	}
	if (first == NULL || first == last ||
		!imp_line_is_one_of(first, first_len, begins) ||
		!imp_line_is_one_of(last, last_len, commits))
		return pgm_strdup(script);

	initPQExpBuffer(&b);
	appendBinaryPQExpBuffer(&b, script, first - script);
	appendBinaryPQExpBuffer(&b, first + first_raw, last - (first + first_raw));
	appendPQExpBufferStr(&b, last + last_raw);
	if (stripped)
		*stripped = true;
	return pgm_buf_data(&b);
}

/* ----------------------------------------------------------------
 * import
 * ----------------------------------------------------------------
 */
int
pgm_import(const char *format, const char *source,
		   const PgmImportOptions *opts, PgmMigrationSet *set)
{
	int			rc;
	struct stat st;
	bool		want_dir;

	if (strcmp(format, "dbmate") != 0 && strcmp(format, "golang-migrate") != 0 &&
		strcmp(format, "flyway") != 0 && strcmp(format, "sqitch") != 0 &&
		strcmp(format, "alembic") != 0)
	{
		pgm_error("unknown import format \"%s\"", format);
		pgm_hint("Formats: dbmate, golang-migrate, flyway, sqitch, alembic.");
		return PGM_EXIT_USAGE;
	}
	if (strcmp(format, "alembic") != 0 && opts &&
		(opts->downgrade_sql || opts->versions_dir))
	{
		pgm_error("--downgrade-sql and --versions are only for the alembic format");
		return PGM_EXIT_USAGE;
	}
	if (stat(source, &st) != 0)
	{
		pgm_error("could not find \"%s\": %s", source, strerror(errno));
		return PGM_EXIT_FILES;
	}
	want_dir = strcmp(format, "alembic") != 0 && strcmp(format, "sqitch") != 0;
	if (want_dir && !S_ISDIR(st.st_mode))
	{
		pgm_error("\"%s\" is not a directory", source);
		pgm_hint("SOURCE is the directory of %s's migration files.", format);
		return PGM_EXIT_FILES;
	}
	if (strcmp(format, "alembic") == 0 && S_ISDIR(st.st_mode))
	{
		pgm_error("\"%s\" is a directory", source);
		pgm_hint("SOURCE is the output of \"alembic upgrade base:heads --sql\"; the versions/ directory goes to --versions.");
		return PGM_EXIT_FILES;
	}

	if (strcmp(format, "dbmate") == 0)
		rc = imp_import_dbmate(source, set);
	else if (strcmp(format, "golang-migrate") == 0)
		rc = imp_import_golang(source, set);
	else if (strcmp(format, "flyway") == 0)
		rc = imp_import_flyway(source, set);
	else if (strcmp(format, "sqitch") == 0)
		rc = imp_import_sqitch(source, set);
	else
		rc = imp_import_alembic(source, opts, set);

	if (rc == PGM_EXIT_OK && set->n == 0)
	{
		pgm_error("no %s migrations found in \"%s\"", format, source);
		if (strcmp(format, "dbmate") == 0)
			pgm_hint("dbmate migrations are files named VERSION_name.sql, VERSION being digits.");
		else if (strcmp(format, "golang-migrate") == 0)
			pgm_hint("golang-migrate migrations are files named VERSION_TITLE.up.sql and VERSION_TITLE.down.sql.");
		else if (strcmp(format, "flyway") == 0)
			pgm_hint("Flyway versioned migrations are files named V<version>__<description>.sql.");
		rc = PGM_EXIT_FILES;
	}
	return rc;
}

/* ----------------------------------------------------------------
 * adopt: reading the other tool's history table
 *
 * Every query here only reads.  The table name comes from the user, so it
 * is split at dots and each part quoted with PQescapeIdentifier; values
 * go as parameters.  A missing table is found with to_regclass() first, so
 * that no error aborts the caller's transaction.  The table is then read
 * by its schema-qualified name, and operators are qualified too, as in
 * main.c: the session's search_path may hold objects of other roles.
 * ----------------------------------------------------------------
 */

/* The quoted form of a (possibly schema-qualified) table name, or NULL. */
char *
imp_quote_table(PGconn *conn, const char *table)
{
	PQExpBufferData b;
	const char *p = table;
	int			parts = 0;

	initPQExpBuffer(&b);
	for (;;)
	{
		const char *dot = strchr(p, '.');
		size_t		n = dot ? (size_t) (dot - p) : strlen(p);
		char	   *q;

		if (n == 0 || ++parts > 2)
		{
			pgm_error("invalid table name \"%s\"", table);
			pgm_hint("Give the tool's history table as TABLE or SCHEMA.TABLE.");
			termPQExpBuffer(&b);
			return NULL;
		}
		q = PQescapeIdentifier(conn, p, n);
		if (q == NULL)
		{
			char	   *what = pgm_printf("invalid table name \"%s\"", table);

			pgm_libpq_error(what, PQerrorMessage(conn));
			free(what);
			termPQExpBuffer(&b);
			return NULL;
		}
		appendPQExpBufferStr(&b, q);
		PQfreemem(q);
		if (!dot)
			break;
		appendPQExpBufferStr(&b, ".");
		p = dot + 1;
	}
	return pgm_buf_data(&b);
}

/*
 * Find the table a quoted name means (through the search_path if it has
 * no schema, as the tool itself would) and set *qualified to its quoted
 * schema-qualified name and *schema_prefix to its quoted schema and a dot.
 * Returns 1 if it exists, 0 if not (error printed), -1 if the query
 * failed.
 */
int
imp_resolve_table(PGconn *conn, const char *quoted, const char *shown,
			  const char *format, char **qualified, char **schema_prefix)
{
	const char *params[1] = {quoted};
	PGresult   *res = pgm_query_try(conn,
									"SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
									"JOIN pg_catalog.pg_namespace n "
									"  ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
									"WHERE c.oid OPERATOR(pg_catalog.=) "
									"  pg_catalog.to_regclass($1::pg_catalog.text)::pg_catalog.oid",
									1, params);

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1)
	{
		char	   *nsp = PQescapeIdentifier(conn, PQgetvalue(res, 0, 0),
											 strlen(PQgetvalue(res, 0, 0)));
		char	   *rel = PQescapeIdentifier(conn, PQgetvalue(res, 0, 1),
											 strlen(PQgetvalue(res, 0, 1)));

		PQclear(res);
		if (nsp == NULL || rel == NULL)
		{
			pgm_libpq_error("could not quote a table name", PQerrorMessage(conn));
			PQfreemem(nsp);
			PQfreemem(rel);
			return -1;
		}
		*qualified = pgm_printf("%s.%s", nsp, rel);
		if (schema_prefix)
			*schema_prefix = pgm_printf("%s.", nsp);
		PQfreemem(nsp);
		PQfreemem(rel);
		return 1;
	}
	PQclear(res);
	pgm_error("%s's history table \"%s\" does not exist", format, shown);
	if (strcmp(format, "flyway") == 0)
		pgm_hint("Give the table with --table if it has another name or schema (Flyway before version 5 used \"schema_version\").");
	else if (strcmp(format, "sqitch") == 0)
		pgm_hint("Give the table with --table if Sqitch's registry is not the schema \"sqitch\" (for example --table myregistry.changes).");
	else
		pgm_hint("Give the table with --table if it has another name or is not on the search_path.");
	return 0;
}

/* An id recorded by the tool that the imported set lacks. */
int
imp_missing_id(const char *format, const char *table, const char *id)
{
	pgm_error("%s records %s as applied in \"%s\", but no migration with that id was imported",
			  format, id, table);
	pgm_hint("Its file is missing from the migration directory; import the tool's migrations again (pg_migrate import) before adopting.");
	return PGM_EXIT_FILES;
}

/* Fill applied (in set order) and the tip, from a flag per set position. */
void
imp_collect_applied(const PgmMigrationSet *set, const bool *flags,
				PgmList *applied, PgmList *tips)
{
	int			i;
	int			last = -1;

	for (i = 0; i < set->n; i++)
		if (flags[i])
		{
			pgm_list_add(applied, set->items[i].id);
			last = i;
		}
	if (last >= 0)
		pgm_list_add(tips, set->items[last].id);
}

int
pgm_adopt_read(PGconn *conn, const char *format, const char *table,
			   const char *tool_project, const PgmMigrationSet *set,
			   PgmList *applied, PgmList *tips)
{
	const char *deftable;
	char	   *quoted;
	char	   *qt = NULL;
	char	   *schema = NULL;
	bool	   *flags;
	int			rc;

	if (strcmp(format, "dbmate") == 0 || strcmp(format, "golang-migrate") == 0)
		deftable = "schema_migrations";
	else if (strcmp(format, "flyway") == 0)
		deftable = "flyway_schema_history";
	else if (strcmp(format, "sqitch") == 0)
		deftable = "sqitch.changes";
	else if (strcmp(format, "alembic") == 0)
		deftable = "alembic_version";
	else
	{
		pgm_error("unknown adopt format \"%s\"", format);
		pgm_hint("Formats: dbmate, golang-migrate, flyway, sqitch, alembic.");
		return PGM_EXIT_USAGE;
	}
	if (tool_project && strcmp(format, "sqitch") != 0)
	{
		pgm_error("--tool-project is only for the sqitch format");
		return PGM_EXIT_USAGE;
	}
	if (table == NULL)
		table = deftable;
	quoted = imp_quote_table(conn, table);
	if (quoted == NULL)
		return PGM_EXIT_USAGE;
	rc = imp_resolve_table(conn, quoted, table, format, &qt, &schema);
	free(quoted);
	if (rc != 1)
		return rc < 0 ? PGM_EXIT_SERVER : PGM_EXIT_FILES;

	if (strcmp(format, "alembic") == 0)
	{
		rc = imp_adopt_alembic(conn, qt, table, set, applied, tips);
		free(qt);
		free(schema);
		return rc;
	}

	flags = pgm_malloc((set->n + 1) * sizeof(bool));
	memset(flags, 0, (set->n + 1) * sizeof(bool));
	if (strcmp(format, "dbmate") == 0)
		rc = imp_adopt_dbmate(conn, qt, table, set, flags);
	else if (strcmp(format, "golang-migrate") == 0)
		rc = imp_adopt_golang(conn, qt, table, set, flags);
	else if (strcmp(format, "flyway") == 0)
		rc = imp_adopt_flyway(conn, qt, table, set, flags);
	else
		rc = imp_adopt_sqitch(conn, qt, schema, table, tool_project, set, flags);
	if (rc == PGM_EXIT_OK)
		imp_collect_applied(set, flags, applied, tips);
	free(flags);
	free(qt);
	free(schema);
	return rc;
}
