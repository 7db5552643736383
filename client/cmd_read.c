/*-------------------------------------------------------------------------
 *
 * cmd_read.c
 *	  The read commands: current, heads, branches, history, status, plan,
 *	  script and show.
 *
 * See cmd.h for how the client's files divide the work.
 *
 * IDENTIFICATION
 *	  client/cmd_read.c
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

/* ----------------------------------------------------------------
 * read commands
 * ----------------------------------------------------------------
 */

/*
 * A read-only command: the JSON of the set-returning call (scalar: one
 * text column, as an array of strings), or human_sql's rows as lines or as
 * a table (empty: print empty_text, if any).
 */
static int
read_command(const Opts *o, const char *call, bool scalar, const char *human_sql,
			 bool table, const char *empty_text, int nparams,
			 const char *const *params)
{
	PGconn	   *conn = connect_db(o);
	PGresult   *res;

	if (o->json)
	{
		if (scalar)
			json_values(conn, call, nparams, params);
		else
			json_rows(conn, call, nparams, params);
		finish(conn);
		return PGM_EXIT_OK;
	}
	res = pgm_query(conn, human_sql, nparams, params);
	if (PQntuples(res) == 0 && empty_text)
		puts(empty_text);
	else if (table)
		pgm_print_table(res);
	else
		print_lines(res);
	PQclear(res);
	finish(conn);
	return PGM_EXIT_OK;
}

int
cmd_current(Opts *o)
{
	const char *params[1] = {o->project};

	return read_command(o, "migrate.current($1)", true,
						"SELECT c FROM migrate.current($1) c",
						false, NULL, 1, params);
}

int
cmd_heads(Opts *o)
{
	const char *params[2] = {o->project, o->resolve_deps ? "true" : "false"};

	return read_command(o, "migrate.heads($1, $2::pg_catalog.bool)", true,
						"SELECT h FROM migrate.heads($1, $2::pg_catalog.bool) h",
						false, NULL, 2, params);
}

int
cmd_branches(Opts *o)
{
	const char *params[1] = {o->project};

	return read_command(o, "migrate.branches($1)", false,
						"SELECT branch_point OPERATOR(pg_catalog.||) ' -> '::pg_catalog.text "
						"OPERATOR(pg_catalog.||) pg_catalog.array_to_string(children, ', ') "
						"FROM migrate.branches($1)",
						false, NULL, 1, params);
}

/*
 * history --verbose: a block per revision, as Alembic's history --verbose
 * prints one: its id and state, its edges, who registered it and when,
 * who applied it and when, and its whole message.  The registration and
 * application columns are readable by monitoring roles.
 */
static int
history_verbose(Opts *o, const char *const *params)
{
	PGconn	   *conn = connect_db(o);
	PGresult   *res;
	int			i;

	res = pgm_query(conn,
					"SELECT h.id, pg_catalog.array_to_string(h.parents, ', '), "
					"pg_catalog.array_to_string(h.branch_labels, ', '), "
					"pg_catalog.array_to_string(h.depends_on, ', '), "
					"pg_catalog.array_to_string(h.flags, ', '), "
					"CASE WHEN h.applied THEN 'applied' ELSE 'pending' END, "
					"pg_catalog.to_char(r.registered_at, 'YYYY-MM-DD HH24:MI:SS OF'), r.registered_by, "
					"pg_catalog.to_char(a.applied_at, 'YYYY-MM-DD HH24:MI:SS OF'), a.applied_by, a.applied_via, "
					"h.message "
					"FROM migrate.history($1, $2) WITH ORDINALITY AS h "
					"LEFT JOIN migrate.revisions r ON r.project" EQ "$2::pg_catalog.text AND r.id" EQ "h.id "
					"LEFT JOIN migrate.applied a ON a.project" EQ "$2::pg_catalog.text AND a.revision" EQ "h.id "
					"ORDER BY h.ordinality",
					2, params);
	for (i = 0; i < PQntuples(res); i++)
	{
		char	   *v[12];
		int			c;
		const char *line;

		for (c = 0; c < 12; c++)
			v[c] = PQgetisnull(res, i, c) ? NULL : pgm_escaped(PQgetvalue(res, i, c));
		printf("%sRev: %s (%s%s%s)\n", i ? "\n" : "", v[0], v[5],
			   v[4] && *v[4] ? ", " : "", v[4] && *v[4] ? v[4] : "");
		printf("Parent: %s\n", v[1] && *v[1] ? v[1] : "<base>");
		if (v[2] && *v[2])
			printf("Branch names: %s\n", v[2]);
		if (v[3] && *v[3])
			printf("Depends on: %s\n", v[3]);
		if (v[6])
			printf("Registered: %s by %s\n", v[6], v[7] ? v[7] : "?");
		if (v[8])
			printf("Applied: %s by %s%s%s\n", v[8], v[9] ? v[9] : "?",
				   v[10] && strcmp(v[10], "up") != 0 ? " via " : "",
				   v[10] && strcmp(v[10], "up") != 0 ? v[10] : "");
		for (c = 0; c < 12; c++)
			free(v[c]);
		/* the message, indented, line by line as it was written */
		if (!PQgetisnull(res, i, 11) && PQgetvalue(res, i, 11)[0] != '\0')
		{
			putchar('\n');
			line = PQgetvalue(res, i, 11);
			while (*line)
			{
				const char *nl = strchr(line, '\n');
				char	   *one = pgm_printf("%.*s", nl ? (int) (nl - line) : (int) strlen(line), line);
				char	   *shown = pgm_escaped(one);

				printf("    %s\n", shown);
				free(shown);
				free(one);
				line = nl ? nl + 1 : line + strlen(line);
			}
		}
	}
	PQclear(res);
	finish(conn);
	return PGM_EXIT_OK;
}

int
cmd_history(Opts *o)
{
	const char *params[2] = {o->nargs > 0 ? o->args[0] : NULL, o->project};

	if (o->verbose && !o->json)
		return history_verbose(o, params);
	return read_command(o, "migrate.history($1, $2)", false,
						"SELECT id, pg_catalog.array_to_string(parents, ', ') AS parents, "
						"pg_catalog.array_to_string(branch_labels, ', ') AS labels, "
						"pg_catalog.array_to_string(depends_on, ', ') AS depends_on, "
						"pg_catalog.array_to_string(flags, ', ') AS flags, "
						"CASE WHEN applied THEN 'applied' ELSE 'pending' END AS state, message "
						"FROM migrate.history($1, $2)",
						true, NULL, 2, params);
}

/*
 * How the directory and the database differ, for status --dir: files whose
 * id is not registered, files registered with other content (scripts or
 * edges: the checksum; a changed message does not count) and registered
 * revisions the directory lacks, each in file or registration order.
 */
static const char *const DRIFT_SQL =
"SELECT d.kind, d.id, d.path FROM ("
"  SELECT 1 AS k, 'not registered' AS kind, f.id, f.path, f.ord "
"  FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[]), "
"       pg_catalog.unnest($4::pg_catalog.text[])) WITH ORDINALITY AS f(id, checksum, path, ord) "
"  WHERE NOT EXISTS (SELECT FROM migrate.revisions r "
"                    WHERE r.project" EQ "$1::pg_catalog.text AND r.id" EQ "f.id) "
"  UNION ALL "
"  SELECT 2, 'registered with different content', f.id, f.path, f.ord "
"  FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[]), "
"       pg_catalog.unnest($4::pg_catalog.text[])) WITH ORDINALITY AS f(id, checksum, path, ord) "
"  JOIN migrate.revisions r ON r.project" EQ "$1::pg_catalog.text AND r.id" EQ "f.id "
"  WHERE r.checksum OPERATOR(pg_catalog.<>) f.checksum "
"  UNION ALL "
"  SELECT 3, 'not in the directory', r.id, NULL, r.seq "
"  FROM migrate.revisions r "
"  WHERE r.project" EQ "$1::pg_catalog.text "
"    AND r.id OPERATOR(pg_catalog.<>) ALL ($2::pg_catalog.text[])"
") d ORDER BY d.k, d.ord";

/* the drift of the directory: its ids, checksums and file names */
PGresult *
dir_drift(PGconn *conn, const Opts *o, const PgmMigrationSet *set)
{
	PGresult   *res = query_with_arrays(conn, DRIFT_SQL, o->project, set,
										(const int[]) {0, 7, 8}, 3);

	if (res == NULL)
	{
		PQfinish(conn);
		exit(PGM_EXIT_SERVER);
	}
	return res;
}

/* the drift rows as a JSON array of {"problem", "revision", "file"} */
static char *
drift_json(PGresult *res)
{
	PQExpBufferData b;
	int			i;

	initPQExpBuffer(&b);
	appendPQExpBufferStr(&b, "[");
	for (i = 0; i < PQntuples(res); i++)
	{
		char	   *kind = json_str(PQgetvalue(res, i, 0));
		char	   *id = json_str(PQgetvalue(res, i, 1));
		char	   *path = PQgetisnull(res, i, 2) ? pgm_strdup("null") :
			json_str(PQgetvalue(res, i, 2));

		appendPQExpBuffer(&b, "%s{\"problem\": %s, \"revision\": %s, \"file\": %s}",
					   i ? ", " : "", kind, id, path);
		free(kind);
		free(id);
		free(path);
	}
	appendPQExpBufferStr(&b, "]");
	return pgm_buf_data(&b);
}

/*
 * What needs a DBA's attention: revisions whose run in a background worker
 * was interrupted, and INVALID indexes in the project's schemas.
 */
static void
print_attention(PGconn *conn, const Opts *o)
{
	const char *params[1] = {o->project};
	PGresult   *res = pgm_query(conn,
								"SELECT 'interrupted' AS kind, e OPERATOR(pg_catalog.->>) 'revision', "
								"  e OPERATOR(pg_catalog.->>) 'direction', e OPERATOR(pg_catalog.->>) 'started_at' "
								"FROM migrate.status_json($1) j, "
								"  pg_catalog.jsonb_array_elements(j OPERATOR(pg_catalog.->) 'interrupted'::pg_catalog.text) e "
								"UNION ALL "
								"SELECT 'invalid', e OPERATOR(pg_catalog.->>) 'index', e OPERATOR(pg_catalog.->>) 'table', NULL "
								"FROM migrate.status_json($1) j, "
								"  pg_catalog.jsonb_array_elements(j OPERATOR(pg_catalog.->) 'invalid_indexes'::pg_catalog.text) e",
								1, params);
	int			i;

	for (i = 0; i < PQntuples(res); i++)
	{
		char	   *a = pgm_escaped(PQgetvalue(res, i, 1));
		char	   *b = pgm_escaped(PQgetvalue(res, i, 2));

		if (strcmp(PQgetvalue(res, i, 0), "interrupted") == 0)
		{
			char	   *at = pgm_escaped(PQgetvalue(res, i, 3));

			printf("interrupted: %s (%s, started %s): run it again with --per-revision; what the interrupted run left is put right first\n",
				   a, b, at);
			free(at);
		}
		else
			printf("invalid index: %s on %s (a concurrent build failed or was interrupted)\n", a, b);
		free(a);
		free(b);
	}
	PQclear(res);
}

int
cmd_status(Opts *o)
{
	PGconn	   *conn;
	const char *params[2] = {o->project, NULL};
	PGresult   *res;
	PGresult   *drift = NULL;
	PgmMigrationSet set = {0};
	bool		up_to_date;
	int			pending;
	int			i;

	/* with --dir, the directory is the source of truth */
	if (o->dir_given)
	{
		int			rc = load_ordered(o, &set);

		if (rc != PGM_EXIT_OK)
			return rc;
	}
	conn = connect_db(o);
	if (o->dir_given)
		drift = dir_drift(conn, o, &set);

	if (o->json)
	{
		char	   *dj = drift ? drift_json(drift) : NULL;

		params[1] = dj;
		res = pgm_query(conn,
						"SELECT (j OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('revisions', "
						"  (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(s) "
						"       OPERATOR(pg_catalog.-) 'ordinality'::pg_catalog.text "
						"     ORDER BY s.ordinality), '[]'::pg_catalog.jsonb) "
						"   FROM migrate.status($1) WITH ORDINALITY s)) "
						"  OPERATOR(pg_catalog.||) CASE WHEN $2::pg_catalog.jsonb IS NULL "
						"    THEN '{}'::pg_catalog.jsonb "
						"    ELSE pg_catalog.jsonb_build_object('directory', $2::pg_catalog.jsonb, "
						"      'up_to_date', (j OPERATOR(pg_catalog.->>) 'up_to_date'::pg_catalog.text)::pg_catalog.bool "
						"        AND pg_catalog.jsonb_array_length($2::pg_catalog.jsonb)" EQ "0) END"
						")::pg_catalog.text, "
						"  (j OPERATOR(pg_catalog.->>) 'up_to_date'::pg_catalog.text)::pg_catalog.bool "
						"FROM migrate.status_json($1) j", 2, params);
		puts(PQgetvalue(res, 0, 0));
		up_to_date = strcmp(PQgetvalue(res, 0, 1), "t") == 0 &&
			(drift == NULL || PQntuples(drift) == 0);
		PQclear(res);
		if (drift)
			PQclear(drift);
		free(dj);
		finish(conn);
		return (o->check && !up_to_date) ? PGM_EXIT_PENDING : PGM_EXIT_OK;
	}
	res = pgm_query(conn,
					"SELECT (j OPERATOR(pg_catalog.->>) 'up_to_date'::pg_catalog.text)::pg_catalog.bool, "
					"  pg_catalog.jsonb_array_length(j OPERATOR(pg_catalog.->) 'pending'::pg_catalog.text), "
					"  coalesce((SELECT pg_catalog.string_agg(x, ', ') "
					"            FROM pg_catalog.jsonb_array_elements_text("
					"              j OPERATOR(pg_catalog.->) 'current'::pg_catalog.text) x), ''), "
					"  coalesce((SELECT pg_catalog.string_agg(x, ', ') "
					"            FROM pg_catalog.jsonb_array_elements_text("
					"              j OPERATOR(pg_catalog.->) 'heads'::pg_catalog.text) x), '') "
					"FROM migrate.status_json($1) j", 1, params);
	up_to_date = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	pending = atoi(PQgetvalue(res, 0, 1));
	{
		char	   *project = pgm_escaped(o->project);
		char	   *current = pgm_escaped(PQgetvalue(res, 0, 2)[0] ? PQgetvalue(res, 0, 2) : "base");
		char	   *heads = pgm_escaped(PQgetvalue(res, 0, 3));

		if (up_to_date && drift && PQntuples(drift) > 0)
		{
			char	   *dir = pgm_escaped(o->dir);

			printf("project \"%s\": not up to date with directory \"%s\" (current: %s)\n",
				   project, dir, current);
			free(dir);
		}
		else if (up_to_date)
			printf("project \"%s\": up to date (current: %s)\n", project, current);
		else
			printf("project \"%s\": %d pending (current: %s; heads: %s)\n", project,
				   pending, current, heads);
		free(project);
		free(current);
		free(heads);
	}
	PQclear(res);
	print_attention(conn, o);
	if (drift && PQntuples(drift) > 0)
	{
		char	   *dir = pgm_escaped(o->dir);

		up_to_date = false;
		printf("directory \"%s\" differs from the database:\n", dir);
		for (i = 0; i < PQntuples(drift); i++)
		{
			char	   *id = pgm_escaped(PQgetvalue(drift, i, 1));

			if (PQgetisnull(drift, i, 2))
				printf("  %s: %s\n", PQgetvalue(drift, i, 0), id);
			else
			{
				char	   *path = pgm_escaped(PQgetvalue(drift, i, 2));

				printf("  %s: %s (%s)\n", PQgetvalue(drift, i, 0), id, path);
				free(path);
			}
			free(id);
		}
		free(dir);
	}
	if (drift)
		PQclear(drift);
	if (!o->check)
	{
		res = pgm_query(conn,
						"SELECT revision, state, "
						"pg_catalog.to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS') AS applied_at, "
						"applied_by, "
						"pg_catalog.concat_ws(', ', CASE WHEN is_current THEN 'current' END, "
						"          CASE WHEN is_head THEN 'head' END) AS flags, message "
						"FROM migrate.status($1)", 1, params);
		if (PQntuples(res) > 0)
		{
			printf("\n");
			pgm_print_table(res);
		}
		PQclear(res);
	}
	finish(conn);
	return (o->check && !up_to_date) ? PGM_EXIT_PENDING : PGM_EXIT_OK;
}

int
cmd_plan(Opts *o)
{
	const char *params[2] = {o->nargs > 0 ? o->args[0] : "heads", o->project};

	if (pgm_use_offline(o))
		return pgm_offline_plan(o);

	/*
	 * plan() also counts each step's lint findings against the catalog;
	 * the client's plan shows what "plan --offline" shows too (findings are
	 * "pg_migrate lint"'s).
	 */
	if (o->json)
	{
		PGconn	   *conn = connect_db(o);

		print_json_query(conn,
						 "SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) "
						 "OPERATOR(pg_catalog.-) 'ordinality'::pg_catalog.text "
						 "OPERATOR(pg_catalog.-) 'findings'::pg_catalog.text "
						 "ORDER BY t.ordinality), '[]'::pg_catalog.jsonb)::pg_catalog.text "
						 "FROM migrate.plan($1, $2) WITH ORDINALITY t", 2, params);
		finish(conn);
		return PGM_EXIT_OK;
	}
	return read_command(o, "migrate.plan($1, $2)", false,
						"SELECT step, revision, direction, execution, statements, message "
						"FROM migrate.plan($1, $2)",
						true, "nothing to do", 2, params);
}

int
cmd_script(Opts *o)
{
	PGconn	   *conn;
	const char *params[2] = {o->nargs > 0 ? o->args[0] : "heads", o->project};
	PGresult   *res;

	if (pgm_use_offline(o))
		return pgm_offline_script(o);
	conn = connect_db(o);
	if (o->json)
	{
		print_json_query(conn, "SELECT pg_catalog.jsonb_build_object('script', "
						 "migrate.script($1, $2))::pg_catalog.text", 2, params);
		finish(conn);
		return PGM_EXIT_OK;
	}
	res = pgm_query(conn, "SELECT migrate.script($1, $2)", 2, params);
	if (!PQgetisnull(res, 0, 0))
	{
		const char *s = PQgetvalue(res, 0, 0);
		size_t		len = strlen(s);

		fputs(s, stdout);
		if (len > 0 && s[len - 1] != '\n')
			fputc('\n', stdout);
	}
	PQclear(res);
	finish(conn);
	return PGM_EXIT_OK;
}

static void
print_script(const char *label, const char *cls, const char *script)
{
	const char *p = script;

	printf("%s (%s):\n", label, cls);
	while (*p)
	{
		const char *nl = strchr(p, '\n');
		size_t		n = nl ? (size_t) (nl - p) : strlen(p);

		if (n > 0)
			printf("    %.*s\n", (int) n, p);
		else
			printf("\n");
		if (!nl)
			break;
		p = nl + 1;
	}
}

int
cmd_show(Opts *o)
{
	PGconn	   *conn = connect_db(o);
	const char *params[2] = {o->args[0], o->project};
	PGresult   *res;
	int			r;

	if (o->json)
	{
		json_rows(conn, "migrate.show($1, $2)", 2, params);
		finish(conn);
		return PGM_EXIT_OK;
	}
	res = pgm_query(conn,
					"SELECT id, pg_catalog.array_to_string(parents, ', '), "
					"pg_catalog.array_to_string(branch_labels, ', '), "
					"pg_catalog.array_to_string(depends_on, ', '), message, "
					"up, down, up_class, down_class, checksum, "
					"pg_catalog.to_char(registered_at, 'YYYY-MM-DD HH24:MI:SS'), registered_by, "
					"applied, pg_catalog.to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS'), applied_by, "
					"is_head FROM migrate.show($1, $2)", 2, params);
	for (r = 0; r < PQntuples(res); r++)
	{
		print_value("revision:       ", PQgetvalue(res, r, 0));
		print_value("parents:        ", PQgetvalue(res, r, 1)[0] ? PQgetvalue(res, r, 1) : "(base)");
		if (PQgetvalue(res, r, 2)[0])
			print_value("branch labels:  ", PQgetvalue(res, r, 2));
		if (PQgetvalue(res, r, 3)[0])
			print_value("depends on:     ", PQgetvalue(res, r, 3));
		if (!PQgetisnull(res, r, 4))
		{
			/* one output line per message line, each escaped */
			char	   *msg = pgm_strdup(PQgetvalue(res, r, 4));
			char	   *line = msg;
			const char *label = "message:        ";

			for (;;)
			{
				char	   *nl = strchr(line, '\n');

				if (nl)
					*nl = '\0';
				print_value(label, line);
				if (!nl)
					break;
				label = "                ";
				line = nl + 1;
			}
			free(msg);
		}
		printf("head:           %s\n", strcmp(PQgetvalue(res, r, 15), "t") == 0 ? "yes" : "no");
		if (strcmp(PQgetvalue(res, r, 12), "t") == 0)
		{
			char	   *when = pgm_printf("applied:        %s by ", PQgetvalue(res, r, 13));

			print_value(when, PQgetvalue(res, r, 14));
			free(when);
		}
		else
			printf("applied:        no\n");
		{
			char	   *when = pgm_printf("registered:     %s by ", PQgetvalue(res, r, 10));

			print_value(when, PQgetvalue(res, r, 11));
			free(when);
		}
		printf("checksum:       %s\n", PQgetvalue(res, r, 9));
		print_script("up", PQgetvalue(res, r, 7), PQgetvalue(res, r, 5));
		if (PQgetisnull(res, r, 6))
			printf("down: none (irreversible)\n");
		else
			print_script("down", PQgetvalue(res, r, 8), PQgetvalue(res, r, 6));
	}
	PQclear(res);
	finish(conn);
	return PGM_EXIT_OK;
}

