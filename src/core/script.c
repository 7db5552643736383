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
