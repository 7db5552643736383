/*-------------------------------------------------------------------------
 *
 * cmd_lint.c
 *	  pg_migrate lint: the hazards of migration files, before they run.
 *
 * Offline (--offline, or when nothing says where a database is) the files
 * are parsed with libpg_query and checked by the rules every linter of
 * pg_migrate shares (src/core/lint.c), without a catalog: sizes are
 * unknown and the catalog-aware rules stay silent.  With a database, each
 * file that is not applied there is linted by migrate.lint() against the
 * live catalog, after the files before it (which create what it may use);
 * annotations and syntax are still checked here first, so that a bad
 * file is reported with its own line numbers.
 *
 * Files named on the command line are linted each on its own; without
 * them, the files of --dir in the order they would be applied, each
 * knowing what the ones before it create.
 *
 * IDENTIFICATION
 *	  client/cmd_lint.c
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

typedef struct LintTotals
{
	int			counts[3];		/* by severity */
	int			failed;			/* files that do not parse or load */
	bool		first;			/* JSON: no file printed yet */
	PQExpBufferData out;		/* stdout, printed at the end: a server
								 * error on the way leaves no half JSON */
} LintTotals;

/* for pgm_core_call: lint one script with the core's errors caught */
typedef struct LintCall
{
	PgmLintState *st;
	const char *script;
	PgmLintStatement *stmts;
	int			n;
	PgmLintResult *result;
} LintCall;

static void
lint_call(void *arg)
{
	LintCall   *c = (LintCall *) arg;

	pgm_lint_script(c->st, c->script, c->stmts, c->n, c->result);
}

/* the findings of one file from the server, into result */
static void
server_findings(PGconn *conn, const char *script, const PgmList *preceding,
				PgmLintResult *result)
{
	char	   *array = pgm_array_literal(preceding);
	const char *params[2] = {script, array};
	PGresult   *res = pgm_query(conn,
								"SELECT l.rule, l.severity, l.statement_no, l.line, l.message, l.hint "
								"FROM migrate.lint($1, $2::pg_catalog.text[]) l",
								2, params);
	int			i;

	result->nfindings = PQntuples(res);
	result->findings = palloc0(sizeof(PgmLintFinding) * (result->nfindings + 1));
	for (i = 0; i < result->nfindings; i++)
	{
		PgmLintFinding *f = &result->findings[i];
		const char *sev = PQgetvalue(res, i, 1);

		f->rule = pstrdup(PQgetvalue(res, i, 0));
		f->severity = strcmp(sev, "error") == 0 ? PGM_LINT_ERROR :
			strcmp(sev, "warning") == 0 ? PGM_LINT_WARNING : PGM_LINT_ADVICE;
		f->statement_no = atoi(PQgetvalue(res, i, 2));
		f->line = atoi(PQgetvalue(res, i, 3));
		f->message = pstrdup(PQgetvalue(res, i, 4));
		f->hint = pstrdup(PQgetvalue(res, i, 5));
	}
	PQclear(res);
	free(array);
}

static void
print_file(const Opts *o, const char *file, const PgmMigration *m,
		   const PgmLintResult *r, LintTotals *t)
{
	int			i;
	int			base = m->up_line > 0 ? m->up_line - 1 : 0;

	for (i = 0; i < r->nfindings; i++)
		t->counts[r->findings[i].severity]++;
	if (!o->json)
	{
		char	   *shown = pgm_escaped(file);

		for (i = 0; i < r->nfindings; i++)
		{
			const PgmLintFinding *f = &r->findings[i];
			char	   *msg = pgm_escaped(f->message);
			char	   *hint = pgm_escaped(f->hint);

			appendPQExpBuffer(&t->out, "%s:%d: %s: %s: %s\n    hint: %s\n", shown, base + f->line,
				   pgm_lint_severity_name(f->severity), f->rule, msg, hint);
			free(msg);
			free(hint);
		}
		free(shown);
		return;
	}
	appendPQExpBuffer(&t->out, "%s{\"file\": %s, \"revision\": %s, \"findings\": [", t->first ? "" : ", ",
		   json_str(file), m->id ? json_str(m->id) : "null");
	t->first = false;
	for (i = 0; i < r->nfindings; i++)
	{
		const PgmLintFinding *f = &r->findings[i];

		appendPQExpBuffer(&t->out, "%s{\"rule\": %s, \"severity\": \"%s\", \"statement_no\": %d, "
			   "\"line\": %d, \"script_line\": %d, \"message\": %s, \"hint\": %s}",
			   i ? ", " : "", json_str(f->rule), pgm_lint_severity_name(f->severity),
			   f->statement_no, base + f->line, f->line, json_str(f->message),
			   json_str(f->hint));
	}
	appendPQExpBuffer(&t->out, "], \"ignored\": [");
	for (i = 0; i < r->nignored; i++)
	{
		const PgmLintIgnore *ig = &r->ignored[i];

		appendPQExpBuffer(&t->out, "%s{\"rule\": %s, \"statement_no\": %d, \"line\": %d, \"reason\": %s}",
			   i ? ", " : "", json_str(ig->rule), ig->statement_no, base + ig->line,
			   json_str(ig->reason));
	}
	appendPQExpBuffer(&t->out, "]}");
}

static void
print_failure(const Opts *o, const char *file, const char *error, int line,
			  LintTotals *t)
{
	t->failed++;
	if (!o->json)
		return;					/* already on stderr */
	appendPQExpBuffer(&t->out, "%s{\"file\": %s, \"error\": %s, \"line\": %d}", t->first ? "" : ", ",
		   json_str(file), json_str(error), line);
	t->first = false;
}

/*
 * Lint one file.  st carries what earlier files created (offline); conn
 * and preceding are for the server.  False when the file could not be
 * linted (reported).
 */
static bool
lint_file(const Opts *o, const char *file, const PgmMigration *m, PgmLintState *st,
		  PGconn *conn, const PgmList *preceding, LintTotals *t)
{
	LintCall	c;
	char	   *error;
	int			error_line;
	int			base = m->up_line > 0 ? m->up_line - 1 : 0;

	memset(&c, 0, sizeof(c));
	pgm_lint_error_line = 0;
	c.script = m->up ? m->up : "";
	c.stmts = pgm_lint_facts(c.script, &c.n, &error, &error_line);
	if (c.stmts == NULL)
	{
		pgm_error("%s: %s", file, error);
		if (error_line > 0)
			fprintf(stderr, "CONTEXT:  %s, line %d\n", file, base + error_line);
		print_failure(o, file, error, error_line > 0 ? base + error_line : 0, t);
		return false;
	}
	c.st = st;
	c.result = palloc0(sizeof(PgmLintResult));
	if (!pgm_core_call(lint_call, &c))
	{
		int			line = pgm_lint_error_line > 0 ? base + pgm_lint_error_line : 0;

		if (line > 0)
			fprintf(stderr, "CONTEXT:  %s, line %d\n", file, line);
		print_failure(o, file, pgm_core_last_error ? pgm_core_last_error : "bad annotation",
					  line, t);
		return false;
	}
	if (conn)
	{
		PgmLintResult *server = palloc0(sizeof(PgmLintResult));

		server_findings(conn, c.script, preceding, server);
		server->nignored = c.result->nignored;
		server->ignored = c.result->ignored;
		c.result = server;
	}
	print_file(o, file, m, c.result, t);
	return true;
}

/* the revisions applied in the database, for skipping their files */
static PGresult *
applied_revisions(PGconn *conn, const Opts *o)
{
	const char *params[1] = {o->project};

	return pgm_query(conn, "SELECT a.revision FROM migrate.applied a "
					 "WHERE a.project OPERATOR(pg_catalog.=) $1", 1, params);
}

static bool
is_applied(const PGresult *res, const char *id)
{
	int			i;

	for (i = 0; res && id && i < PQntuples(res); i++)
		if (strcmp(PQgetvalue(res, i, 0), id) == 0)
			return true;
	return false;
}

/* Load the files named on the command line, each on its own. */
static int
load_files(const Opts *o, PgmMigrationSet *set, char ***paths)
{
	int			i;
	int			rc = PGM_EXIT_OK;

	*paths = pgm_malloc(sizeof(char *) * (o->nargs + 1));
	for (i = 0; i < o->nargs; i++)
	{
		size_t		len;
		char	   *text = pgm_read_file(o->args[i], &len);
		PgmMigration *m;

		if (text == NULL)
		{
			pgm_error("could not read file \"%s\": %s", o->args[i], strerror(errno));
			return PGM_EXIT_FILES;
		}
		m = pgm_set_add(set);
		if (!pgm_parse_migration(o->args[i], text, len, m))
			rc = PGM_EXIT_FILES;
		(*paths)[i] = pgm_strdup(o->args[i]);
		free(text);
	}
	return rc;
}

int
cmd_lint(Opts *o)
{
	PgmMigrationSet set = {0};
	char	  **paths = NULL;
	bool		own_files = o->nargs > 0;
	int			rc = own_files ? load_files(o, &set, &paths) : load_ordered(o, &set);
	PGconn	   *conn = NULL;
	PGresult   *applied = NULL;
	PgmLintState *shared = pgm_lint_begin(NULL);
	PgmList		preceding = {0};
	PgmList		none = {0};
	int			skipped = 0;
	LintTotals	t;
	int			i;

	if (rc != PGM_EXIT_OK)
		return rc;
	if (!o->offline && pgm_server_named(o))
	{
		conn = connect_db(o);
		if (!own_files)
			applied = applied_revisions(conn, o);
	}
	memset(&t, 0, sizeof(t));
	t.first = true;
	initPQExpBuffer(&t.out);
	if (o->json)
		appendPQExpBufferStr(&t.out, "{\"files\": [");
	for (i = 0; i < set.n; i++)
	{
		PgmMigration *m = &set.items[i];
		char	   *file = own_files ? paths[i] : pgm_printf("%s/%s", o->dir, m->path);

		if (is_applied(applied, m->id))
		{
			skipped++;
			continue;
		}
		if (lint_file(o, file, m, own_files ? pgm_lint_begin(NULL) : shared,
					  conn, own_files ? &none : &preceding, &t))
			pgm_list_add(&preceding, m->up ? m->up : "");
	}
	if (o->json)
		appendPQExpBuffer(&t.out, "], \"errors\": %d, \"warnings\": %d, \"advice\": %d, \"failed\": %d, "
			   "\"skipped_applied\": %d, \"catalog\": %s}\n",
			   t.counts[PGM_LINT_ERROR], t.counts[PGM_LINT_WARNING],
			   t.counts[PGM_LINT_ADVICE], t.failed, skipped, conn ? "true" : "false");
	else
		appendPQExpBuffer(&t.out, "%d file%s linted%s%s: %d error%s, %d warning%s, %d advice%s\n",
			   set.n - skipped, set.n - skipped == 1 ? "" : "s",
			   conn ? " against the database" : " offline",
			   skipped ? pgm_printf(" (%d applied, skipped)", skipped) : "",
			   t.counts[PGM_LINT_ERROR], t.counts[PGM_LINT_ERROR] == 1 ? "" : "s",
			   t.counts[PGM_LINT_WARNING], t.counts[PGM_LINT_WARNING] == 1 ? "" : "s",
			   t.counts[PGM_LINT_ADVICE], t.failed ? pgm_printf(", %d not linted", t.failed) : "");
	fputs(pgm_buf_data(&t.out), stdout);
	if (applied)
		PQclear(applied);
	finish(conn);
	return t.counts[PGM_LINT_ERROR] > 0 || t.failed > 0 ? PGM_EXIT_PENDING : PGM_EXIT_OK;
}
