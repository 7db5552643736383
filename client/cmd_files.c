/*-------------------------------------------------------------------------
 *
 * cmd_files.c
 *	  Commands on files: new, merge, prune, pull, bundle, import and adopt.
 *
 * See cmd.h for how the client's files divide the work.
 *
 * IDENTIFICATION
 *	  client/cmd_files.c
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
 * new and merge: scaffold files
 * ----------------------------------------------------------------
 */

char *
random_id(void)
{
	char	   *id = pgm_malloc(PGM_RANDOM_ID_LEN + 1);

	if (!pgm_random_id(id))
		pgm_fatal(PGM_EXIT_FILES, "could not generate a random revision id");
	return id;
}

/*
 * Name a new revision's file in o->dir (m->path: the time stamp and a slug
 * of the message, or of what); set holds the directory's files (loaded by
 * the caller), to refuse an id that exists.  A file of that name that
 * exists is refused too.  Returns an exit code after printing any error.
 */
int
scaffold_name(const Opts *o, const PgmMigrationSet *set, PgmMigration *m,
			  const char *what)
{
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
	free(slug);
	full = pgm_path_join(o->dir, m->path);
	/* whatever the entry is (a link is not followed) */
	if (lstat(full, &st) == 0)
	{
		pgm_error("file \"%s\" already exists", full);
		free(full);
		return PGM_EXIT_FILES;
	}
	free(full);
	return PGM_EXIT_OK;
}

/* The line that says a new revision's file was written into o->dir. */
void
print_created(const Opts *o, const PgmMigration *m)
{
	char	   *full = pgm_path_join(o->dir, m->path);

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
		char	   *shown = pgm_escaped(full);

		printf("created %s (revision %s)\n", shown, m->id);
		free(shown);
	}
	free(full);
}

/*
 * Write a new revision's file into o->dir; set holds the directory's
 * files (loaded by the caller), to refuse an id that exists.
 */
static int
scaffold(Opts *o, const PgmMigrationSet *set, PgmMigration *m, const char *what)
{
	PgmMigrationSet one = {0};
	int			rc = scaffold_name(o, set, m, what);

	if (rc != PGM_EXIT_OK)
		return rc;
	*pgm_set_add(&one) = *m;
	if (!pgm_write_set(o->dir, &one, false))
		return PGM_EXIT_FILES;
	print_created(o, m);
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

int
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

		if (!pgm_set_heads(&set, o->project, &heads))
			return PGM_EXIT_FILES;
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

int
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
		else if (!pgm_set_heads(&set, o->project, &m.parents))
			return PGM_EXIT_FILES;
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
int
cmd_prune(Opts *o)
{
	PgmMigrationSet set = {0};
	PGconn	   *conn;
	PGresult   *res;
	const char *params[2];
	char	   *ids;
	PgmList		gone = {0};
	PgmList		kept = {0};
	int			rc = load_ordered(o, &set);
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
			PQExpBufferData b;

			initPQExpBuffer(&b);
			for (i = 0; i < lists[k]->n; i++)
			{
				char	   *v = o->json ? json_str(lists[k]->items[i]) :
					pgm_escaped(lists[k]->items[i]);

				appendPQExpBuffer(&b, "%s%s", i ? ", " : "", v);
				free(v);
			}
			text[k] = pgm_buf_data(&b);
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
				char	   *dir = pgm_escaped(o->dir);

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

int
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
		char	   *shown = pgm_escaped(o->dir);

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
append_dollar(PQExpBuffer b, const char *text)
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
	appendPQExpBuffer(b, "%s%s%s", tag, text, tag);
	free(tag);
}

static void
append_text_or_null(PQExpBuffer b, const char *text)
{
	if (text == NULL)
		appendPQExpBufferStr(b, "NULL");
	else
		append_dollar(b, text);
}

static void
append_array(PQExpBuffer b, const PgmList *l)
{
	char	   *lit = pgm_array_literal(l);

	append_dollar(b, lit);
	appendPQExpBufferStr(b, "::pg_catalog.text[]");
	free(lit);
}

int
cmd_bundle(Opts *o)
{
	PgmMigrationSet set = {0};
	PQExpBufferData b;
	int			i;
	int			rc = load_ordered(o, &set);

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
	initPQExpBuffer(&b);
	appendPQExpBuffer(&b, "-- pg_migrate bundle: %d revision%s from ",
				   set.n, set.n == 1 ? "" : "s");
	pgm_buf_append_display(&b, o->dir);
	appendPQExpBufferStr(&b,
				   "\n-- Run with: psql -v ON_ERROR_STOP=1 -f FILE\n"
				   "\\set ON_ERROR_STOP on\n"
				   "BEGIN;\n");
	for (i = 0; i < set.n; i++)
	{
		PgmMigration *m = &set.items[i];

		appendPQExpBufferStr(&b, "\n-- ");
		pgm_buf_append_display(&b, m->path);
		appendPQExpBufferStr(&b, "\nSELECT migrate.revision(id => ");
		append_dollar(&b, m->id);
		appendPQExpBufferStr(&b, ",\n    up => ");
		append_dollar(&b, m->up);
		appendPQExpBufferStr(&b, ",\n    down => ");
		append_text_or_null(&b, m->down);
		appendPQExpBufferStr(&b, ",\n    parents => ");
		append_array(&b, &m->parents);
		appendPQExpBufferStr(&b, ",\n    message => ");
		append_text_or_null(&b, m->message);
		appendPQExpBufferStr(&b, ",\n    branch_labels => ");
		append_array(&b, &m->branch_labels);
		appendPQExpBufferStr(&b, ",\n    depends_on => ");
		append_array(&b, &m->depends_on);
		appendPQExpBufferStr(&b, ",\n    project => ");
		append_dollar(&b, o->project);
		appendPQExpBufferStr(&b, ");\n");
	}
	if (o->per_revision)
	{
		appendPQExpBufferStr(&b, "\nCOMMIT;\nCALL migrate.apply('heads', ");
		append_dollar(&b, o->project);
		appendPQExpBufferStr(&b, ");\n");
	}
	else
	{
		appendPQExpBufferStr(&b, "\nSELECT * FROM migrate.upgrade('heads', ");
		append_dollar(&b, o->project);
		appendPQExpBufferStr(&b, ");\nCOMMIT;\n");
	}
	if (o->output)
	{
		if (!pgm_write_file(o->output, pgm_buf_data(&b), b.len))
			return PGM_EXIT_FILES;
		if (o->json)
		{
			char	   *jf = json_str(o->output);

			printf("{\"file\": %s, \"revisions\": %d}\n", jf, set.n);
			free(jf);
		}
		else
		{
			char	   *shown = pgm_escaped(o->output);

			printf("wrote %s (%d revision%s)\n", shown, set.n, set.n == 1 ? "" : "s");
			free(shown);
		}
	}
	else
		fputs(pgm_buf_data(&b), stdout);
	termPQExpBuffer(&b);
	return PGM_EXIT_OK;
}

int
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
		char	   *source = pgm_escaped(o->args[1]);
		char	   *dir = pgm_escaped(o->dir);

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

int
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
	int			rc = load_ordered(o, &set);
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
				char	   *id = pgm_escaped(PQgetvalue(res, r, 1));

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

