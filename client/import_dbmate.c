/*-------------------------------------------------------------------------
 *
 * import_dbmate.c
 *	  Importing from dbmate, and reading which migrations it applied.
 *
 * The shared helpers and the rules every importer follows are in
 * client/import.c.
 *
 * IDENTIFICATION
 *	  client/import_dbmate.c
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
 * dbmate
 *
 * SOURCE is dbmate's migrations directory (db/migrations by default).
 * dbmate reads the files whose name is digits followed by anything and
 * ".sql" (its pattern ^(\d+).*\.sql$); the leading digits are the version
 * it records in schema_migrations, and it applies the files in name order.
 * The file body is already pg_migrate's format without a header ("--
 * migrate:up" and "-- migrate:down" sections), so it is parsed by
 * pgm_parse_migration and its scripts are exactly what loading the
 * directory directly would give.  The message is the rest of the name,
 * "_" shown as a blank.  Other files are skipped, .sql ones with a warning.
 * ----------------------------------------------------------------
 */

/*
 * dbmate also accepts "--migrate:up" and "--  migrate:down" (its pattern is
 * ^--\s*migrate:up); write such marker lines the canonical way, so that
 * pgm_parse_migration sees them.  Returns NULL if nothing needs changing.
 */
static char *
dbmate_markers(const char *text, size_t len, size_t *newlen)
{
	Lines		l;
	PQExpBufferData b;
	bool		changed = false;

	initPQExpBuffer(&b);
	imp_lines_init(&l, text, len);
	while (imp_lines_next(&l))
	{
		const char *p = l.line + 2;
		const char *end = l.line + l.len;

		if (imp_has_prefix(l.line, l.len, "--") && !imp_has_prefix(l.line, l.len, "-- migrate:"))
		{
			while (p < end && imp_is_blank(*p))
				p++;
			if ((imp_has_prefix(p, end - p, "migrate:up") &&
				 (p + 10 == end || imp_is_blank(p[10]))) ||
				(imp_has_prefix(p, end - p, "migrate:down") &&
				 (p + 12 == end || imp_is_blank(p[12]))))
			{
				appendPQExpBufferStr(&b, "-- ");
				appendBinaryPQExpBuffer(&b, p, l.rawlen - (p - l.line));
				changed = true;
				continue;
			}
		}
		appendBinaryPQExpBuffer(&b, l.line, l.rawlen);
	}
	if (!changed)
	{
		termPQExpBuffer(&b);
		return NULL;
	}
	*newlen = b.len;
	return pgm_buf_data(&b);
}

int
imp_import_dbmate(const char *dir, PgmMigrationSet *set)
{
	PgmList		names = {0};
	int			i;
	int			rc = PGM_EXIT_OK;

	if (!pgm_list_dir(dir, ".sql", &names))
		return PGM_EXIT_FILES;
	for (i = 0; i < names.n && rc == PGM_EXIT_OK; i++)
	{
		const char *name = names.items[i];
		size_t		nd = 0;
		char	   *full;
		char	   *text;
		size_t		len;
		PgmMigration *m;
		char	   *version;
		int			other;

		while (isdigit((unsigned char) name[nd]))
			nd++;
		if (nd == 0)
		{
			pgm_warning("skipping \"%s\": dbmate only reads files whose name starts with a version number",
						name);
			continue;
		}
		full = pgm_path_join(dir, name);
		text = imp_read_source(full, &len);
		if (text == NULL)
		{
			free(full);
			rc = PGM_EXIT_FILES;
			break;
		}
		{
			size_t		nlen;
			char	   *norm = dbmate_markers(text, len, &nlen);

			if (norm)
			{
				free(text);
				text = norm;
				len = nlen;
			}
		}
		version = pgm_strndup(name, nd);
		other = imp_find_id(set, version);
		m = pgm_set_add(set);
		m->path = pgm_strdup(name);
		if (!pgm_parse_migration(full, text, len, m))
			rc = PGM_EXIT_FILES;
		else if (m->has_header)
		{
			pgm_error("%s: the file already has a \"-- migrate:revision\" header", full);
			pgm_hint("This is a pg_migrate directory already: use it with --dir instead of importing it.");
			rc = PGM_EXIT_FILES;
		}
		else if (other >= 0)
		{
			pgm_error("dbmate version %s is used by two files: \"%s\" and \"%s\"",
					  version, set->items[other].path, name);
			pgm_hint("dbmate records only the version; give one of the files another version number.");
			rc = PGM_EXIT_FILES;
		}
		else if (imp_check_id(version, "version", full))
		{
			const char *rest = name + nd;
			size_t		restlen = strlen(rest) - 4; /* less ".sql" */

			/* the id and parents are dbmate's; a message line may stay */
			free(m->id);
			pgm_list_free(&m->parents);
			m->id = version;
			version = NULL;
			if (restlen > 0 && rest[0] == '_')
			{
				rest++;
				restlen--;
			}
			if (m->message == NULL)
				m->message = imp_message_from_name(rest, restlen);
			m->has_header = true;
		}
		else
			rc = PGM_EXIT_FILES;
		free(version);
		free(text);
		free(full);
	}
	pgm_list_free(&names);
	if (rc == PGM_EXIT_OK)
		imp_link_linear(set, 0);
	return rc;
}


/* dbmate: every row of schema_migrations is an applied version. */
int
imp_adopt_dbmate(PGconn *conn, const char *qt, const char *table,
			 const PgmMigrationSet *set, bool *flags)
{
	char	   *sql = pgm_printf("SELECT version FROM %s", qt);
	PGresult   *res = pgm_query_try(conn, sql, 0, NULL);
	int			r;
	int			rc = PGM_EXIT_OK;

	free(sql);
	if (res == NULL)
		return PGM_EXIT_SERVER;
	for (r = 0; r < PQntuples(res) && rc == PGM_EXIT_OK; r++)
	{
		const char *v = PQgetvalue(res, r, 0);
		int			i = imp_find_id(set, v);

		if (i < 0)
			rc = imp_missing_id("dbmate", table, v);
		else
			flags[i] = true;
	}
	PQclear(res);
	return rc;
}
