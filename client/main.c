/*-------------------------------------------------------------------------
 *
 * main.c
 *	  pg_migrate: the command-line client.
 *
 *		pg_migrate [OPTION]... COMMAND [ARG]...
 *
 * File commands (new, merge --dir, import, bundle) work on a directory of
 * migration files; database commands are thin over the SQL API of the
 * extension and use the same target language.  Connection parameters come
 * from libpq: -d CONNINFO (a conninfo string or URI), the PG* environment
 * variables, ~/.pgpass and PGSERVICE.
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

#include "pgm.h"

#define PGM_CLIENT_VERSION "0.4.0"

typedef struct Opts
{
	const char *conninfo;
	const char *project;
	const char *dir;
	bool		dir_given;
	const char *message;
	const char *branch_label;
	const char *depends_on;
	const char *parents;
	const char *id;
	const char *output;
	const char *downgrade_sql;
	const char *versions;
	const char *table;
	const char *tool_project;
	bool		json;
	bool		check;
	bool		force;
	bool		ignore_changed;
	bool		purge;
	bool		per_revision;
	bool		trust_registrants;	/* --trust-registrants */
	bool		allow_extra;	/* --allow-extra */
	bool		resolve_deps;
	int			nargs;
	char	  **args;
} Opts;

typedef int (*CommandFn) (Opts *o);

typedef struct Command
{
	const char *name;
	CommandFn	fn;
	int			min_args;
	int			max_args;
	const char *synopsis;
} Command;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static PGconn *
connect_db(const Opts *o)
{
	return pgm_connect(o->conninfo);
}

static void
finish(PGconn *conn)
{
	if (conn)
		PQfinish(conn);
}

/* Run a query whose one row, one column is JSON text, and print it. */
static int
print_json_query(PGconn *conn, const char *sql, int nparams,
				 const char *const *params)
{
	PGresult   *res = pgm_query(conn, sql, nparams, params);

	puts(PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "null");
	PQclear(res);
	return PGM_EXIT_OK;
}

/* The JSON rows of a set-returning call, in its order. */
static char *
json_rows_sql(const char *call)
{
	return pgm_printf("SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) "
					  "OPERATOR(pg_catalog.-) 'ordinality'::pg_catalog.text "
					  "ORDER BY t.ordinality), '[]'::pg_catalog.jsonb)::pg_catalog.text "
					  "FROM %s WITH ORDINALITY t", call);
}

static int
json_rows(PGconn *conn, const char *call, int nparams, const char *const *params)
{
	char	   *sql = json_rows_sql(call);
	int			rc = print_json_query(conn, sql, nparams, params);

	free(sql);
	return rc;
}

/* The JSON array of a set-returning call of one text column. */
static int
json_values(PGconn *conn, const char *call, int nparams, const char *const *params)
{
	char	   *sql = pgm_printf("SELECT coalesce(pg_catalog.jsonb_agg(t.v ORDER BY t.n), "
								 "'[]'::pg_catalog.jsonb)::pg_catalog.text "
								 "FROM %s WITH ORDINALITY t(v, n)", call);
	int			rc = print_json_query(conn, sql, nparams, params);

	free(sql);
	return rc;
}

/* A JSON string (with quotes) for arbitrary text. */
static char *
json_str(const char *text)
{
	PgmBuf		b;
	const unsigned char *p;

	pgm_buf_init(&b);
	pgm_buf_append(&b, "\"");
	for (p = (const unsigned char *) text; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			pgm_buf_printf(&b, "\\%c", *p);
		else if (*p < 0x20)
			pgm_buf_printf(&b, "\\u%04x", *p);
		else
			pgm_buf_append_len(&b, (const char *) p, 1);
	}
	pgm_buf_append(&b, "\"");
	return b.data;
}

/*
 * Print label and a value from the database on one line, control
 * characters escaped: ids, role names and messages are anybody's text.
 */
static void
print_value(const char *label, const char *value)
{
	char	   *shown = pgm_display(value);

	printf("%s%s\n", label, shown);
	free(shown);
}

static void
print_lines(const PGresult *res)
{
	int			i;

	for (i = 0; i < PQntuples(res); i++)
		print_value("", PQgetvalue(res, i, 0));
}

/* ----------------------------------------------------------------
 * push
 * ----------------------------------------------------------------
 */

typedef struct PushStats
{
	int			new_count;
	int			changed;
	int			message;
	int			unchanged;
	int			skipped;
} PushStats;

/*
 * The checksum the server stores for a revision (src/core/checksum.c, the
 * same code).  It lets push compare a file with what is registered without
 * sending the scripts; a file whose checksum differs is compared in full
 * (COMPARE_SQL).
 */
static char *
revision_checksum(const PgmMigration *m)
{
	char	   *const *const lists[3] = {m->parents.items, m->branch_labels.items,
	m->depends_on.items};
	const int	counts[3] = {m->parents.n, m->branch_labels.n, m->depends_on.n};
	char	   *hex = pgm_malloc(PGM_CHECKSUM_LEN + 1);

	/* no checksum: every file is then compared in full */
	if (!pgm_revision_checksum(m->up, m->down, lists, counts, hex))
		strcpy(hex, "unknown");
	return hex;
}

static char *
array_of(const PgmMigrationSet *set, int field)
{
	PgmBuf		b;
	int			i;

	pgm_buf_init(&b);
	pgm_buf_append(&b, "{");
	for (i = 0; i < set->n; i++)
	{
		const PgmMigration *m = &set->items[i];
		char	   *owned = NULL;
		const char *v;
		const char *p;

		switch (field)
		{
			case 0:
				v = m->id;
				break;
			case 1:
				v = m->up;
				break;
			case 2:
				v = m->down;
				break;
			case 3:
				v = owned = pgm_array_literal(&m->parents);
				break;
			case 4:
				v = owned = pgm_array_literal(&m->branch_labels);
				break;
			case 5:
				v = owned = pgm_array_literal(&m->depends_on);
				break;
			case 7:
				v = owned = revision_checksum(m);
				break;
			case 8:
				v = m->path;
				break;
			default:
				v = m->message;
				break;
		}
		if (i > 0)
			pgm_buf_append(&b, ",");
		if (v == NULL)
			pgm_buf_append(&b, "NULL");
		else
		{
			pgm_buf_append(&b, "\"");
			for (p = v; *p; p++)
			{
				if (*p == '"' || *p == '\\')
					pgm_buf_append_len(&b, "\\", 1);
				pgm_buf_append_len(&b, p, 1);
			}
			pgm_buf_append(&b, "\"");
		}
		free(owned);
	}
	pgm_buf_append(&b, "}");
	return b.data;
}

/*
 * Run sql with $1 = project and $2.. = the given fields of every file in
 * set, as arrays (see array_of).  NULL after reporting a server error.
 */
static PGresult *
query_with_arrays(PGconn *conn, const char *sql, const char *project,
				  const PgmMigrationSet *set, const int *fields, int nfields)
{
	const char *params[8];
	char	   *arrays[7];
	PGresult   *res;
	int			k;

	params[0] = project;
	for (k = 0; k < nfields; k++)
		params[k + 1] = arrays[k] = array_of(set, fields[k]);
	res = pgm_query_try(conn, sql, nfields + 1, params);
	for (k = 0; k < nfields; k++)
		free(arrays[k]);
	return res;
}

/*
 * Every query names its operators (OPERATOR(pg_catalog.=)), functions and
 * types with their schema: the session's search_path stays the user's
 * (migration scripts use it), and an unqualified "=" on text[] would pick
 * a public.=(text[], text[]) that anybody allowed to create objects there
 * could plant, run with the rights of whoever pushes (CVE-2018-1058).  For
 * the same reason IS [NOT] DISTINCT FROM, which looks "=" up by name, is
 * written out (SAME); in a CASE WHEN, its NULL for one NULL side counts
 * as false.  The zipping unnest(a, b, ...) exists only unqualified, so it
 * is spelled ROWS FROM (pg_catalog.unnest(a), pg_catalog.unnest(b), ...).
 */
#define EQ " OPERATOR(pg_catalog.=) "
#define SAME(a, b) "(" a EQ b " OR (" a " IS NULL AND " b " IS NULL))"

/*
 * How each file compares with what is registered: new, unchanged, message
 * (only the message differs: re-registered, always allowed), changed (not
 * applied yet: re-registered) or applied (changed after it was applied:
 * refused).  One round trip, whatever the number of files.
 */
static const char *const COMPARE_SQL =
"SELECT f.ord, CASE "
"  WHEN r.id IS NULL THEN 'new' "
"  WHEN " SAME("r.up_script", "f.up") " AND " SAME("r.down_script", "f.down")
"   AND r.parents" EQ "f.parents::pg_catalog.text[] "
"   AND r.branch_labels" EQ "f.labels::pg_catalog.text[] "
"   AND r.depends_on" EQ "f.deps::pg_catalog.text[] THEN "
"    CASE WHEN " SAME("r.message", "f.message") " THEN 'unchanged' ELSE 'message' END "
"  WHEN a.revision IS NOT NULL THEN 'applied' "
"  ELSE 'changed' END "
"FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[]), "
"     pg_catalog.unnest($4::pg_catalog.text[]), pg_catalog.unnest($5::pg_catalog.text[]), "
"     pg_catalog.unnest($6::pg_catalog.text[]), pg_catalog.unnest($7::pg_catalog.text[]), "
"     pg_catalog.unnest($8::pg_catalog.text[])) WITH ORDINALITY "
"     AS f(id, up, down, parents, labels, deps, message, ord) "
"LEFT JOIN migrate.revisions r ON r.project" EQ "$1::pg_catalog.text AND r.id" EQ "f.id "
"LEFT JOIN migrate.applied a ON a.project" EQ "$1::pg_catalog.text AND a.revision" EQ "f.id "
"ORDER BY f.ord";

/*
 * The first look, by checksum: files whose checksum is registered are
 * unchanged (or differ in the message only) without sending their
 * scripts; the others ("differs") are then compared in full.
 */
static const char *const CHECK_SQL =
"SELECT f.ord, CASE "
"  WHEN r.id IS NULL THEN 'new' "
"  WHEN r.checksum" EQ "f.checksum THEN "
"    CASE WHEN " SAME("r.message", "f.message") " THEN 'unchanged' ELSE 'message' END "
"  ELSE 'differs' END "
"FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[]), "
"     pg_catalog.unnest($4::pg_catalog.text[])) WITH ORDINALITY "
"     AS f(id, checksum, message, ord) "
"LEFT JOIN migrate.revisions r ON r.project" EQ "$1::pg_catalog.text AND r.id" EQ "f.id "
"ORDER BY f.ord";

static const char *const REGISTER_SQL =
"SELECT migrate.revision(id => $1, up => $2, down => $3, parents => $4::pg_catalog.text[], "
"message => $5, branch_labels => $6::pg_catalog.text[], depends_on => $7::pg_catalog.text[], "
"project => $8)";

/*
 * Drain a pipeline of BEGIN, one registration per todo entry, COMMIT and a
 * sync; report the first error with the file it belongs to.
 */
static bool
pipeline_results(PGconn *conn, const char *dir, const PgmMigrationSet *set,
				 const int *todo, int ntodo)
{
	int			q = 0;			/* query 0 is BEGIN */
	bool		ok = true;

	for (;;)
	{
		PGresult   *res = PQgetResult(conn);
		ExecStatusType st;

		if (res == NULL)
		{
			q++;				/* the end of one query's results */
			if (q > ntodo + 2)
				break;			/* connection trouble: no sync result */
			continue;
		}
		st = PQresultStatus(res);
		if (st == PGRES_PIPELINE_SYNC)
		{
			PQclear(res);
			break;
		}
		if (st == PGRES_FATAL_ERROR && ok)
		{
			char	   *what = NULL;

			if (q >= 1 && q <= ntodo)
				what = pgm_path_join(dir, set->items[todo[q - 1]].path);
			pgm_report_result_error(res, what);
			free(what);
			ok = false;
		}
		PQclear(res);
	}
	return ok;
}

/*
 * Register a set (already in registration order).  in_transaction: the
 * caller has begun a transaction and will end it.
 */
static int
push_set(PGconn *conn, const Opts *o, const PgmMigrationSet *set,
		 bool in_transaction, PushStats *stats, bool report)
{
	PGresult   *res;
	int		   *todo = pgm_malloc((set->n + 1) * sizeof(int));
	const char **state = pgm_malloc((set->n + 1) * sizeof(char *));
	int			ntodo = 0,
				napplied = 0,
				i,
				k;
	int			rc = PGM_EXIT_OK;

	memset(stats, 0, sizeof(*stats));
	if (set->n == 0)
	{
		if (report && !o->json)
			printf("pushed 0 files: 0 new, 0 changed, 0 message only, 0 unchanged\n");
		free(todo);
		free(state);
		return PGM_EXIT_OK;
	}
	/* by checksum first: one small round trip when nothing changed */
	res = query_with_arrays(conn, CHECK_SQL, o->project, set,
							(const int[]) {0, 7, 6}, 3);
	if (res == NULL)
	{
		free(todo);
		free(state);
		return PGM_EXIT_SERVER;
	}
	for (i = 0; i < set->n; i++)
	{
		state[i] = pgm_strdup(PQgetvalue(res, i, 1));
		if (strcmp(state[i], "differs") == 0)
			todo[ntodo++] = i;
	}
	PQclear(res);

	/* then the files whose checksum differs, in full */
	if (ntodo > 0)
	{
		PgmMigrationSet differs;

		differs.n = differs.cap = ntodo;
		differs.items = pgm_malloc(ntodo * sizeof(PgmMigration));
		for (k = 0; k < ntodo; k++)
			differs.items[k] = set->items[todo[k]];
		res = query_with_arrays(conn, COMPARE_SQL, o->project, &differs,
								(const int[]) {0, 1, 2, 3, 4, 5, 6}, 7);
		free(differs.items);
		if (res == NULL)
		{
			free(todo);
			for (i = 0; i < set->n; i++)
				free((char *) state[i]);
			free(state);
			return PGM_EXIT_SERVER;
		}
		for (k = 0; k < ntodo; k++)
		{
			free((char *) state[todo[k]]);
			state[todo[k]] = pgm_strdup(PQgetvalue(res, k, 1));
		}
		PQclear(res);
		ntodo = 0;
	}
	for (i = 0; i < set->n; i++)
		if (strcmp(state[i], "applied") == 0)
			napplied++;

	if (napplied > 0)
	{
		if (!o->ignore_changed)
			pgm_error("%d applied revision%s changed in the files:",
					  napplied, napplied == 1 ? " has" : "s have");
		else
			pgm_warning("%d applied revision%s changed in the files; registered versions kept:",
						napplied, napplied == 1 ? " has" : "s have");
		for (i = 0; i < set->n; i++)
			if (strcmp(state[i], "applied") == 0)
				pgm_message("  %s (%s)", set->items[i].id, set->items[i].path);
		if (!o->ignore_changed)
		{
			pgm_hint("Applied history is not edited: restore these files (\"pg_migrate pull\" writes what is registered) and make the change in a new revision. --ignore-changed pushes the other files and keeps the registered versions of these.");
			rc = PGM_EXIT_FILES;
			goto out;
		}
	}

	for (i = 0; i < set->n; i++)
	{
		if (strcmp(state[i], "unchanged") == 0)
			stats->unchanged++;
		else if (strcmp(state[i], "applied") == 0)
			stats->skipped++;
		else
		{
			if (strcmp(state[i], "new") == 0)
				stats->new_count++;
			else if (strcmp(state[i], "changed") == 0)
				stats->changed++;
			else
				stats->message++;
			todo[ntodo++] = i;
		}
	}

	if (ntodo > 0)
	{
		if (!PQenterPipelineMode(conn))
		{
			pgm_libpq_error("could not enter pipeline mode", PQerrorMessage(conn));
			rc = PGM_EXIT_SERVER;
			goto out;
		}
		if (!in_transaction)
			PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
		else
			PQsendQueryParams(conn, "SELECT 1", 0, NULL, NULL, NULL, NULL, 0);
		for (k = 0; k < ntodo; k++)
		{
			const PgmMigration *m = &set->items[todo[k]];
			char	   *p = pgm_array_literal(&m->parents);
			char	   *l = pgm_array_literal(&m->branch_labels);
			char	   *d = pgm_array_literal(&m->depends_on);
			const char *rp[8] = {m->id, m->up, m->down, p, m->message, l, d, o->project};

			if (!PQsendQueryParams(conn, REGISTER_SQL, 8, NULL, rp, NULL, NULL, 0))
			{
				pgm_libpq_error("could not send", PQerrorMessage(conn));
				rc = PGM_EXIT_SERVER;
			}
			free(p);
			free(l);
			free(d);
		}
		PQsendQueryParams(conn, in_transaction ? "SELECT 1" : "COMMIT",
						  0, NULL, NULL, NULL, NULL, 0);
		PQpipelineSync(conn);
		if (!pipeline_results(conn, o->dir, set, todo, ntodo))
			rc = PGM_EXIT_SERVER;
		PQexitPipelineMode(conn);
		if (rc != PGM_EXIT_OK)
			goto out;
	}

	if (report && !o->json)
	{
		for (k = 0; k < ntodo; k++)
		{
			char	   *path = pgm_display(set->items[todo[k]].path);

			printf("%-9s %s (%s)\n", state[todo[k]], set->items[todo[k]].id, path);
			free(path);
		}
		printf("pushed %d file%s: %d new, %d changed, %d message only, %d unchanged",
			   set->n, set->n == 1 ? "" : "s", stats->new_count, stats->changed,
			   stats->message, stats->unchanged);
		if (stats->skipped)
			printf(", %d applied and changed (kept)", stats->skipped);
		printf("\n");
	}

out:
	for (i = 0; i < set->n; i++)
		free((char *) state[i]);
	free(state);
	free(todo);
	return rc;
}

static int
load_ordered(const char *dir, PgmMigrationSet *set)
{
	if (!pgm_is_dir(dir))
	{
		pgm_error("directory \"%s\" does not exist", dir);
		pgm_hint("Give the migrations directory with --dir (default \"migrations\", or $PGMIGRATE_DIR).");
		return PGM_EXIT_FILES;
	}
	if (!pgm_load_dir(dir, set) || !pgm_order_set(set))
		return PGM_EXIT_FILES;
	return PGM_EXIT_OK;
}

static int
cmd_push(Opts *o)
{
	PgmMigrationSet set = {0};
	PGconn	   *conn;
	PushStats	stats;
	int			rc = load_ordered(o->dir, &set);

	if (rc != PGM_EXIT_OK)
		return rc;
	conn = connect_db(o);
	rc = push_set(conn, o, &set, false, &stats, true);
	if (rc == PGM_EXIT_OK && o->json)
		printf("{\"files\": %d, \"new\": %d, \"changed\": %d, \"message\": %d, \"unchanged\": %d, \"kept\": %d}\n",
			   set.n, stats.new_count, stats.changed, stats.message,
			   stats.unchanged, stats.skipped);
	finish(conn);
	return rc;
}

/* ----------------------------------------------------------------
 * upgrade, downgrade, stamp
 * ----------------------------------------------------------------
 */

static int	progress_lines;
static bool progress_quiet;

/*
 * upgrade --dir: the directory is the source of truth, so a revision that
 * is registered in the database but has no file in the directory is not
 * run unless --allow-extra says so.  The plan is read before the upgrade;
 * the upgrade itself then plans again under the project's mutex.
 */
static int
refuse_extra(PGconn *conn, const Opts *o, const PgmMigrationSet *set,
			 const char *target)
{
	const char *params[3];
	char	   *ids = array_of(set, 0);
	PGresult   *res;
	PgmList		extra = {0};
	int			i;

	params[0] = target;
	params[1] = o->project;
	params[2] = ids;
	res = pgm_query_try(conn,
						"SELECT p.revision FROM migrate.plan($1, $2) p "
						"WHERE p.direction" EQ "'up'::pg_catalog.text "
						"  AND p.revision OPERATOR(pg_catalog.<>) ALL ($3::pg_catalog.text[]) "
						"ORDER BY p.step", 3, params);
	free(ids);
	if (res == NULL)
		return PGM_EXIT_SERVER;
	for (i = 0; i < PQntuples(res); i++)
		pgm_list_add(&extra, PQgetvalue(res, i, 0));
	PQclear(res);
	if (extra.n == 0)
		return PGM_EXIT_OK;
	{
		char	   *dir = pgm_display(o->dir);
		PgmBuf		names;

		pgm_buf_init(&names);
		for (i = 0; i < extra.n; i++)
		{
			char	   *id = pgm_display(extra.items[i]);

			pgm_buf_printf(&names, "%s%s", i ? ", " : "", id);
			free(id);
		}
		pgm_error("the upgrade would run %d revision%s that directory \"%s\" does not have: %s",
				  extra.n, extra.n == 1 ? "" : "s", dir, names.data);
		pgm_hint("Write the missing files with \"pg_migrate pull --dir %s\", or pass --allow-extra to run them anyway.",
				 dir);
		free(names.data);
		free(dir);
	}
	pgm_list_free(&extra);
	return PGM_EXIT_FILES;
}

/*
 * Progress: the server sends "step k/n: up ID done in X ms" as each step
 * of upgrade()/downgrade()/stamp() finishes (pg_migrate.step_notices), and
 * "applied revision "ID" (k of n) in X s" from apply() after each commit.
 * Other notices are shown as psql shows them.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
	const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	bool		committed;
	int			k,
				n;
	char		dir[16];
	char		id[PGM_MAX_ID_LEN + 1];
	long long	us;

	(void) arg;
	if (msg == NULL)
		return;

	/*
	 * Progress: the server's fields (its SQLSTATEs PM001 and PM002, see
	 * pg_migrate.step_notices), not its English message.
	 */
	committed = code && strcmp(code, "PM002") == 0;
	if (code && (strcmp(code, "PM001") == 0 || committed) && detail &&
		sscanf(detail, "step=%d steps=%d direction=%15s duration_us=%lld revision=%64s",
			   &k, &n, dir, &us, id) == 5)
	{
		if (!progress_quiet)
		{
			char	   *shown = pgm_display(id);

			printf("[%d/%d] %-7s %s (%.1f ms%s)\n", k, n, dir, shown, us / 1000.0,
				   committed ? ", committed" : "");
			fflush(stdout);
			free(shown);
		}
		progress_lines++;
		return;
	}
	fflush(stdout);
	fprintf(stderr, "%s:  %s\n", sev ? sev : "NOTICE", msg);
}

static void
print_current(PGconn *conn, const Opts *o, const char *label)
{
	const char *params[1] = {o->project};
	PGresult   *res = pgm_query(conn,
								"SELECT coalesce(pg_catalog.string_agg(c, ', '), 'base') "
								"FROM migrate.current($1) c", 1, params);

	print_value(label, PQgetvalue(res, 0, 0));
	PQclear(res);
}

static int
run_command(Opts *o, const char *fn)
{
	PGconn	   *conn;
	PGresult   *res;
	PgmMigrationSet set = {0};
	const char *target = o->nargs > 0 ? o->args[0] : "heads";
	double		start;
	int			rc;
	bool		stamp = strcmp(fn, "stamp") == 0;

	if (o->dir_given)
	{
		rc = load_ordered(o->dir, &set);
		if (rc != PGM_EXIT_OK)
			return rc;
	}
	conn = connect_db(o);
	PQsetNoticeReceiver(conn, notice_receiver, NULL);
	if (o->dir_given)
	{
		PushStats	stats;

		progress_quiet = o->json;
		rc = push_set(conn, o, &set, false, &stats, false);
		if (rc != PGM_EXIT_OK)
		{
			finish(conn);
			return rc;
		}
		if (!o->json && (stats.new_count || stats.changed || stats.message))
			printf("pushed %d revision%s: %d new, %d changed, %d message only\n",
				   stats.new_count + stats.changed + stats.message,
				   stats.new_count + stats.changed + stats.message == 1 ? "" : "s",
				   stats.new_count, stats.changed, stats.message);
		if (strcmp(fn, "upgrade") == 0 && !o->allow_extra &&
			(rc = refuse_extra(conn, o, &set, target)) != PGM_EXIT_OK)
		{
			finish(conn);
			return rc;
		}
	}
	progress_quiet = o->json;
	res = pgm_query(conn, "SET pg_migrate.step_notices = on", 0, NULL);
	PQclear(res);

	start = now_ms();
	if (o->per_revision)
	{
		const char *params[3] = {target, o->project, o->trust_registrants ? "true" : "false"};

		res = pgm_query_try(conn, "CALL migrate.apply($1, $2, $3::pg_catalog.bool)", 3, params);
		if (res == NULL)
		{
			finish(conn);
			return PGM_EXIT_SERVER;
		}
		PQclear(res);
		if (o->json)
			printf("{\"applied\": %d}\n", progress_lines);
		else
		{
			if (progress_lines == 0)
				printf("nothing to do\n");
			else
				printf("upgraded: %d revision%s in %.1f ms\n", progress_lines,
					   progress_lines == 1 ? "" : "s", now_ms() - start);
			print_current(conn, o, "current: ");
		}
		finish(conn);
		return PGM_EXIT_OK;
	}
	else
	{
		/* stamp's third argument is purge, the others' trust_registrants */
		const char *params[3] = {target, o->project,
		(stamp ? o->purge : o->trust_registrants) ? "true" : "false"};
		char	   *call = stamp ? pgm_strdup("migrate.stamp($1, $2, $3::pg_catalog.bool)")
			: pgm_printf("migrate.%s($1, $2, $3::pg_catalog.bool)", fn);
		char	   *sql;
		int			nparams = 3;

		if (o->json)
			sql = pgm_printf("SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object("
							 "'step', step, 'revision', revision, 'direction', direction, "
							 "'duration_ms', pg_catalog.round(pg_catalog.extract('epoch'::pg_catalog.text, duration) "
							 "OPERATOR(pg_catalog.*) 1000, 3)) "
							 "ORDER BY step), '[]'::pg_catalog.jsonb)::pg_catalog.text FROM %s", call);
		else
			sql = pgm_printf("SELECT step, revision, direction, "
							 "pg_catalog.round(pg_catalog.extract('epoch'::pg_catalog.text, duration) "
							 "OPERATOR(pg_catalog.*) 1000, 1)::pg_catalog.text FROM %s",
							 call);
		res = pgm_query_try(conn, sql, nparams, params);
		free(sql);
		free(call);
		if (res == NULL)
		{
			if (progress_lines > 0)
				fprintf(stderr, "%s: the whole %s was rolled back: nothing of it stays applied\n",
						pgm_progname, fn);
			finish(conn);
			return PGM_EXIT_SERVER;
		}
		if (o->json)
			puts(PQgetvalue(res, 0, 0));
		else
		{
			int			n = PQntuples(res);

			/* the steps were shown as they finished (notice_receiver) */
			if (n == 0)
				printf("nothing to do\n");
			else
				printf("%s: %d step%s in %.1f ms\n",
					   stamp ? "stamped" : strcmp(fn, "upgrade") == 0 ? "upgraded" : "downgraded",
					   n, n == 1 ? "" : "s", now_ms() - start);
			print_current(conn, o, "current: ");
		}
		PQclear(res);
	}
	finish(conn);
	return PGM_EXIT_OK;
}

static int
cmd_upgrade(Opts *o)
{
	return run_command(o, "upgrade");
}

static int
cmd_downgrade(Opts *o)
{
	if (o->per_revision)
	{
		pgm_error("--per-revision applies to upgrade only");
		return PGM_EXIT_USAGE;
	}
	return run_command(o, "downgrade");
}

static int
cmd_stamp(Opts *o)
{
	return run_command(o, "stamp");
}

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

static int
cmd_current(Opts *o)
{
	const char *params[1] = {o->project};

	return read_command(o, "migrate.current($1)", true,
						"SELECT c FROM migrate.current($1) c",
						false, NULL, 1, params);
}

static int
cmd_heads(Opts *o)
{
	const char *params[2] = {o->project, o->resolve_deps ? "true" : "false"};

	return read_command(o, "migrate.heads($1, $2::pg_catalog.bool)", true,
						"SELECT h FROM migrate.heads($1, $2::pg_catalog.bool) h",
						false, NULL, 2, params);
}

static int
cmd_branches(Opts *o)
{
	const char *params[1] = {o->project};

	return read_command(o, "migrate.branches($1)", false,
						"SELECT branch_point OPERATOR(pg_catalog.||) ' -> '::pg_catalog.text "
						"OPERATOR(pg_catalog.||) pg_catalog.array_to_string(children, ', ') "
						"FROM migrate.branches($1)",
						false, NULL, 1, params);
}

static int
cmd_history(Opts *o)
{
	const char *params[2] = {o->nargs > 0 ? o->args[0] : NULL, o->project};

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
static PGresult *
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
	PgmBuf		b;
	int			i;

	pgm_buf_init(&b);
	pgm_buf_append(&b, "[");
	for (i = 0; i < PQntuples(res); i++)
	{
		char	   *kind = json_str(PQgetvalue(res, i, 0));
		char	   *id = json_str(PQgetvalue(res, i, 1));
		char	   *path = PQgetisnull(res, i, 2) ? pgm_strdup("null") :
			json_str(PQgetvalue(res, i, 2));

		pgm_buf_printf(&b, "%s{\"problem\": %s, \"revision\": %s, \"file\": %s}",
					   i ? ", " : "", kind, id, path);
		free(kind);
		free(id);
		free(path);
	}
	pgm_buf_append(&b, "]");
	return b.data;
}

static int
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
		int			rc = load_ordered(o->dir, &set);

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
					"  (SELECT pg_catalog.count(*) FROM migrate.status($1) s "
					"   WHERE s.state" EQ "'pending'::pg_catalog.text), "
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
		char	   *project = pgm_display(o->project);
		char	   *current = pgm_display(PQgetvalue(res, 0, 2)[0] ? PQgetvalue(res, 0, 2) : "base");
		char	   *heads = pgm_display(PQgetvalue(res, 0, 3));

		if (up_to_date && drift && PQntuples(drift) > 0)
		{
			char	   *dir = pgm_display(o->dir);

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
	if (drift && PQntuples(drift) > 0)
	{
		char	   *dir = pgm_display(o->dir);

		up_to_date = false;
		printf("directory \"%s\" differs from the database:\n", dir);
		for (i = 0; i < PQntuples(drift); i++)
		{
			char	   *id = pgm_display(PQgetvalue(drift, i, 1));

			if (PQgetisnull(drift, i, 2))
				printf("  %s: %s\n", PQgetvalue(drift, i, 0), id);
			else
			{
				char	   *path = pgm_display(PQgetvalue(drift, i, 2));

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

static int
cmd_plan(Opts *o)
{
	const char *params[2] = {o->nargs > 0 ? o->args[0] : "heads", o->project};

	return read_command(o, "migrate.plan($1, $2)", false,
						"SELECT step, revision, direction, execution, statements, message "
						"FROM migrate.plan($1, $2)",
						true, "nothing to do", 2, params);
}

static int
cmd_script(Opts *o)
{
	PGconn	   *conn = connect_db(o);
	const char *params[2] = {o->nargs > 0 ? o->args[0] : "heads", o->project};
	PGresult   *res;

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

static int
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

/* ----------------------------------------------------------------
 * new and merge: scaffold files
 * ----------------------------------------------------------------
 */

static char *
random_id(void)
{
	char	   *id = pgm_malloc(PGM_RANDOM_ID_LEN + 1);

	if (!pgm_random_id(id))
		pgm_fatal(PGM_EXIT_FILES, "could not generate a random revision id");
	return id;
}

/* Heads of a directory: revisions no file names as a parent. */
static void
dir_heads(const PgmMigrationSet *set, PgmList *heads)
{
	PgmList		parents = {0};
	int			i,
				j;

	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->items[i].parents.n; j++)
			pgm_list_add(&parents, set->items[i].parents.items[j]);
	for (i = 0; i < set->n; i++)
		if (!pgm_list_contains(&parents, set->items[i].id))
			pgm_list_add(heads, set->items[i].id);
	pgm_list_free(&parents);
}

/*
 * Write a new revision's file into o->dir; set holds the directory's
 * files (loaded by the caller), to refuse an id that exists.
 */
static int
scaffold(Opts *o, const PgmMigrationSet *set, PgmMigration *m, const char *what)
{
	PgmMigrationSet one = {0};
	char		stamp[32];
	time_t		t = time(NULL);
	char	   *slug;
	char	   *full;
	const char *why;
	struct stat st;
	int			i;

	if (!pgm_valid_id(m->id, &why))
	{
		pgm_error("invalid revision id \"%s\": %s", m->id, why);
		return PGM_EXIT_USAGE;
	}
	for (i = 0; i < set->n; i++)
		if (strcmp(set->items[i].id, m->id) == 0)
		{
			pgm_error("revision \"%s\" already exists in \"%s\"", m->id, set->items[i].path);
			return PGM_EXIT_FILES;
		}
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", gmtime(&t));
	slug = pgm_slug(m->message && m->message[0] ? m->message : what, 40);
	m->path = pgm_printf("%s_%s.sql", stamp, slug[0] ? slug : m->id);
	full = pgm_path_join(o->dir, m->path);
	/* whatever the entry is (a link is not followed) */
	if (lstat(full, &st) == 0)
	{
		pgm_error("file \"%s\" already exists", full);
		return PGM_EXIT_FILES;
	}
	*pgm_set_add(&one) = *m;
	if (!pgm_write_set(o->dir, &one, false))
		return PGM_EXIT_FILES;
	if (o->json)
	{
		char	   *jf = json_str(full);
		char	   *jr = json_str(m->id);

		printf("{\"revision\": %s, \"file\": %s}\n", jr, jf);
		free(jf);
		free(jr);
	}
	else
	{
		char	   *shown = pgm_display(full);

		printf("created %s (revision %s)\n", shown, m->id);
		free(shown);
	}
	free(full);
	free(slug);
	return PGM_EXIT_OK;
}

static bool
check_option_ids(const char *what, const PgmList *l)
{
	int			i;

	for (i = 0; i < l->n; i++)
	{
		const char *why;

		if (!pgm_valid_id(l->items[i], &why))
		{
			pgm_error("invalid %s \"%s\": %s", what, l->items[i], why);
			return false;
		}
	}
	return true;
}

static int
cmd_new(Opts *o)
{
	PgmMigration m;
	PgmMigrationSet set = {0};

	pgm_migration_init(&m);
	if (o->message == NULL)
	{
		pgm_error("new needs a message (-m MESSAGE)");
		return PGM_EXIT_USAGE;
	}
	m.id = o->id ? pgm_strdup(o->id) : random_id();
	m.message = pgm_strdup(o->message);
	m.up = pgm_strdup("");
	m.down = pgm_strdup("");
	if (o->branch_label)
		pgm_list_split(&m.branch_labels, o->branch_label);
	if (o->depends_on)
		pgm_list_split(&m.depends_on, o->depends_on);
	if (o->parents)
	{
		if (strcmp(o->parents, "base") != 0)
			pgm_list_split(&m.parents, o->parents);
	}
	if (!check_option_ids("parent", &m.parents) ||
		!check_option_ids("branch label", &m.branch_labels) ||
		!check_option_ids("dependency", &m.depends_on))
		return PGM_EXIT_USAGE;
	if (pgm_is_dir(o->dir) && !pgm_load_dir(o->dir, &set))
		return PGM_EXIT_FILES;
	if (!o->parents)
	{
		PgmList		heads = {0};

		dir_heads(&set, &heads);
		if (heads.n > 1)
		{
			char	   *list = pgm_list_join(&heads, ", ");

			pgm_error("the directory has %d heads: %s", heads.n, list);
			pgm_hint("Give the parent with --parents ID (or several, comma-separated, to merge them), or run \"pg_migrate merge --dir %s -m MESSAGE\" first.", o->dir);
			free(list);
			return PGM_EXIT_USAGE;
		}
		if (heads.n == 1)
			pgm_list_add(&m.parents, heads.items[0]);
		pgm_list_free(&heads);
	}
	return scaffold(o, &set, &m, "revision");
}

static int
cmd_merge(Opts *o)
{
	int			i;

	if (o->dir_given)
	{
		PgmMigration m;
		PgmMigrationSet set = {0};

		pgm_migration_init(&m);
		if (!pgm_is_dir(o->dir))
		{
			pgm_error("directory \"%s\" does not exist", o->dir);
			return PGM_EXIT_FILES;
		}
		if (!pgm_load_dir(o->dir, &set))
			return PGM_EXIT_FILES;
		if (o->nargs > 0)
			for (i = 0; i < o->nargs; i++)
				pgm_list_split(&m.parents, o->args[i]);
		else
			dir_heads(&set, &m.parents);
		if (!check_option_ids("parent", &m.parents))
			return PGM_EXIT_USAGE;
		if (m.parents.n < 2)
		{
			pgm_error("a merge needs at least two revisions; the directory has %d head%s",
					  m.parents.n, m.parents.n == 1 ? "" : "s");
			return PGM_EXIT_USAGE;
		}
		m.id = o->id ? pgm_strdup(o->id) : random_id();
		m.message = o->message ? pgm_strdup(o->message) : NULL;
		m.up = pgm_strdup("");
		m.down = pgm_strdup("");
		return scaffold(o, &set, &m, "merge");
	}
	else
	{
		PgmList		revs = {0};
		PGconn	   *conn;
		PGresult   *res;
		char	   *arr;
		const char *params[4];

		if (o->nargs == 0)
			pgm_list_add(&revs, "heads");
		for (i = 0; i < o->nargs; i++)
			pgm_list_split(&revs, o->args[i]);
		arr = pgm_array_literal(&revs);
		params[0] = arr;
		params[1] = o->message;
		params[2] = o->id;
		params[3] = o->project;
		conn = connect_db(o);
		res = pgm_query(conn, "SELECT migrate.merge($1::pg_catalog.text[], $2, $3, $4)", 4, params);
		if (o->json)
		{
			char	   *jr = json_str(PQgetvalue(res, 0, 0));

			printf("{\"revision\": %s}\n", jr);
			free(jr);
		}
		else
			print_value("registered merge revision ", PQgetvalue(res, 0, 0));
		PQclear(res);
		free(arr);
		finish(conn);
		return PGM_EXIT_OK;
	}
}

/*
 * prune: unregister the revisions the directory lacks that are not applied
 * (files deleted before they were deployed), newest first, in one
 * transaction.  Applied ones are kept and named.
 */
static int
cmd_prune(Opts *o)
{
	PgmMigrationSet set = {0};
	PGconn	   *conn;
	PGresult   *res;
	const char *params[2];
	char	   *ids;
	PgmList		gone = {0};
	PgmList		kept = {0};
	int			rc = load_ordered(o->dir, &set);
	int			i;

	if (rc != PGM_EXIT_OK)
		return rc;
	conn = connect_db(o);
	params[0] = o->project;
	params[1] = ids = array_of(&set, 0);
	res = pgm_query(conn,
					"SELECT r.id, EXISTS (SELECT FROM migrate.applied a "
					"  WHERE a.project" EQ "r.project AND a.revision" EQ "r.id) "
					"FROM migrate.revisions r "
					"WHERE r.project" EQ "$1::pg_catalog.text "
					"  AND r.id OPERATOR(pg_catalog.<>) ALL ($2::pg_catalog.text[]) "
					"ORDER BY r.seq DESC", 2, params);
	free(ids);
	for (i = 0; i < PQntuples(res); i++)
		pgm_list_add(strcmp(PQgetvalue(res, i, 1), "t") == 0 ? &kept : &gone,
					 PQgetvalue(res, i, 0));
	PQclear(res);

	if (gone.n > 0)
	{
		PQclear(pgm_query(conn, "BEGIN", 0, NULL));
		for (i = 0; i < gone.n && rc == PGM_EXIT_OK; i++)
		{
			params[0] = gone.items[i];
			params[1] = o->project;
			res = pgm_query_try(conn, "SELECT migrate.unregister($1, $2)", 2, params);
			if (res == NULL)
				rc = PGM_EXIT_SERVER;
			else
				PQclear(res);
		}
		res = pgm_query_try(conn, rc == PGM_EXIT_OK ? "COMMIT" : "ROLLBACK", 0, NULL);
		if (res == NULL)
			rc = PGM_EXIT_SERVER;
		else
			PQclear(res);
	}
	if (rc == PGM_EXIT_OK)
	{
		PgmList    *lists[2] = {&gone, &kept};
		char	   *text[2];
		int			k;

		for (k = 0; k < 2; k++)
		{
			PgmBuf		b;

			pgm_buf_init(&b);
			for (i = 0; i < lists[k]->n; i++)
			{
				char	   *v = o->json ? json_str(lists[k]->items[i]) :
					pgm_display(lists[k]->items[i]);

				pgm_buf_printf(&b, "%s%s", i ? ", " : "", v);
				free(v);
			}
			text[k] = b.data;
		}
		if (o->json)
			printf("{\"unregistered\": [%s], \"kept_applied\": [%s]}\n", text[0], text[1]);
		else
		{
			if (gone.n > 0)
				printf("unregistered %d revision%s: %s\n", gone.n,
					   gone.n == 1 ? "" : "s", text[0]);
			else
				printf("nothing to prune\n");
			if (kept.n > 0)
			{
				char	   *dir = pgm_display(o->dir);

				printf("kept %d applied revision%s that directory \"%s\" lacks: %s\n",
					   kept.n, kept.n == 1 ? "" : "s", dir, text[1]);
				free(dir);
			}
		}
		free(text[0]);
		free(text[1]);
	}
	pgm_list_free(&gone);
	pgm_list_free(&kept);
	finish(conn);
	return rc;
}

/* ----------------------------------------------------------------
 * pull, bundle, import, adopt
 * ----------------------------------------------------------------
 */

static int
cmd_pull(Opts *o)
{
	PGconn	   *conn;
	PGresult   *res;
	PgmMigrationSet existing = {0};
	PgmMigrationSet set = {0};
	const char *params[1] = {o->project};
	int			i,
				j,
				width = 4,
				n;

	if (pgm_is_dir(o->dir) && !pgm_load_dir(o->dir, &existing))
		return PGM_EXIT_FILES;
	conn = connect_db(o);
	res = pgm_query(conn,
					"SELECT id, parents, branch_labels, depends_on, message, up_script, down_script "
					"FROM migrate.revisions WHERE project" EQ "$1::pg_catalog.text ORDER BY seq",
					1, params);
	n = PQntuples(res);
	for (i = n; i >= 10000; i /= 10)
		width++;
	for (i = 0; i < n; i++)
	{
		PgmMigration *m = pgm_set_add(&set);

		m->id = pgm_strdup(PQgetvalue(res, i, 0));
		pgm_parse_array(PQgetvalue(res, i, 1), &m->parents);
		pgm_parse_array(PQgetvalue(res, i, 2), &m->branch_labels);
		pgm_parse_array(PQgetvalue(res, i, 3), &m->depends_on);
		m->message = PQgetisnull(res, i, 4) ? NULL : pgm_strdup(PQgetvalue(res, i, 4));
		m->up = pgm_strdup(PQgetvalue(res, i, 5));
		m->down = PQgetisnull(res, i, 6) ? NULL : pgm_strdup(PQgetvalue(res, i, 6));
		m->has_header = true;
		for (j = 0; j < existing.n; j++)
			if (strcmp(existing.items[j].id, m->id) == 0)
				m->path = pgm_strdup(existing.items[j].path);
		if (m->path == NULL)
		{
			char	   *slug = pgm_slug(m->message, 40);

			m->path = pgm_printf("%0*d_%s.sql", width, i + 1, slug[0] ? slug : m->id);
			free(slug);
		}
	}
	PQclear(res);
	finish(conn);
	if (!pgm_write_set(o->dir, &set, o->force))
		return PGM_EXIT_FILES;
	if (o->json)
	{
		char	   *jd = json_str(o->dir);

		printf("{\"revisions\": %d, \"dir\": %s}\n", n, jd);
		free(jd);
	}
	else
	{
		char	   *shown = pgm_display(o->dir);

		printf("wrote %d revision%s to %s\n", n, n == 1 ? "" : "s", shown);
		free(shown);
	}
	return PGM_EXIT_OK;
}

/*
 * A dollar-quoted literal.  The tag must not occur in the text, nor be
 * completed by it: the literal ends at the first occurrence of the tag in
 * text + tag, which must be the closing one.
 */
static void
append_dollar(PgmBuf *b, const char *text)
{
	char	   *tag = pgm_strdup("$pgm$");
	int			n = 0;

	for (;;)
	{
		char	   *both = pgm_printf("%s%s", text, tag);
		bool		ok = strstr(both, tag) == both + strlen(text);

		free(both);
		if (ok)
			break;
		free(tag);
		tag = pgm_printf("$pgm%d$", ++n);
	}
	pgm_buf_printf(b, "%s%s%s", tag, text, tag);
	free(tag);
}

static void
append_text_or_null(PgmBuf *b, const char *text)
{
	if (text == NULL)
		pgm_buf_append(b, "NULL");
	else
		append_dollar(b, text);
}

static void
append_array(PgmBuf *b, const PgmList *l)
{
	char	   *lit = pgm_array_literal(l);

	append_dollar(b, lit);
	pgm_buf_append(b, "::pg_catalog.text[]");
	free(lit);
}

static int
cmd_bundle(Opts *o)
{
	PgmMigrationSet set = {0};
	PgmBuf		b;
	int			i;
	int			rc = load_ordered(o->dir, &set);

	if (rc != PGM_EXIT_OK)
		return rc;
	/*
	 * psql reads the bundle line by line and runs any line that starts
	 * with a backslash, and PostgreSQL ends a "--" comment at a carriage
	 * return as well as at a newline: the directory and file names in the
	 * comments are escaped for display, so that each comment stays one
	 * line (file names with control characters were refused already).
	 * Everything else is a dollar-quoted literal, which neither psql nor
	 * the server looks into.  The bundle's own SQL is schema-qualified like
	 * the client's queries: it runs with the deployer's search_path.
	 */
	pgm_buf_init(&b);
	pgm_buf_printf(&b, "-- pg_migrate bundle: %d revision%s from ",
				   set.n, set.n == 1 ? "" : "s");
	pgm_buf_append_display(&b, o->dir);
	pgm_buf_append(&b,
				   "\n-- Run with: psql -v ON_ERROR_STOP=1 -f FILE\n"
				   "\\set ON_ERROR_STOP on\n"
				   "BEGIN;\n");
	for (i = 0; i < set.n; i++)
	{
		PgmMigration *m = &set.items[i];

		pgm_buf_append(&b, "\n-- ");
		pgm_buf_append_display(&b, m->path);
		pgm_buf_append(&b, "\nSELECT migrate.revision(id => ");
		append_dollar(&b, m->id);
		pgm_buf_append(&b, ",\n    up => ");
		append_dollar(&b, m->up);
		pgm_buf_append(&b, ",\n    down => ");
		append_text_or_null(&b, m->down);
		pgm_buf_append(&b, ",\n    parents => ");
		append_array(&b, &m->parents);
		pgm_buf_append(&b, ",\n    message => ");
		append_text_or_null(&b, m->message);
		pgm_buf_append(&b, ",\n    branch_labels => ");
		append_array(&b, &m->branch_labels);
		pgm_buf_append(&b, ",\n    depends_on => ");
		append_array(&b, &m->depends_on);
		pgm_buf_append(&b, ",\n    project => ");
		append_dollar(&b, o->project);
		pgm_buf_append(&b, ");\n");
	}
	if (o->per_revision)
	{
		pgm_buf_append(&b, "\nCOMMIT;\nCALL migrate.apply('heads', ");
		append_dollar(&b, o->project);
		pgm_buf_append(&b, ");\n");
	}
	else
	{
		pgm_buf_append(&b, "\nSELECT * FROM migrate.upgrade('heads', ");
		append_dollar(&b, o->project);
		pgm_buf_append(&b, ");\nCOMMIT;\n");
	}
	if (o->output)
	{
		if (!pgm_write_file(o->output, b.data, b.len))
			return PGM_EXIT_FILES;
		if (o->json)
		{
			char	   *jf = json_str(o->output);

			printf("{\"file\": %s, \"revisions\": %d}\n", jf, set.n);
			free(jf);
		}
		else
		{
			char	   *shown = pgm_display(o->output);

			printf("wrote %s (%d revision%s)\n", shown, set.n, set.n == 1 ? "" : "s");
			free(shown);
		}
	}
	else
		fputs(b.data, stdout);
	pgm_buf_free(&b);
	return PGM_EXIT_OK;
}

static int
cmd_import(Opts *o)
{
	PgmMigrationSet set = {0};
	PgmImportOptions iopts;
	int			rc;

	if (!o->dir_given && getenv("PGMIGRATE_DIR") == NULL)
	{
		pgm_error("import needs --dir DIR, the directory to write pg_migrate files into");
		return PGM_EXIT_USAGE;
	}
	memset(&iopts, 0, sizeof(iopts));
	iopts.downgrade_sql = o->downgrade_sql;
	iopts.versions_dir = o->versions;
	rc = pgm_import(o->args[0], o->args[1], &iopts, &set);
	if (rc != PGM_EXIT_OK)
		return rc;
	if (!pgm_write_set(o->dir, &set, o->force))
		return PGM_EXIT_FILES;
	if (o->json)
	{
		char	   *jd = json_str(o->dir);

		printf("{\"imported\": %d, \"dir\": %s}\n", set.n, jd);
		free(jd);
	}
	else
	{
		char	   *source = pgm_display(o->args[1]);
		char	   *dir = pgm_display(o->dir);

		printf("imported %d migration%s from %s into %s\n", set.n,
			   set.n == 1 ? "" : "s", source, dir);
		free(source);
		free(dir);
	}
	return PGM_EXIT_OK;
}

/* The rows of a one-column query as a sorted list. */
static void
query_list(PGconn *conn, const char *sql, const char *project, PgmList *out)
{
	const char *params[1] = {project};
	PGresult   *res = pgm_query(conn, sql, 1, params);
	int			i;

	for (i = 0; i < PQntuples(res); i++)
		pgm_list_add(out, PQgetvalue(res, i, 0));
	PQclear(res);
}

static int
cmd_adopt(Opts *o)
{
	PgmMigrationSet set = {0};
	PGconn	   *conn;
	PGresult   *res;
	PushStats	stats;
	PgmList		applied = {0};
	PgmList		tips = {0};
	PgmList		have = {0};
	PgmList		now = {0};
	bool		alembic = strcmp(o->args[0], "alembic") == 0;
	const char *verify_sql = alembic
		? "SELECT c FROM migrate.current($1) c"
		: "SELECT revision FROM migrate.applied WHERE project" EQ "$1::pg_catalog.text";
	int			rc = load_ordered(o->dir, &set);
	int			i,
				steps = 0;

	if (rc != PGM_EXIT_OK)
		return rc;
	conn = connect_db(o);
	PQclear(pgm_query(conn, "BEGIN", 0, NULL));
	rc = push_set(conn, o, &set, true, &stats, false);
	if (rc != PGM_EXIT_OK)
		goto out;
	rc = pgm_adopt_read(conn, o->args[0], o->table, o->tool_project, &set,
						&applied, &tips);
	if (rc != PGM_EXIT_OK)
		goto out;
	query_list(conn, verify_sql, o->project, &have);
	if (have.n > 0)
	{
		if (pgm_list_same_members(&have, alembic ? &tips : &applied))
		{
			PQclear(pgm_query(conn, "COMMIT", 0, NULL));
			printf("already adopted: pg_migrate records the same applied revisions as %s\n",
				   o->args[0]);
			goto out;
		}
		pgm_error("project \"%s\" already has applied revisions that differ from %s's history",
				  o->project, o->args[0]);
		pgm_hint("adopt starts from a project with nothing applied; check \"pg_migrate status\", and run \"pg_migrate stamp base\" first if %s's history is the one to trust.",
				 o->args[0]);
		rc = PGM_EXIT_FILES;
		goto out;
	}
	for (i = 0; i < tips.n; i++)
	{
		const char *params[2] = {tips.items[i], o->project};
		int			r;

		res = pgm_query_try(conn, "SELECT step, revision, direction FROM migrate.stamp($1, $2)",
							2, params);
		if (res == NULL)
		{
			rc = PGM_EXIT_SERVER;
			goto out;
		}
		for (r = 0; r < PQntuples(res); r++)
		{
			if (!o->json)
			{
				char	   *id = pgm_display(PQgetvalue(res, r, 1));

				printf("%-7s %s\n", PQgetvalue(res, r, 2), id);
				free(id);
			}
			steps++;
		}
		PQclear(res);
	}
	query_list(conn, verify_sql, o->project, &now);
	if (!pgm_list_same_members(&now, alembic ? &tips : &applied))
	{
		pgm_error("%s's history cannot be expressed as a pg_migrate version set", o->args[0]);
		for (i = 0; i < applied.n; i++)
			if (!pgm_list_contains(&now, applied.items[i]) && !alembic)
				pgm_message("  %s is recorded by %s but could not be stamped",
							applied.items[i], o->args[0]);
		for (i = 0; i < now.n; i++)
			if (!pgm_list_contains(alembic ? &tips : &applied, now.items[i]))
				pgm_message("  %s is not recorded by %s, but comes before a revision that is",
							now.items[i], o->args[0]);
		pgm_hint("%s applied migrations out of order; apply or revert the gaps with %s first, so that what it applied is a prefix of the chain.",
				 o->args[0], o->args[0]);
		rc = PGM_EXIT_FILES;
		goto out;
	}
	res = pgm_query(conn, "SELECT pg_catalog.count(*) FROM migrate.applied "
					"WHERE project" EQ "$1::pg_catalog.text", 1, &o->project);
	i = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	PQclear(pgm_query(conn, "COMMIT", 0, NULL));
	if (o->json)
		printf("{\"stamped\": %d, \"applied\": %d}\n", steps, i);
	else
		printf("adopted %s's history: %d revision%s recorded as applied\n",
			   o->args[0], i, i == 1 ? "" : "s");
out:
	finish(conn);
	return rc;
}

/* ----------------------------------------------------------------
 * main
 * ----------------------------------------------------------------
 */

static int	cmd_help(Opts *o);

static const Command commands[] = {
	{"new", cmd_new, 0, 0, "new -m MESSAGE [--dir D] [--parents IDS] [--branch-label L] [--depends-on IDS] [--id ID]"},
	{"push", cmd_push, 0, 0, "push [--dir D] [--ignore-changed]"},
	{"upgrade", cmd_upgrade, 0, 1, "upgrade [TARGET] [--dir D [--allow-extra]] [--per-revision] [--trust-registrants]"},
	{"downgrade", cmd_downgrade, 1, 1, "downgrade TARGET [--dir D] [--trust-registrants]"},
	{"stamp", cmd_stamp, 1, 1, "stamp TARGET [--purge] [--dir D]"},
	{"current", cmd_current, 0, 0, "current"},
	{"heads", cmd_heads, 0, 0, "heads [--resolve-dependencies]"},
	{"branches", cmd_branches, 0, 0, "branches"},
	{"history", cmd_history, 0, 1, "history [RANGE]"},
	{"status", cmd_status, 0, 0, "status [--check] [--dir D]"},
	{"plan", cmd_plan, 0, 1, "plan [TARGET]"},
	{"script", cmd_script, 0, 1, "script [TARGET or RANGE]"},
	{"merge", cmd_merge, 0, 64, "merge [REVISION...] [-m MESSAGE] [--id ID] [--dir D]"},
	{"show", cmd_show, 1, 1, "show REVISION"},
	{"pull", cmd_pull, 0, 0, "pull [--dir D] [--force]"},
	{"prune", cmd_prune, 0, 0, "prune [--dir D]"},
	{"bundle", cmd_bundle, 0, 0, "bundle [--dir D] [-o FILE] [--per-revision]"},
	{"import", cmd_import, 2, 2, "import FORMAT SOURCE --dir D [--downgrade-sql FILE] [--versions DIR]"},
	{"adopt", cmd_adopt, 1, 1, "adopt FORMAT [--dir D] [--table TABLE] [--tool-project NAME]"},
	{"help", cmd_help, 0, 1, "help"},
	{NULL, NULL, 0, 0, NULL}
};

static void
usage(FILE *f)
{
	int			i;

	fprintf(f,
			"pg_migrate manages schema migrations kept in the database by the pg_migrate extension.\n\n"
			"Usage:\n  pg_migrate [OPTION]... COMMAND [ARG]...\n\nCommands:\n");
	for (i = 0; commands[i].name; i++)
		fprintf(f, "  %s\n", commands[i].synopsis);
	fprintf(f,
			"\nOptions:\n"
			"  -d, --dbname=CONNINFO   database to connect to (conninfo string or URI;\n"
			"                          default: the PG* environment variables)\n"
			"      --project=NAME      migration project (default $PGMIGRATE_PROJECT or \"default\")\n"
			"      --dir=DIR           migrations directory (default $PGMIGRATE_DIR or \"migrations\")\n"
			"      --json              machine-readable output\n"
			"  -m, --message=TEXT      message of a new revision\n"
			"      --version           show the version and exit\n"
			"      --help              show this help and exit\n"
			"\nFormats for import and adopt: dbmate, golang-migrate, flyway, sqitch, alembic.\n"
			"Exit status: 0 success, 1 not up to date (status --check), 2 usage error,\n"
			"3 connection failure, 4 error reported by the server, 5 file or source error.\n");
}

static int
cmd_help(Opts *o)
{
	(void) o;
	usage(stdout);
	return PGM_EXIT_OK;
}

enum
{
	OPT_PROJECT = 256, OPT_DIR, OPT_JSON, OPT_BRANCH_LABEL, OPT_DEPENDS_ON,
	OPT_PARENTS, OPT_ID, OPT_CHECK, OPT_FORCE, OPT_IGNORE_CHANGED, OPT_PURGE,
	OPT_PER_REVISION, OPT_TRUST_REGISTRANTS, OPT_ALLOW_EXTRA, OPT_RESOLVE, OPT_DOWNGRADE_SQL, OPT_VERSIONS, OPT_TABLE,
	OPT_TOOL_PROJECT, OPT_VERSION, OPT_HELP
};

int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"project", required_argument, NULL, OPT_PROJECT},
		{"dir", required_argument, NULL, OPT_DIR},
		{"json", no_argument, NULL, OPT_JSON},
		{"message", required_argument, NULL, 'm'},
		{"branch-label", required_argument, NULL, OPT_BRANCH_LABEL},
		{"depends-on", required_argument, NULL, OPT_DEPENDS_ON},
		{"parents", required_argument, NULL, OPT_PARENTS},
		{"id", required_argument, NULL, OPT_ID},
		{"check", no_argument, NULL, OPT_CHECK},
		{"force", no_argument, NULL, OPT_FORCE},
		{"ignore-changed", no_argument, NULL, OPT_IGNORE_CHANGED},
		{"purge", no_argument, NULL, OPT_PURGE},
		{"per-revision", no_argument, NULL, OPT_PER_REVISION},
		{"trust-registrants", no_argument, NULL, OPT_TRUST_REGISTRANTS},
		{"allow-extra", no_argument, NULL, OPT_ALLOW_EXTRA},
		{"resolve-dependencies", no_argument, NULL, OPT_RESOLVE},
		{"downgrade-sql", required_argument, NULL, OPT_DOWNGRADE_SQL},
		{"versions", required_argument, NULL, OPT_VERSIONS},
		{"table", required_argument, NULL, OPT_TABLE},
		{"tool-project", required_argument, NULL, OPT_TOOL_PROJECT},
		{"output", required_argument, NULL, 'o'},
		{"version", no_argument, NULL, OPT_VERSION},
		{"help", no_argument, NULL, OPT_HELP},
		{NULL, 0, NULL, 0}
	};
	Opts		o;
	int			c;
	const Command *cmd;

	/*
	 * Relative targets such as "-1" are arguments, not options: hide them
	 * from getopt behind a \001 prefix, removed again below.
	 */
	for (c = 1; c < argc; c++)
	{
		const char *a = argv[c];

		if (strcmp(a, "--") == 0)
			break;
		if (a[0] == '-' && a[1] >= '0' && a[1] <= '9')
			argv[c] = pgm_printf("\001%s", a);
	}

	memset(&o, 0, sizeof(o));
	o.project = getenv("PGMIGRATE_PROJECT") ? getenv("PGMIGRATE_PROJECT") : "default";
	o.dir = getenv("PGMIGRATE_DIR") ? getenv("PGMIGRATE_DIR") : "migrations";

	argv[0] = (char *) pgm_progname;	/* getopt's messages name the program */
	while ((c = getopt_long(argc, argv, "d:m:o:", long_options, NULL)) != -1)
	{
		if (optarg && optarg[0] == '\001')
			optarg++;
		switch (c)
		{
			case 'd':
				o.conninfo = optarg;
				break;
			case 'm':
				o.message = optarg;
				break;
			case 'o':
				o.output = optarg;
				break;
			case OPT_PROJECT:
				o.project = optarg;
				break;
			case OPT_DIR:
				o.dir = optarg;
				o.dir_given = true;
				break;
			case OPT_JSON:
				o.json = true;
				break;
			case OPT_BRANCH_LABEL:
				o.branch_label = optarg;
				break;
			case OPT_DEPENDS_ON:
				o.depends_on = optarg;
				break;
			case OPT_PARENTS:
				o.parents = optarg;
				break;
			case OPT_ID:
				o.id = optarg;
				break;
			case OPT_CHECK:
				o.check = true;
				break;
			case OPT_FORCE:
				o.force = true;
				break;
			case OPT_IGNORE_CHANGED:
				o.ignore_changed = true;
				break;
			case OPT_PURGE:
				o.purge = true;
				break;
			case OPT_TRUST_REGISTRANTS:
				o.trust_registrants = true;
				break;
			case OPT_ALLOW_EXTRA:
				o.allow_extra = true;
				break;
			case OPT_PER_REVISION:
				o.per_revision = true;
				break;
			case OPT_RESOLVE:
				o.resolve_deps = true;
				break;
			case OPT_DOWNGRADE_SQL:
				o.downgrade_sql = optarg;
				break;
			case OPT_VERSIONS:
				o.versions = optarg;
				break;
			case OPT_TABLE:
				o.table = optarg;
				break;
			case OPT_TOOL_PROJECT:
				o.tool_project = optarg;
				break;
			case OPT_VERSION:
				printf("pg_migrate %s\n", PGM_CLIENT_VERSION);
				return PGM_EXIT_OK;
			case OPT_HELP:
				usage(stdout);
				return PGM_EXIT_OK;
			default:
				fprintf(stderr, "Try \"%s --help\" for more information.\n", pgm_progname);
				return PGM_EXIT_USAGE;
		}
	}
	if (optind >= argc)
	{
		pgm_error("no command given");
		fprintf(stderr, "Try \"%s --help\" for more information.\n", pgm_progname);
		return PGM_EXIT_USAGE;
	}
	for (cmd = commands; cmd->name; cmd++)
		if (strcmp(cmd->name, argv[optind]) == 0)
			break;
	if (cmd->name == NULL)
	{
		pgm_error("unknown command \"%s\"", argv[optind]);
		fprintf(stderr, "Try \"%s --help\" for more information.\n", pgm_progname);
		return PGM_EXIT_USAGE;
	}
	o.args = argv + optind + 1;
	o.nargs = argc - optind - 1;
	for (c = 0; c < o.nargs; c++)
		if (o.args[c][0] == '\001')
			o.args[c]++;
	if (o.nargs < cmd->min_args || o.nargs > cmd->max_args)
	{
		pgm_error("wrong number of arguments for \"%s\"", cmd->name);
		fprintf(stderr, "Usage: %s %s\n", pgm_progname, cmd->synopsis);
		return PGM_EXIT_USAGE;
	}
	if (o.trust_registrants && cmd->fn != cmd_upgrade && cmd->fn != cmd_downgrade)
	{
		pgm_error("--trust-registrants applies to upgrade and downgrade only");
		return PGM_EXIT_USAGE;
	}
	if (o.allow_extra && (cmd->fn != cmd_upgrade || !o.dir_given))
	{
		pgm_error("--allow-extra applies to upgrade --dir only");
		return PGM_EXIT_USAGE;
	}
	return cmd->fn(&o);
}
