/*-------------------------------------------------------------------------
 *
 * parse.c
 *	  Split migration scripts into statements with PostgreSQL's raw parser
 *	  and classify them.
 *
 * raw_parser() needs no catalog access, so a script can be checked at
 * registration even though it names objects that do not exist yet.  A
 * syntax error is reported against the script (not the outer query) with
 * the line it is on.
 *
 * A script is "nontransactional" when one of its statements is refused
 * inside a transaction block or function (CREATE INDEX CONCURRENTLY,
 * VACUUM, ...; see docs/postgres-facts.md).  The atomic path refuses such
 * revisions before running anything.  Transaction control and COPY from
 * or to the client cannot work in a migration at all and are refused at
 * registration.
 *
 * IDENTIFICATION
 *	  src/parse.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "commands/defrem.h"
#include "mb/pg_wchar.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"

#include "compat.h"
#include "parse.h"

typedef struct ScriptErrorArg
{
	const char *script;
	const char *revision;
	const char *which;
} ScriptErrorArg;

/* scripts longer than this are not echoed back in syntax errors */
#define MAX_ECHOED_SCRIPT 4096

static bool
option_true(List *options, const char *name, bool if_absent)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *opt = lfirst_node(DefElem, lc);

		if (strcmp(opt->defname, name) == 0)
			return defGetBoolean(opt);
	}
	return if_absent;
}

/*
 * Would PostgreSQL refuse this statement inside a transaction block or a
 * function?  Returns the statement's name for messages, or NULL.
 */
const char *
pgm_statement_nontransactional(Node *stmt)
{
	switch (nodeTag(stmt))
	{
		case T_IndexStmt:
			return ((IndexStmt *) stmt)->concurrent ? "CREATE INDEX CONCURRENTLY" : NULL;
		case T_DropStmt:
			return ((DropStmt *) stmt)->concurrent ? "DROP INDEX CONCURRENTLY" : NULL;
		case T_ReindexStmt:
			{
				ReindexStmt *r = (ReindexStmt *) stmt;

				if (option_true(r->params, "concurrently", false))
					return "REINDEX CONCURRENTLY";
				if (r->kind == REINDEX_OBJECT_DATABASE ||
					r->kind == REINDEX_OBJECT_SYSTEM ||
					r->kind == REINDEX_OBJECT_SCHEMA)
					return "REINDEX SCHEMA/DATABASE/SYSTEM";
				return NULL;
			}
		case T_VacuumStmt:
			return ((VacuumStmt *) stmt)->is_vacuumcmd ? "VACUUM" : NULL;
		case T_ClusterStmt:
			return ((ClusterStmt *) stmt)->relation == NULL ? "CLUSTER" : NULL;
		case T_CreatedbStmt:
			return "CREATE DATABASE";
		case T_DropdbStmt:
			return "DROP DATABASE";
		case T_CreateTableSpaceStmt:
			return "CREATE TABLESPACE";
		case T_DropTableSpaceStmt:
			return "DROP TABLESPACE";
		case T_AlterSystemStmt:
			return "ALTER SYSTEM";
		case T_DiscardStmt:
			return ((DiscardStmt *) stmt)->target == DISCARD_ALL ? "DISCARD ALL" : NULL;
		case T_AlterDatabaseStmt:
			{
				ListCell   *lc;

				foreach(lc, ((AlterDatabaseStmt *) stmt)->options)
					if (strcmp(lfirst_node(DefElem, lc)->defname, "tablespace") == 0)
						return "ALTER DATABASE SET TABLESPACE";
				return NULL;
			}
		case T_CreateSubscriptionStmt:
			{
				CreateSubscriptionStmt *s = (CreateSubscriptionStmt *) stmt;

				if (option_true(s->options, "connect", true) &&
					option_true(s->options, "create_slot", true))
					return "CREATE SUBSCRIPTION";
				return NULL;
			}
		case T_AlterTableStmt:
			{
				ListCell   *lc;

				foreach(lc, ((AlterTableStmt *) stmt)->cmds)
				{
					AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

					if (cmd->subtype == AT_DetachPartition &&
						((PartitionCmd *) cmd->def)->concurrent)
						return "ALTER TABLE DETACH PARTITION CONCURRENTLY";
				}
				return NULL;
			}
		default:
			return NULL;
	}
}

/*
 * Is this statement preceded by the batch directive?  Only an INSERT,
 * UPDATE or DELETE can run in batches: anything else is refused, pointing
 * at the directive's line.
 */
static bool
batch_directive(const char *script, RawStmt *raw, int n, const char *which,
				const char *revision)
{
	int			len = raw->stmt_len > 0 ? raw->stmt_len :
		(int) strlen(script + raw->stmt_location);
	int			marker = pgm_batch_marker(script, raw->stmt_location, len);

	if (marker < 0)
		return false;
	if (!IsA(raw->stmt, InsertStmt) && !IsA(raw->stmt, UpdateStmt) &&
		!IsA(raw->stmt, DeleteStmt))
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("\"%s\" before statement %d of the %s script of revision \"%s\", which is not an INSERT, UPDATE or DELETE",
						PGM_BATCH_MARKER, n, which, revision),
				 errdetail("A batched statement runs again and again, each run in a transaction of its own, until it affects no rows."),
				 errhint("Put the line directly before an INSERT, UPDATE or DELETE that works through a limited number of rows per run."),
				 errposition(pg_mbstrlen_with_len(script, marker) + 1)));
	return true;
}

/* 1-based line of a 1-based character position */
static int
line_of_position(const char *script, int position)
{
	int			line = 1;
	int			chars = 1;
	const char *p = script;

	while (*p && chars < position)
	{
		if (*p == '\n')
			line++;
		p += pg_mblen(p);
		chars++;
	}
	return line;
}

static void
script_error_callback(void *arg)
{
	ScriptErrorArg *a = (ScriptErrorArg *) arg;
	int			position = geterrposition();

	if (position > 0)
	{
		errposition(0);
		if (strlen(a->script) <= MAX_ECHOED_SCRIPT)
		{
			internalerrposition(position);
			internalerrquery(a->script);
		}
		errcontext("%s script of revision \"%s\", line %d",
				   a->which, a->revision,
				   line_of_position(a->script, position));
	}
	else
		errcontext("%s script of revision \"%s\"", a->which, a->revision);
}

/* Errors from here on name the script and the line (script_error_callback). */
static void
push_script_context(ErrorContextCallback *errcallback, ScriptErrorArg *arg,
					const char *script, const char *revision, const char *which)
{
	arg->script = script;
	arg->revision = revision;
	arg->which = which;
	errcallback->callback = script_error_callback;
	errcallback->arg = arg;
	errcallback->previous = error_context_stack;
	error_context_stack = errcallback;
}

/*
 * The raw parse trees of a script (a List of RawStmt), split as psql and
 * the run will: with standard_conforming_strings on, whatever the session
 * says.  Under "off", 'x\'; \! cmd ...' would be one string here but a
 * string and a psql command in script() output.  A syntax error names the
 * script and the line.
 */
List *
pgm_parse_raw(const char *script, const char *revision, const char *which)
{
	ErrorContextCallback errcallback;
	ScriptErrorArg arg;
	List	   *stmts;
	bool		saved = standard_conforming_strings;

	push_script_context(&errcallback, &arg, script, revision, which);
	standard_conforming_strings = true;
	PG_TRY();
	{
		stmts = pgm_raw_parser(script);
	}
	PG_FINALLY();
	{
		standard_conforming_strings = saved;
	}
	PG_END_TRY();
	error_context_stack = errcallback.previous;
	return stmts;
}

/*
 * Parse a script: count its statements, find its execution class, and
 * (when keep_statements) return the text of each statement.
 */
void
pgm_parse_script(const char *script, const char *revision, const char *which,
				 bool keep_statements, PgmScriptInfo *info)
{
	ErrorContextCallback errcallback;
	ScriptErrorArg arg;
	List	   *stmts;
	ListCell   *lc;
	int			n = 0;

	stmts = pgm_parse_raw(script, revision, which);
	push_script_context(&errcallback, &arg, script, revision, which);

	info->nstatements = 0;
	info->exec_class = PGM_EXEC_TRANSACTIONAL;
	info->statements = NIL;
	info->batch = palloc0(sizeof(bool) * Max(list_length(stmts), 1));
	info->has_batch = false;
	info->starts = palloc0(sizeof(int) * Max(list_length(stmts), 1));
	info->lens = palloc0(sizeof(int) * Max(list_length(stmts), 1));
	foreach(lc, stmts)
	{
		RawStmt    *raw = lfirst_node(RawStmt, lc);
		Node	   *stmt = raw->stmt;
		const char *what;

		CHECK_FOR_INTERRUPTS();
		n++;
		info->starts[n - 1] = raw->stmt_location;
		info->lens[n - 1] = raw->stmt_len > 0 ? raw->stmt_len :
			(int) strlen(script + raw->stmt_location);
		if (batch_directive(script, raw, n, which, revision))
		{
			info->batch[n - 1] = true;
			info->has_batch = true;
			info->exec_class = PGM_EXEC_NONTRANSACTIONAL;
		}
		if (IsA(stmt, TransactionStmt))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("%s script of revision \"%s\" contains transaction control (statement %d)",
							which, revision, n),
					 errdetail("Every revision runs inside a transaction that pg_migrate manages."),
					 errhint("Remove BEGIN, COMMIT, ROLLBACK and similar statements from the script.")));
		if (IsA(stmt, CopyStmt) && ((CopyStmt *) stmt)->filename == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("%s script of revision \"%s\" uses COPY with the client (statement %d)",
							which, revision, n),
					 errdetail("A migration runs inside the server, where there is no client to copy from or to."),
					 errhint("Use INSERT statements, or COPY from a server-side file.")));
		what = pgm_statement_nontransactional(stmt);
		if (what != NULL)
			info->exec_class = PGM_EXEC_NONTRANSACTIONAL;
		if (keep_statements)
		{
			const char *start = script + raw->stmt_location;
			int			len = raw->stmt_len > 0 ? raw->stmt_len : (int) strlen(start);

			/* the text runs from the previous semicolon: skip blanks */
			while (len > 0 && isspace((unsigned char) *start))
			{
				start++;
				len--;
			}
			info->statements = lappend(info->statements, pnstrdup(start, len));
		}
	}
	info->nstatements = n;

	/*
	 * A directive between statements (before an empty one, or after the
	 * last) has nothing to batch.
	 */
	{
		int			from = 0;
		int			i;

		for (i = 0; i <= n; i++)
		{
			int			to = i < n ? info->starts[i] : (int) strlen(script);
			int			marker = pgm_batch_marker_between(script, from, to - from);

			if (to > from && marker >= 0)
				ereport(ERROR,
						(errcode(ERRCODE_SYNTAX_ERROR),
						 errmsg("\"%s\" line with no statement after it", PGM_BATCH_MARKER),
						 errhint("Put the line directly before the INSERT, UPDATE or DELETE to run in batches."),
						 errposition(pg_mbstrlen_with_len(script, marker) + 1)));
			if (i < n)
				from = info->starts[i] + info->lens[i];
		}
	}

	error_context_stack = errcallback.previous;
}
