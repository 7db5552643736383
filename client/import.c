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
 * each importer.  Errors name the source file (and line, where there is
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

#include "pgm.h"

/*
 * The largest file an importer reads: PostgreSQL cannot store a text value
 * of 1 GB or more, so a larger script could never be registered.
 */
#define MAX_SOURCE_FILE ((long long) 1073741823)

/* How deep the Flyway importer descends into subdirectories. */
#define MAX_DIR_DEPTH 32

/* ----------------------------------------------------------------
 * Small helpers
 * ----------------------------------------------------------------
 */

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

static void
lines_init(Lines *l, const char *text, size_t len)
{
	l->p = text;
	l->end = text + len;
	l->line = NULL;
	l->len = l->rawlen = 0;
	l->lineno = 0;
}

static bool
lines_next(Lines *l)
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

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim blanks on both sides of s[0..*n), moving *s. */
static void
span_trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank(**s))
	{
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* Does s[0..n) start with prefix? */
static bool
has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t		pl = strlen(prefix);

	return n >= pl && memcmp(s, prefix, pl) == 0;
}

/* Is s[0..n) equal to word, ignoring ASCII case? */
static bool
equal_ci(const char *s, size_t n, const char *word)
{
	size_t		i;

	if (n != strlen(word))
		return false;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char) s[i]) != tolower((unsigned char) word[i]))
			return false;
	return true;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t		sl = strlen(s);
	size_t		xl = strlen(suffix);

	return sl >= xl && strcmp(s + sl - xl, suffix) == 0;
}

/*
 * Read a source file.  Prints an error and returns NULL for a missing,
 * unreadable, non-regular, oversized or binary (NUL-containing) file.
 */
static char *
read_source(const char *path, size_t *len)
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
static bool
check_id(const char *id, const char *what, const char *where)
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
static char *
message_from_name(const char *s, size_t n)
{
	char	   *m;
	size_t		i;

	span_trim(&s, &n);
	m = pgm_strndup(s, n);
	for (i = 0; i < n; i++)
		if (m[i] == '_')
			m[i] = ' ';
	s = m;
	span_trim(&s, &n);
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
static bool
check_script(const char *script, const char *path)
{
	Lines		l;

	lines_init(&l, script, strlen(script));
	while (lines_next(&l))
	{
		if (has_prefix(l.line, l.len, "-- migrate:"))
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
static char *
file_script(const char *text, bool strip)
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
static char *
trim_blank_lines(const char *s, size_t n)
{
	const char *end = s + n;
	const char *start = s;
	const char *p;
	const char *q;

	for (p = s; p < end; p++)
	{
		if (*p == '\n')
			start = p + 1;
		else if (!is_blank(*p))
			break;
	}
	if (p >= end)
		return pgm_strdup("");
	q = end;
	while (q > p && (q[-1] == '\n' || is_blank(q[-1])))
		q--;
	while (q < end && *q != '\n' && is_blank(*q))
		q++;
	return pgm_strndup(start, q - start);
}

/* Linear tools: every migration's parent is the one before it. */
static void
link_linear(PgmMigrationSet *set, int from)
{
	int			i;

	for (i = from > 0 ? from : 1; i < set->n; i++)
		pgm_list_add(&set->items[i].parents, set->items[i - 1].id);
}

static int
find_id(const PgmMigrationSet *set, const char *id)
{
	int			i;

	for (i = 0; i < set->n; i++)
		if (set->items[i].id && strcmp(set->items[i].id, id) == 0)
			return i;
	return -1;
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * The server refuses a branch label that is a revision id (its own
 * included) or that two revisions declare; say so here, naming the
 * source.  what: the tool's word for a label.
 */
static bool
check_labels(const PgmMigrationSet *set, const char *source, const char *what)
{
	int			i,
				j,
				k;

	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->items[i].branch_labels.n; j++)
		{
			const char *label = set->items[i].branch_labels.items[j];
			int			other = find_id(set, label);

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
static bool
line_is_one_of(const char *s, size_t n, const char *const *words)
{
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	for (; *words; words++)
		if (equal_ci(s, n, *words))
			return true;
	return false;
}

/* A line that is neither blank nor a "--" comment. */
static bool
line_is_significant(const char *s, size_t n)
{
	span_trim(&s, &n);
	return n > 0 && !has_prefix(s, n, "--");
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
	PgmBuf		b;

	if (stripped)
		*stripped = false;
	lines_init(&l, script, strlen(script));
	while (lines_next(&l))
	{
		if (!line_is_significant(l.line, l.len))
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
		!line_is_one_of(first, first_len, begins) ||
		!line_is_one_of(last, last_len, commits))
		return pgm_strdup(script);

	pgm_buf_init(&b);
	pgm_buf_append_len(&b, script, first - script);
	pgm_buf_append_len(&b, first + first_raw, last - (first + first_raw));
	pgm_buf_append(&b, last + last_raw);
	if (stripped)
		*stripped = true;
	return b.data;
}

/* ----------------------------------------------------------------
 * dbmate
 *
 * SOURCE is dbmate's migrations directory (db/migrations by default).
 * dbmate reads the files whose name is digits followed by anything and
 * ".sql" (its pattern ^(\d+).*\.sql$); the leading digits are the version
 * it records in schema_migrations, and it applies the files in name order.
 * The file body is already pg_migrate's format without a header ("--
 * migrate:up" and "-- migrate:down" sections), so it is parsed by
 * pgm_parse_migration and its scripts are exactly what loading the
 * directory directly would give.  The message is the rest of the name,
 * "_" shown as a blank.  Other files are skipped, .sql ones with a warning.
 * ----------------------------------------------------------------
 */

/*
 * dbmate also accepts "--migrate:up" and "--  migrate:down" (its pattern is
 * ^--\s*migrate:up); write such marker lines the canonical way, so that
 * pgm_parse_migration sees them.  Returns NULL if nothing needs changing.
 */
static char *
dbmate_markers(const char *text, size_t len, size_t *newlen)
{
	Lines		l;
	PgmBuf		b;
	bool		changed = false;

	pgm_buf_init(&b);
	lines_init(&l, text, len);
	while (lines_next(&l))
	{
		const char *p = l.line + 2;
		const char *end = l.line + l.len;

		if (has_prefix(l.line, l.len, "--") && !has_prefix(l.line, l.len, "-- migrate:"))
		{
			while (p < end && is_blank(*p))
				p++;
			if ((has_prefix(p, end - p, "migrate:up") &&
				 (p + 10 == end || is_blank(p[10]))) ||
				(has_prefix(p, end - p, "migrate:down") &&
				 (p + 12 == end || is_blank(p[12]))))
			{
				pgm_buf_append(&b, "-- ");
				pgm_buf_append_len(&b, p, l.rawlen - (p - l.line));
				changed = true;
				continue;
			}
		}
		pgm_buf_append_len(&b, l.line, l.rawlen);
	}
	if (!changed)
	{
		pgm_buf_free(&b);
		return NULL;
	}
	*newlen = b.len;
	return b.data;
}

static int
import_dbmate(const char *dir, PgmMigrationSet *set)
{
	PgmList		names = {0};
	int			i;
	int			rc = PGM_EXIT_OK;

	if (!pgm_list_dir(dir, ".sql", &names))
		return PGM_EXIT_FILES;
	for (i = 0; i < names.n && rc == PGM_EXIT_OK; i++)
	{
		const char *name = names.items[i];
		size_t		nd = 0;
		char	   *full;
		char	   *text;
		size_t		len;
		PgmMigration *m;
		char	   *version;
		int			other;

		while (isdigit((unsigned char) name[nd]))
			nd++;
		if (nd == 0)
		{
			pgm_warning("skipping \"%s\": dbmate only reads files whose name starts with a version number",
						name);
			continue;
		}
		full = pgm_path_join(dir, name);
		text = read_source(full, &len);
		if (text == NULL)
		{
			free(full);
			rc = PGM_EXIT_FILES;
			break;
		}
		{
			size_t		nlen;
			char	   *norm = dbmate_markers(text, len, &nlen);

			if (norm)
			{
				free(text);
				text = norm;
				len = nlen;
			}
		}
		version = pgm_strndup(name, nd);
		other = find_id(set, version);
		m = pgm_set_add(set);
		m->path = pgm_strdup(name);
		if (!pgm_parse_migration(full, text, len, m))
			rc = PGM_EXIT_FILES;
		else if (m->has_header)
		{
			pgm_error("%s: the file already has a \"-- migrate:revision\" header", full);
			pgm_hint("This is a pg_migrate directory already: use it with --dir instead of importing it.");
			rc = PGM_EXIT_FILES;
		}
		else if (other >= 0)
		{
			pgm_error("dbmate version %s is used by two files: \"%s\" and \"%s\"",
					  version, set->items[other].path, name);
			pgm_hint("dbmate records only the version; give one of the files another version number.");
			rc = PGM_EXIT_FILES;
		}
		else if (check_id(version, "version", full))
		{
			const char *rest = name + nd;
			size_t		restlen = strlen(rest) - 4; /* less ".sql" */

			/* the id and parents are dbmate's; a message line may stay */
			free(m->id);
			pgm_list_free(&m->parents);
			m->id = version;
			version = NULL;
			if (restlen > 0 && rest[0] == '_')
			{
				rest++;
				restlen--;
			}
			if (m->message == NULL)
				m->message = message_from_name(rest, restlen);
			m->has_header = true;
		}
		else
			rc = PGM_EXIT_FILES;
		free(version);
		free(text);
		free(full);
	}
	pgm_list_free(&names);
	if (rc == PGM_EXIT_OK)
		link_linear(set, 0);
	return rc;
}

/* ----------------------------------------------------------------
 * golang-migrate
 *
 * SOURCE is a directory of VERSION_TITLE.up.sql and VERSION_TITLE.down.sql
 * files (golang-migrate's pattern ^([0-9]+)_(.*)\.(down|up)\.(.*)$ with the
 * .sql extension).  VERSION is an unsigned integer, and golang-migrate
 * stores it as a bigint in schema_migrations, so the id is its decimal
 * form without leading zeros ("0001" is "1").  Migrations apply in
 * numeric order.  Two files for the same version and direction, and a
 * down file without an up file, are errors.  Other .sql files are skipped
 * with a warning.  Output file: VERSION_TITLE.sql.
 * ----------------------------------------------------------------
 */
typedef struct GolangFile
{
	char	   *id;				/* canonical version */
	char	   *up;				/* file names, or NULL */
	char	   *down;
} GolangFile;

static int
cmp_version_num(const char *a, const char *b)
{
	size_t		la = strlen(a);
	size_t		lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int
cmp_golang(const void *a, const void *b)
{
	return cmp_version_num(((const GolangFile *) a)->id,
						   ((const GolangFile *) b)->id);
}

/* "0042" -> "42"; NULL (after an error) if it does not fit a bigint. */
static char *
golang_version(const char *digits, size_t n, const char *file)
{
	while (n > 1 && digits[0] == '0')
	{
		digits++;
		n--;
	}
	if (n > 19 || (n == 19 && memcmp(digits, "9223372036854775807", 19) > 0))
	{
		pgm_error("\"%s\": version %.*s is too large", file, (int) n, digits);
		pgm_hint("golang-migrate stores versions as bigint, so the largest is 9223372036854775807.");
		return NULL;
	}
	return pgm_strndup(digits, n);
}

static int
import_golang(const char *dir, PgmMigrationSet *set)
{
	PgmList		names = {0};
	GolangFile *files = NULL;
	int			nfiles = 0;
	int			i;
	int			rc = PGM_EXIT_OK;

	if (!pgm_list_dir(dir, ".sql", &names))
		return PGM_EXIT_FILES;
	if (names.n > 0)
		files = pgm_malloc(names.n * sizeof(GolangFile));

	for (i = 0; i < names.n && rc == PGM_EXIT_OK; i++)
	{
		const char *name = names.items[i];
		size_t		nl = strlen(name);
		size_t		nd = 0;
		bool		up;
		char	   *id;
		int			j;

		while (isdigit((unsigned char) name[nd]))
			nd++;
		up = ends_with(name, ".up.sql");
		if (nd == 0 || name[nd] != '_' || (!up && !ends_with(name, ".down.sql")) ||
			nl < nd + 1 + (up ? 7 : 9))
		{
			pgm_warning("skipping \"%s\": not a golang-migrate file name (VERSION_TITLE.up.sql or VERSION_TITLE.down.sql)",
						name);
			continue;
		}
		id = golang_version(name, nd, name);
		if (id == NULL)
		{
			rc = PGM_EXIT_FILES;
			break;
		}
		for (j = 0; j < nfiles; j++)
			if (strcmp(files[j].id, id) == 0)
				break;
		if (j == nfiles)
		{
			files[nfiles].id = id;
			files[nfiles].up = files[nfiles].down = NULL;
			nfiles++;
		}
		else
			free(id);
		if ((up ? files[j].up : files[j].down) != NULL)
		{
			pgm_error("golang-migrate version %s has two %s files: \"%s\" and \"%s\"",
					  files[j].id, up ? "up" : "down",
					  up ? files[j].up : files[j].down, name);
			pgm_hint("golang-migrate refuses duplicate versions too; renumber one of them.");
			rc = PGM_EXIT_FILES;
			break;
		}
		if (up)
			files[j].up = pgm_strdup(name);
		else
			files[j].down = pgm_strdup(name);
	}

	for (i = 0; i < nfiles && rc == PGM_EXIT_OK; i++)
		if (files[i].up == NULL)
		{
			pgm_error("\"%s\" has no up file", files[i].down);
			pgm_hint("Every golang-migrate version needs a VERSION_TITLE.up.sql file.");
			rc = PGM_EXIT_FILES;
		}

	if (rc == PGM_EXIT_OK && nfiles > 1)
		qsort(files, nfiles, sizeof(GolangFile), cmp_golang);

	for (i = 0; i < nfiles && rc == PGM_EXIT_OK; i++)
	{
		GolangFile *f = &files[i];
		size_t		nd = strspn(f->up, "0123456789");
		const char *title = f->up + nd + 1;
		size_t		tlen = strlen(title) - 7;	/* less ".up.sql" */
		char	   *full;
		char	   *text;
		size_t		len;
		PgmMigration *m;

		if (!check_id(f->id, "version", f->up))
		{
			rc = PGM_EXIT_FILES;
			break;
		}
		m = pgm_set_add(set);
		m->id = pgm_strdup(f->id);
		m->message = message_from_name(title, tlen);
		m->path = pgm_printf("%.*s.sql", (int) (strlen(f->up) - 7), f->up);
		m->has_header = true;

		full = pgm_path_join(dir, f->up);
		text = read_source(full, &len);
		if (text == NULL)
			rc = PGM_EXIT_FILES;
		else
		{
			m->up = file_script(text, true);
			if (!check_script(m->up, full))
				rc = PGM_EXIT_FILES;
		}
		free(text);
		free(full);
		if (rc != PGM_EXIT_OK || f->down == NULL)
			continue;
		full = pgm_path_join(dir, f->down);
		text = read_source(full, &len);
		if (text == NULL)
			rc = PGM_EXIT_FILES;
		else
		{
			m->down = file_script(text, true);
			if (!check_script(m->down, full))
				rc = PGM_EXIT_FILES;
		}
		free(text);
		free(full);
	}

	for (i = 0; i < nfiles; i++)
	{
		free(files[i].id);
		free(files[i].up);
		free(files[i].down);
	}
	free(files);
	pgm_list_free(&names);
	if (rc == PGM_EXIT_OK)
		link_linear(set, 0);
	return rc;
}

/* ----------------------------------------------------------------
 * Flyway
 *
 * SOURCE is a Flyway location: a directory searched recursively, as
 * Flyway does, for files ending in .sql.
 *
 *	V<version>__<description>.sql	versioned migration: imported
 *	U<version>__<description>.sql	undo migration: the down script of V
 *	R__<description>.sql			repeatable migration: refused
 *	B<version>__<description>.sql	baseline migration (Flyway Teams):
 *									skipped with a warning; the V files
 *									before it hold the same schema
 *	anything else					skipped with a warning (callbacks such
 *									as beforeMigrate.sql are not imported)
 *
 * A version is digits separated by "." or "_"; Flyway records it with "_"
 * replaced by "." (V1_2__x.sql is version 1.2 in flyway_schema_history),
 * and that string is the id.  Versions compare as numbers part by part,
 * trailing zero parts ignored (1.10 after 1.9; 1.0 equals 1, so two files
 * with those versions are duplicates).  The description ("_" shown as a
 * blank) is the message.  Flyway's placeholders (${name}) are not
 * replaced; a script that uses one is imported as it is, with a warning.
 * Output file: the V file's name.
 * ----------------------------------------------------------------
 */
typedef struct FlywayFile
{
	char	   *version;		/* normalized: "_" replaced by "." */
	char	   *rel;			/* path relative to SOURCE */
	char	   *name;			/* file name */
	char	   *desc;			/* message, or NULL */
	char	   *undo;			/* relative path of the U file, or NULL */
} FlywayFile;

/* The next numeric part of a Flyway version, leading zeros skipped. */
static const char *
flyway_part(const char *p, size_t *n)
{
	const char *q;

	while (*p == '0' && isdigit((unsigned char) p[1]))
		p++;
	q = p;
	while (isdigit((unsigned char) *q))
		q++;
	*n = q - p;
	return p;
}

/*
 * Compare two normalized Flyway versions as Flyway does: part by part as
 * (unbounded) integers, a missing part counting as zero.
 */
static int
flyway_vercmp(const char *a, const char *b)
{
	while (*a || *b)
	{
		size_t		na = 1,
					nb = 1;
		const char *pa = "0";
		const char *pb = "0";
		int			c;

		if (*a)
		{
			pa = flyway_part(a, &na);
			a = pa + na;
			if (*a == '.')
				a++;
		}
		if (*b)
		{
			pb = flyway_part(b, &nb);
			b = pb + nb;
			if (*b == '.')
				b++;
		}
		if (na != nb)
			return na < nb ? -1 : 1;
		c = memcmp(pa, pb, na);
		if (c != 0)
			return c < 0 ? -1 : 1;
	}
	return 0;
}

static int
cmp_flyway(const void *a, const void *b)
{
	return flyway_vercmp(((const FlywayFile *) a)->version,
						 ((const FlywayFile *) b)->version);
}

/*
 * Flyway's version syntax: digits, separated by single "." or "_".
 * Returns the normalized version, or NULL if s[0..n) is not one.
 */
static char *
flyway_version(const char *s, size_t n)
{
	char	   *v;
	size_t		i;

	if (n == 0 || !isdigit((unsigned char) s[0]) || !isdigit((unsigned char) s[n - 1]))
		return NULL;
	for (i = 0; i < n; i++)
	{
		if (isdigit((unsigned char) s[i]))
			continue;
		if ((s[i] == '.' || s[i] == '_') && isdigit((unsigned char) s[i + 1]))
			continue;
		return NULL;
	}
	v = pgm_strndup(s, n);
	for (i = 0; i < n; i++)
		if (v[i] == '_')
			v[i] = '.';
	return v;
}

/* The directories being walked, to notice a symbolic link loop. */
typedef struct DirStack
{
	dev_t		dev[MAX_DIR_DEPTH + 1];
	ino_t		ino[MAX_DIR_DEPTH + 1];
	int			n;
} DirStack;

/*
 * Collect the .sql files below top (paths relative to it), skipping hidden
 * entries and directories already being walked (a link loop).  Returns
 * false after printing an error.
 */
static bool
walk_sql_files(const char *top, const char *rel, DirStack *stack, PgmList *out)
{
	char	   *path = rel ? pgm_path_join(top, rel) : pgm_strdup(top);
	DIR		   *d;
	struct dirent *de;
	struct stat st;
	bool		ok = true;
	int			i;

	if (stat(path, &st) != 0)
	{
		pgm_error("could not read directory \"%s\": %s", path, strerror(errno));
		free(path);
		return false;
	}
	for (i = 0; i < stack->n; i++)
		if (stack->dev[i] == st.st_dev && stack->ino[i] == st.st_ino)
		{
			pgm_warning("skipping \"%s\": a link back to a directory above it", path);
			free(path);
			return true;
		}
	if (stack->n > MAX_DIR_DEPTH)
	{
		pgm_error("directory \"%s\" is nested too deeply", path);
		free(path);
		return false;
	}
	d = opendir(path);
	if (d == NULL)
	{
		pgm_error("could not read directory \"%s\": %s", path, strerror(errno));
		free(path);
		return false;
	}
	stack->dev[stack->n] = st.st_dev;
	stack->ino[stack->n] = st.st_ino;
	stack->n++;
	while (ok && (de = readdir(d)) != NULL)
	{
		char	   *sub;
		char	   *full;

		if (de->d_name[0] == '.')
			continue;
		sub = rel ? pgm_path_join(rel, de->d_name) : pgm_strdup(de->d_name);
		full = pgm_path_join(top, sub);
		if (stat(full, &st) != 0)
			;					/* dangling link: not a migration */
		else if (pgm_has_control(de->d_name) &&
				 (S_ISDIR(st.st_mode) ||
				  (S_ISREG(st.st_mode) && ends_with(de->d_name, ".sql"))))
		{
			/* as pgm_list_dir: such a name could forge lines of output */
			const char *what = S_ISDIR(st.st_mode) ? "directory" : "file";

			pgm_error("refusing %s \"%s\": its name contains a control character",
					  what, full);
			pgm_hint("Rename the %s: control characters in file names could forge lines in messages and in generated SQL.",
					 what);
			ok = false;
		}
		else if (S_ISDIR(st.st_mode))
			ok = walk_sql_files(top, sub, stack, out);
		else if (S_ISREG(st.st_mode) && ends_with(de->d_name, ".sql"))
			pgm_list_add(out, sub);
		free(full);
		free(sub);
	}
	stack->n--;
	closedir(d);
	free(path);
	return ok;
}

/* Warn about Flyway placeholders: "${" followed by a name and "}". */
static void
warn_placeholders(const char *script, const char *path)
{
	const char *p = script;

	while ((p = strstr(p, "${")) != NULL)
	{
		const char *q = p + 2;

		while (isalnum((unsigned char) *q) || *q == '_' || *q == ':' || *q == '.' || *q == '-')
			q++;
		if (*q == '}' && q > p + 2)
		{
			pgm_warning("\"%s\" uses the Flyway placeholder %.*s, which is imported as it is",
						path, (int) (q - p + 1), p);
			pgm_hint("pg_migrate does not replace placeholders; write the value into the imported file.");
			return;
		}
		p += 2;
	}
}

static int
import_flyway(const char *dir, PgmMigrationSet *set)
{
	PgmList		rels = {0};
	FlywayFile *files = NULL;
	int			nfiles = 0;
	FlywayFile *undos = NULL;
	int			nundos = 0;
	int			i;
	int			rc = PGM_EXIT_OK;
	DirStack	stack;

	stack.n = 0;
	if (!walk_sql_files(dir, NULL, &stack, &rels))
	{
		pgm_list_free(&rels);
		return PGM_EXIT_FILES;
	}
	if (rels.n > 1)
		qsort(rels.items, rels.n, sizeof(char *), cmp_strp);
	if (rels.n > 0)
	{
		files = pgm_malloc(rels.n * sizeof(FlywayFile));
		undos = pgm_malloc(rels.n * sizeof(FlywayFile));
	}

	for (i = 0; i < rels.n && rc == PGM_EXIT_OK; i++)
	{
		const char *rel = rels.items[i];
		const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
		size_t		stem = strlen(name) - 4;	/* less ".sql" */
		const char *sep;
		size_t		vlen;
		char	   *version;
		FlywayFile *f;

		if (name[0] == 'R' && has_prefix(name + 1, stem - 1, "__"))
		{
			pgm_error("\"%s\": repeatable migrations (R__...) are not supported yet", rel);
			pgm_hint("Move the file out of the directory and re-create what it defines in a versioned migration, or run it yourself after each upgrade.");
			rc = PGM_EXIT_FILES;
			break;
		}
		if (name[0] != 'V' && name[0] != 'U' && name[0] != 'B')
		{
			pgm_warning("skipping \"%s\": not a Flyway versioned or undo migration (V<version>__<description>.sql)",
						rel);
			continue;
		}
		sep = strstr(name + 1, "__");
		if (sep != NULL && sep >= name + stem)
			sep = NULL;
		vlen = (sep ? sep : name + stem) - (name + 1);
		version = flyway_version(name + 1, vlen);
		if (version == NULL)
		{
			pgm_error("\"%s\": \"%.*s\" is not a Flyway version", rel, (int) vlen, name + 1);
			pgm_hint("Flyway migration names look like V1.2__description.sql: a version of digits separated by \".\" or \"_\", two underscores, a description.");
			rc = PGM_EXIT_FILES;
			break;
		}
		if (name[0] == 'B')
		{
			pgm_warning("skipping \"%s\": baseline migrations are not imported; the versioned migrations up to %s are",
						rel, version);
			free(version);
			continue;
		}
		f = name[0] == 'V' ? &files[nfiles++] : &undos[nundos++];
		f->version = version;
		f->rel = pgm_strdup(rel);
		f->name = pgm_strdup(name);
		f->desc = sep ? message_from_name(sep + 2, (name + stem) - (sep + 2)) : NULL;
		f->undo = NULL;
	}

	if (rc == PGM_EXIT_OK && nfiles > 1)
	{
		qsort(files, nfiles, sizeof(FlywayFile), cmp_flyway);
		for (i = 1; i < nfiles; i++)
			if (flyway_vercmp(files[i - 1].version, files[i].version) == 0)
			{
				pgm_error("\"%s\" and \"%s\" have the same Flyway version (%s and %s)",
						  files[i - 1].rel, files[i].rel, files[i - 1].version,
						  files[i].version);
				pgm_hint("Flyway refuses this too; renumber one of them.");
				rc = PGM_EXIT_FILES;
				break;
			}
	}
	for (i = 0; i < nundos && rc == PGM_EXIT_OK; i++)
	{
		int			j;

		for (j = 0; j < nfiles; j++)
			if (flyway_vercmp(files[j].version, undos[i].version) == 0)
				break;
		if (j == nfiles)
		{
			pgm_error("\"%s\": undo migration for version %s, but there is no versioned migration V%s",
					  undos[i].rel, undos[i].version, undos[i].version);
			rc = PGM_EXIT_FILES;
		}
		else if (files[j].undo != NULL)
		{
			pgm_error("Flyway version %s has two undo migrations: \"%s\" and \"%s\"",
					  files[j].version, files[j].undo, undos[i].rel);
			rc = PGM_EXIT_FILES;
		}
		else
			files[j].undo = undos[i].rel;
	}

	for (i = 0; i < nfiles && rc == PGM_EXIT_OK; i++)
	{
		FlywayFile *f = &files[i];
		PgmMigration *m;
		char	   *full;
		char	   *text;
		size_t		len;

		if (!check_id(f->version, "version", f->rel))
		{
			rc = PGM_EXIT_FILES;
			break;
		}
		m = pgm_set_add(set);
		m->id = pgm_strdup(f->version);
		m->message = f->desc ? pgm_strdup(f->desc) : NULL;
		m->path = pgm_strdup(f->name);
		m->has_header = true;

		full = pgm_path_join(dir, f->rel);
		text = read_source(full, &len);
		if (text == NULL)
			rc = PGM_EXIT_FILES;
		else
		{
			m->up = file_script(text, true);
			if (!check_script(m->up, full))
				rc = PGM_EXIT_FILES;
			else
				warn_placeholders(m->up, full);
		}
		free(text);
		free(full);
		if (rc != PGM_EXIT_OK || f->undo == NULL)
			continue;
		full = pgm_path_join(dir, f->undo);
		text = read_source(full, &len);
		if (text == NULL)
			rc = PGM_EXIT_FILES;
		else
		{
			m->down = file_script(text, true);
			if (!check_script(m->down, full))
				rc = PGM_EXIT_FILES;
			else
				warn_placeholders(m->down, full);
		}
		free(text);
		free(full);
	}

	for (i = 0; i < nfiles; i++)
	{
		free(files[i].version);
		free(files[i].rel);
		free(files[i].name);
		free(files[i].desc);
	}
	for (i = 0; i < nundos; i++)
	{
		free(undos[i].version);
		free(undos[i].rel);
		free(undos[i].name);
		free(undos[i].desc);
	}
	free(files);
	free(undos);
	pgm_list_free(&rels);
	if (rc == PGM_EXIT_OK)
		link_linear(set, 0);
	return rc;
}

/* ----------------------------------------------------------------
 * Sqitch
 *
 * SOURCE is the directory holding sqitch.plan, or the plan file itself;
 * scripts are deploy/<change>.sql (required) and revert/<change>.sql
 * (optional) next to the plan, as in Sqitch's default layout (verify/ is
 * not imported).  The plan:
 *
 *	%syntax-version=1.0.0			pragmas; %project names the project
 *	%project=flipr
 *									blank lines and "# comments" anywhere
 *	appschema 2013-12-30T23:19:06Z Marge N. <marge@example.com> # Add schema
 *	users [appschema !olduser] 2013-12-30T23:20:01Z Marge N. <marge@example.com>
 *	@v1.0 2013-12-31T00:00:00Z Marge N. <marge@example.com> # Tag v1.0
 *
 * A change line is a name, optional [dependencies], the time and the
 * planner, and a "#" note (the message; "\n" in it starts a new line).  A
 * tag line names the change before it; its tags become that revision's
 * branch labels, so "v1.0" is a target as it was in Sqitch.  Dependencies
 * become depends_on: "change", "change@tag" (the tag only says which
 * version, so it is dropped), "@tag" (the tagged change) and
 * "project:change" for this plan's own project; other projects' changes
 * and change ids are refused, and conflicts ("!change") are ignored with a
 * warning.  A change planned twice (reworked) and a "-change" line
 * (revert) are refused.  The revisions form a chain in plan order.  Output
 * file: NNNN_<change>.sql, NNNN the position in the plan.
 * ----------------------------------------------------------------
 */

/* Sqitch note escapes: "\n" (a new line), "\r" (dropped), "\\". */
static char *
sqitch_note(const char *s, size_t n)
{
	PgmBuf		b;
	size_t		i;

	span_trim(&s, &n);
	pgm_buf_init(&b);
	for (i = 0; i < n; i++)
	{
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' || s[i + 1] == 'r' || s[i + 1] == '\\'))
		{
			i++;
			if (s[i] == 'n')
				pgm_buf_append_len(&b, "\n", 1);
			else if (s[i] == '\\')
				pgm_buf_append_len(&b, "\\", 1);
			continue;
		}
		pgm_buf_append_len(&b, &s[i], 1);
	}
	/* Sqitch trims vertical space around a note */
	while (b.len > 0 && (b.data[b.len - 1] == '\n' || is_blank(b.data[b.len - 1])))
		b.data[--b.len] = '\0';
	if (b.len == 0 || b.data[strspn(b.data, "\n \t")] == '\0')
	{
		pgm_buf_free(&b);
		return NULL;
	}
	if (b.data[0] == '\n')
	{
		char	   *t = pgm_strdup(b.data + strspn(b.data, "\n"));

		pgm_buf_free(&b);
		return t;
	}
	return b.data;
}

/* Is s[0..n) a Sqitch change id (40 hexadecimal digits)? */
static bool
is_sha1(const char *s, size_t n)
{
	size_t		i;

	if (n != 40)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char) s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/*
 * One dependency of a change.  Adds the revision it names to m->depends_on
 * or returns false after an error.
 */
static bool
sqitch_dependency(const char *plan, int lineno, const char *project,
				  PgmMigrationSet *set, int self, const char *dep, size_t n)
{
	PgmMigration *m = &set->items[self];
	const char *colon = memchr(dep, ':', n);
	const char *at;
	char	   *change;
	char	   *where = pgm_printf("%s:%d", plan, lineno);
	int			idx;
	int			i;

	if (n > 0 && dep[0] == '!')
	{
		pgm_warning("%s: change \"%s\" conflicts with \"%.*s\"; pg_migrate does not check conflicts, so this is ignored",
					where, m->id, (int) (n - 1), dep + 1);
		free(where);
		return true;
	}
	if (colon)
	{
		size_t		pl = colon - dep;

		if (project == NULL || strlen(project) != pl || memcmp(dep, project, pl) != 0)
		{
			pgm_error("%s: change \"%s\" requires \"%.*s\" from another project; dependencies between Sqitch projects are not supported",
					  where, m->id, (int) n, dep);
			pgm_hint("Import both projects into one pg_migrate project, or remove the dependency from the plan.");
			free(where);
			return false;
		}
		n -= pl + 1;
		dep = colon + 1;
	}
	if (is_sha1(dep, n))
	{
		pgm_error("%s: change \"%s\" requires the change id %.*s; dependencies on Sqitch change ids are not supported",
				  where, m->id, (int) n, dep);
		pgm_hint("Name the change instead of its id in the plan.");
		free(where);
		return false;
	}
	at = memchr(dep, '@', n);
	if (at == dep)
	{
		/* "@tag": the change that carries the tag */
		char	   *tag = pgm_strndup(dep + 1, n - 1);

		idx = -1;
		for (i = 0; i < self && idx < 0; i++)
			if (pgm_list_contains(&set->items[i].branch_labels, tag))
				idx = i;
		if (idx < 0)
		{
			pgm_error("%s: change \"%s\" requires tag \"@%s\", which is not declared earlier in the plan",
					  where, m->id, tag);
			free(tag);
			free(where);
			return false;
		}
		free(tag);
	}
	else
	{
		change = pgm_strndup(dep, at ? (size_t) (at - dep) : n);
		idx = find_id(set, change);
		if (idx < 0 || idx >= self)
		{
			pgm_error("%s: change \"%s\" requires \"%s\", which is not planned before it",
					  where, m->id, change);
			free(change);
			free(where);
			return false;
		}
		free(change);
	}
	if (!pgm_list_contains(&m->depends_on, set->items[idx].id))
		pgm_list_add(&m->depends_on, set->items[idx].id);
	free(where);
	return true;
}

/* Read one script of a change; NULL if it is missing (and !required). */
static bool
sqitch_script(const char *top, const char *kind, const char *change,
			  bool required, char **out)
{
	char	   *rel = pgm_printf("%s/%s.sql", kind, change);
	char	   *full = pgm_path_join(top, rel);
	struct stat st;
	char	   *text;
	size_t		len;
	bool		ok = true;

	*out = NULL;
	if (stat(full, &st) != 0 && errno == ENOENT)
	{
		if (required)
		{
			pgm_error("change \"%s\" has no deploy script: \"%s\" does not exist", change, full);
			pgm_hint("pg_migrate reads Sqitch's default layout: deploy/, revert/ and sqitch.plan in one directory, scripts ending in .sql.");
			ok = false;
		}
	}
	else if ((text = read_source(full, &len)) == NULL)
		ok = false;
	else
	{
		*out = file_script(text, true);
		if (!check_script(*out, full))
			ok = false;
		free(text);
	}
	free(rel);
	free(full);
	return ok;
}

static int
import_sqitch(const char *source, PgmMigrationSet *set)
{
	char	   *plan;
	char	   *top;
	char	   *text;
	size_t		len;
	Lines		l;
	char	   *project = NULL;
	int			rc = PGM_EXIT_OK;
	int			i;

	if (pgm_is_dir(source))
	{
		plan = pgm_path_join(source, "sqitch.plan");
		top = pgm_strdup(source);
	}
	else
	{
		const char *slash = strrchr(source, '/');

		plan = pgm_strdup(source);
		top = slash ? pgm_strndup(source, slash == source ? 1 : (size_t) (slash - source)) : pgm_strdup(".");
	}
	text = read_source(plan, &len);
	if (text == NULL)
	{
		if (pgm_is_dir(source))
			pgm_hint("SOURCE is the directory of sqitch.plan, or the plan file itself.");
		free(plan);
		free(top);
		return PGM_EXIT_FILES;
	}

	lines_init(&l, text, len);
	while (rc == PGM_EXIT_OK && lines_next(&l))
	{
		const char *s = l.line;
		size_t		n = l.len;
		const char *hash;
		const char *note = NULL;
		size_t		notelen = 0;
		const char *name;
		size_t		namelen;
		bool		tag;
		char	   *where;

		span_trim(&s, &n);
		if (n == 0 || s[0] == '#')
			continue;
		hash = memchr(s, '#', n);
		if (hash)
		{
			note = hash + 1;
			notelen = n - (note - s);
			n = hash - s;
			span_trim(&s, &n);
		}
		where = pgm_printf("%s:%d", plan, l.lineno);
		if (s[0] == '%')
		{
			const char *eq = memchr(s, '=', n);
			const char *pn = s + 1;
			size_t		pnl = (eq ? eq : s + n) - pn;

			span_trim(&pn, &pnl);
			if (pnl == 7 && memcmp(pn, "project", 7) == 0)
			{
				const char *v = eq ? eq + 1 : s + n;
				size_t		vl = (s + n) - v;

				span_trim(&v, &vl);
				free(project);
				project = pgm_strndup(v, vl);
			}
			free(where);
			continue;
		}
		if (s[0] == '-')
		{
			pgm_error("%s: the plan reverts a change (a line starting with \"-\"), which is not supported", where);
			pgm_hint("Remove the change and its revert line from the plan before importing.");
			rc = PGM_EXIT_FILES;
			free(where);
			break;
		}
		if (s[0] == '+')
		{
			s++;
			n--;
			span_trim(&s, &n);
		}
		tag = n > 0 && s[0] == '@';
		name = tag ? s + 1 : s;
		namelen = 0;
		while (name + namelen < s + n && !is_blank(name[namelen]) &&
			   !(name[namelen] == '[' && !tag))
			namelen++;
		if (namelen == 0)
		{
			pgm_error("%s: a line without a change or tag name", where);
			rc = PGM_EXIT_FILES;
			free(where);
			break;
		}
		if (tag)
		{
			char	   *label = pgm_strndup(name, namelen);

			if (set->n == 0)
			{
				pgm_error("%s: tag \"@%s\" before the first change", where, label);
				rc = PGM_EXIT_FILES;
			}
			else if (!check_id(label, "tag", where))
				rc = PGM_EXIT_FILES;
			else
			{
				for (i = 0; i < set->n; i++)
					if (pgm_list_contains(&set->items[i].branch_labels, label))
						break;
				if (i < set->n)
				{
					pgm_error("%s: tag \"@%s\" is declared twice", where, label);
					rc = PGM_EXIT_FILES;
				}
				else
					pgm_list_add(&set->items[set->n - 1].branch_labels, label);
			}
			free(label);
		}
		else
		{
			char	   *change = pgm_strndup(name, namelen);
			int			prev = find_id(set, change);

			if (project == NULL)
			{
				pgm_error("%s: a change before the %%project pragma", where);
				pgm_hint("A Sqitch plan starts with %%syntax-version and %%project lines, and a blank line.");
				rc = PGM_EXIT_FILES;
			}
			else if (prev >= 0)
			{
				pgm_error("%s: change \"%s\" is planned a second time: reworked changes are not supported yet",
						  where, change);
				pgm_hint("Sqitch keeps the earlier version of a reworked change as deploy/%s@TAG.sql; pg_migrate needs one script per id. Import the plan as it was before the rework, and write the rework as a new change.",
						 change);
				rc = PGM_EXIT_FILES;
			}
			else if (!check_id(change, "change", where))
				rc = PGM_EXIT_FILES;
			else
			{
				PgmMigration *m = pgm_set_add(set);
				const char *d = name + namelen;
				const char *rest_end = s + n;
				int			self = set->n - 1;

				m->id = pgm_strdup(change);
				m->path = pgm_printf("%04d_%s.sql", set->n, change);
				m->message = note ? sqitch_note(note, notelen) : NULL;
				m->has_header = true;

				while (d < rest_end && is_blank(*d))
					d++;
				if (d < rest_end && *d == '[')
				{
					const char *close = memchr(d, ']', rest_end - d);
					const char *p;

					if (close == NULL)
					{
						pgm_error("%s: \"[\" without \"]\" in the dependencies of change \"%s\"",
								  where, change);
						rc = PGM_EXIT_FILES;
					}
					p = d + 1;
					while (rc == PGM_EXIT_OK && p < close)
					{
						const char *q;

						while (p < close && is_blank(*p))
							p++;
						q = p;
						while (q < close && !is_blank(*q))
							q++;
						if (q > p &&
							!sqitch_dependency(plan, l.lineno, project, set, self,
											   p, q - p))
							rc = PGM_EXIT_FILES;
						p = q;
					}
				}
			}
			free(change);
		}
		free(where);
	}
	free(text);

	if (rc == PGM_EXIT_OK && !check_labels(set, plan, "tag"))
		rc = PGM_EXIT_FILES;
	for (i = 0; i < set->n && rc == PGM_EXIT_OK; i++)
	{
		PgmMigration *m = &set->items[i];

		if (!sqitch_script(top, "deploy", m->id, true, &m->up) ||
			!sqitch_script(top, "revert", m->id, false, &m->down))
			rc = PGM_EXIT_FILES;
	}
	if (rc == PGM_EXIT_OK && set->n == 0)
	{
		pgm_error("no changes in \"%s\"", plan);
		rc = PGM_EXIT_FILES;
	}
	free(project);
	free(plan);
	free(top);
	if (rc == PGM_EXIT_OK)
		link_linear(set, 0);
	return rc;
}

/* ----------------------------------------------------------------
 * Alembic
 *
 * SOURCE is the offline SQL of "alembic upgrade base:heads --sql" (for a
 * single head, "alembic upgrade head --sql" is the same).  Alembic writes
 * each step after a comment line
 *
 *		-- Running upgrade <parents, comma-separated> -> <revision>
 *
 * ("-- Running upgrade  -> 1975ea83b712", with two blanks, for a root;
 * "-- Running upgrade a1, b2 -> c3" for a merge; dependencies are not
 * listed), followed by the step's statements and the bookkeeping of its
 * version table, and wraps the whole (or, with transaction_per_migration,
 * each step) in BEGIN; ... COMMIT;.  The bookkeeping is removed: CREATE
 * TABLE of the version table (recognized by its version_num column, so a
 * version_table setting is followed), INSERT INTO, UPDATE and DELETE FROM
 * it, DROP TABLE of it (older Alembic versions end a downgrade to base
 * with that), and every BEGIN; and COMMIT; line outside quoted text,
 * which also covers the COMMIT/BEGIN pair an autocommit_block() writes.
 * What is left of a step, less blank lines at either end, is its script.
 * Alembic's own order of the steps is the set's order.
 *
 * Down scripts come from --downgrade-sql, the output of "alembic
 * downgrade <head>:base --sql": blocks "-- Running downgrade <revision>
 * -> <parents>".  Alembic refuses "heads:base" when there are several
 * heads, so the outputs for each head may be concatenated; a revision
 * that appears twice must have the same SQL both times.  A revision
 * missing from it is irreversible, with a warning; without the option
 * every revision is.
 *
 * The offline SQL has no messages, branch labels or dependencies; with
 * --versions (the versions/ directory) the revision files' headers supply
 * them: revision, down_revision, branch_labels and depends_on assignments
 * (plain or annotated: "down_revision: Union[str, None] = 'a1'"; None, a
 * string, or a tuple or list of strings), and the first paragraph of the
 * module docstring as the message (what "alembic history" shows).  Their
 * parents must agree with the SQL.  Output file: NNNN_<revision>.sql.
 * ----------------------------------------------------------------
 */

/* Where a position in SQL text is, for finding lines outside quotes. */
typedef enum ScanState
{
	SCAN_NORMAL,
	SCAN_SQUOTE,				/* '...' */
	SCAN_DQUOTE,				/* "..." */
	SCAN_COMMENT,				/* slash-star comment, possibly nested */
	SCAN_DOLLAR					/* $tag$...$tag$ */
} ScanState;

typedef struct SqlScan
{
	ScanState	state;
	bool		backslash;		/* E'...': backslash escapes */
	int			depth;			/* comment nesting */
	const char *tag;			/* dollar quote delimiter, in the text */
	size_t		taglen;
} SqlScan;

static bool
ident_char(char c)
{
	return isalnum((unsigned char) c) || c == '_' || c == '$' ||
		(unsigned char) c >= 0x80;
}

/*
 * Advance the scanner over one line, text[from..to).  base is the start of
 * the text, so that the character before a quote can be looked at.
 */
static void
sql_scan_line(SqlScan *s, const char *base, const char *p, const char *end)
{
	while (p < end)
	{
		switch (s->state)
		{
			case SCAN_NORMAL:
				if (p[0] == '-' && p + 1 < end && p[1] == '-')
					return;		/* a comment to the end of the line */
				if (p[0] == '/' && p + 1 < end && p[1] == '*')
				{
					s->state = SCAN_COMMENT;
					s->depth = 1;
					p += 2;
					continue;
				}
				if (*p == '\'')
				{
					s->state = SCAN_SQUOTE;
					s->backslash = p > base && (p[-1] == 'E' || p[-1] == 'e') &&
						!(p - 1 > base && ident_char(p[-2]));
					p++;
					continue;
				}
				if (*p == '"')
				{
					s->state = SCAN_DQUOTE;
					p++;
					continue;
				}
				if (*p == '$' && !(p > base && ident_char(p[-1])))
				{
					const char *q = p + 1;

					if (q < end && !isdigit((unsigned char) *q))
						while (q < end && ident_char(*q) && *q != '$')
							q++;
					if (q < end && *q == '$')
					{
						s->state = SCAN_DOLLAR;
						s->tag = p;
						s->taglen = q - p + 1;
						p = q + 1;
						continue;
					}
				}
				p++;
				break;
			case SCAN_SQUOTE:
				if (*p == '\\' && s->backslash)
					p += (p + 1 < end) ? 2 : 1;
				else if (*p == '\'')
				{
					if (p + 1 < end && p[1] == '\'')
						p += 2;
					else
					{
						s->state = SCAN_NORMAL;
						p++;
					}
				}
				else
					p++;
				break;
			case SCAN_DQUOTE:
				if (*p == '"')
					s->state = SCAN_NORMAL;
				p++;
				break;
			case SCAN_COMMENT:
				if (p[0] == '*' && p + 1 < end && p[1] == '/')
				{
					if (--s->depth == 0)
						s->state = SCAN_NORMAL;
					p += 2;
				}
				else if (p[0] == '/' && p + 1 < end && p[1] == '*')
				{
					s->depth++;
					p += 2;
				}
				else
					p++;
				break;
			case SCAN_DOLLAR:
				if (*p == '$' && (size_t) (end - p) >= s->taglen &&
					memcmp(p, s->tag, s->taglen) == 0)
				{
					s->state = SCAN_NORMAL;
					p += s->taglen;
				}
				else
					p++;
				break;
		}
	}
}

typedef struct AlembicBlock
{
	char	   *id;
	PgmList		parents;
	char	   *script;
	int			line;			/* of the marker */
} AlembicBlock;

typedef struct AlembicSql
{
	const char *path;
	char	   *version_table;	/* as rendered; in: a name already known */
	AlembicBlock *blocks;
	int			n;
	int			cap;
} AlembicSql;

static void
alembic_sql_free(AlembicSql *a)
{
	int			i;

	for (i = 0; i < a->n; i++)
	{
		free(a->blocks[i].id);
		pgm_list_free(&a->blocks[i].parents);
		free(a->blocks[i].script);
	}
	free(a->blocks);
	free(a->version_table);
	a->blocks = NULL;
	a->version_table = NULL;
	a->n = a->cap = 0;
}

static int
alembic_find(const AlembicSql *a, const char *id)
{
	int			i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->blocks[i].id, id) == 0)
			return i;
	return -1;
}

/* Find needle in s[0..n). */
static const char *
find_in(const char *s, size_t n, const char *needle)
{
	size_t		nl = strlen(needle);
	size_t		i;

	for (i = 0; i + nl <= n; i++)
		if (memcmp(s + i, needle, nl) == 0)
			return s + i;
	return NULL;
}

/* Remember the version table's name as Alembic renders it. */
static void
learn_table(char **vt, const char *name, size_t n)
{
	if (strlen(*vt) == n && memcmp(*vt, name, n) == 0)
		return;
	free(*vt);
	*vt = pgm_strndup(name, n);
}

/*
 * Is this line the start of Alembic's bookkeeping of its version table?
 * The statements are recognized by Alembic's rendering and its column
 * version_num, whatever the table is called (version_table and
 * version_table_schema settings); *vt is the table's name as seen so far
 * (it starts as alembic_version), which is what DROP TABLE and CREATE
 * TABLE are matched against.  Before the first step, a CREATE TABLE with
 * Alembic's version_num primary key also teaches the name (stmt: the text
 * from this line to the end).
 */
static bool
alembic_bookkeeping(const char *line, size_t n, const char *stmt, size_t stmtlen,
					bool preamble, char **vt)
{
	const char *name;
	const char *mark;
	char	   *p;
	bool		hit;

	if (has_prefix(line, n, "CREATE TABLE "))
	{
		const char *paren;
		const char *semi = find_in(stmt, stmtlen, ";");
		size_t		slen = semi ? (size_t) (semi - stmt) : stmtlen;

		name = line + 13;
		paren = find_in(name, n - 13, " (");
		if (paren == NULL || paren == name)
			return false;
		if ((size_t) (paren - name) == strlen(*vt) &&
			memcmp(name, *vt, paren - name) == 0)
			return true;
		if (preamble && find_in(stmt, slen, "version_num VARCHAR(") &&
			find_in(stmt, slen, "PRIMARY KEY (version_num)"))
		{
			learn_table(vt, name, paren - name);
			return true;
		}
		return false;
	}
	if (has_prefix(line, n, "INSERT INTO "))
	{
		name = line + 12;
		mark = find_in(name, n - 12, " (version_num) VALUES ");
		if (mark && mark > name)
		{
			learn_table(vt, name, mark - name);
			return true;
		}
		return false;
	}
	if (has_prefix(line, n, "UPDATE "))
	{
		name = line + 7;
		mark = find_in(name, n - 7, " SET version_num=");
		if (mark && mark > name)
		{
			learn_table(vt, name, mark - name);
			return true;
		}
		return false;
	}
	if (has_prefix(line, n, "DELETE FROM "))
	{
		name = line + 12;
		mark = find_in(name, n - 12, " WHERE ");
		if (mark && mark > name)
		{
			size_t		nl = mark - name;
			const char *w = mark + 7;
			size_t		wl = n - (w - line);

			if (wl > nl && memcmp(w, name, nl) == 0 &&
				has_prefix(w + nl, wl - nl, ".version_num = "))
			{
				learn_table(vt, name, nl);
				return true;
			}
		}
		return false;
	}
	p = pgm_printf("DROP TABLE %s;", *vt);
	hit = strlen(p) == n && memcmp(line, p, n) == 0;
	free(p);
	return hit;
}

/*
 * Parse one offline SQL file into blocks.  upgrade: markers must be
 * "-- Running upgrade", else "-- Running downgrade".
 */
static bool
alembic_parse_sql(const char *path, bool upgrade, AlembicSql *out)
{
	static const char *const txn[] = {"BEGIN;", "COMMIT;", NULL};
	size_t		len;
	char	   *text = read_source(path, &len);
	Lines		l;
	SqlScan		scan;
	char	   *vt = pgm_strdup(out->version_table ? out->version_table : "alembic_version");
	PgmBuf		pre;
	PgmBuf		cur;
	bool		in_block = false;
	bool		skipping = false;
	bool		ok = true;
	const char *kind = upgrade ? "upgrade" : "downgrade";

	out->path = path;
	if (text == NULL)
	{
		free(vt);
		return false;
	}
	memset(&scan, 0, sizeof(scan));
	pgm_buf_init(&pre);
	pgm_buf_init(&cur);
	lines_init(&l, text, len);
	while (ok && lines_next(&l))
	{
		const char *s = l.line;
		size_t		n = l.len;

		if (skipping)
		{
			/* the rest of a bookkeeping statement, up to its ";" */
			span_trim(&s, &n);
			if (n > 0 && s[n - 1] == ';')
				skipping = false;
			continue;
		}
		/*
		 * Alembic writes the markers at the top level, so they are taken
		 * even where the scanner believes it is inside quoted text (that
		 * would be an unterminated literal of the previous step).
		 */
		if (has_prefix(s, n, "-- Running upgrade ") ||
			has_prefix(s, n, "-- Running downgrade ") ||
			(scan.state == SCAN_NORMAL && has_prefix(s, n, "-- Running ")))
		{
			const char *m = s + 11;
			size_t		ml = n - 11;
			const char *arrow;
			const char *left;
			const char *right;
			size_t		ll,
						rl;
			AlembicBlock *b;

			if (!has_prefix(m, ml, upgrade ? "upgrade " : "downgrade "))
			{
				pgm_error(upgrade ? "%s:%d: \"%.*s\" is not an upgrade step" :
						  "%s:%d: \"%.*s\" is not a downgrade step",
						  path, l.lineno, (int) n, s);
				if (upgrade)
					pgm_hint("SOURCE is the output of \"alembic upgrade base:heads --sql\"; the downgrade SQL goes to --downgrade-sql.");
				else
					pgm_hint("--downgrade-sql is the output of \"alembic downgrade HEAD:base --sql\" (for each head).");
				ok = false;
				break;
			}
			m += strlen(kind) + 1;
			ml -= strlen(kind) + 1;
			arrow = find_in(m, ml, "->");
			if (arrow == NULL)
			{
				pgm_error("%s:%d: no \"->\" in \"%.*s\"", path, l.lineno, (int) n, s);
				ok = false;
				break;
			}
			left = m;
			ll = arrow - m;
			right = arrow + 2;
			rl = (m + ml) - right;
			span_trim(&left, &ll);
			span_trim(&right, &rl);

			if (in_block)
			{
				out->blocks[out->n - 1].script = trim_blank_lines(cur.data, cur.len);
				cur.len = 0;
				cur.data[0] = '\0';
			}
			if (out->n == out->cap)
			{
				out->cap = out->cap ? out->cap * 2 : 16;
				out->blocks = pgm_realloc(out->blocks, out->cap * sizeof(AlembicBlock));
			}
			b = &out->blocks[out->n++];
			memset(b, 0, sizeof(*b));
			b->line = l.lineno;
			b->id = upgrade ? pgm_strndup(right, rl) : pgm_strndup(left, ll);
			{
				char	   *ps = upgrade ? pgm_strndup(left, ll) : pgm_strndup(right, rl);

				pgm_list_split(&b->parents, ps);
				free(ps);
			}
			in_block = true;
			memset(&scan, 0, sizeof(scan));
			if (b->id[0] == '\0' || strchr(b->id, ',') != NULL)
			{
				pgm_error("%s:%d: \"%.*s\" does not name one revision", path,
						  l.lineno, (int) n, s);
				ok = false;
			}
			continue;
		}
		if (scan.state == SCAN_NORMAL)
		{
			const char *t = s;
			size_t		tn = n;

			span_trim(&t, &tn);
			if (tn > 0 &&
				alembic_bookkeeping(t, tn, t, l.end - t, !in_block && out->n == 0, &vt))
			{
				if (t[tn - 1] != ';')
					skipping = true;
				continue;
			}
			if (line_is_one_of(t, tn, txn))
				continue;
		}
		pgm_buf_append_len(in_block ? &cur : &pre, l.line, l.rawlen);
		sql_scan_line(&scan, text, l.line, l.line + l.len);
	}
	if (ok && in_block)
		out->blocks[out->n - 1].script = trim_blank_lines(cur.data, cur.len);
	if (ok)
	{
		char	   *rest = trim_blank_lines(pre.data, pre.len);

		if (rest[0] != '\0')
			pgm_warning("%s: ignoring the SQL before the first \"-- Running %s\" line (it belongs to no revision)",
						path, kind);
		free(rest);
	}
	/* blocks whose script was never set (on an error) */
	{
		int			i;

		for (i = 0; i < out->n; i++)
			if (out->blocks[i].script == NULL)
				out->blocks[i].script = pgm_strdup("");
	}
	pgm_buf_free(&pre);
	pgm_buf_free(&cur);
	free(out->version_table);
	out->version_table = vt;
	free(text);
	return ok;
}

/* What a revision file under versions/ declares. */
typedef struct AlembicPy
{
	char	   *file;
	char	   *revision;
	PgmList		down;
	PgmList		labels;
	PgmList		deps;
	char	   *doc;
	bool		used;
} AlembicPy;

/* Skip blanks; inside brackets also newlines, comments and line joins. */
static const char *
py_skip(const char *p, const char *end, bool multiline)
{
	while (p < end)
	{
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f')
			p++;
		else if (*p == '\\' && p + 1 < end && p[1] == '\n')
			p += 2;
		else if (multiline && *p == '\n')
			p++;
		else if (multiline && *p == '#')
		{
			while (p < end && *p != '\n')
				p++;
		}
		else
			break;
	}
	return p;
}

/*
 * A Python string literal (prefixes r, u, R, U; single, double or triple
 * quotes).  Escapes of the quote and the backslash are undone; other
 * escapes are kept as written, which is enough for ids and labels.
 */
static bool
py_string(const char **pp, const char *end, char **out)
{
	const char *p = *pp;
	bool		raw = false;
	char		q;
	bool		triple;
	PgmBuf		b;

	if (p < end && (*p == 'r' || *p == 'R' || *p == 'u' || *p == 'U'))
	{
		raw = (*p == 'r' || *p == 'R');
		p++;
	}
	if (p >= end || (*p != '\'' && *p != '"'))
		return false;
	q = *p;
	triple = end - p >= 3 && p[1] == q && p[2] == q;
	p += triple ? 3 : 1;
	pgm_buf_init(&b);
	for (;;)
	{
		if (p >= end || (!triple && *p == '\n'))
		{
			pgm_buf_free(&b);
			return false;
		}
		if (*p == '\\' && p + 1 < end && !raw)
		{
			if (p[1] == q || p[1] == '\\')
				pgm_buf_append_len(&b, p + 1, 1);
			else if (p[1] != '\n')
				pgm_buf_append_len(&b, p, 2);
			p += 2;
			continue;
		}
		if (*p == q && (!triple || (end - p >= 3 && p[1] == q && p[2] == q)))
		{
			p += triple ? 3 : 1;
			break;
		}
		pgm_buf_append_len(&b, p, 1);
		p++;
	}
	*pp = p;
	*out = b.data;
	return true;
}

/*
 * The value of a header assignment: None, a string, or a tuple or list of
 * strings.  Fills l (empty for None).
 */
static bool
py_value(const char **pp, const char *end, PgmList *l)
{
	const char *p = py_skip(*pp, end, false);
	char	   *s;

	if (end - p >= 4 && memcmp(p, "None", 4) == 0 && !(end - p > 4 && ident_char(p[4])))
	{
		*pp = p + 4;
		return true;
	}
	if (p < end && (*p == '(' || *p == '['))
	{
		char		close = *p == '(' ? ')' : ']';

		p++;
		for (;;)
		{
			p = py_skip(p, end, true);
			if (p < end && *p == close)
			{
				*pp = p + 1;
				return true;
			}
			if (!py_string(&p, end, &s))
				return false;
			pgm_list_add(l, s);
			free(s);
			p = py_skip(p, end, true);
			if (p < end && *p == ',')
				p++;
			else if (!(p < end && *p == close))
				return false;
		}
	}
	if (!py_string(&p, end, &s))
		return false;
	pgm_list_add(l, s);
	free(s);
	*pp = p;
	return true;
}

/*
 * The first paragraph of the module docstring (Alembic's Script.doc: the
 * docstring stripped, up to its first blank line), or NULL.  *after is
 * set to where the module's code continues.
 */
static char *
py_docstring(const char *text, size_t len, const char **after)
{
	const char *p = text;
	const char *end = text + len;
	char	   *doc;
	char	   *d;
	char	   *e;
	char	   *w;
	char	   *para;

	*after = text;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;					/* a byte order mark */
	/* blank lines and comments (#!, coding) may come first */
	p = py_skip(p, end, true);
	if (!py_string(&p, end, &doc))
		return NULL;
	*after = p;
	for (d = w = doc; *d; d++)
		if (*d != '\r')
			*w++ = *d;
	*w = '\0';
	d = doc;
	while (*d && (is_blank(*d) || *d == '\n'))
		d++;
	e = d + strlen(d);
	while (e > d && (is_blank(e[-1]) || e[-1] == '\n'))
		e--;
	*e = '\0';
	w = strstr(d, "\n\n");
	if (w)
		*w = '\0';
	para = *d ? pgm_strdup(d) : NULL;
	free(doc);
	return para;
}

/*
 * Read a revision file's header.  Returns 1 with *py filled, 0 if the file
 * assigns no revision (not a revision file), -1 after an error.  Only
 * assignments at the start of a line (module level) after the docstring
 * count; the last one of a name wins, as in Python.
 */
static int
alembic_parse_py(const char *dir, const char *name, AlembicPy *py)
{
	static const char *const names[] = {"revision", "down_revision", "branch_labels", "depends_on", NULL};
	char	   *full = pgm_path_join(dir, name);
	size_t		len;
	char	   *text = read_source(full, &len);
	const char *p;
	const char *next;
	const char *end;
	int			result = 0;

	memset(py, 0, sizeof(*py));
	if (text == NULL)
	{
		free(full);
		return -1;
	}
	py->file = full;
	end = text + len;
	py->doc = py_docstring(text, len, &p);
	for (; p < end && result >= 0; p = next)
	{
		const char *eol = memchr(p, '\n', end - p);
		int			k;
		const char *q;
		size_t		nl = 0;
		PgmList		l = {0};
		const char *v;

		next = eol ? eol + 1 : end;
		for (k = 0; names[k]; k++)
		{
			nl = strlen(names[k]);
			if ((size_t) (end - p) > nl && memcmp(p, names[k], nl) == 0 &&
				!ident_char(p[nl]))
				break;
		}
		if (names[k] == NULL)
			continue;
		q = py_skip(p + nl, end, false);
		if (q < end && *q == ':')
		{
			/* an annotation, up to the "=" */
			while (q < end && *q != '\n' && !(*q == '=' && !(q + 1 < end && q[1] == '=')))
				q++;
		}
		if (!(q < end && *q == '=' && !(q + 1 < end && q[1] == '=')))
			continue;
		q++;
		v = q;
		if (py_value(&v, end, &l))
		{
			const char *rest = py_skip(v, end, false);

			if (rest < end && *rest != '\n' && *rest != '#' && *rest != ';')
				v = NULL;
			else
				next = rest < end && *rest == '\n' ? rest + 1 :
					(memchr(rest, '\n', end - rest) ? (const char *) memchr(rest, '\n', end - rest) + 1 : end);
		}
		else
			v = NULL;
		if (v == NULL)
		{
			const char *qe;

			q = py_skip(q, end, false);
			qe = memchr(q, '\n', end - q);

			pgm_error("%s: cannot read the value of %s: \"%.*s\"", full, names[k],
					  (int) ((qe ? qe : end) - q), q);
			pgm_hint("Only None, a string, or a tuple or list of strings can be imported.");
			pgm_list_free(&l);
			result = -1;
			break;
		}
		switch (k)
		{
			case 0:
				if (l.n != 1)
				{
					pgm_error("%s: revision is not one string", full);
					result = -1;
				}
				else
				{
					free(py->revision);
					py->revision = pgm_strdup(l.items[0]);
					result = 1;
				}
				pgm_list_free(&l);
				break;
			case 1:
				pgm_list_free(&py->down);
				py->down = l;
				break;
			case 2:
				pgm_list_free(&py->labels);
				py->labels = l;
				break;
			default:
				pgm_list_free(&py->deps);
				py->deps = l;
				break;
		}
	}
	free(text);
	return result;
}

static void
alembic_py_free(AlembicPy *py)
{
	free(py->file);
	free(py->revision);
	pgm_list_free(&py->down);
	pgm_list_free(&py->labels);
	pgm_list_free(&py->deps);
	free(py->doc);
}

/* Read the .py files of the versions directory; false after an error. */
static bool
alembic_read_versions(const char *dir, AlembicPy **out, int *nout)
{
	PgmList		names = {0};
	AlembicPy  *pys;
	int			n = 0;
	int			i;
	bool		ok = true;

	*out = NULL;
	*nout = 0;
	if (!pgm_list_dir(dir, ".py", &names))
	{
		if (!pgm_is_dir(dir))
			pgm_hint("--versions is Alembic's versions/ directory, holding the revision files.");
		return false;
	}
	pys = pgm_malloc((names.n + 1) * sizeof(AlembicPy));
	for (i = 0; i < names.n && ok; i++)
	{
		int			r = alembic_parse_py(dir, names.items[i], &pys[n]);
		int			j;

		if (r < 0)
			ok = false;
		if (r <= 0)
		{
			alembic_py_free(&pys[n]);
			continue;
		}
		for (j = 0; j < n; j++)
			if (strcmp(pys[j].revision, pys[n].revision) == 0)
			{
				pgm_error("revision %s is declared by two files: \"%s\" and \"%s\"",
						  pys[n].revision, pys[j].file, pys[n].file);
				ok = false;
			}
		n++;
	}
	pgm_list_free(&names);
	*out = pys;
	*nout = n;
	return ok;
}

/*
 * Resolve an Alembic depends_on entry: an id, a branch label, or a unique
 * prefix of an id (Alembic accepts partial ids).  NULL if none fits.
 */
static const char *
alembic_resolve(const PgmMigrationSet *set, const char *ref)
{
	int			i;
	int			found = -1;
	size_t		rl = strlen(ref);

	for (i = 0; i < set->n; i++)
		if (strcmp(set->items[i].id, ref) == 0 ||
			pgm_list_contains(&set->items[i].branch_labels, ref))
			return ref;
	for (i = 0; i < set->n; i++)
		if (strncmp(set->items[i].id, ref, rl) == 0)
		{
			if (found >= 0)
				return NULL;
			found = i;
		}
	return found >= 0 ? set->items[found].id : NULL;
}

static int
import_alembic(const char *source, const PgmImportOptions *opts,
			   PgmMigrationSet *set)
{
	AlembicSql	up;
	AlembicSql	down;
	AlembicPy  *pys = NULL;
	int			npys = 0;
	int			i,
				j;
	int			rc = PGM_EXIT_OK;

	memset(&up, 0, sizeof(up));
	memset(&down, 0, sizeof(down));
	if (!alembic_parse_sql(source, true, &up))
		rc = PGM_EXIT_FILES;
	else if (up.n == 0)
	{
		pgm_error("no \"-- Running upgrade\" lines in \"%s\"", source);
		pgm_hint("SOURCE is the output of \"alembic upgrade base:heads --sql\".");
		rc = PGM_EXIT_FILES;
	}

	/* the upgrade steps: each revision once, parents before it */
	for (i = 0; i < up.n && rc == PGM_EXIT_OK; i++)
	{
		AlembicBlock *b = &up.blocks[i];
		char	   *where = pgm_printf("%s:%d", source, b->line);

		if (!check_id(b->id, "revision", where))
			rc = PGM_EXIT_FILES;
		for (j = 0; j < b->parents.n && rc == PGM_EXIT_OK; j++)
		{
			int			k = alembic_find(&up, b->parents.items[j]);

			if (k < 0 || k >= i)
			{
				pgm_error("%s: parent %s of revision %s is not upgraded before it",
						  where, b->parents.items[j], b->id);
				pgm_hint("Generate the SQL from the start: \"alembic upgrade base:heads --sql\".");
				rc = PGM_EXIT_FILES;
			}
		}
		if (rc == PGM_EXIT_OK && alembic_find(&up, b->id) != i)
		{
			pgm_error("%s: revision %s is upgraded twice (first at line %d)",
					  where, b->id, up.blocks[alembic_find(&up, b->id)].line);
			rc = PGM_EXIT_FILES;
		}
		if (rc == PGM_EXIT_OK && !check_script(b->script, where))
			rc = PGM_EXIT_FILES;
		free(where);
	}

	/* the downgrade steps */
	if (rc == PGM_EXIT_OK && opts && opts->downgrade_sql)
	{
		down.version_table = pgm_strdup(up.version_table);
		if (!alembic_parse_sql(opts->downgrade_sql, false, &down))
			rc = PGM_EXIT_FILES;
		for (i = 0; i < down.n && rc == PGM_EXIT_OK; i++)
		{
			AlembicBlock *b = &down.blocks[i];
			int			k = alembic_find(&up, b->id);

			if (k < 0)
			{
				pgm_error("%s:%d: revision %s is downgraded but not in the upgrade SQL \"%s\"",
						  down.path, b->line, b->id, source);
				pgm_hint("Generate both files from the same versions directory.");
				rc = PGM_EXIT_FILES;
			}
			else if (alembic_find(&down, b->id) != i &&
					 strcmp(down.blocks[alembic_find(&down, b->id)].script, b->script) != 0)
			{
				pgm_error("%s:%d: revision %s is downgraded twice, with different SQL (first at line %d)",
						  down.path, b->line, b->id,
						  down.blocks[alembic_find(&down, b->id)].line);
				rc = PGM_EXIT_FILES;
			}
			else if (!pgm_list_same_members(&b->parents, &up.blocks[k].parents))
			{
				char	   *a = pgm_list_join(&up.blocks[k].parents, ", ");
				char	   *d = pgm_list_join(&b->parents, ", ");

				pgm_error("the parents of revision %s differ: \"%s\" line %d says (%s), \"%s\" line %d says (%s)",
						  b->id, source, up.blocks[k].line, a, down.path, b->line, d);
				pgm_hint("Generate both files from the same versions directory.");
				free(a);
				free(d);
				rc = PGM_EXIT_FILES;
			}
			else
			{
				char	   *where = pgm_printf("%s:%d", down.path, b->line);

				if (!check_script(b->script, where))
					rc = PGM_EXIT_FILES;
				free(where);
			}
		}
	}
	else if (rc == PGM_EXIT_OK)
	{
		pgm_warning("no --downgrade-sql: the imported revisions have no down scripts, so they cannot be downgraded");
		pgm_hint("Write them with \"alembic downgrade head:base --sql > downgrade.sql\" (with several heads, append the output for each: \"alembic downgrade HEAD:base --sql >> downgrade.sql\") and import with --downgrade-sql downgrade.sql.");
	}

	/* the revision files */
	if (rc == PGM_EXIT_OK && opts && opts->versions_dir)
	{
		if (!alembic_read_versions(opts->versions_dir, &pys, &npys))
			rc = PGM_EXIT_FILES;
		for (i = 0; i < npys && rc == PGM_EXIT_OK; i++)
		{
			int			k = alembic_find(&up, pys[i].revision);

			if (k < 0)
			{
				pgm_error("revision %s (\"%s\") is not in the upgrade SQL \"%s\"",
						  pys[i].revision, pys[i].file, source);
				pgm_hint("Generate the SQL again from this versions directory: \"alembic upgrade base:heads --sql\".");
				rc = PGM_EXIT_FILES;
			}
			else if (!pgm_list_same_members(&pys[i].down, &up.blocks[k].parents))
			{
				char	   *a = pgm_list_join(&up.blocks[k].parents, ", ");
				char	   *d = pgm_list_join(&pys[i].down, ", ");

				pgm_error("the parents of revision %s differ: \"%s\" line %d says (%s), \"%s\" says down_revision (%s)",
						  pys[i].revision, source, up.blocks[k].line, a, pys[i].file, d);
				pgm_hint("Generate the SQL again from this versions directory: \"alembic upgrade base:heads --sql\".");
				free(a);
				free(d);
				rc = PGM_EXIT_FILES;
			}
		}
		for (i = 0; i < up.n && rc == PGM_EXIT_OK; i++)
		{
			for (j = 0; j < npys; j++)
				if (strcmp(pys[j].revision, up.blocks[i].id) == 0)
					break;
			if (j == npys)
			{
				pgm_error("%s:%d: revision %s has no file in \"%s\"", source,
						  up.blocks[i].line, up.blocks[i].id, opts->versions_dir);
				pgm_hint("Give the versions directory the SQL was generated from.");
				rc = PGM_EXIT_FILES;
			}
		}
	}
	else if (rc == PGM_EXIT_OK)
		pgm_warning("no --versions directory: messages, branch labels and dependencies of the Alembic revisions are not imported");

	/* the set, in the upgrade SQL's order */
	for (i = 0; i < up.n && rc == PGM_EXIT_OK; i++)
	{
		AlembicBlock *b = &up.blocks[i];
		PgmMigration *m = pgm_set_add(set);
		int			k;

		m->id = pgm_strdup(b->id);
		for (j = 0; j < b->parents.n; j++)
			pgm_list_add(&m->parents, b->parents.items[j]);
		m->up = pgm_strdup(b->script);
		m->path = pgm_printf("%04d_%s.sql", i + 1, b->id);
		m->has_header = true;
		if (opts && opts->downgrade_sql)
		{
			k = alembic_find(&down, b->id);
			if (k >= 0)
				m->down = pgm_strdup(down.blocks[k].script);
			else
				pgm_warning("revision %s is not in the downgrade SQL \"%s\", so it is imported as irreversible",
							b->id, opts->downgrade_sql);
		}
		for (k = 0; k < npys; k++)
			if (strcmp(pys[k].revision, b->id) == 0)
				break;
		if (k < npys)
		{
			AlembicPy  *py = &pys[k];

			/* the .py order of down_revision is Alembic's order of parents */
			pgm_list_free(&m->parents);
			for (j = 0; j < py->down.n; j++)
				pgm_list_add(&m->parents, py->down.items[j]);
			for (j = 0; j < py->labels.n && rc == PGM_EXIT_OK; j++)
			{
				if (!check_id(py->labels.items[j], "branch label", py->file))
					rc = PGM_EXIT_FILES;
				else
					pgm_list_add(&m->branch_labels, py->labels.items[j]);
			}
			m->message = py->doc ? pgm_strdup(py->doc) : NULL;
		}
	}
	if (rc == PGM_EXIT_OK && npys > 0 &&
		!check_labels(set, opts->versions_dir, "branch label"))
		rc = PGM_EXIT_FILES;
	/* dependencies, once every id and label is known */
	for (i = 0; i < set->n && rc == PGM_EXIT_OK && npys > 0; i++)
	{
		PgmMigration *m = &set->items[i];
		int			k;

		for (k = 0; k < npys; k++)
			if (strcmp(pys[k].revision, m->id) == 0)
				break;
		for (j = 0; k < npys && j < pys[k].deps.n && rc == PGM_EXIT_OK; j++)
		{
			const char *ref = alembic_resolve(set, pys[k].deps.items[j]);

			if (ref == NULL)
			{
				pgm_error("%s: depends_on \"%s\" is not the id, the start of an id, or a branch label of an imported revision",
						  pys[k].file, pys[k].deps.items[j]);
				rc = PGM_EXIT_FILES;
			}
			else if (!pgm_list_contains(&m->depends_on, ref))
				pgm_list_add(&m->depends_on, ref);
		}
	}

	for (i = 0; i < npys; i++)
		alembic_py_free(&pys[i]);
	free(pys);
	alembic_sql_free(&up);
	alembic_sql_free(&down);
	return rc;
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
		rc = import_dbmate(source, set);
	else if (strcmp(format, "golang-migrate") == 0)
		rc = import_golang(source, set);
	else if (strcmp(format, "flyway") == 0)
		rc = import_flyway(source, set);
	else if (strcmp(format, "sqitch") == 0)
		rc = import_sqitch(source, set);
	else
		rc = import_alembic(source, opts, set);

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
static char *
quote_table(PGconn *conn, const char *table)
{
	PgmBuf		b;
	const char *p = table;
	int			parts = 0;

	pgm_buf_init(&b);
	for (;;)
	{
		const char *dot = strchr(p, '.');
		size_t		n = dot ? (size_t) (dot - p) : strlen(p);
		char	   *q;

		if (n == 0 || ++parts > 2)
		{
			pgm_error("invalid table name \"%s\"", table);
			pgm_hint("Give the tool's history table as TABLE or SCHEMA.TABLE.");
			pgm_buf_free(&b);
			return NULL;
		}
		q = PQescapeIdentifier(conn, p, n);
		if (q == NULL)
		{
			char	   *what = pgm_printf("invalid table name \"%s\"", table);

			pgm_libpq_error(what, PQerrorMessage(conn));
			free(what);
			pgm_buf_free(&b);
			return NULL;
		}
		pgm_buf_append(&b, q);
		PQfreemem(q);
		if (!dot)
			break;
		pgm_buf_append(&b, ".");
		p = dot + 1;
	}
	return b.data;
}

/*
 * Find the table a quoted name means (through the search_path if it has
 * no schema, as the tool itself would) and set *qualified to its quoted
 * schema-qualified name and *schema_prefix to its quoted schema and a dot.
 * Returns 1 if it exists, 0 if not (error printed), -1 if the query
 * failed.
 */
static int
resolve_table(PGconn *conn, const char *quoted, const char *shown,
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
static int
missing_id(const char *format, const char *table, const char *id)
{
	pgm_error("%s records %s as applied in \"%s\", but no migration with that id was imported",
			  format, id, table);
	pgm_hint("Its file is missing from the migration directory; import the tool's migrations again (pg_migrate import) before adopting.");
	return PGM_EXIT_FILES;
}

/* Fill applied (in set order) and the tip, from a flag per set position. */
static void
collect_applied(const PgmMigrationSet *set, const bool *flags,
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

/* dbmate: every row of schema_migrations is an applied version. */
static int
adopt_dbmate(PGconn *conn, const char *qt, const char *table,
			 const PgmMigrationSet *set, bool *flags)
{
	char	   *sql = pgm_printf("SELECT version FROM %s", qt);
	PGresult   *res = pgm_query_try(conn, sql, 0, NULL);
	int			r;
	int			rc = PGM_EXIT_OK;

	free(sql);
	if (res == NULL)
		return PGM_EXIT_SERVER;
	for (r = 0; r < PQntuples(res) && rc == PGM_EXIT_OK; r++)
	{
		const char *v = PQgetvalue(res, r, 0);
		int			i = find_id(set, v);

		if (i < 0)
			rc = missing_id("dbmate", table, v);
		else
			flags[i] = true;
	}
	PQclear(res);
	return rc;
}

/*
 * golang-migrate: one row, the last version applied; everything up to it
 * is applied.  A dirty row means a migration failed part-way.
 */
static int
adopt_golang(PGconn *conn, const char *qt, const char *table,
			 const PgmMigrationSet *set, bool *flags)
{
	char	   *sql = pgm_printf("SELECT version::pg_catalog.text, dirty FROM %s", qt);
	PGresult   *res = pgm_query_try(conn, sql, 0, NULL);
	const char *v;
	int			i,
				k;

	free(sql);
	if (res == NULL)
		return PGM_EXIT_SERVER;
	if (PQntuples(res) == 0)
	{
		PQclear(res);
		return PGM_EXIT_OK;		/* nothing applied */
	}
	if (PQntuples(res) > 1)
	{
		pgm_error("\"%s\" has %d rows; golang-migrate keeps exactly one", table, PQntuples(res));
		PQclear(res);
		return PGM_EXIT_FILES;
	}
	v = PQgetvalue(res, 0, 0);
	if (strcmp(PQgetvalue(res, 0, 1), "t") == 0)
	{
		pgm_error("golang-migrate stopped part-way through version %s (\"%s\" is marked dirty), so the schema may be half-applied",
				  v, table);
		pgm_hint("Check what version %s changed and finish or undo it by hand, then run \"migrate force %s\" (or \"migrate force\" with the version before it, if you undid it), and adopt again.",
				 v, v);
		PQclear(res);
		return PGM_EXIT_FILES;
	}
	if (v[0] == '-')
	{
		PQclear(res);
		return PGM_EXIT_OK;		/* golang-migrate's "no version" */
	}
	k = find_id(set, v);
	if (k < 0)
	{
		int			rc = missing_id("golang-migrate", table, v);

		PQclear(res);
		return rc;
	}
	for (i = 0; i <= k; i++)
		flags[i] = true;
	PQclear(res);
	return PGM_EXIT_OK;
}

/* The set position of a Flyway version (compared as Flyway does). */
static int
find_flyway(const PgmMigrationSet *set, const char *version)
{
	int			i = find_id(set, version);
	char	   *norm;

	if (i >= 0)
		return i;
	norm = flyway_version(version, strlen(version));
	if (norm == NULL)
		return -1;
	for (i = 0; i < set->n; i++)
	{
		char	   *v = flyway_version(set->items[i].id, strlen(set->items[i].id));
		bool		same = v && flyway_vercmp(v, norm) == 0;

		free(v);
		if (same)
			break;
	}
	free(norm);
	return i < set->n ? i : -1;
}

/*
 * Flyway: replay flyway_schema_history in installed_rank order.  SQL rows
 * apply their version, UNDO_SQL and DELETE rows (Flyway's repair of a
 * missing migration) remove it, a baseline counts every version up to its
 * own as applied, the schema-creation row is ignored.  Failed rows and
 * other types (Java or script migrations, which cannot have been
 * imported) are refused.
 */
static int
adopt_flyway(PGconn *conn, const char *qt, const char *table,
			 const PgmMigrationSet *set, bool *flags)
{
	char	   *sql = pgm_printf("SELECT installed_rank, version, description, type, script, success"
								 " FROM %s ORDER BY installed_rank", qt);
	PGresult   *res = pgm_query_try(conn, sql, 0, NULL);
	int			r;
	int			rc = PGM_EXIT_OK;
	bool		warned = false;

	free(sql);
	if (res == NULL)
		return PGM_EXIT_SERVER;
	for (r = 0; r < PQntuples(res) && rc == PGM_EXIT_OK; r++)
	{
		const char *rank = PQgetvalue(res, r, 0);
		bool		noversion = PQgetisnull(res, r, 1);
		const char *version = PQgetvalue(res, r, 1);
		const char *desc = PQgetvalue(res, r, 2);
		const char *type = PQgetvalue(res, r, 3);
		const char *script = PQgetvalue(res, r, 4);
		int			i;

		if (strcmp(PQgetvalue(res, r, 5), "t") != 0)
		{
			pgm_error("Flyway recorded a failed migration: %s%s (%s, installed_rank %s)",
					  noversion ? "" : "version ", noversion ? script : version, script, rank);
			pgm_hint("Finish or undo what the failed script changed by hand, run \"flyway repair\" to remove the failed row, and adopt again.");
			rc = PGM_EXIT_FILES;
			break;
		}
		if (strcmp(type, "SCHEMA") == 0)
			continue;			/* Flyway created the schema */
		if (strcmp(type, "BASELINE") == 0 || strcmp(type, "SQL_BASELINE") == 0 ||
			strcmp(desc, "<< Flyway Baseline >>") == 0)
		{
			char	   *b = noversion ? NULL : flyway_version(version, strlen(version));

			if (b == NULL)
			{
				pgm_error("Flyway's baseline row (installed_rank %s) has no usable version", rank);
				rc = PGM_EXIT_FILES;
				break;
			}
			for (i = 0; i < set->n; i++)
			{
				char	   *v = flyway_version(set->items[i].id, strlen(set->items[i].id));

				if (v && flyway_vercmp(v, b) <= 0)
					flags[i] = true;
				free(v);
			}
			free(b);
			continue;
		}
		if (noversion)
		{
			if (!warned)
				pgm_warning("ignoring Flyway's repeatable migrations in \"%s\" (such as %s): they are not imported",
							table, script);
			warned = true;
			continue;
		}
		if (strcmp(type, "SQL") == 0 || strcmp(type, "UNDO_SQL") == 0 ||
			strcmp(type, "DELETE") == 0)
		{
			i = find_flyway(set, version);
			if (i < 0 && strcmp(type, "DELETE") == 0)
				continue;
			if (i < 0)
			{
				rc = missing_id("flyway", table, version);
				break;
			}
			flags[i] = strcmp(type, "SQL") == 0;
			continue;
		}
		pgm_error("Flyway's history has a migration of type %s (version %s, %s), which cannot have been imported",
				  type, version, script);
		pgm_hint("Only SQL migrations (V files) are imported; Java and script migrations have no SQL script to take over.");
		rc = PGM_EXIT_FILES;
	}
	PQclear(res);
	return rc;
}

/*
 * Sqitch: the deployed changes of the project.  The projects table is in
 * the registry schema, next to the changes table.
 */
static int
adopt_sqitch(PGconn *conn, const char *qt, const char *schema, const char *table,
			 const char *tool_project, const PgmMigrationSet *set, bool *flags)
{
	char	   *projects = pgm_printf("%sprojects", schema);
	char	   *qprojects = NULL;
	char	   *project = NULL;
	char	   *sql;
	PGresult   *res;
	int			r;
	int			rc = PGM_EXIT_OK;

	r = resolve_table(conn, projects, projects, "sqitch", &qprojects, NULL);
	if (r <= 0)
	{
		free(projects);
		return r < 0 ? PGM_EXIT_SERVER : PGM_EXIT_FILES;
	}
	sql = pgm_printf("SELECT project FROM %s ORDER BY project", qprojects);
	free(qprojects);
	res = pgm_query_try(conn, sql, 0, NULL);
	free(sql);
	if (res == NULL)
	{
		free(projects);
		return PGM_EXIT_SERVER;
	}
	if (tool_project)
	{
		for (r = 0; r < PQntuples(res); r++)
			if (strcmp(PQgetvalue(res, r, 0), tool_project) == 0)
				break;
		if (r == PQntuples(res))
		{
			pgm_error("Sqitch project \"%s\" is not registered in %s", tool_project, projects);
			rc = PGM_EXIT_FILES;
		}
		else
			project = pgm_strdup(tool_project);
	}
	else if (PQntuples(res) == 0)
	{
		pgm_error("no Sqitch project is registered in %s", projects);
		rc = PGM_EXIT_FILES;
	}
	else if (PQntuples(res) > 1)
	{
		PgmList		names = {0};
		char	   *joined;

		for (r = 0; r < PQntuples(res); r++)
			pgm_list_add(&names, PQgetvalue(res, r, 0));
		joined = pgm_list_join(&names, ", ");
		pgm_error("Sqitch's registry holds several projects: %s", joined);
		pgm_hint("Name the one to adopt with --tool-project.");
		free(joined);
		pgm_list_free(&names);
		rc = PGM_EXIT_USAGE;
	}
	else
		project = pgm_strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	free(projects);
	if (rc != PGM_EXIT_OK)
		return rc;

	sql = pgm_printf("SELECT change FROM %s "
					 "WHERE project OPERATOR(pg_catalog.=) $1::pg_catalog.text", qt);
	{
		const char *params[1] = {project};

		res = pgm_query_try(conn, sql, 1, params);
	}
	free(sql);
	if (res == NULL)
	{
		free(project);
		return PGM_EXIT_SERVER;
	}
	for (r = 0; r < PQntuples(res) && rc == PGM_EXIT_OK; r++)
	{
		const char *c = PQgetvalue(res, r, 0);
		int			i = find_id(set, c);

		if (i < 0)
			rc = missing_id("sqitch", table, c);
		else
			flags[i] = true;
	}
	PQclear(res);
	free(project);
	return rc;
}

/* Alembic: the rows of alembic_version are the tips. */
static int
adopt_alembic(PGconn *conn, const char *qt, const char *table,
			  const PgmMigrationSet *set, PgmList *applied, PgmList *tips)
{
	char	   *sql = pgm_printf("SELECT version_num FROM %s", qt);
	PGresult   *res = pgm_query_try(conn, sql, 0, NULL);
	bool	   *flags;
	int			r,
				i;
	int			rc = PGM_EXIT_OK;

	free(sql);
	if (res == NULL)
		return PGM_EXIT_SERVER;
	flags = pgm_malloc((set->n + 1) * sizeof(bool));
	memset(flags, 0, (set->n + 1) * sizeof(bool));
	for (r = 0; r < PQntuples(res) && rc == PGM_EXIT_OK; r++)
	{
		const char *v = PQgetvalue(res, r, 0);

		i = find_id(set, v);
		if (i < 0)
			rc = missing_id("alembic", table, v);
		else
			flags[i] = true;
	}
	PQclear(res);
	for (i = 0; i < set->n && rc == PGM_EXIT_OK; i++)
		if (flags[i])
		{
			pgm_list_add(tips, set->items[i].id);
			pgm_list_add(applied, set->items[i].id);
		}
	free(flags);
	return rc;
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
	quoted = quote_table(conn, table);
	if (quoted == NULL)
		return PGM_EXIT_USAGE;
	rc = resolve_table(conn, quoted, table, format, &qt, &schema);
	free(quoted);
	if (rc != 1)
		return rc < 0 ? PGM_EXIT_SERVER : PGM_EXIT_FILES;

	if (strcmp(format, "alembic") == 0)
	{
		rc = adopt_alembic(conn, qt, table, set, applied, tips);
		free(qt);
		free(schema);
		return rc;
	}

	flags = pgm_malloc((set->n + 1) * sizeof(bool));
	memset(flags, 0, (set->n + 1) * sizeof(bool));
	if (strcmp(format, "dbmate") == 0)
		rc = adopt_dbmate(conn, qt, table, set, flags);
	else if (strcmp(format, "golang-migrate") == 0)
		rc = adopt_golang(conn, qt, table, set, flags);
	else if (strcmp(format, "flyway") == 0)
		rc = adopt_flyway(conn, qt, table, set, flags);
	else
		rc = adopt_sqitch(conn, qt, schema, table, tool_project, set, flags);
	if (rc == PGM_EXIT_OK)
		collect_applied(set, flags, applied, tips);
	free(flags);
	free(qt);
	free(schema);
	return rc;
}
