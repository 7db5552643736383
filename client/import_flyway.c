/*-------------------------------------------------------------------------
 *
 * import_flyway.c
 *	  Importing from Flyway, and reading which migrations it applied.
 *
 * The shared helpers and the rules every importer follows are in
 * client/import.c.
 *
 * IDENTIFICATION
 *	  client/import_flyway.c
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

/* How deep the Flyway importer descends into subdirectories. */
#define MAX_DIR_DEPTH 32

/* ----------------------------------------------------------------
 * Flyway
 *
 * SOURCE is a Flyway location: a directory searched recursively, as
 * Flyway does, for files ending in .sql.
 *
 *	V<version>__<description>.sql	versioned migration: imported
 *	U<version>__<description>.sql	undo migration: the down script of V
 *	R__<description>.sql			repeatable migration: refused
 *	B<version>__<description>.sql	baseline migration (Flyway Teams):
 *									skipped with a warning; the V files
 *									before it hold the same schema
 *	anything else					skipped with a warning (callbacks such
 *									as beforeMigrate.sql are not imported)
 *
 * A version is digits separated by "." or "_"; Flyway records it with "_"
 * replaced by "." (V1_2__x.sql is version 1.2 in flyway_schema_history),
 * and that string is the id.  Versions compare as numbers part by part,
 * trailing zero parts ignored (1.10 after 1.9; 1.0 equals 1, so two files
 * with those versions are duplicates).  The description ("_" shown as a
 * blank) is the message.  Flyway's placeholders (${name}) are not
 * replaced; a script that uses one is imported as it is, with a warning.
 * Output file: the V file's name.
 * ----------------------------------------------------------------
 */
typedef struct FlywayFile
{
	char	   *version;		/* normalized: "_" replaced by "." */
	char	   *rel;			/* path relative to SOURCE */
	char	   *name;			/* file name */
	char	   *desc;			/* message, or NULL */
	char	   *undo;			/* relative path of the U file, or NULL */
} FlywayFile;

/* The next numeric part of a Flyway version, leading zeros skipped. */
static const char *
flyway_part(const char *p, size_t *n)
{
	const char *q;

	while (*p == '0' && isdigit((unsigned char) p[1]))
		p++;
	q = p;
	while (isdigit((unsigned char) *q))
		q++;
	*n = q - p;
	return p;
}

/*
 * Compare two normalized Flyway versions as Flyway does: part by part as
 * (unbounded) integers, a missing part counting as zero.
 */
int
imp_flyway_vercmp(const char *a, const char *b)
{
	while (*a || *b)
	{
		size_t		na = 1,
					nb = 1;
		const char *pa = "0";
		const char *pb = "0";
		int			c;

		if (*a)
		{
			pa = flyway_part(a, &na);
			a = pa + na;
			if (*a == '.')
				a++;
		}
		if (*b)
		{
			pb = flyway_part(b, &nb);
			b = pb + nb;
			if (*b == '.')
				b++;
		}
		if (na != nb)
			return na < nb ? -1 : 1;
		c = memcmp(pa, pb, na);
		if (c != 0)
			return c < 0 ? -1 : 1;
	}
	return 0;
}

static int
cmp_flyway(const void *a, const void *b)
{
	return imp_flyway_vercmp(((const FlywayFile *) a)->version,
						 ((const FlywayFile *) b)->version);
}

/*
 * Flyway's version syntax: digits, separated by single "." or "_".
 * Returns the normalized version, or NULL if s[0..n) is not one.
 */
char *
imp_flyway_version(const char *s, size_t n)
{
	char	   *v;
	size_t		i;

	if (n == 0 || !isdigit((unsigned char) s[0]) || !isdigit((unsigned char) s[n - 1]))
		return NULL;
	for (i = 0; i < n; i++)
	{
		if (isdigit((unsigned char) s[i]))
			continue;
		if ((s[i] == '.' || s[i] == '_') && isdigit((unsigned char) s[i + 1]))
			continue;
		return NULL;
	}
	v = pgm_strndup(s, n);
	for (i = 0; i < n; i++)
		if (v[i] == '_')
			v[i] = '.';
	return v;
}

/* The directories being walked, to notice a symbolic link loop. */
typedef struct DirStack
{
	dev_t		dev[MAX_DIR_DEPTH + 1];
	ino_t		ino[MAX_DIR_DEPTH + 1];
	int			n;
} DirStack;

/*
 * Collect the .sql files below top (paths relative to it), skipping hidden
 * entries and directories already being walked (a link loop).  Returns
 * false after printing an error.
 */
static bool
walk_sql_files(const char *top, const char *rel, DirStack *stack, PgmList *out)
{
	char	   *path = rel ? pgm_path_join(top, rel) : pgm_strdup(top);
	DIR		   *d;
	struct dirent *de;
	struct stat st;
	bool		ok = true;
	int			i;

	if (stat(path, &st) != 0)
	{
		pgm_error("could not read directory \"%s\": %s", path, strerror(errno));
		free(path);
		return false;
	}
	for (i = 0; i < stack->n; i++)
		if (stack->dev[i] == st.st_dev && stack->ino[i] == st.st_ino)
		{
			pgm_warning("skipping \"%s\": a link back to a directory above it", path);
			free(path);
			return true;
		}
	if (stack->n > MAX_DIR_DEPTH)
	{
		pgm_error("directory \"%s\" is nested too deeply", path);
		free(path);
		return false;
	}
	d = opendir(path);
	if (d == NULL)
	{
		pgm_error("could not read directory \"%s\": %s", path, strerror(errno));
		free(path);
		return false;
	}
	stack->dev[stack->n] = st.st_dev;
	stack->ino[stack->n] = st.st_ino;
	stack->n++;
	while (ok && (de = readdir(d)) != NULL)
	{
		char	   *sub;
		char	   *full;

		if (de->d_name[0] == '.')
			continue;
		sub = rel ? pgm_path_join(rel, de->d_name) : pgm_strdup(de->d_name);
		full = pgm_path_join(top, sub);
		if (stat(full, &st) != 0)
			;					/* dangling link: not a migration */
		else if (pgm_has_control(de->d_name) &&
				 (S_ISDIR(st.st_mode) ||
				  (S_ISREG(st.st_mode) && imp_ends_with(de->d_name, ".sql"))))
		{
			/* as pgm_list_dir: such a name could forge lines of output */
			const char *what = S_ISDIR(st.st_mode) ? "directory" : "file";

			pgm_error("refusing %s \"%s\": its name contains a control character",
					  what, full);
			pgm_hint("Rename the %s: control characters in file names could forge lines in messages and in generated SQL.",
					 what);
			ok = false;
		}
		else if (S_ISDIR(st.st_mode))
			ok = walk_sql_files(top, sub, stack, out);
		else if (S_ISREG(st.st_mode) && imp_ends_with(de->d_name, ".sql"))
			pgm_list_add(out, sub);
		free(full);
		free(sub);
	}
	stack->n--;
	closedir(d);
	free(path);
	return ok;
}

/* Warn about Flyway placeholders: "${" followed by a name and "}". */
static void
warn_placeholders(const char *script, const char *path)
{
	const char *p = script;

	while ((p = strstr(p, "${")) != NULL)
	{
		const char *q = p + 2;

		while (isalnum((unsigned char) *q) || *q == '_' || *q == ':' || *q == '.' || *q == '-')
			q++;
		if (*q == '}' && q > p + 2)
		{
			pgm_warning("\"%s\" uses the Flyway placeholder %.*s, which is imported as it is",
						path, (int) (q - p + 1), p);
			pgm_hint("pg_migrate does not replace placeholders; write the value into the imported file.");
			return;
		}
		p += 2;
	}
}

/* Length: see imp_import_alembic() in import_alembic.c. */
int
imp_import_flyway(const char *dir, PgmMigrationSet *set)
{
	PgmList		rels = {0};
	FlywayFile *files = NULL;
	int			nfiles = 0;
	FlywayFile *undos = NULL;
	int			nundos = 0;
	int			i;
	int			rc = PGM_EXIT_OK;
	DirStack	stack;

	stack.n = 0;
	if (!walk_sql_files(dir, NULL, &stack, &rels))
	{
		pgm_list_free(&rels);
		return PGM_EXIT_FILES;
	}
	if (rels.n > 1)
		qsort(rels.items, rels.n, sizeof(char *), imp_cmp_strp);
	if (rels.n > 0)
	{
		files = pgm_malloc(rels.n * sizeof(FlywayFile));
		undos = pgm_malloc(rels.n * sizeof(FlywayFile));
	}

	for (i = 0; i < rels.n && rc == PGM_EXIT_OK; i++)
	{
		const char *rel = rels.items[i];
		const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
		size_t		stem = strlen(name) - 4;	/* less ".sql" */
		const char *sep;
		size_t		vlen;
		char	   *version;
		FlywayFile *f;

		if (name[0] == 'R' && imp_has_prefix(name + 1, stem - 1, "__"))
		{
			pgm_error("\"%s\": repeatable migrations (R__...) are not supported yet", rel);
			pgm_hint("Move the file out of the directory and re-create what it defines in a versioned migration, or run it yourself after each upgrade.");
			rc = PGM_EXIT_FILES;
			break;
		}
		if (name[0] != 'V' && name[0] != 'U' && name[0] != 'B')
		{
			pgm_warning("skipping \"%s\": not a Flyway versioned or undo migration (V<version>__<description>.sql)",
						rel);
			continue;
		}
		sep = strstr(name + 1, "__");
		if (sep != NULL && sep >= name + stem)
			sep = NULL;
		vlen = (sep ? sep : name + stem) - (name + 1);
		version = imp_flyway_version(name + 1, vlen);
		if (version == NULL)
		{
			pgm_error("\"%s\": \"%.*s\" is not a Flyway version", rel, (int) vlen, name + 1);
			pgm_hint("Flyway migration names look like V1.2__description.sql: a version of digits separated by \".\" or \"_\", two underscores, a description.");
			rc = PGM_EXIT_FILES;
			break;
		}
		if (name[0] == 'B')
		{
			pgm_warning("skipping \"%s\": baseline migrations are not imported; the versioned migrations up to %s are",
						rel, version);
			free(version);
			continue;
		}
		f = name[0] == 'V' ? &files[nfiles++] : &undos[nundos++];
		f->version = version;
		f->rel = pgm_strdup(rel);
		f->name = pgm_strdup(name);
		f->desc = sep ? imp_message_from_name(sep + 2, (name + stem) - (sep + 2)) : NULL;
		f->undo = NULL;
	}

	if (rc == PGM_EXIT_OK && nfiles > 1)
	{
		qsort(files, nfiles, sizeof(FlywayFile), cmp_flyway);
		for (i = 1; i < nfiles; i++)
			if (imp_flyway_vercmp(files[i - 1].version, files[i].version) == 0)
			{
				pgm_error("\"%s\" and \"%s\" have the same Flyway version (%s and %s)",
						  files[i - 1].rel, files[i].rel, files[i - 1].version,
						  files[i].version);
				pgm_hint("Flyway refuses this too; renumber one of them.");
				rc = PGM_EXIT_FILES;
				break;
			}
	}
	for (i = 0; i < nundos && rc == PGM_EXIT_OK; i++)
	{
		int			j;

		for (j = 0; j < nfiles; j++)
			if (imp_flyway_vercmp(files[j].version, undos[i].version) == 0)
				break;
		if (j == nfiles)
		{
			pgm_error("\"%s\": undo migration for version %s, but there is no versioned migration V%s",
					  undos[i].rel, undos[i].version, undos[i].version);
			rc = PGM_EXIT_FILES;
		}
		else if (files[j].undo != NULL)
		{
			pgm_error("Flyway version %s has two undo migrations: \"%s\" and \"%s\"",
					  files[j].version, files[j].undo, undos[i].rel);
			rc = PGM_EXIT_FILES;
		}
		else
			files[j].undo = undos[i].rel;
	}

	for (i = 0; i < nfiles && rc == PGM_EXIT_OK; i++)
	{
		FlywayFile *f = &files[i];
		PgmMigration *m;
		char	   *full;
		char	   *text;
		size_t		len;

		if (!imp_check_id(f->version, "version", f->rel))
		{
			rc = PGM_EXIT_FILES;
			break;
		}
		m = pgm_set_add(set);
		m->id = pgm_strdup(f->version);
		m->message = f->desc ? pgm_strdup(f->desc) : NULL;
		m->path = pgm_strdup(f->name);
		m->has_header = true;

		full = pgm_path_join(dir, f->rel);
		text = imp_read_source(full, &len);
		if (text == NULL)
			rc = PGM_EXIT_FILES;
		else
		{
			m->up = imp_file_script(text, true);
			if (!imp_check_script(m->up, full))
				rc = PGM_EXIT_FILES;
			else
				warn_placeholders(m->up, full);
		}
		free(text);
		free(full);
		if (rc != PGM_EXIT_OK || f->undo == NULL)
			continue;
		full = pgm_path_join(dir, f->undo);
		text = imp_read_source(full, &len);
		if (text == NULL)
			rc = PGM_EXIT_FILES;
		else
		{
			m->down = imp_file_script(text, true);
			if (!imp_check_script(m->down, full))
				rc = PGM_EXIT_FILES;
			else
				warn_placeholders(m->down, full);
		}
		free(text);
		free(full);
	}

	for (i = 0; i < nfiles; i++)
	{
		free(files[i].version);
		free(files[i].rel);
		free(files[i].name);
		free(files[i].desc);
	}
	for (i = 0; i < nundos; i++)
	{
		free(undos[i].version);
		free(undos[i].rel);
		free(undos[i].name);
		free(undos[i].desc);
	}
	free(files);
	free(undos);
	pgm_list_free(&rels);
	if (rc == PGM_EXIT_OK)
		imp_link_linear(set, 0);
	return rc;
}


/* The set position of a Flyway version (compared as Flyway does). */
static int
find_flyway(const PgmMigrationSet *set, const char *version)
{
	int			i = imp_find_id(set, version);
	char	   *norm;

	if (i >= 0)
		return i;
	norm = imp_flyway_version(version, strlen(version));
	if (norm == NULL)
		return -1;
	for (i = 0; i < set->n; i++)
	{
		char	   *v = imp_flyway_version(set->items[i].id, strlen(set->items[i].id));
		bool		same = v && imp_flyway_vercmp(v, norm) == 0;

		free(v);
		if (same)
			break;
	}
	free(norm);
	return i < set->n ? i : -1;
}

/*
 * Flyway: replay flyway_schema_history in installed_rank order.  SQL rows
 * apply their version, UNDO_SQL and DELETE rows (Flyway's repair of a
 * missing migration) remove it, a baseline counts every version up to its
 * own as applied, the schema-creation row is ignored.  Failed rows and
 * other types (Java or script migrations, which cannot have been
 * imported) are refused.
 */
int
imp_adopt_flyway(PGconn *conn, const char *qt, const char *table,
			 const PgmMigrationSet *set, bool *flags)
{
	char	   *sql = pgm_printf("SELECT installed_rank, version, description, type, script, success"
								 " FROM %s ORDER BY installed_rank", qt);
	PGresult   *res = pgm_query_try(conn, sql, 0, NULL);
	int			r;
	int			rc = PGM_EXIT_OK;
	bool		warned = false;

	free(sql);
	if (res == NULL)
		return PGM_EXIT_SERVER;
	for (r = 0; r < PQntuples(res) && rc == PGM_EXIT_OK; r++)
	{
		const char *rank = PQgetvalue(res, r, 0);
		bool		noversion = PQgetisnull(res, r, 1);
		const char *version = PQgetvalue(res, r, 1);
		const char *desc = PQgetvalue(res, r, 2);
		const char *type = PQgetvalue(res, r, 3);
		const char *script = PQgetvalue(res, r, 4);
		int			i;

		if (strcmp(PQgetvalue(res, r, 5), "t") != 0)
		{
			pgm_error("Flyway recorded a failed migration: %s%s (%s, installed_rank %s)",
					  noversion ? "" : "version ", noversion ? script : version, script, rank);
			pgm_hint("Finish or undo what the failed script changed by hand, run \"flyway repair\" to remove the failed row, and adopt again.");
			rc = PGM_EXIT_FILES;
			break;
		}
		if (strcmp(type, "SCHEMA") == 0)
			continue;			/* Flyway created the schema */
		if (strcmp(type, "BASELINE") == 0 || strcmp(type, "SQL_BASELINE") == 0 ||
			strcmp(desc, "<< Flyway Baseline >>") == 0)
		{
			char	   *b = noversion ? NULL : imp_flyway_version(version, strlen(version));

			if (b == NULL)
			{
				pgm_error("Flyway's baseline row (installed_rank %s) has no usable version", rank);
				rc = PGM_EXIT_FILES;
				break;
			}
			for (i = 0; i < set->n; i++)
			{
				char	   *v = imp_flyway_version(set->items[i].id, strlen(set->items[i].id));

				if (v && imp_flyway_vercmp(v, b) <= 0)
					flags[i] = true;
				free(v);
			}
			free(b);
			continue;
		}
		if (noversion)
		{
			if (!warned)
				pgm_warning("ignoring Flyway's repeatable migrations in \"%s\" (such as %s): they are not imported",
							table, script);
			warned = true;
			continue;
		}
		if (strcmp(type, "SQL") == 0 || strcmp(type, "UNDO_SQL") == 0 ||
			strcmp(type, "DELETE") == 0)
		{
			i = find_flyway(set, version);
			if (i < 0 && strcmp(type, "DELETE") == 0)
				continue;
			if (i < 0)
			{
				rc = imp_missing_id("flyway", table, version);
				break;
			}
			flags[i] = strcmp(type, "SQL") == 0;
			continue;
		}
		pgm_error("Flyway's history has a migration of type %s (version %s, %s), which cannot have been imported",
				  type, version, script);
		pgm_hint("Only SQL migrations (V files) are imported; Java and script migrations have no SQL script to take over.");
		rc = PGM_EXIT_FILES;
	}
	PQclear(res);
	return rc;
}
