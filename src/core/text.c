/*-------------------------------------------------------------------------
 *
 * text.c
 *	  Errors and message text of the core: the error hook, the id rules
 *	  as messages, quoting of untrusted text, lists of names, and the edit
 *	  distance behind "did you mean" hints.
 *
 * IDENTIFICATION
 *	  src/core/text.c
 *
 *-------------------------------------------------------------------------
 */
#include "core_int.h"

#include <stdarg.h>
#include <stdlib.h>

#include "mb/pg_wchar.h"

PgmErrorHook pgm_core_error_hook = NULL;

/* appendStringInfo() for a va_list (args is left as it was given) */
void
pgm_append_va(StringInfo buf, const char *fmt, va_list args)
{
	for (;;)
	{
		va_list		copy;
		int			needed;

		va_copy(copy, args);
		needed = appendStringInfoVA(buf, fmt, copy);
		va_end(copy);
		if (needed == 0)
			break;
		enlargeStringInfo(buf, needed);
	}
}

void
pgm_core_error(const char *sqlstate, const char *detail, const char *hint,
		  const char *fmt,...)
{
	StringInfoData buf;
	va_list		args;

	initStringInfo(&buf);
	va_start(args, fmt);
	pgm_append_va(&buf, fmt, args);
	va_end(args);
	if (pgm_core_error_hook)
		pgm_core_error_hook(sqlstate, buf.data, detail, hint);
	/* a hook that returns breaks the contract: nothing can go on */
	abort();
}

/*
 * What is wrong with a revision id or branch label (the rules are those of
 * ids.c), as a phrase for messages, or NULL for a valid name.  Used as it
 * is for names read back from the catalog, which are checked again before
 * use.
 */
const char *
pgm_id_problem_text(PgmIdProblem problem)
{
	switch (problem)
	{
		case PGM_ID_OK:
			return NULL;
		case PGM_ID_EMPTY:
			return "is empty";
		case PGM_ID_TOO_LONG:
			return "is too long";
		case PGM_ID_BAD_CHAR:
			return "contains an invalid character";
		case PGM_ID_RESERVED:
			return "is a reserved word";
		case PGM_ID_SIGN:
			return "starts with a sign";
	}
	return "is invalid";
}

const char *
pgm_id_problem(const char *id)
{
	return pgm_id_problem_text(pgm_id_check(id));
}

/*
 * The same for user input, with a message of its own for each rule.  The
 * offending text is shown through pgm_display(): it may hold anything.
 */
void
pgm_check_id(const char *id, const char *what)
{
	switch (pgm_id_check(id))
	{
		case PGM_ID_OK:
			return;
		case PGM_ID_EMPTY:
			pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL, NULL,
					  "%s must not be empty", what);
		case PGM_ID_TOO_LONG:
			pgm_core_error(PGM_ERR_INVALID_PARAMETER,
					  psprintf("It is %zu bytes long; at most %d characters are allowed.",
							   strlen(id), PGM_MAX_ID_LEN), NULL,
					  "%s %s is too long", what, pgm_display(id));
		case PGM_ID_RESERVED:
			pgm_core_error(PGM_ERR_INVALID_PARAMETER,
					  "The words head, heads, base and current are symbols of the target language.",
					  NULL, "%s \"%s\" is a reserved word", what, id);
		case PGM_ID_SIGN:
			pgm_core_error(PGM_ERR_INVALID_PARAMETER,
					  "A leading sign would read as a relative target.", NULL,
					  "%s \"%s\" must not start with \"%c\"", what, id, id[0]);
		case PGM_ID_BAD_CHAR:
			break;
	}
	pgm_core_error(PGM_ERR_INVALID_PARAMETER,
			  "Only letters, digits, \"_\", \"-\" and \".\" are allowed.", NULL,
			  "%s %s contains an invalid character", what, pgm_display(id));
}

/* Refuse a project name that breaks pgm_project_name_ok()'s rule. */
void
pgm_check_project_name(const char *project)
{
	if (pgm_project_name_ok(project))
		return;
	if (project[0] == '\0')
		pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL, NULL,
					   "project name must not be empty");
	if (strlen(project) > PGM_MAX_PROJECT_LEN)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
					   psprintf("At most %d characters are allowed.", PGM_MAX_PROJECT_LEN),
					   NULL, "project name %s is too long", pgm_display(project));
	pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				   "Only letters, digits, \"_\", \"-\" and \".\" are allowed.", NULL,
				   "project name %s contains an invalid character", pgm_display(project));
}

/* the length of the character at p: the database's encoding, or UTF-8 */
static int
char_len(const unsigned char *p)
{
#ifdef FRONTEND
	return pg_utf_mblen(p);
#else
	return pg_mblen((const char *) p);
#endif
}

/*
 * Text that failed validation, for a message: in double quotes, control
 * characters and backslashes escaped (\n, \x01), and cut to 64 characters,
 * so that nothing a caller passes can break a log line or forge one.
 */
char *
pgm_display(const char *s)
{
	StringInfoData buf;
	const unsigned char *p;
	int			shown = 0;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '"');
	for (p = (const unsigned char *) s; *p; p++)
	{
		if (shown >= 64)
		{
			appendStringInfoString(&buf, "...");
			break;
		}
		if (*p == '\n')
			appendStringInfoString(&buf, "\\n");
		else if (*p == '\r')
			appendStringInfoString(&buf, "\\r");
		else if (*p == '\t')
			appendStringInfoString(&buf, "\\t");
		else if (*p == '\\')
			appendStringInfoString(&buf, "\\\\");
		else if (*p < 0x20 || *p == 0x7f)
			appendStringInfo(&buf, "\\x%02x", *p);
		else
		{
			/*
			 * A multibyte character is copied whole.  A malformed one ends
			 * at the first control character, which the loop then escapes.
			 */
			int			len = char_len(p);
			int			i;

			appendStringInfoChar(&buf, (char) p[0]);
			for (i = 1; i < len && p[i] >= 0x20 && p[i] != 0x7f; i++)
				appendStringInfoChar(&buf, (char) p[i]);
			p += i - 1;
		}
		shown++;
	}
	appendStringInfoChar(&buf, '"');
	/* as long as it needs to be: the linter makes many of these */
	{
		char	   *shown = pstrdup(buf.data);

		pfree(buf.data);
		return shown;
	}
}

/* "a", "b", "c" for messages; long lists are cut short. */
char *
pgm_format_names(const char *const *names, int n)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		if (i == 10)
		{
			appendStringInfo(&buf, " and %d more", n - 10);
			break;
		}
		appendStringInfo(&buf, "%s\"%s\"", i > 0 ? ", " : "", names[i]);
	}
	return buf.data;
}

/* The same for revisions of a graph. */
char *
pgm_format_revs(PgmGraph *graph, const int *revs, int n)
{
	const char **names = PGM_ALLOC_N(const char *, n);
	char	   *result;
	int			i;

	for (i = 0; i < n; i++)
		names[i] = graph->revs[revs[i]].id;
	result = pgm_format_names(names, n);
	pfree(names);
	return result;
}

/*
 * The edit distance of a and b (insertions, deletions and substitutions,
 * each costing one), or max + 1 when it exceeds max.  Names are short
 * (at most twice PGM_MAX_ID_LEN bytes are compared), so the plain dynamic
 * program over two rows is enough.
 */
int
pgm_levenshtein(const char *a, int alen, const char *b, int blen, int max)
{
	int		   *prev;
	int		   *cur;
	int			i,
				j;
	int			result;

	if (abs(alen - blen) > max)
		return max + 1;
	prev = PGM_ALLOC_N(int, blen + 1);
	cur = PGM_ALLOC_N(int, blen + 1);
	for (j = 0; j <= blen; j++)
		prev[j] = j;
	for (i = 1; i <= alen; i++)
	{
		int			rowmin;
		int		   *tmp;

		cur[0] = i;
		rowmin = i;
		for (j = 1; j <= blen; j++)
		{
			int			v = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);

			v = Min(v, prev[j] + 1);
			v = Min(v, cur[j - 1] + 1);
			cur[j] = v;
			rowmin = Min(rowmin, v);
		}
		tmp = prev;
		prev = cur;
		cur = tmp;
		if (rowmin > max)
		{
			pfree(prev);
			pfree(cur);
			return max + 1;
		}
	}
	result = prev[blen] > max ? max + 1 : prev[blen];
	pfree(prev);
	pfree(cur);
	return result;
}
