/*-------------------------------------------------------------------------
 *
 * lint.c
 *	  The linter's rules: hazards of a migration script, found before it
 *	  runs, from its parse tree and (in the server) the live catalog.
 *
 * The extension and the client each turn PostgreSQL's parse tree of a
 * statement into actions (pgm_lint.h); everything below works on those
 * actions only, so that a script gets the same findings from
 * migrate.lint(..., catalog => false) as from "pg_migrate lint --offline".
 *
 * A script is linted statement by statement, keeping what earlier
 * statements created (tables, columns, indexes, constraints): a table
 * created by the script is new and empty, so locking it is no hazard.
 * Scripts passed before the one linted (those of earlier revisions) only
 * add to that knowledge.  With the catalog, the rules that lock or scan a
 * table take their severity from its size (pg_class.reltuples): advice
 * for an empty table, a warning for a small one, an error from
 * large_rows rows on; without it, or for a table never analyzed, a
 * warning.
 *
 * IDENTIFICATION
 *	  src/core/lint.c
 *
 *-------------------------------------------------------------------------
 */
#include "core_int.h"

#include "pgm_lint.h"

/* the rules, in the order the documentation lists them */
typedef enum Rule
{
	R_INDEX_CREATE,
	R_INDEX_DROP,
	R_REINDEX,
	R_FIELD_DEFAULT,
	R_COLUMN_TYPE,
	R_FOREIGN_KEY,
	R_NOT_VALID,
	R_UNIQUE,
	R_PRIMARY_KEY,
	R_SET_NOT_NULL,
	R_REQUIRED_FIELD,
	R_DROP_COLUMN,
	R_DROP_TABLE,
	R_DROP_DATABASE,
	R_DROP_NOT_NULL,
	R_TRUNCATE_CASCADE,
	R_RENAME_COLUMN,
	R_RENAME_TABLE,
	R_DOMAIN_ADD,
	R_DOMAIN_CREATE,
	R_CHAR,
	R_VARCHAR,
	R_INT_KEY,
	R_TIMESTAMP,
	R_SERIAL,
	R_TRANSACTION,
	R_LOCK_TIMEOUT,
	R_UNKNOWN,
	R_DUPLICATE_INDEX,
	R_FK_INDEX,
	NUM_RULES
} Rule;

typedef struct RuleDef
{
	const char *name;
	const char *hint;
} RuleDef;

static const RuleDef rules[NUM_RULES] = {
	{"require-concurrent-index-creation",
	"Use CREATE INDEX CONCURRENTLY: pg_migrate runs a revision that contains it outside a transaction block, one statement at a time."},
	{"require-concurrent-index-deletion",
	"Use DROP INDEX CONCURRENTLY."},
	{"require-concurrent-reindex",
	"Use REINDEX ... CONCURRENTLY."},
	{"adding-field-with-default",
	"Add the column without a default (or with a constant one), set the default in a second statement, and fill existing rows in batches (\"-- migrate:batch\")."},
	{"changing-column-type",
	"Add a column of the new type, fill it in batches, move the application over, then drop the old column; or change only to a binary-compatible type (varchar(n) to a longer varchar, or to text)."},
	{"adding-foreign-key-constraint",
	"Add the foreign key with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later revision: validating does not block writes."},
	{"constraint-missing-not-valid",
	"Add the constraint with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later revision."},
	{"disallowed-unique-constraint",
	"Build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX."},
	{"adding-primary-key-constraint",
	"Build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY USING INDEX."},
	{"adding-not-nullable-field",
	"Add CHECK (column IS NOT NULL) NOT VALID, validate it in a later revision, then SET NOT NULL: PostgreSQL then uses the valid check instead of scanning."},
	{"adding-required-field",
	"Give the column a DEFAULT, or add it nullable, fill it, and set NOT NULL in a later revision."},
	{"ban-drop-column",
	"First deploy an application version that no longer reads or writes the column, then drop it."},
	{"ban-drop-table",
	"First deploy an application version that no longer uses the table, then drop it."},
	{"ban-drop-database",
	"Drop databases by hand, not in a migration."},
	{"ban-drop-not-null",
	"First make sure every deployed application version handles NULL in this column."},
	{"ban-truncate-cascade",
	"Name every table to truncate, without CASCADE."},
	{"renaming-column",
	"Add the new column, write both, fill it, move reads over, then drop the old one; or keep the old name for old application versions through a view."},
	{"renaming-table",
	"Move the application to the new name first (a view under the new name helps), then rename or drop."},
	{"ban-alter-domain-with-add-constraint",
	"Add the constraint NOT VALID and validate it later, or put the check on the tables."},
	{"ban-create-domain-with-constraint",
	"Put CHECK constraints on the tables: changing a domain's constraint later checks every column that uses it under lock."},
	{"ban-char-field",
	"Use text (or varchar): char(n) pads with blanks and is no faster."},
	{"prefer-text-field",
	"Use text with a CHECK (length(column) <= n) constraint: raising a limit later is then a constraint change, not a type change."},
	{"prefer-bigint-over-int",
	"Use bigint (bigint GENERATED ALWAYS AS IDENTITY): an integer key runs out at 2,147,483,647."},
	{"prefer-timestamptz",
	"Use timestamptz (timestamp with time zone)."},
	{"prefer-identity",
	"Use GENERATED ALWAYS AS IDENTITY (bigint), the SQL-standard form."},
	{"transaction-nesting",
	"Remove BEGIN, COMMIT, ROLLBACK and similar statements: pg_migrate runs every revision in a transaction it manages."},
	{"require-lock-timeout",
	"Start the script with SET lock_timeout = '1s', or turn pg_migrate.ddl_lock_timeout back on: it bounds every lock wait and retries."},
	{"unknown-object",
	"Check the name for a typo, or create the object in an earlier statement or revision."},
	{"duplicate-index",
	"Leave the statement out: the existing index serves the same lookups."},
	{"unindexed-foreign-key",
	"Create an index on the referencing columns (CONCURRENTLY on an existing table): without one, every delete or key update in the referenced table scans this table."}
};

/* size of the table a statement works on */
typedef enum SizeClass
{
	SZ_NEW,						/* created by this script or an earlier one */
	SZ_EMPTY,
	SZ_SMALL,
	SZ_LARGE,
	SZ_UNKNOWN					/* offline, never analyzed, or not found */
} SizeClass;

typedef struct TableSize
{
	SizeClass	cls;
	double		rows;
	bool		never_analyzed;
} TableSize;

/* what the scripts so far created */
typedef struct KnownTable
{
	PgmLintName name;
	PgmLintName renamed_from;	/* name NULL: created, not renamed */
} KnownTable;

typedef struct KnownColumn
{
	PgmLintName rel;
	char	   *column;
} KnownColumn;

typedef struct KnownIndex
{
	PgmLintName rel;
	char	   *name;			/* NULL: a constraint's unnamed index */
	PgmLintIndex idx;
	PgmLintName renamed_from;	/* name NULL: created, not renamed */
} KnownIndex;

typedef struct KnownCheck
{
	PgmLintName rel;
	char	   *name;
	char	   *not_null_col;
	bool		this_script;
} KnownCheck;

typedef struct PendingFk
{
	PgmLintName rel;
	int			ncols;
	char	  **cols;
	int			statement_no;
	int			line;
	PgmLintName target;
} PendingFk;

/*
 * A chained hash over the entries of one of the arrays below, by a name,
 * so that a script of 100,000 statements is linted in linear time.
 * Chains start with the newest entry.
 */
typedef struct NameIndex
{
	int			nslots;			/* a power of two, or 0 */
	int		   *slots;			/* first entry of each chain, or -1 */
	int			nentries;
	int			space;
	int		   *next;			/* per entry: the next one in its chain */
	uint32	   *hashes;			/* per entry */
} NameIndex;

#define GROW(arr, n, space, type) \
	do { \
		if ((n) >= (space)) \
		{ \
			(space) = (space) ? (space) * 2 : 8; \
			(arr) = (arr) ? (type *) repalloc((arr), sizeof(type) * (space)) : \
				(type *) palloc(sizeof(type) * (space)); \
		} \
	} while (0)

struct PgmLintState
{
	const PgmLintCatalog *cat;
	const char *default_schema;
	int			nsearch_path;
	const char *const *search_path;
	int			ntables,
				tables_space;
	KnownTable *tables;
	int			ncolumns,
				columns_space;
	KnownColumn *columns;
	int			nindexes,
				indexes_space;
	KnownIndex *indexes;
	int			nchecks,
				checks_space;
	KnownCheck *checks;
	int			nnotnull,
				notnull_space;
	KnownColumn *notnull;		/* columns with a check validated by the script */
	int			nvalidated,
				validated_space;
	KnownColumn *validated;		/* constraints validated by the script */
	NameIndex	tables_ix;		/* by schema and name */
	NameIndex	columns_ix;		/* by schema, table and column */
	NameIndex	index_names_ix; /* by schema and index name */
	NameIndex	index_tables_ix;	/* by schema and table */

	/* the script being linted */
	const char *script;
	PgmLintResult *result;		/* NULL: only learning what it creates */
	int			statement_no;
	int			line;
	int			nfks,
				fks_space;
	PendingFk  *fks;
	bool		lock_timeout_set;
	bool		lock_timeout_reported;
	int			line_offset;	/* where line_no was counted to */
	int			line_no;
	bool		lenient;		/* skip bad annotations instead of an error */
};

/* functions that are volatile, for the offline check of defaults */
static const char *const volatile_functions[] = {
	"clock_timestamp", "currval", "gen_random_uuid", "lastval", "nextval",
	"random", "setseed", "timeofday", "uuid_generate_v1", "uuid_generate_v1mc",
	"uuid_generate_v4", NULL
};

int
pgm_lint_rule_count(void)
{
	return NUM_RULES;
}

const char *
pgm_lint_rule_name(int i)
{
	return rules[i].name;
}

bool
pgm_lint_rule_known(const char *name)
{
	int			i;

	for (i = 0; i < NUM_RULES; i++)
		if (strcmp(rules[i].name, name) == 0)
			return true;
	return false;
}

const char *
pgm_lint_severity_name(PgmLintSeverity severity)
{
	switch (severity)
	{
		case PGM_LINT_ADVICE:
			return "advice";
		case PGM_LINT_WARNING:
			return "warning";
		case PGM_LINT_ERROR:
			return "error";
	}
	return "error";
}

/* 1-based line of a byte offset */
int
pgm_lint_line(const char *script, int offset)
{
	int			line = 1;
	int			i;

	for (i = 0; i < offset && script[i]; i++)
		if (script[i] == '\n')
			line++;
	return line;
}

PgmLintAction *
pgm_lint_add_action(PgmLintStatement *stmt, PgmLintActKind kind)
{
	PgmLintAction *a;

	GROW(stmt->acts, stmt->nacts, stmt->space, PgmLintAction);
	a = &stmt->acts[stmt->nacts++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	return a;
}

/* the script line of the annotation behind the core's last error, for the client */
int			pgm_lint_error_line = 0;

/*
 * Bad annotations in the scripts linted from now on are skipped, not an
 * error: for scripts already stored (plan() counts, lint_ignores()).
 */
void
pgm_lint_lenient(PgmLintState *st)
{
	st->lenient = true;
}

PgmLintState *
pgm_lint_begin(const PgmLintCatalog *catalog)
{
	PgmLintState *st = palloc0(sizeof(PgmLintState));

	st->cat = catalog;
	st->default_schema = catalog && catalog->default_schema ? catalog->default_schema : "public";
	if (catalog && catalog->nsearch_path > 0)
	{
		st->nsearch_path = catalog->nsearch_path;
		st->search_path = catalog->search_path;
	}
	else
	{
		static const char *const public_only[] = {"public"};

		st->nsearch_path = 1;
		st->search_path = public_only;
	}
	return st;
}

/*
 * The names of the tables, columns and indexes the scripts linted so far
 * created (for the server's memory of what registered revisions create).
 */
int
pgm_lint_learned_names(PgmLintState *st, const char ***names)
{
	int			n = 0;
	int			i;

	*names = palloc(sizeof(char *) * (st->ntables + st->ncolumns + st->nindexes + 1));
	for (i = 0; i < st->ntables; i++)
		(*names)[n++] = st->tables[i].name.name;
	for (i = 0; i < st->ncolumns; i++)
		(*names)[n++] = st->columns[i].column;
	for (i = 0; i < st->nindexes; i++)
		if (st->indexes[i].name)
			(*names)[n++] = st->indexes[i].name;
	return n;
}

/* ----------------------------------------------------------------
 * names and what the scripts created
 * ----------------------------------------------------------------
 */

/*
 * Same name?  An unqualified name is in the schema where the script
 * creates objects: the first of the search_path (offline: "public").
 */
static bool
name_eq(PgmLintState *st, const PgmLintName *a, const PgmLintName *b)
{
	if (a->name == NULL || b->name == NULL || strcmp(a->name, b->name) != 0)
		return false;
	return strcmp(a->schema ? a->schema : st->default_schema,
				  b->schema ? b->schema : st->default_schema) == 0;
}

/* a name for a message: quoted, control characters escaped */
static char *
shown(const PgmLintName *n)
{
	if (n->name == NULL)
		return pstrdup("(unnamed)");
	if (n->schema)
	{
		char	   *both = psprintf("%s.%s", n->schema, n->name);

		return pgm_display(both);
	}
	return pgm_display(n->name);
}

/* FNV-1a of a name's schema (or the default), name and an optional third part */
static uint32
name_hash(PgmLintState *st, const PgmLintName *n, const char *third)
{
	const char *parts[3];
	uint32		h = 2166136261u;
	int			i;

	parts[0] = n->schema ? n->schema : st->default_schema;
	parts[1] = n->name ? n->name : "";
	parts[2] = third ? third : "";
	for (i = 0; i < 3; i++)
	{
		const unsigned char *p;

		for (p = (const unsigned char *) parts[i]; *p; p++)
			h = (h ^ *p) * 16777619u;
		h = (h ^ 0xff) * 16777619u;
	}
	return h;
}

/* the first entry of the chain for hash h, or -1 */
static int
ix_first(const NameIndex *ix, uint32 h)
{
	return ix->nslots == 0 ? -1 : ix->slots[h & (ix->nslots - 1)];
}

/* Add entry number entry (the newest) with hash h, growing the table. */
static void
ix_add(NameIndex *ix, int entry, uint32 h)
{
	int			i;

	if (entry >= ix->space)
	{
		ix->space = Max(64, entry * 2);
		ix->next = ix->next ? repalloc(ix->next, sizeof(int) * ix->space) :
			palloc(sizeof(int) * ix->space);
		ix->hashes = ix->hashes ? repalloc(ix->hashes, sizeof(uint32) * ix->space) :
			palloc(sizeof(uint32) * ix->space);
	}
	ix->hashes[entry] = h;
	ix->nentries = entry + 1;
	if (ix->nentries * 4 > ix->nslots * 3)
	{
		ix->nslots = ix->nslots ? ix->nslots * 2 : 64;
		ix->slots = ix->slots ? repalloc(ix->slots, sizeof(int) * ix->nslots) :
			palloc(sizeof(int) * ix->nslots);
		for (i = 0; i < ix->nslots; i++)
			ix->slots[i] = -1;
		/* oldest first, so that chains start with the newest */
		for (i = 0; i < ix->nentries; i++)
		{
			int			slot = ix->hashes[i] & (ix->nslots - 1);

			ix->next[i] = ix->slots[slot];
			ix->slots[slot] = i;
		}
		return;
	}
	ix->next[entry] = ix->slots[h & (ix->nslots - 1)];
	ix->slots[h & (ix->nslots - 1)] = entry;
}

/* names for a message, each quoted and escaped: "a", "b" */
static char *
shown_list(char **names, int n)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", pgm_display(names[i]));
	return buf.data;
}

static KnownTable *
known_table_in(PgmLintState *st, const PgmLintName *rel)
{
	uint32		h = name_hash(st, rel, NULL);
	int			e;

	for (e = ix_first(&st->tables_ix, h); e >= 0; e = st->tables_ix.next[e])
		if (st->tables_ix.hashes[e] == h && name_eq(st, &st->tables[e].name, rel))
			return &st->tables[e];
	return NULL;
}

/*
 * A table the scripts created or renamed, found as the script will find
 * it: an unqualified name in the temporary schema first, then schema by
 * schema along the search_path, where a table the catalog has in an
 * earlier schema hides one the scripts created in a later one.
 */
static KnownTable *
known_table(PgmLintState *st, const PgmLintName *rel)
{
	PgmLintName n;
	int			i;
	KnownTable *t;

	if (rel->schema != NULL)
		return known_table_in(st, rel);
	n.name = rel->name;
	n.schema = "pg_temp";
	if ((t = known_table_in(st, &n)) != NULL)
		return t;
	for (i = 0; i < st->nsearch_path; i++)
	{
		PgmLintRelInfo info;

		n.schema = (char *) st->search_path[i];
		if ((t = known_table_in(st, &n)) != NULL)
			return t;
		if (st->cat && i + 1 < st->nsearch_path)
		{
			memset(&info, 0, sizeof(info));
			st->cat->relation(st->cat->arg, &n, &info);
			if (info.found)
				return NULL;
		}
	}
	return NULL;
}

static void
learn_table(PgmLintState *st, const PgmLintName *rel, const PgmLintName *from)
{
	KnownTable *t;

	GROW(st->tables, st->ntables, st->tables_space, KnownTable);
	t = &st->tables[st->ntables++];
	t->name = *rel;
	if (from)
		t->renamed_from = *from;
	else
		memset(&t->renamed_from, 0, sizeof(t->renamed_from));
	ix_add(&st->tables_ix, st->ntables - 1, name_hash(st, rel, NULL));
}

static bool
known_column(PgmLintState *st, const PgmLintName *rel, const char *column)
{
	uint32		h = name_hash(st, rel, column);
	int			e;

	for (e = ix_first(&st->columns_ix, h); e >= 0; e = st->columns_ix.next[e])
		if (st->columns_ix.hashes[e] == h && name_eq(st, &st->columns[e].rel, rel) &&
			strcmp(st->columns[e].column, column) == 0)
			return true;
	return false;
}

static void
learn_column(PgmLintState *st, const PgmLintName *rel, const char *column)
{
	if (column == NULL)
		return;
	GROW(st->columns, st->ncolumns, st->columns_space, KnownColumn);
	st->columns[st->ncolumns].rel = *rel;
	st->columns[st->ncolumns].column = (char *) column;
	st->ncolumns++;
	ix_add(&st->columns_ix, st->ncolumns - 1, name_hash(st, rel, column));
}

static void
learn_index(PgmLintState *st, const PgmLintName *rel, const char *name,
			const PgmLintIndex *idx)
{
	PgmLintName n;

	GROW(st->indexes, st->nindexes, st->indexes_space, KnownIndex);
	st->indexes[st->nindexes].rel = *rel;
	st->indexes[st->nindexes].name = (char *) name;
	st->indexes[st->nindexes].idx = *idx;
	memset(&st->indexes[st->nindexes].renamed_from, 0, sizeof(PgmLintName));
	st->nindexes++;
	n.schema = rel->schema;
	n.name = (char *) name;
	/* an unnamed one (a constraint's) hashes as "": never found by name */
	ix_add(&st->index_names_ix, st->nindexes - 1, name_hash(st, &n, NULL));
	ix_add(&st->index_tables_ix, st->nindexes - 1, name_hash(st, rel, NULL));
}

static KnownIndex *
known_index(PgmLintState *st, const PgmLintName *name)
{
	uint32		h = name_hash(st, name, NULL);
	int			e;

	for (e = ix_first(&st->index_names_ix, h); e >= 0; e = st->index_names_ix.next[e])
	{
		PgmLintName n;

		if (st->index_names_ix.hashes[e] != h || st->indexes[e].name == NULL)
			continue;
		n.schema = st->indexes[e].rel.schema;
		n.name = st->indexes[e].name;
		if (name_eq(st, &n, name))
			return &st->indexes[e];
	}
	return NULL;
}

/* the next index of a table after entry e (-1: the first), newest first; -1 at the end */
static int
next_index_of(PgmLintState *st, const PgmLintName *rel, uint32 h, int e)
{
	e = e < 0 ? ix_first(&st->index_tables_ix, h) : st->index_tables_ix.next[e];
	for (; e >= 0; e = st->index_tables_ix.next[e])
		if (st->index_tables_ix.hashes[e] == h && name_eq(st, &st->indexes[e].rel, rel))
			return e;
	return -1;
}

/* ----------------------------------------------------------------
 * sizes and findings
 * ----------------------------------------------------------------
 */

static TableSize
size_from_info(PgmLintState *st, const PgmLintRelInfo *info)
{
	TableSize		s;

	s.rows = info->reltuples;
	s.never_analyzed = info->reltuples < 0;
	if (info->reltuples < 0)
		s.cls = SZ_UNKNOWN;
	else if (info->reltuples == 0 && info->relpages == 0)
		s.cls = SZ_EMPTY;
	else if (info->reltuples >= st->cat->large_rows)
		s.cls = SZ_LARGE;
	else
		s.cls = SZ_SMALL;
	return s;
}

static TableSize
table_size(PgmLintState *st, const PgmLintName *rel)
{
	TableSize		s = {SZ_UNKNOWN, -1, false};
	KnownTable *t = known_table(st, rel);
	PgmLintRelInfo info;

	if (t && t->renamed_from.name == NULL)
	{
		s.cls = SZ_NEW;
		return s;
	}
	if (t)
		rel = &t->renamed_from;
	if (st->cat == NULL)
		return s;
	memset(&info, 0, sizeof(info));
	st->cat->relation(st->cat->arg, rel, &info);
	if (info.found)
		return size_from_info(st, &info);
	if (st->cat->pending && st->cat->pending(st->cat->arg, rel->name))
		s.cls = SZ_NEW;
	return s;
}

static TableSize
index_size(PgmLintState *st, const PgmLintName *index)
{
	TableSize		s = {SZ_UNKNOWN, -1, false};
	KnownIndex *k = known_index(st, index);
	PgmLintRelInfo info;

	if (k && k->renamed_from.name)
		index = &k->renamed_from;	/* an existing index under a new name */
	else if (k)
		return table_size(st, &k->rel);
	if (st->cat == NULL)
		return s;
	memset(&info, 0, sizeof(info));
	st->cat->relation(st->cat->arg, index, &info);
	if (info.found)
		return size_from_info(st, &info);
	return s;
}

/* the severity of a locking hazard on a table of this size; -1: none */
static int
size_severity(TableSize s)
{
	switch (s.cls)
	{
		case SZ_NEW:
			return -1;
		case SZ_EMPTY:
			return PGM_LINT_ADVICE;
		case SZ_SMALL:
		case SZ_UNKNOWN:
			return PGM_LINT_WARNING;
		case SZ_LARGE:
			return PGM_LINT_ERROR;
	}
	return PGM_LINT_WARNING;
}

/* " (about 5000 rows)" and the like, for a message */
static const char *
size_text(PgmLintState *st, TableSize s)
{
	switch (s.cls)
	{
		case SZ_EMPTY:
			return " (empty)";
		case SZ_SMALL:
		case SZ_LARGE:
			return psprintf(" (about %.0f row%s)", s.rows, s.rows == 1 ? "" : "s");
		case SZ_UNKNOWN:
			if (s.never_analyzed)
				return " (size unknown: never analyzed)";
			return "";
		case SZ_NEW:
			break;
	}
	(void) st;
	return "";
}

/*
 * The line of an offset in the script being linted.  Offsets come in
 * increasing order (annotations, then the statement's first token), so
 * that a huge script is counted through once.
 */
static int
line_of(PgmLintState *st, int offset)
{
	if (offset < st->line_offset)
	{
		st->line_offset = 0;
		st->line_no = 1;
	}
	while (st->line_offset < offset && st->script[st->line_offset])
	{
		if (st->script[st->line_offset] == '\n')
			st->line_no++;
		st->line_offset++;
	}
	return st->line_no;
}

/*
 * Parts of messages, built only when a finding is reported: most
 * statements have none, and a script may have 100,000 of them.
 */
static char *
column_what(const PgmLintName *rel, const char *column)
{
	return psprintf("column %s of %s", pgm_display(column), shown(rel));
}

static char *
add_column_what(const PgmLintName *rel, const char *column)
{
	return psprintf("ADD COLUMN %s to %s", pgm_display(column), shown(rel));
}

/* " name" or "", for "ADD CONSTRAINT name" and "CREATE INDEX name" */
static const char *
named(const char *name)
{
	return name ? psprintf(" %s", pgm_display(name)) : "";
}

/* Is this rule silenced for the current statement?  Marks the annotation used. */
static bool
ignored(PgmLintState *st, Rule rule, int statement_no)
{
	PgmLintResult *r = st->result;
	bool		found = false;
	int			i;

	/* annotations come in statement order: look back only as far as needed */
	for (i = r->nignored - 1; i >= 0 && r->ignored[i].statement_no >= statement_no; i--)
		if (r->ignored[i].statement_no == statement_no &&
			strcmp(r->ignored[i].rule, rules[rule].name) == 0)
		{
			r->ignored[i].used = true;
			found = true;
		}
	return found;
}

static void
add_finding(PgmLintState *st, Rule rule, int severity, int statement_no,
			int line, const char *hint, const char *fmt,...)
	pg_attribute_printf(7, 8);

static void
add_finding(PgmLintState *st, Rule rule, int severity, int statement_no,
			int line, const char *hint, const char *fmt,...)
{
	PgmLintResult *r = st->result;
	PgmLintFinding *f;
	StringInfoData buf;
	va_list		args;

	if (r == NULL || severity < 0 || ignored(st, rule, statement_no))
		return;
	initStringInfo(&buf);
	appendStringInfo(&buf, "statement %d: ", statement_no);
	va_start(args, fmt);
	pgm_append_va(&buf, fmt, args);
	va_end(args);
	GROW(r->findings, r->nfindings, r->findings_space, PgmLintFinding);
	f = &r->findings[r->nfindings++];
	f->rule = rules[rule].name;
	f->severity = (PgmLintSeverity) severity;
	f->statement_no = statement_no;
	f->line = line;
	f->message = buf.data;
	f->hint = pstrdup(hint ? hint : rules[rule].hint);
}

#define FINDING(st, rule, sev, ...) \
	add_finding((st), (rule), (sev), (st)->statement_no, (st)->line, NULL, __VA_ARGS__)

/* ----------------------------------------------------------------
 * annotations
 * ----------------------------------------------------------------
 */

typedef struct IgnoreScan
{
	PgmLintState *st;
	PgmLintResult *result;
	int			statement_no;
	int			first;			/* offset of the first annotation, or -1 */
} IgnoreScan;

static void
rule_list_hint(StringInfo buf)
{
	int			i;

	appendStringInfoString(buf, "Rules: ");
	for (i = 0; i < NUM_RULES; i++)
		appendStringInfo(buf, "%s%s", i ? ", " : "", rules[i].name);
	appendStringInfoChar(buf, '.');
}

static void
collect_ignore(void *arg, const char *script, int offset, int len)
{
	IgnoreScan *scan = (IgnoreScan *) arg;
	int			mlen = (int) strlen(PGM_LINT_IGNORE_MARKER);
	const char *p;
	const char *end = script + offset + len;
	const char *rule_start;
	char	   *rule;
	char	   *reason;
	PgmLintIgnore *ig;

	if (len < mlen || memcmp(script + offset, PGM_LINT_IGNORE_MARKER, mlen) != 0 ||
		(len > mlen && script[offset + mlen] != ' ' && script[offset + mlen] != '\t'))
		return;
	if (scan->first < 0)
		scan->first = offset;
	if (scan->result == NULL)
		return;
	p = script + offset + mlen;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	rule_start = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	rule = pnstrdup(rule_start, p - rule_start);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	reason = pnstrdup(p, end - p);
	if (scan->st && scan->st->lenient &&
		(rule[0] == '\0' || !pgm_lint_rule_known(rule) || reason[0] == '\0'))
		return;					/* a stored script: not this caller's to fix */
	if (rule[0] == '\0' || !pgm_lint_rule_known(rule))
	{
		StringInfoData hint;

		pgm_lint_error_line = pgm_lint_line(script, offset);
		initStringInfo(&hint);
		rule_list_hint(&hint);
		pgm_core_error(PGM_ERR_UNDEFINED_OBJECT, NULL, hint.data,
					   "unknown lint rule %s in \"%s\" on line %d",
					   pgm_display(rule), PGM_LINT_IGNORE_MARKER,
					   pgm_lint_line(script, offset));
	}
	if (reason[0] == '\0')
	{
		pgm_lint_error_line = pgm_lint_line(script, offset);
		pgm_core_error("42601", NULL,
					   "Write the reason after the rule name: \"-- migrate:lint-ignore rule why this is safe here\".",
					   "\"%s %s\" on line %d has no reason",
					   PGM_LINT_IGNORE_MARKER, rule, pgm_lint_line(script, offset));
	}
	GROW(scan->result->ignored, scan->result->nignored,
		 scan->result->ignored_space, PgmLintIgnore);
	ig = &scan->result->ignored[scan->result->nignored++];
	ig->rule = rule;
	ig->reason = reason;
	ig->statement_no = scan->statement_no;
	ig->line = line_of(scan->st, offset);
	ig->used = false;
}

/* An annotation between statements (or after the last) silences nothing. */
static void
check_gaps(const char *script, PgmLintStatement *stmts, int n)
{
	int			from = 0;
	int			slen = (int) strlen(script);
	int			i;

	for (i = 0; i <= n; i++)
	{
		int			to = i < n ? stmts[i].start : slen;
		IgnoreScan	scan;

		memset(&scan, 0, sizeof(scan));
		scan.first = -1;
		if (to > from)
			(void) pgm_scan_opening(script, from, to - from, true, collect_ignore, &scan);
		if (scan.first >= 0)
			pgm_lint_error_line = pgm_lint_line(script, scan.first);
		if (scan.first >= 0)
			pgm_core_error("42601", NULL,
						   "Put the line directly before the statement whose finding it silences.",
						   "\"%s\" line with no statement after it, on line %d",
						   PGM_LINT_IGNORE_MARKER, pgm_lint_line(script, scan.first));
		if (i < n)
			from = stmts[i].start + stmts[i].len;
	}
}

/* ----------------------------------------------------------------
 * types
 * ----------------------------------------------------------------
 */

static bool
type_is(const PgmLintType *t, const char *name)
{
	return t->name != NULL && !t->array && strcmp(t->name, name) == 0;
}

static bool
type_is_serial(const PgmLintType *t)
{
	return type_is(t, "serial") || type_is(t, "bigserial") || type_is(t, "smallserial") ||
		type_is(t, "serial2") || type_is(t, "serial4") || type_is(t, "serial8");
}

static bool
type_is_small_int(const PgmLintType *t)
{
	return type_is(t, "int4") || type_is(t, "int2") || type_is(t, "serial") ||
		type_is(t, "serial4") || type_is(t, "smallserial") || type_is(t, "serial2");
}

/* a type for a message, in SQL's spelling */
static char *
type_text(const PgmLintType *t)
{
	static const char *const names[][2] = {
		{"int2", "smallint"}, {"int4", "integer"}, {"int8", "bigint"},
		{"bpchar", "character"}, {"varchar", "character varying"},
		{"float4", "real"}, {"float8", "double precision"}, {"bool", "boolean"},
		{"timestamp", "timestamp without time zone"},
		{"timestamptz", "timestamp with time zone"},
		{"time", "time without time zone"}, {"timetz", "time with time zone"},
		{NULL, NULL}
	};
	StringInfoData buf;
	const char *name = t->name ? t->name : "?";
	int			i;

	if (t->schema == NULL || strcmp(t->schema, "pg_catalog") == 0)
		for (i = 0; names[i][0]; i++)
			if (strcmp(names[i][0], name) == 0)
				name = names[i][1];
	initStringInfo(&buf);
	appendStringInfoString(&buf, name);
	if (t->ntypmods > 0)
	{
		appendStringInfoChar(&buf, '(');
		for (i = 0; i < t->ntypmods; i++)
		{
			if (t->typmods[i] == PGM_LINT_NOT_CONSTANT)
				appendStringInfo(&buf, "%s?", i ? "," : "");
			else
				appendStringInfo(&buf, "%s%d", i ? "," : "", t->typmods[i]);
		}
		appendStringInfoChar(&buf, ')');
	}
	if (t->array)
		appendStringInfoString(&buf, "[]");
	return pgm_display(buf.data);
}

/* Style rules for a column's type (CREATE TABLE and ADD COLUMN alike). */
static void
column_style(PgmLintState *st, const PgmLintName *rel, const PgmLintColumn *col,
			 bool primary_key)
{
	const PgmLintType *t = &col->type;

	if (type_is(t, "bpchar"))
		FINDING(st, R_CHAR, PGM_LINT_ADVICE, "%s is %s, which pads values with blanks",
				column_what(rel, col->name), type_text(t));
	if (type_is(t, "varchar") && t->ntypmods > 0)
		FINDING(st, R_VARCHAR, PGM_LINT_ADVICE, "%s is %s: raising the limit later is a type change",
				column_what(rel, col->name), type_text(t));
	if ((primary_key || col->primary_key) && type_is_small_int(t))
		FINDING(st, R_INT_KEY, PGM_LINT_ADVICE, "%s, the primary key, is %s",
				column_what(rel, col->name), type_text(t));
	if (type_is(t, "timestamp"))
		FINDING(st, R_TIMESTAMP, PGM_LINT_ADVICE, "%s is timestamp without time zone", column_what(rel, col->name));
	if (type_is_serial(t))
		FINDING(st, R_SERIAL, PGM_LINT_ADVICE, "%s is %s", column_what(rel, col->name), type_text(t));
}

/* Does a default call a volatile function? */
static bool
volatile_default(PgmLintState *st, const PgmLintColumn *col, char **which)
{
	int			i;

	for (i = 0; i < col->nfuncs; i++)
	{
		const PgmLintName *f = &col->funcs[i];
		char		v = 0;

		if (st->cat && st->cat->volatility)
			v = st->cat->volatility(st->cat->arg, f);
		if (v == 0)
		{
			int			k;

			for (k = 0; volatile_functions[k]; k++)
				if (strcmp(volatile_functions[k], f->name) == 0 &&
					(f->schema == NULL || strcmp(f->schema, "pg_catalog") == 0 ||
					 strcmp(f->schema, "public") == 0))
					v = 'v';
		}
		if (v == 'v')
		{
			*which = shown(f);
			return true;
		}
	}
	return false;
}

/* ----------------------------------------------------------------
 * the rules, by action
 * ----------------------------------------------------------------
 */

/* unknown-object for a table (or index) the statement needs */
static bool
check_relation_exists(PgmLintState *st, const PgmLintName *rel, bool index)
{
	PgmLintRelInfo info;

	if (st->cat == NULL || rel->name == NULL)
		return true;
	if (index ? known_index(st, rel) != NULL : known_table(st, rel) != NULL)
		return true;
	memset(&info, 0, sizeof(info));
	st->cat->relation(st->cat->arg, rel, &info);
	if (info.found)
		return true;
	if (st->cat->pending && st->cat->pending(st->cat->arg, rel->name))
		return true;
	FINDING(st, R_UNKNOWN, PGM_LINT_ERROR, "%s %s does not exist",
			index ? "index" : "table", shown(rel));
	return false;
}

/* Does the catalog have this relation (and is it not one the scripts made)? */
static bool
relation_in_catalog(PgmLintState *st, const PgmLintName *rel)
{
	PgmLintRelInfo info;

	if (st->cat == NULL || rel->name == NULL)
		return false;
	memset(&info, 0, sizeof(info));
	st->cat->relation(st->cat->arg, rel, &info);
	return info.found;
}

/*
 * The size of the table an action works on.  A table neither the scripts
 * nor the catalog have gets unknown-object (unless ALTER TABLE IF EXISTS)
 * and counts as of unknown size.
 */
static TableSize
target_size(PgmLintState *st, PgmLintAction *a)
{
	TableSize	s = table_size(st, &a->rel);

	if (s.cls != SZ_NEW && !a->rel_missing_ok)
		(void) check_relation_exists(st, &a->rel, false);
	return s;
}

static void
check_column_exists(PgmLintState *st, const PgmLintName *rel, const char *column)
{
	KnownTable *t;

	if (st->cat == NULL || column == NULL || known_column(st, rel, column))
		return;
	t = known_table(st, rel);
	if (t && t->renamed_from.name == NULL)
		return;					/* a new table: columns are in the script */
	if (st->cat->column(st->cat->arg, t ? &t->renamed_from : rel, column))
		return;
	if (st->cat->pending && st->cat->pending(st->cat->arg, column))
		return;
	FINDING(st, R_UNKNOWN, PGM_LINT_ERROR, "column %s of table %s does not exist",
			pgm_display(column), shown(rel));
}

/* Is rel's table locked strongly, and no lock timeout in force? */
static void
strong_lock(PgmLintState *st, const PgmLintName *rel, TableSize s)
{
	if (st->cat == NULL || st->cat->ddl_lock_timeout || st->lock_timeout_set ||
		st->lock_timeout_reported || s.cls == SZ_NEW)
		return;
	st->lock_timeout_reported = true;
	FINDING(st, R_LOCK_TIMEOUT, PGM_LINT_WARNING,
			"locks %s with no lock_timeout: while it waits for the lock, every query on the table waits behind it",
			shown(rel));
}

/* indexes the scripts created, or the catalog has, lead with cols? */
static bool
fk_indexed(PgmLintState *st, const PendingFk *fk)
{
	uint32		h = name_hash(st, &fk->rel, NULL);
	int			i;
	KnownTable *t;

	for (i = next_index_of(st, &fk->rel, h, -1); i >= 0; i = next_index_of(st, &fk->rel, h, i))
	{
		KnownIndex *k = &st->indexes[i];
		int			c;
		int			matched = 0;

		if (k->idx.ncols < fk->ncols)
			continue;
		for (c = 0; c < fk->ncols; c++)
		{
			int			j;

			for (j = 0; j < fk->ncols; j++)
				if (k->idx.cols[j] && strcmp(k->idx.cols[j], fk->cols[c]) == 0)
				{
					matched++;
					break;
				}
		}
		if (matched == fk->ncols)
			return true;
	}
	t = known_table(st, &fk->rel);
	if (t && t->renamed_from.name == NULL)
		return false;			/* a new table has only the script's indexes */
	if (st->cat == NULL)
		return true;			/* offline: cannot tell */
	return st->cat->leading_index(st->cat->arg, t ? &t->renamed_from : &fk->rel,
								  fk->ncols, fk->cols);
}

static void
remember_fk(PgmLintState *st, const PgmLintName *rel, int ncols, char **cols,
			const PgmLintName *target)
{
	PendingFk  *fk;

	if (ncols == 0)
		return;
	GROW(st->fks, st->nfks, st->fks_space, PendingFk);
	fk = &st->fks[st->nfks++];
	fk->rel = *rel;
	fk->ncols = ncols;
	fk->cols = cols;
	fk->statement_no = st->statement_no;
	fk->line = st->line;
	fk->target = *target;
}

static void
lint_add_column(PgmLintState *st, PgmLintAction *a)
{
	PgmLintColumn *col = &a->col;
	TableSize		s;
	char	   *func;

	if (!a->in_create)
		column_style(st, &a->rel, col, false);
	if (col->references.name)
	{
		TableSize		ts = table_size(st, &col->references);

		if (ts.cls != SZ_NEW)
			(void) check_relation_exists(st, &col->references, false);
		remember_fk(st, &a->rel, 1, &col->name, &col->references);
	}
	if (col->primary_key || col->unique)
	{
		PgmLintIndex idx;

		memset(&idx, 0, sizeof(idx));
		idx.unique = true;
		idx.plain = true;
		idx.ncols = 1;
		idx.cols = &col->name;
		learn_index(st, &a->rel, NULL, &idx);
	}
	if (a->in_create)
	{
		learn_column(st, &a->rel, col->name);
		return;
	}
	s = target_size(st, a);
	/* ADD COLUMN IF NOT EXISTS of a column the table has: nothing happens */
	if (a->if_exists && s.cls != SZ_NEW && relation_in_catalog(st, &a->rel) &&
		st->cat->column(st->cat->arg, &a->rel, col->name))
		return;
	strong_lock(st, &a->rel, s);
	if (col->not_null && !col->has_default && !col->identity && !col->generated &&
		s.cls != SZ_NEW)
		FINDING(st, R_REQUIRED_FIELD, s.cls == SZ_EMPTY ? PGM_LINT_ADVICE : PGM_LINT_ERROR,
				"%s is NOT NULL without a DEFAULT: it fails if %s has any rows%s",
				add_column_what(&a->rel, col->name), shown(&a->rel), size_text(st, s));
	if (type_is_serial(&col->type))
		FINDING(st, R_FIELD_DEFAULT, size_severity(s),
				"%s is %s: filling its sequence into every row rewrites %s%s under an ACCESS EXCLUSIVE lock",
				add_column_what(&a->rel, col->name), type_text(&col->type), shown(&a->rel), size_text(st, s));
	else if (col->identity)
		FINDING(st, R_FIELD_DEFAULT, size_severity(s),
				"%s is an identity column: filling it into every row rewrites %s%s under an ACCESS EXCLUSIVE lock",
				add_column_what(&a->rel, col->name), shown(&a->rel), size_text(st, s));
	else if (col->generated)
		FINDING(st, R_FIELD_DEFAULT, size_severity(s),
				"%s is a stored generated column: computing it for every row rewrites %s%s under an ACCESS EXCLUSIVE lock",
				add_column_what(&a->rel, col->name), shown(&a->rel), size_text(st, s));
	else if (col->has_default && volatile_default(st, col, &func))
		FINDING(st, R_FIELD_DEFAULT, size_severity(s),
				"%s has a volatile default (%s): it rewrites %s%s under an ACCESS EXCLUSIVE lock",
				add_column_what(&a->rel, col->name), func, shown(&a->rel), size_text(st, s));
	if (col->references.name)
		FINDING(st, R_FOREIGN_KEY, size_severity(s),
				"%s references %s: adding the foreign key scans %s%s and blocks writes to both tables",
				add_column_what(&a->rel, col->name), shown(&col->references), shown(&a->rel), size_text(st, s));
	if (col->primary_key)
		FINDING(st, R_PRIMARY_KEY, size_severity(s),
				"%s adds a primary key: building its index blocks writes to %s%s",
				add_column_what(&a->rel, col->name), shown(&a->rel), size_text(st, s));
	else if (col->unique)
		FINDING(st, R_UNIQUE, size_severity(s),
				"%s adds a unique constraint: building its index blocks writes to %s%s",
				add_column_what(&a->rel, col->name), shown(&a->rel), size_text(st, s));
	learn_column(st, &a->rel, col->name);
}

static void
lint_alter_type(PgmLintState *st, PgmLintAction *a)
{
	TableSize	s = target_size(st, a);
	char	   *what;
	char	   *from = NULL;
	char	   *to = NULL;
	int			rewrite = -1;

	if (s.cls == SZ_NEW)
		return;
	check_column_exists(st, &a->rel, a->column);
	strong_lock(st, &a->rel, s);
	if (st->cat && st->cat->type_change && !known_column(st, &a->rel, a->column))
	{
		KnownTable *t = known_table(st, &a->rel);

		rewrite = st->cat->type_change(st->cat->arg, t ? &t->renamed_from : &a->rel,
									   a->column, &a->type, a->using_expr, &from, &to);
	}
	if (rewrite == 0)
		return;
	what = psprintf("ALTER COLUMN %s of %s TYPE %s", pgm_display(a->column),
					shown(&a->rel), type_text(&a->type));
	if (rewrite == 1)
		FINDING(st, R_COLUMN_TYPE, size_severity(s),
				"%s rewrites %s%s under an ACCESS EXCLUSIVE lock: %s to %s%s",
				what, shown(&a->rel), size_text(st, s), from, to,
				a->using_expr ? " with USING" : " is not binary compatible");
	else
		FINDING(st, R_COLUMN_TYPE, size_severity(s),
				"%s may rewrite %s%s under an ACCESS EXCLUSIVE lock",
				what, shown(&a->rel), size_text(st, s));
}

static bool
in_list(PgmLintState *st, const KnownColumn *list, int n, const PgmLintName *rel,
		const char *name)
{
	int			i;

	for (i = 0; i < n; i++)
		if (name_eq(st, &list[i].rel, rel) && strcmp(list[i].column, name) == 0)
			return true;
	return false;
}

static void
lint_set_not_null(PgmLintState *st, PgmLintAction *a)
{
	TableSize	s = target_size(st, a);
	KnownTable *t;

	if (s.cls == SZ_NEW)
		return;
	check_column_exists(st, &a->rel, a->column);
	strong_lock(st, &a->rel, s);
	if (in_list(st, st->notnull, st->nnotnull, &a->rel, a->column))
		return;
	t = known_table(st, &a->rel);
	if (st->cat)
	{
		bool		valid = false;
		char	   *check = st->cat->not_null_check(st->cat->arg,
													t ? &t->renamed_from : &a->rel,
													a->column, &valid);

		/* valid, or validated by an earlier statement */
		if (check && (valid || in_list(st, st->validated, st->nvalidated, &a->rel, check)))
			return;
	}
	FINDING(st, R_SET_NOT_NULL, size_severity(s),
			"ALTER COLUMN %s of %s SET NOT NULL scans %s%s under an ACCESS EXCLUSIVE lock",
			pgm_display(a->column), shown(&a->rel), shown(&a->rel), size_text(st, s));
}

static void
lint_add_constraint(PgmLintState *st, PgmLintAction *a)
{
	PgmLintConstraint *con = &a->con;
	TableSize		s;

	if (con->contype == 'p' || con->contype == 'u' || con->contype == 'x')
	{
		PgmLintIndex idx;

		memset(&idx, 0, sizeof(idx));
		idx.unique = true;
		idx.plain = con->contype != 'x';
		idx.ncols = con->ncols;
		idx.cols = con->cols;
		learn_index(st, &a->rel, con->name, &idx);
	}
	if (con->contype == 'f')
	{
		if (table_size(st, &con->references).cls != SZ_NEW)
			(void) check_relation_exists(st, &con->references, false);
		remember_fk(st, &a->rel, con->ncols, con->cols, &con->references);
	}
	if (con->contype == 'c' && con->name)
	{
		KnownCheck *k;

		GROW(st->checks, st->nchecks, st->checks_space, KnownCheck);
		k = &st->checks[st->nchecks++];
		k->rel = a->rel;
		k->name = con->name;
		k->not_null_col = con->not_valid ? con->not_null_col : NULL;
		k->this_script = st->result != NULL && con->not_valid;
	}
	if (a->in_create)
		return;
	s = target_size(st, a);
	if (s.cls == SZ_NEW)
		return;
	strong_lock(st, &a->rel, s);
	if (con->using_index)
		return;
	switch (con->contype)
	{
		case 'f':
			if (!con->not_valid)
				FINDING(st, R_FOREIGN_KEY, size_severity(s),
						"ADD CONSTRAINT%s FOREIGN KEY on %s without NOT VALID scans %s%s and blocks writes to it and to %s",
						named(con->name), shown(&a->rel), shown(&a->rel), size_text(st, s),
						shown(&con->references));
			break;
		case 'c':
			if (!con->not_valid)
				FINDING(st, R_NOT_VALID, size_severity(s),
						"ADD CONSTRAINT%s CHECK on %s without NOT VALID scans %s%s under an ACCESS EXCLUSIVE lock",
						named(con->name), shown(&a->rel), shown(&a->rel), size_text(st, s));
			break;
		case 'u':
			FINDING(st, R_UNIQUE, size_severity(s),
					"ADD CONSTRAINT%s UNIQUE on %s builds its index while blocking writes to %s%s",
					named(con->name), shown(&a->rel), shown(&a->rel), size_text(st, s));
			break;
		case 'p':
			FINDING(st, R_PRIMARY_KEY, size_severity(s),
					"ADD CONSTRAINT%s PRIMARY KEY on %s builds its index while blocking writes to %s%s",
					named(con->name), shown(&a->rel), shown(&a->rel), size_text(st, s));
			break;
		default:
			break;
	}
}

static void
lint_validate(PgmLintState *st, PgmLintAction *a)
{
	int			i;

	GROW(st->validated, st->nvalidated, st->validated_space, KnownColumn);
	st->validated[st->nvalidated].rel = a->rel;
	st->validated[st->nvalidated].column = a->name;
	st->nvalidated++;
	for (i = st->nchecks - 1; i >= 0; i--)
	{
		KnownCheck *k = &st->checks[i];

		if (!name_eq(st, &k->rel, &a->rel) || strcmp(k->name, a->name) != 0)
			continue;
		if (k->this_script)
			add_finding(st, R_NOT_VALID, PGM_LINT_WARNING, st->statement_no, st->line,
						"Validate in a later revision: in the same transaction, the lock taken by ADD CONSTRAINT is still held while it scans.",
						"VALIDATE CONSTRAINT %s on %s in the script that added it NOT VALID gains nothing",
						pgm_display(a->name), shown(&a->rel));
		if (k->not_null_col)
		{
			GROW(st->notnull, st->nnotnull, st->notnull_space, KnownColumn);
			st->notnull[st->nnotnull].rel = a->rel;
			st->notnull[st->nnotnull].column = k->not_null_col;
			st->nnotnull++;
		}
		break;
	}
	(void) target_size(st, a);
}

/* same method and columns, and the existing one at least as unique */
static bool
same_index(const PgmLintIndex *old, const PgmLintIndex *new)
{
	int			i;
	const char *m1 = old->method ? old->method : "btree";
	const char *m2 = new->method ? new->method : "btree";

	if (!old->plain || !new->plain || old->ncols != new->ncols ||
		strcmp(m1, m2) != 0 || (new->unique && !old->unique))
		return false;
	for (i = 0; i < old->ncols; i++)
		if (old->cols[i] == NULL || new->cols[i] == NULL ||
			strcmp(old->cols[i], new->cols[i]) != 0)
			return false;
	return true;
}

static void
lint_create_index(PgmLintState *st, PgmLintAction *a)
{
	const char *unique = a->idx.unique ? "UNIQUE " : "";
	TableSize	s = target_size(st, a);
	int			i;

	/* CREATE INDEX IF NOT EXISTS of an index that exists: nothing happens */
	if (a->if_exists && a->name)
	{
		PgmLintName iname;

		iname.schema = a->rel.schema;
		iname.name = a->name;
		if (relation_in_catalog(st, &iname))
			return;
	}
	if (s.cls != SZ_NEW && !a->concurrently)
	{
		strong_lock(st, &a->rel, s);
		FINDING(st, R_INDEX_CREATE, size_severity(s),
				"CREATE %sINDEX%s on %s without CONCURRENTLY blocks writes to %s%s until the index is built",
				unique, named(a->name), shown(&a->rel), shown(&a->rel), size_text(st, s));
	}
	a->idx.name = a->name;
	/* duplicates are a catalog rule: offline, even the script's own are not looked for */
	if (a->idx.plain && st->cat)
	{
		const char *dup = NULL;

		/* an index of the same name is the same index (IF NOT EXISTS), not a copy */
		uint32		h = name_hash(st, &a->rel, NULL);

		for (i = next_index_of(st, &a->rel, h, -1); i >= 0 && dup == NULL;
			 i = next_index_of(st, &a->rel, h, i))
			if (same_index(&st->indexes[i].idx, &a->idx) &&
				!(a->name && st->indexes[i].name && strcmp(a->name, st->indexes[i].name) == 0))
				dup = st->indexes[i].name ? pgm_display(st->indexes[i].name) :
					"the index of a constraint created by the script";
		if (dup == NULL && s.cls != SZ_NEW && st->cat)
		{
			KnownTable *t = known_table(st, &a->rel);
			char	   *name = st->cat->duplicate_index(st->cat->arg,
														t ? &t->renamed_from : &a->rel,
														&a->idx);

			if (name && !(a->name && strcmp(name, a->name) == 0))
				dup = pgm_display(name);
		}
		if (dup)
			FINDING(st, R_DUPLICATE_INDEX, PGM_LINT_WARNING,
					"CREATE %sINDEX%s on %s duplicates %s",
					unique, named(a->name), shown(&a->rel), dup);
	}
	learn_index(st, &a->rel, a->name, &a->idx);
}

static void
lint_drop_index(PgmLintState *st, PgmLintAction *a)
{
	TableSize		s;
	KnownIndex *k = known_index(st, &a->rel);

	if (k && k->renamed_from.name == NULL)
		return;					/* the script built it */
	if (!a->if_exists && k == NULL)
		(void) check_relation_exists(st, &a->rel, true);
	if (a->concurrently)
		return;
	s = index_size(st, &a->rel);
	strong_lock(st, &a->rel, s);
	FINDING(st, R_INDEX_DROP, size_severity(s),
			"DROP INDEX %s without CONCURRENTLY blocks every query on its table%s",
			shown(&a->rel), size_text(st, s));
}

static void
lint_action(PgmLintState *st, PgmLintAction *a)
{
	TableSize		s;

	switch (a->kind)
	{
		case PGM_LA_CREATE_TABLE:
			learn_table(st, &a->rel, NULL);
			break;
		case PGM_LA_ADD_COLUMN:
			lint_add_column(st, a);
			break;
		case PGM_LA_ALTER_TYPE:
			lint_alter_type(st, a);
			break;
		case PGM_LA_SET_NOT_NULL:
			lint_set_not_null(st, a);
			break;
		case PGM_LA_DROP_NOT_NULL:
			if (target_size(st, a).cls != SZ_NEW)
				check_column_exists(st, &a->rel, a->column);
			FINDING(st, R_DROP_NOT_NULL, PGM_LINT_WARNING,
					"ALTER COLUMN %s of %s DROP NOT NULL: application versions that expect a value may break",
					pgm_display(a->column), shown(&a->rel));
			break;
		case PGM_LA_DROP_COLUMN:
			s = target_size(st, a);
			if (s.cls != SZ_NEW)
			{
				if (!a->if_exists)
					check_column_exists(st, &a->rel, a->column);
				strong_lock(st, &a->rel, s);
			}
			FINDING(st, R_DROP_COLUMN, PGM_LINT_WARNING,
					"DROP COLUMN %s of %s: application versions that still use it will fail",
					pgm_display(a->column), shown(&a->rel));
			break;
		case PGM_LA_ADD_CONSTRAINT:
			lint_add_constraint(st, a);
			break;
		case PGM_LA_VALIDATE_CONSTRAINT:
			lint_validate(st, a);
			break;
		case PGM_LA_CREATE_INDEX:
			lint_create_index(st, a);
			break;
		case PGM_LA_DROP_INDEX:
			lint_drop_index(st, a);
			break;
		case PGM_LA_DROP_TABLE:
			s = table_size(st, &a->rel);
			if (s.cls == SZ_NEW)
				break;
			if (!a->if_exists)
				(void) check_relation_exists(st, &a->rel, false);
			strong_lock(st, &a->rel, s);
			FINDING(st, R_DROP_TABLE, PGM_LINT_WARNING,
					"DROP TABLE %s: application versions that still use it will fail",
					shown(&a->rel));
			break;
		case PGM_LA_REINDEX:
			if (a->concurrently)
				break;
			s = a->is_index ? index_size(st, &a->rel) : table_size(st, &a->rel);
			if (s.cls != SZ_NEW)
				(void) check_relation_exists(st, &a->rel, a->is_index);
			strong_lock(st, &a->rel, s);
			FINDING(st, R_REINDEX, size_severity(s),
					"REINDEX %s %s without CONCURRENTLY blocks writes to its table%s",
					a->is_index ? "INDEX" : "TABLE", shown(&a->rel), size_text(st, s));
			break;
		case PGM_LA_RENAME_TABLE:
			s = target_size(st, a);
			strong_lock(st, &a->rel, s);
			FINDING(st, R_RENAME_TABLE, PGM_LINT_WARNING,
					"ALTER TABLE %s RENAME TO %s: application versions that use the old name will fail",
					shown(&a->rel), pgm_display(a->name));
			{
				PgmLintName to;
				KnownTable *t = known_table(st, &a->rel);

				to.schema = a->rel.schema;
				to.name = a->name;
				if (t && t->renamed_from.name == NULL)
					learn_table(st, &to, NULL);
				else
					learn_table(st, &to, t ? &t->renamed_from : &a->rel);
			}
			break;
		case PGM_LA_SET_SCHEMA:
			s = target_size(st, a);
			strong_lock(st, &a->rel, s);
			{
				PgmLintName to;
				KnownTable *t = known_table(st, &a->rel);

				to.schema = a->name;
				to.name = a->rel.name;
				if (t && t->renamed_from.name == NULL)
					learn_table(st, &to, NULL);
				else
					learn_table(st, &to, t ? &t->renamed_from : &a->rel);
			}
			break;
		case PGM_LA_RENAME_INDEX:
			{
				KnownIndex *k = known_index(st, &a->rel);
				PgmLintIndex idx;
				PgmLintName rel;
				PgmLintName from = {NULL, NULL};

				if (k == NULL && !a->rel_missing_ok)
					(void) check_relation_exists(st, &a->rel, true);
				memset(&idx, 0, sizeof(idx));
				if (k)
				{
					idx = k->idx;
					from = k->renamed_from;
				}
				else
					from = a->rel;
				/* the new name stays in the old one's schema, on the same table */
				rel.schema = a->rel.schema;
				rel.name = k ? k->rel.name : NULL;
				learn_index(st, &rel, a->name, &idx);
				/* an existing index under a new name: its old one, for the catalog */
				st->indexes[st->nindexes - 1].renamed_from = from;
			}
			break;
		case PGM_LA_RENAME_COLUMN:
			s = target_size(st, a);
			if (s.cls != SZ_NEW)
			{
				check_column_exists(st, &a->rel, a->column);
				strong_lock(st, &a->rel, s);
			}
			FINDING(st, R_RENAME_COLUMN, PGM_LINT_WARNING,
					"RENAME COLUMN %s of %s TO %s: application versions that use the old name will fail",
					pgm_display(a->column), shown(&a->rel), pgm_display(a->name));
			learn_column(st, &a->rel, a->name);
			break;
		case PGM_LA_DROP_DATABASE:
			FINDING(st, R_DROP_DATABASE, PGM_LINT_ERROR, "DROP DATABASE %s in a migration",
					pgm_display(a->name));
			break;
		case PGM_LA_TRUNCATE:
			s = target_size(st, a);
			strong_lock(st, &a->rel, s);
			if (a->cascade)
				FINDING(st, R_TRUNCATE_CASCADE, PGM_LINT_ERROR,
						"TRUNCATE %s CASCADE also empties every table that references it, and theirs",
						shown(&a->rel));
			break;
		case PGM_LA_TRANSACTION:
			FINDING(st, R_TRANSACTION, PGM_LINT_ERROR,
					"%s in a migration script", a->name);
			break;
		case PGM_LA_SET_LOCK_TIMEOUT:
			st->lock_timeout_set = a->nonzero;
			break;
		case PGM_LA_CREATE_DOMAIN_CHECK:
			FINDING(st, R_DOMAIN_CREATE, PGM_LINT_ADVICE,
					"CREATE DOMAIN %s with a constraint", pgm_display(a->name));
			break;
		case PGM_LA_ALTER_DOMAIN_ADD_CONSTRAINT:
			FINDING(st, R_DOMAIN_ADD, PGM_LINT_WARNING,
					"ALTER DOMAIN %s ADD CONSTRAINT checks every column of the domain while blocking writes to their tables",
					pgm_display(a->name));
			break;
		case PGM_LA_ALTER_TABLE_OTHER:
			s = target_size(st, a);
			if (s.cls != SZ_NEW)
			{
				check_column_exists(st, &a->rel, a->column);
				strong_lock(st, &a->rel, s);
			}
			break;
	}
}

/* style rules of CREATE TABLE: a one-column primary key's type */
static void
lint_create_table(PgmLintState *st, PgmLintStatement *stmt)
{
	int			i;

	for (i = 0; i < stmt->nacts; i++)
	{
		PgmLintAction *a = &stmt->acts[i];
		int			j;
		bool		key = false;

		if (a->kind != PGM_LA_ADD_COLUMN || !a->in_create)
			continue;
		for (j = 0; j < stmt->nacts; j++)
		{
			PgmLintAction *c = &stmt->acts[j];

			if (c->kind == PGM_LA_ADD_CONSTRAINT && c->in_create &&
				c->con.contype == 'p' && c->con.ncols == 1 &&
				strcmp(c->con.cols[0], a->col.name) == 0)
				key = true;
		}
		column_style(st, &a->rel, &a->col, key);
	}
}

/*
 * Findings in statement order, within a statement in the order found: the
 * findings made statement by statement, [0, split), and those made at the
 * end of the script, [split, n), are each in order; merge them.
 */
static void
sort_findings(PgmLintResult *r, int split)
{
	PgmLintFinding *merged;
	int			a = 0;
	int			b = split;
	int			k = 0;

	if (split >= r->nfindings || split == 0)
		return;
	merged = palloc(sizeof(PgmLintFinding) * r->nfindings);
	while (a < split || b < r->nfindings)
	{
		if (b >= r->nfindings ||
			(a < split && r->findings[a].statement_no <= r->findings[b].statement_no))
			merged[k++] = r->findings[a++];
		else
			merged[k++] = r->findings[b++];
	}
	memcpy(r->findings, merged, sizeof(PgmLintFinding) * r->nfindings);
	pfree(merged);
}

/*
 * Lint a script split into statements.  result NULL: only learn what the
 * script creates (a script of an earlier revision).  Annotations are
 * checked either way; a bad one raises an error.
 */
void
pgm_lint_script(PgmLintState *st, const char *script, PgmLintStatement *stmts,
				int nstmts, PgmLintResult *result)
{
	const PgmLintCatalog *cat = st->cat;
	int			split;
	int			i;

	/* only learning what the script creates: no catalog lookups */
	if (result == NULL)
		st->cat = NULL;
	st->script = script;
	st->result = result;
	st->line_offset = 0;
	st->line_no = 1;
	st->nfks = 0;
	st->lock_timeout_set = false;
	st->lock_timeout_reported = false;
	if (result && !st->lenient)
		check_gaps(script, stmts, nstmts);
	for (i = 0; i < nstmts; i++)
	{
		PgmLintStatement *stmt = &stmts[i];
		IgnoreScan	scan;
		int			token;
		int			k;

		PGM_CHECK_INTERRUPTS();
		memset(&scan, 0, sizeof(scan));
		scan.st = st;
		scan.result = result;
		scan.statement_no = i + 1;
		scan.first = -1;
		token = pgm_scan_opening(script, stmt->start, stmt->len, false,
								 collect_ignore, &scan);
		st->statement_no = i + 1;
		st->line = line_of(st, token);
		/* CREATE TABLE IF NOT EXISTS of a table that exists does nothing */
		if (stmt->nacts > 0 && stmt->acts[0].kind == PGM_LA_CREATE_TABLE &&
			stmt->acts[0].if_exists && relation_in_catalog(st, &stmt->acts[0].rel))
			continue;
		for (k = 0; k < stmt->nacts; k++)
			lint_action(st, &stmt->acts[k]);
		if (stmt->nacts > 0 && stmt->acts[0].kind == PGM_LA_CREATE_TABLE)
			lint_create_table(st, stmt);
	}
	split = result ? result->nfindings : 0;
	for (i = 0; i < st->nfks; i++)
	{
		PendingFk  *fk = &st->fks[i];

		if (!fk_indexed(st, fk))
			add_finding(st, R_FK_INDEX, PGM_LINT_WARNING, fk->statement_no, fk->line, NULL,
						"the foreign key from %s to %s has no index on its referencing column%s (%s)",
						shown(&fk->rel), shown(&fk->target), fk->ncols == 1 ? "" : "s",
						shown_list(fk->cols, fk->ncols));
	}
	if (result)
		sort_findings(result, split);
	st->result = NULL;
	st->cat = cat;
}
