/*-------------------------------------------------------------------------
 *
 * cmd_push.c
 *	  Push: registering a directory, and comparing it with the database.
 *
 * See cmd.h for how the client's files divide the work.
 *
 * IDENTIFICATION
 *	  client/cmd_push.c
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
 * push
 * ----------------------------------------------------------------
 */


/*
 * The checksum the server stores for a revision (src/core/checksum.c, the
 * same code).  It lets push compare a file with what is registered without
 * sending the scripts; a file whose checksum differs is compared in full
 * (COMPARE_SQL).
 */
char *
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

char *
array_of(const PgmMigrationSet *set, int field)
{
	PQExpBufferData b;
	int			i;

	initPQExpBuffer(&b);
	appendPQExpBufferStr(&b, "{");
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
			appendPQExpBufferStr(&b, ",");
		if (v == NULL)
			appendPQExpBufferStr(&b, "NULL");
		else
		{
			appendPQExpBufferStr(&b, "\"");
			for (p = v; *p; p++)
			{
				if (*p == '"' || *p == '\\')
					appendBinaryPQExpBuffer(&b, "\\", 1);
				appendBinaryPQExpBuffer(&b, p, 1);
			}
			appendPQExpBufferStr(&b, "\"");
		}
		free(owned);
	}
	appendPQExpBufferStr(&b, "}");
	return pgm_buf_data(&b);
}

/*
 * Run sql with $1 = project and $2.. = the given fields of every file in
 * set, as arrays (see array_of).  NULL after reporting a server error.
 */
PGresult *
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
/*
 * Length (about 170 lines): the checksum round trip, the full comparison
 * of what differs, the refusal of changed applied files and the pipelined
 * registration share the per-file state array; each is a block below.
 */
int
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
			char	   *path = pgm_escaped(set->items[todo[k]].path);

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

int
load_ordered(const Opts *o, PgmMigrationSet *set)
{
	const char *dir = o->dir;

	if (!pgm_is_dir(dir))
	{
		pgm_error("directory \"%s\" does not exist", dir);
		pgm_hint("Give the migrations directory with --dir (default \"migrations\", or $PGMIGRATE_DIR).");
		return PGM_EXIT_FILES;
	}
	if (!pgm_load_dir(dir, set) || !pgm_order_set(set, o->project))
		return PGM_EXIT_FILES;
	return PGM_EXIT_OK;
}

int
cmd_push(Opts *o)
{
	PgmMigrationSet set = {0};
	PGconn	   *conn;
	PushStats	stats;
	int			rc = load_ordered(o, &set);

	if (rc != PGM_EXIT_OK)
		return rc;
	conn = connect_db(o);
	/* the linter's findings on new and changed revisions, as upgrade shows them */
	PQsetNoticeReceiver(conn, pgm_notice_receiver, NULL);
	rc = push_set(conn, o, &set, false, &stats, true);
	if (rc == PGM_EXIT_OK && o->json)
		printf("{\"files\": %d, \"new\": %d, \"changed\": %d, \"message\": %d, \"unchanged\": %d, \"kept\": %d}\n",
			   set.n, stats.new_count, stats.changed, stats.message,
			   stats.unchanged, stats.skipped);
	finish(conn);
	return rc;
}

