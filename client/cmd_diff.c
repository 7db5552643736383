/*-------------------------------------------------------------------------
 *
 * cmd_diff.c
 *	  pg_migrate diff: a new revision that takes the schema the migrations
 *	  directory produces to a desired schema.
 *
 *		pg_migrate diff --schema PATH -m MESSAGE [--dir D] [--dry-run]
 *			[--dev-db CONNINFO] [--rename OLD:NEW]... [--allow-destructive]
 *			[--online]
 *
 * Two databases are made on the server -d names (never touching -d's own
 * database): "..._to", in which PATH's files run, and "..._from", in which
 * D's migrations are pushed and upgraded to head as push and upgrade do.
 * migrate.diff() compares their snapshots and returns the steps of the up
 * script, each with its reverse and hazard.  Before anything is written
 * the result is proven in the "from" database inside a transaction that is
 * rolled back: what the file will contain goes up (the snapshot must be
 * the desired one, column positions aside) and down again (the snapshot
 * must be the one it started from).  Then migrate.lint() reads the up
 * script, and its findings become comments at the top of it.
 *
 * --dev-db uses one existing, empty database instead, for users who may
 * not create databases: the desired schema and the directory each run
 * there in a transaction that is rolled back, so that a database given by
 * mistake is refused (it is not empty) and an empty one stays empty.
 *
 * The scratch databases are dropped on every way out: the normal end, an
 * error (pgm_fatal and the other exits run diff_cleanup through atexit),
 * and SIGINT, SIGTERM, SIGHUP or SIGQUIT, whose handler only records the
 * signal and sends
 * cancel requests (PQcancel is async-signal-safe); the main flow notices
 * the failed query or the flag, and exits through the same cleanup with
 * 128 + the signal's number (130, 143).
 *
 * Exit status: 0 written (or "no changes"); 1 the generated migration
 * does not converge or a statement of it fails in the proof (nothing
 * written); PGM_EXIT_MANUAL (2) written, with steps left for a person
 * (manual ones, destructive ones commented out); otherwise the client's
 * usual codes.
 *
 * IDENTIFICATION
 *	  client/cmd_diff.c
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "pgq.h"

/* where a step of migrate.diff() goes */
typedef enum StepPlace
{
	STEP_EMIT,					/* the first revision, as it is */
	STEP_ONLINE,				/* --online: the second revision, CONCURRENTLY */
	STEP_COMMENTED,				/* destructive, without --allow-destructive */
	STEP_MANUAL					/* its "-- manual:" comment */
} StepPlace;

typedef struct DiffStep
{
	int			step;
	char	   *statement;
	char	   *reverse;		/* NULL: none */
	char	   *hazard;			/* NULL: safe */
	StepPlace	place;
	char	   *why;			/* destructive: what it loses */
	char	   *online_up;		/* STEP_ONLINE: the CONCURRENTLY forms */
	char	   *online_down;
} DiffStep;

/* a --rename, resolved: its statement and the one that undoes it */
typedef struct DiffRename
{
	const char *arg;			/* OLD:NEW as given */
	PgmList		old;			/* OLD's parts */
	char	   *new_name;
	char	   *up;
	char	   *down;
} DiffRename;

/* one file of the desired schema */
typedef struct SchemaFile
{
	char	   *path;
	char	   *text;
} SchemaFile;

/*
 * What cleanup needs: the connection to the maintenance database and the
 * scratch databases' names (set before they are created, so that one
 * whose creation was interrupted is dropped too, IF EXISTS).
 */
static struct
{
	PGconn	   *admin;
	char	   *names[2];
	bool		cleaned;
} scratch;

/* the cancel requests the signal handler sends: admin, from, to */
#define NCANCEL 3
static PGcancel *volatile cancels[NCANCEL];
static volatile sig_atomic_t got_signal = 0;

/* ----------------------------------------------------------------
 * signals and cleanup
 * ----------------------------------------------------------------
 */

static void
on_signal(int sig)
{
	char		errbuf[256];
	int			i;

	if (got_signal == 0)
		got_signal = sig;
	for (i = 0; i < NCANCEL; i++)
	{
		PGcancel   *c = cancels[i];

		if (c != NULL)
			(void) PQcancel(c, errbuf, sizeof(errbuf));
	}
}

static void
block_signals(bool block)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

/* Cancel requests for conn's queries from now on (conn NULL: none). */
static void
set_cancel(int slot, PGconn *conn)
{
	PGcancel   *old;

	block_signals(true);
	old = cancels[slot];
	cancels[slot] = conn ? PQgetCancel(conn) : NULL;
	block_signals(false);
	if (old)
		PQfreeCancel(old);
}

static void
check_interrupt(void)
{
	if (got_signal != 0)
	{
		pgm_error("interrupted by signal %d", (int) got_signal);
		exit(128 + got_signal);
	}
}

static void
drop_database(PGconn *admin, const char *name)
{
	char	   *q = PQescapeIdentifier(admin, name, strlen(name));
	char	   *sql;
	PGresult   *res;

	if (q == NULL)
	{
		pgm_libpq_error("could not drop scratch database", PQerrorMessage(admin));
		return;
	}
	sql = pgm_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", q);
	res = PQexec(admin, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		char	   *what = pgm_printf("could not drop scratch database \"%s\"", name);

		pgm_report_result_error(res, what);
		pgm_hint("Drop it by hand: DROP DATABASE %s WITH (FORCE);", q);
		free(what);
	}
	PQclear(res);
	free(sql);
	PQfreemem(q);
}

/*
 * Drop the scratch databases, once: at the end, or through atexit on any
 * other way out.  The connections to them are not closed here (a failed
 * pgm_query has closed its own already): WITH (FORCE) ends them.  After a
 * signal the exit status is 128 + its number, whoever called exit().
 */
static void
diff_cleanup(void)
{
	int			i;

	if (scratch.cleaned)
		return;
	scratch.cleaned = true;
	/* from here on a signal must not cancel the drops */
	for (i = 0; i < NCANCEL; i++)
		set_cancel(i, NULL);
	if (scratch.admin)
	{
		for (i = 0; i < 2; i++)
			if (scratch.names[i])
				drop_database(scratch.admin, scratch.names[i]);
		PQfinish(scratch.admin);
		scratch.admin = NULL;
	}
	if (got_signal != 0)
	{
		fflush(stdout);
		fflush(stderr);
		_exit(128 + got_signal);
	}
}

static void
install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);	/* a closed terminal or SSH session */
	sigaction(SIGQUIT, &sa, NULL);
	atexit(diff_cleanup);
}

/* ----------------------------------------------------------------
 * queries
 * ----------------------------------------------------------------
 */

/* A query that must work: on error (or a signal) the way out is exit(). */
static PGresult *
must(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
	PGresult   *res;

	check_interrupt();
	res = pgm_query_try(conn, sql, nparams, params);
	check_interrupt();
	if (res == NULL)
		exit(PGM_EXIT_SERVER);
	return res;
}

static void
must_run(PGconn *conn, const char *sql)
{
	PQclear(must(conn, sql, 0, NULL));
}

/*
 * Run text as one simple-protocol query (any number of statements); the
 * result of the last, or of the one that failed.  COPY ... FROM STDIN
 * gets no data and fails; COPY ... TO STDOUT's rows are read and dropped.
 */
static PGresult *
run_text(PGconn *conn, const char *text)
{
	PGresult   *res;
	PGresult   *last = NULL;

	check_interrupt();
	if (!PQsendQuery(conn, text))
		return NULL;
	while ((res = PQgetResult(conn)) != NULL)
	{
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_COPY_IN)
			PQputCopyEnd(conn, "pg_migrate diff sends no COPY data");
		else if (st == PGRES_COPY_OUT)
		{
			char	   *buf;

			while (PQgetCopyData(conn, &buf, 0) > 0)
				PQfreemem(buf);
		}
		if (last == NULL || PQresultStatus(last) != PGRES_FATAL_ERROR)
		{
			if (last)
				PQclear(last);
			last = res;
		}
		else
			PQclear(res);
	}
	return last;
}

/* the error of run_text(): the server's, or libpq's when it sent nothing */
static void
report_text_error(PGconn *conn, const PGresult *res, const char *what)
{
	if (res)
		pgm_report_result_error(res, what);
	else
		pgm_libpq_error(what, PQerrorMessage(conn));
}

static bool
result_ok(const PGresult *res)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY ||
		st == PGRES_COPY_OUT;
}

/*
 * The snapshot of a scratch database: the default project's scope (every
 * schema but the system's), whatever project the directory deploys, since
 * the database with the desired schema has no project at all.
 */
static char *
scratch_snapshot(PGconn *conn)
{
	Opts		p = {0};

	p.project = "default";
	return snapshot_of(conn, &p);
}

/* A connection in which notices below WARNING stay quiet. */
static PGconn *
quiet_connection(PGconn *conn)
{
	PQsetNoticeReceiver(conn, pgm_notice_receiver, NULL);
	must_run(conn, "SET client_min_messages = warning");
	return conn;
}

/* ----------------------------------------------------------------
 * the inputs: the desired schema's files, --rename
 * ----------------------------------------------------------------
 */

static int
load_schema(const char *path, SchemaFile **files, int *n)
{
	PgmList		names = {0};
	int			i;

	if (pgm_is_dir(path))
	{
		if (!pgm_list_dir(path, ".sql", &names))
			return PGM_EXIT_FILES;
		if (names.n == 0)
		{
			pgm_error("directory \"%s\" has no .sql files", path);
			pgm_hint("--schema names an .sql file, or a directory of them (run in name order).");
			return PGM_EXIT_FILES;
		}
		for (i = 0; i < names.n; i++)
		{
			char	   *full = pgm_path_join(path, names.items[i]);

			free(names.items[i]);
			names.items[i] = full;
		}
	}
	else
		pgm_list_add(&names, path);
	*files = pgm_malloc((names.n + 1) * sizeof(SchemaFile));
	*n = names.n;
	for (i = 0; i < names.n; i++)
	{
		(*files)[i].path = names.items[i];
		(*files)[i].text = pgm_read_file(names.items[i], NULL);
		if ((*files)[i].text == NULL)
		{
			pgm_error("could not read file \"%s\": %s", names.items[i],
					  errno == EILSEQ ? "it contains a NUL byte" : strerror(errno));
			return PGM_EXIT_FILES;
		}
	}
	free(names.items);
	return PGM_EXIT_OK;
}

/*
 * A name as SQL reads it: parts separated by ".", each double-quoted (""
 * for a quote) or folded to lower case; it ends at ":" or the end.  NULL
 * if a part is empty or a quote is not closed.
 */
static const char *
parse_name(const char *p, PgmList *parts)
{
	for (;;)
	{
		PQExpBufferData b;

		initPQExpBuffer(&b);
		if (*p == '"')
		{
			for (p++;; p++)
			{
				if (*p == '\0')
				{
					termPQExpBuffer(&b);
					return NULL;
				}
				if (*p == '"' && p[1] != '"')
					break;
				if (*p == '"')
					p++;
				appendPQExpBufferChar(&b, *p);
			}
			p++;
		}
		else
			for (; *p && *p != '.' && *p != ':'; p++)
				appendPQExpBufferChar(&b, (char) tolower((unsigned char) *p));
		if (b.len == 0)
		{
			termPQExpBuffer(&b);
			return NULL;
		}
		pgm_list_add(parts, pgm_buf_data(&b));
		termPQExpBuffer(&b);
		if (*p != '.')
			return p;
		p++;
	}
}

static int
parse_renames(const Opts *o, DiffRename **out)
{
	int			i;

	*out = pgm_malloc((o->renames.n + 1) * sizeof(DiffRename));
	memset(*out, 0, (o->renames.n + 1) * sizeof(DiffRename));
	for (i = 0; i < o->renames.n; i++)
	{
		DiffRename *r = &(*out)[i];
		PgmList		new_name = {0};
		const char *p = parse_name(o->renames.items[i], &r->old);

		r->arg = o->renames.items[i];
		if (p == NULL || *p != ':' || r->old.n > 3 ||
			(p = parse_name(p + 1, &new_name)) == NULL || *p != '\0' || new_name.n != 1)
		{
			pgm_error("invalid --rename \"%s\"", r->arg);
			pgm_hint("Write --rename [schema.]table.column:new_column or --rename [schema.]table:new_table (the schema defaults to public).");
			return PGM_EXIT_USAGE;
		}
		r->new_name = pgm_strdup(new_name.items[0]);
		pgm_list_free(&new_name);
	}
	return PGM_EXIT_OK;
}

/* Is there a column (column != NULL) or a table of that name? */
static bool
relation_has(PGconn *conn, const char *schema, const char *table, const char *column)
{
	const char *params[3] = {schema, table, column ? column : ""};
	PGresult   *res = must(conn,
						   "SELECT EXISTS (SELECT FROM pg_catalog.pg_class c "
						   "  JOIN pg_catalog.pg_namespace n ON n.oid" EQ "c.relnamespace "
						   "  WHERE n.nspname" EQ "$1::pg_catalog.name AND c.relname" EQ "$2::pg_catalog.name "
						   "    AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p}'::pg_catalog.\"char\"[]) "
						   "    AND ($3::pg_catalog.text" EQ "'' OR EXISTS (SELECT FROM pg_catalog.pg_attribute a "
						   "      WHERE a.attrelid" EQ "c.oid AND a.attname" EQ "$3::pg_catalog.name "
						   "        AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped)))",
						   3, params);
	bool		found = strcmp(PQgetvalue(res, 0, 0), "t") == 0;

	PQclear(res);
	return found;
}

static char *
quoted(PGconn *conn, const char *name)
{
	char	   *q = PQescapeIdentifier(conn, name, strlen(name));
	char	   *s;

	if (q == NULL)
		pgm_fatal(PGM_EXIT_SERVER, "could not quote \"%s\": %s", name, PQerrorMessage(conn));
	s = pgm_strdup(q);
	PQfreemem(q);
	return s;
}

/*
 * Resolve a --rename against the "from" schema (a column if OLD names
 * one, else a table), write its statements and run it there, so that the
 * renames after it see it done.
 */
static void
resolve_rename(PGconn *conn, DiffRename *r)
{
	const PgmList *p = &r->old;
	const char *schema = NULL;
	const char *table = NULL;
	const char *column = NULL;
	char	   *qs;
	char	   *qt;
	char	   *qn;
	PGresult   *res;

	if (p->n == 3 || (p->n == 2 && relation_has(conn, "public", p->items[0], p->items[1])))
	{
		schema = p->n == 3 ? p->items[0] : "public";
		table = p->items[p->n - 2];
		column = p->items[p->n - 1];
		if (p->n == 3 && !relation_has(conn, schema, table, column))
			schema = NULL;
	}
	else
	{
		schema = p->n == 2 ? p->items[0] : "public";
		table = p->items[p->n - 1];
		if (!relation_has(conn, schema, table, NULL))
			schema = NULL;
	}
	if (schema == NULL)
	{
		pgm_error("--rename \"%s\": the migrations directory's schema has no such %s",
				  r->arg, p->n == 3 ? "column" : p->n == 2 ? "column or table" : "table");
		pgm_hint("OLD names a column as [schema.]table.column or a table as [schema.]table, as it is before the change (the schema defaults to public).");
		exit(PGM_EXIT_USAGE);
	}
	qs = quoted(conn, schema);
	qt = quoted(conn, table);
	qn = quoted(conn, r->new_name);
	if (column)
	{
		char	   *qc = quoted(conn, column);

		r->up = pgm_printf("ALTER TABLE %s.%s RENAME COLUMN %s TO %s;", qs, qt, qc, qn);
		r->down = pgm_printf("ALTER TABLE %s.%s RENAME COLUMN %s TO %s;", qs, qt, qn, qc);
		free(qc);
	}
	else
	{
		r->up = pgm_printf("ALTER TABLE %s.%s RENAME TO %s;", qs, qt, qn);
		r->down = pgm_printf("ALTER TABLE %s.%s RENAME TO %s;", qs, qn, qt);
	}
	res = run_text(conn, r->up);
	check_interrupt();
	if (!result_ok(res))
	{
		char	   *what = pgm_printf("--rename \"%s\"", r->arg);

		report_text_error(conn, res, what);
		exit(PGM_EXIT_SERVER);
	}
	PQclear(res);
	free(qs);
	free(qt);
	free(qn);
}

/* ----------------------------------------------------------------
 * the two schemas
 * ----------------------------------------------------------------
 */

/*
 * --dev-db: refuse a database with anything of its own (a relation, type
 * or function outside the system schemas) or with pg_migrate, so that a
 * real database named by mistake is left alone.
 */
static void
refuse_used_dev_db(PGconn *conn)
{
	static const char *const sql =
		"WITH s AS (SELECT n.oid FROM pg_catalog.pg_namespace n "
		"  WHERE n.nspname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema,pg_toast}'::pg_catalog.name[]) "
		"    AND n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast_)?temp_') "
		"SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c WHERE c.relnamespace OPERATOR(pg_catalog.=) ANY (SELECT oid FROM s)) "
		"  OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_type t WHERE t.typnamespace OPERATOR(pg_catalog.=) ANY (SELECT oid FROM s)) "
		"  OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) ANY (SELECT oid FROM s)), "
		"  EXISTS (SELECT FROM pg_catalog.pg_extension e WHERE e.extname" EQ "'pg_migrate'::pg_catalog.name), "
		"  pg_catalog.current_database()";
	PGresult   *res = must(conn, sql, 0, NULL);
	bool		objects = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	bool		extension = strcmp(PQgetvalue(res, 0, 1), "t") == 0;

	if (objects || extension)
	{
		pgm_error("--dev-db database \"%s\" is not empty: it has %s",
				  PQgetvalue(res, 0, 2),
				  extension ? "the pg_migrate extension" : "tables, types or functions of its own");
		pgm_detail("diff works in --dev-db's database inside transactions that it rolls back, but refuses one that may be a real database.");
		pgm_hint("Create an empty database for it (CREATE DATABASE pgm_dev TEMPLATE template0) and pass --dev-db dbname=pgm_dev.");
		exit(PGM_EXIT_USAGE);
	}
	PQclear(res);
}

/* skip blanks and comments */
static const char *
skip_space(const char *p, const char *end)
{
	for (;;)
	{
		while (p < end && isspace((unsigned char) *p))
			p++;
		if (p + 1 < end && p[0] == '-' && p[1] == '-')
		{
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		return p;
	}
}

/*
 * --dev-db runs the schema files inside a transaction that is rolled
 * back: a file that ends it would commit into the database.
 */
static void
refuse_transaction_control(const SchemaFile *f)
{
	char	   *error = NULL;
	int			line = 0;
	int			n = 0;
	int			i,
				k;
	PgmLintStatement *stmts = pgm_lint_facts(f->text, &n, &error, &line);

	/* a file that does not parse fails in the server, with its position */
	free(error);
	for (i = 0; stmts && i < n; i++)
		for (k = 0; k < stmts[i].nacts; k++)
		{
			const PgmLintAction *a = &stmts[i].acts[k];
			const char *at;
			const char *c;

			if (a->kind != PGM_LA_TRANSACTION)
				continue;
			at = skip_space(f->text + stmts[i].start, f->text + stmts[i].start + stmts[i].len);
			line = 1;
			for (c = f->text; c < at; c++)
				line += *c == '\n';
			pgm_error("%s:%d: %s: with --dev-db the schema files run inside a transaction that is rolled back",
					  f->path, line, a->name ? a->name : "transaction control");
			pgm_hint("Leave transaction control out of the schema files, or drop --dev-db.");
			exit(PGM_EXIT_FILES);
		}
}

/* Run the desired schema's files in conn, in order, reporting file and line. */
static void
run_schema(PGconn *conn, const SchemaFile *files, int n, bool dev)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		PGresult   *res;

		if (dev)
			refuse_transaction_control(&files[i]);
		res = run_text(conn, files[i].text);
		check_interrupt();
		if (!result_ok(res))
		{
			const char *pos = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
			char	   *what = pos ? pgm_printf("%s:%d", files[i].path, pgq_line_of(files[i].text, atoi(pos)))
				: pgm_strdup(files[i].path);

			report_text_error(conn, res, what);
			exit(PGM_EXIT_FILES);
		}
		PQclear(res);
		if (dev && PQtransactionStatus(conn) != PQTRANS_INTRANS)
			pgm_fatal(PGM_EXIT_FILES, "%s: the file ended the transaction that --dev-db rolls back",
					  files[i].path);
	}
}

/*
 * Apply D as push and upgrade head do: push_set registers the files, then
 * migrate.upgrade('head'), or CALL migrate.apply('head') when a revision
 * cannot run in a transaction (not with --dev-db, which must roll back).
 */
static void
apply_directory(PGconn *conn, const Opts *o, const PgmMigrationSet *set, bool dev)
{
	const char *params[1] = {o->project};
	PushStats	stats;
	PGresult   *res;
	int			rc;

	if (set->n == 0)
		return;
	/* the linter's findings on D's own revisions are not this command's */
	must_run(conn, "SET client_min_messages = error");
	check_interrupt();
	rc = push_set(conn, o, set, dev, &stats, false);
	check_interrupt();
	if (rc != PGM_EXIT_OK)
		exit(rc);
	res = must(conn,
			   "SELECT pg_catalog.string_agg(revision, ', ' ORDER BY step) FROM migrate.plan('head', $1) "
			   "WHERE execution" EQ "'nontransactional'::pg_catalog.text", 1, params);
	if (!PQgetisnull(res, 0, 0) && dev)
	{
		char	   *dir = pgm_escaped(o->dir);

		pgm_error("--dev-db cannot apply nontransactional revisions of directory \"%s\": %s",
				  dir, PQgetvalue(res, 0, 0));
		pgm_detail("With --dev-db the directory is applied inside a transaction that is rolled back; CREATE INDEX CONCURRENTLY and the like cannot run in one.");
		pgm_hint("Drop --dev-db: diff then creates two scratch databases on -d's server (this needs the CREATEDB privilege) and drops them at the end.");
		exit(PGM_EXIT_USAGE);
	}
	if (!PQgetisnull(res, 0, 0))
		PQclear(must(conn, "CALL migrate.apply('head', $1)", 1, params));
	else
		PQclear(must(conn, "SELECT pg_catalog.count(*) FROM migrate.upgrade('head', $1)", 1, params));
	PQclear(res);
	must_run(conn, "SET client_min_messages = warning");
}

/* ----------------------------------------------------------------
 * the steps
 * ----------------------------------------------------------------
 */

static char *
value_or_null(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : pgm_strdup(PQgetvalue(res, row, col));
}

static DiffStep *
fetch_steps(PGconn *conn, const char *from, const char *to, int *n)
{
	const char *params[2] = {from, to};
	PGresult   *res = must(conn,
						   "SELECT step, statement, reverse, hazard "
						   "FROM migrate.diff($1::pg_catalog.jsonb, $2::pg_catalog.jsonb) ORDER BY step",
						   2, params);
	DiffStep   *steps;
	int			i;

	*n = PQntuples(res);
	steps = pgm_malloc((*n + 1) * sizeof(DiffStep));
	memset(steps, 0, (*n + 1) * sizeof(DiffStep));
	for (i = 0; i < *n; i++)
	{
		DiffStep   *s = &steps[i];

		s->step = atoi(PQgetvalue(res, i, 0));
		s->statement = value_or_null(res, i, 1);
		s->reverse = value_or_null(res, i, 2);
		s->hazard = value_or_null(res, i, 3);
		if (s->hazard && strcmp(s->hazard, "destructive") != 0 &&
			strcmp(s->hazard, "blocking") != 0 && strcmp(s->hazard, "manual") != 0)
			pgm_fatal(PGM_EXIT_SERVER, "migrate.diff() returned step %d with an unknown hazard \"%s\"",
					  s->step, s->hazard);
		if (s->statement == NULL)
			pgm_fatal(PGM_EXIT_SERVER, "migrate.diff() returned step %d without a statement", s->step);
	}
	PQclear(res);
	return steps;
}

static bool
hazard_is(const DiffStep *s, const char *hazard)
{
	return s->hazard != NULL && strcmp(s->hazard, hazard) == 0;
}

/* the keyword word (case-insensitive, whole) at p, and the text after it */
static const char *
keyword(const char *p, const char *end, const char *word)
{
	size_t		n = strlen(word);

	p = skip_space(p, end);
	if ((size_t) (end - p) > n && pg_strncasecmp(p, word, n) == 0 &&
		isspace((unsigned char) p[n]))
		return p + n;
	return NULL;
}

/*
 * sql with CONCURRENTLY after "CREATE [UNIQUE] INDEX" or "DROP INDEX" in
 * each statement that the parser says builds or drops an index (kind);
 * NULL when one of them is not written that way.
 */
static char *
concurrently(const char *sql, PgmLintActKind kind)
{
	char	   *error = NULL;
	int			line = 0;
	int			n = 0;
	int			i,
				k;
	int			done = 0;
	PgmLintStatement *stmts = pgm_lint_facts(sql, &n, &error, &line);
	const char *prev = sql;
	PQExpBufferData b;

	if (stmts == NULL)
	{
		free(error);
		return NULL;
	}
	initPQExpBuffer(&b);
	for (i = 0; i < n; i++)
	{
		const char *start = sql + stmts[i].start;
		const char *end = start + stmts[i].len;
		const char *at = NULL;
		bool		index = false;

		for (k = 0; k < stmts[i].nacts; k++)
			if (stmts[i].acts[k].kind == kind && !stmts[i].acts[k].concurrently)
				index = true;
		if (index && kind == PGM_LA_CREATE_INDEX && (at = keyword(start, end, "CREATE")) != NULL)
		{
			const char *unique = keyword(at, end, "UNIQUE");

			at = keyword(unique ? unique : at, end, "INDEX");
		}
		else if (index && kind == PGM_LA_DROP_INDEX && (at = keyword(start, end, "DROP")) != NULL)
			at = keyword(at, end, "INDEX");
		if (index && at == NULL)
		{
			termPQExpBuffer(&b);
			return NULL;
		}
		/* what lies between statements: semicolons, blanks, comments */
		appendBinaryPQExpBuffer(&b, prev, start - prev);
		prev = end;
		if (at)
		{
			appendBinaryPQExpBuffer(&b, start, at - start);
			appendPQExpBufferStr(&b, " CONCURRENTLY");
			appendBinaryPQExpBuffer(&b, at, end - at);
			done++;
		}
		else
			appendBinaryPQExpBuffer(&b, start, end - start);
	}
	appendPQExpBufferStr(&b, prev);
	if (done == 0)
	{
		termPQExpBuffer(&b);
		return NULL;
	}
	return pgm_buf_data(&b);
}

static char *
name_of(const PgmLintName *n)
{
	return n->schema ? pgm_printf("%s.%s", n->schema, n->name) : pgm_strdup(n->name ? n->name : "?");
}

/*
 * What a destructive step loses, for its "-- destructive:" comment: from
 * the parser's facts where they say, else from its first statement
 * ("DROP FUNCTION public.f(integer)" gives "drops function ...").
 */
static char *
destructive_why(const char *sql)
{
	char	   *error = NULL;
	int			line = 0;
	int			n = 0;
	int			i,
				k;
	PgmLintStatement *stmts = pgm_lint_facts(sql, &n, &error, &line);
	PQExpBufferData b;
	const char *p;
	const char *eol;

	free(error);
	for (i = 0; stmts && i < n; i++)
		for (k = 0; k < stmts[i].nacts; k++)
		{
			const PgmLintAction *a = &stmts[i].acts[k];
			char	   *rel = name_of(&a->rel);
			char	   *why = NULL;

			if (a->kind == PGM_LA_DROP_TABLE)
				why = pgm_printf("drops table %s and its rows", rel);
			else if (a->kind == PGM_LA_DROP_COLUMN)
				why = pgm_printf("drops column %s of %s and its values", a->column, rel);
			else if (a->kind == PGM_LA_ALTER_TYPE)
				why = pgm_printf("changes the type of column %s of %s: values that do not fit the new type are lost or fail the change",
								 a->column, rel);
			else if (a->kind == PGM_LA_TRUNCATE)
				why = pgm_printf("removes the rows of %s", rel);
			free(rel);
			if (why)
				return why;
		}
	/* the first line of the statement, its leading keywords in lower case */
	p = skip_space(sql, sql + strlen(sql));
	eol = strchr(p, '\n');
	initPQExpBuffer(&b);
	if (pg_strncasecmp(p, "DROP ", 5) == 0)
	{
		appendPQExpBufferStr(&b, "drops");
		p += 4;
		while (*p == ' ' && isupper((unsigned char) p[1]))
		{
			const char *w = p + 1;

			while (isupper((unsigned char) *w))
				w++;
			if (!(w - p - 1 == 2 && strncmp(p + 1, "IF", 2) == 0) &&
				!(w - p - 1 == 6 && strncmp(p + 1, "EXISTS", 6) == 0))
			{
				appendPQExpBufferChar(&b, ' ');
				for (p++; p < w; p++)
					appendPQExpBufferChar(&b, (char) tolower((unsigned char) *p));
			}
			else
				p = w;
		}
		appendBinaryPQExpBuffer(&b, p, eol ? (size_t) (eol - p) : strlen(p));
	}
	else
	{
		appendPQExpBufferStr(&b, "may lose data: ");
		appendBinaryPQExpBuffer(&b, p, eol ? (size_t) (eol - p) : strlen(p));
	}
	while (b.len > 0 && (b.data[b.len - 1] == ';' || b.data[b.len - 1] == ' '))
		b.data[--b.len] = '\0';
	return pgm_buf_data(&b);
}

/*
 * A primary key or unique constraint moved to the --online revision while
 * a foreign key of the first revision references its table: the foreign
 * key needs it, so the key stays in the first revision (building its
 * index there).
 */
static void
keep_referenced_keys(DiffStep *steps, int n)
{
	int			i,
				j;

	for (i = 0; i < n; i++)
	{
		DiffStep   *s = &steps[i];
		const char *alter = strstr(s->statement, "ALTER TABLE ");
		const char *end;
		char	   *ref;

		if (s->place != STEP_ONLINE || alter == NULL || strstr(s->statement, " USING INDEX ") == NULL ||
			(end = strstr(alter + 12, " ADD CONSTRAINT ")) == NULL)
			continue;
		ref = pgm_printf("REFERENCES %.*s(", (int) (end - alter - 12), alter + 12);
		for (j = 0; j < n; j++)
			if (steps[j].place == STEP_EMIT && strstr(steps[j].statement, ref) != NULL)
			{
				s->place = STEP_EMIT;
				pgm_warning("step %d stays in the transactional revision: the foreign key of step %d needs its key",
							s->step, steps[j].step);
				break;
			}
		free(ref);
	}
}

/* Decide where each step goes; true if one needs a person. */
static bool
place_steps(const Opts *o, DiffStep *steps, int n)
{
	bool		attention = false;
	int			i;

	for (i = 0; i < n; i++)
	{
		DiffStep   *s = &steps[i];

		s->place = STEP_EMIT;
		if (hazard_is(s, "manual"))
			s->place = STEP_MANUAL;
		else if (hazard_is(s, "destructive"))
		{
			s->why = destructive_why(s->statement);
			if (!o->allow_destructive)
				s->place = STEP_COMMENTED;
		}
		else if (hazard_is(s, "blocking") && o->online)
		{
			/*
			 * Its index builds CONCURRENTLY; the rest of the step (the
			 * constraint made of a unique index) runs as it is, and so does
			 * a reverse that drops no index (DROP CONSTRAINT).
			 */
			s->online_up = concurrently(s->statement, PGM_LA_CREATE_INDEX);
			s->online_down = s->reverse ? concurrently(s->reverse, PGM_LA_DROP_INDEX) : NULL;
			if (s->online_down == NULL && s->reverse != NULL)
				s->online_down = pgm_strdup(s->reverse);
			if (s->online_up)
				s->place = STEP_ONLINE;
			else
				pgm_warning("step %d cannot be built concurrently (it builds its index within another statement): it stays in the transactional revision",
							s->step);
		}
		if (s->place == STEP_MANUAL || s->place == STEP_COMMENTED)
			attention = true;
	}
	keep_referenced_keys(steps, n);
	return attention;
}

/* ----------------------------------------------------------------
 * the proof
 * ----------------------------------------------------------------
 */

/*
 * The differences a proof leaves (rows of migrate.schema_diff) that no
 * step left to a person accounts for: a manual or commented-out step
 * names the object, or the relation it belongs to.
 */
static int
unexplained(const PGresult *rows, const DiffStep *steps, int n)
{
	int			count = 0;
	int			i,
				j;

	for (i = 0; i < PQntuples(rows); i++)
	{
		const char *object = PQgetvalue(rows, i, 1);
		const char *dot = strrchr(object, '.');
		char	   *parent = dot ? pgm_printf("%.*s", (int) (dot - object), object) : NULL;
		bool		explained = false;

		for (j = 0; j < n && !explained; j++)
			if ((steps[j].place == STEP_MANUAL || steps[j].place == STEP_COMMENTED) &&
				(strstr(steps[j].statement, object) != NULL ||
				 (parent != NULL && strchr(parent, '.') != NULL &&
				  strstr(steps[j].statement, parent) != NULL)))
				explained = true;
		if (!explained)
			count++;
		free(parent);
	}
	return count;
}

/*
 * A snapshot without its columns' positions: diff adds a column at the
 * end of its table, where the desired schema may have it elsewhere.
 */
#define STRIPPED(p) "(" p "::pg_catalog.jsonb OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('column', " \
	"(SELECT coalesce(pg_catalog.jsonb_object_agg(c.key, c.value OPERATOR(pg_catalog.-) 'position'::pg_catalog.text), " \
	"'{}'::pg_catalog.jsonb) FROM pg_catalog.jsonb_each(" p "::pg_catalog.jsonb OPERATOR(pg_catalog.->) " \
	"'column'::pg_catalog.text) c)))"

static PGresult *
compare(PGconn *conn, const char *expected, const char *actual)
{
	const char *params[2] = {expected, actual};

	return must(conn, "SELECT kind, object, change FROM migrate.schema_diff("
				STRIPPED("$1") ", " STRIPPED("$2") ")", 2, params);
}

/* Print a script (a statement, its reverse) under a message, line by line. */
static void
print_script(const char *sql)
{
	const char *p = sql;

	while (*p)
	{
		const char *eol = strchr(p, '\n');
		char	   *line = pgm_strndup(p, eol ? (size_t) (eol - p) : strlen(p));

		pgm_message("    %s", line);
		free(line);
		if (!eol)
			break;
		p = eol + 1;
	}
}

/* One statement of the proof; a failure ends diff with nothing written. */
static void
prove_run(PGconn *conn, const char *sql, const char *what, int step)
{
	PGresult   *res = run_text(conn, sql);

	check_interrupt();
	if (result_ok(res))
	{
		PQclear(res);
		return;
	}
	if (step > 0)
		pgm_error("step %d's %s fails in the proof, before anything is written:", step, what);
	else
		pgm_error("%s fails in the proof, before anything is written:", what);
	print_script(sql);
	report_text_error(conn, res, NULL);
	pgm_hint("Nothing was written. Check the desired schema, or write this migration by hand.");
	exit(PGM_EXIT_PENDING);
}

typedef struct DiffProof
{
	PGresult   *up;				/* differences after the up scripts */
	PGresult   *down;			/* after the down scripts */
} DiffProof;

/*
 * In the "from" database, inside a transaction (a savepoint with
 * --dev-db) that is rolled back: exactly what the files will hold goes up
 * (renames, the first revision's steps, then the second's in their plain,
 * transactional form), and down again.
 */
static DiffProof
prove(PGconn *conn, bool dev, const DiffRename *renames, int nrenames,
	  const DiffStep *steps, int n, const char *from0, const char *to,
	  const Opts *o)
{
	DiffProof	p;
	char	   *snap;
	int			i;
	int			pass;

	must_run(conn, dev ? "SAVEPOINT pgm_diff_proof" : "BEGIN");
	for (i = 0; i < nrenames; i++)
		prove_run(conn, renames[i].up, renames[i].arg, 0);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++)
			if (steps[i].place == (pass == 0 ? STEP_EMIT : STEP_ONLINE))
				prove_run(conn, steps[i].statement, "statement", steps[i].step);
	snap = scratch_snapshot(conn);
	p.up = compare(conn, to, snap);
	free(snap);
	for (pass = 1; pass >= 0; pass--)
		for (i = n - 1; i >= 0; i--)
			if (steps[i].place == (pass == 0 ? STEP_EMIT : STEP_ONLINE) && steps[i].reverse)
				prove_run(conn, steps[i].reverse, "reverse", steps[i].step);
	for (i = nrenames - 1; i >= 0; i--)
		prove_run(conn, renames[i].down, renames[i].arg, 0);
	snap = scratch_snapshot(conn);
	p.down = compare(conn, from0, snap);
	free(snap);
	must_run(conn, dev ? "ROLLBACK TO SAVEPOINT pgm_diff_proof" : "ROLLBACK");
	return p;
}

/* ----------------------------------------------------------------
 * the files
 * ----------------------------------------------------------------
 */

/* text as comment lines: "-- " before each line, control characters escaped */
static void
append_commented(PQExpBuffer b, const char *prefix, const char *text)
{
	const char *p = text;

	for (;;)
	{
		const char *eol = strchr(p, '\n');
		char	   *line = pgm_strndup(p, eol ? (size_t) (eol - p) : strlen(p));

		appendPQExpBufferStr(b, prefix);
		pgm_buf_append_display(b, line);
		appendPQExpBufferChar(b, '\n');
		free(line);
		if (!eol)
			break;
		p = eol + 1;
	}
}

/* a "-- manual:" step as one comment line, whatever the server sent */
static void
append_manual(PQExpBuffer b, const char *statement)
{
	if (strncmp(statement, "-- manual:", 10) != 0)
		appendPQExpBufferStr(b, "-- manual: ");
	pgm_buf_append_display(b, statement);
	appendPQExpBufferChar(b, '\n');
}

static void
append_statement(PQExpBuffer b, const char *sql)
{
	appendPQExpBufferStr(b, sql);
	if (b->len > 0 && b->data[b->len - 1] != '\n')
		appendPQExpBufferChar(b, '\n');
}

/* the first revision's scripts (online false) or the second's */
static void
compose_scripts(const DiffRename *renames, int nrenames,
				const DiffStep *steps, int n, bool online,
				PQExpBuffer up, PQExpBuffer down)
{
	int			i;

	if (!online)
		for (i = 0; i < nrenames; i++)
			append_statement(up, renames[i].up);
	for (i = 0; i < n; i++)
	{
		const DiffStep *s = &steps[i];

		if ((s->place == STEP_ONLINE) != online)
			continue;
		if (s->place == STEP_MANUAL)
		{
			append_manual(up, s->statement);
			continue;
		}
		if (s->why)
			append_commented(up, "-- destructive: ", s->why);
		if (s->place == STEP_COMMENTED)
		{
			appendPQExpBufferStr(up, "-- manual: destructive step not emitted (rerun with --allow-destructive or write it yourself):\n");
			append_commented(up, "-- ", s->statement);
			continue;
		}
		if (hazard_is(s, "blocking") && !online)
			appendPQExpBufferStr(up, "-- blocking: builds an index on an existing table; writes to it wait until the build ends (--online builds it concurrently)\n");
		append_statement(up, online ? s->online_up : s->statement);
	}
	for (i = n - 1; i >= 0; i--)
	{
		const DiffStep *s = &steps[i];

		if ((s->place == STEP_ONLINE) != online || s->place == STEP_COMMENTED)
			continue;
		if (s->place == STEP_MANUAL || s->reverse == NULL)
			appendPQExpBuffer(down, "-- manual: step %d of the up script has no generated reverse\n", s->step);
		else
			append_statement(down, online ? s->online_down : s->reverse);
	}
	if (!online)
		for (i = nrenames - 1; i >= 0; i--)
			append_statement(down, renames[i].down);
	/* a section's script is written followed by one newline */
	if (up->len > 0 && up->data[up->len - 1] == '\n')
		up->data[--up->len] = '\0';
	if (down->len > 0 && down->data[down->len - 1] == '\n')
		down->data[--down->len] = '\0';
}

/* The first line of the up script at which m's file has its up script. */
static int
up_line_of(const PgmMigration *m)
{
	char	   *text = pgm_format_migration(m);
	PgmMigration parsed;
	int			line = 0;

	pgm_migration_init(&parsed);
	if (text && pgm_parse_migration(m->path, text, strlen(text), &parsed))
		line = parsed.up_line;
	pgm_migration_free(&parsed);
	free(text);
	return line;
}

/*
 * m's up script as written: the comment that says where it comes from,
 * migrate.lint()'s findings as comments (their lines are the file's), and
 * the script.  Returns the number of findings.
 */
static int
finish_up(PGconn *conn, PgmMigration *m, const char *head, const char *body)
{
	char	   *linted = pgm_printf("%s\n%s", head, body);
	const char *params[1] = {linted};
	PGresult   *res = must(conn,
						   "SELECT severity, rule, line, message "
						   "FROM migrate.lint($1, '{}'::pg_catalog.text[], false) ORDER BY line, statement_no",
						   1, params);
	int			k = PQntuples(res);
	int			base;
	int			i;
	PQExpBufferData b;

	free(m->up);
	m->up = linted;
	base = up_line_of(m) - 1 + k;
	initPQExpBuffer(&b);
	appendPQExpBuffer(&b, "%s\n", head);
	for (i = 0; i < k; i++)
	{
		char	   *finding = pgm_printf("%s %s (line %d): %s", PQgetvalue(res, i, 0),
										 PQgetvalue(res, i, 1), base + atoi(PQgetvalue(res, i, 2)),
										 PQgetvalue(res, i, 3));

		append_commented(&b, "-- lint: ", finding);
		free(finding);
	}
	appendPQExpBufferStr(&b, body);
	PQclear(res);
	m->up = pgm_buf_data(&b);
	free(linted);
	return k;
}

/* ----------------------------------------------------------------
 * the command
 * ----------------------------------------------------------------
 */

/* the parent of the new revision: D's one head, or none (base) */
static int
directory_head(const Opts *o, PgmMigrationSet *set, PgmList *parents)
{
	PgmList		heads = {0};
	int			rc;

	if (pgm_is_dir(o->dir) && (rc = load_ordered(o, set)) != PGM_EXIT_OK)
		return rc;
	if (!pgm_set_heads(set, o->project, &heads))
		return PGM_EXIT_FILES;
	if (heads.n > 1)
	{
		char	   *list = pgm_list_join(&heads, ", ");

		pgm_error("directory \"%s\" has %d heads: %s", o->dir, heads.n, list);
		pgm_detail("diff writes a revision on top of the directory's one head.");
		pgm_hint("Join them first with \"pg_migrate merge --dir %s -m MESSAGE\".", o->dir);
		free(list);
		return PGM_EXIT_FILES;
	}
	if (heads.n == 1)
		pgm_list_add(parents, heads.items[0]);
	pgm_list_free(&heads);
	return PGM_EXIT_OK;
}

/* the scratch databases: names, CREATE DATABASE, connections */
static void
create_scratch(const Opts *o, PGconn **from, PGconn **to)
{
	unsigned char rnd[4];
	int			i;

	if (!pg_strong_random(rnd, sizeof(rnd)))
		pgm_fatal(PGM_EXIT_SERVER, "could not generate a random scratch database name");
	scratch.admin = pgm_connect_to(o->conninfo, "postgres");
	set_cancel(0, scratch.admin);
	for (i = 0; i < 2; i++)
	{
		char	   *q;
		char	   *sql;
		PGresult   *res;

		scratch.names[i] = pgm_printf("pgm_diff_%d_%02x%02x%02x%02x_%s", (int) getpid(),
									  rnd[0], rnd[1], rnd[2], rnd[3], i == 0 ? "from" : "to");
		q = quoted(scratch.admin, scratch.names[i]);
		sql = pgm_printf("CREATE DATABASE %s TEMPLATE template0", q);
		check_interrupt();
		res = pgm_query_try(scratch.admin, sql, 0, NULL);
		check_interrupt();
		if (res == NULL)
		{
			pgm_hint("diff creates two scratch databases on -d's server. Without the CREATEDB privilege, give it an empty database to work in with --dev-db.");
			exit(PGM_EXIT_SERVER);
		}
		PQclear(res);
		free(sql);
		free(q);
	}
	*from = quiet_connection(pgm_connect_to(o->conninfo, scratch.names[0]));
	set_cancel(1, *from);
	*to = quiet_connection(pgm_connect_to(o->conninfo, scratch.names[1]));
	set_cancel(2, *to);
}

/* print what needs a person's attention, on stderr */
static void
summary(const DiffStep *steps, int n, const DiffProof *p, bool attention, int findings)
{
	int			i;
	int			commented = 0;

	for (i = 0; i < n; i++)
	{
		const DiffStep *s = &steps[i];

		if (s->place == STEP_MANUAL)
			pgm_warning("step %d must be written by hand: %s", s->step,
						strncmp(s->statement, "-- manual: ", 11) == 0 ? s->statement + 11 : s->statement);
		else if (s->place == STEP_COMMENTED)
		{
			pgm_warning("step %d is destructive (%s): written commented out", s->step, s->why);
			commented++;
		}
		else if (s->why)
			pgm_warning("step %d is destructive: %s", s->step, s->why);
		else if (hazard_is(s, "blocking") && s->place == STEP_EMIT)
			pgm_warning("step %d builds an index on an existing table, blocking writes to it while it builds (--online builds it concurrently)",
						s->step);
	}
	if (commented > 0)
		pgm_hint("Rerun with --allow-destructive to emit the destructive step%s, or write %s yourself.",
				 commented == 1 ? "" : "s", commented == 1 ? "it" : "them");
	if (attention && PQntuples(p->up) + PQntuples(p->down) > 0)
	{
		fflush(stdout);
		fprintf(stderr, "%s: note: the proof leaves %d difference%s after the up script and %d after the down script, expected from the steps left to you:\n",
				pgm_progname, PQntuples(p->up), PQntuples(p->up) == 1 ? "" : "s",
				PQntuples(p->down));
		print_schema_rows(stderr, p->up);
		print_schema_rows(stderr, p->down);
	}
	if (findings > 0)
		fprintf(stderr, "%s: note: %d lint finding%s written as comments at the top of the up script\n",
				pgm_progname, findings, findings == 1 ? "" : "s");
}

static int
write_or_print(const Opts *o, PgmMigrationSet *out)
{
	int			i;

	if (o->dry_run)
	{
		for (i = 0; i < out->n; i++)
		{
			char	   *text = pgm_format_migration(&out->items[i]);
			char	   *full = pgm_path_join(o->dir, out->items[i].path);
			char	   *shown = pgm_escaped(full);

			if (text == NULL)
				pgm_fatal(PGM_EXIT_FILES, "revision \"%s\" cannot be written as a file: a line of its scripts starts with \"-- migrate:\"",
						  out->items[i].id);
			printf("-- file: %s\n%s", shown, text);
			free(text);
			free(full);
			free(shown);
		}
		return PGM_EXIT_OK;
	}
	if (!pgm_write_set(o->dir, out, false))
		return PGM_EXIT_FILES;
	for (i = 0; i < out->n; i++)
		print_created(o, &out->items[i]);
	return PGM_EXIT_OK;
}

/*
 * Length (about 150 lines): the command in the order it works (inputs,
 * the two schemas, renames, the steps, the proof, the files), with the
 * --dev-db variant of each database step next to the scratch one.
 */
int
cmd_diff(Opts *o)
{
	PgmMigrationSet set = {0};
	PgmMigrationSet out = {0};
	PgmList		parents = {0};
	SchemaFile *files = NULL;
	DiffRename *renames = NULL;
	DiffStep   *steps;
	PGconn	   *from = NULL;
	PGconn	   *to = NULL;
	char	   *snap_to;
	char	   *from0;
	char	   *from1;
	bool		dev = o->dev_db != NULL;
	bool		attention;
	int			nfiles = 0;
	int			n;
	int			i;
	int			rc;
	int			findings = 0;
	DiffProof	proof;

	if (o->schema == NULL || o->message == NULL)
	{
		pgm_error("diff needs the desired schema (--schema PATH) and a message (-m MESSAGE)");
		return PGM_EXIT_USAGE;
	}
	if ((rc = parse_renames(o, &renames)) != PGM_EXIT_OK ||
		(rc = directory_head(o, &set, &parents)) != PGM_EXIT_OK ||
		(rc = load_schema(o->schema, &files, &nfiles)) != PGM_EXIT_OK)
		return rc;
	install_handlers();

	/* the desired schema, and D's */
	if (dev)
	{
		from = to = quiet_connection(pgm_connect(o->dev_db));
		set_cancel(1, from);
		refuse_used_dev_db(from);
		must_run(to, "BEGIN");
	}
	else
		create_scratch(o, &from, &to);
	must_run(to, "CREATE EXTENSION pg_migrate");
	run_schema(to, files, nfiles, dev);
	snap_to = scratch_snapshot(to);
	if (dev)
	{
		must_run(to, "ROLLBACK");
		must_run(from, "BEGIN");
		must_run(from, "CREATE EXTENSION pg_migrate");
	}
	else
	{
		set_cancel(2, NULL);
		PQfinish(to);
		must_run(from, "CREATE EXTENSION pg_migrate");
	}
	apply_directory(from, o, &set, dev);
	from0 = scratch_snapshot(from);

	/* the renames, undone again: the proof runs them as the file will */
	from1 = from0;
	if (o->renames.n > 0)
	{
		must_run(from, dev ? "SAVEPOINT pgm_diff_renames" : "BEGIN");
		for (i = 0; i < o->renames.n; i++)
			resolve_rename(from, &renames[i]);
		from1 = scratch_snapshot(from);
		must_run(from, dev ? "ROLLBACK TO SAVEPOINT pgm_diff_renames" : "ROLLBACK");
	}

	steps = fetch_steps(from, from1, snap_to, &n);
	if (n == 0 && o->renames.n == 0)
	{
		printf("no changes\n");
		diff_cleanup();
		return PGM_EXIT_OK;
	}
	attention = place_steps(o, steps, n);

	proof = prove(from, dev, renames, o->renames.n, steps, n, from0, snap_to, o);
	if (unexplained(proof.up, steps, n) + unexplained(proof.down, steps, n) > 0)
	{
		pgm_error("the generated migration does not converge");
		if (PQntuples(proof.up) > 0)
		{
			fprintf(stderr, "after the up script, the schema differs from the desired one:\n");
			print_schema_rows(stderr, proof.up);
		}
		if (PQntuples(proof.down) > 0)
		{
			fprintf(stderr, "after the down script, the schema differs from the one before the up script:\n");
			print_schema_rows(stderr, proof.down);
		}
		pgm_hint("Nothing was written. This is a limitation of migrate.diff(): write this migration by hand.");
		return PGM_EXIT_PENDING;
	}

	/* the files: the first revision, and --online's second */
	for (i = 0; i < 2; i++)
	{
		PQExpBufferData up;
		PQExpBufferData down;
		bool		online = i == 1;
		bool		any = !online && o->renames.n > 0;
		int			k;
		PgmMigration *m;
		char	   *shown = pgm_escaped(o->schema);
		char	   *head;

		for (k = 0; k < n; k++)
			if ((steps[k].place == STEP_ONLINE) == online)
				any = true;
		if (!any)
		{
			free(shown);
			continue;
		}
		initPQExpBuffer(&up);
		initPQExpBuffer(&down);
		compose_scripts(renames, o->renames.n, steps, n, online, &up, &down);
		m = pgm_set_add(&out);
		m->id = random_id();
		m->message = online ? pgm_printf("%s (index builds, concurrently)", o->message)
			: pgm_strdup(o->message);
		if (out.n == 2)
			pgm_list_add(&m->parents, out.items[0].id);
		else if (parents.n > 0)
			pgm_list_add(&m->parents, parents.items[0]);
		m->down = pgm_buf_data(&down);
		m->up = pgm_strdup("");
		if ((rc = scaffold_name(o, &set, m, online ? "online" : "diff")) != PGM_EXIT_OK)
			return rc;
		head = online ?
			pgm_printf("-- generated by pg_migrate diff from %s: index builds on existing tables, CONCURRENTLY\n"
					   "-- nontransactional (CREATE INDEX CONCURRENTLY): deploy with pg_migrate upgrade --per-revision",
					   shown) :
			pgm_printf("-- generated by pg_migrate diff from %s", shown);
		findings += finish_up(from, m, head, pgm_buf_data(&up));
		free(up.data);
		free(head);
		free(shown);
	}
	if (dev)
		must_run(from, "ROLLBACK");
	rc = write_or_print(o, &out);
	if (rc != PGM_EXIT_OK)
		return rc;
	summary(steps, n, &proof, attention, findings);
	set_cancel(1, NULL);
	PQfinish(from);
	diff_cleanup();
	return attention ? PGM_EXIT_MANUAL : PGM_EXIT_OK;
}
