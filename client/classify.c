/*-------------------------------------------------------------------------
 *
 * classify.c
 *	  Count and classify a script's statements without a database, with
 *	  PostgreSQL's own parser (libpg_query), for the offline commands.
 *
 * The server classifies scripts at registration (src/parse.c); offline,
 * plan and script need the same two facts for files that were never
 * pushed: how many statements a script has and whether one of them
 * cannot run inside a transaction block.  libpg_query is PostgreSQL 15's
 * parser packaged for frontend code; its parse tree arrives as JSON, in
 * which fields holding their default (false, 0, NULL) are left out.  The
 * rules below are the server's, node by node.
 *
 * libpg_query carries its own copies of backend functions (palloc, ...),
 * which would clash with libpgcommon's: the Makefile links it as one
 * object in which only the pg_query_* functions stay global.
 *
 * IDENTIFICATION
 *	  client/classify.c
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "pgq.h"
#include "mb/pg_wchar.h"

/*
 * pg_query.h names the version of the parser it bundles with PostgreSQL's
 * own macros; the server headers' definitions give way to it here.
 */
#undef PG_VERSION
#undef PG_VERSION_NUM
#include <pg_query.h>

/*
 * The rules below read at most about a dozen levels into the tree (a
 * statement, its options, an option's argument).  Deeper values, such as
 * a long chain of a + b + c + ..., are skipped without recursion and read
 * as null, so that no script can exhaust the stack.
 */
#define JSON_MAX_DEPTH 32


static void
skip_blanks(JsonParser *jp)
{
	while (*jp->p == ' ' || *jp->p == '\n' || *jp->p == '\t' || *jp->p == '\r')
		jp->p++;
}

static char *
json_string(JsonParser *jp)
{
	PQExpBufferData b;

	initPQExpBuffer(&b);
	jp->p++;					/* the opening quote */
	while (*jp->p && *jp->p != '"')
	{
		if (*jp->p == '\\' && jp->p[1])
		{
			char		c = jp->p[1];

			jp->p += 2;
			switch (c)
			{
				case 'n':
					appendPQExpBufferStr(&b, "\n");
					break;
				case 't':
					appendPQExpBufferStr(&b, "\t");
					break;
				case 'r':
					appendPQExpBufferStr(&b, "\r");
					break;
				case 'b':
				case 'f':
					break;
				case 'u':
					/* only names are compared: keep a placeholder */
					if (strnlen(jp->p, 4) == 4)
						jp->p += 4;
					appendPQExpBufferStr(&b, "?");
					break;
				default:
					appendBinaryPQExpBuffer(&b, &c, 1);
			}
			continue;
		}
		appendBinaryPQExpBuffer(&b, jp->p, 1);
		jp->p++;
	}
	if (*jp->p == '"')
		jp->p++;
	else
		jp->failed = true;
	return pgm_buf_data(&b);
}

static void
json_add(Json *v, char *key, Json *item)
{
	if (v->n == v->space)
	{
		v->space = v->space == 0 ? 8 : v->space * 2;
		v->items = pgm_realloc(v->items, v->space * sizeof(Json *));
		v->keys = pgm_realloc(v->keys, v->space * sizeof(char *));
	}
	v->items[v->n] = item;
	v->keys[v->n] = key;
	v->n++;
}

/*
 * Skip an object or array without building it: brackets are counted, and
 * strings are stepped over so that brackets inside them do not count.
 */
static void
json_skip_nested(JsonParser *jp)
{
	long		open = 0;

	do
	{
		if (*jp->p == '\0')
		{
			jp->failed = true;
			return;
		}
		if (*jp->p == '"')
		{
			jp->p++;
			while (*jp->p && *jp->p != '"')
				jp->p += (*jp->p == '\\' && jp->p[1]) ? 2 : 1;
			if (*jp->p == '\0')
			{
				jp->failed = true;
				return;
			}
		}
		else if (*jp->p == '{' || *jp->p == '[')
			open++;
		else if (*jp->p == '}' || *jp->p == ']')
			open--;
		jp->p++;
	} while (open > 0);
}

Json *
json_value(JsonParser *jp)
{
	Json	   *v = pgm_malloc(sizeof(Json));

	memset(v, 0, sizeof(Json));
	skip_blanks(jp);
	if ((*jp->p == '{' || *jp->p == '[') && jp->depth >= JSON_MAX_DEPTH)
	{
		const char *start = jp->p;

		/* kept as text: the linter looks for function calls in it */
		json_skip_nested(jp);
		if (!jp->failed)
		{
			v->kind = JSON_RAW;
			v->string = pgm_malloc(jp->p - start + 1);
			memcpy(v->string, start, jp->p - start);
			v->string[jp->p - start] = '\0';
		}
	}
	else if (*jp->p == '{' || *jp->p == '[')
	{
		char		close = *jp->p == '{' ? '}' : ']';

		v->kind = close == '}' ? JSON_OBJECT : JSON_ARRAY;
		jp->depth++;
		jp->p++;
		skip_blanks(jp);
		while (!jp->failed && *jp->p && *jp->p != close)
		{
			char	   *key = NULL;

			if (v->kind == JSON_OBJECT)
			{
				if (*jp->p != '"')
				{
					jp->failed = true;
					break;
				}
				key = json_string(jp);
				skip_blanks(jp);
				if (*jp->p != ':')
				{
					free(key);
					jp->failed = true;
					break;
				}
				jp->p++;
			}
			json_add(v, key, json_value(jp));
			skip_blanks(jp);
			if (*jp->p == ',')
			{
				jp->p++;
				skip_blanks(jp);
			}
			else if (*jp->p != close)
				jp->failed = true;
		}
		if (!jp->failed && *jp->p == close)
			jp->p++;
		else
			jp->failed = true;
		jp->depth--;
	}
	else if (*jp->p == '"')
	{
		v->kind = JSON_STRING;
		v->string = json_string(jp);
	}
	else if (strncmp(jp->p, "true", 4) == 0 || strncmp(jp->p, "false", 5) == 0)
	{
		v->kind = JSON_BOOL;
		v->boolean = jp->p[0] == 't';
		jp->p += v->boolean ? 4 : 5;
	}
	else if (strncmp(jp->p, "null", 4) == 0)
		jp->p += 4;
	else if (*jp->p == '-' || isdigit((unsigned char) *jp->p))
	{
		char	   *end;

		v->kind = JSON_NUMBER;
		v->number = strtol(jp->p, &end, 10);
		jp->p = end;
		/* a fraction or exponent: skipped, only integers are compared */
		while (*jp->p && strchr(".eE+-0123456789", *jp->p))
			jp->p++;
	}
	else
		jp->failed = true;
	return v;
}

void
json_free(Json *v)
{
	int			i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++)
	{
		free(v->keys[i]);
		json_free(v->items[i]);
	}
	free(v->keys);
	free(v->items);
	free(v->string);
	free(v);
}

/* a member of an object, or NULL */
const Json *
json_get(const Json *v, const char *key)
{
	int			i;

	if (v == NULL || v->kind != JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return v->items[i];
	return NULL;
}

/* a boolean field; left out means false */
bool
json_get_bool(const Json *v, const char *key)
{
	const Json *f = json_get(v, key);

	return f != NULL && f->kind == JSON_BOOL && f->boolean;
}

const char *
json_get_str(const Json *v, const char *key)
{
	const Json *f = json_get(v, key);

	return f != NULL && f->kind == JSON_STRING ? f->string : NULL;
}

/*
 * A node {"Type": {...}}: its type name, and its fields through *fields.
 */
const char *
json_node_type(const Json *v, const Json **fields)
{
	if (v == NULL || v->kind != JSON_OBJECT || v->n != 1)
		return NULL;
	*fields = v->items[0];
	return v->keys[0];
}

/*
 * The value of a boolean option (a DefElem), as the server's
 * defGetBoolean() reads it: no argument is true, an integer is 0 or 1, a
 * word is true/false/on/off.  Anything else counts as true, the reading
 * under which the server refuses the statement or runs it outside a
 * transaction; it would reject a wrong value anyway.
 */
static bool
defelem_bool(const Json *def)
{
	const Json *arg = json_get(def, "arg");
	const Json *f;
	const char *type = json_node_type(arg, &f);

	if (type == NULL)
		return true;
	if (strcmp(type, "Integer") == 0)
		return json_get(f, "ival") != NULL && json_get(f, "ival")->number != 0;
	if (strcmp(type, "Boolean") == 0)
		return json_get_bool(f, "boolval");
	if (strcmp(type, "String") == 0 && json_get_str(f, "sval"))
	{
		const char *s = json_get_str(f, "sval");

		return !(strcasecmp(s, "false") == 0 || strcasecmp(s, "off") == 0);
	}
	return true;
}

/* the option named name in a list of DefElem, or if_absent */
bool
pgq_option_true(const Json *options, const char *name, bool if_absent)
{
	int			i;

	if (options == NULL || options->kind != JSON_ARRAY)
		return if_absent;
	for (i = 0; i < options->n; i++)
	{
		const Json *def;
		const char *type = json_node_type(options->items[i], &def);

		if (type && strcmp(type, "DefElem") == 0 &&
			json_get_str(def, "defname") && strcmp(json_get_str(def, "defname"), name) == 0)
			return defelem_bool(def);
	}
	return if_absent;
}

/* src/parse.c's nontransactional_statement(), on the JSON tree */
static bool
nontransactional(const char *type, const Json *s)
{
	static const char *const always[] = {
		"CreatedbStmt", "DropdbStmt", "CreateTableSpaceStmt",
		"DropTableSpaceStmt", "AlterSystemStmt", NULL
	};
	int			i;

	for (i = 0; always[i]; i++)
		if (strcmp(type, always[i]) == 0)
			return true;
	if (strcmp(type, "IndexStmt") == 0 || strcmp(type, "DropStmt") == 0)
		return json_get_bool(s, "concurrent");
	if (strcmp(type, "ReindexStmt") == 0)
	{
		const char *kind = json_get_str(s, "kind");

		return pgq_option_true(json_get(s, "params"), "concurrently", false) ||
			(kind && (strcmp(kind, "REINDEX_OBJECT_DATABASE") == 0 ||
					  strcmp(kind, "REINDEX_OBJECT_SYSTEM") == 0 ||
					  strcmp(kind, "REINDEX_OBJECT_SCHEMA") == 0));
	}
	if (strcmp(type, "VacuumStmt") == 0)
		return json_get_bool(s, "is_vacuumcmd");
	if (strcmp(type, "ClusterStmt") == 0)
		return json_get(s, "relation") == NULL;
	if (strcmp(type, "DiscardStmt") == 0)
		return json_get_str(s, "target") && strcmp(json_get_str(s, "target"), "DISCARD_ALL") == 0;
	if (strcmp(type, "AlterDatabaseStmt") == 0)
	{
		const Json *options = json_get(s, "options");

		for (i = 0; options && options->kind == JSON_ARRAY && i < options->n; i++)
		{
			const Json *def;
			const char *t = json_node_type(options->items[i], &def);

			if (t && strcmp(t, "DefElem") == 0 && json_get_str(def, "defname") &&
				strcmp(json_get_str(def, "defname"), "tablespace") == 0)
				return true;
		}
		return false;
	}
	if (strcmp(type, "CreateSubscriptionStmt") == 0)
		return pgq_option_true(json_get(s, "options"), "connect", true) &&
			pgq_option_true(json_get(s, "options"), "create_slot", true);
	if (strcmp(type, "AlterTableStmt") == 0)
	{
		const Json *cmds = json_get(s, "cmds");

		for (i = 0; cmds && cmds->kind == JSON_ARRAY && i < cmds->n; i++)
		{
			const Json *cmd;
			const Json *part;
			const char *t = json_node_type(cmds->items[i], &cmd);
			const char *sub = t ? json_get_str(cmd, "subtype") : NULL;

			if (sub && strcmp(sub, "AT_DetachPartition") == 0 &&
				json_node_type(json_get(cmd, "def"), &part) &&
				json_get_bool(part, "concurrent"))
				return true;
		}
		return false;
	}
	return false;
}

/*
 * 1-based line of a 1-based character position, as the parser reports an
 * error's place (it counts characters, and reads scripts as UTF-8).
 */
int
pgq_line_of(const char *script, int position)
{
	const unsigned char *p = (const unsigned char *) script;
	int			line = 1;
	int			i;

	for (i = 0; i < position - 1 && *p; i++)
	{
		int			len = pg_utf_mblen(p);

		if (*p == '\n')
			line++;
		/* a sequence cut short by the end of the text ends the count */
		if (strnlen((const char *) p, len) < (size_t) len)
			break;
		p += len;
	}
	return line;
}

/* set when batch_directive() refused a directive */
static bool batch_refused = false;

/* a statement's place in the script: RawStmt's stmt_location and stmt_len */
void
pgq_statement_range(int total, const Json *raw, int *start, int *len)
{
	const Json *loc = json_get(raw, "stmt_location");
	const Json *slen = json_get(raw, "stmt_len");

	*start = loc && loc->kind == JSON_NUMBER ? (int) loc->number : 0;
	if (*start < 0 || *start > total)
		*start = total;
	*len = slen && slen->kind == JSON_NUMBER && slen->number > 0 ?
		(int) slen->number : total - *start;
	if (*len > total - *start)
		*len = total - *start;
}

/* characters before byte offset bytes, as the parser counts positions */
static int
chars_before(const char *script, int bytes)
{
	const unsigned char *p = (const unsigned char *) script;
	int			chars = 0;
	int			i = 0;

	while (i < bytes && p[i])
	{
		i += pg_utf_mblen(p + i);
		chars++;
	}
	return chars;
}

/*
 * The server's rule for "-- migrate:batch" (src/parse.c): it may stand
 * only before an INSERT, UPDATE or DELETE.  True when this statement is
 * batched; a refusal is printed and sets batch_refused.
 */
static bool
batch_directive(const char *script, int total, const Json *raw, const char *type,
				const char *which, const char *revision, int n)
{
	int			start;
	int			len;
	int			marker;

	batch_refused = false;
	pgq_statement_range(total, raw, &start, &len);
	marker = pgm_batch_marker(script, start, len);
	if (marker < 0)
		return false;
	if (type && (strcmp(type, "InsertStmt") == 0 || strcmp(type, "UpdateStmt") == 0 ||
				 strcmp(type, "DeleteStmt") == 0))
		return true;
	pgm_error("\"%s\" before statement %d of the %s script of revision \"%s\", which is not an INSERT, UPDATE or DELETE",
			  PGM_BATCH_MARKER, n, which, revision);
	pgm_detail("A batched statement runs again and again, each run in a transaction of its own, until it affects no rows.");
	pgm_hint("Put the line directly before an INSERT, UPDATE or DELETE that works through a limited number of rows per run.");
	fprintf(stderr, "CONTEXT:  %s script of revision \"%s\", line %d\n", which, revision,
			pgq_line_of(script, chars_before(script, marker) + 1));
	batch_refused = true;
	return false;
}

/*
 * A directive between statements (before an empty one, or after the last)
 * has nothing to batch: the server refuses it too.
 */
static bool
batch_gaps_ok(const char *script, int total, const Json *stmts, const char *which,
			  const char *revision)
{
	int			from = 0;
	int			i;

	for (i = 0; i <= stmts->n; i++)
	{
		int			start = total;
		int			len = 0;
		int			marker;

		if (i < stmts->n)
			pgq_statement_range(total, stmts->items[i], &start, &len);
		marker = start > from ? pgm_batch_marker_between(script, from, start - from) : -1;
		if (marker >= 0)
		{
			pgm_error("\"%s\" line with no statement after it", PGM_BATCH_MARKER);
			pgm_hint("Put the line directly before the INSERT, UPDATE or DELETE to run in batches.");
			fprintf(stderr, "CONTEXT:  %s script of revision \"%s\", line %d\n", which, revision,
					pgq_line_of(script, chars_before(script, marker) + 1));
			return false;
		}
		from = start + len;
	}
	return true;
}

/*
 * Count and classify one script of a revision, refusing what the server
 * refuses at registration (syntax errors, transaction control, COPY with
 * the client).  Returns false after printing an error.
 */
bool
pgm_classify_script(const char *script, const char *revision,
					const char *which, PgmExecClass *cls, int *nstatements)
{
	PgQueryParseResult result = pg_query_parse(script);
	JsonParser	jp;
	Json	   *tree;
	const Json *stmts;
	bool		ok = true;
	int			total = (int) strlen(script);
	int			i;

	*cls = PGM_EXEC_TRANSACTIONAL;
	*nstatements = 0;
	if (result.error)
	{
		pgm_error("%s", result.error->message);
		if (result.error->cursorpos > 0)
			fprintf(stderr, "CONTEXT:  %s script of revision \"%s\", line %d\n",
					which, revision, pgq_line_of(script, result.error->cursorpos));
		pg_query_free_parse_result(result);
		return false;
	}
	if (result.parse_tree == NULL)
	{
		pgm_error("could not parse the %s script of revision \"%s\": out of memory",
				  which, revision);
		pg_query_free_parse_result(result);
		return false;
	}
	jp.p = result.parse_tree;
	jp.depth = 0;
	jp.failed = false;
	tree = json_value(&jp);
	stmts = json_get(tree, "stmts");
	if (jp.failed || stmts == NULL || stmts->kind != JSON_ARRAY)
	{
		pgm_error("could not read the parse tree of the %s script of revision \"%s\"",
				  which, revision);
		ok = false;
	}
	for (i = 0; ok && i < stmts->n; i++)
	{
		const Json *s;
		const char *type = json_node_type(json_get(stmts->items[i], "stmt"), &s);

		if (type == NULL)
			continue;
		if (strcmp(type, "TransactionStmt") == 0)
		{
			pgm_error("%s script of revision \"%s\" contains transaction control (statement %d)",
					  which, revision, i + 1);
			pgm_detail("Every revision runs inside a transaction that pg_migrate manages.");
			pgm_hint("Remove BEGIN, COMMIT, ROLLBACK and similar statements from the script.");
			ok = false;
		}
		else if (strcmp(type, "CopyStmt") == 0 && json_get(s, "filename") == NULL)
		{
			pgm_error("%s script of revision \"%s\" uses COPY with the client (statement %d)",
					  which, revision, i + 1);
			pgm_detail("A migration runs inside the server, where there is no client to copy from or to.");
			pgm_hint("Use INSERT statements, or COPY from a server-side file.");
			ok = false;
		}
		else if (nontransactional(type, s))
			*cls = PGM_EXEC_NONTRANSACTIONAL;
		if (ok && batch_directive(script, total, stmts->items[i], type, which, revision, i + 1))
			*cls = PGM_EXEC_NONTRANSACTIONAL;
		else if (ok && batch_refused)
			ok = false;
	}
	if (ok && !batch_gaps_ok(script, total, stmts, which, revision))
		ok = false;
	if (ok)
		*nstatements = stmts->n;
	json_free(tree);
	pg_query_free_parse_result(result);
	return ok;
}

/*
 * The parse tree of a script as JSON (the root object, with "stmts"), or
 * NULL with the parser's message in *error and the line in *error_line (0:
 * none).  The tree is freed with json_free().
 */
Json *
pgq_parse(const char *script, char **error, int *error_line)
{
	PgQueryParseResult result = pg_query_parse(script);
	JsonParser	jp;
	Json	   *tree = NULL;
	const Json *stmts;

	*error = NULL;
	*error_line = 0;
	if (result.error)
	{
		*error = pgm_strdup(result.error->message);
		if (result.error->cursorpos > 0)
			*error_line = pgq_line_of(script, result.error->cursorpos);
	}
	else if (result.parse_tree == NULL)
		*error = pgm_strdup("out of memory while parsing");
	else
	{
		jp.p = result.parse_tree;
		jp.depth = 0;
		jp.failed = false;
		tree = json_value(&jp);
		stmts = json_get(tree, "stmts");
		/* an empty script has no "stmts" */
		if (jp.failed || (stmts != NULL && stmts->kind != JSON_ARRAY))
		{
			json_free(tree);
			tree = NULL;
			*error = pgm_strdup("could not read the parse tree");
		}
	}
	pg_query_free_parse_result(result);
	return tree;
}

/*
 * The byte ranges of a script's batched statements, for the offline script
 * (src/core/script.c turns them into loops).  The script was classified
 * before, so it parses; *n is 0 when it has none.
 */
void
pgm_batch_ranges(const char *script, int **starts, int **lens, int *n)
{
	PgQueryParseResult result = pg_query_parse(script);
	JsonParser	jp;
	Json	   *tree = NULL;
	const Json *stmts;
	int			total = (int) strlen(script);
	int			i;

	*n = 0;
	*starts = NULL;
	*lens = NULL;
	if (result.error == NULL && result.parse_tree != NULL)
	{
		jp.p = result.parse_tree;
		jp.depth = 0;
		jp.failed = false;
		tree = json_value(&jp);
		stmts = json_get(tree, "stmts");
		if (!jp.failed && stmts && stmts->kind == JSON_ARRAY)
		{
			*starts = pgm_malloc((stmts->n + 1) * sizeof(int));
			*lens = pgm_malloc((stmts->n + 1) * sizeof(int));
			for (i = 0; i < stmts->n; i++)
			{
				int			start;
				int			len;

				pgq_statement_range(total, stmts->items[i], &start, &len);
				if (pgm_batch_marker(script, start, len) >= 0)
				{
					(*starts)[*n] = start;
					(*lens)[*n] = len;
					(*n)++;
				}
			}
		}
		json_free(tree);
	}
	pg_query_free_parse_result(result);
}
