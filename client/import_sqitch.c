/*-------------------------------------------------------------------------
 *
 * import_sqitch.c
 *	  Importing from Sqitch, and reading which migrations it applied.
 *
 * The shared helpers and the rules every importer follows are in
 * client/import.c.
 *
 * IDENTIFICATION
 *	  client/import_sqitch.c
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
 * Sqitch
 *
 * SOURCE is the directory holding sqitch.plan, or the plan file itself;
 * scripts are deploy/<change>.sql (required) and revert/<change>.sql
 * (optional) next to the plan, as in Sqitch's default layout (verify/ is
 * not imported).  The plan:
 *
 *	%syntax-version=1.0.0			pragmas; %project names the project
 *	%project=flipr
 *									blank lines and "# comments" anywhere
 *	appschema 2013-12-30T23:19:06Z Marge N. <marge@example.com> # Add schema
 *	users [appschema !olduser] 2013-12-30T23:20:01Z Marge N. <marge@example.com>
 *	@v1.0 2013-12-31T00:00:00Z Marge N. <marge@example.com> # Tag v1.0
 *
 * A change line is a name, optional [dependencies], the time and the
 * planner, and a "#" note (the message; "\n" in it starts a new line).  A
 * tag line names the change before it; its tags become that revision's
 * branch labels, so "v1.0" is a target as it was in Sqitch.  Dependencies
 * become depends_on: "change", "change@tag" (the tag only says which
 * version, so it is dropped), "@tag" (the tagged change) and
 * "project:change" for this plan's own project; other projects' changes
 * and change ids are refused, and conflicts ("!change") are ignored with a
 * warning.  A change planned twice (reworked) and a "-change" line
 * (revert) are refused.  The revisions form a chain in plan order.  Output
 * file: NNNN_<change>.sql, NNNN the position in the plan.
 * ----------------------------------------------------------------
 */

/* Sqitch note escapes: "\n" (a new line), "\r" (dropped), "\\". */
static char *
sqitch_note(const char *s, size_t n)
{
	PQExpBufferData b;
	size_t		i;

	imp_span_trim(&s, &n);
	initPQExpBuffer(&b);
	for (i = 0; i < n; i++)
	{
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' || s[i + 1] == 'r' || s[i + 1] == '\\'))
		{
			i++;
			if (s[i] == 'n')
				appendBinaryPQExpBuffer(&b, "\n", 1);
			else if (s[i] == '\\')
				appendBinaryPQExpBuffer(&b, "\\", 1);
			continue;
		}
		appendBinaryPQExpBuffer(&b, &s[i], 1);
	}
	/* Sqitch trims vertical space around a note */
	while (b.len > 0 && (b.data[b.len - 1] == '\n' || imp_is_blank(b.data[b.len - 1])))
		b.data[--b.len] = '\0';
	if (b.len == 0 || b.data[strspn(b.data, "\n \t")] == '\0')
	{
		termPQExpBuffer(&b);
		return NULL;
	}
	if (b.data[0] == '\n')
	{
		char	   *t = pgm_strdup(b.data + strspn(b.data, "\n"));

		termPQExpBuffer(&b);
		return t;
	}
	return pgm_buf_data(&b);
}

/* Is s[0..n) a Sqitch change id (40 hexadecimal digits)? */
static bool
is_sha1(const char *s, size_t n)
{
	size_t		i;

	if (n != 40)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char) s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/*
 * One dependency of a change.  Adds the revision it names to m->depends_on
 * or returns false after an error.
 */
static bool
sqitch_dependency(const char *plan, int lineno, const char *project,
				  PgmMigrationSet *set, int self, const char *dep, size_t n)
{
	PgmMigration *m = &set->items[self];
	const char *colon = memchr(dep, ':', n);
	const char *at;
	char	   *change;
	char	   *where = pgm_printf("%s:%d", plan, lineno);
	int			idx;
	int			i;

	if (n > 0 && dep[0] == '!')
	{
		pgm_warning("%s: change \"%s\" conflicts with \"%.*s\"; pg_migrate does not check conflicts, so this is ignored",
					where, m->id, (int) (n - 1), dep + 1);
		free(where);
		return true;
	}
	if (colon)
	{
		size_t		pl = colon - dep;

		if (project == NULL || strlen(project) != pl || memcmp(dep, project, pl) != 0)
		{
			pgm_error("%s: change \"%s\" requires \"%.*s\" from another project; dependencies between Sqitch projects are not supported",
					  where, m->id, (int) n, dep);
			pgm_hint("Import both projects into one pg_migrate project, or remove the dependency from the plan.");
			free(where);
			return false;
		}
		n -= pl + 1;
		dep = colon + 1;
	}
	if (is_sha1(dep, n))
	{
		pgm_error("%s: change \"%s\" requires the change id %.*s; dependencies on Sqitch change ids are not supported",
				  where, m->id, (int) n, dep);
		pgm_hint("Name the change instead of its id in the plan.");
		free(where);
		return false;
	}
	at = memchr(dep, '@', n);
	if (at == dep)
	{
		/* "@tag": the change that carries the tag */
		char	   *tag = pgm_strndup(dep + 1, n - 1);

		idx = -1;
		for (i = 0; i < self && idx < 0; i++)
			if (pgm_list_contains(&set->items[i].branch_labels, tag))
				idx = i;
		if (idx < 0)
		{
			pgm_error("%s: change \"%s\" requires tag \"@%s\", which is not declared earlier in the plan",
					  where, m->id, tag);
			free(tag);
			free(where);
			return false;
		}
		free(tag);
	}
	else
	{
		change = pgm_strndup(dep, at ? (size_t) (at - dep) : n);
		idx = imp_find_id(set, change);
		if (idx < 0 || idx >= self)
		{
			pgm_error("%s: change \"%s\" requires \"%s\", which is not planned before it",
					  where, m->id, change);
			free(change);
			free(where);
			return false;
		}
		free(change);
	}
	if (!pgm_list_contains(&m->depends_on, set->items[idx].id))
		pgm_list_add(&m->depends_on, set->items[idx].id);
	free(where);
	return true;
}

/* Read one script of a change; NULL if it is missing (and !required). */
static bool
sqitch_script(const char *top, const char *kind, const char *change,
			  bool required, char **out)
{
	char	   *rel = pgm_printf("%s/%s.sql", kind, change);
	char	   *full = pgm_path_join(top, rel);
	struct stat st;
	char	   *text;
	size_t		len;
	bool		ok = true;

	*out = NULL;
	if (stat(full, &st) != 0 && errno == ENOENT)
	{
		if (required)
		{
			pgm_error("change \"%s\" has no deploy script: \"%s\" does not exist", change, full);
			pgm_hint("pg_migrate reads Sqitch's default layout: deploy/, revert/ and sqitch.plan in one directory, scripts ending in .sql.");
			ok = false;
		}
	}
	else if ((text = imp_read_source(full, &len)) == NULL)
		ok = false;
	else
	{
		*out = imp_file_script(text, true);
		if (!imp_check_script(*out, full))
			ok = false;
		free(text);
	}
	free(rel);
	free(full);
	return ok;
}

/* Length: see imp_import_alembic() in import_alembic.c. */
int
imp_import_sqitch(const char *source, PgmMigrationSet *set)
{
	char	   *plan;
	char	   *top;
	char	   *text;
	size_t		len;
	Lines		l;
	char	   *project = NULL;
	int			rc = PGM_EXIT_OK;
	int			i;

	if (pgm_is_dir(source))
	{
		plan = pgm_path_join(source, "sqitch.plan");
		top = pgm_strdup(source);
	}
	else
	{
		const char *slash = strrchr(source, '/');

		plan = pgm_strdup(source);
		top = slash ? pgm_strndup(source, slash == source ? 1 : (size_t) (slash - source)) : pgm_strdup(".");
	}
	text = imp_read_source(plan, &len);
	if (text == NULL)
	{
		if (pgm_is_dir(source))
			pgm_hint("SOURCE is the directory of sqitch.plan, or the plan file itself.");
		free(plan);
		free(top);
		return PGM_EXIT_FILES;
	}

	imp_lines_init(&l, text, len);
	while (rc == PGM_EXIT_OK && imp_lines_next(&l))
	{
		const char *s = l.line;
		size_t		n = l.len;
		const char *hash;
		const char *note = NULL;
		size_t		notelen = 0;
		const char *name;
		size_t		namelen;
		bool		tag;
		char	   *where;

		imp_span_trim(&s, &n);
		if (n == 0 || s[0] == '#')
			continue;
		hash = memchr(s, '#', n);
		if (hash)
		{
			note = hash + 1;
			notelen = n - (note - s);
			n = hash - s;
			imp_span_trim(&s, &n);
		}
		where = pgm_printf("%s:%d", plan, l.lineno);
		if (s[0] == '%')
		{
			const char *eq = memchr(s, '=', n);
			const char *pn = s + 1;
			size_t		pnl = (eq ? eq : s + n) - pn;

			imp_span_trim(&pn, &pnl);
			if (pnl == 7 && memcmp(pn, "project", 7) == 0)
			{
				const char *v = eq ? eq + 1 : s + n;
				size_t		vl = (s + n) - v;

				imp_span_trim(&v, &vl);
				free(project);
				project = pgm_strndup(v, vl);
			}
			free(where);
			continue;
		}
		if (s[0] == '-')
		{
			pgm_error("%s: the plan reverts a change (a line starting with \"-\"), which is not supported", where);
			pgm_hint("Remove the change and its revert line from the plan before importing.");
			rc = PGM_EXIT_FILES;
			free(where);
			break;
		}
		if (s[0] == '+')
		{
			s++;
			n--;
			imp_span_trim(&s, &n);
		}
		tag = n > 0 && s[0] == '@';
		name = tag ? s + 1 : s;
		namelen = 0;
		while (name + namelen < s + n && !imp_is_blank(name[namelen]) &&
			   !(name[namelen] == '[' && !tag))
			namelen++;
		if (namelen == 0)
		{
			pgm_error("%s: a line without a change or tag name", where);
			rc = PGM_EXIT_FILES;
			free(where);
			break;
		}
		if (tag)
		{
			char	   *label = pgm_strndup(name, namelen);

			if (set->n == 0)
			{
				pgm_error("%s: tag \"@%s\" before the first change", where, label);
				rc = PGM_EXIT_FILES;
			}
			else if (!imp_check_id(label, "tag", where))
				rc = PGM_EXIT_FILES;
			else
			{
				for (i = 0; i < set->n; i++)
					if (pgm_list_contains(&set->items[i].branch_labels, label))
						break;
				if (i < set->n)
				{
					pgm_error("%s: tag \"@%s\" is declared twice", where, label);
					rc = PGM_EXIT_FILES;
				}
				else
					pgm_list_add(&set->items[set->n - 1].branch_labels, label);
			}
			free(label);
		}
		else
		{
			char	   *change = pgm_strndup(name, namelen);
			int			prev = imp_find_id(set, change);

			if (project == NULL)
			{
				pgm_error("%s: a change before the %%project pragma", where);
				pgm_hint("A Sqitch plan starts with %%syntax-version and %%project lines, and a blank line.");
				rc = PGM_EXIT_FILES;
			}
			else if (prev >= 0)
			{
				pgm_error("%s: change \"%s\" is planned a second time: reworked changes are not supported yet",
						  where, change);
				pgm_hint("Sqitch keeps the earlier version of a reworked change as deploy/%s@TAG.sql; pg_migrate needs one script per id. Import the plan as it was before the rework, and write the rework as a new change.",
						 change);
				rc = PGM_EXIT_FILES;
			}
			else if (!imp_check_id(change, "change", where))
				rc = PGM_EXIT_FILES;
			else
			{
				PgmMigration *m = pgm_set_add(set);
				const char *d = name + namelen;
				const char *rest_end = s + n;
				int			self = set->n - 1;

				m->id = pgm_strdup(change);
				m->path = pgm_printf("%04d_%s.sql", set->n, change);
				m->message = note ? sqitch_note(note, notelen) : NULL;
				m->has_header = true;

				while (d < rest_end && imp_is_blank(*d))
					d++;
				if (d < rest_end && *d == '[')
				{
					const char *close = memchr(d, ']', rest_end - d);
					const char *p;

					if (close == NULL)
					{
						pgm_error("%s: \"[\" without \"]\" in the dependencies of change \"%s\"",
								  where, change);
						rc = PGM_EXIT_FILES;
					}
					p = d + 1;
					while (rc == PGM_EXIT_OK && p < close)
					{
						const char *q;

						while (p < close && imp_is_blank(*p))
							p++;
						q = p;
						while (q < close && !imp_is_blank(*q))
							q++;
						if (q > p &&
							!sqitch_dependency(plan, l.lineno, project, set, self,
											   p, q - p))
							rc = PGM_EXIT_FILES;
						p = q;
					}
				}
			}
			free(change);
		}
		free(where);
	}
	free(text);

	if (rc == PGM_EXIT_OK && !imp_check_labels(set, plan, "tag"))
		rc = PGM_EXIT_FILES;
	for (i = 0; i < set->n && rc == PGM_EXIT_OK; i++)
	{
		PgmMigration *m = &set->items[i];

		if (!sqitch_script(top, "deploy", m->id, true, &m->up) ||
			!sqitch_script(top, "revert", m->id, false, &m->down))
			rc = PGM_EXIT_FILES;
	}
	if (rc == PGM_EXIT_OK && set->n == 0)
	{
		pgm_error("no changes in \"%s\"", plan);
		rc = PGM_EXIT_FILES;
	}
	free(project);
	free(plan);
	free(top);
	if (rc == PGM_EXIT_OK)
		imp_link_linear(set, 0);
	return rc;
}


/*
 * Sqitch: the deployed changes of the project.  The projects table is in
 * the registry schema, next to the changes table.
 */
int
imp_adopt_sqitch(PGconn *conn, const char *qt, const char *schema, const char *table,
			 const char *tool_project, const PgmMigrationSet *set, bool *flags)
{
	char	   *projects = pgm_printf("%sprojects", schema);
	char	   *qprojects = NULL;
	char	   *project = NULL;
	char	   *sql;
	PGresult   *res;
	int			r;
	int			rc = PGM_EXIT_OK;

	r = imp_resolve_table(conn, projects, projects, "sqitch", &qprojects, NULL);
	if (r <= 0)
	{
		free(projects);
		return r < 0 ? PGM_EXIT_SERVER : PGM_EXIT_FILES;
	}
	sql = pgm_printf("SELECT project FROM %s ORDER BY project", qprojects);
	free(qprojects);
	res = pgm_query_try(conn, sql, 0, NULL);
	free(sql);
	if (res == NULL)
	{
		free(projects);
		return PGM_EXIT_SERVER;
	}
	if (tool_project)
	{
		for (r = 0; r < PQntuples(res); r++)
			if (strcmp(PQgetvalue(res, r, 0), tool_project) == 0)
				break;
		if (r == PQntuples(res))
		{
			pgm_error("Sqitch project \"%s\" is not registered in %s", tool_project, projects);
			rc = PGM_EXIT_FILES;
		}
		else
			project = pgm_strdup(tool_project);
	}
	else if (PQntuples(res) == 0)
	{
		pgm_error("no Sqitch project is registered in %s", projects);
		rc = PGM_EXIT_FILES;
	}
	else if (PQntuples(res) > 1)
	{
		PgmList		names = {0};
		char	   *joined;

		for (r = 0; r < PQntuples(res); r++)
			pgm_list_add(&names, PQgetvalue(res, r, 0));
		joined = pgm_list_join(&names, ", ");
		pgm_error("Sqitch's registry holds several projects: %s", joined);
		pgm_hint("Name the one to adopt with --tool-project.");
		free(joined);
		pgm_list_free(&names);
		rc = PGM_EXIT_USAGE;
	}
	else
		project = pgm_strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	free(projects);
	if (rc != PGM_EXIT_OK)
		return rc;

	sql = pgm_printf("SELECT change FROM %s "
					 "WHERE project OPERATOR(pg_catalog.=) $1::pg_catalog.text", qt);
	{
		const char *params[1] = {project};

		res = pgm_query_try(conn, sql, 1, params);
	}
	free(sql);
	if (res == NULL)
	{
		free(project);
		return PGM_EXIT_SERVER;
	}
	for (r = 0; r < PQntuples(res) && rc == PGM_EXIT_OK; r++)
	{
		const char *c = PQgetvalue(res, r, 0);
		int			i = imp_find_id(set, c);

		if (i < 0)
			rc = imp_missing_id("sqitch", table, c);
		else
			flags[i] = true;
	}
	PQclear(res);
	free(project);
	return rc;
}
