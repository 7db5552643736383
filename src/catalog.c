/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  Reading and writing the migrate.* tables.
 *
 * Every query is schema-qualified and takes its values as parameters;
 * plans are prepared once per backend and kept.  Queries run with the
 * caller's privileges, so table grants decide who may read scripts (see
 * migrate.grant_deploy / grant_monitor).  Results are copied into the
 * caller's memory context before SPI_finish.
 *
 * Queries that read version state are not read-only SPI calls: at READ
 * COMMITTED that gives each a fresh snapshot, so state read after the
 * project mutex was granted includes what the previous holder committed.
 *
 * IDENTIFICATION
 *	  src/catalog.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/genam.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "pg_migrate.h"

typedef enum PgmQuery
{
	Q_PROJECT_KEY,
	Q_PROJECT_CREATE,
	Q_PROJECT_BY_KEY,
	Q_STATE_VERSION,
	Q_LOAD_REVISIONS,
	Q_LOAD_APPLIED,
	Q_INSERT_APPLIED,
	Q_DELETE_APPLIED,
	Q_DELETE_REVISION,
	Q_INSERT_EVENT,
	Q_INSERT_EVENT_0_3,
	Q_INSERT_FAILURE,
	Q_GRANTS,
	Q_BUMP_STATE,
	Q_LOCK_ROW,
	Q_FIND_REVISION,
	Q_NEXT_SEQ,
	Q_FIND_SEQ,
	Q_INSERT_REVISION,
	Q_UPDATE_REVISION,
	Q_UPDATE_MESSAGE,
	Q_DETAILS,
	Q_RELATED,
	Q_STATE_ROW,
	Q_IS_APPLIED,
	Q_STATE_ROW_0_2,
	Q_BUMP_STATE_0_2,
	NUM_QUERIES
} PgmQuery;

typedef struct PgmQueryDef
{
	const char *sql;
	int			nargs;
	Oid			argtypes[16];
} PgmQueryDef;

static const PgmQueryDef query_defs[NUM_QUERIES] = {
	[Q_PROJECT_KEY] = {
		"SELECT lock_key FROM migrate.projects WHERE project = $1",
		1, {TEXTOID}
	},
	[Q_PROJECT_CREATE] = {
		"INSERT INTO migrate.projects (project) VALUES ($1) "
		"ON CONFLICT (project) DO NOTHING",
		1, {TEXTOID}
	},
	[Q_PROJECT_BY_KEY] = {
		"SELECT project FROM migrate.projects WHERE lock_key = $1",
		1, {INT4OID}
	},
	[Q_STATE_VERSION] = {
		"SELECT state_version FROM migrate.projects WHERE project = $1",
		1, {TEXTOID}
	},
	[Q_LOAD_REVISIONS] = {
		"SELECT id, message, parents, branch_labels, depends_on, "
		"down_class IS NOT NULL, up_class, down_class, up_statements, "
		"down_statements, seq FROM migrate.revisions WHERE project = $1",
		1, {TEXTOID}
	},
	[Q_LOAD_APPLIED] = {
		"SELECT revision, applied_at, applied_by FROM migrate.applied "
		"WHERE project = $1",
		1, {TEXTOID}
	},
	[Q_INSERT_APPLIED] = {
		"INSERT INTO migrate.applied (project, revision, applied_via, applied_by) "
		"VALUES ($1, $2, $4, $3)",
		4, {TEXTOID, TEXTOID, NAMEOID, TEXTOID}
	},
	[Q_DELETE_APPLIED] = {
		"DELETE FROM migrate.applied WHERE project = $1 AND revision = $2",
		2, {TEXTOID, TEXTOID}
	},
	[Q_DELETE_REVISION] = {
		"DELETE FROM migrate.revisions WHERE project = $1 AND id = $2",
		2, {TEXTOID, TEXTOID}
	},
	[Q_INSERT_EVENT] = {
		"INSERT INTO migrate.events (project, revision, direction, started_at, "
		"duration, outcome, sqlstate, error_message, statement, current_user_name, "
		"session_user_name, application_name, client_addr, backend_pid, "
		"transaction_id, wal_lsn, trusted_registrant) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, SESSION_USER, "
		"pg_catalog.current_setting('application_name'), "
		"pg_catalog.inet_client_addr(), pg_catalog.pg_backend_pid(), "
		"pg_catalog.pg_current_xact_id(), pg_catalog.pg_current_wal_insert_lsn(), $11)",
		11, {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INTERVALOID, TEXTOID,
		TEXTOID, TEXTOID, INT4OID, NAMEOID, NAMEOID}
	},
	/* the same before ALTER EXTENSION ... UPDATE TO '0.4.0' ($11 unused) */
	[Q_INSERT_EVENT_0_3] = {
		"INSERT INTO migrate.events (project, revision, direction, started_at, "
		"duration, outcome, sqlstate, error_message, statement, current_user_name, "
		"session_user_name, application_name, client_addr, backend_pid, "
		"transaction_id, wal_lsn) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, SESSION_USER, "
		"pg_catalog.current_setting('application_name'), "
		"pg_catalog.inet_client_addr(), pg_catalog.pg_backend_pid(), "
		"pg_catalog.pg_current_xact_id(), pg_catalog.pg_current_wal_insert_lsn())",
		11, {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INTERVALOID, TEXTOID,
		TEXTOID, TEXTOID, INT4OID, NAMEOID, NAMEOID}
	},
	/*
	 * A failure recorded by a background worker for a session whose
	 * transaction rolled back: who and where are that session's.
	 */
	[Q_INSERT_FAILURE] = {
		"INSERT INTO migrate.events (project, revision, direction, started_at, "
		"duration, outcome, sqlstate, error_message, statement, current_user_name, "
		"session_user_name, application_name, client_addr, backend_pid) "
		"VALUES ($1, $2, $3, $4, $5, 'failure', $6, $7, $8, $9, $10, $11, "
		"pg_catalog.inet($12), $13)",
		13, {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INTERVALOID, TEXTOID,
			TEXTOID, INT4OID, NAMEOID, NAMEOID, TEXTOID, TEXTOID, INT4OID}
	},
	/* the grants that give access to a project (see access.c) */
	[Q_GRANTS] = {
		"SELECT g.role::pg_catalog.oid, g.access OPERATOR(pg_catalog.=) 'deploy' "
		"FROM migrate.grants g "
		"WHERE g.project IS NULL OR g.project OPERATOR(pg_catalog.=) $1",
		1, {TEXTOID}
	},
	[Q_BUMP_STATE] = {
		"UPDATE migrate.projects SET state_version = state_version + 1, "
		"changed_at = pg_catalog.now(), "
		"complete_version = CASE WHEN $2 THEN state_version + 1 END "
		"WHERE project = $1",
		2, {TEXTOID, BOOLOID}
	},
	[Q_LOCK_ROW] = {
		"SELECT 1 FROM migrate.projects WHERE project = $1 FOR UPDATE",
		1, {TEXTOID}
	},
	[Q_FIND_REVISION] = {
		"SELECT r.checksum, r.message, "
		"EXISTS (SELECT 1 FROM migrate.applied a "
		"WHERE a.project = r.project AND a.revision = r.id) "
		"FROM migrate.revisions r WHERE r.project = $1 AND r.id = $2",
		2, {TEXTOID, TEXTOID}
	},
	[Q_NEXT_SEQ] = {
		"SELECT COALESCE(pg_catalog.max(seq), 0) + 1 "
		"FROM migrate.revisions WHERE project = $1",
		1, {TEXTOID}
	},
	[Q_FIND_SEQ] = {
		"SELECT seq FROM migrate.revisions WHERE project = $1 AND id = $2",
		2, {TEXTOID, TEXTOID}
	},
	[Q_INSERT_REVISION] = {
		"INSERT INTO migrate.revisions (project, id, seq, parents, "
		"branch_labels, depends_on, message, up_script, down_script, up_class, "
		"down_class, up_statements, down_statements, checksum, registered_by) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
		15, {TEXTOID, TEXTOID, INT4OID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
			TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, INT4OID, TEXTOID,
		NAMEOID}
	},
	[Q_UPDATE_REVISION] = {
		/* same parameters as Q_INSERT_REVISION; seq ($3) stays */
		"UPDATE migrate.revisions SET parents = $4, branch_labels = $5, "
		"depends_on = $6, message = $7, up_script = $8, down_script = $9, "
		"up_class = $10, down_class = $11, up_statements = $12, "
		"down_statements = $13, checksum = $14, registered_at = pg_catalog.now(), "
		"registered_by = $15 WHERE project = $1 AND id = $2 AND seq = $3",
		15, {TEXTOID, TEXTOID, INT4OID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
			TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, INT4OID, TEXTOID,
		NAMEOID}
	},
	[Q_UPDATE_MESSAGE] = {
		"UPDATE migrate.revisions SET message = $3 WHERE project = $1 AND id = $2",
		3, {TEXTOID, TEXTOID, TEXTOID}
	},

	[Q_DETAILS] = {
		"SELECT up_script, down_script, checksum, registered_at, registered_by, "
		"parents, branch_labels, depends_on "
		"FROM migrate.revisions WHERE project = $1 AND id = $2",
		2, {TEXTOID, TEXTOID}
	},
	[Q_RELATED] = {
		"SELECT r.id, r.branch_labels, r.seq "
		"FROM (SELECT DISTINCT u.name FROM pg_catalog.unnest($2) AS u(name)) AS n, "
		"LATERAL "
		"(SELECT id, branch_labels, seq FROM migrate.revisions "
		" WHERE project OPERATOR(pg_catalog.=) $1 "
		" AND id OPERATOR(pg_catalog.=) n.name LIMIT 1) AS r "
		"UNION ALL "
		"SELECT id, branch_labels, seq FROM migrate.revisions "
		"WHERE project OPERATOR(pg_catalog.=) $1 "
		"AND branch_labels OPERATOR(pg_catalog.<>) '{}'::pg_catalog.text[] "
		"AND branch_labels OPERATOR(pg_catalog.&&) $2 "
		"AND id OPERATOR(pg_catalog.<>) ALL ($2) "
		"ORDER BY seq",
		2, {TEXTOID, TEXTARRAYOID}
	},
	[Q_STATE_ROW] = {
		"SELECT xmin, state_version, complete_version, lock_key "
		"FROM migrate.projects WHERE project = $1",
		1, {TEXTOID}
	},
	[Q_IS_APPLIED] = {
		"SELECT 1 FROM migrate.applied WHERE project = $1 AND revision = $2",
		2, {TEXTOID, TEXTOID}
	},
	/* the same before ALTER EXTENSION ... UPDATE TO '0.3.0' */
	[Q_STATE_ROW_0_2] = {
		"SELECT xmin, state_version, NULL::bigint, lock_key "
		"FROM migrate.projects WHERE project = $1",
		1, {TEXTOID}
	},
	[Q_BUMP_STATE_0_2] = {
		"UPDATE migrate.projects SET state_version = state_version + 1, "
		"changed_at = pg_catalog.now() WHERE project = $1",
		1, {TEXTOID}
	},
};

static SPIPlanPtr plans[NUM_QUERIES];

static char *revision_checksum(const char *up, const char *down,
							   char **parents, int nparents, char **labels,
							   int nlabels, char **deps, int ndeps);

/* set while pgm_load_state reads both queries under one snapshot */
static bool read_with_pushed_snapshot = false;

/*
 * Run one of the queries above.
 */
static int
run_query(PgmQuery q, Datum *values, const char *nulls, long count)
{
	int			ret;

	if (plans[q] == NULL)
	{
		const Oid  *argtypes = query_defs[q].argtypes;
		SPIPlanPtr	plan;

		plan = SPI_prepare(query_defs[q].sql, query_defs[q].nargs, (Oid *) argtypes);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s",
				 query_defs[q].sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		plans[q] = plan;
	}
	ret = SPI_execute_plan(plans[q], values, nulls, read_with_pushed_snapshot,
						   count);
	if (ret < 0)
		elog(ERROR, "SPI_execute_plan failed for \"%s\": %s",
			 query_defs[q].sql, SPI_result_code_string(ret));
	return ret;
}

/*
 * Every query on the migrate tables runs with the owner's rights and a
 * pinned search_path (see access.c), between these two.
 */
static void
connect_spi(PgmOwnerScope *os)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	pgm_become_owner(os);
}

static void
finish_spi(PgmOwnerScope *os)
{
	pgm_restore_user(os);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
}

/* the caller's role name, as a query parameter of type name */
static Datum
caller_name(PgmOwnerScope *os)
{
	return DirectFunctionCall1(namein,
							   CStringGetDatum(GetUserNameFromId(os->caller, false)));
}

/* whether a migrate table has a column (it may predate it) */
static bool
have_column(const char *table, const char *column)
{
	Oid			rel = get_relname_relid(table, get_namespace_oid(PGM_SCHEMA, false));

	return OidIsValid(rel) && get_attnum(rel, column) != InvalidAttrNumber;
}

/*
 * Project names follow the revision id alphabet, so they can appear in
 * messages and file names without quoting surprises.
 */
bool
pgm_project_name_ok(const char *project)
{
	size_t		len = strlen(project);

	return len > 0 && len <= PGM_MAX_PROJECT_LEN &&
		strspn(project, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == len;
}

void
pgm_check_project_name(const char *project)
{
	if (pgm_project_name_ok(project))
		return;
	if (project[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("project name must not be empty")));
	if (strlen(project) > PGM_MAX_PROJECT_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("project name %s is too long", pgm_display(project)),
				 errdetail("At most %d characters are allowed.", PGM_MAX_PROJECT_LEN)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("project name %s contains an invalid character", pgm_display(project)),
			 errdetail("Only letters, digits, \"_\", \"-\" and \".\" are allowed.")));
}

/*
 * The lock key of a project, creating the project row when asked.
 * Returns 0 for an unknown project that was not to be created.
 */
int
pgm_project_key(const char *project, bool create)
{
	PgmOwnerScope os;
	Datum		values[1];
	int			key = 0;
	bool		isnull;

	values[0] = CStringGetTextDatum(project);
	connect_spi(&os);
	run_query(Q_PROJECT_KEY, values, NULL, 1);
	if (SPI_processed == 0 && create)
	{
		run_query(Q_PROJECT_CREATE, values, NULL, 0);
		run_query(Q_PROJECT_KEY, values, NULL, 1);
	}
	if (SPI_processed > 0)
	{
		key = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull));
		Assert(!isnull);
	}
	finish_spi(&os);
	return key;
}

/*
 * Lock the project's state row.  At REPEATABLE READ or SERIALIZABLE this
 * raises a serialization failure when another transaction changed the
 * project after our snapshot was taken, which is what keeps stale
 * snapshots from acting on old state.
 */
void
pgm_lock_project_row(const char *project)
{
	PgmOwnerScope os;
	Datum		values[1];

	values[0] = CStringGetTextDatum(project);
	connect_spi(&os);
	run_query(Q_LOCK_ROW, values, NULL, 0);
	finish_spi(&os);
}

/*
 * Stored data is checked before use, as input from a caller would be: the
 * tables can be changed by their owner behind pg_migrate's back, and a
 * NULL element or an id with a newline in it must give an error, never a
 * crash, a wrong answer or a forged line in a message or a script.
 */
#define report_corrupt(project, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_DATA_CORRUPTED), \
			 errmsg("the stored state of project %s is invalid", pgm_display(project)), \
			 errdetail(__VA_ARGS__), \
			 errhint("The tables of schema \"migrate\" were changed without pg_migrate's functions. Correct them or restore them from a backup.")))

/* a stored id or label, checked */
static void
check_stored_name(const char *project, const char *id, const char *what,
				  const char *name)
{
	const char *problem = pgm_id_problem(name);

	if (problem)
		report_corrupt(project, "Revision %s has an invalid entry %s in its %s: it %s.",
					   pgm_display(id), pgm_display(name), what, problem);
}

/*
 * A stored text[] column of names (parents, branch labels, dependencies)
 * as a C array in cxt, checked: no NULL elements, valid names, at most
 * max of them.  What detoasting and deconstructing allocate stays in the
 * current context.
 */
static char **
checked_names(Datum d, bool isnull, int *n, MemoryContext cxt,
			  const char *project, const char *id, const char *what, int max)
{
	ArrayType  *array;
	Datum	   *elems;
	bool	   *nulls;
	char	  **out;
	int			i;

	*n = 0;
	if (isnull)
		report_corrupt(project, "The %s of revision %s are NULL.", what, pgm_display(id));
	array = DatumGetArrayTypeP(d);
	if (ARR_NDIM(array) > 1)
		report_corrupt(project, "The %s of revision %s are not a one-dimensional array.",
					   what, pgm_display(id));
	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, n);
	if (*n > max)
		report_corrupt(project, "Revision %s has %d %s; at most %d are allowed.",
					   pgm_display(id), *n, what, max);
	if (*n == 0)
		return NULL;
	out = MemoryContextAlloc(cxt, sizeof(char *) * *n);
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			report_corrupt(project, "The %s of revision %s contain a NULL element.",
						   what, pgm_display(id));
		out[i] = MemoryContextStrdup(cxt, TextDatumGetCString(elems[i]));
		check_stored_name(project, id, what, out[i]);
	}
	return out;
}

/* the same for a column of an SPI result */
static char **
stored_names(HeapTuple tuple, TupleDesc desc, int col, int *n,
			 MemoryContext cxt, const char *project, const char *id,
			 const char *what, int max)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tuple, desc, col, &isnull);

	return checked_names(d, isnull, n, cxt, project, id, what, max);
}

/* a stored revision id, checked */
static void
check_stored_id(const char *project, const char *id)
{
	if (id == NULL)
		report_corrupt(project, "A revision has a NULL id.");
	if (pgm_id_problem(id))
		report_corrupt(project, "The revision id %s %s.",
					   pgm_display(id), pgm_id_problem(id));
}

static char *
copy_text(HeapTuple tuple, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tuple, desc, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* A project's state_version, bumped by every change; -1 if unknown. */
int64
pgm_state_version(const char *project)
{
	PgmOwnerScope os;
	Datum		values[1];
	int64		version = -1;

	values[0] = CStringGetTextDatum(project);
	connect_spi(&os);
	run_query(Q_STATE_VERSION, values, NULL, 1);
	if (SPI_processed == 1)
	{
		bool		isnull;

		version = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, 1, &isnull));
	}
	finish_spi(&os);
	return version;
}

/* The name of the project with a lock key, or NULL. */
char *
pgm_project_by_key(int key)
{
	PgmOwnerScope os;
	MemoryContext cxt = CurrentMemoryContext;
	Datum		values[1];
	char	   *project = NULL;

	values[0] = Int32GetDatum(key);
	connect_spi(&os);
	run_query(Q_PROJECT_BY_KEY, values, NULL, 1);
	if (SPI_processed == 1)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		project = copy_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		MemoryContextSwitchTo(old);
		/* it goes into messages and JSON: only a valid name */
		if (project && !pgm_project_name_ok(project))
			project = NULL;
	}
	finish_spi(&os);
	return project;
}

static bool
parse_class(const char *s, PgmExecClass *cls)
{
	if (strcmp(s, "transactional") == 0)
		*cls = PGM_EXEC_TRANSACTIONAL;
	else if (strcmp(s, "nontransactional") == 0)
		*cls = PGM_EXEC_NONTRANSACTIONAL;
	else
		return false;
	return true;
}

static int
def_seq_cmp(const void *a, const void *b)
{
	int			sa = ((const PgmRevisionDef *) a)->seq;
	int			sb = ((const PgmRevisionDef *) b)->seq;

	return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/*
 * Read the stored definitions, in registration order.  What the graph
 * keeps (ids, messages, labels) goes to cxt; the rest (the definitions
 * themselves, their parents and dependencies, by name) to scratch, which
 * the caller may free once the graph is built.
 */
static PgmRevisionDef *
load_defs(const char *project, int *ndefs, MemoryContext cxt,
		  MemoryContext scratch)
{
	Datum		values[1];
	PgmRevisionDef *defs;
	uint64		i;

	values[0] = CStringGetTextDatum(project);
	run_query(Q_LOAD_REVISIONS, values, NULL, 0);
	{
		MemoryContext old = MemoryContextSwitchTo(scratch);
		TupleDesc	desc = SPI_tuptable->tupdesc;

		*ndefs = (int) SPI_processed;
		defs = palloc0(sizeof(PgmRevisionDef) * Max(*ndefs, 1));
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			PgmRevisionDef *def = &defs[i];
			bool		isnull;
			Datum		d;
			char	   *s;

			if ((i & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			d = SPI_getbinval(tup, desc, 1, &isnull);
			check_stored_id(project, isnull ? NULL : TextDatumGetCString(d));
			def->id = MemoryContextStrdup(cxt, TextDatumGetCString(d));
			d = SPI_getbinval(tup, desc, 2, &isnull);
			def->message = isnull ? NULL :
				MemoryContextStrdup(cxt, TextDatumGetCString(d));
			def->parents = stored_names(tup, desc, 3, &def->nparents, scratch,
										project, def->id, "parents", PGM_MAX_PARENTS);
			def->labels = stored_names(tup, desc, 4, &def->nlabels, cxt,
									   project, def->id, "branch labels", PGM_MAX_LABELS);
			def->deps = stored_names(tup, desc, 5, &def->ndeps, scratch,
									 project, def->id, "dependencies", PGM_MAX_DEPS);
			def->has_down = DatumGetBool(SPI_getbinval(tup, desc, 6, &isnull));
			s = copy_text(tup, desc, 7);
			if (s == NULL || !parse_class(s, &def->up_class))
				report_corrupt(project, "Revision %s has an invalid up_class.",
							   pgm_display(def->id));
			s = copy_text(tup, desc, 8);
			if (def->has_down ? (s == NULL || !parse_class(s, &def->down_class)) : s != NULL)
				report_corrupt(project, "Revision %s has an invalid down_class.",
							   pgm_display(def->id));
			d = SPI_getbinval(tup, desc, 9, &isnull);
			if (isnull || DatumGetInt32(d) < 0)
				report_corrupt(project, "Revision %s has an invalid up_statements.",
							   pgm_display(def->id));
			def->up_statements = DatumGetInt32(d);
			d = SPI_getbinval(tup, desc, 10, &isnull);
			def->down_statements = isnull ? 0 : DatumGetInt32(d);
			d = SPI_getbinval(tup, desc, 11, &isnull);
			if (isnull)
				report_corrupt(project, "Revision %s has no registration order.",
							   pgm_display(def->id));
			def->seq = DatumGetInt32(d);
		}
		MemoryContextSwitchTo(old);
	}

	/*
	 * In registration order.  Sorted here rather than by the query, whose
	 * sort of a large project would spill to disk (work_mem) and whose
	 * plan would depend on statistics.
	 */
	qsort(defs, *ndefs, sizeof(PgmRevisionDef), def_seq_cmp);
	return defs;
}

/*
 * Key lookups in migrate.revisions during registration go through its
 * indexes directly rather than through planned queries.  Registering into
 * a new or small table is exactly when the planner has no statistics, and
 * then it may well look a revision up through the (project, seq) index,
 * filtering every row of the project on id: each registration would read
 * the whole project, and a first deploy of many revisions would be
 * quadratic.  A caller without table-level SELECT on migrate.revisions
 * takes the planned queries, whose privilege checks then apply.
 */
typedef struct RevisionsScan
{
	Relation	rel;
	AttrNumber	id_att;
	AttrNumber	seq_att;
	AttrNumber	labels_att;
	AttrNumber	message_att;
	AttrNumber	checksum_att;
} RevisionsScan;

static bool
open_revisions(RevisionsScan *rs)
{
	Oid			nsp = get_namespace_oid(PGM_SCHEMA, false);
	Oid			relid = get_relname_relid("revisions", nsp);

	if (!OidIsValid(relid) ||
		pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return false;
	rs->rel = table_open(relid, AccessShareLock);
	rs->id_att = get_attnum(relid, "id");
	rs->seq_att = get_attnum(relid, "seq");
	rs->labels_att = get_attnum(relid, "branch_labels");
	rs->message_att = get_attnum(relid, "message");
	rs->checksum_att = get_attnum(relid, "checksum");
	return true;
}

static void
close_revisions(RevisionsScan *rs)
{
	table_close(rs->rel, AccessShareLock);
}

/* begin a scan of index "name" of migrate.revisions for the project (and id) */
static SysScanDesc
begin_revisions_scan(RevisionsScan *rs, const char *index, const char *project,
					 const char *id)
{
	Oid			indexoid = get_relname_relid(index, RelationGetNamespace(rs->rel));
	ScanKeyData keys[2];

	if (!OidIsValid(indexoid))
		return NULL;
	ScanKeyEntryInitialize(&keys[0], 0, get_attnum(RelationGetRelid(rs->rel), "project"),
						   BTEqualStrategyNumber, InvalidOid,
						   DEFAULT_COLLATION_OID, F_TEXTEQ,
						   CStringGetTextDatum(project));
	if (id)
		ScanKeyEntryInitialize(&keys[1], 0, rs->id_att,
							   BTEqualStrategyNumber, InvalidOid,
							   DEFAULT_COLLATION_OID, F_TEXTEQ,
							   CStringGetTextDatum(id));
	return systable_beginscan(rs->rel, indexoid, true, GetActiveSnapshot(),
							  id ? 2 : 1, keys);
}

static char *
tuple_text(RevisionsScan *rs, HeapTuple tup, AttrNumber att)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, att, RelationGetDescr(rs->rel), &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* a stored row's id and branch labels, checked */
static char *
tuple_id_labels(RevisionsScan *rs, HeapTuple tup, const char *project,
				char ***labels, int *nlabels)
{
	char	   *id = tuple_text(rs, tup, rs->id_att);
	bool		isnull;
	Datum		d;

	check_stored_id(project, id);
	d = heap_getattr(tup, rs->labels_att, RelationGetDescr(rs->rel), &isnull);
	*labels = checked_names(d, isnull, nlabels, CurrentMemoryContext, project,
							id, "branch labels", PGM_MAX_LABELS);
	return id;
}

/* a stored row's registration order, checked */
static int
tuple_seq(RevisionsScan *rs, HeapTuple tup, const char *project, const char *id)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, rs->seq_att, RelationGetDescr(rs->rel), &isnull);

	if (isnull)
		report_corrupt(project, "Revision %s has no registration order.",
					   pgm_display(id));
	return DatumGetInt32(d);
}

/*
 * The stored checksum and message of a revision, through the primary key.
 * Returns false when the revision is not registered or direct access is
 * not possible (*direct tells which).
 */
static bool
find_revision_direct(const char *project, const char *id, char **checksum,
					 char **message, bool *direct)
{
	RevisionsScan rs;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	*direct = false;
	if (!open_revisions(&rs))
		return false;
	/* like a planned query: see what earlier commands did */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	scan = begin_revisions_scan(&rs, "revisions_pkey", project, id);
	if (scan)
	{
		*direct = true;
		if (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			found = true;
			*checksum = tuple_text(&rs, tup, rs.checksum_att);
			*message = tuple_text(&rs, tup, rs.message_att);
			if (*checksum == NULL)
				report_corrupt(project, "Revision %s has no checksum.", pgm_display(id));
		}
		systable_endscan(scan);
	}
	PopActiveSnapshot();
	close_revisions(&rs);
	return found;
}

typedef struct RelatedRow
{
	int			seq;
	char	   *id;
	int			nlabels;
	char	  **labels;
} RelatedRow;

static int
related_cmp(const void *a, const void *b)
{
	int			sa = ((const RelatedRow *) a)->seq;
	int			sb = ((const RelatedRow *) b)->seq;

	return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/*
 * load_related_defs through the indexes: each name through the primary
 * key, and the labeled revisions through revisions_labeled_idx.  Returns
 * NULL when direct access is not possible.
 */
static PgmRevisionDef *
related_defs_direct(const char *project, List *names, int *ndefs,
					MemoryContext cxt)
{
	RevisionsScan rs;
	SysScanDesc scan;
	HeapTuple	tup;
	RelatedRow *rows;
	int			nrows = 0;
	int			maxrows = list_length(names) + 8;
	PgmRevisionDef *defs;
	ListCell   *lc;
	HASHCTL		ctl;
	HTAB	   *wanted_names;
	HTAB	   *found_ids;
	int			i;

	if (!open_revisions(&rs))
		return NULL;
	if (!OidIsValid(get_relname_relid("revisions_labeled_idx",
									  RelationGetNamespace(rs.rel))))
	{
		close_revisions(&rs);
		return NULL;
	}

	/* names and ids as hash sets: no search over the list per name */
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = PGM_MAX_ID_LEN + 1;
	ctl.entrysize = PGM_MAX_ID_LEN + 1;
	ctl.hcxt = CurrentMemoryContext;
	wanted_names = hash_create("pg_migrate names", list_length(names) + 1, &ctl,
							   HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	found_ids = hash_create("pg_migrate ids", list_length(names) + 1, &ctl,
							HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	/* the names were checked: none is longer than an id */
	foreach(lc, names)
		(void) hash_search(wanted_names, lfirst(lc), HASH_ENTER, NULL);

	rows = palloc(sizeof(RelatedRow) * maxrows);
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	foreach(lc, names)
	{
		const char *name = lfirst(lc);
		bool		dup;

		CHECK_FOR_INTERRUPTS();
		(void) hash_search(found_ids, name, HASH_FIND, &dup);
		if (dup)
			continue;
		scan = begin_revisions_scan(&rs, "revisions_pkey", project, name);
		if (scan && HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			RelatedRow *r = &rows[nrows++];

			r->id = tuple_id_labels(&rs, tup, project, &r->labels, &r->nlabels);
			r->seq = tuple_seq(&rs, tup, project, r->id);
			(void) hash_search(found_ids, r->id, HASH_ENTER, NULL);
		}
		if (scan)
			systable_endscan(scan);
	}

	/* revisions with a label among the names, unless already found by id */
	scan = begin_revisions_scan(&rs, "revisions_labeled_idx", project, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		int			nlabels;
		char	  **labels;
		char	   *id = tuple_id_labels(&rs, tup, project, &labels, &nlabels);
		bool		wanted = false;
		bool		known;
		int			j;

		CHECK_FOR_INTERRUPTS();
		(void) hash_search(found_ids, id, HASH_FIND, &known);
		if (known)
			continue;
		for (j = 0; j < nlabels && !wanted; j++)
			(void) hash_search(wanted_names, labels[j], HASH_FIND, &wanted);
		if (!wanted)
			continue;
		if (nrows == maxrows)
		{
			maxrows *= 2;
			rows = repalloc(rows, sizeof(RelatedRow) * maxrows);
		}
		rows[nrows].seq = tuple_seq(&rs, tup, project, id);
		rows[nrows].id = id;
		rows[nrows].labels = labels;
		rows[nrows].nlabels = nlabels;
		nrows++;
	}
	systable_endscan(scan);
	PopActiveSnapshot();
	close_revisions(&rs);
	hash_destroy(wanted_names);
	hash_destroy(found_ids);

	qsort(rows, nrows, sizeof(RelatedRow), related_cmp);
	defs = MemoryContextAllocZero(cxt, sizeof(PgmRevisionDef) * (nrows + 1));
	for (i = 0; i < nrows; i++)
	{
		defs[i].id = MemoryContextStrdup(cxt, rows[i].id);
		defs[i].nlabels = rows[i].nlabels;
		if (rows[i].nlabels > 0)
		{
			int			j;

			defs[i].labels = MemoryContextAlloc(cxt, sizeof(char *) * rows[i].nlabels);
			for (j = 0; j < rows[i].nlabels; j++)
				defs[i].labels[j] = MemoryContextStrdup(cxt, rows[i].labels[j]);
		}
	}
	*ndefs = nrows;
	return defs;
}

/*
 * Stub definitions (ids and labels, no edges) of the stored revisions whose
 * id or labels equal one of the names a new revision uses: enough for
 * pgm_graph_build to check its parents, dependencies and labels.
 */
static PgmRevisionDef *
load_related_defs(const char *project, const char *id, ArrayType *parents,
				  ArrayType *labels, ArrayType *deps, int *ndefs,
				  MemoryContext cxt)
{
	Datum		values[2];
	List	   *names = list_make1((char *) id);
	char	  **items;
	int			n;
	int			a,
				i;
	ArrayType  *arrays[3];
	PgmRevisionDef *defs;

	arrays[0] = parents;
	arrays[1] = labels;
	arrays[2] = deps;
	for (a = 0; a < 3; a++)
	{
		items = pgm_text_array_arg(arrays[a], "array", &n);
		for (i = 0; i < n; i++)
			names = lappend(names, items[i]);
	}
	defs = related_defs_direct(project, names, ndefs, cxt);
	if (defs)
		return defs;
	values[0] = CStringGetTextDatum(project);
	values[1] = PointerGetDatum(pgm_build_text_array(names));
	run_query(Q_RELATED, values, NULL, 0);
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		*ndefs = (int) SPI_processed;
		defs = palloc0(sizeof(PgmRevisionDef) * (*ndefs + 1));
		for (i = 0; i < *ndefs; i++)
		{
			defs[i].id = copy_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
			check_stored_id(project, defs[i].id);
			defs[i].labels = stored_names(SPI_tuptable->vals[i],
										  SPI_tuptable->tupdesc, 2,
										  &defs[i].nlabels, cxt, project,
										  defs[i].id, "branch labels",
										  PGM_MAX_LABELS);
		}
		MemoryContextSwitchTo(old);
	}
	return defs;
}

/*
 * What identifies a project's state: its row in migrate.projects.  Every
 * change to a project's revisions or applied set updates that row in the
 * same transaction (pgm_bump_state_version), and a row version, once
 * committed, never changes: so a committed row version (its xmin) and
 * state_version name one exact state, and a graph built for them can be
 * reused until the row changes.  complete is whether every registered
 * revision was applied in that state.
 */
typedef struct StateRow
{
	bool		found;
	TransactionId xmin;
	int64		version;
	bool		complete;
	int			key;			/* lock_key */
} StateRow;

/*
 * Whether migrate.projects has complete_version (extension version 0.3.0
 * or later).  Until ALTER EXTENSION ... UPDATE has run, this library works
 * on the older table without the flag.
 */
static bool
have_complete_version(void)
{
	return have_column("projects", "complete_version");
}

/* inside SPI */
static StateRow
read_state_row(const char *project)
{
	StateRow	row = {0};
	Datum		values[1];

	values[0] = CStringGetTextDatum(project);
	run_query(have_complete_version() ? Q_STATE_ROW : Q_STATE_ROW_0_2,
			  values, NULL, 1);
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;

		row.found = true;
		row.xmin = DatumGetTransactionId(SPI_getbinval(tup, desc, 1, &isnull));
		row.version = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		if (isnull || row.version < 0 || row.version == PG_INT64_MAX)
			report_corrupt(project, "Its state_version is %s.",
						   isnull ? "NULL" : psprintf(INT64_FORMAT, row.version));
		d = SPI_getbinval(tup, desc, 3, &isnull);
		row.complete = !isnull && DatumGetInt64(d) == row.version;
		row.key = DatumGetInt32(SPI_getbinval(tup, desc, 4, &isnull));
		if (isnull || row.key <= 0)
			report_corrupt(project, "Its lock key is %s; lock keys are positive.",
						   isnull ? "NULL" : psprintf("%d", row.key));
	}
	return row;
}

/*
 * The state cache: the graphs and applied sets this backend built last,
 * keyed on the project row version they were read with (see StateRow).
 * Building a graph reads every revision of the project; with the cache, a
 * command on an unchanged project reads one row.  A state is cached only
 * when the row version is someone else's (committed) or an earlier
 * transaction's: a row version written by the current transaction can
 * still be followed by more changes in it, which would not show in the
 * key.  Nothing is cached while a migration script runs either.  Entries
 * are per user, so that table privileges decide as they do without it.
 *
 * Callers share the cached graph, which they never modify, and get their
 * own copy of the applied set.  An entry pushed out of the cache may still
 * be in use by the current command, so its memory is handed to the
 * current transaction and freed at its end.
 */
#define STATE_CACHE_SIZE	4

typedef struct StateCacheEntry
{
	char	   *project;		/* NULL: unused slot */
	Oid			userid;			/* who read it: table privileges apply */
	TransactionId xmin;
	int64		version;
	MemoryContext cxt;
	PgmState   *state;
	uint64		last_used;
} StateCacheEntry;

static StateCacheEntry state_cache[STATE_CACHE_SIZE];
static uint64 state_cache_clock = 0;

static StateCacheEntry *
state_cache_lookup(const char *project, StateRow *row)
{
	int			i;

	for (i = 0; i < STATE_CACHE_SIZE; i++)
	{
		StateCacheEntry *e = &state_cache[i];

		if (e->project && strcmp(e->project, project) == 0 &&
			e->userid == GetUserId() &&
			TransactionIdEquals(e->xmin, row->xmin) && e->version == row->version)
		{
			e->last_used = ++state_cache_clock;
			return e;
		}
	}
	return NULL;
}

/* keep a state built in its own context cxt, replacing the oldest entry */
static void
state_cache_insert(const char *project, StateRow *row, MemoryContext cxt,
				   PgmState *state)
{
	StateCacheEntry *victim = &state_cache[0];
	int			i;

	for (i = 0; i < STATE_CACHE_SIZE; i++)
	{
		StateCacheEntry *e = &state_cache[i];

		/* an older state of the same project is useless from now on */
		if (e->project && strcmp(e->project, project) == 0 &&
			e->userid == GetUserId())
		{
			victim = e;
			break;
		}
		if (e->project == NULL ||
			(victim->project != NULL && e->last_used < victim->last_used))
			victim = e;
	}
	if (victim->project)
		MemoryContextSetParent(victim->cxt, TopTransactionContext);
	MemoryContextSetParent(cxt, CacheMemoryContext);
	victim->project = MemoryContextStrdup(cxt, project);
	victim->userid = GetUserId();
	victim->xmin = row->xmin;
	victim->version = row->version;
	victim->cxt = cxt;
	victim->state = state;
	victim->last_used = ++state_cache_clock;
}

/* a copy of a cached state whose applied set the caller may change */
static PgmState *
copy_state(PgmState *cached)
{
	PgmState   *state = palloc(sizeof(PgmState));
	int			n = Max(cached->graph->nrevs, 1);

	state->graph = cached->graph;
	state->applied = palloc(n);
	memcpy(state->applied, cached->applied, n);
	state->applied_at = palloc(sizeof(TimestampTz) * n);
	memcpy(state->applied_at, cached->applied_at, sizeof(TimestampTz) * n);
	state->applied_by = palloc(sizeof(char *) * n);
	memcpy(state->applied_by, cached->applied_by, sizeof(char *) * n);
	return state;
}

/*
 * Build the graph of stored definitions.  Registration validated every
 * revision against the graph as it was, so an invalid stored graph (a
 * cycle, a parent that is not registered) means the tables were changed
 * by hand: that is reported as corrupt data, with the graph's own message
 * as the detail.
 */
static PgmGraph *
build_stored_graph(const char *project, PgmRevisionDef *defs, int ndefs)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmGraph   *graph = NULL;

	PG_TRY();
	{
		graph = pgm_graph_build(project, defs, ndefs);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_INVALID_OBJECT_DEFINITION &&
			edata->sqlerrcode != ERRCODE_DATA_CORRUPTED)
			PG_RE_THROW();
		FlushErrorState();
		report_corrupt(project, "%s", edata->message);
	}
	PG_END_TRY();
	return graph;
}

/*
 * The applied set is closed: whatever an applied revision needs (its
 * parents and dependencies) is applied too.  Every command keeps it so; a
 * set that is not would make status() and upgrade() disagree.
 */
static void
check_applied_closed(PgmState *state)
{
	PgmGraph   *graph = state->graph;
	int			i,
				j;

	for (i = 0; i < graph->nrevs; i++)
	{
		PgmRevision *rev = &graph->revs[i];

		if (!state->applied[i])
			continue;
		for (j = 0; j < rev->nparents; j++)
			if (!state->applied[rev->parents[j]])
				report_corrupt(graph->project,
							   "Revision \"%s\" is applied but its parent \"%s\" is not.",
							   rev->id, graph->revs[rev->parents[j]].id);
		for (j = 0; j < rev->ndeps; j++)
			if (!state->applied[rev->deps[j]])
				report_corrupt(graph->project,
							   "Revision \"%s\" is applied but its dependency \"%s\" is not.",
							   rev->id, graph->revs[rev->deps[j]].id);
	}
}

/* inside SPI, under the pushed snapshot: read revisions and applied set */
static PgmState *
read_state(const char *project, MemoryContext cxt)
{
	PgmState   *state;
	PgmRevisionDef *defs;
	int			ndefs;
	Datum		values[1];
	uint64		i;
	MemoryContext old;

	MemoryContext scratch = AllocSetContextCreate(CurrentMemoryContext,
												  "pg_migrate definitions",
												  ALLOCSET_DEFAULT_SIZES);
	char	   *last_by = NULL;

	defs = load_defs(project, &ndefs, cxt, scratch);
	values[0] = CStringGetTextDatum(project);
	run_query(Q_LOAD_APPLIED, values, NULL, 0);

	old = MemoryContextSwitchTo(cxt);
	state = palloc0(sizeof(PgmState));
	state->graph = build_stored_graph(pstrdup(project), defs, ndefs);
	MemoryContextDelete(scratch);
	state->applied = palloc0(Max(ndefs, 1));
	state->applied_at = palloc0(sizeof(TimestampTz) * Max(ndefs, 1));
	state->applied_by = palloc0(sizeof(char *) * Max(ndefs, 1));
	MemoryContextSwitchTo(old);

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *id = copy_text(tup, desc, 1);
		int			rev = id ? pgm_graph_find_id(state->graph, id) : -1;
		bool		isnull;
		Datum		d;
		char	   *by;

		if (id == NULL || rev < 0)
			report_corrupt(project, "The applied revision %s is not registered.",
						   pgm_display(id ? id : ""));
		state->applied[rev] = true;
		state->applied_at[rev] = DatumGetTimestampTz(SPI_getbinval(tup, desc, 2, &isnull));
		if (isnull)
			report_corrupt(project, "The applied revision %s has no applied_at.", pgm_display(id));
		d = SPI_getbinval(tup, desc, 3, &isnull);
		if (isnull)
			report_corrupt(project, "The applied revision %s has no applied_by.", pgm_display(id));
		by = NameStr(*DatumGetName(d));
		/* mostly the same few roles: keep one copy of each run of them */
		if (last_by == NULL || strcmp(last_by, by) != 0)
			last_by = MemoryContextStrdup(cxt, by);
		state->applied_by[rev] = last_by;
	}
	check_applied_closed(state);
	return state;
}

/*
 * An unknown project is an error for every command and read function: a
 * health check with a misspelt project name must fail, not report an
 * empty project as up to date.
 */
static void
report_unknown_project(const char *project)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("project \"%s\" does not exist", project),
			 errhint("A project is created by registering its first revision with migrate.revision(), or by granting access to it.")));
}

/*
 * Load a project's graph and applied set.  An unknown project is an
 * empty graph.  use_cache: whether the state may come from, and go to,
 * the state cache (see above); a caller that keeps the state beyond the
 * current transaction must not use it.
 */
static PgmState *
load_state(const char *project, bool use_cache)
{
	PgmOwnerScope os;
	MemoryContext cxt = CurrentMemoryContext;
	MemoryContext build_cxt = NULL;
	PgmState   *state = NULL;
	StateRow	row;
	bool		cacheable;

	use_cache = use_cache && !pgm_in_migration;

	/*
	 * Project row, revisions and applied set must come from one snapshot:
	 * at READ COMMITTED two statements would each take their own, and a
	 * command committing in between would pair a graph with an applied set
	 * it does not contain.  A new snapshot is taken here, so a caller
	 * holding the mutex sees everything the previous holder committed.
	 */
	connect_spi(&os);
	PushActiveSnapshot(GetTransactionSnapshot());
	read_with_pushed_snapshot = true;
	PG_TRY();
	{
		StateCacheEntry *hit = NULL;

		row = read_state_row(project);
		if (!row.found)
			report_unknown_project(project);
		cacheable = use_cache && row.found &&
			!TransactionIdIsCurrentTransactionId(row.xmin);
		if (cacheable)
			hit = state_cache_lookup(project, &row);
		if (hit)
		{
			MemoryContext old = MemoryContextSwitchTo(cxt);

			state = copy_state(hit->state);
			MemoryContextSwitchTo(old);
		}
		else
		{
			/* a context of its own, freed with the transaction on error */
			if (cacheable)
				build_cxt = AllocSetContextCreate(cxt, "pg_migrate state",
												  ALLOCSET_DEFAULT_SIZES);
			state = read_state(project, build_cxt ? build_cxt : cxt);
		}
	}
	PG_FINALLY();
	{
		read_with_pushed_snapshot = false;
	}
	PG_END_TRY();
	PopActiveSnapshot();
	finish_spi(&os);

	if (build_cxt)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		state_cache_insert(project, &row, build_cxt, state);
		state = copy_state(state);
		MemoryContextSwitchTo(old);
	}
	return state;
}

PgmState *
pgm_load_state(const char *project)
{
	return load_state(project, true);
}

/* for a caller that keeps the state across transactions (migrate.apply) */
PgmState *
pgm_load_state_private(const char *project)
{
	return load_state(project, false);
}

/*
 * Whether every registered revision of the project is applied, answered
 * from the project row alone (see pgm_bump_state_version): the fast path
 * of a deploy with nothing to do.  false when unknown.  If key is not
 * NULL, *key is set to the project's lock key (0: no such project), which
 * spares the caller a second query.
 */
bool
pgm_state_complete(const char *project, int *key)
{
	PgmOwnerScope os;
	StateRow	row;

	connect_spi(&os);
	row = read_state_row(project);
	finish_spi(&os);
	if (key)
		*key = row.found ? row.key : 0;
	return row.found && row.complete;
}

/*
 * A revision's scripts and registration.  With verify, the checksum is
 * computed again from what is stored (scripts and edges) and must match
 * the stored one: this is the last read before a script runs, and what
 * runs must be what was registered.
 */
PgmRevisionDetails *
pgm_fetch_details(const char *project, const char *id, bool verify)
{
	PgmOwnerScope os;
	MemoryContext cxt = CurrentMemoryContext;
	PgmRevisionDetails *details = palloc0(sizeof(PgmRevisionDetails));
	Datum		values[2];

	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	connect_spi(&os);
	run_query(Q_DETAILS, values, NULL, 1);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("revision \"%s\" of project \"%s\" was removed while a command ran",
						id, project),
				 errhint("The table migrate.revisions was changed without pg_migrate's functions.")));
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;
		char	  **edges[3];
		int			counts[3];

		details->up = copy_text(tup, desc, 1);
		details->down = copy_text(tup, desc, 2);
		details->checksum = copy_text(tup, desc, 3);
		if (details->up == NULL || details->checksum == NULL)
			report_corrupt(project, "Revision \"%s\" has no up script or no checksum.", id);
		details->registered_at = DatumGetTimestampTz(SPI_getbinval(tup, desc, 4, &isnull));
		d = SPI_getbinval(tup, desc, 5, &isnull);
		details->registered_by = isnull ? pstrdup("") : pstrdup(NameStr(*DatumGetName(d)));
		edges[0] = stored_names(tup, desc, 6, &counts[0], cxt, project, id,
								"parents", PGM_MAX_PARENTS);
		edges[1] = stored_names(tup, desc, 7, &counts[1], cxt, project, id,
								"branch labels", PGM_MAX_LABELS);
		edges[2] = stored_names(tup, desc, 8, &counts[2], cxt, project, id,
								"dependencies", PGM_MAX_DEPS);
		if (verify)
		{
			char	   *actual = revision_checksum(details->up, details->down,
												   edges[0], counts[0],
												   edges[1], counts[1],
												   edges[2], counts[2]);

			if (strcmp(actual, details->checksum) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("revision \"%s\" of project \"%s\" does not match its checksum",
								id, project),
						 errdetail("The stored checksum is %s; the stored scripts and edges give %s.",
								   details->checksum, actual),
						 errhint("Nothing of it was run. The revision was changed without pg_migrate's functions: investigate, then register it again with migrate.revision().")));
		}
		MemoryContextSwitchTo(old);
	}
	finish_spi(&os);
	return details;
}

/*
 * Mark a revision applied (via "up", "stamp" or "offline") or, with via
 * NULL, not applied.
 */
void
pgm_record_applied(const char *project, const char *id, const char *via)
{
	PgmOwnerScope os;
	Datum		values[4];

	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	connect_spi(&os);
	values[2] = caller_name(&os);
	if (via == NULL)
		run_query(Q_DELETE_APPLIED, values, NULL, 0);
	else
	{
		values[3] = CStringGetTextDatum(via);
		run_query(Q_INSERT_APPLIED, values, NULL, 0);
	}
	finish_spi(&os);
}

/*
 * Write an events row.  A failure row carries the error; only the
 * per-revision path can make one durable, by committing it after rolling
 * the step back.
 */
static void
insert_event(const char *project, const char *id, PgmDirection direction,
			 TimestampTz started, TimestampTz finished, bool failed,
			 int sqlerrcode, const char *message, int statement,
			 const char *trusted)
{
	PgmOwnerScope os;
	Datum		values[11];
	char		nulls[11] = {' ', ' ', ' ', ' ', ' ', ' ', 'n', 'n', 'n', ' ', 'n'};
	Interval   *duration = palloc0(sizeof(Interval));

	duration->time = finished - started;
	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	values[2] = CStringGetTextDatum(pgm_direction_name(direction));
	values[3] = TimestampTzGetDatum(started);
	values[4] = IntervalPGetDatum(duration);
	values[5] = CStringGetTextDatum(failed ? "failure" : "success");
	if (failed)
	{
		values[6] = CStringGetTextDatum(unpack_sql_state(sqlerrcode));
		values[7] = CStringGetTextDatum(message ? message : "");
		values[8] = Int32GetDatum(statement);
		nulls[6] = nulls[7] = ' ';
		nulls[8] = statement > 0 ? ' ' : 'n';
	}
	if (trusted)
	{
		values[10] = DirectFunctionCall1(namein, CStringGetDatum(trusted));
		nulls[10] = ' ';
	}
	connect_spi(&os);
	values[9] = caller_name(&os);
	run_query(have_column("events", "trusted_registrant") ?
			  Q_INSERT_EVENT : Q_INSERT_EVENT_0_3, values, nulls, 0);
	finish_spi(&os);
}

void
pgm_record_event(const char *project, const char *id, PgmDirection direction,
				 TimestampTz started, TimestampTz finished, const char *trusted)
{
	insert_event(project, id, direction, started, finished, false, 0, NULL, 0,
				 trusted);
}

void
pgm_record_failure(const char *project, const char *id, PgmDirection direction,
				   TimestampTz started, TimestampTz finished, int sqlerrcode,
				   const char *message, int statement)
{
	insert_event(project, id, direction, started, finished, true, sqlerrcode,
				 message, statement, NULL);
}

/*
 * Record in the project row that its state changed (inside SPI).  The row
 * is updated once per transaction: a row version the current transaction
 * wrote already marks the state as changed, for the state cache and for
 * concurrent REPEATABLE READ commands, and updating the same row again for
 * every revision of a long registration would only lengthen its update
 * chain.  It is updated again when the completeness flag changes.
 */
static void
bump_state(const char *project, PgmCompleteness complete)
{
	StateRow	row = read_state_row(project);
	bool		want;
	Datum		values[2];

	if (!row.found)
		elog(ERROR, "project \"%s\" has no row in migrate.projects", project);
	want = complete == PGM_COMPLETE_UNCHANGED ? row.complete :
		complete == PGM_COMPLETE_YES;
	if (TransactionIdIsCurrentTransactionId(row.xmin) && want == row.complete)
		return;
	values[0] = CStringGetTextDatum(project);
	values[1] = BoolGetDatum(want);
	run_query(have_complete_version() ? Q_BUMP_STATE : Q_BUMP_STATE_0_2,
			  values, NULL, 0);
}

/* Remove a revision's row (unregister(), which checked that it may go). */
void
pgm_delete_revision(const char *project, const char *id)
{
	PgmOwnerScope os;
	Datum		values[2];

	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	connect_spi(&os);
	run_query(Q_DELETE_REVISION, values, NULL, 0);
	if (SPI_processed != 1)
		elog(ERROR, "revision \"%s\" of project \"%s\" vanished while it was unregistered",
			 id, project);
	finish_spi(&os);
}

void
pgm_bump_state_version(const char *project, PgmCompleteness complete)
{
	PgmOwnerScope os;
	connect_spi(&os);
	bump_state(project, complete);
	finish_spi(&os);
}

/*
 * The checksum covers everything that decides what a revision does: its
 * scripts and its place in the graph.  The message is left out so that it
 * can be corrected after the fact.
 */
static char *
revision_checksum(const char *up, const char *down, char **parents,
				  int nparents, char **labels, int nlabels, char **deps,
				  int ndeps)
{
	char	   *const *const lists[3] = {parents, labels, deps};
	const int	counts[3] = {nparents, nlabels, ndeps};
	char	   *hex = palloc(PGM_CHECKSUM_LEN + 1);

	if (!pgm_revision_checksum(up, down, lists, counts, hex))
		elog(ERROR, "could not compute SHA-256 checksum");
	return hex;
}

/* one revision's parents, labels or dependencies are bounded in number */
static void
check_cap(const char *id, const char *what, int n, int max)
{
	if (n > max)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("revision \"%s\" has too many %s", id, what),
				 errdetail("It declares %d; at most %d are allowed.", n, max),
				 errhint("Split the change into several revisions, or depend on a branch label instead of many revisions.")));
}

/*
 * Register (or re-register) a revision.  The caller has validated the
 * arguments' NULL-ness; here the graph is validated with the revision in
 * place before anything is written, under the project mutex.
 */
char *
pgm_register_revision(const char *project, const char *id, const char *up,
					  const char *down, ArrayType *parents, const char *message,
					  ArrayType *labels, ArrayType *deps)
{
	PgmOwnerScope os;
	MemoryContext cxt = CurrentMemoryContext;
	PgmScriptInfo upinfo;
	PgmScriptInfo downinfo;
	char	   *checksum;
	PgmRevisionDef *defs;
	int			ndefs;
	int			nparents,
				nlabels,
				ndeps;
	char	  **parent_ids = pgm_text_array_arg(parents, "parents", &nparents);
	char	  **label_names = pgm_text_array_arg(labels, "branch_labels", &nlabels);
	char	  **dep_names = pgm_text_array_arg(deps, "depends_on", &ndeps);
	int			key;
	int			i;
	int			pos = -1;
	bool		exists = false;
	bool		applied = false;
	bool		direct;
	char	   *old_checksum = NULL;
	char	   *old_message = NULL;
	Datum		values[15];
	char		nulls[15];

	pgm_check_id(id, "revision id");
	check_cap(id, "parents", nparents, PGM_MAX_PARENTS);
	check_cap(id, "branch labels", nlabels, PGM_MAX_LABELS);
	check_cap(id, "dependencies", ndeps, PGM_MAX_DEPS);
	for (i = 0; i < nparents; i++)
		pgm_check_id(parent_ids[i], "parent");
	for (i = 0; i < nlabels; i++)
		pgm_check_id(label_names[i], "branch label");
	for (i = 0; i < ndeps; i++)
		pgm_check_id(dep_names[i], "dependency");

	checksum = revision_checksum(up, down, parent_ids, nparents, label_names,
								 nlabels, dep_names, ndeps);

	key = pgm_project_key(project, true);
	pgm_lock_project(project, key, "revision");

	connect_spi(&os);
	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	exists = find_revision_direct(project, id, &old_checksum, &old_message,
								  &direct);
	if (direct)
	{
		if (exists)
		{
			run_query(Q_IS_APPLIED, values, NULL, 1);
			applied = SPI_processed == 1;
		}
	}
	else if (run_query(Q_FIND_REVISION, values, NULL, 1) > 0 &&
			 SPI_processed == 1)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		bool		isnull;

		exists = true;
		old_checksum = copy_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		if (old_checksum == NULL)
			report_corrupt(project, "Revision %s has no checksum.", pgm_display(id));
		old_message = copy_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
		applied = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
											 SPI_tuptable->tupdesc, 3, &isnull));
		MemoryContextSwitchTo(old);
	}

	if (exists && strcmp(old_checksum, checksum) == 0)
	{
		/* identical: a no-op, except that a message may be corrected */
		if ((old_message == NULL) != (message == NULL) ||
			(message && strcmp(old_message, message) != 0))
		{
			values[2] = message ? CStringGetTextDatum(message) : (Datum) 0;
			nulls[0] = nulls[1] = ' ';
			nulls[2] = message ? ' ' : 'n';
			run_query(Q_UPDATE_MESSAGE, values, nulls, 0);
			bump_state(project, PGM_COMPLETE_UNCHANGED);
		}
		finish_spi(&os);
		return pstrdup(id);
	}
	if (exists && applied)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision \"%s\" of project \"%s\" is applied and cannot be changed",
						id, project),
				 errdetail("The stored checksum is %s; the new content has %s.",
						   old_checksum, checksum),
				 errhint("Register the change as a new revision, or downgrade below \"%s\" first.",
						 id)));

	/*
	 * Parse the scripts only now: re-registering an identical revision (a
	 * deploy with nothing to do sends every file again) costs a lookup.
	 */
	pgm_parse_script(up, id, "up", false, &upinfo);
	if (down)
		pgm_parse_script(down, id, "down", false, &downinfo);

	/*
	 * Validate the graph with the new definition in place.  A new revision
	 * cannot close a cycle (nothing refers to it yet), so it is checked
	 * against the revisions its names can collide with or refer to; a
	 * changed one is checked against the whole graph.
	 */
	if (exists)
		defs = load_defs(project, &ndefs, cxt, cxt);
	else
		defs = load_related_defs(project, id, parents, labels, deps, &ndefs, cxt);
	for (i = 0; i < ndefs; i++)
		if (strcmp(defs[i].id, id) == 0)
			pos = i;
	if (pos < 0)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		defs = repalloc(defs, sizeof(PgmRevisionDef) * (ndefs + 1));
		pos = ndefs++;
		MemoryContextSwitchTo(old);
	}
	defs[pos].id = (char *) id;
	defs[pos].message = (char *) message;
	defs[pos].nparents = nparents;
	defs[pos].parents = parent_ids;
	defs[pos].nlabels = nlabels;
	defs[pos].labels = label_names;
	defs[pos].ndeps = ndeps;
	defs[pos].deps = dep_names;
	defs[pos].has_down = down != NULL;
	defs[pos].up_class = upinfo.exec_class;
	defs[pos].down_class = down ? downinfo.exec_class : PGM_EXEC_TRANSACTIONAL;
	(void) pgm_graph_build(project, defs, ndefs);

	memset(nulls, ' ', sizeof(nulls));
	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	/* a new revision goes last; a changed one keeps its place */
	run_query(exists ? Q_FIND_SEQ : Q_NEXT_SEQ, values, NULL, 1);
	{
		bool		isnull;

		values[2] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
								  1, &isnull);
	}
	values[3] = PointerGetDatum(parents);
	values[4] = PointerGetDatum(labels);
	values[5] = PointerGetDatum(deps);
	values[6] = message ? CStringGetTextDatum(message) : (Datum) 0;
	nulls[6] = message ? ' ' : 'n';
	values[7] = CStringGetTextDatum(up);
	values[8] = down ? CStringGetTextDatum(down) : (Datum) 0;
	nulls[8] = down ? ' ' : 'n';
	values[9] = CStringGetTextDatum(pgm_exec_class_name(upinfo.exec_class));
	values[10] = down ? CStringGetTextDatum(pgm_exec_class_name(downinfo.exec_class)) : (Datum) 0;
	nulls[10] = down ? ' ' : 'n';
	values[11] = Int32GetDatum(upinfo.nstatements);
	values[12] = down ? Int32GetDatum(downinfo.nstatements) : (Datum) 0;
	nulls[12] = down ? ' ' : 'n';
	values[13] = CStringGetTextDatum(checksum);
	values[14] = caller_name(&os);
	run_query(exists ? Q_UPDATE_REVISION : Q_INSERT_REVISION, values, nulls, 0);
	bump_state(project, PGM_COMPLETE_NO);
	finish_spi(&os);
	return pstrdup(id);
}

/*
 * Write the failure row a background worker records for another session
 * (see worker.c); runs in the worker, inside its own transaction.
 */
void
pgm_insert_failure(const PgmFailure *f)
{
	PgmOwnerScope os;
	Datum		values[13];
	char		nulls[13];
	Interval   *duration = palloc0(sizeof(Interval));

	memset(nulls, ' ', sizeof(nulls));
	duration->time = f->finished - f->started;
	values[0] = CStringGetTextDatum(f->project);
	values[1] = CStringGetTextDatum(f->revision);
	values[2] = CStringGetTextDatum(pgm_direction_name(f->direction));
	values[3] = TimestampTzGetDatum(f->started);
	values[4] = IntervalPGetDatum(duration);
	values[5] = CStringGetTextDatum(unpack_sql_state(f->sqlerrcode));
	values[6] = CStringGetTextDatum(f->message);
	values[7] = Int32GetDatum(f->statement);
	nulls[7] = f->statement > 0 ? ' ' : 'n';
	values[8] = DirectFunctionCall1(namein, CStringGetDatum(f->current_user));
	values[9] = DirectFunctionCall1(namein, CStringGetDatum(f->session_user));
	values[10] = CStringGetTextDatum(f->application_name);
	values[11] = CStringGetTextDatum(f->client_addr);
	nulls[11] = f->client_addr[0] ? ' ' : 'n';
	values[12] = Int32GetDatum(f->pid);
	connect_spi(&os);
	run_query(Q_INSERT_FAILURE, values, nulls, 0);
	finish_spi(&os);
}

/*
 * The grants that give access to a project (its own and those for every
 * project): *roles and, for each, whether it may deploy.  Returns how many.
 */
int
pgm_project_grants(const char *project, Oid **roles, bool **deploy)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	Datum		values[1];
	int			n;
	int			i;

	values[0] = CStringGetTextDatum(project);
	connect_spi(&os);
	run_query(Q_GRANTS, values, NULL, 0);
	n = (int) SPI_processed;
	*roles = MemoryContextAlloc(cxt, sizeof(Oid) * Max(n, 1));
	*deploy = MemoryContextAlloc(cxt, sizeof(bool) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		bool		isnull1;
		bool		isnull2;
		Datum		role = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull1);
		Datum		dep = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull2);

		/* a row the CHECK constraints would refuse grants nothing */
		(*roles)[i] = isnull1 ? InvalidOid : DatumGetObjectId(role);
		(*deploy)[i] = !isnull2 && DatumGetBool(dep);
	}
	finish_spi(&os);
	return n;
}
