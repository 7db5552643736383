/*-------------------------------------------------------------------------
 *
 * lint.c
 *	  Lint scripts in the server: raw parse trees turned into the facts the
 *	  rules of src/core/lint.c read, and the catalog they ask about.
 *
 * The parse is the one registration does (raw_parser, no catalog access),
 * so any script that registers can be linted, and a script that does not
 * parse gets the same syntax error with its line.  The catalog answers
 * come from the system caches and catalog scans only: linting takes no
 * lock on any table, so it never waits behind a migration or the
 * application, and it sees names through the caller's search_path, as
 * the script will when it runs.
 *
 * Scripts of revisions that are still to be applied (the revision's
 * unapplied ancestors, or, cheaper, any unapplied revision that names an
 * object) count as run before: a table they create is new, not unknown.
 *
 * IDENTIFICATION
 *	  src/lint.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_coerce.h"
#include "parser/parse_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "lint.h"
#include "lock.h"
#include "parse.h"
#include "storage.h"

int			pgm_lint_level = PGM_LINT_WARN;
int			pgm_lint_large_rows = 100000;

/* ----------------------------------------------------------------
 * parse trees to facts
 * ----------------------------------------------------------------
 */

static char *
str_or_null(const char *s)
{
	return s ? pstrdup(s) : NULL;
}

/* a table's name as written; a temporary one's schema is pg_temp */
static PgmLintName
rv_name(RangeVar *rv)
{
	PgmLintName n;

	n.schema = rv ? str_or_null(rv->schemaname) : NULL;
	n.name = rv ? str_or_null(rv->relname) : NULL;
	if (rv && n.schema == NULL && rv->relpersistence == RELPERSISTENCE_TEMP)
		n.schema = pstrdup("pg_temp");
	return n;
}

/* a qualified name given as a list of String (schema, name) */
static PgmLintName
list_name(List *names)
{
	PgmLintName n = {NULL, NULL};
	int			len = list_length(names);

	if (len >= 1 && IsA(llast(names), String))
		n.name = pstrdup(strVal(llast(names)));
	if (len >= 2 && IsA(list_nth(names, len - 2), String))
		n.schema = pstrdup(strVal(list_nth(names, len - 2)));
	return n;
}

static PgmLintType
type_of(TypeName *tn)
{
	PgmLintType t;
	ListCell   *lc;

	memset(&t, 0, sizeof(t));
	if (tn == NULL)
		return t;
	if (tn->names != NIL)
	{
		PgmLintName n = list_name(tn->names);

		t.schema = n.schema;
		t.name = n.name;
	}
	t.array = tn->arrayBounds != NIL;
	foreach(lc, tn->typmods)
	{
		Node	   *m = lfirst(lc);

		if (t.ntypmods >= 2)
			break;
		if (IsA(m, A_Const) && !((A_Const *) m)->isnull &&
			IsA(&((A_Const *) m)->val, Integer))
			t.typmods[t.ntypmods++] = intVal(&((A_Const *) m)->val);
		else
			t.typmods[t.ntypmods++] = PGM_LINT_NOT_CONSTANT;
	}
	return t;
}

/* the functions an expression calls */
static bool
collect_funcs(Node *node, void *context)
{
	PgmLintColumn *col = (PgmLintColumn *) context;

	if (node == NULL)
		return false;
	check_stack_depth();
	if (IsA(node, FuncCall))
	{
		col->funcs = col->nfuncs == 0 ? palloc(sizeof(PgmLintName) * 4) :
			repalloc(col->funcs, sizeof(PgmLintName) * (col->nfuncs + 4));
		col->funcs[col->nfuncs++] = list_name(((FuncCall *) node)->funcname);
	}
	return raw_expression_tree_walker(node, collect_funcs, context);
}

/*
 * USING column or USING column::type: the column's value itself, which
 * changes nothing about whether the table is rewritten.
 */
static bool
using_is_column(Node *expr, const char *column)
{
	ColumnRef  *cr;

	if (expr && IsA(expr, TypeCast))
		expr = ((TypeCast *) expr)->arg;
	if (expr == NULL || !IsA(expr, ColumnRef) || column == NULL)
		return false;
	cr = (ColumnRef *) expr;
	return list_length(cr->fields) == 1 && IsA(linitial(cr->fields), String) &&
		strcmp(strVal(linitial(cr->fields)), column) == 0;
}

/* "column IS NOT NULL": the column, or NULL */
static char *
not_null_column(Node *expr)
{
	NullTest   *nt;
	ColumnRef  *cr;

	if (expr == NULL || !IsA(expr, NullTest))
		return NULL;
	nt = (NullTest *) expr;
	if (nt->nulltesttype != IS_NOT_NULL || nt->arg == NULL || !IsA(nt->arg, ColumnRef))
		return NULL;
	cr = (ColumnRef *) nt->arg;
	if (list_length(cr->fields) != 1 || !IsA(linitial(cr->fields), String))
		return NULL;
	return pstrdup(strVal(linitial(cr->fields)));
}

static char **
string_list(List *names, int *n)
{
	char	  **out = palloc(sizeof(char *) * Max(list_length(names), 1));
	ListCell   *lc;

	*n = 0;
	foreach(lc, names)
		if (IsA(lfirst(lc), String))
			out[(*n)++] = pstrdup(strVal(lfirst(lc)));
	return out;
}

static void
constraint_facts(Constraint *c, PgmLintConstraint *con)
{
	memset(con, 0, sizeof(*con));
	con->name = str_or_null(c->conname);
	con->not_valid = c->skip_validation;
	con->using_index = c->indexname != NULL;
	switch (c->contype)
	{
		case CONSTR_PRIMARY:
			con->contype = 'p';
			con->cols = string_list(c->keys, &con->ncols);
			break;
		case CONSTR_UNIQUE:
			con->contype = 'u';
			con->cols = string_list(c->keys, &con->ncols);
			break;
		case CONSTR_EXCLUSION:
			con->contype = 'x';
			break;
		case CONSTR_CHECK:
			con->contype = 'c';
			con->not_null_col = not_null_column(c->raw_expr);
			break;
		case CONSTR_FOREIGN:
			con->contype = 'f';
			con->cols = string_list(c->fk_attrs, &con->ncols);
			con->references = rv_name(c->pktable);
			break;
		default:
			break;
	}
}

static void
column_facts(ColumnDef *def, PgmLintColumn *col)
{
	ListCell   *lc;

	memset(col, 0, sizeof(*col));
	col->name = str_or_null(def->colname);
	col->type = type_of(def->typeName);
	col->not_null = def->is_not_null;
	foreach(lc, def->constraints)
	{
		Constraint *c = lfirst_node(Constraint, lc);

		switch (c->contype)
		{
			case CONSTR_NOTNULL:
				col->not_null = true;
				break;
			case CONSTR_DEFAULT:
				col->has_default = true;
				(void) collect_funcs(c->raw_expr, col);
				break;
			case CONSTR_IDENTITY:
				col->identity = true;
				break;
			case CONSTR_GENERATED:
				col->generated = true;
				break;
			case CONSTR_PRIMARY:
				col->primary_key = true;
				col->not_null = true;
				break;
			case CONSTR_UNIQUE:
				col->unique = true;
				break;
			case CONSTR_FOREIGN:
				col->references = rv_name(c->pktable);
				break;
			default:
				break;
		}
	}
}

static void
create_table_facts(CreateStmt *cs, PgmLintStatement *out)
{
	PgmLintName rel = rv_name(cs->relation);
	PgmLintAction *a = pgm_lint_add_action(out, PGM_LA_CREATE_TABLE);
	ListCell   *lc;

	a->rel = rel;
	a->if_exists = cs->if_not_exists;
	foreach(lc, cs->tableElts)
	{
		Node	   *elt = lfirst(lc);

		if (IsA(elt, ColumnDef))
		{
			a = pgm_lint_add_action(out, PGM_LA_ADD_COLUMN);
			a->rel = rel;
			a->in_create = true;
			column_facts((ColumnDef *) elt, &a->col);
		}
		else if (IsA(elt, Constraint))
		{
			a = pgm_lint_add_action(out, PGM_LA_ADD_CONSTRAINT);
			a->rel = rel;
			a->in_create = true;
			constraint_facts((Constraint *) elt, &a->con);
		}
	}
}

static void
alter_table_facts(AlterTableStmt *as, PgmLintStatement *out)
{
	PgmLintName rel = rv_name(as->relation);
	ListCell   *lc;

	if (as->objtype != OBJECT_TABLE)
		return;
	foreach(lc, as->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		PgmLintAction *a;

		switch (cmd->subtype)
		{
			case AT_AddColumn:
				a = pgm_lint_add_action(out, PGM_LA_ADD_COLUMN);
				column_facts(castNode(ColumnDef, cmd->def), &a->col);
				a->if_exists = cmd->missing_ok;	/* ADD COLUMN IF NOT EXISTS */
				break;
			case AT_AlterColumnType:
				{
					ColumnDef  *def = castNode(ColumnDef, cmd->def);

					a = pgm_lint_add_action(out, PGM_LA_ALTER_TYPE);
					a->column = str_or_null(cmd->name);
					a->type = type_of(def->typeName);
					a->using_expr = def->raw_default != NULL &&
						!using_is_column(def->raw_default, cmd->name);
					break;
				}
			case AT_SetNotNull:
				a = pgm_lint_add_action(out, PGM_LA_SET_NOT_NULL);
				a->column = str_or_null(cmd->name);
				break;
			case AT_DropNotNull:
				a = pgm_lint_add_action(out, PGM_LA_DROP_NOT_NULL);
				a->column = str_or_null(cmd->name);
				break;
			case AT_DropColumn:
				a = pgm_lint_add_action(out, PGM_LA_DROP_COLUMN);
				a->column = str_or_null(cmd->name);
				a->if_exists = cmd->missing_ok;
				break;
			case AT_AddConstraint:
				a = pgm_lint_add_action(out, PGM_LA_ADD_CONSTRAINT);
				constraint_facts(castNode(Constraint, cmd->def), &a->con);
				break;
			case AT_ValidateConstraint:
				a = pgm_lint_add_action(out, PGM_LA_VALIDATE_CONSTRAINT);
				a->name = str_or_null(cmd->name);
				break;
			case AT_ColumnDefault:
			case AT_DropExpression:
			case AT_SetStatistics:
			case AT_SetOptions:
			case AT_ResetOptions:
			case AT_SetStorage:
			case AT_SetCompression:
			case AT_AddIdentity:
			case AT_SetIdentity:
			case AT_DropIdentity:
				/* a subcommand on a column */
				a = pgm_lint_add_action(out, PGM_LA_ALTER_TABLE_OTHER);
				a->column = str_or_null(cmd->name);
				break;
			default:
				a = pgm_lint_add_action(out, PGM_LA_ALTER_TABLE_OTHER);
				break;
		}
		a->rel = rel;
		a->rel_missing_ok = as->missing_ok;
	}
}

static void
index_facts(IndexStmt *is, PgmLintStatement *out)
{
	PgmLintAction *a = pgm_lint_add_action(out, PGM_LA_CREATE_INDEX);
	ListCell   *lc;
	int			i = 0;

	a->rel = rv_name(is->relation);
	a->name = str_or_null(is->idxname);
	a->concurrently = is->concurrent;
	a->if_exists = is->if_not_exists;
	a->idx.unique = is->unique;
	a->idx.method = is->accessMethod && strcmp(is->accessMethod, "btree") != 0 ?
		pstrdup(is->accessMethod) : NULL;
	a->idx.plain = is->whereClause == NULL && is->indexIncludingParams == NIL;
	a->idx.ncols = list_length(is->indexParams);
	a->idx.cols = palloc0(sizeof(char *) * Max(a->idx.ncols, 1));
	foreach(lc, is->indexParams)
	{
		IndexElem  *e = lfirst_node(IndexElem, lc);

		a->idx.cols[i++] = str_or_null(e->name);
		if (e->name == NULL || e->collation != NIL || e->opclass != NIL ||
			e->opclassopts != NIL || e->ordering != SORTBY_DEFAULT ||
			e->nulls_ordering != SORTBY_NULLS_DEFAULT)
			a->idx.plain = false;
	}
}

static void
drop_facts(DropStmt *ds, PgmLintStatement *out)
{
	ListCell   *lc;
	PgmLintActKind kind;

	if (ds->removeType == OBJECT_TABLE)
		kind = PGM_LA_DROP_TABLE;
	else if (ds->removeType == OBJECT_INDEX)
		kind = PGM_LA_DROP_INDEX;
	else
		return;
	foreach(lc, ds->objects)
	{
		PgmLintAction *a = pgm_lint_add_action(out, kind);

		a->rel = list_name(lfirst(lc));
		a->if_exists = ds->missing_ok;
		a->concurrently = ds->concurrent;
		a->cascade = ds->behavior == DROP_CASCADE;
	}
}

static const char *
transaction_name(TransactionStmtKind kind)
{
	switch (kind)
	{
		case TRANS_STMT_BEGIN:
			return "BEGIN";
		case TRANS_STMT_START:
			return "START TRANSACTION";
		case TRANS_STMT_COMMIT:
			return "COMMIT";
		case TRANS_STMT_ROLLBACK:
			return "ROLLBACK";
		case TRANS_STMT_SAVEPOINT:
			return "SAVEPOINT";
		case TRANS_STMT_RELEASE:
			return "RELEASE SAVEPOINT";
		case TRANS_STMT_ROLLBACK_TO:
			return "ROLLBACK TO SAVEPOINT";
		case TRANS_STMT_PREPARE:
			return "PREPARE TRANSACTION";
		case TRANS_STMT_COMMIT_PREPARED:
			return "COMMIT PREPARED";
		case TRANS_STMT_ROLLBACK_PREPARED:
			return "ROLLBACK PREPARED";
	}
	return "transaction control";
}

/* SET lock_timeout to something other than 0? */
static bool
timeout_nonzero(VariableSetStmt *vs)
{
	A_Const    *c;

	if (vs->kind != VAR_SET_VALUE || list_length(vs->args) != 1 ||
		!IsA(linitial(vs->args), A_Const))
		return false;
	c = (A_Const *) linitial(vs->args);
	if (c->isnull)
		return false;
	if (IsA(&c->val, Integer))
		return intVal(&c->val) != 0;
	if (IsA(&c->val, String))
		return strspn(strVal(&c->val), "0 ") != strlen(strVal(&c->val));
	return true;
}

/* a relation created some other way: known from here on */
static void
created_relation(RangeVar *rv, PgmLintStatement *out)
{
	PgmLintAction *a = pgm_lint_add_action(out, PGM_LA_CREATE_TABLE);

	a->rel = rv_name(rv);
}

static void statement_facts(Node *stmt, PgmLintStatement *out);

/* CREATE SCHEMA s CREATE TABLE t ...: the elements, t being s.t */
static void
schema_facts(CreateSchemaStmt *cs, PgmLintStatement *out)
{
	ListCell   *lc;
	int			from = out->nacts;
	int			i;

	foreach(lc, cs->schemaElts)
		statement_facts(lfirst(lc), out);
	for (i = from; cs->schemaname && i < out->nacts; i++)
		if (out->acts[i].rel.schema == NULL)
			out->acts[i].rel.schema = pstrdup(cs->schemaname);
}

/* The facts of one statement (nothing for statements without rules). */
static void
statement_facts(Node *stmt, PgmLintStatement *out)
{
	PgmLintAction *a;

	check_stack_depth();
	switch (nodeTag(stmt))
	{
		case T_CreateStmt:
			create_table_facts((CreateStmt *) stmt, out);
			break;
		case T_CreateForeignTableStmt:
			create_table_facts(&((CreateForeignTableStmt *) stmt)->base, out);
			break;
		case T_CreateTableAsStmt:
			if (((CreateTableAsStmt *) stmt)->into)
				created_relation(((CreateTableAsStmt *) stmt)->into->rel, out);
			break;
		case T_SelectStmt:
			if (((SelectStmt *) stmt)->intoClause)
				created_relation(((SelectStmt *) stmt)->intoClause->rel, out);
			break;
		case T_ViewStmt:
			created_relation(((ViewStmt *) stmt)->view, out);
			break;
		case T_CreateSchemaStmt:
			schema_facts((CreateSchemaStmt *) stmt, out);
			break;
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *os = (AlterObjectSchemaStmt *) stmt;

				if (os->objectType != OBJECT_TABLE || os->relation == NULL)
					break;
				a = pgm_lint_add_action(out, PGM_LA_SET_SCHEMA);
				a->rel = rv_name(os->relation);
				a->name = str_or_null(os->newschema);
				a->rel_missing_ok = os->missing_ok;
				break;
			}
		case T_AlterTableStmt:
			alter_table_facts((AlterTableStmt *) stmt, out);
			break;
		case T_IndexStmt:
			index_facts((IndexStmt *) stmt, out);
			break;
		case T_DropStmt:
			drop_facts((DropStmt *) stmt, out);
			break;
		case T_DropdbStmt:
			a = pgm_lint_add_action(out, PGM_LA_DROP_DATABASE);
			a->name = str_or_null(((DropdbStmt *) stmt)->dbname);
			break;
		case T_RenameStmt:
			{
				RenameStmt *rs = (RenameStmt *) stmt;

				if (rs->renameType == OBJECT_TABLE)
					a = pgm_lint_add_action(out, PGM_LA_RENAME_TABLE);
				else if (rs->renameType == OBJECT_INDEX)
					a = pgm_lint_add_action(out, PGM_LA_RENAME_INDEX);
				else if (rs->renameType == OBJECT_COLUMN &&
						 rs->relationType == OBJECT_TABLE)
				{
					a = pgm_lint_add_action(out, PGM_LA_RENAME_COLUMN);
					a->column = str_or_null(rs->subname);
				}
				else
					break;
				a->rel = rv_name(rs->relation);
				a->name = str_or_null(rs->newname);
				a->rel_missing_ok = rs->missing_ok;
				break;
			}
		case T_TruncateStmt:
			{
				TruncateStmt *ts = (TruncateStmt *) stmt;
				ListCell   *lc;

				foreach(lc, ts->relations)
				{
					a = pgm_lint_add_action(out, PGM_LA_TRUNCATE);
					a->rel = rv_name(lfirst_node(RangeVar, lc));
					a->cascade = ts->behavior == DROP_CASCADE;
				}
				break;
			}
		case T_TransactionStmt:
			a = pgm_lint_add_action(out, PGM_LA_TRANSACTION);
			a->name = (char *) transaction_name(((TransactionStmt *) stmt)->kind);
			break;
		case T_VariableSetStmt:
			{
				VariableSetStmt *vs = (VariableSetStmt *) stmt;

				if (vs->name && strcmp(vs->name, "lock_timeout") == 0)
				{
					a = pgm_lint_add_action(out, PGM_LA_SET_LOCK_TIMEOUT);
					a->nonzero = timeout_nonzero(vs);
				}
				break;
			}
		case T_CreateDomainStmt:
			{
				CreateDomainStmt *ds = (CreateDomainStmt *) stmt;
				ListCell   *lc;

				foreach(lc, ds->constraints)
					if (lfirst_node(Constraint, lc)->contype == CONSTR_CHECK)
					{
						a = pgm_lint_add_action(out, PGM_LA_CREATE_DOMAIN_CHECK);
						a->name = list_name(ds->domainname).name;
						break;
					}
				break;
			}
		case T_AlterDomainStmt:
			{
				AlterDomainStmt *ds = (AlterDomainStmt *) stmt;

				if (ds->subtype == 'C')
				{
					a = pgm_lint_add_action(out, PGM_LA_ALTER_DOMAIN_ADD_CONSTRAINT);
					a->name = list_name(ds->typeName).name;
				}
				break;
			}
		case T_ReindexStmt:
			{
				ReindexStmt *rs = (ReindexStmt *) stmt;

				if (rs->kind != REINDEX_OBJECT_INDEX && rs->kind != REINDEX_OBJECT_TABLE)
					break;
				a = pgm_lint_add_action(out, PGM_LA_REINDEX);
				a->rel = rv_name(rs->relation);
				a->is_index = rs->kind == REINDEX_OBJECT_INDEX;
				a->concurrently = pgm_statement_nontransactional(stmt) != NULL;
				break;
			}
		default:
			break;
	}
}

/* ----------------------------------------------------------------
 * the catalog
 * ----------------------------------------------------------------
 */

typedef struct PendingAnswer
{
	char	   *name;
	bool		found;
} PendingAnswer;

typedef struct CatalogArg
{
	const char *project;
	const char *exclude;
	List	   *asked;			/* PendingAnswer: cat_pending()'s answers so far */
} CatalogArg;

/*
 * A relation by name, as the script will see it: through the search_path
 * when unqualified.  No privilege is checked (pg_class is readable by
 * all): linting what a monitor may plan must not fail on a schema it
 * cannot use.
 */
static Oid
relation_oid(const PgmLintName *rel)
{
	Oid			nsp;

	if (rel->name == NULL)
		return InvalidOid;
	if (rel->schema == NULL)
		return RelnameGetRelid(rel->name);
	nsp = get_namespace_oid(rel->schema, true);
	return OidIsValid(nsp) ? get_relname_relid(rel->name, nsp) : InvalidOid;
}

static void
cat_relation(void *arg, const PgmLintName *rel, PgmLintRelInfo *out)
{
	Oid			relid = relation_oid(rel);
	HeapTuple	tup;
	Form_pg_class form;

	(void) arg;
	out->found = false;
	if (!OidIsValid(relid))
		return;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		return;
	form = (Form_pg_class) GETSTRUCT(tup);
	out->found = true;
	out->is_index = form->relkind == RELKIND_INDEX ||
		form->relkind == RELKIND_PARTITIONED_INDEX;
	out->reltuples = form->reltuples;
	out->relpages = form->relpages;
	ReleaseSysCache(tup);
	if (out->is_index)
	{
		Oid			table = IndexGetRelation(relid, true);

		out->reltuples = -1;
		out->relpages = 0;
		if (OidIsValid(table))
		{
			tup = SearchSysCache1(RELOID, ObjectIdGetDatum(table));
			if (HeapTupleIsValid(tup))
			{
				out->reltuples = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
				out->relpages = ((Form_pg_class) GETSTRUCT(tup))->relpages;
				ReleaseSysCache(tup);
			}
		}
	}
}

static bool
cat_column(void *arg, const PgmLintName *rel, const char *column)
{
	Oid			relid = relation_oid(rel);

	(void) arg;
	return !OidIsValid(relid) || get_attnum(relid, column) != InvalidAttrNumber;
}

/*
 * Does changing a column from (old, oldmod) to the same type with newmod
 * rewrite the table?  The types whose length coercion PostgreSQL knows
 * to be a no-op for a wider modifier (their planner support functions).
 */
static bool
typmod_change_rewrites(Oid type, int32 oldmod, int32 newmod)
{
	switch (type)
	{
		case VARCHAROID:
		case VARBITOID:
			return !(newmod < 0 || (oldmod >= 0 && newmod >= oldmod));
		case NUMERICOID:
			{
				int32		oldp,
							olds,
							newp,
							news;

				if (newmod < 0)
					return false;
				if (oldmod < 0)
					return true;
				oldp = ((oldmod - VARHDRSZ) >> 16) & 0xffff;
				newp = ((newmod - VARHDRSZ) >> 16) & 0xffff;
				olds = (((oldmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;
				news = (((newmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;
				return !(olds == news && newp >= oldp);
			}
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case TIMEOID:
		case TIMETZOID:
			return !(newmod < 0 || newmod >= 6 || (oldmod >= 0 && newmod >= oldmod));
		case INTERVALOID:
			return newmod >= 0;
		default:
			return true;
	}
}

/* a TypeName for a written type, or NULL when a modifier is not a constant */
static TypeName *
type_name_of(const PgmLintType *type)
{
	List	   *names = NIL;
	TypeName   *tn;
	int			i;

	if (type->name == NULL)
		return NULL;
	if (type->schema)
		names = lappend(names, makeString(pstrdup(type->schema)));
	names = lappend(names, makeString(pstrdup(type->name)));
	tn = makeTypeNameFromNameList(names);
	for (i = 0; i < type->ntypmods; i++)
	{
		A_Const    *c = makeNode(A_Const);

		if (type->typmods[i] == PGM_LINT_NOT_CONSTANT)
			return NULL;
		/* more than 6 digits of a time: the server would warn, to the caller */
		if (type->typmods[i] > 6 &&
			(strcmp(type->name, "timestamp") == 0 || strcmp(type->name, "timestamptz") == 0 ||
			 strcmp(type->name, "time") == 0 || strcmp(type->name, "timetz") == 0 ||
			 strcmp(type->name, "interval") == 0))
			return NULL;
		c->val.ival.type = T_Integer;
		c->val.ival.ival = type->typmods[i];
		c->location = -1;
		tn->typmods = lappend(tn->typmods, c);
	}
	if (type->array)
		tn->arrayBounds = list_make1(makeInteger(-1));
	tn->location = -1;
	return tn;
}

/*
 * Resolve a type name with its modifier, in a subtransaction: a bad
 * modifier (varchar(0)) raises an error, which here means "cannot tell".
 */
static bool
resolve_type(TypeName *tn, Oid *typid, int32 *typmod)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	bool		ok = false;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		Type		tup = LookupTypeName(NULL, tn, typmod, true);

		if (tup)
		{
			*typid = ((Form_pg_type) GETSTRUCT(tup))->oid;
			ReleaseSysCache(tup);
			ok = true;
		}
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		FreeErrorData(pgm_abort_subtransaction(cxt, owner, cxt));
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

static int
cat_type_change(void *arg, const PgmLintName *rel, const char *column,
				const PgmLintType *type, bool using_expr, char **from, char **to)
{
	Oid			relid = relation_oid(rel);
	HeapTuple	tup;
	Oid			oldtype;
	int32		oldmod;
	Oid			newtype;
	int32		newmod;
	TypeName   *tn;

	(void) arg;
	if (!OidIsValid(relid))
		return -1;
	tup = SearchSysCacheAttName(relid, column);
	if (!HeapTupleIsValid(tup))
		return -1;
	oldtype = ((Form_pg_attribute) GETSTRUCT(tup))->atttypid;
	oldmod = ((Form_pg_attribute) GETSTRUCT(tup))->atttypmod;
	ReleaseSysCache(tup);
	tn = type_name_of(type);
	if (tn == NULL || !resolve_type(tn, &newtype, &newmod))
		return -1;
	*from = pgm_display(format_type_with_typemod(oldtype, oldmod));
	*to = pgm_display(format_type_with_typemod(newtype, newmod));
	if (using_expr)
		return 1;

	/*
	 * A domain: a constraint means checking every row (reported as such);
	 * without one, the change is its base type's.
	 */
	if (get_typtype(newtype) == TYPTYPE_DOMAIN)
	{
		if (DomainHasConstraints(newtype))
			return 1;
		newtype = getBaseTypeAndTypmod(newtype, &newmod);
	}
	if (newtype == oldtype)
		return newmod == oldmod ? 0 : (typmod_change_rewrites(newtype, oldmod, newmod) ? 1 : 0);
	/* timestamp <-> timestamptz: no rewrite when the session's zone is UTC */
	if (((oldtype == TIMESTAMPOID && newtype == TIMESTAMPTZOID) ||
		 (oldtype == TIMESTAMPTZOID && newtype == TIMESTAMPOID)) &&
		!TimestampTimestampTzRequiresRewrite() &&
		!typmod_change_rewrites(TIMESTAMPOID, oldmod, newmod))
		return 0;
	if (IsBinaryCoercible(oldtype, newtype) && newmod < 0)
		return 0;
	return 1;
}

/* the most volatile of two volatility classes (0: none yet) */
static char
more_volatile(char a, char b)
{
	if (a == PROVOLATILE_VOLATILE || b == PROVOLATILE_VOLATILE)
		return PROVOLATILE_VOLATILE;
	if (a == PROVOLATILE_STABLE || b == PROVOLATILE_STABLE)
		return PROVOLATILE_STABLE;
	return a ? a : b;
}

/*
 * The volatility of a function the default calls: the most volatile of
 * the functions of that name (any arguments) the script could mean.  A
 * qualified name is looked up in its schema without a privilege check.
 */
static char
cat_volatility(void *arg, const PgmLintName *func)
{
	char		result = 0;

	(void) arg;
	if (func->schema == NULL)
	{
		FuncCandidateList c;

		for (c = FuncnameGetCandidates(list_make1(makeString(pstrdup(func->name))),
									   -1, NIL, false, false, false, true);
			 c != NULL; c = c->next)
			result = more_volatile(result, func_volatile(c->oid));
	}
	else
	{
		Oid			nsp = get_namespace_oid(func->schema, true);
		CatCList   *list;
		int			i;

		if (!OidIsValid(nsp))
			return 0;
		list = SearchSysCacheList1(PROCNAMEARGSNSP, CStringGetDatum(func->name));
		for (i = 0; i < list->n_members; i++)
		{
			Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(&list->members[i]->tuple);

			if (proc->pronamespace == nsp)
				result = more_volatile(result, proc->provolatile);
		}
		ReleaseSysCacheList(list);
	}
	return result;
}

/* the constraints of a table, each passed to fn until it returns true */
static bool
scan_constraints(Oid relid, bool (*fn) (HeapTuple tup, Relation pg_constraint, void *arg),
				 void *arg)
{
	Relation	rel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, ConstraintRelidTypidNameIndexId, true, NULL, 1, &key);
	while (!found && HeapTupleIsValid(tup = systable_getnext(scan)))
		found = fn(tup, rel, arg);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

typedef struct NotNullScan
{
	AttrNumber	attnum;
	char	   *name;
	bool		valid;
} NotNullScan;

static bool
not_null_check_of(HeapTuple tup, Relation pg_constraint, void *arg)
{
	NotNullScan *s = (NotNullScan *) arg;
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
	bool		isnull;
	Datum		bin;
	Node	   *expr;
	NullTest   *nt;

	if (con->contype != CONSTRAINT_CHECK)
		return false;
	bin = heap_getattr(tup, Anum_pg_constraint_conbin, RelationGetDescr(pg_constraint),
					   &isnull);
	if (isnull)
		return false;
	expr = stringToNode(TextDatumGetCString(bin));
	if (!IsA(expr, NullTest))
		return false;
	nt = (NullTest *) expr;
	if (nt->nulltesttype != IS_NOT_NULL || nt->argisrow || !IsA(nt->arg, Var) ||
		((Var *) nt->arg)->varattno != s->attnum)
		return false;
	if (s->name == NULL || (con->convalidated && !s->valid))
	{
		s->name = pstrdup(NameStr(con->conname));
		s->valid = con->convalidated;
	}
	return s->valid;
}

static char *
cat_not_null_check(void *arg, const PgmLintName *rel, const char *column, bool *valid)
{
	Oid			relid = relation_oid(rel);
	NotNullScan s;

	HeapTuple	tup;

	(void) arg;
	*valid = false;
	if (!OidIsValid(relid))
		return NULL;
	memset(&s, 0, sizeof(s));
	tup = SearchSysCacheAttName(relid, column);
	if (!HeapTupleIsValid(tup))
		return NULL;
	s.attnum = ((Form_pg_attribute) GETSTRUCT(tup))->attnum;
	if (((Form_pg_attribute) GETSTRUCT(tup))->attnotnull)
	{
		/* NOT NULL already: SET NOT NULL does nothing */
		ReleaseSysCache(tup);
		*valid = true;
		return pstrdup("NOT NULL");
	}
	ReleaseSysCache(tup);
	(void) scan_constraints(relid, not_null_check_of, &s);
	*valid = s.valid;
	return s.name;
}

/* the valid indexes of a table, each passed to fn until it returns true */
static bool
scan_indexes(Oid relid, bool (*fn) (Oid relid, HeapTuple tup, Relation pg_index, void *arg),
			 void *arg)
{
	Relation	rel = table_open(IndexRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&key, Anum_pg_index_indrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, IndexIndrelidIndexId, true, NULL, 1, &key);
	while (!found && HeapTupleIsValid(tup = systable_getnext(scan)))
		if (((Form_pg_index) GETSTRUCT(tup))->indisvalid)
			found = fn(relid, tup, rel, arg);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

typedef struct IndexMatch
{
	const PgmLintIndex *idx;
	int			ncols;
	char	  **cols;
	char	   *found;
} IndexMatch;

/* the access method of an index */
static Oid
index_am(Oid index)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(index));
	Oid			am;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	am = ((Form_pg_class) GETSTRUCT(tup))->relam;
	ReleaseSysCache(tup);
	return am;
}

/* an index with no expressions and no predicate */
static bool
plain_index(HeapTuple tup, Relation pg_index)
{
	return heap_attisnull(tup, Anum_pg_index_indexprs, RelationGetDescr(pg_index)) &&
		heap_attisnull(tup, Anum_pg_index_indpred, RelationGetDescr(pg_index));
}

static bool
duplicate_of(Oid relid, HeapTuple tup, Relation pg_index, void *arg)
{
	IndexMatch  *s = (IndexMatch *) arg;
	Form_pg_index ix = (Form_pg_index) GETSTRUCT(tup);
	const char *method = s->idx->method ? s->idx->method : "btree";
	Oid			am;
	char	   *amname;
	bool		isnull;
	oidvector  *classes;
	oidvector  *collations;
	int2vector *options;
	int			i;

	if (!plain_index(tup, pg_index) || ix->indnatts != ix->indnkeyatts ||
		ix->indnkeyatts != s->idx->ncols || (s->idx->unique && !ix->indisunique))
		return false;
	am = index_am(ix->indexrelid);
	amname = OidIsValid(am) ? get_am_name(am) : NULL;
	if (amname == NULL || strcmp(amname, method) != 0)
		return false;
	classes = (oidvector *) DatumGetPointer(heap_getattr(tup, Anum_pg_index_indclass,
														 RelationGetDescr(pg_index), &isnull));
	if (isnull)
		return false;
	options = (int2vector *) DatumGetPointer(heap_getattr(tup, Anum_pg_index_indoption,
														  RelationGetDescr(pg_index), &isnull));
	if (isnull)
		return false;
	collations = (oidvector *) DatumGetPointer(heap_getattr(tup, Anum_pg_index_indcollation,
															RelationGetDescr(pg_index), &isnull));
	if (isnull)
		return false;
	for (i = 0; i < ix->indnkeyatts; i++)
	{
		AttrNumber	att = ix->indkey.values[i];
		char	   *name;

		if (att <= 0 || options->values[i] != 0)
			return false;
		name = get_attname(relid, att, true);
		if (name == NULL || s->idx->cols[i] == NULL || strcmp(name, s->idx->cols[i]) != 0)
			return false;
		if (classes->values[i] != GetDefaultOpClass(get_atttype(relid, att), am))
			return false;
		{
			Oid			typid;
			int32		typmod;
			Oid			collation;

			get_atttypetypmodcoll(relid, att, &typid, &typmod, &collation);
			if (collations->values[i] != collation)
				return false;
		}
	}
	s->found = get_rel_name(ix->indexrelid);
	if (s->found && s->idx->name && strcmp(s->found, s->idx->name) == 0)
		s->found = NULL;		/* the same index */
	return s->found != NULL;
}

static char *
cat_duplicate_index(void *arg, const PgmLintName *rel, const PgmLintIndex *idx)
{
	Oid			relid = relation_oid(rel);
	IndexMatch	s;

	(void) arg;
	if (!OidIsValid(relid))
		return NULL;
	memset(&s, 0, sizeof(s));
	s.idx = idx;
	(void) scan_indexes(relid, duplicate_of, &s);
	return s.found;
}

static bool
leads_with(Oid relid, HeapTuple tup, Relation pg_index, void *arg)
{
	IndexMatch  *s = (IndexMatch *) arg;
	Form_pg_index ix = (Form_pg_index) GETSTRUCT(tup);
	int			i;

	if (!heap_attisnull(tup, Anum_pg_index_indpred, RelationGetDescr(pg_index)) ||
		ix->indnkeyatts < s->ncols)
		return false;
	for (i = 0; i < s->ncols; i++)
	{
		AttrNumber	att = ix->indkey.values[i];
		char	   *name = att > 0 ? get_attname(relid, att, true) : NULL;
		int			k;
		bool		member = false;

		for (k = 0; name && k < s->ncols; k++)
			if (strcmp(s->cols[k], name) == 0)
				member = true;
		if (!member)
			return false;
	}
	return true;
}

static bool
cat_leading_index(void *arg, const PgmLintName *rel, int ncols, char **cols)
{
	Oid			relid = relation_oid(rel);
	IndexMatch	s;

	(void) arg;
	if (!OidIsValid(relid))
		return true;			/* unknown table: reported as such */
	memset(&s, 0, sizeof(s));
	s.ncols = ncols;
	s.cols = cols;
	return scan_indexes(relid, leads_with, &s);
}

/*
 * Is the name in the up script of a revision of the project still to be
 * applied (other than the one linted)?  A cheap stand-in for parsing them
 * all: such an object is created by a migration that runs first.
 */
/*
 * What the revisions this session registered create, per project: a deploy
 * registers a directory's files one after another, each naming what the
 * ones before it created, and the answer is then known without a query.
 * It is only ever a reason to call a name known, never unknown: a
 * registration rolled back leaves names that only silence unknown-object.
 */
#define CREATED_KEY_LEN (2 * NAMEDATALEN + 2)

static HTAB *created_names = NULL;

static bool
created_key(const char *project, const char *name, char *key)
{
	if (strlen(project) + strlen(name) + 2 > CREATED_KEY_LEN)
		return false;
	memset(key, 0, CREATED_KEY_LEN);
	snprintf(key, CREATED_KEY_LEN, "%s/%s", project, name);
	return true;
}

static void
remember_created(const char *project, PgmLintState *st)
{
	const char **names;
	int			n = pgm_lint_learned_names(st, &names);
	int			i;

	if (created_names == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = CREATED_KEY_LEN;
		ctl.entrysize = CREATED_KEY_LEN;
		created_names = hash_create("pg_migrate lint created names", 256, &ctl,
									HASH_ELEM | HASH_STRINGS);
	}
	for (i = 0; i < n; i++)
	{
		char		key[CREATED_KEY_LEN];

		if (names[i] && created_key(project, names[i], key))
			(void) hash_search(created_names, key, HASH_ENTER, NULL);
	}
}

/*
 * Is the name created by a revision of the project still to be applied
 * (other than the one linted)?  Known when this session registered it;
 * otherwise a cheap stand-in for parsing every such script: is the name
 * in one of their up scripts?  Each name is asked about once per lint.
 */
static bool
cat_pending(void *arg, const char *name)
{
	CatalogArg *ca = (CatalogArg *) arg;
	PgmOwnerScope os;
	Datum		values[3];
	bool		found;
	char		key[CREATED_KEY_LEN];
	ListCell   *lc;

	if (ca->project == NULL)
		return false;
	if (created_names && created_key(ca->project, name, key) &&
		hash_search(created_names, key, HASH_FIND, NULL) != NULL)
		return true;
	foreach(lc, ca->asked)
		if (strcmp(((PendingAnswer *) lfirst(lc))->name, name) == 0)
			return ((PendingAnswer *) lfirst(lc))->found;
	values[0] = CStringGetTextDatum(ca->project);
	values[1] = CStringGetTextDatum(ca->exclude ? ca->exclude : "");
	values[2] = CStringGetTextDatum(name);
	pgm_connect_spi(&os);
	(void) pgm_run_query(Q_LINT_PENDING, values, NULL, 1);
	found = SPI_processed > 0;
	pgm_finish_spi(&os);
	{
		PendingAnswer *answer = palloc(sizeof(PendingAnswer));

		answer->name = pstrdup(name);
		answer->found = found;
		ca->asked = lappend(ca->asked, answer);
	}
	return found;
}

/* ----------------------------------------------------------------
 * linting
 * ----------------------------------------------------------------
 */

/* a script's statements as facts; ignores the rules of registration */
static PgmLintStatement *
script_facts(const char *script, const char *revision, const char *which, int *n)
{
	List	   *raws = pgm_parse_raw(script, revision, which);
	PgmLintStatement *stmts = palloc0(sizeof(PgmLintStatement) * Max(list_length(raws), 1));
	ListCell   *lc;
	int			i = 0;

	foreach(lc, raws)
	{
		RawStmt    *raw = lfirst_node(RawStmt, lc);

		CHECK_FOR_INTERRUPTS();
		stmts[i].start = raw->stmt_location;
		stmts[i].len = raw->stmt_len > 0 ? raw->stmt_len :
			(int) strlen(script + raw->stmt_location);
		statement_facts(raw->stmt, &stmts[i]);
		i++;
	}
	*n = i;
	return stmts;
}

/* the schema an unqualified CREATE puts an object in: the first of the search_path */
static const char *
creation_schema(void)
{
	List	   *path = fetch_search_path(false);
	char	   *name = path != NIL ? get_namespace_name(linitial_oid(path)) : NULL;

	return name ? name : "public";
}

/* the schemas of the search_path, for names the scripts created */
static void
set_search_path(PgmLintCatalog *cat)
{
	List	   *path = fetch_search_path(false);
	const char **names = palloc(sizeof(char *) * Max(list_length(path), 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, path)
	{
		char	   *name = get_namespace_name(lfirst_oid(lc));

		if (name)
			names[n++] = name;
	}
	cat->nsearch_path = n;
	cat->search_path = names;
}

/*
 * A linting session: scripts linted one after another, each knowing what
 * the ones before it created (the steps of a plan, or a revision after
 * its unapplied ancestors).
 */
PgmLintState *
pgm_lint_start(bool catalog, const char *project, const char *exclude)
{
	PgmLintCatalog *cat;
	CatalogArg *ca;

	if (!catalog)
		return pgm_lint_begin(NULL);
	cat = palloc0(sizeof(PgmLintCatalog));
	ca = palloc0(sizeof(CatalogArg));
	ca->project = project ? pstrdup(project) : NULL;
	ca->exclude = exclude ? pstrdup(exclude) : NULL;
	cat->arg = ca;
	cat->relation = cat_relation;
	cat->column = cat_column;
	cat->type_change = cat_type_change;
	cat->volatility = cat_volatility;
	cat->not_null_check = cat_not_null_check;
	cat->duplicate_index = cat_duplicate_index;
	cat->leading_index = cat_leading_index;
	cat->pending = project ? cat_pending : NULL;
	cat->large_rows = pgm_lint_large_rows;
	cat->default_schema = creation_schema();
	set_search_path(cat);
	cat->ddl_lock_timeout = pgm_ddl_lock_timeout > 0;
	return pgm_lint_begin(cat);
}

/* Lint the next script (report false: only learn what it creates). */
PgmLintResult *
pgm_lint_next(PgmLintState *st, const char *script, const char *revision,
			  const char *which, bool report)
{
	PgmLintResult *result = report ? palloc0(sizeof(PgmLintResult)) : NULL;
	PgmLintStatement *stmts;
	int			n;

	stmts = script_facts(script, revision ? revision : "(script)", which, &n);
	pgm_lint_script(st, script, stmts, n, result);
	return result;
}

PgmLintResult *
pgm_lint(const PgmLintRequest *req)
{
	PgmLintState *st = pgm_lint_start(req->catalog, req->project, req->exclude);
	ListCell   *lc;

	foreach(lc, req->preceding)
		(void) pgm_lint_next(st, lfirst(lc), req->revision, "earlier", false);
	return pgm_lint_next(st, req->script, req->revision, req->which, true);
}

/* a finding as a line of a message */
static void
append_finding(StringInfo buf, const PgmLintFinding *f)
{
	appendStringInfo(buf, "%sline %d: %s %s: %s", buf->len > 0 ? "\n" : "",
					 f->line, pgm_lint_severity_name(f->severity), f->rule, f->message);
}

/*
 * The up scripts of a revision's unapplied ancestors (through parents and
 * dependencies), in registration order.
 */
List *
pgm_lint_unapplied_ancestors(const char *project, ArrayType *parents,
							 ArrayType *deps)
{
	PgmOwnerScope os;
	Datum		values[3];
	List	   *scripts = NIL;
	MemoryContext cxt = CurrentMemoryContext;
	uint64		i;

	values[0] = CStringGetTextDatum(project);
	values[1] = PointerGetDatum(parents);
	values[2] = PointerGetDatum(deps);
	pgm_connect_spi(&os);
	(void) pgm_run_query(Q_LINT_ANCESTORS, values, NULL, 0);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		if (isnull)
			pgm_report_corrupt(project, "A revision has no up script.");
		scripts = lappend(scripts, MemoryContextStrdup(cxt, TextDatumGetCString(d)));
	}
	pgm_finish_spi(&os);
	return scripts;
}

static bool
worth_a_second_look(PgmLintResult *r)
{
	int			i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity >= PGM_LINT_WARNING)
			return true;
	return false;
}

/*
 * Lint a revision's up script at registration (pg_migrate.lint_level):
 * findings as NOTICE (advice) and WARNING, or, at "error", error-level
 * findings refuse the registration.  A first look counts objects named by
 * unapplied revisions as created; only when that leaves a warning are the
 * unapplied ancestors' scripts parsed to know exactly what they create.
 */
/* Refuse a bad "-- migrate:lint-ignore" line in a script (none: no parse). */
static void
check_annotations(const char *script, const char *id, const char *which)
{
	if (script && strstr(script, PGM_LINT_IGNORE_MARKER) != NULL)
		(void) pgm_lint_next(pgm_lint_start(false, NULL, NULL), script, id, which, true);
}

void
pgm_lint_registration(const char *project, const char *id, const char *up,
					  const char *down, ArrayType *parents, ArrayType *deps)
{
	PgmLintState *st;
	PgmLintResult *r;
	StringInfoData errors;
	int			nerrors = 0;
	int			i;

	/* the down script is not linted, but its annotations must be valid */
	check_annotations(down, id, "down");
	if (pgm_lint_level == PGM_LINT_OFF)
	{
		/* no findings, but a bad annotation is still refused */
		check_annotations(up, id, "up");
		return;
	}
	st = pgm_lint_start(true, project, id);
	r = pgm_lint_next(st, up, id, "up", true);
	if (worth_a_second_look(r))
	{
		List	   *ancestors = pgm_lint_unapplied_ancestors(project, parents, deps);
		ListCell   *lc;

		if (ancestors != NIL)
		{
			st = pgm_lint_start(true, project, id);
			foreach(lc, ancestors)
				(void) pgm_lint_next(st, lfirst(lc), id, "earlier", false);
			r = pgm_lint_next(st, up, id, "up", true);
		}
	}
	initStringInfo(&errors);
	for (i = 0; i < r->nfindings; i++)
	{
		PgmLintFinding *f = &r->findings[i];

		if (f->severity == PGM_LINT_ERROR && pgm_lint_level == PGM_LINT_REFUSE)
		{
			append_finding(&errors, f);
			nerrors++;
			continue;
		}
		ereport(f->severity == PGM_LINT_ADVICE ? NOTICE : WARNING,
				(errmsg("lint %s: %s", f->rule, f->message),
				 errdetail("The up script of revision %s, line %d (%s).",
						   pgm_display(id), f->line, pgm_lint_severity_name(f->severity)),
				 errhint("%s", f->hint)));
	}
	if (nerrors > 0)
		ereport(ERROR,
				(errcode(PGM_ERRCODE_LINT_REFUSED),
				 errmsg("revision %s of project %s has %d error-level lint finding%s",
						pgm_display(id), pgm_display(project), nerrors,
						nerrors == 1 ? "" : "s"),
				 errdetail("%s", errors.data),
				 errhint("Change the script, or silence a finding that is safe here with a line \"%s rule reason\" before its statement; pg_migrate.lint_level = warn reports findings without refusing.",
						 PGM_LINT_IGNORE_MARKER)));
	remember_created(project, st);
}

/* a revision's scripts, for plan()'s counts */
typedef struct RevisionScripts
{
	char		id[PGM_MAX_ID_LEN + 1];
	char	   *up;
	char	   *down;
} RevisionScripts;

/*
 * The number of lint findings of each step of a plan (-1: the step has no
 * script to run), each step knowing what the steps before it create.  The
 * scripts are read in one query, not one per step: plan() of a history of
 * 10,000 revisions stays one scan.
 */
void
pgm_lint_plan_counts(const char *project, PgmGraph *graph, PgmPlan *plan, int *counts)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	HASHCTL		ctl;
	HTAB	   *scripts;
	Datum		values[2];
	List	   *ids = NIL;
	PgmLintState *st;
	uint64		i;
	int			k;

	ctl.keysize = PGM_MAX_ID_LEN + 1;
	ctl.entrysize = sizeof(RevisionScripts);
	ctl.hcxt = cxt;
	scripts = hash_create("pg_migrate plan scripts", Max(plan->nsteps, 16), &ctl,
						  HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	if (plan->nsteps == 0)
		return;
	/* the scripts of the plan's revisions only: a plan of one step reads one */
	for (k = 0; k < plan->nsteps; k++)
		ids = lappend(ids, graph->revs[plan->steps[k].rev].id);
	values[0] = CStringGetTextDatum(project);
	values[1] = PointerGetDatum(pgm_build_text_array(ids));
	pgm_connect_spi(&os);
	(void) pgm_run_query(Q_LINT_SCRIPTS, values, NULL, 0);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		id = SPI_getbinval(tup, desc, 1, &isnull);
		char	   *idstr;
		RevisionScripts *rs;
		Datum		up;
		Datum		down;

		if (isnull)
			pgm_report_corrupt(project, "A revision has no id.");
		idstr = TextDatumGetCString(id);
		if (pgm_id_check(idstr) != PGM_ID_OK)
			pgm_report_corrupt(project, "A revision has the invalid id %s.", pgm_display(idstr));
		up = SPI_getbinval(tup, desc, 2, &isnull);
		if (isnull)
			pgm_report_corrupt(project, "Revision %s has no up script.", pgm_display(idstr));
		rs = hash_search(scripts, idstr, HASH_ENTER, NULL);
		rs->up = MemoryContextStrdup(cxt, TextDatumGetCString(up));
		down = SPI_getbinval(tup, desc, 3, &isnull);
		rs->down = isnull ? NULL : MemoryContextStrdup(cxt, TextDatumGetCString(down));
	}
	pgm_finish_spi(&os);

	st = pgm_lint_start(true, project, NULL);
	pgm_lint_lenient(st);
	for (k = 0; k < plan->nsteps; k++)
	{
		PgmStep    *step = &plan->steps[k];
		PgmRevision *rev = &graph->revs[step->rev];
		RevisionScripts *rs = hash_search(scripts, rev->id, HASH_FIND, NULL);
		const char *script = NULL;

		if (rs == NULL)
			pgm_report_corrupt(project, "Revision %s has no stored scripts.", pgm_display(rev->id));
		if (step->direction == PGM_UP)
			script = rs->up;
		else if (step->direction == PGM_DOWN)
			script = rs->down;
		counts[k] = script ? pgm_lint_next(st, script, rev->id,
										   step->direction == PGM_UP ? "up" : "down",
										   true)->nfindings : -1;
	}
}
