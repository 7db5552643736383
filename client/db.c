/*-------------------------------------------------------------------------
 *
 * db.c
 *	  Connections, queries, server errors and table output.
 *
 * Every query sends user text as a parameter ($1, ...), never spliced into
 * SQL.  Server errors are printed with their SQLSTATE, detail, hint and
 * context, as the server sent them.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgm.h"

PGconn *
pgm_connect(const char *conninfo)
{
	return pgm_connect_to(conninfo, NULL);
}

/*
 * Connect as conninfo says, but to database dbname when it is not NULL:
 * libpq expands only the first "dbname" as a connection string, and a
 * later plain "dbname" overrides the database it names (diff's scratch
 * databases are on the server the user named, never in its database).
 */
PGconn *
pgm_connect_to(const char *conninfo, const char *dbname)
{
	const char *keywords[] = {"dbname", "dbname", "fallback_application_name", "client_encoding", NULL};
	const char *values[] = {conninfo, dbname, "pg_migrate", "UTF8", NULL};
	PGconn	   *conn;

	conn = PQconnectdbParams(keywords, values, 1);
	if (conn == NULL)
		pgm_fatal(PGM_EXIT_CONNECT, "out of memory");
	if (PQstatus(conn) != CONNECTION_OK)
	{
		pgm_libpq_error("could not connect", PQerrorMessage(conn));
		pgm_hint("Connect with -d CONNINFO, DATABASE_URL or the PG* environment variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGSERVICE); passwords come from ~/.pgpass.");
		PQfinish(conn);
		exit(PGM_EXIT_CONNECT);
	}
	return conn;
}

/*
 * An error message that libpq wrote: printed as it is (less its final line
 * breaks), since its further lines are part of it ("Is the server
 * running ...?").  what, if any, is our own prefix, such as a file name,
 * and is escaped for display.
 */
void
pgm_libpq_error(const char *what, const char *msg)
{
	size_t		len = strlen(msg);
	char	   *shown = what ? pgm_escaped(what) : NULL;

	while (len > 0 && msg[len - 1] == '\n')
		len--;
	fflush(stdout);
	fprintf(stderr, "%s: error: %s%s%.*s\n", pgm_progname, shown ? shown : "",
			shown ? ": " : "", (int) len, msg);
	free(shown);
}

static void
print_field(const PGresult *res, int code, const char *label)
{
	const char *v = PQresultErrorField(res, code);

	if (v && v[0])
		fprintf(stderr, "%s:  %s\n", label, v);
}

void
pgm_report_result_error(const PGresult *res, const char *what)
{
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	fflush(stdout);
	if (primary == NULL)
	{
		pgm_libpq_error(what, PQresultErrorMessage(res));
		return;
	}

	/*
	 * The primary message is one line, and may echo ids and names: escaped
	 * like our own messages.  Detail, hint and context are shown as the
	 * server wrote them (a context has a line per level).
	 */
	if (what)
		pgm_error("%s: %s", what, primary);
	else
		pgm_error("%s", primary);
	print_field(res, PG_DIAG_MESSAGE_DETAIL, "DETAIL");
	print_field(res, PG_DIAG_MESSAGE_HINT, "HINT");
	print_field(res, PG_DIAG_CONTEXT, "CONTEXT");
	if (sqlstate && strcmp(sqlstate, "3F000") == 0 && strstr(primary, "\"migrate\""))
		fprintf(stderr, "HINT:  Is the extension installed in this database? Run CREATE EXTENSION pg_migrate as a superuser.\n");
	else if (sqlstate && strcmp(sqlstate, "42883") == 0 && strstr(primary, "migrate."))
		fprintf(stderr, "HINT:  The installed pg_migrate extension may be older than this client: ALTER EXTENSION pg_migrate UPDATE.\n");
	else if (sqlstate && strcmp(sqlstate, "42501") == 0 &&
			 PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) == NULL &&
			 (strstr(primary, "permission denied for schema migrate") ||
			  strstr(primary, "permission denied for function") ||
			  strstr(primary, "permission denied for procedure")))
		fprintf(stderr, "HINT:  This role has no access to pg_migrate; a superuser grants it per project with SELECT migrate.grant_deploy('ROLE', 'PROJECT') or migrate.grant_monitor('ROLE', 'PROJECT').\n");
	if (sqlstate)
		fprintf(stderr, "SQLSTATE:  %s\n", sqlstate);
}

PGresult *
pgm_query_try(PGconn *conn, const char *sql, int nparams,
			  const char *const *params)
{
	PGresult   *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	if (res)
	{
		pgm_report_result_error(res, NULL);
		PQclear(res);
	}
	else
		pgm_libpq_error(NULL, PQerrorMessage(conn));
	return NULL;
}

PGresult *
pgm_query(PGconn *conn, const char *sql, int nparams,
		  const char *const *params)
{
	PGresult   *res = pgm_query_try(conn, sql, nparams, params);

	if (res == NULL)
	{
		PQfinish(conn);
		exit(PGM_EXIT_SERVER);
	}
	return res;
}

/* Display width of UTF-8 text: one column per code point. */
static int
text_width(const char *s)
{
	int			w = 0;

	for (; *s; s++)
		if (((unsigned char) *s & 0xC0) != 0x80)
			w++;
	return w;
}

/*
 * Aligned columns with a header line, two blanks between columns and no
 * trailing blanks, for reading in a terminal.  cells holds nrows rows of
 * ncols display-ready strings.
 */
void
pgm_print_rows(int ncols, const char *const *names, int nrows,
			   char *const *cells)
{
	int		   *width = pgm_malloc((ncols + 1) * sizeof(int));
	int			r,
				c;

	for (c = 0; c < ncols; c++)
		width[c] = text_width(names[c]);
	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncols; c++)
		{
			int			w = text_width(cells[r * ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (r = -1; r < nrows; r++)
	{
		PQExpBufferData line;

		initPQExpBuffer(&line);
		for (c = 0; c < ncols; c++)
		{
			const char *v = r < 0 ? names[c] : cells[r * ncols + c];

			appendPQExpBufferStr(&line, v);
			if (c < ncols - 1)
			{
				int			pad = width[c] - text_width(v) + 2;

				while (pad-- > 0)
					appendPQExpBufferStr(&line, " ");
			}
		}
		while (line.len > 0 && line.data[line.len - 1] == ' ')
			line.data[--line.len] = '\0';
		puts(line.data);
		termPQExpBuffer(&line);
	}
	free(width);
}

/*
 * A cell for pgm_print_rows: NULL shows empty, line breaks and tabs show
 * as blanks, other control characters escaped (messages and role names
 * are anybody's text).
 */
char *
pgm_cell(const char *value)
{
	char	   *v;
	char	   *p;
	char	   *shown;

	if (value == NULL)
		return pgm_strdup("");
	v = pgm_strdup(value);
	for (p = v; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	shown = pgm_escaped(v);
	free(v);
	return shown;
}

/* A query result as a table (pgm_print_rows) */
void
pgm_print_table(const PGresult *res)
{
	int			nrows = PQntuples(res);
	int			ncols = PQnfields(res);
	const char **names = pgm_malloc((ncols + 1) * sizeof(char *));
	char	  **cells = pgm_malloc(((size_t) nrows * ncols + 1) * sizeof(char *));
	int			r,
				c;

	for (c = 0; c < ncols; c++)
		names[c] = PQfname(res, c);
	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncols; c++)
			cells[r * ncols + c] = pgm_cell(PQgetisnull(res, r, c) ? NULL :
											PQgetvalue(res, r, c));
	pgm_print_rows(ncols, names, nrows, cells);
	for (r = 0; r < nrows * ncols; r++)
		free(cells[r]);
	free(cells);
	free(names);
}

/* A text[] literal: every element double-quoted, with \ and " escaped. */
char *
pgm_array_literal(const PgmList *l)
{
	PQExpBufferData b;
	int			i;

	initPQExpBuffer(&b);
	appendPQExpBufferStr(&b, "{");
	for (i = 0; i < l->n; i++)
	{
		const char *p;

		if (i > 0)
			appendPQExpBufferStr(&b, ",");
		appendPQExpBufferStr(&b, "\"");
		for (p = l->items[i]; *p; p++)
		{
			if (*p == '"' || *p == '\\')
				appendBinaryPQExpBuffer(&b, "\\", 1);
			appendBinaryPQExpBuffer(&b, p, 1);
		}
		appendPQExpBufferStr(&b, "\"");
	}
	appendPQExpBufferStr(&b, "}");
	return pgm_buf_data(&b);
}

/* Parse a one-dimensional text[] output value ("{a,\"b c\"}"). */
void
pgm_parse_array(const char *value, PgmList *l)
{
	const char *p = value;
	PQExpBufferData item;

	if (p == NULL || *p != '{')
		return;
	p++;
	initPQExpBuffer(&item);
	while (*p && *p != '}')
	{
		item.len = 0;
		item.data[0] = '\0';
		if (*p == '"')
		{
			p++;
			while (*p && *p != '"')
			{
				if (*p == '\\' && p[1])
					p++;
				appendBinaryPQExpBuffer(&item, p, 1);
				p++;
			}
			if (*p == '"')
				p++;
		}
		else
		{
			while (*p && *p != ',' && *p != '}')
			{
				appendBinaryPQExpBuffer(&item, p, 1);
				p++;
			}
		}
		pgm_list_add(l, item.data);
		if (*p == ',')
			p++;
	}
	termPQExpBuffer(&item);
}
