/*-------------------------------------------------------------------------
 *
 * storage.c
 *	  The lowest layer of the extension: the queries on the migrate.*
 *	  tables, run with the owner's rights, direct index scans where
 *	  registration needs them, and the checks every stored value passes
 *	  before use.
 *
 * Every query is schema-qualified and takes its values as parameters;
 * plans are prepared once per backend and kept.  Queries run as the
 * extension's owner with a pinned search_path (pgm_become_owner()), so the
 * caller's search_path cannot redirect them; access is decided beforehand
 * by access.c.  Results are copied into the caller's memory context
 * before SPI_finish.
 *
 * Queries that read version state are not read-only SPI calls: at READ
 * COMMITTED that gives each a fresh snapshot, so state read after the
 * project mutex was granted includes what the previous holder committed.
 *
 * Nothing here calls a layer above (see docs/architecture.md).
 *
 * IDENTIFICATION
 *	  src/storage.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/genam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/varlena.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "storage.h"

/* The extension's owner: the owner of its tables. */
Oid
pgm_owner_id(void)
{
	Oid			nsp = get_namespace_oid(PGM_SCHEMA, false);
	Oid			relid = get_relname_relid("projects", nsp);
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(relid))
		elog(ERROR, "table migrate.projects is missing");
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * Act as the extension's owner, with search_path "pg_catalog, pg_temp",
 * until pgm_restore_user().  Errors need no cleanup: transaction and
 * subtransaction abort restore the user and the setting.
 */
void
pgm_become_owner(PgmOwnerScope *scope)
{
	GetUserIdAndSecContext(&scope->save_userid, &scope->save_sec_context);
	scope->caller = scope->save_userid;
	SetUserIdAndSecContext(pgm_owner_id(),
						   scope->save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	scope->save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

void
pgm_restore_user(PgmOwnerScope *scope)
{
	AtEOXact_GUC(true, scope->save_nestlevel);
	SetUserIdAndSecContext(scope->save_userid, scope->save_sec_context);
}

/*
 * In the PG_CATCH of work run in a subtransaction begun in context cxt
 * under resource owner owner: take the error (copied into keep_cxt), roll
 * the subtransaction back, and return to cxt and owner.
 */
ErrorData *
pgm_abort_subtransaction(MemoryContext cxt, ResourceOwner owner,
						 MemoryContext keep_cxt)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(keep_cxt);
	edata = CopyErrorData();
	FlushErrorState();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return edata;
}

/* Build a text[] from a List of C strings. */
ArrayType *
pgm_build_text_array(List *items)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(items), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, items)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	return construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT);
}

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
	[Q_SEARCH_PATH] = {
		"SELECT search_path FROM migrate.projects WHERE project = $1",
		1, {TEXTOID}
	},
	[Q_SET_SEARCH_PATH] = {
		"UPDATE migrate.projects SET search_path = $2 WHERE project = $1",
		2, {TEXTOID, TEXTOID}
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
		"transaction_id, wal_lsn, trusted_registrant, restore_lsn) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, SESSION_USER, "
		"pg_catalog.current_setting('application_name'), "
		"pg_catalog.inet_client_addr(), pg_catalog.pg_backend_pid(), "
		"pg_catalog.pg_current_xact_id(), pg_catalog.pg_current_wal_insert_lsn(), $11, $12)",
		12, {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INTERVALOID, TEXTOID,
		TEXTOID, TEXTOID, INT4OID, NAMEOID, NAMEOID, PG_LSNOID}
	},
	/* the same before ALTER EXTENSION ... UPDATE TO '0.4.0' ($11, $12 unused) */
	[Q_INSERT_EVENT_0_3] = {
		"INSERT INTO migrate.events (project, revision, direction, started_at, "
		"duration, outcome, sqlstate, error_message, statement, current_user_name, "
		"session_user_name, application_name, client_addr, backend_pid, "
		"transaction_id, wal_lsn) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, SESSION_USER, "
		"pg_catalog.current_setting('application_name'), "
		"pg_catalog.inet_client_addr(), pg_catalog.pg_backend_pid(), "
		"pg_catalog.pg_current_xact_id(), pg_catalog.pg_current_wal_insert_lsn())",
		12, {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INTERVALOID, TEXTOID,
		TEXTOID, TEXTOID, INT4OID, NAMEOID, NAMEOID, PG_LSNOID}
	},
	/*
	 * A row a background worker writes for another session: the failure
	 * of a session whose transaction rolled back, or a worker's own
	 * 'started' and 'reconcile' rows; who and where are that session's.
	 * The first form is for the schema before 0.4.0 (failures only, no
	 * note: $6 and $15 unused).
	 */
	[Q_INSERT_FAILURE] = {
		"INSERT INTO migrate.events (project, revision, direction, started_at, "
		"duration, outcome, sqlstate, error_message, statement, current_user_name, "
		"session_user_name, application_name, client_addr, backend_pid) "
		"VALUES ($1, $2, $3, $4, $5, 'failure', $7, $8, $9, $10, $11, $12, "
		"pg_catalog.inet($13), $14)",
		15, {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INTERVALOID, TEXTOID, TEXTOID,
			TEXTOID, INT4OID, NAMEOID, NAMEOID, TEXTOID, TEXTOID, INT4OID, TEXTOID}
	},
	[Q_INSERT_WORKER_EVENT] = {
		"INSERT INTO migrate.events (project, revision, direction, started_at, "
		"duration, outcome, sqlstate, error_message, statement, current_user_name, "
		"session_user_name, application_name, client_addr, backend_pid, note) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
		"pg_catalog.inet($13), $14, $15)",
		15, {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INTERVALOID, TEXTOID, TEXTOID,
			TEXTOID, INT4OID, NAMEOID, NAMEOID, TEXTOID, TEXTOID, INT4OID, TEXTOID}
	},
	/*
	 * The last up or down run of each revision of a project that has one:
	 * a 'started' one that is not running any more was interrupted.
	 */
	[Q_LAST_RUNS] = {
		"SELECT DISTINCT ON (e.revision) e.revision, e.direction, e.outcome, "
		"e.started_at, e.backend_pid FROM migrate.events e "
		"WHERE e.project OPERATOR(pg_catalog.=) $1 "
		"AND e.direction OPERATOR(pg_catalog.=) ANY ('{up,down}'::pg_catalog.text[]) "
		"ORDER BY e.revision, e.event_id DESC",
		1, {TEXTOID}
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
	/*
	 * For the linter (lint.c): is a name in the up script of a revision
	 * still to be applied ($3 is compared without case), and the up
	 * scripts of a revision's unapplied ancestors, given its parents and
	 * dependencies, in registration order.
	 */
	[Q_LINT_PENDING] = {
		"SELECT 1 FROM migrate.revisions r "
		"WHERE r.project OPERATOR(pg_catalog.=) $1 AND r.id OPERATOR(pg_catalog.<>) $2 "
		"AND pg_catalog.strpos(pg_catalog.lower(r.up_script), pg_catalog.lower($3)) "
		"OPERATOR(pg_catalog.>) 0 "
		"AND NOT EXISTS (SELECT 1 FROM migrate.applied a "
		"WHERE a.project OPERATOR(pg_catalog.=) r.project "
		"AND a.revision OPERATOR(pg_catalog.=) r.id) LIMIT 1",
		3, {TEXTOID, TEXTOID, TEXTOID}
	},
	[Q_LINT_SCRIPTS] = {
		"SELECT r.id, r.up_script, r.down_script FROM migrate.revisions r "
		"JOIN pg_catalog.unnest($2) AS i(id) ON r.id OPERATOR(pg_catalog.=) i.id "
		"WHERE r.project OPERATOR(pg_catalog.=) $1",
		2, {TEXTOID, TEXTARRAYOID}
	},
	[Q_LINT_ANCESTORS] = {
		"WITH RECURSIVE anc(id) AS ("
		"SELECT pg_catalog.unnest($2 OPERATOR(pg_catalog.||) $3) "
		"UNION SELECT pg_catalog.unnest(r.parents OPERATOR(pg_catalog.||) r.depends_on) "
		"FROM migrate.revisions r JOIN anc ON r.id OPERATOR(pg_catalog.=) anc.id "
		"AND r.project OPERATOR(pg_catalog.=) $1) "
		"SELECT r.up_script FROM migrate.revisions r JOIN anc ON r.id OPERATOR(pg_catalog.=) anc.id "
		"WHERE r.project OPERATOR(pg_catalog.=) $1 "
		"AND NOT EXISTS (SELECT 1 FROM migrate.applied a "
		"WHERE a.project OPERATOR(pg_catalog.=) r.project "
		"AND a.revision OPERATOR(pg_catalog.=) r.id) ORDER BY r.seq",
		3, {TEXTOID, TEXTARRAYOID, TEXTARRAYOID}
	},
};

static SPIPlanPtr plans[NUM_QUERIES];


/* set while pgm_load_state reads both queries under one snapshot */
bool		pgm_read_with_snapshot = false;

/*
 * Run one of the queries above.
 */
int
pgm_run_query(PgmQuery q, Datum *values, const char *nulls, long count)
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
	ret = SPI_execute_plan(plans[q], values, nulls, pgm_read_with_snapshot,
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
void
pgm_connect_spi(PgmOwnerScope *os)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	pgm_become_owner(os);
}

void
pgm_finish_spi(PgmOwnerScope *os)
{
	pgm_restore_user(os);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
}

/* the caller's role name, as a query parameter of type name */
Datum
pgm_caller_name(PgmOwnerScope *os)
{
	return DirectFunctionCall1(namein,
							   CStringGetDatum(GetUserNameFromId(os->caller, false)));
}

/* whether a migrate table has a column (it may predate it) */
bool
pgm_have_column(const char *table, const char *column)
{
	Oid			rel = get_relname_relid(table, get_namespace_oid(PGM_SCHEMA, false));

	return OidIsValid(rel) && get_attnum(rel, column) != InvalidAttrNumber;
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
	pgm_connect_spi(&os);
	pgm_run_query(Q_PROJECT_KEY, values, NULL, 1);
	if (SPI_processed == 0 && create)
	{
		pgm_run_query(Q_PROJECT_CREATE, values, NULL, 0);
		pgm_run_query(Q_PROJECT_KEY, values, NULL, 1);
	}
	if (SPI_processed > 0)
	{
		key = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull));
		Assert(!isnull);
	}
	pgm_finish_spi(&os);
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
	pgm_connect_spi(&os);
	pgm_run_query(Q_LOCK_ROW, values, NULL, 0);
	pgm_finish_spi(&os);
}

/*
 * Stored data is checked before use, as input from a caller would be: the
 * tables can be changed by their owner behind pg_migrate's back, and a
 * NULL element or an id with a newline in it must give an error, never a
 * crash, a wrong answer or a forged line in a message or a script.
 */
/* (pgm_report_corrupt: see storage.h) */

/* a stored id or label, checked */
static void
check_stored_name(const char *project, const char *id, const char *what,
				  const char *name)
{
	const char *problem = pgm_id_problem(name);

	if (problem)
		pgm_report_corrupt(project, "Revision %s has an invalid entry %s in its %s: it %s.",
					   pgm_display(id), pgm_display(name), what, problem);
}

/*
 * A stored text[] column of names (parents, branch labels, dependencies)
 * as a C array in cxt, checked: no NULL elements, valid names, at most
 * max of them.  What detoasting and deconstructing allocate stays in the
 * current context.
 */
char **
pgm_checked_names(Datum d, bool isnull, int *n, MemoryContext cxt,
			  const char *project, const char *id, const char *what, int max)
{
	ArrayType  *array;
	Datum	   *elems;
	bool	   *nulls;
	char	  **out;
	int			i;

	*n = 0;
	if (isnull)
		pgm_report_corrupt(project, "The %s of revision %s are NULL.", what, pgm_display(id));
	array = DatumGetArrayTypeP(d);
	if (ARR_NDIM(array) > 1)
		pgm_report_corrupt(project, "The %s of revision %s are not a one-dimensional array.",
					   what, pgm_display(id));
	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, n);
	if (*n > max)
		pgm_report_corrupt(project, "Revision %s has %d %s; at most %d are allowed.",
					   pgm_display(id), *n, what, max);
	if (*n == 0)
		return NULL;
	out = MemoryContextAlloc(cxt, sizeof(char *) * *n);
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			pgm_report_corrupt(project, "The %s of revision %s contain a NULL element.",
						   what, pgm_display(id));
		out[i] = MemoryContextStrdup(cxt, TextDatumGetCString(elems[i]));
		check_stored_name(project, id, what, out[i]);
	}
	return out;
}

/* the same for a column of an SPI result */
char **
pgm_stored_names(HeapTuple tuple, TupleDesc desc, int col, int *n,
			 MemoryContext cxt, const char *project, const char *id,
			 const char *what, int max)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tuple, desc, col, &isnull);

	return pgm_checked_names(d, isnull, n, cxt, project, id, what, max);
}

/* a stored revision id, checked */
void
pgm_check_stored_id(const char *project, const char *id)
{
	if (id == NULL)
		pgm_report_corrupt(project, "A revision has a NULL id.");
	if (pgm_id_problem(id))
		pgm_report_corrupt(project, "The revision id %s %s.",
					   pgm_display(id), pgm_id_problem(id));
}

char *
pgm_copy_text(HeapTuple tuple, TupleDesc desc, int col)
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
	pgm_connect_spi(&os);
	pgm_run_query(Q_STATE_VERSION, values, NULL, 1);
	if (SPI_processed == 1)
	{
		bool		isnull;

		version = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, 1, &isnull));
	}
	pgm_finish_spi(&os);
	return version;
}

/*
 * The search_path a project's scripts run with (migrate.set_search_path()),
 * or NULL for the caller's.  A value read back must still be a list of
 * names, as set_search_path() stored it.
 */
char *
pgm_project_search_path(const char *project)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	Datum		values[1];
	char	   *path = NULL;
	List	   *names;

	if (!pgm_have_column("projects", "search_path"))
		return NULL;
	values[0] = CStringGetTextDatum(project);
	pgm_connect_spi(&os);
	pgm_run_query(Q_SEARCH_PATH, values, NULL, 1);
	if (SPI_processed == 1)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		path = pgm_copy_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		MemoryContextSwitchTo(old);
	}
	pgm_finish_spi(&os);
	if (path != NULL && !SplitIdentifierString(pstrdup(path), ',', &names))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the search_path recorded for project \"%s\" is not a list of names", project),
				 errhint("Set it again with migrate.set_search_path().")));
	return path;
}

/* Store a project's search_path (NULL: the caller's). */
void
pgm_store_search_path(const char *project, const char *path)
{
	PgmOwnerScope os;
	Datum		values[2];
	char		nulls[2] = {' ', path ? ' ' : 'n'};

	values[0] = CStringGetTextDatum(project);
	values[1] = path ? CStringGetTextDatum(path) : (Datum) 0;
	pgm_connect_spi(&os);
	pgm_run_query(Q_SET_SEARCH_PATH, values, nulls, 0);
	pgm_finish_spi(&os);
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
	pgm_connect_spi(&os);
	pgm_run_query(Q_PROJECT_BY_KEY, values, NULL, 1);
	if (SPI_processed == 1)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		project = pgm_copy_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		MemoryContextSwitchTo(old);
		/* it goes into messages and JSON: only a valid name */
		if (project && !pgm_project_name_ok(project))
			project = NULL;
	}
	pgm_finish_spi(&os);
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
PgmRevisionDef *
pgm_load_defs(const char *project, int *ndefs, MemoryContext cxt,
		  MemoryContext scratch)
{
	Datum		values[1];
	PgmRevisionDef *defs;
	uint64		i;

	values[0] = CStringGetTextDatum(project);
	pgm_run_query(Q_LOAD_REVISIONS, values, NULL, 0);
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
			pgm_check_stored_id(project, isnull ? NULL : TextDatumGetCString(d));
			def->id = MemoryContextStrdup(cxt, TextDatumGetCString(d));
			d = SPI_getbinval(tup, desc, 2, &isnull);
			def->message = isnull ? NULL :
				MemoryContextStrdup(cxt, TextDatumGetCString(d));
			def->parents = pgm_stored_names(tup, desc, 3, &def->nparents, scratch,
										project, def->id, "parents", PGM_MAX_PARENTS);
			def->labels = pgm_stored_names(tup, desc, 4, &def->nlabels, cxt,
									   project, def->id, "branch labels", PGM_MAX_LABELS);
			def->deps = pgm_stored_names(tup, desc, 5, &def->ndeps, scratch,
									 project, def->id, "dependencies", PGM_MAX_DEPS);
			def->has_down = DatumGetBool(SPI_getbinval(tup, desc, 6, &isnull));
			s = pgm_copy_text(tup, desc, 7);
			if (s == NULL || !parse_class(s, &def->up_class))
				pgm_report_corrupt(project, "Revision %s has an invalid up_class.",
							   pgm_display(def->id));
			s = pgm_copy_text(tup, desc, 8);
			if (def->has_down ? (s == NULL || !parse_class(s, &def->down_class)) : s != NULL)
				pgm_report_corrupt(project, "Revision %s has an invalid down_class.",
							   pgm_display(def->id));
			d = SPI_getbinval(tup, desc, 9, &isnull);
			if (isnull || DatumGetInt32(d) < 0)
				pgm_report_corrupt(project, "Revision %s has an invalid up_statements.",
							   pgm_display(def->id));
			def->up_statements = DatumGetInt32(d);
			d = SPI_getbinval(tup, desc, 10, &isnull);
			def->down_statements = isnull ? 0 : DatumGetInt32(d);
			d = SPI_getbinval(tup, desc, 11, &isnull);
			if (isnull)
				pgm_report_corrupt(project, "Revision %s has no registration order.",
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

	pgm_check_stored_id(project, id);
	d = heap_getattr(tup, rs->labels_att, RelationGetDescr(rs->rel), &isnull);
	*labels = pgm_checked_names(d, isnull, nlabels, CurrentMemoryContext, project,
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
		pgm_report_corrupt(project, "Revision %s has no registration order.",
					   pgm_display(id));
	return DatumGetInt32(d);
}

/*
 * The stored checksum and message of a revision, through the primary key.
 * Returns false when the revision is not registered or direct access is
 * not possible (*direct tells which).
 */
bool
pgm_find_revision_direct(const char *project, const char *id, char **checksum,
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
				pgm_report_corrupt(project, "Revision %s has no checksum.", pgm_display(id));
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
PgmRevisionDef *
pgm_related_defs_direct(const char *project, List *names, int *ndefs,
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
	pgm_connect_spi(&os);
	pgm_run_query(Q_DETAILS, values, NULL, 1);
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

		details->up = pgm_copy_text(tup, desc, 1);
		details->down = pgm_copy_text(tup, desc, 2);
		details->checksum = pgm_copy_text(tup, desc, 3);
		if (details->up == NULL || details->checksum == NULL)
			pgm_report_corrupt(project, "Revision \"%s\" has no up script or no checksum.", id);
		details->registered_at = DatumGetTimestampTz(SPI_getbinval(tup, desc, 4, &isnull));
		d = SPI_getbinval(tup, desc, 5, &isnull);
		details->registered_by = isnull ? pstrdup("") : pstrdup(NameStr(*DatumGetName(d)));
		edges[0] = pgm_stored_names(tup, desc, 6, &counts[0], cxt, project, id,
								"parents", PGM_MAX_PARENTS);
		edges[1] = pgm_stored_names(tup, desc, 7, &counts[1], cxt, project, id,
								"branch labels", PGM_MAX_LABELS);
		edges[2] = pgm_stored_names(tup, desc, 8, &counts[2], cxt, project, id,
								"dependencies", PGM_MAX_DEPS);
		if (verify)
		{
			char	   *actual = pgm_stored_checksum(details->up, details->down,
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
	pgm_finish_spi(&os);
	return details;
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
	pgm_connect_spi(&os);
	pgm_run_query(Q_GRANTS, values, NULL, 0);
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
	pgm_finish_spi(&os);
	return n;
}

/*
 * The checksum covers everything that decides what a revision does: its
 * scripts and its place in the graph.  The message is left out so that it
 * can be corrected after the fact.
 */
char *
pgm_stored_checksum(const char *up, const char *down, char **parents,
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

/*
 * The revisions of a project whose last up or down run was started and
 * has no outcome: a List of PgmRun.  Whether the run is still going on is
 * the caller's to decide (its backend_pid may be running it right now).
 * Only runs recorded by the 0.4.0 schema can be 'started'.
 */
List *
pgm_started_runs(const char *project)
{
	MemoryContext cxt = CurrentMemoryContext;
	PgmOwnerScope os;
	Datum		values[1];
	List	   *result = NIL;
	uint64		i;

	if (!pgm_have_column("events", "note"))
		return NIL;
	values[0] = CStringGetTextDatum(project);
	pgm_connect_spi(&os);
	pgm_run_query(Q_LAST_RUNS, values, NULL, 0);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		MemoryContext old;
		char	   *outcome = SPI_getvalue(tup, desc, 3);
		char	   *direction = SPI_getvalue(tup, desc, 2);
		bool		isnull;
		PgmRun	   *run;

		if (outcome == NULL || strcmp(outcome, "started") != 0 || direction == NULL)
			continue;
		old = MemoryContextSwitchTo(cxt);
		run = palloc0(sizeof(PgmRun));
		run->revision = pgm_copy_text(tup, desc, 1);
		run->up = strcmp(direction, "up") == 0;
		run->started_at = DatumGetTimestampTz(SPI_getbinval(tup, desc, 4, &isnull));
		run->pid = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull));
		MemoryContextSwitchTo(old);
		/* read back from a table: only a valid id goes on */
		if (run->revision && pgm_id_problem(run->revision) == NULL)
			result = lappend(result, run);
	}
	pgm_finish_spi(&os);
	return result;
}
