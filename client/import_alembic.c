/*-------------------------------------------------------------------------
 *
 * import_alembic.c
 *	  Importing from Alembic, and reading which migrations it applied.
 *
 * The shared helpers and the rules every importer follows are in
 * client/import.c.
 *
 * IDENTIFICATION
 *	  client/import_alembic.c
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

	if (imp_has_prefix(line, n, "CREATE TABLE "))
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
	if (imp_has_prefix(line, n, "INSERT INTO "))
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
	if (imp_has_prefix(line, n, "UPDATE "))
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
	if (imp_has_prefix(line, n, "DELETE FROM "))
	{
		name = line + 12;
		mark = find_in(name, n - 12, " WHERE ");
		if (mark && mark > name)
		{
			size_t		nl = mark - name;
			const char *w = mark + 7;
			size_t		wl = n - (w - line);

			if (wl > nl && memcmp(w, name, nl) == 0 &&
				imp_has_prefix(w + nl, wl - nl, ".version_num = "))
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
/*
 * Length (about 160 lines): one pass over the file's lines, with the block
 * being collected and the marker state in locals.
 */
static bool
alembic_parse_sql(const char *path, bool upgrade, AlembicSql *out)
{
	static const char *const txn[] = {"BEGIN;", "COMMIT;", NULL};
	size_t		len;
	char	   *text = imp_read_source(path, &len);
	Lines		l;
	SqlScan		scan;
	char	   *vt = pgm_strdup(out->version_table ? out->version_table : "alembic_version");
	PQExpBufferData pre;
	PQExpBufferData cur;
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
	initPQExpBuffer(&pre);
	initPQExpBuffer(&cur);
	imp_lines_init(&l, text, len);
	while (ok && imp_lines_next(&l))
	{
		const char *s = l.line;
		size_t		n = l.len;

		if (skipping)
		{
			/* the rest of a bookkeeping statement, up to its ";" */
			imp_span_trim(&s, &n);
			if (n > 0 && s[n - 1] == ';')
				skipping = false;
			continue;
		}
		/*
		 * Alembic writes the markers at the top level, so they are taken
		 * even where the scanner believes it is inside quoted text (that
		 * would be an unterminated literal of the previous step).
		 */
		if (imp_has_prefix(s, n, "-- Running upgrade ") ||
			imp_has_prefix(s, n, "-- Running downgrade ") ||
			(scan.state == SCAN_NORMAL && imp_has_prefix(s, n, "-- Running ")))
		{
			const char *m = s + 11;
			size_t		ml = n - 11;
			const char *arrow;
			const char *left;
			const char *right;
			size_t		ll,
						rl;
			AlembicBlock *b;

			if (!imp_has_prefix(m, ml, upgrade ? "upgrade " : "downgrade "))
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
			imp_span_trim(&left, &ll);
			imp_span_trim(&right, &rl);

			if (in_block)
			{
				out->blocks[out->n - 1].script = imp_trim_blank_lines(cur.data, cur.len);
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

			imp_span_trim(&t, &tn);
			if (tn > 0 &&
				alembic_bookkeeping(t, tn, t, l.end - t, !in_block && out->n == 0, &vt))
			{
				if (t[tn - 1] != ';')
					skipping = true;
				continue;
			}
			if (imp_line_is_one_of(t, tn, txn))
				continue;
		}
		appendBinaryPQExpBuffer(in_block ? &cur : &pre, l.line, l.rawlen);
		sql_scan_line(&scan, text, l.line, l.line + l.len);
	}
	if (ok && in_block)
		out->blocks[out->n - 1].script = imp_trim_blank_lines(cur.data, cur.len);
	if (ok)
	{
		char	   *rest = imp_trim_blank_lines(pre.data, pre.len);

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
	termPQExpBuffer(&pre);
	termPQExpBuffer(&cur);
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
	PQExpBufferData b;

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
	initPQExpBuffer(&b);
	for (;;)
	{
		if (p >= end || (!triple && *p == '\n'))
		{
			termPQExpBuffer(&b);
			return false;
		}
		if (*p == '\\' && p + 1 < end && !raw)
		{
			if (p[1] == q || p[1] == '\\')
				appendBinaryPQExpBuffer(&b, p + 1, 1);
			else if (p[1] != '\n')
				appendBinaryPQExpBuffer(&b, p, 2);
			p += 2;
			continue;
		}
		if (*p == q && (!triple || (end - p >= 3 && p[1] == q && p[2] == q)))
		{
			p += triple ? 3 : 1;
			break;
		}
		appendBinaryPQExpBuffer(&b, p, 1);
		p++;
	}
	*pp = p;
	*out = pgm_buf_data(&b);
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
	while (*d && (imp_is_blank(*d) || *d == '\n'))
		d++;
	e = d + strlen(d);
	while (e > d && (imp_is_blank(e[-1]) || e[-1] == '\n'))
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
	char	   *text = imp_read_source(full, &len);
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

/*
 * Length of this and the other importers (150 to 230 lines): the tool's
 * layout is read in one pass, in the tool's own order, and every step adds
 * to the set being built or refuses with the file that caused it; the
 * parsing of each file format is in helpers above.
 */
int
imp_import_alembic(const char *source, const PgmImportOptions *opts,
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

		if (!imp_check_id(b->id, "revision", where))
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
		if (rc == PGM_EXIT_OK && !imp_check_script(b->script, where))
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

				if (!imp_check_script(b->script, where))
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
				if (!imp_check_id(py->labels.items[j], "branch label", py->file))
					rc = PGM_EXIT_FILES;
				else
					pgm_list_add(&m->branch_labels, py->labels.items[j]);
			}
			m->message = py->doc ? pgm_strdup(py->doc) : NULL;
		}
	}
	if (rc == PGM_EXIT_OK && npys > 0 &&
		!imp_check_labels(set, opts->versions_dir, "branch label"))
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


/* Alembic: the rows of alembic_version are the tips. */
int
imp_adopt_alembic(PGconn *conn, const char *qt, const char *table,
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

		i = imp_find_id(set, v);
		if (i < 0)
			rc = imp_missing_id("alembic", table, v);
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
