/*-------------------------------------------------------------------------
 *
 * diff.c
 *	  migrate.diff(from, to): the DDL that takes the schema described by
 *	  one snapshot to the schema described by another, and back.
 *
 * Both arguments are documents of migrate.schema_snapshot() (format 1,
 * see snapshot.c).  The result is a list of steps; each step is one or
 * more statements and a reverse that undoes exactly that step, given the
 * schema right after it, so that the reverses in the opposite order take
 * the second schema back to the first.  Each step belongs to a phase, and
 * the phases are ordered by what depends on what:
 *
 *	  1. what depends on objects about to change or go: sequences' OWNED
 *		 BY, policies, rules, triggers, views (dependents first), foreign
 *		 keys, other constraints, indexes, columns, tables;
 *	  2. the new and changed objects: schemas, extensions, types,
 *		 sequences, functions, tables, columns, constraints, indexes,
 *		 foreign keys (after their targets), functions that name new
 *		 relations, views (dependencies first), triggers, rules, policies,
 *		 OWNED BY, comments;
 *	  3. the objects other things were built on: functions, sequences,
 *		 types, extensions, schemas (after every column, default and
 *		 signature that used them has changed).
 *
 * A snapshot does not record dependencies, so they are read from the
 * definitions, which name every object schema-qualified (snapshots are
 * printed with search_path set to pg_catalog): a view that names a table
 * whose columns change type or go, or another view that is rebuilt, is
 * dropped before and created again after; a foreign key that references
 * a table whose unique constraints change is dropped and added again.
 *
 * Renames are never guessed: what disappears is dropped and what appears
 * is created.  Column positions are not compared (ALTER TABLE can only
 * add columns at the end).  Objects the snapshot lists without a
 * definition (kind "other"), partitioning and inheritance, a domain's
 * base type and replica identity by index are reported as manual steps:
 * a comment saying what must be written by hand.
 *
 * Every name in a statement comes from a snapshot key, which must have
 * the form quote_ident() gives it; every generated statement is parsed
 * with PostgreSQL's parser and must be exactly one statement of the kind
 * generated, so that no text of a snapshot can add a statement of its own.
 *
 * IDENTIFICATION
 *	  src/diff.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "nodes/parsenodes.h"
#include "miscadmin.h"
#include "parser/parse_type.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

/* the kinds of a snapshot, in the order of the document */
typedef enum Kind
{
	K_SCHEMA,
	K_TABLE,
	K_COLUMN,
	K_CONSTRAINT,
	K_INDEX,
	K_SEQUENCE,
	K_VIEW,
	K_MATVIEW,
	K_FUNCTION,
	K_PROCEDURE,
	K_TRIGGER,
	K_RULE,
	K_ENUM,
	K_DOMAIN,
	K_COMPOSITE,
	K_EXTENSION,
	K_POLICY,
	K_OTHER,
	NUM_KINDS
} Kind;

static const char *const kind_names[NUM_KINDS] = {
	"schema", "table", "column", "constraint", "index", "sequence", "view",
	"materialized_view", "function", "procedure", "trigger", "rule", "enum",
	"domain", "composite", "extension", "policy", "other"
};

/* how many quoted names make up a key of each kind (0: not parsed) */
static const int kind_parts[NUM_KINDS] = {
	1, 2, 3, 3, 2, 2, 2, 2, 2, 2, 3, 3, 2, 2, 2, 1, 3, 0
};

/* the phases of the up script, in order (see the file header) */
typedef enum Phase
{
	P_UNOWN,
	P_DROP_POLICY,
	P_DROP_RULE,
	P_DROP_TRIGGER,
	P_DROP_VIEW,
	P_DROP_RELATION_FUNCTION,
	P_DROP_FK,
	P_DROP_CONSTRAINT,
	P_DROP_INDEX,
	P_DROP_GENERATED,
	P_DROP_COLUMN,
	P_DROP_TABLE,
	P_DROP_OVERLOAD,
	P_SCHEMA,
	P_EXTENSION,
	P_TYPE,
	P_SEQUENCE,
	P_FUNCTION,
	P_TABLE,
	P_COLUMN,
	P_CONSTRAINT,
	P_INDEX,
	P_FK,
	P_LATE_FUNCTION,
	P_VIEW,
	P_TRIGGER,
	P_RULE,
	P_POLICY,
	P_OWN,
	P_COMMENT,
	P_DROP_FUNCTION,
	P_DROP_SEQUENCE,
	P_DROP_COMPOSITE,
	P_DROP_DOMAIN,
	P_DROP_TYPE,
	P_DROP_EXTENSION,
	P_DROP_SCHEMA,
	P_MANUAL
} Phase;

/* one object of a snapshot: its key and its fields */
typedef struct Obj
{
	char	   *key;
	JsonbContainer *fields;
	char	  **parts;			/* the key's quoted names */
	char	   *parent;			/* "schema.relation" of a column, constraint... */
	char	   *args;			/* "(...)" of a function's key */
	bool		rebuilt;		/* dropped and created again for a dependency */
} Obj;

/* the objects of one kind, sorted by key in byte order */
typedef struct ObjList
{
	Obj		   *objs;
	int			n;
} ObjList;

typedef struct Snap
{
	ObjList		kinds[NUM_KINDS];
} Snap;

typedef struct Step
{
	Phase		phase;
	int			seq;
	StringInfoData up;
	StringInfoData down;
	const char *hazard;
} Step;

typedef struct Diff
{
	Snap		a;				/* from */
	Snap		b;				/* to */
	List	   *steps;
	int			seq;
	List	   *altered;		/* names whose dependents are rebuilt */
	List	   *regenerated;	/* generated columns dropped and added again */
	List	   *manual_tables;	/* tables only a person can change */
	List	   *default_done;	/* columns whose default a type step dropped */
	List	   *default_early;	/* columns whose default goes before a function */
} Diff;

/* the diff being computed, for the manual steps of column changes */
static Diff *current_diff;

#define HAZARD_DESTRUCTIVE "destructive"
#define HAZARD_BLOCKING "blocking"
#define HAZARD_MANUAL "manual"

static void malformed(const char *detail,...) pg_attribute_printf(1, 2) pg_attribute_noreturn();

static void
malformed(const char *detail,...)
{
	char		buf[1024];
	va_list		args;

	va_start(args, detail);
	vsnprintf(buf, sizeof(buf), detail, args);
	va_end(args);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("malformed schema snapshot"),
			 errdetail("%s", buf),
			 errhint("Pass documents returned by migrate.schema_snapshot().")));
}

/* ---------- names ---------- */

/*
 * Advance *p over one name as quote_ident() prints it: a bare lower-case
 * name, or a double-quoted one with quotes doubled.  false if there is
 * none.
 */
static bool
scan_name(const char **p)
{
	const char *s = *p;

	if (*s == '"')
	{
		s++;
		for (;;)
		{
			if (*s == '\0')
				return false;
			if (*s == '"')
			{
				if (s[1] == '"')
					s += 2;
				else
					break;
			}
			else
				s++;
		}
		if (s == *p + 1)
			return false;		/* "" */
		*p = s + 1;
		return true;
	}
	if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	while ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')
		s++;
	*p = s;
	return true;
}

/* a single name, checked */
static bool
is_name(const char *s)
{
	const char *p = s;

	return scan_name(&p) && *p == '\0';
}

/*
 * Split a key into its names (kept quoted); a function's key ends in its
 * argument list in parentheses.
 */
static void
split_key(Kind kind, Obj *o)
{
	int			n = kind_parts[kind];
	const char *p = o->key;
	int			i;

	if (n == 0)
		return;
	o->parts = palloc(sizeof(char *) * n);
	for (i = 0; i < n; i++)
	{
		const char *start = p;

		if (i > 0)
		{
			if (*p != '.')
				malformed("The %s name \"%s\" is not %d names separated by dots.",
						  kind_names[kind], o->key, n);
			start = ++p;
		}
		if (!scan_name(&p))
			malformed("The %s name \"%s\" is not written as quote_ident() writes names.",
					  kind_names[kind], o->key);
		o->parts[i] = pnstrdup(start, p - start);
	}
	if (kind == K_FUNCTION || kind == K_PROCEDURE)
	{
		size_t		len = strlen(p);

		if (len < 2 || p[0] != '(' || p[len - 1] != ')')
			malformed("The %s name \"%s\" does not end in its argument types.",
					  kind_names[kind], o->key);
		o->args = pstrdup(p);
	}
	else if (*p != '\0')
		malformed("The %s name \"%s\" has text after its last name.",
				  kind_names[kind], o->key);
	if (n == 3)
		o->parent = psprintf("%s.%s", o->parts[0], o->parts[1]);
}

/* ---------- reading snapshots ---------- */

static int
obj_cmp(const void *a, const void *b)
{
	return strcmp(((const Obj *) a)->key, ((const Obj *) b)->key);
}

static void
read_snapshot(Jsonb *doc, Snap *snap, const char *which)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	JsonbValue *format;
	int			k;

	if (!JB_ROOT_IS_OBJECT(doc) || JB_ROOT_IS_SCALAR(doc))
		malformed("The %s snapshot is not a jsonb object.", which);
	format = getKeyJsonValueFromContainer(&doc->root, "format", 6, NULL);
	if (format == NULL || format->type != jbvNumeric ||
		strcmp(DatumGetCString(DirectFunctionCall1(numeric_out,
												   NumericGetDatum(format->val.numeric))), "1") != 0)
		malformed("The %s snapshot is not of format 1.", which);

	/* every key is a kind or "format" */
	it = JsonbIteratorInit(&doc->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		if (v.val.string.len == 6 && memcmp(v.val.string.val, "format", 6) == 0)
			continue;
		for (k = 0; k < NUM_KINDS; k++)
			if (strlen(kind_names[k]) == v.val.string.len &&
				memcmp(kind_names[k], v.val.string.val, v.val.string.len) == 0)
				break;
		if (k == NUM_KINDS)
			malformed("The %s snapshot has an unknown kind \"%.*s\".", which,
					  Min(v.val.string.len, 64), v.val.string.val);
	}

	for (k = 0; k < NUM_KINDS; k++)
	{
		JsonbValue *kv = getKeyJsonValueFromContainer(&doc->root, kind_names[k],
													   strlen(kind_names[k]), NULL);
		ObjList    *list = &snap->kinds[k];
		int			cap;

		list->n = 0;
		list->objs = NULL;
		if (kv == NULL)
			continue;
		if (kv->type != jbvBinary || !JsonContainerIsObject(kv->val.binary.data))
			malformed("The %s snapshot's \"%s\" is not an object.", which, kind_names[k]);
		cap = JsonContainerSize(kv->val.binary.data);
		list->objs = palloc0(sizeof(Obj) * Max(cap, 1));
		it = JsonbIteratorInit(kv->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			Obj		   *o;

			if (tok != WJB_KEY)
				continue;
			o = &list->objs[list->n];
			o->key = pnstrdup(v.val.string.val, v.val.string.len);
			if (strlen(o->key) != v.val.string.len)
				malformed("A %s name contains a zero byte.", kind_names[k]);
			tok = JsonbIteratorNext(&it, &v, true);
			if (tok != WJB_VALUE || v.type != jbvBinary ||
				!JsonContainerIsObject(v.val.binary.data))
				malformed("The fields of %s \"%s\" are not an object.",
						  kind_names[k], o->key);
			o->fields = v.val.binary.data;
			split_key(k, o);
			list->n++;
		}
		qsort(list->objs, list->n, sizeof(Obj), obj_cmp);
	}
}

static Obj *
find(Snap *s, Kind k, const char *key)
{
	Obj			probe;

	probe.key = (char *) key;
	return bsearch(&probe, s->kinds[k].objs, s->kinds[k].n, sizeof(Obj), obj_cmp);
}

/* the objects of kind k whose key starts with "parent." : [*lo, *hi) */
static void
children(Snap *s, Kind k, const char *parent, int *lo, int *hi)
{
	ObjList    *l = &s->kinds[k];
	size_t		plen = strlen(parent);
	int			a = 0,
				b = l->n;

	while (a < b)
	{
		int			m = (a + b) / 2;
		int			c = strncmp(l->objs[m].key, parent, plen);

		if (c < 0 || (c == 0 && l->objs[m].key[plen] < '.'))
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < l->n && strncmp(l->objs[a].key, parent, plen) == 0 &&
		   l->objs[a].key[plen] == '.')
		a++;
	*hi = a;
}

/* ---------- fields ---------- */

static JsonbValue *
field(JsonbContainer *f, const char *name)
{
	JsonbValue *v;

	if (f == NULL)
		return NULL;
	v = getKeyJsonValueFromContainer(f, name, strlen(name), NULL);
	if (v != NULL && v->type == jbvNull)
		return NULL;
	return v;
}

static const char *
fstr(Obj *o, const char *name)
{
	JsonbValue *v = field(o ? o->fields : NULL, name);

	if (v == NULL)
		return NULL;
	if (v->type != jbvString)
		malformed("The field \"%s\" of \"%s\" is not a string.", name, o->key);
	if (memchr(v->val.string.val, '\0', v->val.string.len) != NULL)
		malformed("The field \"%s\" of \"%s\" contains a zero byte.", name, o->key);
	return pnstrdup(v->val.string.val, v->val.string.len);
}

static bool
fbool(Obj *o, const char *name)
{
	JsonbValue *v = field(o ? o->fields : NULL, name);

	if (v == NULL)
		return false;
	if (v->type != jbvBool)
		malformed("The field \"%s\" of \"%s\" is not a boolean.", name, o->key);
	return v->val.boolean;
}

/* an integer field (sequence options), as digits */
static char *
fint_in(Obj *o, JsonbContainer *c, const char *name)
{
	JsonbValue *v = field(c, name);
	char	   *s;

	if (v == NULL)
		return NULL;
	if (v->type != jbvNumeric)
		malformed("The field \"%s\" of \"%s\" is not a number.", name, o->key);
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	if (strspn(s + (s[0] == '-'), "0123456789") != strlen(s + (s[0] == '-')) ||
		s[s[0] == '-'] == '\0')
		malformed("The field \"%s\" of \"%s\" is not an integer.", name, o->key);
	return s;
}

/* an array field, as a container (NULL when absent) */
static JsonbContainer *
farray(Obj *o, const char *name)
{
	JsonbValue *v = field(o ? o->fields : NULL, name);

	if (v == NULL)
		return NULL;
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		malformed("The field \"%s\" of \"%s\" is not an array.", name, o->key);
	return v->val.binary.data;
}

static JsonbContainer *
fobject(Obj *o, const char *name)
{
	JsonbValue *v = field(o ? o->fields : NULL, name);

	if (v == NULL)
		return NULL;
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		malformed("The field \"%s\" of \"%s\" is not an object.", name, o->key);
	return v->val.binary.data;
}

/* the strings of an array field */
static List *
fstrings(Obj *o, const char *name)
{
	JsonbContainer *c = farray(o, name);
	List	   *result = NIL;
	int			i,
				n;

	if (c == NULL)
		return NIL;
	n = JsonContainerSize(c);
	for (i = 0; i < n; i++)
	{
		JsonbValue *v = getIthJsonbValueFromContainer(c, i);

		if (v->type != jbvString ||
			memchr(v->val.string.val, '\0', v->val.string.len) != NULL)
			malformed("The field \"%s\" of \"%s\" holds something other than strings.",
					  name, o->key);
		result = lappend(result, pnstrdup(v->val.string.val, v->val.string.len));
	}
	return result;
}

static bool
values_equal(JsonbValue *a, JsonbValue *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type)
		return false;
	switch (a->type)
	{
		case jbvString:
			return a->val.string.len == b->val.string.len &&
				memcmp(a->val.string.val, b->val.string.val, a->val.string.len) == 0;
		case jbvNumeric:
			return DatumGetBool(DirectFunctionCall2(numeric_eq,
													NumericGetDatum(a->val.numeric),
													NumericGetDatum(b->val.numeric)));
		case jbvBool:
			return a->val.boolean == b->val.boolean;
		case jbvBinary:
			return compareJsonbContainers(a->val.binary.data, b->val.binary.data) == 0;
		default:
			return true;
	}
}

/* whether field name is the same in both objects (absent = absent) */
static bool
same(Obj *a, Obj *b, const char *name)
{
	return values_equal(field(a ? a->fields : NULL, name),
						field(b ? b->fields : NULL, name));
}

/* whether two objects have the same fields but for those listed */
static bool
same_except(Obj *a, Obj *b, const char *const *except)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			pass;

	for (pass = 0; pass < 2; pass++)
	{
		it = JsonbIteratorInit(pass == 0 ? a->fields : b->fields);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *name;
			const char *const *e;
			bool		skip = false;

			if (tok != WJB_KEY)
				continue;
			name = pnstrdup(v.val.string.val, v.val.string.len);
			for (e = except; *e; e++)
				if (strcmp(*e, name) == 0)
					skip = true;
			if (!skip && !same(a, b, name))
				return false;
		}
	}
	return true;
}

/* ---------- strings ---------- */

static bool
in_list(List *l, const char *s)
{
	ListCell   *lc;

	foreach(lc, l)
		if (strcmp((char *) lfirst(lc), s) == 0)
		return true;
	return false;
}

static bool
ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || (unsigned char) c >= 0x80;
}

/*
 * Whether text names the qualified object name ("schema.name", as keys
 * and definitions print it): an occurrence not inside a longer name.
 */
static bool
mentions(const char *text, const char *name)
{
	size_t		len = strlen(name);
	const char *p = text;

	if (text == NULL || len == 0)
		return false;
	while ((p = strstr(p, name)) != NULL)
	{
		char		before = p == text ? ' ' : p[-1];
		char		after = p[len];

		if (!ident_char(before) && before != '.' && before != '"' &&
			(!ident_char(after) || name[len - 1] == '"' || name[len - 1] == '(') &&
			(after != '"' || name[len - 1] == '"'))
			return true;
		p++;
	}
	return false;
}

/* text fit for a comment line: no line breaks or control characters */
static char *
comment_text(const char *s)
{
	char	   *r = pstrdup(s);
	char	   *p;

	for (p = r; *p; p++)
		if ((unsigned char) *p < 0x20 || *p == 0x7f)
			*p = ' ';
	return r;
}

/* a definition without trailing white space and semicolon */
static char *
trimmed(const char *s)
{
	char	   *r = pstrdup(s);
	size_t		len = strlen(r);

	while (len > 0 && (r[len - 1] == ';' || r[len - 1] == ' ' ||
					   r[len - 1] == '\n' || r[len - 1] == '\t' || r[len - 1] == '\r'))
		r[--len] = '\0';
	while (*r == ' ' || *r == '\n' || *r == '\t')
		r++;
	return r;
}

/* ---------- statements ---------- */

/* run parse, turning its syntax error into a malformed snapshot */
static void
parse_or_refuse(void (*parse) (const char *), const char *text, const char *what,
				const char *key, const char *should)
{
	MemoryContext cxt = CurrentMemoryContext;
	ErrorData  *edata = NULL;

	PG_TRY();
	{
		parse(text);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
	if (edata != NULL)
		malformed("The %s of \"%s\" is not %s (%s): %s", what, key, should, edata->message, text);
}

static void
parse_type(const char *text)
{
	(void) typeStringToTypeName(text);
}

/* an expression alone: SELECT (expression) with nothing else */
static void
parse_expression(const char *text)
{
	List	   *stmts = raw_parser(psprintf("SELECT (%s\n)", text), RAW_PARSE_DEFAULT);
	SelectStmt *sel;

	if (list_length(stmts) != 1 || !IsA(linitial_node(RawStmt, stmts)->stmt, SelectStmt))
		elog(ERROR, "more than an expression");
	sel = (SelectStmt *) linitial_node(RawStmt, stmts)->stmt;
	if (list_length(sel->targetList) != 1 || sel->fromClause != NIL || sel->whereClause ||
		sel->groupClause != NIL || sel->havingClause || sel->windowClause != NIL ||
		sel->sortClause != NIL || sel->limitCount || sel->limitOffset || sel->withClause ||
		sel->distinctClause != NIL || sel->intoClause || sel->op != SETOP_NONE ||
		sel->lockingClause != NIL || sel->valuesLists != NIL)
		elog(ERROR, "more than an expression");
}

/* a field that must be a type name */
static const char *
ftype(Obj *o, const char *name)
{
	const char *t = fstr(o, name);

	if (t != NULL)
		parse_or_refuse(parse_type, t, name, o->key, "a type name");
	return t;
}

/* a field that must be an expression */
static const char *
fexpr(Obj *o, const char *name)
{
	const char *e = fstr(o, name);

	if (e != NULL)
		parse_or_refuse(parse_expression, e, name, o->key, "one expression");
	return e;
}

/* a quoted name of a key without its quotes */
static char *
unquoted(const char *part)
{
	StringInfoData s;
	const char *p;

	if (part[0] != '"')
		return pstrdup(part);
	initStringInfo(&s);
	for (p = part + 1; p[1] != '\0'; p++)
	{
		appendStringInfoChar(&s, *p);
		if (*p == '"')
			p++;
	}
	return s.data;
}

/* whether a parsed relation is the one "schema.name" names */
static bool
is_relation(RangeVar *rv, const char *qualified)
{
	if (qualified == NULL)
		return false;
	{
		const char *p = qualified;
		const char *start = p;
		char	   *schema;

		if (!scan_name(&p) || *p != '.')
			return false;
		schema = unquoted(pnstrdup(start, p - start));
		start = ++p;
		if (!scan_name(&p) || *p != '\0')
			return false;
		return rv != NULL && rv->schemaname != NULL && strcmp(rv->schemaname, schema) == 0 &&
			strcmp(rv->relname, unquoted(start)) == 0;
	}
}

/*
 * A full definition (index, trigger, rule, routine) must define the object
 * its key names, on the relation the snapshot says.
 */
static void
check_definition_names(Obj *o, Kind k, const char *def)
{
	List	   *stmts = raw_parser(def, RAW_PARSE_DEFAULT);
	Node	   *stmt = linitial_node(RawStmt, stmts)->stmt;
	bool		ok = false;

	switch (k)
	{
		case K_INDEX:
			ok = strcmp(((IndexStmt *) stmt)->idxname ? ((IndexStmt *) stmt)->idxname : "",
						unquoted(o->parts[1])) == 0 &&
				is_relation(((IndexStmt *) stmt)->relation, fstr(o, "table"));
			break;
		case K_TRIGGER:
			ok = strcmp(((CreateTrigStmt *) stmt)->trigname, unquoted(o->parts[2])) == 0 &&
				is_relation(((CreateTrigStmt *) stmt)->relation, o->parent);
			break;
		case K_RULE:
			ok = strcmp(((RuleStmt *) stmt)->rulename, unquoted(o->parts[2])) == 0 &&
				is_relation(((RuleStmt *) stmt)->relation, o->parent);
			break;
		case K_FUNCTION:
		case K_PROCEDURE:
			{
				List	   *name = ((CreateFunctionStmt *) stmt)->funcname;

				/* a function's definition, not a procedure's, and the other way */
				ok = ((CreateFunctionStmt *) stmt)->is_procedure == (k == K_PROCEDURE) &&
					list_length(name) == 2 &&
					strcmp(strVal(linitial(name)), unquoted(o->parts[0])) == 0 &&
					strcmp(strVal(lsecond(name)), unquoted(o->parts[1])) == 0;
			}
			break;
		default:
			ok = true;
	}
	if (!ok)
		malformed("The definition of %s \"%s\" defines another object: %s",
				  kind_names[k], o->key, def);
}

/*
 * What a generated statement may hold beyond its kind: one ALTER TABLE
 * command, one object to drop, only the sequence options this file
 * writes, a domain without constraints (they are added one by one).
 */
static void
check_tree(Node *stmt, const char *sql)
{
	List	   *options = NIL;
	ListCell   *lc;

	switch (nodeTag(stmt))
	{
		case T_AlterTableStmt:
			if (list_length(((AlterTableStmt *) stmt)->cmds) != 1)
				malformed("A statement built from it has several commands: %s", sql);
			break;
		case T_DropStmt:
			if (list_length(((DropStmt *) stmt)->objects) != 1)
				malformed("A statement built from it drops several objects: %s", sql);
			break;
		case T_CreateDomainStmt:
			if (((CreateDomainStmt *) stmt)->constraints != NIL)
				malformed("A domain's type carries constraints: %s", sql);
			break;
		case T_CreateSeqStmt:
			options = ((CreateSeqStmt *) stmt)->options;
			break;
		case T_AlterSeqStmt:
			options = ((AlterSeqStmt *) stmt)->options;
			break;
		default:
			break;
	}
	foreach(lc, options)
	{
		const char *name = ((DefElem *) lfirst(lc))->defname;

		if (strcmp(name, "as") != 0 && strcmp(name, "increment") != 0 &&
			strcmp(name, "minvalue") != 0 && strcmp(name, "maxvalue") != 0 &&
			strcmp(name, "start") != 0 && strcmp(name, "cache") != 0 &&
			strcmp(name, "cycle") != 0 && strcmp(name, "owned_by") != 0)
			malformed("A sequence statement built from it has the option \"%s\": %s", name, sql);
	}
}

/*
 * Check that sql is exactly one statement of the expected kind (T_Invalid:
 * any), and append it with its semicolon to buf.
 */
static void
emit(StringInfo buf, NodeTag expect, const char *sql)
{
	List	   *stmts = NIL;
	MemoryContext cxt = CurrentMemoryContext;
	ErrorData  *edata = NULL;

	PG_TRY();
	{
		stmts = raw_parser(sql, RAW_PARSE_DEFAULT);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
	if (edata != NULL)
		malformed("A statement built from it does not parse (%s): %s",
				  edata->message, sql);
	if (list_length(stmts) != 1)
		malformed("A statement built from it is %d statements: %s",
				  list_length(stmts), sql);
	if (expect != T_Invalid &&
		nodeTag(linitial_node(RawStmt, stmts)->stmt) != expect)
		malformed("A definition is not the kind of statement expected: %s", sql);
	check_tree(linitial_node(RawStmt, stmts)->stmt, sql);
	/* nothing may hide the end of the statement (a line comment at its end) */
	if (list_length(raw_parser(psprintf("%s;SELECT 1", sql), RAW_PARSE_DEFAULT)) != 2)
		malformed("A statement built from it swallows what follows it: %s", sql);
	if (buf->len > 0)
		appendStringInfoChar(buf, '\n');
	appendStringInfoString(buf, sql);
	appendStringInfoChar(buf, ';');
}

static void emitf(StringInfo buf, NodeTag expect, const char *fmt,...) pg_attribute_printf(3, 4);

static void
emitf(StringInfo buf, NodeTag expect, const char *fmt,...)
{
	StringInfoData s;

	initStringInfo(&s);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&s, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&s, needed);
	}
	emit(buf, expect, s.data);
}

static Step *
new_step(Diff *d, Phase phase, const char *hazard)
{
	Step	   *s = palloc0(sizeof(Step));

	s->phase = phase;
	s->seq = d->seq++;
	s->hazard = hazard;
	initStringInfo(&s->up);
	initStringInfo(&s->down);
	d->steps = lappend(d->steps, s);
	return s;
}

static void manual(Diff *d, const char *fmt,...) pg_attribute_printf(2, 3);

static void
manual(Diff *d, const char *fmt,...)
{
	Step	   *s = new_step(d, P_MANUAL, HAZARD_MANUAL);
	StringInfoData t;

	initStringInfo(&t);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&t, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&t, needed);
	}
	appendStringInfo(&s->up, "-- manual: %s", comment_text(t.data));
}

/* COMMENT ON what IS text (NULL: IS NULL) */
static void
emit_comment(StringInfo buf, const char *what, const char *text)
{
	emitf(buf, T_CommentStmt, "COMMENT ON %s IS %s", what,
		  text ? quote_literal_cstr(text) : "NULL");
}

/* a comment step when only the comment differs */
static void
comment_step(Diff *d, const char *what, Obj *a, Obj *b)
{
	const char *ca = fstr(a, "comment");
	const char *cb = fstr(b, "comment");
	Step	   *s;

	if ((ca == NULL && cb == NULL) || (ca && cb && strcmp(ca, cb) == 0))
		return;
	s = new_step(d, P_COMMENT, NULL);
	emit_comment(&s->up, what, cb);
	emit_comment(&s->down, what, ca);
}

/* ---------- tables and columns ---------- */

/* a primary key, unique or exclusion constraint: adding it builds an index */
static bool
builds_index(Obj *con)
{
	const char *def = fstr(con, "definition");

	return def != NULL && (strncmp(def, "PRIMARY KEY", 11) == 0 ||
						   strncmp(def, "UNIQUE", 6) == 0 || strncmp(def, "EXCLUDE", 7) == 0);
}

/* a constraint trigger's row: the trigger itself carries it */
static bool
is_trigger_constraint(Obj *con)
{
	const char *def = fstr(con, "definition");

	return def != NULL && strncmp(def, "TRIGGER", 7) == 0;
}

static bool
is_fk(Obj *con)
{
	const char *def = fstr(con, "definition");

	return def != NULL && strncmp(def, "FOREIGN KEY", 11) == 0;
}

/* a table this file leaves to a person: partitioning or inheritance */
static bool
special_table(Obj *t)
{
	return t != NULL && (fbool(t, "partitioned") || field(t->fields, "partition_bound") ||
						 field(t->fields, "parents"));
}

static bool
manual_table(Diff *d, const char *table)
{
	return in_list(d->manual_tables, table);
}

/* the sequence options of an identity column, where they differ from the defaults */
static void
identity_options(StringInfo buf, Obj *col, JsonbContainer *seq, const char *type,
				 bool for_set)
{
	const char *max_default;
	char	   *inc = fint_in(col, seq, "increment");
	char	   *start = fint_in(col, seq, "start");
	char	   *min = fint_in(col, seq, "min");
	char	   *max = fint_in(col, seq, "max");
	char	   *cache = fint_in(col, seq, "cache");
	JsonbValue *cycle = field(seq, "cycle");
	bool		asc = inc == NULL || inc[0] != '-';
	StringInfoData o;

	if (type && strcmp(type, "smallint") == 0)
		max_default = "32767";
	else if (type && strcmp(type, "integer") == 0)
		max_default = "2147483647";
	else
		max_default = "9223372036854775807";
	initStringInfo(&o);
	if (for_set)
	{
		/* SET every option: the column's sequence may have any values */
		if (inc)
			appendStringInfo(&o, " SET INCREMENT BY %s", inc);
		if (min)
			appendStringInfo(&o, " SET MINVALUE %s", min);
		if (max)
			appendStringInfo(&o, " SET MAXVALUE %s", max);
		if (start)
			appendStringInfo(&o, " SET START WITH %s", start);
		if (cache)
			appendStringInfo(&o, " SET CACHE %s", cache);
		if (cycle && cycle->type == jbvBool)
			appendStringInfo(&o, " SET %sCYCLE", cycle->val.boolean ? "" : "NO ");
		appendStringInfoString(buf, o.data);
		return;
	}
	if (inc && strcmp(inc, "1") != 0)
		appendStringInfo(&o, " INCREMENT BY %s", inc);
	if (min && !(asc && strcmp(min, "1") == 0))
		appendStringInfo(&o, " MINVALUE %s", min);
	if (max && !(asc && strcmp(max, max_default) == 0))
		appendStringInfo(&o, " MAXVALUE %s", max);
	if (start && !(asc && min && strcmp(start, min) == 0) &&
		!(!asc && max && strcmp(start, max) == 0))
		appendStringInfo(&o, " START WITH %s", start);
	if (cache && strcmp(cache, "1") != 0)
		appendStringInfo(&o, " CACHE %s", cache);
	if (cycle && cycle->type == jbvBool && cycle->val.boolean)
		appendStringInfoString(&o, " CYCLE");
	if (o.len > 0)
		appendStringInfo(buf, " (%s)", o.data + 1);
}

/* a column as CREATE TABLE and ADD COLUMN write it */
static void
column_definition(StringInfo buf, Obj *col)
{
	const char *type = ftype(col, "type");
	const char *collation = fstr(col, "collation");
	const char *def = fexpr(col, "default");
	const char *gen = fexpr(col, "generated");
	const char *identity = fstr(col, "identity");

	if (type == NULL)
		malformed("The column \"%s\" has no type.", col->key);
	appendStringInfo(buf, "%s %s", col->parts[2], type);
	if (collation)
	{
		const char *p = collation;

		if (!scan_name(&p) || *p++ != '.' || !scan_name(&p) || *p != '\0')
			malformed("The collation of \"%s\" is not a qualified name.", col->key);
		appendStringInfo(buf, " COLLATE %s", collation);
	}
	if (gen)
		appendStringInfo(buf, " GENERATED ALWAYS AS (%s) STORED", gen);
	else if (def)
		appendStringInfo(buf, " DEFAULT %s", def);
	if (fbool(col, "not_null"))
		appendStringInfoString(buf, " NOT NULL");
	if (identity)
	{
		if (strcmp(identity, "always") != 0 && strcmp(identity, "by default") != 0)
			malformed("The identity of \"%s\" is neither \"always\" nor \"by default\".",
					  col->key);
		appendStringInfo(buf, " GENERATED %s AS IDENTITY",
						 strcmp(identity, "always") == 0 ? "ALWAYS" : "BY DEFAULT");
		identity_options(buf, col, fobject(col, "identity_sequence"), type, false);
	}
}

/*
 * The storage a column of a type has unless told otherwise (a snapshot
 * names a column's storage only when it differs): the varlena types that
 * ship with PostgreSQL and PostGIS's; NULL for a type not known here.
 */
static const char *
type_storage(const char *type)
{
	static const char *const extended[] = {
		"text", "character varying", "character", "bytea", "json", "jsonb", "xml",
		"tsvector", "tsquery", "bit varying", "bit", "path", "polygon", "int2vector",
		"oidvector", "public.hstore", "citext", "public.citext",
	};
	static const char *const main_types[] = {
		"numeric", "inet", "cidr", "public.geometry", "public.geography",
	};
	size_t		len;
	int			i;

	if (type == NULL)
		return NULL;
	len = strcspn(type, "(");
	if (strcmp(type + strlen(type) - (strlen(type) >= 2 ? 2 : 0), "[]") == 0)
		return "extended";
	for (i = 0; i < lengthof(extended); i++)
		if (strlen(extended[i]) == len && strncmp(type, extended[i], len) == 0)
			return "extended";
	for (i = 0; i < lengthof(main_types); i++)
		if (strlen(main_types[i]) == len && strncmp(type, main_types[i], len) == 0)
			return "main";
	return NULL;
}

/* storage, n_distinct options and the comment of a column, from a to b */
static void
column_extras(StringInfo buf, const char *table, Obj *a, Obj *b)
{
	const char *name = b->parts[2];
	const char *sb = fstr(b, "storage");
	List	   *oa = fstrings(a, "options");
	List	   *ob = fstrings(b, "options");
	ListCell   *lc;

	if (!same(a, b, "storage"))
	{
		if (sb == NULL)
			sb = type_storage(fstr(b, "type"));
		if (sb == NULL)
		{
			manual(current_diff, "column %s returns to its type's default storage, which the snapshot does not name: write ALTER TABLE ... SET STORAGE by hand",
				   b->key);
			sb = "";
		}
		else if (strcmp(sb, "plain") != 0 && strcmp(sb, "external") != 0 &&
				 strcmp(sb, "main") != 0 && strcmp(sb, "extended") != 0)
			malformed("The storage of column \"%s\" is unknown.", b->key);
		if (*sb)
			emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s SET STORAGE %s",
				  table, name, sb);
	}
	if (!same(a, b, "options"))
	{
		StringInfoData set;
		StringInfoData reset;

		initStringInfo(&set);
		initStringInfo(&reset);
		foreach(lc, ob)
		{
			char	   *opt = lfirst(lc);
			char	   *eq = strchr(opt, '=');

			if (eq == NULL || (strncmp(opt, "n_distinct=", 11) != 0 &&
							   strncmp(opt, "n_distinct_inherited=", 21) != 0))
				malformed("The options of column \"%s\" are not n_distinct settings.", b->key);
			appendStringInfo(&set, "%s%.*s = %s", set.len ? ", " : "",
							 (int) (eq - opt), opt, quote_literal_cstr(eq + 1));
		}
		foreach(lc, oa)
		{
			char	   *opt = lfirst(lc);
			char	   *eq = strchr(opt, '=');
			bool		kept = false;
			ListCell   *lc2;

			if (eq == NULL)
				continue;
			foreach(lc2, ob)
				if (strncmp(lfirst(lc2), opt, eq - opt + 1) == 0)
				kept = true;
			if (!kept && (strncmp(opt, "n_distinct=", 11) == 0 ||
						  strncmp(opt, "n_distinct_inherited=", 21) == 0))
				appendStringInfo(&reset, "%s%.*s", reset.len ? ", " : "",
								 (int) (eq - opt), opt);
		}
		if (reset.len)
			emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s RESET (%s)",
				  table, name, reset.data);
		if (set.len)
			emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s SET (%s)",
				  table, name, set.data);
	}
	if (!same(a, b, "comment"))
		emit_comment(buf, psprintf("COLUMN %s", b->key), fstr(b, "comment"));
}

/*
 * Whether a type change keeps every value: the same type with a larger or
 * no length or precision, a wider integer, a number into numeric, a float
 * into double precision, anything into text.
 */
static bool
lossless_type_change(const char *from, const char *to)
{
	static const char *const widen[][2] = {
		{"smallint", "integer"}, {"smallint", "bigint"}, {"integer", "bigint"},
		{"smallint", "numeric"}, {"integer", "numeric"}, {"bigint", "numeric"},
		{"real", "double precision"}, {"character varying", "text"},
		{"character", "text"}, {"timestamp without time zone", "timestamp with time zone"},
		{"timestamp(0) without time zone", "timestamp with time zone"},
		{"cidr", "inet"}, {"jsonb", "json"},
	};
	const char *pf = strchr(from, '(');
	const char *pt = strchr(to, '(');
	int			i;

	if (strcmp(to, "text") == 0 && strchr(from, '[') == NULL)
		return true;
	for (i = 0; i < lengthof(widen); i++)
		if (strcmp(widen[i][0], from) == 0 && strcmp(widen[i][1], to) == 0)
			return true;
	/* varchar(n) -> varchar(m), m >= n; varchar(n) -> varchar; numeric(p,s) -> numeric(q,s) */
	if (pf && strncmp(from, to, pf - from) == 0 &&
		(strcmp(from, "character varying") == 0 || strncmp(from, "character varying(", 18) == 0 ||
		 strncmp(from, "numeric(", 8) == 0 || strncmp(from, "bit varying(", 12) == 0))
	{
		int			fn,
					fs = 0,
					tn,
					ts = 0;

		if (pt == NULL)
			return to[pf - from] == '\0';
		if (sscanf(pf, "(%d,%d)", &fn, &fs) < 1 || sscanf(pt, "(%d,%d)", &tn, &ts) < 1)
			return false;
		return tn >= fn && ts == fs;
	}
	if (strncmp(from, "character varying(", 18) == 0 && strcmp(to, "character varying") == 0)
		return true;
	if (strncmp(from, "numeric(", 8) == 0 && strcmp(to, "numeric") == 0)
		return true;
	return false;
}

static bool
is_string_type(const char *t)
{
	return strcmp(t, "text") == 0 || strncmp(t, "character varying", 17) == 0 ||
		strncmp(t, "character", 9) == 0;
}

/*
 * The statements that change column a into column b (same table, same
 * name); the reverse is the same call with a and b swapped.  defaultless:
 * a's default has already been dropped.
 */
static void
alter_column(StringInfo buf, const char *table, Obj *a, Obj *b, bool defaultless)
{
	const char *name = b->parts[2];
	const char *ta = ftype(a, "type");
	const char *tb = ftype(b, "type");
	const char *ia = fstr(a, "identity");
	const char *ib = fstr(b, "identity");
	const char *da = defaultless ? NULL : fexpr(a, "default");
	const char *db = fexpr(b, "default");
	bool		type_change = !same(a, b, "type") || !same(a, b, "collation");
	bool		default_dropped = false;

	if (ta == NULL || tb == NULL)
		malformed("The column \"%s\" has no type.", b->key);
	if (ia && !ib)
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s DROP IDENTITY", table, name);
	if (da && (db == NULL || strcmp(da, db) != 0 || type_change))
	{
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", table, name);
		default_dropped = true;
	}
	if (fstr(a, "generated") && !fstr(b, "generated"))
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s DROP EXPRESSION", table, name);
	if (type_change)
	{
		const char *collation = fstr(b, "collation");
		StringInfoData s;
		const char *p = collation;

		if (collation && (!scan_name(&p) || *p++ != '.' || !scan_name(&p) || *p != '\0'))
			malformed("The collation of \"%s\" is not a qualified name.", b->key);
		initStringInfo(&s);
		appendStringInfo(&s, "ALTER TABLE %s ALTER COLUMN %s TYPE %s", table, name, tb);
		if (collation)
			appendStringInfo(&s, " COLLATE %s", collation);
		if (is_string_type(ta) && !is_string_type(tb))
			appendStringInfo(&s, " USING %s::%s", name, tb);
		emit(buf, T_AlterTableStmt, s.data);
	}
	if (fbool(a, "not_null") && !fbool(b, "not_null"))
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", table, name);
	if (!fbool(a, "not_null") && fbool(b, "not_null"))
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", table, name);
	if (ib && !ia)
	{
		StringInfoData s;

		initStringInfo(&s);
		appendStringInfo(&s, "ALTER TABLE %s ALTER COLUMN %s ADD GENERATED %s AS IDENTITY",
						 table, name, strcmp(ib, "always") == 0 ? "ALWAYS" : "BY DEFAULT");
		identity_options(&s, b, fobject(b, "identity_sequence"), tb, false);
		emit(buf, T_AlterTableStmt, s.data);
		/* the rows there are keep their values: the sequence goes on after them */
		emitf(buf, T_SelectStmt,
			  "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(%s, %s), "
			  "pg_catalog.max(%s)) FROM %s HAVING pg_catalog.max(%s) IS NOT NULL",
			  quote_literal_cstr(table), quote_literal_cstr(name), name, table, name);
	}
	else if (ib && ia)
	{
		if (strcmp(ia, ib) != 0)
			emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s SET GENERATED %s",
				  table, name, strcmp(ib, "always") == 0 ? "ALWAYS" : "BY DEFAULT");
		if (!same(a, b, "identity_sequence"))
		{
			StringInfoData s;

			initStringInfo(&s);
			appendStringInfo(&s, "ALTER TABLE %s ALTER COLUMN %s", table, name);
			identity_options(&s, b, fobject(b, "identity_sequence"), tb, true);
			emit(buf, T_AlterTableStmt, s.data);
		}
	}
	if (db && (default_dropped || da == NULL || strcmp(da, db) != 0))
	{
		const char *end = strncmp(db, "nextval('", 9) == 0 ? strstr(db + 9, "'::regclass)") : NULL;

		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s",
			  table, name, db);
		/* a column that takes its values from another sequence now: after the rows' */
		if (end != NULL && end[12] == '\0' && memchr(db + 9, '\'', end - db - 9) == NULL &&
			(da == NULL || strcmp(da, db) != 0))
			emitf(buf, T_SelectStmt,
				  "SELECT pg_catalog.setval(%s, pg_catalog.max(%s)) FROM %s HAVING pg_catalog.max(%s) IS NOT NULL",
				  quote_literal_cstr(pnstrdup(db + 9, end - db - 9)), name, table, name);
	}
	column_extras(buf, table, a, b);
}

/* ALTER TABLE ... ADD COLUMN with what belongs to the column */
static void
add_column(StringInfo buf, const char *table, Obj *col)
{
	StringInfoData s;
	Obj			none = {0};

	none.key = col->key;
	none.fields = NULL;
	initStringInfo(&s);
	appendStringInfo(&s, "ALTER TABLE %s ADD COLUMN ", table);
	column_definition(&s, col);
	emit(buf, T_AlterTableStmt, s.data);
	column_extras(buf, table, &none, col);
}

/* the columns of a table, in position order */
static int
position_cmp(const void *a, const void *b)
{
	Obj		   *x = *(Obj *const *) a;
	Obj		   *y = *(Obj *const *) b;
	char	   *px = fint_in(x, x->fields, "position");
	char	   *py = fint_in(y, y->fields, "position");
	long		vx = px ? atol(px) : 0;
	long		vy = py ? atol(py) : 0;

	return vx < vy ? -1 : vx > vy ? 1 : strcmp(x->key, y->key);
}

static Obj **
table_columns(Snap *s, const char *table, int *n)
{
	int			lo,
				hi,
				i;
	Obj		  **cols;

	children(s, K_COLUMN, table, &lo, &hi);
	*n = hi - lo;
	cols = palloc(sizeof(Obj *) * Max(*n, 1));
	for (i = lo; i < hi; i++)
		cols[i - lo] = &s->kinds[K_COLUMN].objs[i];
	qsort(cols, *n, sizeof(Obj *), position_cmp);
	return cols;
}

/* the names of a list of String nodes, quoted, separated by commas */
static char *
name_list(List *names)
{
	StringInfoData s;
	ListCell   *lc;

	initStringInfo(&s);
	foreach(lc, names)
		appendStringInfo(&s, "%s%s", s.len ? ", " : "", quote_identifier(strVal(lfirst(lc))));
	return s.data;
}

/*
 * A primary key or unique constraint added to a table that exists, as a
 * unique index built first and the constraint made of it: the index build
 * is the step's one long lock, and the client's --online can make it
 * CONCURRENTLY.  false (nothing written) for a constraint with storage
 * options or a tablespace, which ADD CONSTRAINT then builds itself.
 */
static bool
add_key_constraint(StringInfo buf, Obj *con, const char *def)
{
	char	   *sql = psprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", con->parent,
							   con->parts[2], def);
	List	   *stmts;
	AlterTableStmt *alter;
	Constraint *c;
	StringInfoData idx;

	emit(makeStringInfo(), T_AlterTableStmt, sql);
	stmts = raw_parser(sql, RAW_PARSE_DEFAULT);
	alter = castNode(AlterTableStmt, linitial_node(RawStmt, stmts)->stmt);
	c = (Constraint *) ((AlterTableCmd *) linitial(alter->cmds))->def;
	if (!IsA(c, Constraint) || (c->contype != CONSTR_PRIMARY && c->contype != CONSTR_UNIQUE) ||
		c->options != NIL || c->indexspace != NULL || c->keys == NIL)
		return false;
	initStringInfo(&idx);
	appendStringInfo(&idx, "CREATE UNIQUE INDEX %s ON %s USING btree (%s)", con->parts[2],
					 con->parent, name_list(c->keys));
	if (c->including != NIL)
		appendStringInfo(&idx, " INCLUDE (%s)", name_list(c->including));
	if (c->nulls_not_distinct)
		appendStringInfoString(&idx, " NULLS NOT DISTINCT");
	emit(buf, T_IndexStmt, idx.data);
	emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s%s%s",
		  con->parent, con->parts[2], c->contype == CONSTR_PRIMARY ? "PRIMARY KEY" : "UNIQUE",
		  con->parts[2], c->deferrable ? " DEFERRABLE" : "",
		  c->initdeferred ? " INITIALLY DEFERRED" : "");
	return true;
}

/* ADD CONSTRAINT with its comment */
static void
add_constraint(StringInfo buf, Obj *con, bool validate_later)
{
	const char *def = fstr(con, "definition");
	bool		done = false;

	if (def == NULL)
		malformed("The constraint \"%s\" has no definition.", con->key);
	if (validate_later && (strncmp(def, "PRIMARY KEY", 11) == 0 || strncmp(def, "UNIQUE", 6) == 0))
		done = add_key_constraint(buf, con, def);
	if (done)
		;						/* a unique index, then the constraint */
	else if (validate_later && fbool(con, "validated") &&
		(strncmp(def, "FOREIGN KEY", 11) == 0 || strncmp(def, "CHECK", 5) == 0))
	{
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ADD CONSTRAINT %s %s NOT VALID",
			  con->parent, con->parts[2], def);
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s VALIDATE CONSTRAINT %s",
			  con->parent, con->parts[2]);
	}
	else
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ADD CONSTRAINT %s %s",
			  con->parent, con->parts[2], def);
	if (fstr(con, "comment"))
		emit_comment(buf, psprintf("CONSTRAINT %s ON %s", con->parts[2], con->parent),
					 fstr(con, "comment"));
}

static void
drop_constraint(StringInfo buf, Obj *con)
{
	emitf(buf, T_AlterTableStmt, "ALTER TABLE %s DROP CONSTRAINT %s",
		  con->parent, con->parts[2]);
}

/* CREATE INDEX with its comment */
static void
create_index(StringInfo buf, Obj *idx, bool concurrently)
{
	const char *def = fstr(idx, "definition");

	if (def == NULL)
		malformed("The index \"%s\" has no definition.", idx->key);
	(void) concurrently;
	emit(buf, T_IndexStmt, trimmed(def));
	check_definition_names(idx, K_INDEX, trimmed(def));
	if (fstr(idx, "comment"))
		emit_comment(buf, psprintf("INDEX %s", idx->key), fstr(idx, "comment"));
}

/* the indexes of a relation (they are keyed by their own name) */
static List *
relation_indexes(Snap *s, const char *rel)
{
	List	   *result = NIL;
	int			i;

	for (i = 0; i < s->kinds[K_INDEX].n; i++)
	{
		Obj		   *idx = &s->kinds[K_INDEX].objs[i];
		const char *t = fstr(idx, "table");

		if (t && strcmp(t, rel) == 0)
			result = lappend(result, idx);
	}
	return result;
}

/* the table-level settings of b that are not a's */
static void
alter_table_settings(StringInfo buf, Obj *a, Obj *b, const char *table,
					 bool persistence)
{
	const char *ra = fstr(a, "replica_identity");
	const char *rb = fstr(b, "replica_identity");
	List	   *oa = fstrings(a, "options");
	List	   *ob = fstrings(b, "options");
	ListCell   *lc;

	if (persistence && !same(a, b, "persistence"))
	{
		const char *p = fstr(b, "persistence");

		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s SET %s", table,
			  p && strcmp(p, "unlogged") == 0 ? "UNLOGGED" : "LOGGED");
	}
	if (!same(a, b, "options"))
	{
		StringInfoData set;
		StringInfoData reset;

		initStringInfo(&set);
		initStringInfo(&reset);
		foreach(lc, ob)
		{
			char	   *opt = lfirst(lc);
			char	   *eq = strchr(opt, '=');
			char	   *key;

			if (eq == NULL)
				malformed("The options of \"%s\" are not key=value.", b->key);
			key = pnstrdup(opt, eq - opt);
			if (strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(key) || *key == '\0')
				malformed("The options of \"%s\" have an invalid name.", b->key);
			appendStringInfo(&set, "%s%s = %s", set.len ? ", " : "", key,
							 quote_literal_cstr(eq + 1));
		}
		foreach(lc, oa)
		{
			char	   *opt = lfirst(lc);
			char	   *eq = strchr(opt, '=');
			bool		kept = false;
			ListCell   *lc2;
			char	   *key;

			if (eq == NULL)
				malformed("The options of \"%s\" are not key=value.", a->key);
			key = pnstrdup(opt, eq - opt);
			if (strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(key) || *key == '\0')
				malformed("The options of \"%s\" have an invalid name.", a->key);
			foreach(lc2, ob)
				if (strncmp(lfirst(lc2), opt, eq - opt + 1) == 0)
				kept = true;
			if (!kept)
				appendStringInfo(&reset, "%s%s", reset.len ? ", " : "", key);
		}
		if (reset.len)
			emitf(buf, T_AlterTableStmt, "ALTER TABLE %s RESET (%s)", table, reset.data);
		if (set.len)
			emitf(buf, T_AlterTableStmt, "ALTER TABLE %s SET (%s)", table, set.data);
	}
	if (fbool(a, "row_security") != fbool(b, "row_security"))
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s %s ROW LEVEL SECURITY", table,
			  fbool(b, "row_security") ? "ENABLE" : "DISABLE");
	if (fbool(a, "force_row_security") != fbool(b, "force_row_security"))
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s %s ROW LEVEL SECURITY", table,
			  fbool(b, "force_row_security") ? "FORCE" : "NO FORCE");
	if (!same(a, b, "replica_identity"))
	{
		if (rb && strcmp(rb, "full") != 0 && strcmp(rb, "nothing") != 0)
			malformed("The replica identity of \"%s\" is unknown.", b->key);
		(void) ra;
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s REPLICA IDENTITY %s", table,
			  rb == NULL ? "DEFAULT" : strcmp(rb, "full") == 0 ? "FULL" : "NOTHING");
	}
	if (!same(a, b, "comment"))
		emit_comment(buf, psprintf("TABLE %s", table), fstr(b, "comment"));
}

/*
 * CREATE TABLE with everything of the table but foreign keys, triggers,
 * rules and policies (they have steps of their own).
 */
static void
create_table(StringInfo buf, Snap *s, Obj *t)
{
	int			n,
				i,
				lo,
				hi;
	Obj		  **cols = table_columns(s, t->key, &n);
	StringInfoData c;
	Obj			none = {0};
	List	   *idx;
	ListCell   *lc;
	const char *p = fstr(t, "persistence");

	initStringInfo(&c);
	appendStringInfo(&c, "CREATE %sTABLE %s (",
					 p && strcmp(p, "unlogged") == 0 ? "UNLOGGED " : "", t->key);
	for (i = 0; i < n; i++)
	{
		appendStringInfoString(&c, i ? ",\n\t" : "\n\t");
		column_definition(&c, cols[i]);
	}
	appendStringInfoString(&c, n ? "\n)" : ")");
	emit(buf, T_CreateStmt, c.data);

	/* options, row security, replica identity, comment: as changes from nothing */
	none.key = t->key;
	alter_table_settings(buf, &none, t, t->key, false);
	for (i = 0; i < n; i++)
	{
		Obj			nocol = {0};

		nocol.key = cols[i]->key;
		column_extras(buf, t->key, &nocol, cols[i]);
	}
	children(s, K_CONSTRAINT, t->key, &lo, &hi);
	/* primary keys and unique constraints first: exclusion ones may not matter, FKs are apart */
	for (i = lo; i < hi; i++)
		if (!is_fk(&s->kinds[K_CONSTRAINT].objs[i]) &&
			!is_trigger_constraint(&s->kinds[K_CONSTRAINT].objs[i]))
			add_constraint(buf, &s->kinds[K_CONSTRAINT].objs[i], false);
	idx = relation_indexes(s, t->key);
	foreach(lc, idx)
		create_index(buf, lfirst(lc), false);
}

/* ---------- marks: objects rebuilt because of what they depend on ---------- */

static void
mark(Diff *d, Kind k, const char *key)
{
	Obj		   *o = find(&d->a, k, key);

	if (o != NULL)
		o->rebuilt = true;
}

static bool
marked(Diff *d, Kind k, const char *key)
{
	Obj		   *o = find(&d->a, k, key);

	return o != NULL && o->rebuilt;
}

static bool
is_view_kind(Kind k)
{
	return k == K_VIEW || k == K_MATVIEW;
}

/* whether text names any of the names in the list */
static bool
mentions_any(const char *text, List *names)
{
	ListCell   *lc;

	foreach(lc, names)
		if (mentions(text, lfirst(lc)))
		return true;
	return false;
}

/* a function's name for mentions: "schema.name(" */
static char *
function_prefix(Obj *f)
{
	return psprintf("%s.%s(", f->parts[0], f->parts[1]);
}

/* the "RETURNS ..." line of a function definition */
static char *
returns_line(const char *def)
{
	const char *p = def ? strstr(def, "\n RETURNS ") : NULL;
	const char *e;

	if (p == NULL)
		return pstrdup("");
	e = strchr(p + 1, '\n');
	return e ? pnstrdup(p, e - p) : pstrdup(p);
}

/* whether a function is dropped and created again (CREATE OR REPLACE cannot change it) */
static bool
function_recreated(Obj *a, Obj *b)
{
	return strcmp(returns_line(fstr(a, "definition")),
				  returns_line(fstr(b, "definition"))) != 0 ||
		!same(a, b, "language");
}

static bool
enum_appends_only(List *la, List *lb)
{
	ListCell   *lc;
	int			j = 0;

	/* a's labels appear in b in the same order */
	foreach(lc, la)
	{
		bool		found = false;

		while (j < list_length(lb))
			if (strcmp(list_nth(lb, j++), lfirst(lc)) == 0)
			{
				found = true;
				break;
			}
		if (!found)
			return false;
	}
	return true;
}

/* the columns whose type is the enum (or an array of it), in snapshot s */
static bool
column_of_type(Obj *col, const char *type, bool *array)
{
	const char *t = fstr(col, "type");
	size_t		len = strlen(type);

	if (t == NULL || strncmp(t, type, len) != 0)
		return false;
	if (t[len] == '\0')
	{
		*array = false;
		return true;
	}
	if (strcmp(t + len, "[]") == 0)
	{
		*array = true;
		return true;
	}
	return false;
}

static bool enum_label_used(Diff *d, Obj *e, List *la, List *lb);

static bool
is_enum_recreated(Diff *d, Obj *ea)
{
	Obj		   *eb = find(&d->b, K_ENUM, ea->key);

	return eb != NULL && !same(ea, eb, "labels") &&
		(!enum_appends_only(fstrings(ea, "labels"), fstrings(eb, "labels")) ||
		 enum_label_used(d, ea, fstrings(ea, "labels"), fstrings(eb, "labels")));
}

/* whether a column keeps existing through the diff (same table, not recreated) */
static bool
column_kept(Diff *d, Obj *ca)
{
	Obj		   *cb = find(&d->b, K_COLUMN, ca->key);
	const char *ga;
	const char *gb;

	if (cb == NULL || manual_table(d, ca->parent) ||
		find(&d->b, K_TABLE, ca->parent) == NULL)
		return false;
	ga = fstr(ca, "generated");
	gb = fstr(cb, "generated");
	return !(gb && (ga == NULL || strcmp(ga, gb) != 0)) && !in_list(d->regenerated, ca->key);
}

/*
 * Generated columns whose expression names a column of their table that
 * changes type, or a function that is dropped and created again:
 * PostgreSQL refuses both changes under them, so they are dropped before
 * and added again after.
 */
static void
find_regenerated(Diff *d, List *functions)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_COLUMN].n; i++)
	{
		Obj		   *g = &d->a.kinds[K_COLUMN].objs[i];
		Obj		   *gb = find(&d->b, K_COLUMN, g->key);
		const char *expr = fstr(g, "generated");
		int			lo,
					hi,
					j;

		if (expr == NULL || gb == NULL || !fstr(gb, "generated") ||
			manual_table(d, g->parent) || find(&d->b, K_TABLE, g->parent) == NULL)
			continue;
		if (mentions_any(expr, functions))
		{
			d->regenerated = lappend(d->regenerated, g->key);
			continue;
		}
		children(&d->a, K_COLUMN, g->parent, &lo, &hi);
		for (j = lo; j < hi; j++)
		{
			Obj		   *c = &d->a.kinds[K_COLUMN].objs[j];
			Obj		   *cb = find(&d->b, K_COLUMN, c->key);

			if (c != g && cb != NULL && (!same(c, cb, "type") || !same(c, cb, "collation")) &&
				mentions(expr, c->parts[2]))
			{
				d->regenerated = lappend(d->regenerated, g->key);
				break;
			}
		}
	}
}

/*
 * What is rebuilt because something it depends on changes: views over
 * altered tables and rebuilt views or functions, foreign keys to tables
 * whose keys change, indexes and constraints on recreated columns,
 * triggers on rebuilt views or calling rebuilt functions, policies of
 * altered tables.
 */
static void
find_dependents(Diff *d)
{
	List	   *altered = NIL;
	List	   *keys_changed = NIL;
	List	   *functions = NIL;
	List	   *fresh;
	int			i,
				k;
	bool		more;
	bool		first = true;

	/* functions dropped and created again */
	for (k = K_FUNCTION; k <= K_PROCEDURE; k++)
		for (i = 0; i < d->a.kinds[k].n; i++)
		{
			Obj		   *fa = &d->a.kinds[k].objs[i];
			Obj		   *fb = find(&d->b, k, fa->key);

			if (fb && function_recreated(fa, fb))
				functions = lappend(functions, function_prefix(fa));
		}
	find_regenerated(d, functions);

	/* tables whose columns go, change type or are recreated */
	for (i = 0; i < d->a.kinds[K_COLUMN].n; i++)
	{
		Obj		   *ca = &d->a.kinds[K_COLUMN].objs[i];
		Obj		   *cb = find(&d->b, K_COLUMN, ca->key);

		if (manual_table(d, ca->parent) || find(&d->b, K_TABLE, ca->parent) == NULL)
			continue;
		if (cb == NULL || !same(ca, cb, "type") || !same(ca, cb, "collation") ||
			!column_kept(d, ca))
		{
			if (!in_list(altered, ca->parent))
				altered = lappend(altered, ca->parent);
			if (cb != NULL && !column_kept(d, ca))
			{
				int			lo,
							hi,
							j;

				/* a recreated column loses its indexes and constraints */
				children(&d->a, K_CONSTRAINT, ca->parent, &lo, &hi);
				for (j = lo; j < hi; j++)
					if (mentions(fstr(&d->a.kinds[K_CONSTRAINT].objs[j], "definition"), ca->parts[2]))
						mark(d, K_CONSTRAINT, d->a.kinds[K_CONSTRAINT].objs[j].key);
				for (j = 0; j < d->a.kinds[K_INDEX].n; j++)
				{
					Obj		   *idx = &d->a.kinds[K_INDEX].objs[j];
					const char *t = fstr(idx, "table");

					if (t && strcmp(t, ca->parent) == 0 &&
						mentions(fstr(idx, "definition"), ca->parts[2]))
						mark(d, K_INDEX, idx->key);
				}
			}
		}
	}
	/* tables with a column of an enum that is recreated */
	for (i = 0; i < d->a.kinds[K_ENUM].n; i++)
	{
		Obj		   *ea = &d->a.kinds[K_ENUM].objs[i];
		int			j;

		if (!is_enum_recreated(d, ea))
			continue;
		altered = lappend(altered, ea->key);
		for (j = 0; j < d->a.kinds[K_COLUMN].n; j++)
		{
			Obj		   *ca = &d->a.kinds[K_COLUMN].objs[j];
			bool		array;

			if (column_kept(d, ca) && column_of_type(ca, ea->key, &array) &&
				!in_list(altered, ca->parent))
				altered = lappend(altered, ca->parent);
		}
	}
	altered = list_concat(altered, functions);
	if (functions != NIL)
	{
		for (i = 0; i < d->a.kinds[K_COLUMN].n; i++)
		{
			Obj		   *ca = &d->a.kinds[K_COLUMN].objs[i];

			if (column_kept(d, ca) && mentions_any(fstr(ca, "default"), functions))
				d->default_early = lappend(d->default_early, ca->key);
		}
		for (i = 0; i < d->a.kinds[K_CONSTRAINT].n; i++)
			if (mentions_any(fstr(&d->a.kinds[K_CONSTRAINT].objs[i], "definition"), functions))
				mark(d, K_CONSTRAINT, d->a.kinds[K_CONSTRAINT].objs[i].key);
		for (i = 0; i < d->a.kinds[K_INDEX].n; i++)
			if (mentions_any(fstr(&d->a.kinds[K_INDEX].objs[i], "definition"), functions))
				mark(d, K_INDEX, d->a.kinds[K_INDEX].objs[i].key);
	}

	/* views over anything altered or rebuilt, to a fixed point */
	/*
	 * Each pass looks only for the names the previous one added: a view not
	 * rebuilt has been compared with every name before them.
	 */
	fresh = altered;
	do
	{
		List	   *added = NIL;

		more = false;
		for (k = K_VIEW; k <= K_MATVIEW; k++)
			for (i = 0; i < d->a.kinds[k].n; i++)
			{
				Obj		   *va = &d->a.kinds[k].objs[i];
				Obj		   *vb = find(&d->b, k, va->key);

				CHECK_FOR_INTERRUPTS();
				if (va->rebuilt || vb == NULL)
					continue;
				if ((first && (!same(va, vb, "definition") || !same(va, vb, "options"))) ||
					mentions_any(fstr(va, "definition"), fresh))
				{
					va->rebuilt = true;
					added = lappend(added, va->key);
					more = true;
				}
			}
		first = false;
		altered = list_concat(altered, added);
		fresh = added;
	} while (more);

	/* triggers and rules on rebuilt views, triggers calling rebuilt functions */
	for (k = K_TRIGGER; k <= K_RULE; k++)
		for (i = 0; i < d->a.kinds[k].n; i++)
		{
			Obj		   *o = &d->a.kinds[k].objs[i];

			if (marked(d, K_VIEW, o->parent) || marked(d, K_MATVIEW, o->parent) ||
				mentions_any(fstr(o, "definition"), functions) ||
				(k == K_RULE && mentions_any(fstr(o, "definition"), altered)) ||
				(k == K_TRIGGER && in_list(altered, o->parent) &&
				 (strstr(fstr(o, "definition"), " WHEN ") || strstr(fstr(o, "definition"), " OF "))))
				mark(d, k, o->key);
		}
	/* policies of altered tables */
	for (i = 0; i < d->a.kinds[K_POLICY].n; i++)
	{
		Obj		   *o = &d->a.kinds[K_POLICY].objs[i];

		if (in_list(altered, o->parent) || mentions_any(fstr(o, "using"), functions) ||
			mentions_any(fstr(o, "check"), functions))
			mark(d, K_POLICY, o->key);
	}

	/* tables whose primary key, unique constraints or unique indexes change */
	for (i = 0; i < d->a.kinds[K_CONSTRAINT].n; i++)
	{
		Obj		   *ca = &d->a.kinds[K_CONSTRAINT].objs[i];
		Obj		   *cb = find(&d->b, K_CONSTRAINT, ca->key);
		const char *def = fstr(ca, "definition");

		if (def && (strncmp(def, "PRIMARY KEY", 11) == 0 || strncmp(def, "UNIQUE", 6) == 0) &&
			(cb == NULL || !same(ca, cb, "definition") || marked(d, K_CONSTRAINT, ca->key)))
			keys_changed = lappend(keys_changed, psprintf("REFERENCES %s(", ca->parent));
	}
	for (i = 0; i < d->a.kinds[K_INDEX].n; i++)
	{
		Obj		   *ia = &d->a.kinds[K_INDEX].objs[i];
		Obj		   *ib = find(&d->b, K_INDEX, ia->key);
		const char *def = fstr(ia, "definition");
		const char *t = fstr(ia, "table");

		if (def && t && strncmp(def, "CREATE UNIQUE INDEX", 19) == 0 &&
			(ib == NULL || !same(ia, ib, "definition") || marked(d, K_INDEX, ia->key)))
			keys_changed = lappend(keys_changed, psprintf("REFERENCES %s(", t));
	}
	for (i = 0; i < d->a.kinds[K_CONSTRAINT].n; i++)
	{
		Obj		   *ca = &d->a.kinds[K_CONSTRAINT].objs[i];
		const char *def = fstr(ca, "definition");
		ListCell   *lc;

		if (!is_fk(ca))
			continue;
		foreach(lc, keys_changed)
			if (strstr(def, lfirst(lc)) != NULL)
			mark(d, K_CONSTRAINT, ca->key);
	}
	d->altered = altered;
}

/* tables with partitioning or inheritance: one manual step each when they differ */
static void
find_manual_tables(Diff *d)
{
	int			pass,
				i;

	for (pass = 0; pass < 2; pass++)
	{
		Snap	   *s = pass == 0 ? &d->a : &d->b;
		Snap	   *o = pass == 0 ? &d->b : &d->a;

		for (i = 0; i < s->kinds[K_TABLE].n; i++)
		{
			Obj		   *t = &s->kinds[K_TABLE].objs[i];
			Obj		   *u = find(o, K_TABLE, t->key);
			bool		differs = false;
			int			k;

			if (!special_table(t) || manual_table(d, t->key))
				continue;
			d->manual_tables = lappend(d->manual_tables, t->key);
			if (u == NULL || compareJsonbContainers(t->fields, u->fields) != 0)
				differs = true;
			for (k = K_COLUMN; k <= K_CONSTRAINT && !differs; k++)
			{
				int			lo1,
							hi1,
							lo2,
							hi2,
							j;

				children(&d->a, k, t->key, &lo1, &hi1);
				children(&d->b, k, t->key, &lo2, &hi2);
				if (hi1 - lo1 != hi2 - lo2)
					differs = true;
				for (j = 0; j < hi1 - lo1 && !differs; j++)
					if (strcmp(d->a.kinds[k].objs[lo1 + j].key, d->b.kinds[k].objs[lo2 + j].key) != 0 ||
						!same_except(&d->a.kinds[k].objs[lo1 + j], &d->b.kinds[k].objs[lo2 + j],
									 (const char *const[]) {"position", NULL}))
						differs = true;
			}
			if (differs)
				manual(d, "table %s uses partitioning or inheritance; pg_migrate diff does not change such tables: write its changes (columns, constraints, indexes, partitions) by hand",
					   t->key);
		}
	}
}

/* the indexes that belong to a table or view folded into its own step */
static bool
index_folded(Diff *d, Obj *idx, Snap *s)
{
	const char *t = fstr(idx, "table");
	Snap	   *other = s == &d->a ? &d->b : &d->a;

	if (t == NULL)
		malformed("The index \"%s\" has no table.", idx->key);
	if (manual_table(d, t))
		return true;
	if (find(s, K_TABLE, t) && !find(other, K_TABLE, t))
		return true;
	if ((find(s, K_MATVIEW, t) && (!find(other, K_MATVIEW, t) || marked(d, K_MATVIEW, t))))
		return true;
	return false;
}

/* ---------- the kinds ---------- */

/* how an object is created: its statements appended to buf */
typedef void (*Creator) (StringInfo buf, Snap *s, Obj *o);

/* a step dropping an object of "from" for good; its reverse creates it */
static void
drop_for_good(Diff *d, Phase phase, const char *what, Obj *a, Creator create)
{
	Step	   *s = new_step(d, phase, HAZARD_DESTRUCTIVE);

	emitf(&s->up, T_DropStmt, "DROP %s %s", what, a->key);
	create(&s->down, &d->a, a);
}

/* steps creating the objects of kind k that only "to" has; the reverses drop them */
static void
create_new(Diff *d, Kind k, Phase phase, const char *what, Creator create)
{
	int			i;

	for (i = 0; i < d->b.kinds[k].n; i++)
	{
		Obj		   *b = &d->b.kinds[k].objs[i];
		Step	   *s;

		if (find(&d->a, k, b->key))
			continue;
		s = new_step(d, phase, NULL);
		create(&s->up, &d->b, b);
		emitf(&s->down, T_DropStmt, "DROP %s %s", what, b->key);
	}
}

static void
create_schema(StringInfo buf, Snap *snap, Obj *n)
{
	emitf(buf, T_CreateSchemaStmt, "CREATE SCHEMA %s", n->key);
	if (fstr(n, "comment"))
		emit_comment(buf, psprintf("SCHEMA %s", n->key), fstr(n, "comment"));
}

static void
diff_schemas(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_SCHEMA].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_SCHEMA].objs[i];
		Obj		   *b = find(&d->b, K_SCHEMA, a->key);

		if (b == NULL)
			drop_for_good(d, P_DROP_SCHEMA, "SCHEMA", a, create_schema);
		else
			comment_step(d, psprintf("SCHEMA %s", a->key), a, b);
	}
	create_new(d, K_SCHEMA, P_SCHEMA, "SCHEMA", create_schema);
}

static void
create_extension(StringInfo buf, Snap *snap, Obj *e)
{
	const char *schema = fstr(e, "schema");
	const char *version = fstr(e, "version");

	if (schema && !is_name(schema))
		malformed("The schema of extension \"%s\" is not a name.", e->key);
	emitf(buf, T_CreateExtensionStmt, "CREATE EXTENSION %s%s%s%s%s", e->key,
		  schema ? " WITH SCHEMA " : "", schema ? schema : "",
		  version ? " VERSION " : "", version ? quote_literal_cstr(version) : "");
}

static void
alter_extension(StringInfo buf, Obj *a, Obj *b)
{
	const char *schema = fstr(b, "schema");
	const char *version = fstr(b, "version");

	if (!same(a, b, "schema") && schema)
	{
		if (!is_name(schema))
			malformed("The schema of extension \"%s\" is not a name.", b->key);
		emitf(buf, T_AlterObjectSchemaStmt, "ALTER EXTENSION %s SET SCHEMA %s", b->key, schema);
	}
	if (!same(a, b, "version") && version)
		emitf(buf, T_AlterExtensionStmt, "ALTER EXTENSION %s UPDATE TO %s", b->key,
			  quote_literal_cstr(version));
}

static void
diff_extensions(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_EXTENSION].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_EXTENSION].objs[i];
		Obj		   *b = find(&d->b, K_EXTENSION, a->key);
		Step	   *s;

		if (b == NULL)
			drop_for_good(d, P_DROP_EXTENSION, "EXTENSION", a, create_extension);
		else if (compareJsonbContainers(a->fields, b->fields) != 0)
		{
			s = new_step(d, P_EXTENSION, NULL);
			alter_extension(&s->up, a, b);
			alter_extension(&s->down, b, a);
		}
	}
	create_new(d, K_EXTENSION, P_EXTENSION, "EXTENSION", create_extension);
}

static char *
label_list(List *labels)
{
	StringInfoData s;
	ListCell   *lc;

	initStringInfo(&s);
	foreach(lc, labels)
		appendStringInfo(&s, "%s%s", s.len ? ", " : "", quote_literal_cstr(lfirst(lc)));
	return s.data;
}

static void
create_enum(StringInfo buf, Snap *snap, Obj *e)
{
	emitf(buf, T_CreateEnumStmt, "CREATE TYPE %s AS ENUM (%s)", e->key,
		  label_list(fstrings(e, "labels")));
	if (fstr(e, "comment"))
		emit_comment(buf, psprintf("TYPE %s", e->key), fstr(e, "comment"));
}

/*
 * An enum with labels removed or reordered: renamed, created anew with
 * the labels of "to", its columns converted through text, the old one
 * dropped.  Defaults of those columns are dropped first and set again
 * when they are the same in both snapshots (else the column's own step
 * sets the new one).
 */
static void
recreate_enum(Diff *d, StringInfo buf, Obj *e, List *labels, const char *comment, bool up)
{
	const char *old_name;
	char	   *bare = pstrdup(e->parts[1]);
	int			i;

	if (bare[0] == '"')
	{
		bare[strlen(bare) - 1] = '\0';
		bare++;
	}
	/* the name under which the old type waits to be dropped */
	old_name = quote_identifier(psprintf("%.50s_pgm_old", bare));
	emitf(buf, T_RenameStmt, "ALTER TYPE %s RENAME TO %s", e->key, old_name);
	emitf(buf, T_CreateEnumStmt, "CREATE TYPE %s AS ENUM (%s)", e->key, label_list(labels));
	if (comment)
		emit_comment(buf, psprintf("TYPE %s", e->key), comment);
	for (i = 0; i < d->a.kinds[K_COLUMN].n; i++)
	{
		Obj		   *ca = &d->a.kinds[K_COLUMN].objs[i];
		Obj		   *cb;
		bool		array;
		const char *def;
		bool		keep_default;

		if (!column_kept(d, ca) || !column_of_type(ca, e->key, &array))
			continue;
		cb = find(&d->b, K_COLUMN, ca->key);
		def = fexpr(ca, "default");
		keep_default = def && same(ca, cb, "default");
		if (def)
			emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT",
				  ca->parent, ca->parts[2]);
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s TYPE %s%s USING %s::text%s::%s%s",
			  ca->parent, ca->parts[2], e->key, array ? "[]" : "", ca->parts[2],
			  array ? "[]" : "", e->key, array ? "[]" : "");
		if (keep_default || (def && !up))
			emitf(buf, T_AlterTableStmt, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s",
				  ca->parent, ca->parts[2], def);
		if (def && !keep_default && up && !in_list(d->default_done, ca->key))
			d->default_done = lappend(d->default_done, ca->key);
	}
	emitf(buf, T_DropStmt, "DROP TYPE %s.%s", e->parts[0], old_name);
}

/*
 * Whether the diff uses a label that b adds to enum e (a default,
 * constraint, index, view, policy or function of "to" that names it and
 * is new or changed): ALTER TYPE ... ADD VALUE cannot be used before it
 * commits, so the type is recreated instead.
 */
static bool
enum_label_used(Diff *d, Obj *e, List *la, List *lb)
{
	static const struct
	{
		Kind		kind;
		const char *field;
	}			uses[] = {
		{K_COLUMN, "default"}, {K_COLUMN, "generated"}, {K_CONSTRAINT, "definition"},
		{K_INDEX, "definition"}, {K_VIEW, "definition"}, {K_MATVIEW, "definition"},
		{K_POLICY, "using"}, {K_POLICY, "check"}, {K_FUNCTION, "definition"},
		{K_PROCEDURE, "definition"}, {K_TRIGGER, "definition"}, {K_DOMAIN, "default"},
	};
	ListCell   *lc;

	foreach(lc, lb)
	{
		char	   *literal;
		int			u,
					i;

		if (in_list(la, lfirst(lc)))
			continue;
		literal = psprintf("%s::%s", quote_literal_cstr(lfirst(lc)), e->key);
		for (u = 0; u < lengthof(uses); u++)
			for (i = 0; i < d->b.kinds[uses[u].kind].n; i++)
			{
				Obj		   *o = &d->b.kinds[uses[u].kind].objs[i];
				const char *text = fstr(o, uses[u].field);
				Obj		   *old;
				const char *before;

				if (text == NULL || strstr(text, literal) == NULL)
					continue;
				old = find(&d->a, uses[u].kind, o->key);
				before = old ? fstr(old, uses[u].field) : NULL;
				if (before == NULL || strcmp(before, text) != 0)
					return true;
			}
	}
	return false;
}

static void
diff_enums(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_ENUM].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_ENUM].objs[i];
		Obj		   *b = find(&d->b, K_ENUM, a->key);
		Step	   *s;

		if (b == NULL)
		{
			drop_for_good(d, P_DROP_TYPE, "TYPE", a, create_enum);
			continue;
		}
		if (!same(a, b, "labels"))
		{
			List	   *la = fstrings(a, "labels");
			List	   *lb = fstrings(b, "labels");

			if (enum_appends_only(la, lb) && !enum_label_used(d, a, la, lb))
			{
				int			j;

				s = new_step(d, P_TYPE, NULL);
				for (j = 0; j < list_length(lb); j++)
				{
					char	   *label = list_nth(lb, j);

					if (in_list(la, label))
						continue;
					if (j > 0)
						emitf(&s->up, T_AlterEnumStmt, "ALTER TYPE %s ADD VALUE %s AFTER %s",
							  a->key, quote_literal_cstr(label),
							  quote_literal_cstr(list_nth(lb, j - 1)));
					else if (la != NIL)
						emitf(&s->up, T_AlterEnumStmt, "ALTER TYPE %s ADD VALUE %s BEFORE %s",
							  a->key, quote_literal_cstr(label),
							  quote_literal_cstr(linitial(la)));
					else
						emitf(&s->up, T_AlterEnumStmt, "ALTER TYPE %s ADD VALUE %s",
							  a->key, quote_literal_cstr(label));
				}
				recreate_enum(d, &s->down, a, la, fstr(a, "comment"), false);
			}
			else
			{
				ListCell   *lc;
				bool		lost = false;

				foreach(lc, la)
					if (!in_list(lb, lfirst(lc)))
					lost = true;
				s = new_step(d, P_TYPE, lost ? HAZARD_DESTRUCTIVE : NULL);
				recreate_enum(d, &s->up, a, lb, fstr(b, "comment"), true);
				recreate_enum(d, &s->down, a, la, fstr(a, "comment"), false);
			}
		}
		comment_step(d, psprintf("TYPE %s", a->key), a, b);
	}
	create_new(d, K_ENUM, P_TYPE, "TYPE", create_enum);
}

static void
domain_changes(StringInfo buf, Obj *a, Obj *b)
{
	JsonbContainer *ca = fobject(a, "constraints");
	JsonbContainer *cb = fobject(b, "constraints");
	const char *db = fexpr(b, "default");
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	/* constraints of a that b does not have (or differently) */
	if (ca)
	{
		it = JsonbIteratorInit(ca);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *name;
			JsonbValue *other;

			if (tok != WJB_KEY)
				continue;
			name = pnstrdup(v.val.string.val, v.val.string.len);
			tok = JsonbIteratorNext(&it, &v, true);
			other = cb ? getKeyJsonValueFromContainer(cb, name, strlen(name), NULL) : NULL;
			if (other == NULL || !values_equal(other, &v))
				emitf(buf, T_AlterDomainStmt, "ALTER DOMAIN %s DROP CONSTRAINT %s", b->key,
					  quote_identifier(name));
		}
	}
	if (!same(a, b, "default"))
	{
		if (db)
			emitf(buf, T_AlterDomainStmt, "ALTER DOMAIN %s SET DEFAULT %s", b->key, db);
		else
			emitf(buf, T_AlterDomainStmt, "ALTER DOMAIN %s DROP DEFAULT", b->key);
	}
	if (fbool(a, "not_null") != fbool(b, "not_null"))
		emitf(buf, T_AlterDomainStmt, "ALTER DOMAIN %s %s NOT NULL", b->key,
			  fbool(b, "not_null") ? "SET" : "DROP");
	if (cb)
	{
		it = JsonbIteratorInit(cb);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *name;
			JsonbValue *other;

			if (tok != WJB_KEY)
				continue;
			name = pnstrdup(v.val.string.val, v.val.string.len);
			tok = JsonbIteratorNext(&it, &v, true);
			if (v.type != jbvString)
				malformed("A constraint of domain \"%s\" is not a string.", b->key);
			other = ca ? getKeyJsonValueFromContainer(ca, name, strlen(name), NULL) : NULL;
			if (other == NULL || !values_equal(other, &v))
				emitf(buf, T_AlterDomainStmt, "ALTER DOMAIN %s ADD CONSTRAINT %s %.*s", b->key,
					  quote_identifier(name), v.val.string.len, v.val.string.val);
		}
	}
	if (!same(a, b, "comment"))
		emit_comment(buf, psprintf("DOMAIN %s", b->key), fstr(b, "comment"));
}

static void
create_domain(StringInfo buf, Snap *snap, Obj *dom)
{
	Obj			none = {0};
	const char *type = ftype(dom, "type");

	if (type == NULL)
		malformed("The domain \"%s\" has no type.", dom->key);
	emitf(buf, T_CreateDomainStmt, "CREATE DOMAIN %s AS %s", dom->key, type);
	none.key = dom->key;
	domain_changes(buf, &none, dom);
}

static void
diff_domains(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_DOMAIN].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_DOMAIN].objs[i];
		Obj		   *b = find(&d->b, K_DOMAIN, a->key);
		Step	   *s;

		if (b == NULL)
			drop_for_good(d, P_DROP_DOMAIN, "DOMAIN", a, create_domain);
		else if (!same(a, b, "type"))
			manual(d, "domain %s changes its base type from %s to %s; change it and the columns that use it by hand",
				   a->key, fstr(a, "type"), fstr(b, "type"));
		else if (compareJsonbContainers(a->fields, b->fields) != 0)
		{
			s = new_step(d, P_TYPE, NULL);
			domain_changes(&s->up, a, b);
			domain_changes(&s->down, b, a);
		}
	}
	create_new(d, K_DOMAIN, P_TYPE, "DOMAIN", create_domain);
}

/* the [name, type] pairs of a composite */
static void
composite_attributes(Obj *c, List **names, List **types)
{
	JsonbContainer *arr = farray(c, "attributes");
	int			i,
				n;

	*names = *types = NIL;
	if (arr == NULL)
		return;
	n = JsonContainerSize(arr);
	for (i = 0; i < n; i++)
	{
		JsonbValue *v = getIthJsonbValueFromContainer(arr, i);
		JsonbValue *nm;
		JsonbValue *ty;

		if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
			JsonContainerSize(v->val.binary.data) != 2 ||
			(nm = getIthJsonbValueFromContainer(v->val.binary.data, 0))->type != jbvString ||
			(ty = getIthJsonbValueFromContainer(v->val.binary.data, 1))->type != jbvString)
			malformed("An attribute of composite type \"%s\" is not [name, type].", c->key);
		if (in_list(*names, pnstrdup(nm->val.string.val, nm->val.string.len)))
			malformed("Composite type \"%s\" names an attribute twice.", c->key);
		*names = lappend(*names, pnstrdup(nm->val.string.val, nm->val.string.len));
		*types = lappend(*types, pnstrdup(ty->val.string.val, ty->val.string.len));
		parse_or_refuse(parse_type, llast(*types), "attribute type", c->key, "a type name");
	}
}

static void
create_composite(StringInfo buf, Snap *snap, Obj *c)
{
	List	   *names,
			   *types;
	StringInfoData s;
	int			i;

	composite_attributes(c, &names, &types);
	initStringInfo(&s);
	appendStringInfo(&s, "CREATE TYPE %s AS (", c->key);
	for (i = 0; i < list_length(names); i++)
		appendStringInfo(&s, "%s%s %s", i ? ", " : "", quote_identifier(list_nth(names, i)),
						 (char *) list_nth(types, i));
	appendStringInfoChar(&s, ')');
	emit(buf, T_CompositeTypeStmt, s.data);
	if (fstr(c, "comment"))
		emit_comment(buf, psprintf("TYPE %s", c->key), fstr(c, "comment"));
}

/*
 * The attribute changes from a to b: drops, type changes, additions at
 * the end.  false if that does not give b's order.
 */
static bool
composite_changes(StringInfo buf, Obj *a, Obj *b)
{
	List	   *na,
			   *ta,
			   *nb,
			   *tb,
			   *result = NIL;
	int			i;

	composite_attributes(a, &na, &ta);
	composite_attributes(b, &nb, &tb);
	for (i = 0; i < list_length(na); i++)
	{
		char	   *name = list_nth(na, i);
		int			j;

		for (j = 0; j < list_length(nb); j++)
			if (strcmp(list_nth(nb, j), name) == 0)
				break;
		if (j == list_length(nb))
			emitf(buf, T_AlterTableStmt, "ALTER TYPE %s DROP ATTRIBUTE %s", b->key,
				  quote_identifier(name));
		else
		{
			result = lappend(result, name);
			if (strcmp(list_nth(ta, i), list_nth(tb, j)) != 0)
				emitf(buf, T_AlterTableStmt, "ALTER TYPE %s ALTER ATTRIBUTE %s TYPE %s", b->key,
					  quote_identifier(name), (char *) list_nth(tb, j));
		}
	}
	for (i = 0; i < list_length(nb); i++)
		if (!in_list(na, list_nth(nb, i)))
		{
			emitf(buf, T_AlterTableStmt, "ALTER TYPE %s ADD ATTRIBUTE %s %s", b->key,
				  quote_identifier(list_nth(nb, i)), (char *) list_nth(tb, i));
			result = lappend(result, list_nth(nb, i));
		}
	if (list_length(result) != list_length(nb))
		return false;
	for (i = 0; i < list_length(nb); i++)
		if (strcmp(list_nth(nb, i), list_nth(result, i)) != 0)
			return false;
	if (!same(a, b, "comment"))
		emit_comment(buf, psprintf("TYPE %s", b->key), fstr(b, "comment"));
	return true;
}

static void
diff_composites(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_COMPOSITE].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_COMPOSITE].objs[i];
		Obj		   *b = find(&d->b, K_COMPOSITE, a->key);
		Step	   *s;

		if (b == NULL)
			drop_for_good(d, P_DROP_COMPOSITE, "TYPE", a, create_composite);
		else if (compareJsonbContainers(a->fields, b->fields) != 0)
		{
			StringInfoData up;
			StringInfoData down;
			bool		ok;

			initStringInfo(&up);
			initStringInfo(&down);
			ok = composite_changes(&up, a, b);
			ok = composite_changes(&down, b, a) && ok;
			if (!ok)
				manual(d, "composite type %s changes the order of its attributes; recreate it by hand",
					   a->key);
			else
			{
				/* an attribute dropped loses the values stored in it */
				s = new_step(d, P_TYPE, strstr(up.data, " DROP ATTRIBUTE ") ? HAZARD_DESTRUCTIVE : NULL);
				appendStringInfoString(&s->up, up.data);
				appendStringInfoString(&s->down, down.data);
			}
		}
	}
	create_new(d, K_COMPOSITE, P_TYPE, "TYPE", create_composite);
}

/* ALTER SEQUENCE options or CREATE SEQUENCE's */
static char *
sequence_options(Obj *s)
{
	const char *type = ftype(s, "type");
	char	   *inc = fint_in(s, s->fields, "increment");
	char	   *min = fint_in(s, s->fields, "min");
	char	   *max = fint_in(s, s->fields, "max");
	char	   *start = fint_in(s, s->fields, "start");
	char	   *cache = fint_in(s, s->fields, "cache");
	StringInfoData o;

	initStringInfo(&o);
	if (type)
		appendStringInfo(&o, " AS %s", type);
	if (inc)
		appendStringInfo(&o, " INCREMENT BY %s", inc);
	if (min)
		appendStringInfo(&o, " MINVALUE %s", min);
	if (max)
		appendStringInfo(&o, " MAXVALUE %s", max);
	if (start)
		appendStringInfo(&o, " START WITH %s", start);
	if (cache)
		appendStringInfo(&o, " CACHE %s", cache);
	appendStringInfo(&o, " %sCYCLE", fbool(s, "cycle") ? "" : "NO ");
	return o.data;
}

static void
create_sequence(StringInfo buf, Snap *snap, Obj *s)
{
	const char *p = fstr(s, "persistence");

	emitf(buf, T_CreateSeqStmt, "CREATE %sSEQUENCE %s%s",
		  p && strcmp(p, "unlogged") == 0 ? "UNLOGGED " : "", s->key, sequence_options(s));
	if (fstr(s, "comment"))
		emit_comment(buf, psprintf("SEQUENCE %s", s->key), fstr(s, "comment"));
}

static void
own_sequence(StringInfo buf, Obj *s, const char *owner)
{
	if (owner)
	{
		Obj			o = {0};

		o.key = (char *) owner;
		split_key(K_COLUMN, &o);
	}
	emitf(buf, T_AlterSeqStmt, "ALTER SEQUENCE %s OWNED BY %s", s->key, owner ? owner : "NONE");
}

static void
diff_sequences(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_SEQUENCE].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_SEQUENCE].objs[i];
		Obj		   *b = find(&d->b, K_SEQUENCE, a->key);
		const char *oa = fstr(a, "owned_by");
		Step	   *s;

		if (oa && (b == NULL || !same(a, b, "owned_by")))
		{
			s = new_step(d, P_UNOWN, NULL);
			own_sequence(&s->up, a, NULL);
			own_sequence(&s->down, a, oa);
		}
		if (b == NULL)
		{
			drop_for_good(d, P_DROP_SEQUENCE, "SEQUENCE", a, create_sequence);
			continue;
		}
		if (!same_except(a, b, (const char *const[]) {"owned_by", "comment", "persistence", NULL}))
		{
			s = new_step(d, P_SEQUENCE, NULL);
			emitf(&s->up, T_AlterSeqStmt, "ALTER SEQUENCE %s%s", a->key, sequence_options(b));
			emitf(&s->down, T_AlterSeqStmt, "ALTER SEQUENCE %s%s", a->key, sequence_options(a));
		}
		if (!same(a, b, "persistence"))
		{
			const char *pb = fstr(b, "persistence");
			bool		unlogged = pb && strcmp(pb, "unlogged") == 0;

			s = new_step(d, P_SEQUENCE, NULL);
			emitf(&s->up, T_AlterSeqStmt, "ALTER SEQUENCE %s SET %s", a->key,
				  unlogged ? "UNLOGGED" : "LOGGED");
			emitf(&s->down, T_AlterSeqStmt, "ALTER SEQUENCE %s SET %s", a->key,
				  unlogged ? "LOGGED" : "UNLOGGED");
		}
		if (fstr(b, "owned_by") && !same(a, b, "owned_by"))
		{
			s = new_step(d, P_OWN, NULL);
			own_sequence(&s->up, b, fstr(b, "owned_by"));
			own_sequence(&s->down, b, NULL);
		}
		comment_step(d, psprintf("SEQUENCE %s", a->key), a, b);
	}
	for (i = 0; i < d->b.kinds[K_SEQUENCE].n; i++)
	{
		Obj		   *b = &d->b.kinds[K_SEQUENCE].objs[i];
		Step	   *s;

		if (find(&d->a, K_SEQUENCE, b->key))
			continue;
		s = new_step(d, P_SEQUENCE, NULL);
		create_sequence(&s->up, NULL, b);
		emitf(&s->down, T_DropStmt, "DROP SEQUENCE %s", b->key);
		if (fstr(b, "owned_by"))
		{
			s = new_step(d, P_OWN, NULL);
			own_sequence(&s->up, b, fstr(b, "owned_by"));
			own_sequence(&s->down, b, NULL);
		}
	}
}

/* a routine's definition, which must be of its kind */
static void
emit_routine(StringInfo buf, Obj *f, bool proc)
{
	const char *def = fstr(f, "definition");

	if (def == NULL)
		malformed("The %s \"%s\" has no definition.", proc ? "procedure" : "function", f->key);
	emit(buf, T_CreateFunctionStmt, trimmed(def));
	check_definition_names(f, proc ? K_PROCEDURE : K_FUNCTION, trimmed(def));
}

static void
create_function(StringInfo buf, Obj *f, bool proc)
{
	emit_routine(buf, f, proc);
	if (fstr(f, "comment"))
		emit_comment(buf, psprintf("%s %s%s", proc ? "PROCEDURE" : "FUNCTION",
									f->parts[0], psprintf(".%s%s", f->parts[1], f->args)),
					 fstr(f, "comment"));
}

static void
drop_function(StringInfo buf, Obj *f, bool proc)
{
	emitf(buf, T_DropStmt, "DROP %s %s", proc ? "PROCEDURE" : "FUNCTION", f->key);
}

/*
 * Whether function f (of snapshot s) names a table or view of s that the
 * other snapshot lacks (by its qualified name, or by its bare name in a SQL
 * function's body, which is resolved through the search_path).
 */
static bool
function_names_relation(Diff *d, Obj *f, Snap *s, Snap *other)
{
	const char *def = fstr(f, "definition");
	const char *lang = fstr(f, "language");
	int			k,
				i;

	if (def == NULL)
		return false;
	for (k = K_TABLE; k <= K_MATVIEW; k++)
	{
		if (k != K_TABLE && !is_view_kind(k))
			continue;
		for (i = 0; i < s->kinds[k].n; i++)
		{
			Obj		   *r = &s->kinds[k].objs[i];

			if (find(other, k, r->key))
				continue;
			if (mentions(def, r->key) ||
				(lang && strcmp(lang, "sql") == 0 && mentions(def, r->parts[1])))
				return true;
		}
	}
	return false;
}

/*
 * Whether a new or changed function must wait for the relations of this
 * diff: it names one that is new, or it is a SQL-standard body (BEGIN
 * ATOMIC), which is resolved when created.
 */
static bool
function_is_late(Diff *d, Obj *f)
{
	const char *def = fstr(f, "definition");

	if (def == NULL)
		return false;
	if (strstr(def, "BEGIN ATOMIC") != NULL)
		return true;
	return function_names_relation(d, f, &d->b, &d->a);
}

static void
diff_functions(Diff *d)
{
	int			k,
				i;

	for (k = K_FUNCTION; k <= K_PROCEDURE; k++)
	{
		bool		proc = k == K_PROCEDURE;
		const char *what = proc ? "PROCEDURE" : "FUNCTION";

		for (i = 0; i < d->a.kinds[k].n; i++)
		{
			Obj		   *a = &d->a.kinds[k].objs[i];
			Obj		   *b = find(&d->b, k, a->key);
			Step	   *s;

			if (b == NULL)
			{
				/*
				 * A function of the same name is added: its arguments may
				 * only have new names, which CREATE OR REPLACE refuses.
				 */
				bool		same_name = false;
				char	   *prefix = function_prefix(a);
				int			j;

				for (j = 0; j < d->b.kinds[k].n; j++)
					if (strncmp(d->b.kinds[k].objs[j].key, prefix, strlen(prefix)) == 0 &&
						!find(&d->a, k, d->b.kinds[k].objs[j].key))
						same_name = true;
				s = new_step(d, same_name ? P_DROP_OVERLOAD :
							 function_names_relation(d, a, &d->a, &d->b) ? P_DROP_RELATION_FUNCTION :
							 P_DROP_FUNCTION, HAZARD_DESTRUCTIVE);
				drop_function(&s->up, a, proc);
				create_function(&s->down, a, proc);
				continue;
			}
			if (!same(a, b, "definition") || !same(a, b, "language"))
			{
				s = new_step(d, function_is_late(d, b) ? P_LATE_FUNCTION : P_FUNCTION, NULL);
				if (function_recreated(a, b))
				{
					drop_function(&s->up, a, proc);
					drop_function(&s->down, a, proc);
				}
				emit_routine(&s->up, b, proc);
				emit_routine(&s->down, a, proc);
				if (function_recreated(a, b))
				{
					/* a dropped function loses its comment */
					if (fstr(b, "comment"))
						emit_comment(&s->up, psprintf("%s %s", what, b->key), fstr(b, "comment"));
					if (fstr(a, "comment"))
						emit_comment(&s->down, psprintf("%s %s", what, a->key), fstr(a, "comment"));
					continue;
				}
			}
			comment_step(d, psprintf("%s %s", what, a->key), a, b);
		}
		for (i = 0; i < d->b.kinds[k].n; i++)
		{
			Obj		   *b = &d->b.kinds[k].objs[i];
			Step	   *s;

			if (find(&d->a, k, b->key))
				continue;
			s = new_step(d, function_is_late(d, b) ? P_LATE_FUNCTION : P_FUNCTION, NULL);
			create_function(&s->up, b, proc);
			drop_function(&s->down, b, proc);
		}
	}
}

static void
diff_tables(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_TABLE].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_TABLE].objs[i];
		Obj		   *b = find(&d->b, K_TABLE, a->key);
		Step	   *s;

		if (manual_table(d, a->key))
			continue;
		if (b == NULL)
			drop_for_good(d, P_DROP_TABLE, "TABLE", a, create_table);
		else if (compareJsonbContainers(a->fields, b->fields) != 0)
		{
			if (!same(a, b, "replica_identity") &&
				((fstr(b, "replica_identity") && strcmp(fstr(b, "replica_identity"), "index") == 0) ||
				 (fstr(a, "replica_identity") && strcmp(fstr(a, "replica_identity"), "index") == 0)))
			{
				manual(d, "table %s changes its replica identity to or from an index; write ALTER TABLE ... REPLICA IDENTITY by hand",
					   a->key);
				continue;
			}
			s = new_step(d, P_TABLE, NULL);
			alter_table_settings(&s->up, a, b, a->key, true);
			alter_table_settings(&s->down, b, a, a->key, true);
		}
	}
	for (i = 0; i < d->b.kinds[K_TABLE].n; i++)
	{
		Obj		   *b = &d->b.kinds[K_TABLE].objs[i];
		Step	   *s;

		if (manual_table(d, b->key) || find(&d->a, K_TABLE, b->key))
			continue;
		if (fstr(b, "replica_identity") && strcmp(fstr(b, "replica_identity"), "index") == 0)
		{
			manual(d, "table %s has its replica identity from an index; create the table by hand",
				   b->key);
			continue;
		}
		s = new_step(d, P_TABLE, NULL);
		create_table(&s->up, &d->b, b);
		emitf(&s->down, T_DropStmt, "DROP TABLE %s", b->key);
	}
}

/* the column without the fields named (a step before dropped them) */
static Obj *
without_fields(Obj *col, const char *const *names)
{
	JsonbParseState *state = NULL;
	JsonbIterator *it = JsonbIteratorInit(col->fields);
	JsonbValue	v;
	JsonbIteratorToken tok;
	JsonbValue *res = NULL;
	Obj		   *copy = palloc(sizeof(Obj));
	bool		skip = false;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			const char *const *n;

			skip = false;
			for (n = names; *n; n++)
				if (v.val.string.len == strlen(*n) && memcmp(v.val.string.val, *n, strlen(*n)) == 0)
					skip = true;
			if (skip)
				continue;
		}
		else if (tok == WJB_VALUE && skip)
		{
			skip = false;
			continue;
		}
		res = pushJsonbValue(&state, tok, tok < WJB_BEGIN_ARRAY ? &v : NULL);
	}
	*copy = *col;
	copy->fields = &JsonbValueToJsonb(res)->root;
	return copy;
}

static void
diff_columns(Diff *d)
{
	List	   *readd = NIL;
	ListCell   *lc;
	int			i;

	for (i = 0; i < d->a.kinds[K_COLUMN].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_COLUMN].objs[i];
		Obj		   *b = find(&d->b, K_COLUMN, a->key);
		Step	   *s;

		if (manual_table(d, a->parent) || find(&d->b, K_TABLE, a->parent) == NULL)
			continue;
		if (b == NULL)
		{
			/* generated columns first: they may use the others */
			s = new_step(d, fstr(a, "generated") ? P_DROP_GENERATED : P_DROP_COLUMN,
						 HAZARD_DESTRUCTIVE);
			emitf(&s->up, T_AlterTableStmt, "ALTER TABLE %s DROP COLUMN %s", a->parent, a->parts[2]);
			add_column(&s->down, a->parent, a);
		}
		else if (!column_kept(d, a))
		{
			/*
			 * A column that becomes generated, or whose expression changes:
			 * dropped before the other columns change (it may use them) and
			 * added after them.
			 */
			s = new_step(d, P_DROP_GENERATED, HAZARD_DESTRUCTIVE);
			emitf(&s->up, T_AlterTableStmt, "ALTER TABLE %s DROP COLUMN %s", a->parent, a->parts[2]);
			add_column(&s->down, a->parent, a);
			readd = lappend(readd, b);
		}
		else if (fstr(a, "generated") && !fstr(b, "generated"))
		{
			/*
			 * No longer generated: before the columns it uses change; the
			 * way back is to drop it and add it again.
			 */
			s = new_step(d, P_DROP_GENERATED, NULL);
			alter_column(&s->up, a->parent, a, b, false);
			emitf(&s->down, T_AlterTableStmt, "ALTER TABLE %s DROP COLUMN %s", a->parent, a->parts[2]);
			add_column(&s->down, a->parent, a);
		}
		else if (!same_except(a, b, (const char *const[]) {"position", NULL}) ||
				 in_list(d->default_early, a->key))
		{
			bool		dropped = in_list(d->default_done, a->key);
			Obj		   *from = dropped ? without_fields(a, (const char *const[]) {"default", NULL}) : a;
			const char *ta = fstr(a, "type");
			const char *tb = fstr(b, "type");
			bool		early_default = fstr(from, "default") && in_list(d->default_early, a->key);
			bool		early_identity = fstr(a, "identity") && !fstr(b, "identity");

			/*
			 * An identity that goes, and a default that calls a function
			 * about to be dropped and created: before anything is created
			 * (the identity's sequence may have the name of a new one).
			 */
			if (early_default || early_identity)
			{
				Obj		   *rest = without_fields(from, (const char *const[]) {"default", "identity", "identity_sequence", NULL});

				s = new_step(d, P_DROP_COLUMN, NULL);
				alter_column(&s->up, a->parent, from, rest, false);
				alter_column(&s->down, a->parent, rest, from, false);
				from = rest;
			}

			s = new_step(d, P_COLUMN,
						 ta && tb && strcmp(ta, tb) != 0 && !lossless_type_change(ta, tb) ?
						 HAZARD_DESTRUCTIVE : NULL);
			alter_column(&s->up, a->parent, from, b, false);
			alter_column(&s->down, a->parent, b, from, false);
		}
	}
	for (i = 0; i < d->b.kinds[K_COLUMN].n; i++)
	{
		Obj		   *b = &d->b.kinds[K_COLUMN].objs[i];

		if (manual_table(d, b->parent) || find(&d->a, K_TABLE, b->parent) == NULL ||
			find(&d->a, K_COLUMN, b->key))
			continue;
		readd = lappend(readd, b);
	}
	foreach(lc, readd)
	{
		Obj		   *b = lfirst(lc);
		Step	   *s = new_step(d, P_COLUMN, NULL);

		add_column(&s->up, b->parent, b);
		emitf(&s->down, T_AlterTableStmt, "ALTER TABLE %s DROP COLUMN %s", b->parent, b->parts[2]);
	}
}

static void
diff_constraints(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_CONSTRAINT].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_CONSTRAINT].objs[i];
		Obj		   *b = find(&d->b, K_CONSTRAINT, a->key);
		bool		fk = is_fk(a);
		bool		table_kept = find(&d->b, K_TABLE, a->parent) != NULL;
		Step	   *s;

		if (manual_table(d, a->parent) || (!fk && !table_kept) || is_trigger_constraint(a))
			continue;
		if (b != NULL && !marked(d, K_CONSTRAINT, a->key) && same(a, b, "definition") &&
			same(a, b, "validated"))
		{
			comment_step(d, psprintf("CONSTRAINT %s ON %s", a->parts[2], a->parent), a, b);
			continue;
		}
		if (b != NULL && !marked(d, K_CONSTRAINT, a->key) && !fbool(a, "validated") &&
			fbool(b, "validated") && is_fk(b) == fk)
		{
			const char *da = fstr(a, "definition");
			const char *db = fstr(b, "definition");
			size_t		la = da ? strlen(da) : 0;

			/* only validated now: the definition loses its NOT VALID */
			if (da && db && la > 10 && strcmp(da + la - 10, " NOT VALID") == 0 &&
				strncmp(da, db, la - 10) == 0 && db[la - 10] == '\0')
			{
				s = new_step(d, fk ? P_FK : P_CONSTRAINT, NULL);
				emitf(&s->up, T_AlterTableStmt, "ALTER TABLE %s VALIDATE CONSTRAINT %s",
					  a->parent, a->parts[2]);
				drop_constraint(&s->down, a);
				add_constraint(&s->down, a, false);
				comment_step(d, psprintf("CONSTRAINT %s ON %s", a->parts[2], a->parent), a, b);
				continue;
			}
		}
		s = new_step(d, fk ? P_DROP_FK : P_DROP_CONSTRAINT, NULL);
		drop_constraint(&s->up, a);
		add_constraint(&s->down, a, false);
		if (b != NULL && find(&d->b, K_TABLE, a->parent))
		{
			s = new_step(d, fk ? P_FK : P_CONSTRAINT, builds_index(b) ? HAZARD_BLOCKING : NULL);
			add_constraint(&s->up, b, true);
			drop_constraint(&s->down, b);
		}
	}
	for (i = 0; i < d->b.kinds[K_CONSTRAINT].n; i++)
	{
		Obj		   *b = &d->b.kinds[K_CONSTRAINT].objs[i];
		bool		fk = is_fk(b);
		bool		table_existed = find(&d->a, K_TABLE, b->parent) != NULL;
		Step	   *s;

		if (manual_table(d, b->parent) || find(&d->a, K_CONSTRAINT, b->key) ||
			(!fk && !table_existed) || is_trigger_constraint(b))
			continue;
		s = new_step(d, fk ? P_FK : P_CONSTRAINT, builds_index(b) ? HAZARD_BLOCKING : NULL);
		add_constraint(&s->up, b, table_existed);
		drop_constraint(&s->down, b);
	}
}

static void
diff_indexes(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_INDEX].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_INDEX].objs[i];
		Obj		   *b = find(&d->b, K_INDEX, a->key);
		Step	   *s;

		if (index_folded(d, a, &d->a))
			continue;
		if (b != NULL && !index_folded(d, b, &d->b) && !marked(d, K_INDEX, a->key) &&
			same(a, b, "definition") && same(a, b, "table") && same(a, b, "valid"))
		{
			comment_step(d, psprintf("INDEX %s", a->key), a, b);
			continue;
		}
		s = new_step(d, P_DROP_INDEX, NULL);
		emitf(&s->up, T_DropStmt, "DROP INDEX %s", a->key);
		create_index(&s->down, a, false);
	}
	for (i = 0; i < d->b.kinds[K_INDEX].n; i++)
	{
		Obj		   *b = &d->b.kinds[K_INDEX].objs[i];
		Obj		   *a = find(&d->a, K_INDEX, b->key);
		Step	   *s;

		if (index_folded(d, b, &d->b))
			continue;
		if (a != NULL && !index_folded(d, a, &d->a) && !marked(d, K_INDEX, a->key) &&
			same(a, b, "definition") && same(a, b, "table") && same(a, b, "valid"))
			continue;
		if (field(b->fields, "valid") && !fbool(b, "valid"))
		{
			manual(d, "index %s is INVALID in the desired schema (a failed CREATE INDEX CONCURRENTLY); drop or rebuild it there",
				   b->key);
			continue;
		}
		s = new_step(d, P_INDEX, HAZARD_BLOCKING);
		create_index(&s->up, b, false);
		emitf(&s->down, T_DropStmt, "DROP INDEX %s", b->key);
	}
}

static void
create_view(StringInfo buf, Snap *snap, Obj *v, bool mat)
{
	const char *def = fstr(v, "definition");
	List	   *opts = fstrings(v, "options");
	StringInfoData with;
	ListCell   *lc;

	if (def == NULL)
		malformed("The view \"%s\" has no definition.", v->key);
	initStringInfo(&with);
	foreach(lc, opts)
	{
		char	   *opt = lfirst(lc);
		char	   *eq = strchr(opt, '=');
		char	   *key;

		if (eq == NULL)
			malformed("The options of view \"%s\" are not key=value.", v->key);
		key = pnstrdup(opt, eq - opt);
		if (strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(key) || *key == '\0')
			malformed("The options of view \"%s\" have an invalid name.", v->key);
		appendStringInfo(&with, "%s%s = %s", with.len ? ", " : " WITH (", key,
						 quote_literal_cstr(eq + 1));
	}
	if (with.len)
		appendStringInfoChar(&with, ')');
	emitf(buf, mat ? T_CreateTableAsStmt : T_ViewStmt, "CREATE %sVIEW %s%s AS\n%s",
		  mat ? "MATERIALIZED " : "", v->key, with.data, trimmed(def));
	if (fstr(v, "comment"))
		emit_comment(buf, psprintf("%sVIEW %s", mat ? "MATERIALIZED " : "", v->key),
					 fstr(v, "comment"));
	if (mat)
	{
		List	   *idx = relation_indexes(snap, v->key);

		foreach(lc, idx)
			create_index(buf, lfirst(lc), false);
	}
}

/* the views of s in list, in the order of their dependencies (those named first) */
static List *
dependency_order(List *views)
{
	int			n = list_length(views);
	bool	   *names = palloc0(sizeof(bool) * Max(n * n, 1));	/* [i * n + j]: i names j */
	int		   *waiting = palloc0(sizeof(int) * Max(n, 1));
	bool	   *done = palloc0(sizeof(bool) * Max(n, 1));
	List	   *result = NIL;
	int			i,
				j,
				round;

	for (i = 0; i < n; i++)
	{
		const char *def = fstr(list_nth(views, i), "definition");

		for (j = 0; j < n; j++)
		{
			CHECK_FOR_INTERRUPTS();
			if (i != j && mentions(def, ((Obj *) list_nth(views, j))->key))
			{
				names[i * n + j] = true;
				waiting[i]++;
			}
		}
	}
	for (round = 0; round < n; round++)
	{
		int			pick = -1;

		for (i = 0; i < n && pick < 0; i++)
			if (!done[i] && waiting[i] == 0)
				pick = i;
		for (i = 0; i < n && pick < 0; i++)
			if (!done[i])
				pick = i;		/* a cycle of names: keep key order */
		done[pick] = true;
		result = lappend(result, list_nth(views, pick));
		for (i = 0; i < n; i++)
			if (names[i * n + pick])
				waiting[i]--;
	}
	return result;
}

static void
diff_views(Diff *d)
{
	List	   *drops = NIL;
	List	   *creates = NIL;
	ListCell   *lc;
	int			k,
				i;

	for (k = K_VIEW; k <= K_MATVIEW; k++)
	{
		for (i = 0; i < d->a.kinds[k].n; i++)
		{
			Obj		   *a = &d->a.kinds[k].objs[i];
			Obj		   *b = find(&d->b, k, a->key);

			if (b == NULL || marked(d, k, a->key))
				drops = lappend(drops, a);
			else
				comment_step(d, psprintf("%sVIEW %s", k == K_MATVIEW ? "MATERIALIZED " : "", a->key),
							 a, b);
		}
		for (i = 0; i < d->b.kinds[k].n; i++)
		{
			Obj		   *b = &d->b.kinds[k].objs[i];
			Obj		   *a = find(&d->a, k, b->key);

			if (a == NULL || marked(d, k, b->key))
				creates = lappend(creates, b);
		}
	}
	drops = dependency_order(drops);
	for (i = list_length(drops) - 1; i >= 0; i--)
	{
		Obj		   *a = list_nth(drops, i);
		bool		mat = a >= d->a.kinds[K_MATVIEW].objs &&
			a < d->a.kinds[K_MATVIEW].objs + d->a.kinds[K_MATVIEW].n;
		Step	   *s = new_step(d, P_DROP_VIEW,
								 find(&d->b, mat ? K_MATVIEW : K_VIEW, a->key) ? NULL : HAZARD_DESTRUCTIVE);

		emitf(&s->up, T_DropStmt, "DROP %sVIEW %s", mat ? "MATERIALIZED " : "", a->key);
		create_view(&s->down, &d->a, a, mat);
	}
	foreach(lc, dependency_order(creates))
	{
		Obj		   *b = lfirst(lc);
		bool		mat = b >= d->b.kinds[K_MATVIEW].objs &&
			b < d->b.kinds[K_MATVIEW].objs + d->b.kinds[K_MATVIEW].n;
		Step	   *s = new_step(d, P_VIEW, NULL);

		create_view(&s->up, &d->b, b, mat);
		emitf(&s->down, T_DropStmt, "DROP %sVIEW %s", mat ? "MATERIALIZED " : "", b->key);
	}
}

static void
create_trigger(StringInfo buf, Obj *t)
{
	const char *def = fstr(t, "definition");
	const char *enabled = fstr(t, "enabled");

	if (def == NULL)
		malformed("The trigger \"%s\" has no definition.", t->key);
	emit(buf, T_CreateTrigStmt, trimmed(def));
	check_definition_names(t, K_TRIGGER, trimmed(def));
	if (enabled && strcmp(enabled, "origin") != 0)
		emitf(buf, T_AlterTableStmt, "ALTER TABLE %s %s TRIGGER %s", t->parent,
			  strcmp(enabled, "disabled") == 0 ? "DISABLE" :
			  strcmp(enabled, "replica") == 0 ? "ENABLE REPLICA" : "ENABLE ALWAYS",
			  t->parts[2]);
	if (fstr(t, "comment"))
		emit_comment(buf, psprintf("TRIGGER %s ON %s", t->parts[2], t->parent), fstr(t, "comment"));
}

static void
create_rule(StringInfo buf, Obj *r)
{
	const char *def = fstr(r, "definition");

	if (def == NULL)
		malformed("The rule \"%s\" has no definition.", r->key);
	emit(buf, T_RuleStmt, trimmed(def));
	check_definition_names(r, K_RULE, trimmed(def));
	if (fstr(r, "comment"))
		emit_comment(buf, psprintf("RULE %s ON %s", r->parts[2], r->parent), fstr(r, "comment"));
}

static void
create_policy(StringInfo buf, Obj *p)
{
	const char *cmd = fstr(p, "command");
	const char *using = fexpr(p, "using");
	const char *check = fexpr(p, "check");
	List	   *roles = fstrings(p, "roles");
	StringInfoData s;
	ListCell   *lc;

	if (cmd == NULL || (strcmp(cmd, "ALL") != 0 && strcmp(cmd, "SELECT") != 0 &&
						strcmp(cmd, "INSERT") != 0 && strcmp(cmd, "UPDATE") != 0 &&
						strcmp(cmd, "DELETE") != 0))
		malformed("The command of policy \"%s\" is unknown.", p->key);
	initStringInfo(&s);
	appendStringInfo(&s, "CREATE POLICY %s ON %s AS %s FOR %s TO ", p->parts[2], p->parent,
					 fbool(p, "permissive") ? "PERMISSIVE" : "RESTRICTIVE", cmd);
	if (roles == NIL)
		appendStringInfoString(&s, "PUBLIC");
	foreach(lc, roles)
	{
		const char *role = lfirst(lc);

		appendStringInfo(&s, "%s%s", foreach_current_index(lc) ? ", " : "",
						 strcmp(role, "public") == 0 ? "PUBLIC" : quote_identifier(role));
	}
	if (using)
		appendStringInfo(&s, " USING (%s)", using);
	if (check)
		appendStringInfo(&s, " WITH CHECK (%s)", check);
	emit(buf, T_CreatePolicyStmt, s.data);
	if (fstr(p, "comment"))
		emit_comment(buf, psprintf("POLICY %s ON %s", p->parts[2], p->parent), fstr(p, "comment"));
}

/* triggers, rules and policies: dropped before what they depend on changes, created after */
static void
diff_table_objects(Diff *d, Kind k)
{
	Phase		drop = k == K_TRIGGER ? P_DROP_TRIGGER : k == K_RULE ? P_DROP_RULE : P_DROP_POLICY;
	Phase		create = k == K_TRIGGER ? P_TRIGGER : k == K_RULE ? P_RULE : P_POLICY;
	const char *what = k == K_TRIGGER ? "TRIGGER" : k == K_RULE ? "RULE" : "POLICY";
	int			i;

	for (i = 0; i < d->a.kinds[k].n; i++)
	{
		Obj		   *a = &d->a.kinds[k].objs[i];
		Obj		   *b = find(&d->b, k, a->key);
		Step	   *s;

		if (b != NULL && !marked(d, k, a->key) &&
			same_except(a, b, (const char *const[]) {"comment", "enabled", NULL}))
		{
			if (!same(a, b, "enabled"))
			{
				const char *eb = fstr(b, "enabled");
				const char *ea = fstr(a, "enabled");

				s = new_step(d, create, NULL);
#define ENABLE_WORD(e) (e == NULL || strcmp(e, "origin") == 0 ? "ENABLE" : \
						strcmp(e, "disabled") == 0 ? "DISABLE" : \
						strcmp(e, "replica") == 0 ? "ENABLE REPLICA" : "ENABLE ALWAYS")
				emitf(&s->up, T_AlterTableStmt, "ALTER TABLE %s %s TRIGGER %s", a->parent,
					  ENABLE_WORD(eb), a->parts[2]);
				emitf(&s->down, T_AlterTableStmt, "ALTER TABLE %s %s TRIGGER %s", a->parent,
					  ENABLE_WORD(ea), a->parts[2]);
#undef ENABLE_WORD
			}
			comment_step(d, psprintf("%s %s ON %s", what, a->parts[2], a->parent), a, b);
			continue;
		}
		s = new_step(d, drop, NULL);
		emitf(&s->up, T_DropStmt, "DROP %s %s ON %s", what, a->parts[2], a->parent);
		if (k == K_TRIGGER)
			create_trigger(&s->down, a);
		else if (k == K_RULE)
			create_rule(&s->down, a);
		else
			create_policy(&s->down, a);
	}
	for (i = 0; i < d->b.kinds[k].n; i++)
	{
		Obj		   *b = &d->b.kinds[k].objs[i];
		Obj		   *a = find(&d->a, k, b->key);
		Step	   *s;

		if (a != NULL && !marked(d, k, a->key) &&
			same_except(a, b, (const char *const[]) {"comment", "enabled", NULL}))
			continue;
		s = new_step(d, create, NULL);
		if (k == K_TRIGGER)
			create_trigger(&s->up, b);
		else if (k == K_RULE)
			create_rule(&s->up, b);
		else
			create_policy(&s->up, b);
		emitf(&s->down, T_DropStmt, "DROP %s %s ON %s", what, b->parts[2], b->parent);
	}
}

static void
diff_other(Diff *d)
{
	int			i;

	for (i = 0; i < d->a.kinds[K_OTHER].n; i++)
	{
		Obj		   *a = &d->a.kinds[K_OTHER].objs[i];
		Obj		   *b = find(&d->b, K_OTHER, a->key);

		if (b == NULL)
			manual(d, "%s is removed; pg_migrate diff does not generate this kind of object: drop it by hand",
				   a->key);
		else if (compareJsonbContainers(a->fields, b->fields) != 0)
			manual(d, "%s changes; pg_migrate diff does not generate this kind of object: change it by hand",
				   a->key);
	}
	for (i = 0; i < d->b.kinds[K_OTHER].n; i++)
	{
		Obj		   *b = &d->b.kinds[K_OTHER].objs[i];

		if (!find(&d->a, K_OTHER, b->key))
			manual(d, "%s is added; pg_migrate diff does not generate this kind of object: create it by hand",
				   b->key);
	}
}

static int
step_cmp(const ListCell *a, const ListCell *b)
{
	Step	   *x = lfirst(a);
	Step	   *y = lfirst(b);

	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq ? 1 : 0;
}

PG_FUNCTION_INFO_V1(pg_migrate_diff);

/*
 * migrate.diff(from, to): the steps that take the schema of snapshot from
 * to the schema of snapshot to, each with its reverse and its hazard.
 */
Datum
pg_migrate_diff(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Diff		d;
	ListCell   *lc;
	int			step = 0;

	current_diff = &d;
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("schema snapshots to compare must not be null")));
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	memset(&d, 0, sizeof(d));
	read_snapshot(PG_GETARG_JSONB_P(0), &d.a, "first");
	read_snapshot(PG_GETARG_JSONB_P(1), &d.b, "second");

	find_manual_tables(&d);
	find_dependents(&d);
	diff_schemas(&d);
	diff_extensions(&d);
	diff_enums(&d);
	diff_domains(&d);
	diff_composites(&d);
	diff_sequences(&d);
	diff_functions(&d);
	diff_tables(&d);
	diff_columns(&d);
	diff_constraints(&d);
	diff_indexes(&d);
	diff_views(&d);
	diff_table_objects(&d, K_TRIGGER);
	diff_table_objects(&d, K_RULE);
	diff_table_objects(&d, K_POLICY);
	diff_other(&d);

	list_sort(d.steps, step_cmp);
	foreach(lc, d.steps)
	{
		Step	   *s = lfirst(lc);
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		if (s->up.len == 0 && s->down.len == 0)
			continue;
		values[0] = Int32GetDatum(++step);
		values[1] = CStringGetTextDatum(s->up.data);
		values[2] = CStringGetTextDatum(s->down.data);
		nulls[2] = s->down.len == 0;
		values[3] = s->hazard ? CStringGetTextDatum(s->hazard) : (Datum) 0;
		nulls[3] = s->hazard == NULL;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
