/*-------------------------------------------------------------------------
 *
 * lint_extract.c
 *	  The client's half of the linter: libpg_query's parse tree (JSON) of a
 *	  script turned into the facts the shared rules read (src/core/lint.c).
 *
 * This is src/lint.c's statement_facts() node by node, on the JSON form
 * of the same parse tree: fields holding their default (false, 0, NULL)
 * are left out, enums are their names, and a field declared as a
 * particular node type (a RangeVar, a TypeName) is not wrapped in
 * {"Type": ...} while a generic one is.  migrate.lint(..., catalog =>
 * false) must find exactly what this finds; the lint corpus test checks
 * that for every file.
 *
 * IDENTIFICATION
 *	  client/lint_extract.c
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "cmd.h"
#include "pgq.h"

/* the version macros of pg_query.h replace the server headers' (as in classify.c) */
#undef PG_VERSION
#undef PG_VERSION_NUM
#include <pg_query.h>

static bool
str_is(const char *s, const char *value)
{
	return s != NULL && strcmp(s, value) == 0;
}

static char *
str_or_null(const char *s)
{
	return s ? pstrdup(s) : NULL;
}

static const Json *
array(const Json *v, const char *key)
{
	const Json *a = json_get(v, key);

	return a && a->kind == JSON_ARRAY ? a : NULL;
}

static int
length(const Json *a)
{
	return a ? a->n : 0;
}

/* the fields of a wrapped node of the given type, or NULL */
static const Json *
node_of(const Json *v, const char *type)
{
	const Json *fields;
	const char *t = json_node_type(v, &fields);

	return str_is(t, type) ? fields : NULL;
}

static const char *
string_value(const Json *v)
{
	return json_get_str(node_of(v, "String"), "sval");
}

/* a table's name as written; a temporary one's schema is pg_temp */
static PgmLintName
rv_name(const Json *rv)
{
	PgmLintName n;

	n.schema = str_or_null(json_get_str(rv, "schemaname"));
	n.name = str_or_null(json_get_str(rv, "relname"));
	if (n.schema == NULL && str_is(json_get_str(rv, "relpersistence"), "t"))
		n.schema = pstrdup("pg_temp");
	return n;
}

/* a qualified name given as an array of String (schema, name) */
static PgmLintName
list_name(const Json *names)
{
	PgmLintName n = {NULL, NULL};
	int			len = length(names);

	if (len >= 1 && string_value(names->items[len - 1]))
		n.name = pstrdup(string_value(names->items[len - 1]));
	if (len >= 2 && string_value(names->items[len - 2]))
		n.schema = pstrdup(string_value(names->items[len - 2]));
	return n;
}

/* an integer A_Const's value, or PGM_LINT_NOT_CONSTANT */
static int
int_const(const Json *v)
{
	const Json *c = node_of(v, "A_Const");
	const Json *ival;
	const Json *num;

	if (c == NULL || json_get_bool(c, "isnull"))
		return PGM_LINT_NOT_CONSTANT;
	ival = json_get(c, "ival");
	if (ival == NULL || ival->kind != JSON_OBJECT)
		return PGM_LINT_NOT_CONSTANT;
	num = json_get(ival, "ival");
	return num && num->kind == JSON_NUMBER ? (int) num->number : 0;
}

static PgmLintType
type_of(const Json *tn)
{
	PgmLintType t;
	const Json *mods = array(tn, "typmods");
	int			i;

	memset(&t, 0, sizeof(t));
	if (tn == NULL)
		return t;
	if (array(tn, "names"))
	{
		PgmLintName n = list_name(array(tn, "names"));

		t.schema = n.schema;
		t.name = n.name;
	}
	t.array = array(tn, "arrayBounds") != NULL;
	for (i = 0; i < length(mods) && t.ntypmods < 2; i++)
		t.typmods[t.ntypmods++] = int_const(mods->items[i]);
	return t;
}

/* one more function the default calls, by its "funcname" array */
static void
add_func(PgmLintColumn *col, const Json *funcname)
{
	col->funcs = col->nfuncs == 0 ? palloc(sizeof(PgmLintName) * 4) :
		repalloc(col->funcs, sizeof(PgmLintName) * (col->nfuncs + 4));
	col->funcs[col->nfuncs++] = list_name(funcname);
}

/*
 * The function calls in a part of the tree nested too deep to be read
 * (JSON_RAW, libpg_query's compact JSON): the "funcname" array that opens
 * each "FuncCall" object, read as JSON on its own.
 */
static void
collect_raw_funcs(const char *text, PgmLintColumn *col)
{
	static const char key[] = "{\"FuncCall\":{\"funcname\":";
	const char *p = text;

	while ((p = strstr(p, key)) != NULL)
	{
		JsonParser	jp;
		Json	   *names;

		jp.p = p + strlen(key);
		jp.depth = 0;
		jp.failed = false;
		names = json_value(&jp);
		if (!jp.failed && names->kind == JSON_ARRAY)
			add_func(col, names);
		json_free(names);
		p += strlen(key);
	}
}

/* the functions an expression calls: every FuncCall in it */
static void
collect_funcs(const Json *v, PgmLintColumn *col)
{
	int			i;

	if (v != NULL && v->kind == JSON_RAW)
	{
		collect_raw_funcs(v->string, col);
		return;
	}
	if (v == NULL || (v->kind != JSON_OBJECT && v->kind != JSON_ARRAY))
		return;
	for (i = 0; i < v->n; i++)
	{
		if (v->kind == JSON_OBJECT && strcmp(v->keys[i], "FuncCall") == 0)
			add_func(col, array(v->items[i], "funcname"));
		collect_funcs(v->items[i], col);
	}
}

/* USING column or USING column::type (src/lint.c's using_is_column()) */
static bool
using_is_column(const Json *expr, const char *column)
{
	const Json *cast = node_of(expr, "TypeCast");
	const Json *fields;

	if (cast)
		expr = json_get(cast, "arg");
	fields = array(node_of(expr, "ColumnRef"), "fields");
	return column != NULL && length(fields) == 1 && string_value(fields->items[0]) &&
		strcmp(string_value(fields->items[0]), column) == 0;
}

/* "column IS NOT NULL": the column, or NULL */
static char *
not_null_column(const Json *expr)
{
	const Json *nt = node_of(expr, "NullTest");
	const Json *cr;
	const Json *fields;

	if (nt == NULL || !str_is(json_get_str(nt, "nulltesttype"), "IS_NOT_NULL"))
		return NULL;
	cr = node_of(json_get(nt, "arg"), "ColumnRef");
	fields = array(cr, "fields");
	if (length(fields) != 1 || string_value(fields->items[0]) == NULL)
		return NULL;
	return pstrdup(string_value(fields->items[0]));
}

static char **
string_list(const Json *names, int *n)
{
	char	  **out = palloc(sizeof(char *) * (length(names) > 0 ? length(names) : 1));
	int			i;

	*n = 0;
	for (i = 0; i < length(names); i++)
		if (string_value(names->items[i]))
			out[(*n)++] = pstrdup(string_value(names->items[i]));
	return out;
}

static void
constraint_facts(const Json *c, PgmLintConstraint *con)
{
	const char *type = json_get_str(c, "contype");

	memset(con, 0, sizeof(*con));
	con->name = str_or_null(json_get_str(c, "conname"));
	con->not_valid = json_get_bool(c, "skip_validation");
	con->using_index = json_get_str(c, "indexname") != NULL;
	if (str_is(type, "CONSTR_PRIMARY") || str_is(type, "CONSTR_UNIQUE"))
	{
		con->contype = str_is(type, "CONSTR_PRIMARY") ? 'p' : 'u';
		con->cols = string_list(array(c, "keys"), &con->ncols);
	}
	else if (str_is(type, "CONSTR_EXCLUSION"))
		con->contype = 'x';
	else if (str_is(type, "CONSTR_CHECK"))
	{
		con->contype = 'c';
		con->not_null_col = not_null_column(json_get(c, "raw_expr"));
	}
	else if (str_is(type, "CONSTR_FOREIGN"))
	{
		con->contype = 'f';
		con->cols = string_list(array(c, "fk_attrs"), &con->ncols);
		con->references = rv_name(json_get(c, "pktable"));
	}
}

static void
column_facts(const Json *def, PgmLintColumn *col)
{
	const Json *constraints = array(def, "constraints");
	int			i;

	memset(col, 0, sizeof(*col));
	col->name = str_or_null(json_get_str(def, "colname"));
	col->type = type_of(json_get(def, "typeName"));
	col->not_null = json_get_bool(def, "is_not_null");
	for (i = 0; i < length(constraints); i++)
	{
		const Json *c = node_of(constraints->items[i], "Constraint");
		const char *type = json_get_str(c, "contype");

		if (str_is(type, "CONSTR_NOTNULL"))
			col->not_null = true;
		else if (str_is(type, "CONSTR_DEFAULT"))
		{
			col->has_default = true;
			collect_funcs(json_get(c, "raw_expr"), col);
		}
		else if (str_is(type, "CONSTR_IDENTITY"))
			col->identity = true;
		else if (str_is(type, "CONSTR_GENERATED"))
			col->generated = true;
		else if (str_is(type, "CONSTR_PRIMARY"))
		{
			col->primary_key = true;
			col->not_null = true;
		}
		else if (str_is(type, "CONSTR_UNIQUE"))
			col->unique = true;
		else if (str_is(type, "CONSTR_FOREIGN"))
			col->references = rv_name(json_get(c, "pktable"));
	}
}

static void
create_table_facts(const Json *cs, PgmLintStatement *out)
{
	PgmLintName rel = rv_name(json_get(cs, "relation"));
	PgmLintAction *a = pgm_lint_add_action(out, PGM_LA_CREATE_TABLE);
	const Json *elts = array(cs, "tableElts");
	int			i;

	a->rel = rel;
	a->if_exists = json_get_bool(cs, "if_not_exists");
	for (i = 0; i < length(elts); i++)
	{
		const Json *f;

		if ((f = node_of(elts->items[i], "ColumnDef")) != NULL)
		{
			a = pgm_lint_add_action(out, PGM_LA_ADD_COLUMN);
			a->rel = rel;
			a->in_create = true;
			column_facts(f, &a->col);
		}
		else if ((f = node_of(elts->items[i], "Constraint")) != NULL)
		{
			a = pgm_lint_add_action(out, PGM_LA_ADD_CONSTRAINT);
			a->rel = rel;
			a->in_create = true;
			constraint_facts(f, &a->con);
		}
	}
}

static void
alter_table_facts(const Json *as, PgmLintStatement *out)
{
	PgmLintName rel = rv_name(json_get(as, "relation"));
	const Json *cmds = array(as, "cmds");
	int			i;

	if (!str_is(json_get_str(as, "objtype"), "OBJECT_TABLE"))
		return;
	for (i = 0; i < length(cmds); i++)
	{
		const Json *cmd = node_of(cmds->items[i], "AlterTableCmd");
		const char *sub = json_get_str(cmd, "subtype");
		const char *name = json_get_str(cmd, "name");
		PgmLintAction *a;

		if (str_is(sub, "AT_AddColumn"))
		{
			a = pgm_lint_add_action(out, PGM_LA_ADD_COLUMN);
			column_facts(node_of(json_get(cmd, "def"), "ColumnDef"), &a->col);
			a->if_exists = json_get_bool(cmd, "missing_ok");	/* IF NOT EXISTS */
		}
		else if (str_is(sub, "AT_AlterColumnType"))
		{
			const Json *def = node_of(json_get(cmd, "def"), "ColumnDef");

			a = pgm_lint_add_action(out, PGM_LA_ALTER_TYPE);
			a->column = str_or_null(name);
			a->type = type_of(json_get(def, "typeName"));
			a->using_expr = json_get(def, "raw_default") != NULL &&
				!using_is_column(json_get(def, "raw_default"), name);
		}
		else if (str_is(sub, "AT_SetNotNull") || str_is(sub, "AT_DropNotNull"))
		{
			a = pgm_lint_add_action(out, str_is(sub, "AT_SetNotNull") ?
									PGM_LA_SET_NOT_NULL : PGM_LA_DROP_NOT_NULL);
			a->column = str_or_null(name);
		}
		else if (str_is(sub, "AT_DropColumn"))
		{
			a = pgm_lint_add_action(out, PGM_LA_DROP_COLUMN);
			a->column = str_or_null(name);
			a->if_exists = json_get_bool(cmd, "missing_ok");
		}
		else if (str_is(sub, "AT_AddConstraint"))
		{
			a = pgm_lint_add_action(out, PGM_LA_ADD_CONSTRAINT);
			constraint_facts(node_of(json_get(cmd, "def"), "Constraint"), &a->con);
		}
		else if (str_is(sub, "AT_ValidateConstraint"))
		{
			a = pgm_lint_add_action(out, PGM_LA_VALIDATE_CONSTRAINT);
			a->name = str_or_null(name);
		}
		else
		{
			static const char *const on_column[] = {
				"AT_ColumnDefault", "AT_DropExpression", "AT_SetStatistics",
				"AT_SetOptions", "AT_ResetOptions", "AT_SetStorage",
				"AT_SetCompression", "AT_AddIdentity", "AT_SetIdentity",
				"AT_DropIdentity", NULL
			};
			int			k;

			a = pgm_lint_add_action(out, PGM_LA_ALTER_TABLE_OTHER);
			for (k = 0; on_column[k]; k++)
				if (str_is(sub, on_column[k]))
					a->column = str_or_null(name);	/* a subcommand on a column */
		}
		a->rel = rel;
		a->rel_missing_ok = json_get_bool(as, "missing_ok");
	}
}

static void
index_facts(const Json *is, PgmLintStatement *out)
{
	PgmLintAction *a = pgm_lint_add_action(out, PGM_LA_CREATE_INDEX);
	const Json *params = array(is, "indexParams");
	const char *method = json_get_str(is, "accessMethod");
	int			i;

	a->rel = rv_name(json_get(is, "relation"));
	a->name = str_or_null(json_get_str(is, "idxname"));
	a->concurrently = json_get_bool(is, "concurrent");
	a->if_exists = json_get_bool(is, "if_not_exists");
	a->idx.unique = json_get_bool(is, "unique");
	a->idx.method = method && strcmp(method, "btree") != 0 ? pstrdup(method) : NULL;
	a->idx.plain = json_get(is, "whereClause") == NULL &&
		array(is, "indexIncludingParams") == NULL;
	a->idx.ncols = length(params);
	a->idx.cols = palloc0(sizeof(char *) * (a->idx.ncols > 0 ? a->idx.ncols : 1));
	for (i = 0; i < length(params); i++)
	{
		const Json *e = node_of(params->items[i], "IndexElem");
		const char *ordering = json_get_str(e, "ordering");
		const char *nulls = json_get_str(e, "nulls_ordering");

		a->idx.cols[i] = str_or_null(json_get_str(e, "name"));
		if (a->idx.cols[i] == NULL || json_get(e, "collation") || json_get(e, "opclass") ||
			json_get(e, "opclassopts") ||
			(ordering && !str_is(ordering, "SORTBY_DEFAULT")) ||
			(nulls && !str_is(nulls, "SORTBY_NULLS_DEFAULT")))
			a->idx.plain = false;
	}
}

static void
drop_facts(const Json *ds, PgmLintStatement *out)
{
	const char *type = json_get_str(ds, "removeType");
	const Json *objects = array(ds, "objects");
	PgmLintActKind kind;
	int			i;

	if (str_is(type, "OBJECT_TABLE"))
		kind = PGM_LA_DROP_TABLE;
	else if (str_is(type, "OBJECT_INDEX"))
		kind = PGM_LA_DROP_INDEX;
	else
		return;
	for (i = 0; i < length(objects); i++)
	{
		PgmLintAction *a = pgm_lint_add_action(out, kind);

		a->rel = list_name(array(node_of(objects->items[i], "List"), "items"));
		a->if_exists = json_get_bool(ds, "missing_ok");
		a->concurrently = json_get_bool(ds, "concurrent");
		a->cascade = str_is(json_get_str(ds, "behavior"), "DROP_CASCADE");
	}
}

static const char *
transaction_name(const char *kind)
{
	static const char *const names[][2] = {
		{"TRANS_STMT_BEGIN", "BEGIN"}, {"TRANS_STMT_START", "START TRANSACTION"},
		{"TRANS_STMT_COMMIT", "COMMIT"}, {"TRANS_STMT_ROLLBACK", "ROLLBACK"},
		{"TRANS_STMT_SAVEPOINT", "SAVEPOINT"}, {"TRANS_STMT_RELEASE", "RELEASE SAVEPOINT"},
		{"TRANS_STMT_ROLLBACK_TO", "ROLLBACK TO SAVEPOINT"},
		{"TRANS_STMT_PREPARE", "PREPARE TRANSACTION"},
		{"TRANS_STMT_COMMIT_PREPARED", "COMMIT PREPARED"},
		{"TRANS_STMT_ROLLBACK_PREPARED", "ROLLBACK PREPARED"},
		{NULL, NULL}
	};
	int			i;

	for (i = 0; names[i][0]; i++)
		if (str_is(kind, names[i][0]))
			return names[i][1];
	/* the first kind, BEGIN, is 0: left out of the JSON */
	return kind == NULL ? "BEGIN" : "transaction control";
}

/* SET lock_timeout to something other than 0? */
static bool
timeout_nonzero(const Json *vs)
{
	const Json *args = array(vs, "args");
	const Json *c;
	const Json *sval;

	if (!str_is(json_get_str(vs, "kind"), "VAR_SET_VALUE") || length(args) != 1)
		return false;
	c = node_of(args->items[0], "A_Const");
	if (c == NULL || json_get_bool(c, "isnull"))
		return false;
	if (json_get(c, "ival"))
		return int_const(args->items[0]) != 0 &&
			int_const(args->items[0]) != PGM_LINT_NOT_CONSTANT;
	sval = json_get(c, "sval");
	if (sval && json_get_str(sval, "sval"))
	{
		const char *s = json_get_str(sval, "sval");

		return strspn(s, "0 ") != strlen(s);
	}
	return true;
}

/* a relation created some other way: known from here on */
static void
created_relation(const Json *rv, PgmLintStatement *out)
{
	PgmLintAction *a = pgm_lint_add_action(out, PGM_LA_CREATE_TABLE);

	a->rel = rv_name(rv);
}

static void statement_facts(const char *type, const Json *s, PgmLintStatement *out);

/* CREATE SCHEMA s CREATE TABLE t ...: the elements, t being s.t */
static void
schema_facts(const Json *cs, PgmLintStatement *out)
{
	const Json *elts = array(cs, "schemaElts");
	const char *schema = json_get_str(cs, "schemaname");
	int			from = out->nacts;
	int			i;

	for (i = 0; i < length(elts); i++)
	{
		const Json *f;
		const char *type = json_node_type(elts->items[i], &f);

		if (type)
			statement_facts(type, f, out);
	}
	for (i = from; schema && i < out->nacts; i++)
		if (out->acts[i].rel.schema == NULL)
			out->acts[i].rel.schema = pstrdup(schema);
}

static void
statement_facts(const char *type, const Json *s, PgmLintStatement *out)
{
	PgmLintAction *a;

	if (str_is(type, "CreateStmt"))
		create_table_facts(s, out);
	else if (str_is(type, "CreateForeignTableStmt"))
		create_table_facts(json_get(s, "base"), out);
	else if (str_is(type, "CreateTableAsStmt"))
	{
		if (json_get(s, "into"))
			created_relation(json_get(json_get(s, "into"), "rel"), out);
	}
	else if (str_is(type, "SelectStmt"))
	{
		if (json_get(s, "intoClause"))
			created_relation(json_get(json_get(s, "intoClause"), "rel"), out);
	}
	else if (str_is(type, "ViewStmt"))
		created_relation(json_get(s, "view"), out);
	else if (str_is(type, "CreateSchemaStmt"))
		schema_facts(s, out);
	else if (str_is(type, "AlterObjectSchemaStmt"))
	{
		if (str_is(json_get_str(s, "objectType"), "OBJECT_TABLE") && json_get(s, "relation"))
		{
			a = pgm_lint_add_action(out, PGM_LA_SET_SCHEMA);
			a->rel = rv_name(json_get(s, "relation"));
			a->name = str_or_null(json_get_str(s, "newschema"));
			a->rel_missing_ok = json_get_bool(s, "missing_ok");
		}
	}
	else if (str_is(type, "AlterTableStmt"))
		alter_table_facts(s, out);
	else if (str_is(type, "IndexStmt"))
		index_facts(s, out);
	else if (str_is(type, "DropStmt"))
		drop_facts(s, out);
	else if (str_is(type, "DropdbStmt"))
	{
		a = pgm_lint_add_action(out, PGM_LA_DROP_DATABASE);
		a->name = str_or_null(json_get_str(s, "dbname"));
	}
	else if (str_is(type, "RenameStmt"))
	{
		const char *rt = json_get_str(s, "renameType");

		if (str_is(rt, "OBJECT_TABLE"))
			a = pgm_lint_add_action(out, PGM_LA_RENAME_TABLE);
		else if (str_is(rt, "OBJECT_INDEX"))
			a = pgm_lint_add_action(out, PGM_LA_RENAME_INDEX);
		else if (str_is(rt, "OBJECT_COLUMN") &&
				 str_is(json_get_str(s, "relationType"), "OBJECT_TABLE"))
		{
			a = pgm_lint_add_action(out, PGM_LA_RENAME_COLUMN);
			a->column = str_or_null(json_get_str(s, "subname"));
		}
		else
			return;
		a->rel = rv_name(json_get(s, "relation"));
		a->name = str_or_null(json_get_str(s, "newname"));
		a->rel_missing_ok = json_get_bool(s, "missing_ok");
	}
	else if (str_is(type, "TruncateStmt"))
	{
		const Json *rels = array(s, "relations");
		int			i;

		for (i = 0; i < length(rels); i++)
		{
			a = pgm_lint_add_action(out, PGM_LA_TRUNCATE);
			a->rel = rv_name(node_of(rels->items[i], "RangeVar"));
			a->cascade = str_is(json_get_str(s, "behavior"), "DROP_CASCADE");
		}
	}
	else if (str_is(type, "TransactionStmt"))
	{
		a = pgm_lint_add_action(out, PGM_LA_TRANSACTION);
		a->name = (char *) transaction_name(json_get_str(s, "kind"));
	}
	else if (str_is(type, "VariableSetStmt"))
	{
		if (str_is(json_get_str(s, "name"), "lock_timeout"))
		{
			a = pgm_lint_add_action(out, PGM_LA_SET_LOCK_TIMEOUT);
			a->nonzero = timeout_nonzero(s);
		}
	}
	else if (str_is(type, "CreateDomainStmt"))
	{
		const Json *cons = array(s, "constraints");
		int			i;

		for (i = 0; i < length(cons); i++)
			if (str_is(json_get_str(node_of(cons->items[i], "Constraint"), "contype"),
					   "CONSTR_CHECK"))
			{
				a = pgm_lint_add_action(out, PGM_LA_CREATE_DOMAIN_CHECK);
				a->name = list_name(array(s, "domainname")).name;
				break;
			}
	}
	else if (str_is(type, "AlterDomainStmt"))
	{
		if (str_is(json_get_str(s, "subtype"), "C"))
		{
			a = pgm_lint_add_action(out, PGM_LA_ALTER_DOMAIN_ADD_CONSTRAINT);
			a->name = list_name(array(s, "typeName")).name;
		}
	}
	else if (str_is(type, "ReindexStmt"))
	{
		const char *kind = json_get_str(s, "kind");

		if (!str_is(kind, "REINDEX_OBJECT_INDEX") && !str_is(kind, "REINDEX_OBJECT_TABLE"))
			return;
		a = pgm_lint_add_action(out, PGM_LA_REINDEX);
		a->rel = rv_name(json_get(s, "relation"));
		a->is_index = str_is(kind, "REINDEX_OBJECT_INDEX");
		a->concurrently = pgq_option_true(array(s, "params"), "concurrently", false);
	}
}

/*
 * The facts of the statements of a split script, each parsed on its own;
 * false when a piece does not parse as exactly one statement (the
 * scanner's split cuts a BEGIN ATOMIC body at its semicolons).
 */
static bool
facts_of_pieces(const char *script, int total, PgQuerySplitResult *split,
				PgmLintStatement *out, char **error, int *error_line)
{
	int			i;

	for (i = 0; i < split->n_stmts; i++)
	{
		int			start = split->stmts[i]->stmt_location;
		int			len = split->stmts[i]->stmt_len;
		char	   *text;
		Json	   *tree;
		const Json *stmts;
		const Json *s = NULL;
		const char *type = NULL;

		if (start < 0 || start > total)
			start = total;
		if (len <= 0 || len > total - start)
			len = total - start;
		memset(&out[i], 0, sizeof(PgmLintStatement));
		out[i].start = start;
		out[i].len = len;
		text = pnstrdup(script + start, len);
		tree = pgq_parse(text, error, error_line);
		pfree(text);
		if (tree == NULL)
			return false;
		stmts = array(tree, "stmts");
		if (length(stmts) != 1)
		{
			json_free(tree);
			return false;
		}
		type = json_node_type(json_get(stmts->items[0], "stmt"), &s);
		if (type)
			statement_facts(type, s, &out[i]);
		json_free(tree);
	}
	return true;
}

static bool
pieces_cover(const char *script, int total, PgQuerySplitResult *split)
{
	int			from = 0;
	int			i;

	for (i = 0; i <= split->n_stmts; i++)
	{
		int			to = i < split->n_stmts ? split->stmts[i]->stmt_location : total;

		if (to < from || to > total ||
			pgm_scan_opening(script, from, to - from, true, NULL, NULL) != to)
			return false;
		if (i < split->n_stmts)
			from = to + split->stmts[i]->stmt_len;
	}
	return true;
}

/*
 * A script's statements as the linter's facts, or NULL with the parser's
 * error (and its line) when it does not parse.  The script is split first
 * (with the scanner, which builds no parse tree; with the parser when that
 * split does not hold), then each statement parsed on its own: what is in
 * memory is one statement's tree at a time, so that a script of 10 MB
 * costs what its statements cost one by one.
 */
PgmLintStatement *
pgm_lint_facts(const char *script, int *n, char **error, int *error_line)
{
	PgQuerySplitResult split = pg_query_split_with_scanner(script);
	PgmLintStatement *out = NULL;
	int			total = (int) strlen(script);

	*n = 0;
	*error = NULL;
	*error_line = 0;
	/*
	 * The scanner's split leaves out text it cannot place (a syntax error):
	 * it holds only when its pieces cover the script, with nothing but
	 * blanks, comments and semicolons between and after them.
	 */
	if (split.error == NULL && pieces_cover(script, total, &split))
	{
		out = palloc0(sizeof(PgmLintStatement) * (split.n_stmts > 0 ? split.n_stmts : 1));
		if (facts_of_pieces(script, total, &split, out, error, error_line))
		{
			*n = split.n_stmts;
			pg_query_free_split_result(split);
			return out;
		}
		free(*error);
		*error = NULL;
		*error_line = 0;
	}
	pg_query_free_split_result(split);

	/* the parser's split: it knows where statements end */
	split = pg_query_split_with_parser(script);
	if (split.error)
	{
		*error = pgm_strdup(split.error->message);
		if (split.error->cursorpos > 0)
			*error_line = pgq_line_of(script, split.error->cursorpos);
		pg_query_free_split_result(split);
		return NULL;
	}
	out = palloc0(sizeof(PgmLintStatement) * (split.n_stmts > 0 ? split.n_stmts : 1));
	if (!facts_of_pieces(script, total, &split, out, error, error_line))
	{
		/* a statement that parsed within the script and not alone: cannot happen */
		pg_query_free_split_result(split);
		return NULL;
	}
	*n = split.n_stmts;
	pg_query_free_split_result(split);
	return out;
}
