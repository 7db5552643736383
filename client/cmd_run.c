/*-------------------------------------------------------------------------
 *
 * cmd_run.c
 *	  Upgrade, downgrade and stamp, with progress lines.
 *
 * See cmd.h for how the client's files divide the work.
 *
 * IDENTIFICATION
 *	  client/cmd_run.c
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
		char	   *dir = pgm_escaped(o->dir);
		PQExpBufferData names;

		initPQExpBuffer(&names);
		for (i = 0; i < extra.n; i++)
		{
			char	   *id = pgm_escaped(extra.items[i]);

			appendPQExpBuffer(&names, "%s%s", i ? ", " : "", id);
			free(id);
		}
		pgm_error("the upgrade would run %d revision%s that directory \"%s\" does not have: %s",
				  extra.n, extra.n == 1 ? "" : "s", dir, pgm_buf_data(&names));
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
void
pgm_notice_receiver(void *arg, const PGresult *res)
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
			char	   *shown = pgm_escaped(id);

			printf("[%d/%d] %-7s %s (%.1f ms%s)\n", k, n, dir, shown, us / 1000.0,
				   committed ? ", committed" : "");
			fflush(stdout);
			free(shown);
		}
		progress_lines++;
		return;
	}
	fflush(stdout);
	{
		/* a script's RAISE NOTICE may hold anything: shown escaped */
		char	   *level = pgm_escaped(sev ? sev : "NOTICE");
		char	   *shown = pgm_escaped(msg);

		fprintf(stderr, "%s:  %s\n", level, shown);
		free(level);
		free(shown);
	}
	/* a warning's detail and hint say what to do about it */
	if (PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED) &&
		strcmp(PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED), "WARNING") == 0)
	{
		const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);

		if (detail)
		{
			char	   *shown = pgm_escaped(detail);

			fprintf(stderr, "DETAIL:  %s\n", shown);
			free(shown);
		}
		if (hint)
		{
			char	   *shown = pgm_escaped(hint);

			fprintf(stderr, "HINT:  %s\n", shown);
			free(shown);
		}
	}
}

/* the project's current revisions, "base" for none */
static char *
current_text(PGconn *conn, const Opts *o)
{
	const char *params[1] = {o->project};
	PGresult   *res = pgm_query(conn,
								"SELECT coalesce(pg_catalog.string_agg(c, ', '), 'base') "
								"FROM migrate.current($1) c", 1, params);
	char	   *text = pgm_strdup(PQgetvalue(res, 0, 0));

	PQclear(res);
	return text;
}

static void
print_current(PGconn *conn, const Opts *o, const char *label)
{
	char	   *text = current_text(conn, o);

	print_value(label, text);
	free(text);
}

/*
 * --per-revision runs CALL migrate.apply(target), which goes in the
 * direction plan() shows: refuse a target that plan() would take the other
 * way than the command says, as upgrade() and downgrade() themselves never
 * go the other way.  (Checked just before the call: a deploy that moves
 * the project in between is what the mutex orders, not this check.)
 */
static int
refuse_other_direction(PGconn *conn, const Opts *o, const char *target, bool down)
{
	const char *params[3] = {target, o->project, down ? "up" : "down"};
	PGresult   *res = pgm_query_try(conn,
									"SELECT pg_catalog.count(*) FROM migrate.plan($1, $2) "
									"WHERE direction OPERATOR(pg_catalog.=) $3",
									3, params);

	if (res == NULL)
		return PGM_EXIT_SERVER;
	if (strcmp(PQgetvalue(res, 0, 0), "0") != 0)
	{
		char	   *shown = pgm_escaped(target);

		if (down)
		{
			pgm_error("target \"%s\" is above the current state: downgrade would apply revisions", shown);
			pgm_hint("Use upgrade for that.");
		}
		else
		{
			pgm_error("target \"%s\" is below the current state: upgrade --per-revision would revert revisions", shown);
			pgm_hint("Use downgrade --per-revision for that; upgrade leaves revisions above its target applied.");
		}
		free(shown);
		PQclear(res);
		return PGM_EXIT_USAGE;
	}
	PQclear(res);
	return PGM_EXIT_OK;
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
		rc = load_ordered(o, &set);
		if (rc != PGM_EXIT_OK)
			return rc;
	}
	conn = connect_db(o);
	PQsetNoticeReceiver(conn, pgm_notice_receiver, NULL);
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
		bool		down = strcmp(fn, "downgrade") == 0;
		char	   *before;
		char	   *after;

		/* apply() goes in the direction plan() shows, which must be fn's */
		if ((rc = refuse_other_direction(conn, o, target, down)) != PGM_EXIT_OK)
		{
			finish(conn);
			return rc;
		}

		before = current_text(conn, o);
		res = pgm_query_try(conn, "CALL migrate.apply($1, $2, $3::pg_catalog.bool)", 3, params);
		if (res == NULL)
		{
			finish(conn);
			return PGM_EXIT_SERVER;
		}
		PQclear(res);
		after = current_text(conn, o);

		/*
		 * The progress lines come from notices that the session's
		 * pg_migrate.step_notices asks for; behind a pooler in transaction
		 * mode the SET may have reached another server connection than the
		 * CALL.  Then the state says what happened, not the count.
		 */
		if (progress_lines == 0 && strcmp(before, after) != 0)
		{
			if (o->json)
				printf("{\"%s\": null, \"current\": \"%s\"}\n", down ? "reverted" : "applied", after);
			else
			{
				printf("%s (no progress was received: a connection pooler in transaction mode? connect directly for it)\n",
					   down ? "downgraded" : "upgraded");
				print_value("current: ", after);
			}
			free(before);
			free(after);
			finish(conn);
			return PGM_EXIT_OK;
		}
		free(before);
		free(after);
		if (o->json)
			printf("{\"%s\": %d}\n", down ? "reverted" : "applied", progress_lines);
		else
		{
			if (progress_lines == 0)
				printf("nothing to do\n");
			else
				printf("%s: %d revision%s in %.1f ms\n", down ? "downgraded" : "upgraded",
					   progress_lines, progress_lines == 1 ? "" : "s", now_ms() - start);
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

			/* the steps were shown as they finished (pgm_notice_receiver) */
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

int
cmd_upgrade(Opts *o)
{
	return run_command(o, "upgrade");
}

int
cmd_downgrade(Opts *o)
{
	return run_command(o, "downgrade");
}

int
cmd_stamp(Opts *o)
{
	return run_command(o, "stamp");
}

