/*-------------------------------------------------------------------------
 *
 * files.c
 *	  The migration file format (docs/design.md section 8) and directories of files.
 *
 * A file is a header of "-- migrate:" lines followed by dbmate's sections:
 *
 *		-- migrate:revision 3f2a9c1d0b7e
 *		-- migrate:parents 1b2c3d4e5f60		(omitted or "base" for a root)
 *		-- migrate:message Add rooms		(may repeat: a multi-line message)
 *		-- migrate:branch-labels spatial
 *		-- migrate:depends-on 9a8b7c6d5e4f
 *		-- migrate:up
 *		CREATE TABLE rooms (...);
 *		-- migrate:down
 *		DROP TABLE rooms;
 *
 * A section's script is every byte between its marker line and the next
 * marker line (or the end of the file) less one final newline, so that a
 * script round-trips exactly: pgm_format_migration() writes the script
 * followed by one newline.  No "-- migrate:down" line means the revision
 * is irreversible (down script NULL); an empty down section is a no-op.
 * Inside a section, the "-- migrate:" lines allowed are "-- migrate:batch"
 * (alone), which makes the statement after it run in batches
 * (src/core/script.c), and "-- migrate:lint-ignore RULE REASON", which
 * silences a lint finding on the statement after it (src/core/lint.c);
 * both are part of the script.
 *
 * A file without "-- migrate:revision" is a plain dbmate file: its id is
 * the leading digits of its name (dbmate's version), and such
 * files form a chain in name order, which is dbmate's order.  Otherwise
 * file names decide nothing but the order of registration among
 * revisions that do not depend on each other.
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pgm.h"

#define MARKER "-- migrate:"
#define MARKER_LEN (sizeof(MARKER) - 1)

void
pgm_migration_init(PgmMigration *m)
{
	memset(m, 0, sizeof(*m));
}

/* Free what a migration owns (not the struct itself). */
void
pgm_migration_free(PgmMigration *m)
{
	free(m->id);
	pgm_list_free(&m->parents);
	pgm_list_free(&m->branch_labels);
	pgm_list_free(&m->depends_on);
	free(m->message);
	free(m->up);
	free(m->down);
	free(m->path);
	pgm_migration_init(m);
}

PgmMigration *
pgm_set_add(PgmMigrationSet *set)
{
	if (set->n == set->cap)
	{
		set->cap = set->cap ? set->cap * 2 : 16;
		set->items = pgm_realloc(set->items, set->cap * sizeof(PgmMigration));
	}
	pgm_migration_init(&set->items[set->n]);
	return &set->items[set->n++];
}

/* A header value: the rest of the line after one blank, without "\r". */
static char *
line_value(const char *rest, size_t len)
{
	if (len > 0 && rest[len - 1] == '\r')
		len--;
	if (len > 0 && (rest[0] == ' ' || rest[0] == '\t'))
	{
		rest++;
		len--;
	}
	return pgm_strndup(rest, len);
}

static char *
trimmed(const char *s)
{
	const char *e = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return pgm_strndup(s, e - s);
}

static bool
file_error(const char *path, int line, const char *msg, const char *hint)
{
	if (line > 0)
		pgm_error("%s:%d: %s", path, line, msg);
	else
		pgm_error("%s: %s", path, msg);
	if (hint)
		pgm_hint("%s", hint);
	return false;
}

/* Check the ids of a header list line. */
static bool
check_ids(const char *path, int line, const char *what, const PgmList *l)
{
	int			i;

	for (i = 0; i < l->n; i++)
	{
		const char *why;

		if (!pgm_valid_id(l->items[i], &why))
		{
			char	   *msg = pgm_printf("invalid %s \"%s\": %s", what,
										 l->items[i], why);

			file_error(path, line, msg, NULL);
			free(msg);
			return false;
		}
	}
	return true;
}

/* Drop one final "\n" of a section. */
static char *
section_text(const char *start, const char *end)
{
	if (end > start && end[-1] == '\n')
		end--;
	return pgm_strndup(start, end - start);
}

/*
 * Length (about 210 lines): one pass over the lines, in which the section
 * (header, up, down), the line number for messages and what the header
 * has declared so far are locals every line updates; in helpers they
 * would travel as one struct through every call.
 */
bool
pgm_parse_migration(const char *path, const char *text, size_t len,
					PgmMigration *m)
{
	const char *p = text;
	const char *end = text + len;
	int			lineno = 0;
	enum
	{
		HEADER, UP, DOWN
	}			state = HEADER;
	const char *section_start = NULL;
	bool		seen_revision = false,
				seen_parents = false,
				seen_labels = false,
				seen_deps = false;
	PQExpBufferData message;
	bool		has_message = false;

	initPQExpBuffer(&message);
	while (p < end)
	{
		const char *eol = memchr(p, '\n', end - p);
		const char *next = eol ? eol + 1 : end;
		size_t		llen = (eol ? eol : end) - p;
		const char *name;
		size_t		nlen;
		const char *rest;
		char	   *value;

		lineno++;
		if (llen < MARKER_LEN || memcmp(p, MARKER, MARKER_LEN) != 0)
		{
			if (state == HEADER)
			{
				const char *q = p;

				while (q < p + llen && (*q == ' ' || *q == '\t' || *q == '\r'))
					q++;
				if (q < p + llen && !(q + 1 < p + llen && q[0] == '-' && q[1] == '-'))
				{
					termPQExpBuffer(&message);
					return file_error(path, lineno,
									  "SQL before the \"-- migrate:up\" line",
									  "Scripts go after a \"-- migrate:up\" line (and the down script after \"-- migrate:down\").");
				}
			}
			p = next;
			continue;
		}

		/* a directive line */
		name = p + MARKER_LEN;
		nlen = 0;
		while (name + nlen < p + llen && name[nlen] != ' ' &&
			   name[nlen] != '\t' && name[nlen] != '\r')
			nlen++;
		rest = name + nlen;
		value = line_value(rest, (p + llen) - rest);

#define IS(word) (nlen == strlen(word) && memcmp(name, word, nlen) == 0)
		if (IS("up") || IS("down"))
		{
			char	   *opts = trimmed(value);
			bool		up = IS("up");

			if (opts[0] != '\0' && strcmp(opts, "transaction:false") != 0 &&
				strcmp(opts, "transaction:true") != 0)
			{
				char	   *msg = pgm_printf("unknown option \"%s\" of \"-- migrate:%s\"",
											 opts, up ? "up" : "down");

				free(opts);
				free(value);
				file_error(path, lineno, msg,
						   "Only dbmate's \"transaction:false\" is accepted; pg_migrate finds statements that cannot run in a transaction by itself.");
				free(msg);
				termPQExpBuffer(&message);
				return false;
			}
			free(opts);
			free(value);
			if (up && state != HEADER)
			{
				termPQExpBuffer(&message);
				return file_error(path, lineno, "second \"-- migrate:up\" line", NULL);
			}
			if (!up && state == HEADER)
			{
				termPQExpBuffer(&message);
				return file_error(path, lineno, "\"-- migrate:down\" before \"-- migrate:up\"",
								  "Write the up section first.");
			}
			if (!up && state == DOWN)
			{
				termPQExpBuffer(&message);
				return file_error(path, lineno, "second \"-- migrate:down\" line", NULL);
			}
			if (!up)
				m->up = section_text(section_start, p);
			state = up ? UP : DOWN;
			if (up)
				m->up_line = lineno + 1;
			section_start = next;
			p = next;
			continue;
		}
		if (state != HEADER && IS("batch"))
		{
			/* the batch directive belongs to the script (see classify.c) */
			char	   *opts = trimmed(value);
			bool		bare = opts[0] == '\0';

			free(opts);
			free(value);
			if (!bare)
			{
				termPQExpBuffer(&message);
				return file_error(path, lineno, "\"-- migrate:batch\" takes no value",
								  "Write the line as \"-- migrate:batch\" alone, directly before the INSERT, UPDATE or DELETE to run in batches.");
			}
			p = next;
			continue;
		}
		if (state != HEADER && IS("lint-ignore"))
		{
			/* the linter's annotation belongs to the script (src/core/lint.c) */
			free(value);
			p = next;
			continue;
		}
		if (state != HEADER)
		{
			char	   *msg = pgm_printf("\"-- migrate:%.*s\" inside a script", (int) nlen, name);

			free(value);
			termPQExpBuffer(&message);
			file_error(path, lineno, msg,
					   "Header lines go before \"-- migrate:up\"; a script line may not start with \"-- migrate:\".");
			free(msg);
			return false;
		}
		if (IS("message"))
		{
			if (has_message)
				appendPQExpBufferStr(&message, "\n");
			appendPQExpBufferStr(&message, value);
			has_message = true;
			free(value);
			p = next;
			continue;
		}
		if (IS("revision"))
		{
			char	   *id = trimmed(value);
			const char *why;

			free(value);
			if (seen_revision)
			{
				free(id);
				termPQExpBuffer(&message);
				return file_error(path, lineno, "second \"-- migrate:revision\" line", NULL);
			}
			if (!pgm_valid_id(id, &why))
			{
				char	   *msg = pgm_printf("invalid revision id \"%s\": %s", id, why);

				file_error(path, lineno, msg, NULL);
				free(msg);
				free(id);
				termPQExpBuffer(&message);
				return false;
			}
			seen_revision = true;
			m->id = id;
			m->has_header = true;
			p = next;
			continue;
		}
		if (IS("parents") || IS("branch-labels") || IS("depends-on"))
		{
			bool	   *seen = IS("parents") ? &seen_parents :
				IS("branch-labels") ? &seen_labels : &seen_deps;
			PgmList    *l = IS("parents") ? &m->parents :
				IS("branch-labels") ? &m->branch_labels : &m->depends_on;
			const char *what = IS("parents") ? "parent" :
				IS("branch-labels") ? "branch label" : "dependency";
			char	   *t = trimmed(value);

			free(value);
			if (*seen)
			{
				char	   *msg = pgm_printf("second \"-- migrate:%.*s\" line", (int) nlen, name);

				file_error(path, lineno, msg, "List several values on one line, separated by commas.");
				free(msg);
				free(t);
				termPQExpBuffer(&message);
				return false;
			}
			*seen = true;
			if (!(l == &m->parents && strcmp(t, "base") == 0))
				pgm_list_split(l, t);
			free(t);
			if (!check_ids(path, lineno, what, l))
			{
				termPQExpBuffer(&message);
				return false;
			}
			p = next;
			continue;
		}
#undef IS
		{
			char	   *msg = pgm_printf("unknown header line \"-- migrate:%.*s\"",
										 (int) nlen, name);

			free(value);
			file_error(path, lineno, msg,
					   "Known header lines: revision, parents, message, branch-labels, depends-on, up, down.");
			free(msg);
			termPQExpBuffer(&message);
			return false;
		}
	}

	if (state == HEADER)
	{
		termPQExpBuffer(&message);
		return file_error(path, 0, "no \"-- migrate:up\" line",
						  "A migration file has a \"-- migrate:up\" line followed by its script.");
	}
	if (state == UP)
		m->up = section_text(section_start, end);
	else
		m->down = section_text(section_start, end);
	if (has_message)
		m->message = pgm_buf_data(&message);
	else
		termPQExpBuffer(&message);
	return true;
}

/* Can the script be written as a section (no line starts a directive)? */
static bool
script_representable(const char *s)
{
	const char *p = s;

	while (p)
	{
		if (strncmp(p, MARKER, MARKER_LEN) == 0)
			return false;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return true;
}

static void
format_list(PQExpBuffer b, const char *name, const PgmList *l)
{
	char	   *joined;

	if (l->n == 0)
		return;
	joined = pgm_list_join(l, ", ");
	appendPQExpBuffer(b, MARKER "%s %s\n", name, joined);
	free(joined);
}

/*
 * The canonical text of a migration, or NULL if it cannot be written as a
 * file that parses back to the same revision (a script line starting with
 * "-- migrate:", or a message line ending in a carriage return).
 */
char *
pgm_format_migration(const PgmMigration *m)
{
	PQExpBufferData b;

	if (!script_representable(m->up) ||
		(m->down && !script_representable(m->down)) ||
		(m->message && (strstr(m->message, "\r\n") ||
						(m->message[0] && m->message[strlen(m->message) - 1] == '\r'))))
		return NULL;

	initPQExpBuffer(&b);
	appendPQExpBuffer(&b, MARKER "revision %s\n", m->id);
	format_list(&b, "parents", &m->parents);
	if (m->message)
	{
		const char *p = m->message;

		for (;;)
		{
			const char *nl = strchr(p, '\n');
			size_t		n = nl ? (size_t) (nl - p) : strlen(p);

			appendPQExpBufferStr(&b, MARKER "message");
			if (n > 0)
			{
				appendPQExpBufferStr(&b, " ");
				appendBinaryPQExpBuffer(&b, p, n);
			}
			appendPQExpBufferStr(&b, "\n");
			if (!nl)
				break;
			p = nl + 1;
		}
	}
	format_list(&b, "branch-labels", &m->branch_labels);
	format_list(&b, "depends-on", &m->depends_on);
	appendPQExpBufferStr(&b, MARKER "up\n");
	appendPQExpBufferStr(&b, m->up);
	appendPQExpBufferStr(&b, "\n");
	if (m->down)
	{
		appendPQExpBufferStr(&b, MARKER "down\n");
		appendPQExpBufferStr(&b, m->down);
		appendPQExpBufferStr(&b, "\n");
	}
	return pgm_buf_data(&b);
}

/*
 * The line of the first byte that is not valid UTF-8, or 0.  Files are
 * UTF-8 (the client talks UTF-8 to the server), so a bad byte is the
 * file's fault and is reported with its name rather than by the server.
 */
static int
invalid_utf8_line(const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *) text;
	const unsigned char *end = p + len;
	int			line = 1;

	while (p < end)
	{
		int			n;
		int			i;

		if (*p < 0x80)
		{
			if (*p == '\n')
				line++;
			p++;
			continue;
		}
		if (*p >= 0xC2 && *p <= 0xDF)
			n = 1;
		else if (*p >= 0xE0 && *p <= 0xEF)
			n = 2;
		else if (*p >= 0xF0 && *p <= 0xF4)
			n = 3;
		else
			return line;
		if (end - p <= n)
			return line;
		for (i = 1; i <= n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return line;
		/* overlong forms, surrogates and code points beyond U+10FFFF */
		if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
			(p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
			return line;
		p += n + 1;
	}
	return 0;
}

/*
 * dbmate's version: the leading digits of the file name (dbmate reads
 * "^(\d+).*\.sql$"); a name that does not start with a digit gives the
 * part before the first "_".
 */
static char *
id_from_name(const char *name)
{
	size_t		n = 0;
	const char *u;

	while (name[n] >= '0' && name[n] <= '9')
		n++;
	if (n > 0)
		return pgm_strndup(name, n);
	u = strchr(name, '_');
	return pgm_strndup(name, u ? (size_t) (u - name) : strlen(name) - 4);
}

bool
pgm_load_dir(const char *dir, PgmMigrationSet *set)
{
	PgmList		names = {0};
	int			i;
	bool		ok = true;
	const char *prev_plain = NULL;

	if (!pgm_list_dir(dir, ".sql", &names))
		return false;
	for (i = 0; i < names.n; i++)
	{
		char	   *full = pgm_path_join(dir, names.items[i]);
		size_t		len;
		char	   *text = pgm_read_file(full, &len);
		PgmMigration *m;

		if (text == NULL)
		{
			pgm_error("could not read file \"%s\": %s", full,
					  errno == EILSEQ ? "it contains a NUL byte" : strerror(errno));
			free(full);
			ok = false;
			continue;
		}
		m = pgm_set_add(set);
		m->path = pgm_strdup(names.items[i]);
		if (invalid_utf8_line(text, len) > 0)
		{
			pgm_error("%s:%d: not valid UTF-8", full, invalid_utf8_line(text, len));
			pgm_hint("Migration files are UTF-8 text; convert the file (for example with iconv).");
			ok = false;
		}
		else if (!pgm_parse_migration(full, text, len, m))
			ok = false;
		else if (!m->has_header)
		{
			const char *why;

			m->id = id_from_name(names.items[i]);
			if (!pgm_valid_id(m->id, &why))
			{
				pgm_error("%s: no \"-- migrate:revision\" line, and the file name does not start with a valid id (\"%s\": %s)",
						  full, m->id, why);
				pgm_hint("Add a \"-- migrate:revision ID\" line, or name the file VERSION_name.sql as dbmate does.");
				ok = false;
			}
			else if (prev_plain)
				pgm_list_add(&m->parents, prev_plain);
			prev_plain = m->id;
		}
		free(text);
		free(full);
	}
	pgm_list_free(&names);
	return ok;
}

/*
 * Can m be written as a file without anything it holds escaping into the
 * file name or the header?  Ids, parents, labels and dependencies must be
 * valid ids (pull writes what the database holds, which a superuser may
 * have edited by hand); the message may hold line breaks (one header line
 * each) and tabs, but no other control character: a carriage return ends
 * an SQL comment for PostgreSQL's and psql's lexers, others are terminal
 * controls.  Prints an error and returns false if not.
 */
static bool
writable(const PgmMigration *m)
{
	const PgmList *lists[3] = {&m->parents, &m->branch_labels, &m->depends_on};
	static const char *const what[3] = {"parent", "branch label", "dependency"};
	const char *why;
	const char *p;
	int			k,
				j;

	if (!pgm_valid_id(m->id, &why))
	{
		pgm_error("revision \"%s\" cannot be written as a file: its id is invalid (%s)",
				  m->id, why);
		return false;
	}
	for (k = 0; k < 3; k++)
		for (j = 0; j < lists[k]->n; j++)
			if (!pgm_valid_id(lists[k]->items[j], &why))
			{
				pgm_error("revision \"%s\" cannot be written as a file: its %s \"%s\" is invalid (%s)",
						  m->id, what[k], lists[k]->items[j], why);
				return false;
			}
	for (p = m->message; p && *p; p++)
		if (((unsigned char) *p < 0x20 && *p != '\n' && *p != '\t') ||
			*p == 0x7f)
		{
			pgm_error("revision \"%s\" cannot be written as a file: its message contains a control character other than a line break or a tab",
					  m->id);
			return false;
		}
	/* the names come from slugs, ids and listed files; this is a last net */
	if (pgm_has_control(m->path) || strchr(m->path, '/') != NULL)
	{
		pgm_error("revision \"%s\" cannot be written as file \"%s\"", m->id, m->path);
		return false;
	}
	return true;
}

/*
 * Write every migration of set into dir as m->path.  Nothing is written if
 * one of them cannot be; a file with the same content is left alone, one
 * with other content is replaced only if overwrite.
 */
bool
pgm_write_set(const char *dir, const PgmMigrationSet *set, bool overwrite)
{
	int			i;
	bool		ok = true;

	for (i = 0; i < set->n; i++)
		if (!writable(&set->items[i]))
			return false;
	if (!pgm_mkdir_p(dir))
	{
		pgm_error("could not create directory \"%s\": %s", dir, strerror(errno));
		return false;
	}
	for (i = 0; i < set->n && ok; i++)
	{
		const PgmMigration *m = &set->items[i];
		char	   *text = pgm_format_migration(m);
		char	   *full = pgm_path_join(dir, m->path);
		size_t		oldlen;
		char	   *old = NULL;
		struct stat st;

		if (text == NULL)
		{
			pgm_error("revision \"%s\" cannot be written as a file: a line of its scripts starts with \"-- migrate:\", or its message has a carriage return at a line end",
					  m->id);
			free(full);
			ok = false;
			break;
		}

		/*
		 * Only a regular file (or a link to one) is read for comparing: a
		 * FIFO would block.  Whatever else is there, pgm_write_file decides
		 * (a link is refused there).
		 */
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
			old = pgm_read_file(full, &oldlen);
		if (old && oldlen == strlen(text) && memcmp(old, text, oldlen) == 0)
			;					/* already there */
		else if (old && !overwrite)
		{
			pgm_error("file \"%s\" exists with other content", full);
			pgm_hint("Use --force to overwrite it, or write into an empty directory.");
			ok = false;
		}
		else if (!pgm_write_file(full, text, strlen(text)))
			ok = false;
		free(old);
		free(text);
		free(full);
	}
	return ok;
}
