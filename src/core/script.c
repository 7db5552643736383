/*-------------------------------------------------------------------------
 *
 * script.c
 *	  The SQL text of a plan, for review or for running by hand with psql
 *	  (like "alembic upgrade --sql"): migrate.script() in the server and
 *	  "pg_migrate script --offline" in the client build it here, so that
 *	  the two produce the same bytes for the same graph, state and
 *	  scripts.
 *
 * The text opens a transaction, takes the project's mutex as every
 * pg_migrate command does, and runs each step's script followed by its
 * bookkeeping (migrate.record_step(), which checks the mutex, the state
 * and the checksum the script was made with).  A nontransactional script
 * cannot run inside a transaction block: the transaction so far is
 * committed, the script runs on its own, and its bookkeeping gets a
 * transaction of its own that takes the mutex again.
 *
 * IDENTIFICATION
 *	  src/core/script.c
 *
 *-------------------------------------------------------------------------
 */
#include "core_int.h"

#include <ctype.h>

/*
 * A string literal as PostgreSQL's quote_literal() writes it: quotes
 * doubled, and with backslashes doubled behind an E prefix when there are
 * any, so that it reads the same whatever standard_conforming_strings is.
 */
char *
pgm_quote_literal(const char *s)
{
	StringInfoData buf;
	const char *p;

	initStringInfo(&buf);
	if (strchr(s, '\\') != NULL)
		appendStringInfoChar(&buf, 'E');
	appendStringInfoChar(&buf, '\'');
	for (p = s; *p; p++)
	{
		if (*p == '\'' || *p == '\\')
			appendStringInfoChar(&buf, *p);
		appendStringInfoChar(&buf, *p);
	}
	appendStringInfoChar(&buf, '\'');
	return buf.data;
}

/* append a script so that it ends with a statement terminator */
static void
append_script(StringInfo buf, const char *script)
{
	int			len = strlen(script);

	while (len > 0 && isspace((unsigned char) script[len - 1]))
		len--;
	if (len == 0)
		return;
	appendBinaryStringInfo(buf, script, len);
	if (script[len - 1] != ';')
		appendStringInfoString(buf, "\n;");
	appendStringInfoChar(buf, '\n');
}

static void
append_bookkeeping(StringInfo buf, const char *project, const char *id,
				   PgmDirection direction, const char *checksum)
{
	appendStringInfo(buf, "SELECT migrate.record_step(%s, %s, '%s', %s);\n",
					 pgm_quote_literal(project), pgm_quote_literal(id),
					 pgm_direction_name(direction), pgm_quote_literal(checksum));
}

static void
append_lock(StringInfo buf, const char *project)
{
	appendStringInfo(buf, "-- the project's migration mutex, as every pg_migrate command takes it\n"
					 "SELECT migrate.lock(%s);\n",
					 pgm_quote_literal(project));
}

/* "-- upgrade ID: message", every line of the message inside the comment */
static void
append_step_comment(StringInfo buf, PgmRevision *rev, bool up,
					const char *note)
{
	appendStringInfo(buf, "\n-- %s %s", up ? "upgrade" : "downgrade", rev->id);
	if (rev->message)
	{
		const char *p;

		appendStringInfoString(buf, ": ");
		for (p = rev->message; *p; p++)
		{
			appendStringInfoChar(buf, *p);
			if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
				appendStringInfoString(buf, "-- ");
		}
	}
	appendStringInfoChar(buf, '\n');
	if (note)
		appendStringInfo(buf, "-- %s\n", note);
}

/*
 * The script of a plan.  fetch gives each step's scripts and checksum
 * (and, optionally, a one-line note to show above it; it may also refuse
 * the step by raising an error).  The project and target are shown in the
 * first line; the project is quoted as a literal wherever SQL uses it.
 */
char *
pgm_build_script(PgmGraph *graph, PgmPlan *plan, const char *project,
				 const char *target, PgmScriptFetch fetch, void *arg)
{
	StringInfoData buf;
	bool		in_xact = true;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "-- pg_migrate script for project \"%s\", target \"%s\": %d revision%s\n",
					 project, target, plan->nsteps, plan->nsteps == 1 ? "" : "s");
	appendStringInfoString(&buf, "-- run it with psql -v ON_ERROR_STOP=1, so that it stops at the first error\n");
	appendStringInfoString(&buf, "BEGIN;\n");
	append_lock(&buf, project);
	for (i = 0; i < plan->nsteps; i++)
	{
		PgmStep    *step = &plan->steps[i];
		PgmRevision *rev = &graph->revs[step->rev];
		bool		up = step->direction == PGM_UP;
		PgmExecClass cls = up ? rev->up_class : rev->down_class;
		PgmScriptSource src;
		const char *script;

		memset(&src, 0, sizeof(src));
		fetch(arg, rev, up, &src);
		script = up ? src.up : src.down;
		if (src.nbatches > 0)
			script = pgm_script_with_batches(script, src.nbatches, src.batch_starts,
											 src.batch_lens);
		append_step_comment(&buf, rev, up, src.note);
		if (cls == PGM_EXEC_NONTRANSACTIONAL)
		{
			/*
			 * Outside a transaction block, hence outside the mutex: close
			 * the transaction so far (its changes are then complete and
			 * counted), run the script, and record it in a transaction of
			 * its own that takes the mutex again.
			 */
			if (in_xact)
				appendStringInfoString(&buf, "COMMIT;\n");
			appendStringInfoString(&buf, "-- outside a transaction block, without the mutex: not atomic\n");
			append_script(&buf, script);
			appendStringInfoString(&buf, "BEGIN;\n");
			append_lock(&buf, project);
			append_bookkeeping(&buf, project, rev->id, step->direction, src.checksum);
			appendStringInfoString(&buf, "COMMIT;\n");
			in_xact = false;
			continue;
		}
		if (!in_xact)
		{
			appendStringInfoString(&buf, "BEGIN;\n");
			append_lock(&buf, project);
			in_xact = true;
		}
		append_script(&buf, script);
		append_bookkeeping(&buf, project, rev->id, step->direction, src.checksum);
	}
	if (in_xact)
		appendStringInfoString(&buf, "COMMIT;\n");
	return buf.data;
}

/*
 * Batched statements.  A statement preceded by the line
 * "-- migrate:batch" (alone on its line, among the blank lines and
 * comments between it and the previous statement) runs repeatedly, each
 * run in a transaction of its own, until it affects no rows.  The text of
 * a statement as the parser splits a script runs from the end of the
 * previous one, so the directive is in its opening blanks and comments.
 *
 * pgm_scan_opening() walks the blanks and comments of script[start, start
 * + len) (and semicolons, when between statements) and returns the offset
 * of the first token (start + len when there is none).  Each "--" comment
 * alone on its line is passed to fn (offset and length without trailing
 * blanks): the batch directive and the linter's annotations are such
 * lines.  Offsets are the script's, so that "alone on its line" looks
 * back to the line's real start, past the range.
 */
int
pgm_scan_opening(const char *script, int start, int len, bool semicolons,
				 PgmCommentLineFn fn, void *arg)
{
	int			end = start + len;
	int			i = start;

	while (i < end)
	{
		char		c = script[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
			(semicolons && c == ';'))
			i++;
		else if (c == '-' && i + 1 < end && script[i + 1] == '-')
		{
			int			eol = i;
			int			trimmed;
			int			k;
			bool		alone = true;

			while (eol < end && script[eol] != '\n')
				eol++;
			trimmed = eol;
			while (trimmed > i && (script[trimmed - 1] == ' ' || script[trimmed - 1] == '\t' ||
								   script[trimmed - 1] == '\r'))
				trimmed--;
			for (k = i - 1; k >= 0 && script[k] != '\n'; k--)
				if (script[k] != ' ' && script[k] != '\t')
					alone = false;
			if (alone && fn)
				fn(arg, script, i, trimmed - i);
			i = eol;
		}
		else if (c == '/' && i + 1 < end && script[i + 1] == '*')
		{
			int			depth = 1;

			i += 2;
			while (i < end && depth > 0)
			{
				if (script[i] == '/' && i + 1 < end && script[i + 1] == '*')
				{
					depth++;
					i += 2;
				}
				else if (script[i] == '*' && i + 1 < end && script[i + 1] == '/')
				{
					depth--;
					i += 2;
				}
				else
					i++;
			}
		}
		else
			break;
	}
	return i;
}

/* the first batch directive among the comment lines */
static void
find_batch_marker(void *arg, const char *script, int offset, int len)
{
	int		   *marker = (int *) arg;

	if (*marker < 0 && len == (int) strlen(PGM_BATCH_MARKER) &&
		memcmp(script + offset, PGM_BATCH_MARKER, len) == 0)
		*marker = offset;
}

static int
scan_opening(const char *script, int start, int len, bool semicolons, int *marker)
{
	*marker = -1;
	return pgm_scan_opening(script, start, len, semicolons, find_batch_marker, marker);
}

/*
 * The offset in script of the batch directive before the statement whose
 * text is script[start, start + len), or -1.
 */
int
pgm_batch_marker(const char *script, int start, int len)
{
	int			marker;

	(void) scan_opening(script, start, len, false, &marker);
	return marker;
}

/*
 * The offset of a batch directive in script[start, start + len), a stretch
 * between statements (semicolons, blanks and comments: an empty statement,
 * or what follows the last one), where it batches nothing; or -1.
 */
int
pgm_batch_marker_between(const char *script, int start, int len)
{
	int			marker;

	(void) scan_opening(script, start, len, true, &marker);
	return marker;
}

/*
 * A batched statement in a script for psql: a DO block that runs it until
 * it affects no rows, committing each run (DO may commit at top level),
 * under the same settings as the server's loop (read from pg_settings, in
 * milliseconds: the script has loaded the library by then).  The statement is a
 * literal inside a dollar-quoted body whose tag it does not contain.
 */
static void
append_batch_loop(StringInfo buf, const char *stmt, int len)
{
	char	   *text = pnstrdup(stmt, len);
	char	   *literal = pgm_quote_literal(text);
	char		tag[32];
	int			n = 0;

	strcpy(tag, "$pgm_batch$");
	while (strstr(literal, tag) != NULL)
		snprintf(tag, sizeof(tag), "$pgm_batch_%d$", ++n);
	appendStringInfo(buf,
					 "DO %s\n"
					 "DECLARE\n"
					 "\tn bigint;\n"
					 "\truns integer := 0;\n"
					 "BEGIN\n"
					 "\tLOOP\n"
					 "\t\tEXECUTE %s;\n"
					 "\t\tGET DIAGNOSTICS n = ROW_COUNT;\n"
					 "\t\tEXIT WHEN n OPERATOR(pg_catalog.=) 0;\n"
					 "\t\truns := runs OPERATOR(pg_catalog.+) 1;\n"
					 "\t\tIF runs OPERATOR(pg_catalog.>=) coalesce((SELECT s.setting::integer FROM pg_catalog.pg_settings s WHERE s.name OPERATOR(pg_catalog.=) 'pg_migrate.batch_max'), 100000) THEN\n"
					 "\t\t\tRAISE EXCEPTION 'batched statement still affected rows after %% runs', runs\n"
					 "\t\t\t\tUSING ERRCODE = '54000';\n"
					 "\t\tEND IF;\n"
					 "\t\tCOMMIT;\n"
					 "\t\tPERFORM pg_catalog.pg_sleep(coalesce((SELECT s.setting::integer FROM pg_catalog.pg_settings s WHERE s.name OPERATOR(pg_catalog.=) 'pg_migrate.batch_pause'), 100) OPERATOR(pg_catalog./) 1000.0);\n"
					 "\tEND LOOP;\n"
					 "END\n"
					 "%s",
					 tag, literal, tag);
	pfree(literal);
	pfree(text);
}

/*
 * The script with its batched statements (byte ranges as the parser
 * splits them, in order) turned into loops for psql.
 */
char *
pgm_script_with_batches(const char *script, int n, const int *starts,
						const int *lens)
{
	StringInfoData buf;
	int			done = 0;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		int			marker;
		int			token = scan_opening(script, starts[i], lens[i], false, &marker);

		appendBinaryStringInfo(&buf, script + done, token - done);
		append_batch_loop(&buf, script + token, starts[i] + lens[i] - token);
		done = starts[i] + lens[i];
	}
	appendStringInfoString(&buf, script + done);
	return buf.data;
}
