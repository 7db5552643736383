/*-------------------------------------------------------------------------
 *
 * import_golang.c
 *	  Importing from golang-migrate, and reading which migrations it applied.
 *
 * The shared helpers and the rules every importer follows are in
 * client/import.c.
 *
 * IDENTIFICATION
 *	  client/import_golang.c
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
 * golang-migrate
 *
 * SOURCE is a directory of VERSION_TITLE.up.sql and VERSION_TITLE.down.sql
 * files (golang-migrate's pattern ^([0-9]+)_(.*)\.(down|up)\.(.*)$ with the
 * .sql extension).  VERSION is an unsigned integer, and golang-migrate
 * stores it as a bigint in schema_migrations, so the id is its decimal
 * form without leading zeros ("0001" is "1").  Migrations apply in
 * numeric order.  Two files for the same version and direction, and a
 * down file without an up file, are errors.  Other .sql files are skipped
 * with a warning.  Output file: VERSION_TITLE.sql.
 * ----------------------------------------------------------------
 */
typedef struct GolangFile
{
	char	   *id;				/* canonical version */
	char	   *up;				/* file names, or NULL */
	char	   *down;
} GolangFile;

static int
cmp_version_num(const char *a, const char *b)
{
	size_t		la = strlen(a);
	size_t		lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int
cmp_golang(const void *a, const void *b)
{
	return cmp_version_num(((const GolangFile *) a)->id,
						   ((const GolangFile *) b)->id);
}

/* "0042" -> "42"; NULL (after an error) if it does not fit a bigint. */
static char *
golang_version(const char *digits, size_t n, const char *file)
{
	while (n > 1 && digits[0] == '0')
	{
		digits++;
		n--;
	}
	if (n > 19 || (n == 19 && memcmp(digits, "9223372036854775807", 19) > 0))
	{
		pgm_error("\"%s\": version %.*s is too large", file, (int) n, digits);
		pgm_hint("golang-migrate stores versions as bigint, so the largest is 9223372036854775807.");
		return NULL;
	}
	return pgm_strndup(digits, n);
}

/* Length: see imp_import_alembic() in import_alembic.c. */
int
imp_import_golang(const char *dir, PgmMigrationSet *set)
{
	PgmList		names = {0};
	GolangFile *files = NULL;
	int			nfiles = 0;
	int			i;
	int			rc = PGM_EXIT_OK;

	if (!pgm_list_dir(dir, ".sql", &names))
		return PGM_EXIT_FILES;
	if (names.n > 0)
		files = pgm_malloc(names.n * sizeof(GolangFile));

	for (i = 0; i < names.n && rc == PGM_EXIT_OK; i++)
	{
		const char *name = names.items[i];
		size_t		nl = strlen(name);
		size_t		nd = 0;
		bool		up;
		char	   *id;
		int			j;

		while (isdigit((unsigned char) name[nd]))
			nd++;
		up = imp_ends_with(name, ".up.sql");
		if (nd == 0 || name[nd] != '_' || (!up && !imp_ends_with(name, ".down.sql")) ||
			nl < nd + 1 + (up ? 7 : 9))
		{
			pgm_warning("skipping \"%s\": not a golang-migrate file name (VERSION_TITLE.up.sql or VERSION_TITLE.down.sql)",
						name);
			continue;
		}
		id = golang_version(name, nd, name);
		if (id == NULL)
		{
			rc = PGM_EXIT_FILES;
			break;
		}
		for (j = 0; j < nfiles; j++)
			if (strcmp(files[j].id, id) == 0)
				break;
		if (j == nfiles)
		{
			files[nfiles].id = id;
			files[nfiles].up = files[nfiles].down = NULL;
			nfiles++;
		}
		else
			free(id);
		if ((up ? files[j].up : files[j].down) != NULL)
		{
			pgm_error("golang-migrate version %s has two %s files: \"%s\" and \"%s\"",
					  files[j].id, up ? "up" : "down",
					  up ? files[j].up : files[j].down, name);
			pgm_hint("golang-migrate refuses duplicate versions too; renumber one of them.");
			rc = PGM_EXIT_FILES;
			break;
		}
		if (up)
			files[j].up = pgm_strdup(name);
		else
			files[j].down = pgm_strdup(name);
	}

	for (i = 0; i < nfiles && rc == PGM_EXIT_OK; i++)
		if (files[i].up == NULL)
		{
			pgm_error("\"%s\" has no up file", files[i].down);
			pgm_hint("Every golang-migrate version needs a VERSION_TITLE.up.sql file.");
			rc = PGM_EXIT_FILES;
		}

	if (rc == PGM_EXIT_OK && nfiles > 1)
		qsort(files, nfiles, sizeof(GolangFile), cmp_golang);

	for (i = 0; i < nfiles && rc == PGM_EXIT_OK; i++)
	{
		GolangFile *f = &files[i];
		size_t		nd = strspn(f->up, "0123456789");
		const char *title = f->up + nd + 1;
		size_t		tlen = strlen(title) - 7;	/* less ".up.sql" */
		char	   *full;
		char	   *text;
		size_t		len;
		PgmMigration *m;

		if (!imp_check_id(f->id, "version", f->up))
		{
			rc = PGM_EXIT_FILES;
			break;
		}
		m = pgm_set_add(set);
		m->id = pgm_strdup(f->id);
		m->message = imp_message_from_name(title, tlen);
		m->path = pgm_printf("%.*s.sql", (int) (strlen(f->up) - 7), f->up);
		m->has_header = true;

		full = pgm_path_join(dir, f->up);
		text = imp_read_source(full, &len);
		if (text == NULL)
			rc = PGM_EXIT_FILES;
		else
		{
			m->up = imp_file_script(text, true);
			if (!imp_check_script(m->up, full))
				rc = PGM_EXIT_FILES;
		}
		free(text);
		free(full);
		if (rc != PGM_EXIT_OK || f->down == NULL)
			continue;
		full = pgm_path_join(dir, f->down);
		text = imp_read_source(full, &len);
		if (text == NULL)
			rc = PGM_EXIT_FILES;
		else
		{
			m->down = imp_file_script(text, true);
			if (!imp_check_script(m->down, full))
				rc = PGM_EXIT_FILES;
		}
		free(text);
		free(full);
	}

	for (i = 0; i < nfiles; i++)
	{
		free(files[i].id);
		free(files[i].up);
		free(files[i].down);
	}
	free(files);
	pgm_list_free(&names);
	if (rc == PGM_EXIT_OK)
		imp_link_linear(set, 0);
	return rc;
}


/*
 * golang-migrate: one row, the last version applied; everything up to it
 * is applied.  A dirty row means a migration failed part-way.
 */
int
imp_adopt_golang(PGconn *conn, const char *qt, const char *table,
			 const PgmMigrationSet *set, bool *flags)
{
	char	   *sql = pgm_printf("SELECT version::pg_catalog.text, dirty FROM %s", qt);
	PGresult   *res = pgm_query_try(conn, sql, 0, NULL);
	const char *v;
	int			i,
				k;

	free(sql);
	if (res == NULL)
		return PGM_EXIT_SERVER;
	if (PQntuples(res) == 0)
	{
		PQclear(res);
		return PGM_EXIT_OK;		/* nothing applied */
	}
	if (PQntuples(res) > 1)
	{
		pgm_error("\"%s\" has %d rows; golang-migrate keeps exactly one", table, PQntuples(res));
		PQclear(res);
		return PGM_EXIT_FILES;
	}
	v = PQgetvalue(res, 0, 0);
	if (strcmp(PQgetvalue(res, 0, 1), "t") == 0)
	{
		pgm_error("golang-migrate stopped part-way through version %s (\"%s\" is marked dirty), so the schema may be half-applied",
				  v, table);
		pgm_hint("Check what version %s changed and finish or undo it by hand, then run \"migrate force %s\" (or \"migrate force\" with the version before it, if you undid it), and adopt again.",
				 v, v);
		PQclear(res);
		return PGM_EXIT_FILES;
	}
	if (v[0] == '-')
	{
		PQclear(res);
		return PGM_EXIT_OK;		/* golang-migrate's "no version" */
	}
	k = imp_find_id(set, v);
	if (k < 0)
	{
		int			rc = imp_missing_id("golang-migrate", table, v);

		PQclear(res);
		return rc;
	}
	for (i = 0; i <= k; i++)
		flags[i] = true;
	PQclear(res);
	return PGM_EXIT_OK;
}
