/*-------------------------------------------------------------------------
 *
 * reconcile.c
 *	  Statements at top level in a background worker (worker.c), and the
 *	  index builds of an interrupted revision, found and put right before
 *	  the revision runs again.
 *
 * CREATE INDEX CONCURRENTLY commits the empty index before it builds it:
 * a build that is cancelled, or whose session, worker or server dies,
 * leaves an INVALID index behind, which the next run of the same
 * statement meets ("already exists"), or, with IF NOT EXISTS, silently
 * keeps.  A crash after the build committed but before the revision was
 * recorded leaves a VALID index and the revision pending.  REINDEX ...
 * CONCURRENTLY leaves "<index>_ccnew" (the new copy, not yet swapped in)
 * or "<index>_ccold" (the old one, not yet dropped), both INVALID.
 *
 * So just before each statement that builds or rebuilds an index
 * concurrently runs (against the catalog as the statements before it left
 * it: "DROP INDEX CONCURRENTLY IF EXISTS i; CREATE INDEX CONCURRENTLY i"
 * still works):
 *
 *	- CREATE INDEX CONCURRENTLY name ON table: an INVALID index of that
 *	  name on that table is dropped concurrently, and the statement builds
 *	  it again (IF NOT EXISTS or not).  A VALID one is compared with what
 *	  the statement would create (both printed by pg_get_indexdef(), the
 *	  statement's built on an empty temporary copy of the table's columns
 *	  in a transaction that is rolled back): the same definition is
 *	  accepted and the statement skipped; anything else is an error naming
 *	  the index and both definitions.
 *	- REINDEX INDEX/TABLE/SCHEMA ... CONCURRENTLY: INVALID "_ccnew" and
 *	  "_ccold" leftovers of the indexes concerned are dropped concurrently;
 *	  the statement then rebuilds as usual.
 *
 * Each thing done is a 'reconcile' row in migrate.events with a note.
 * After the script, every index a CREATE INDEX CONCURRENTLY of it names
 * must be valid, or the revision fails instead of being recorded as
 * applied.  Unnamed CREATE INDEX CONCURRENTLY statements cannot be matched
 * with what an earlier run left: the documentation asks for names.
 *
 * IDENTIFICATION
 *	  src/reconcile.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_namespace.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "parser/analyze.h"
#include "pgstat.h"
#include "tcop/pquery.h"
#include "utils/portal.h"
#include "parser/parser.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "parse.h"
#include "lock.h"
#include "reconcile.h"

/*
 * Run one statement at top level, in a transaction of its own; returns
 * the number of rows it processed (for an INSERT, UPDATE or DELETE).
 */
uint64
pgm_run_toplevel(const char *sql)
{
	List	   *parsetrees;
	RawStmt    *parsetree;
	List	   *querytrees;
	List	   *plantrees;
	Portal		portal;
	DestReceiver *receiver;
	QueryCompletion qc;
	bool		snapshot_set = false;
	MemoryContext stmt_cxt;
	MemoryContext old;

	/*
	 * Statements such as CREATE INDEX CONCURRENTLY commit and start
	 * transactions themselves: the parse and plan trees must live outside
	 * any transaction, as in exec_simple_query().
	 */
	stmt_cxt = AllocSetContextCreate(TopMemoryContext, "pg_migrate worker statement",
									 ALLOCSET_DEFAULT_SIZES);
	StartTransactionCommand();
	old = MemoryContextSwitchTo(stmt_cxt);
	parsetrees = pg_parse_query(sql);
	if (list_length(parsetrees) != 1)
		elog(ERROR, "expected one statement, got %d", list_length(parsetrees));
	parsetree = linitial_node(RawStmt, parsetrees);
	if (analyze_requires_snapshot(parsetree))
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		snapshot_set = true;
	}
	querytrees = pgm_analyze_and_rewrite(parsetree, sql);
	plantrees = pg_plan_queries(querytrees, sql, CURSOR_OPT_PARALLEL_OK, NULL);
	if (snapshot_set)
		PopActiveSnapshot();
	MemoryContextSwitchTo(old);

	portal = CreatePortal("", true, true);
	portal->visible = false;
	PortalDefineQuery(portal, NULL, sql, CreateCommandTag(parsetree->stmt),
					  plantrees, NULL);
	PortalStart(portal, NULL, 0, InvalidSnapshot);
	receiver = CreateDestReceiver(DestNone);
	(void) PortalRun(portal, FETCH_ALL, true, true, receiver, receiver, &qc);
	receiver->rDestroy(receiver);
	PortalDrop(portal, false);
	CommitTransactionCommand();
	MemoryContextDelete(stmt_cxt);
	return qc.nprocessed;
}

/* what one statement needs: filled in a transaction, acted on outside */
typedef struct Fix
{
	List	   *drops;			/* qualified names to drop concurrently */
	char	   *accepted;		/* qualified name of an index accepted */
} Fix;

static bool
is_concurrent_reindex(ReindexStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->params)
	{
		DefElem    *opt = lfirst_node(DefElem, lc);

		if (strcmp(opt->defname, "concurrently") == 0)
			return defGetBoolean(opt);
	}
	return false;
}

static char *
qualified(Oid relid)
{
	char	   *name = get_rel_name(relid);
	char	   *nspname = get_namespace_name(get_rel_namespace(relid));

	/* dropped by another session meanwhile */
	if (name == NULL || nspname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("a relation the revision names was dropped while its index builds were checked"),
				 errhint("Run the revision again.")));
	return quote_qualified_identifier(nspname, name);
}

/*
 * An index's definition as pg_get_indexdef() prints it (without its
 * tablespace), from "USING" on: what follows its name and table, which
 * differ between the probe and the real index.  *unique says whether it
 * is UNIQUE.  NULL when the text does not start as expected.
 */
static char *
definition_body(Oid indexid, Oid relid, bool *unique)
{
	char	   *def = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_get_indexdef,
																		 ObjectIdGetDatum(indexid))));
	/* as pg_get_indexdef() names the table (this session's temporary schema as pg_temp) */
	char	   *table = quote_qualified_identifier(get_namespace_name_or_temp(get_rel_namespace(relid)),
												   get_rel_name(relid));
	int			u;

	for (u = 0; u <= 1; u++)
	{
		char	   *prefix = psprintf("CREATE %sINDEX %s ON %s ", u ? "UNIQUE " : "",
									  quote_identifier(get_rel_name(indexid)), table);

		if (strncmp(def, prefix, strlen(prefix)) == 0)
		{
			*unique = u == 1;
			return def + strlen(prefix);
		}
	}
	return NULL;
}

/*
 * What CREATE INDEX (the statement, not concurrently) would define, as
 * definition_body() gives it: built on an empty temporary table with the
 * columns of the statement's table, inside a subtransaction that is always
 * rolled back.  NULL when it cannot be built (no TEMP privilege, say).
 */
static char *
would_create(IndexStmt *stmt, Oid relid, bool *unique)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	char	   *result = NULL;

	BeginInternalSubTransaction(NULL);
	PG_TRY();
	{
		IndexStmt  *copy = copyObject(stmt);
		PlannedStmt *wrapper = makeNode(PlannedStmt);
		Oid			temp;
		Oid			probe;
		char	   *body;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute(psprintf("CREATE TEMPORARY TABLE pg_migrate_probe (LIKE %s)",
								 qualified(relid)), false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "could not create the probe table");
		copy->relation = makeRangeVar("pg_temp", "pg_migrate_probe", -1);
		copy->idxname = "pg_migrate_probe_index";
		copy->concurrent = false;
		copy->if_not_exists = false;
		wrapper->commandType = CMD_UTILITY;
		wrapper->canSetTag = false;
		wrapper->utilityStmt = (Node *) copy;
		wrapper->stmt_location = -1;
		wrapper->stmt_len = 0;
		ProcessUtility(wrapper, "", false, PROCESS_UTILITY_QUERY, NULL, NULL,
					   None_Receiver, NULL);
		CommandCounterIncrement();
		temp = LookupExplicitNamespace("pg_temp", false);
		probe = get_relname_relid("pg_migrate_probe_index", temp);
		if (!OidIsValid(probe))
			elog(ERROR, "the probe index is missing");
		body = definition_body(probe, get_relname_relid("pg_migrate_probe", temp), unique);
		if (body)
			result = MemoryContextStrdup(cxt, body);
		SPI_finish();
	}
	PG_CATCH();
	{
		FlushErrorState();
		result = NULL;
	}
	PG_END_TRY();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return result;
}

/*
 * The index a CREATE INDEX statement names, in its table's schema, and
 * that table (*relid); InvalidOid when the statement has no name, or the
 * table or index does not exist (yet).
 */
static Oid
named_index(IndexStmt *stmt, Oid *relid)
{
	Oid			indexid;

	*relid = InvalidOid;
	if (stmt->idxname == NULL)
		return InvalidOid;
	/* locked until the check's transaction ends: not dropped under it */
	*relid = RangeVarGetRelid(stmt->relation, AccessShareLock, true);
	if (!OidIsValid(*relid))
		return InvalidOid;
	indexid = get_relname_relid(stmt->idxname, get_rel_namespace(*relid));
	if (!OidIsValid(indexid))
		return InvalidOid;
	LockRelationOid(indexid, AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(indexid)) ||
		get_rel_relkind(indexid) != RELKIND_INDEX)
		return InvalidOid;
	return indexid;
}

/*
 * Is the index valid?  *indrelid is its table.  An index dropped meanwhile
 * counts as valid, with no table: nothing is left to put right.
 */
static bool
index_is_valid(Oid indexid, Oid *indrelid)
{
	HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexid));
	bool		valid;

	if (indrelid)
		*indrelid = InvalidOid;
	if (!HeapTupleIsValid(tuple))
		return true;
	valid = ((Form_pg_index) GETSTRUCT(tuple))->indisvalid;
	if (indrelid)
		*indrelid = ((Form_pg_index) GETSTRUCT(tuple))->indrelid;
	ReleaseSysCache(tuple);
	return valid;
}

/* CREATE INDEX CONCURRENTLY: see the file header */
static void
check_create(IndexStmt *stmt, int number, const char *revision, Fix *fix)
{
	Oid			relid;
	Oid			indexid = named_index(stmt, &relid);
	bool		valid;
	Oid			indrelid;

	if (!OidIsValid(indexid))
		return;
	valid = index_is_valid(indexid, &indrelid);
	if (!OidIsValid(indrelid))
		return;

	if (indrelid != relid)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("index %s, which statement %d of revision \"%s\" creates, exists on another table",
						qualified(indexid), number, revision),
				 errdetail("It is an index of %s.", qualified(indrelid)),
				 errhint("Drop or rename that index, or change the revision.")));
	if (!valid)
	{
		fix->drops = lappend(fix->drops, qualified(indexid));
		return;
	}
	{
		char	   *existing = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_get_indexdef,
																			 ObjectIdGetDatum(indexid))));
		bool		existing_unique = false;
		bool		wanted_unique = false;
		char	   *a = definition_body(indexid, relid, &existing_unique);
		char	   *b = would_create(stmt, relid, &wanted_unique);
		char	   *wanted = NULL;

		/* shown with the real names instead of the probe's */
		if (b)
			wanted = psprintf("CREATE %sINDEX %s ON %s %s", wanted_unique ? "UNIQUE " : "",
							  quote_identifier(stmt->idxname), qualified(relid), b);
		if (a == NULL || b == NULL || existing_unique != wanted_unique || strcmp(a, b) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("index %s, which statement %d of revision \"%s\" creates, already exists with another definition",
							qualified(indexid), number, revision),
					 wanted ?
					 errdetail("It is: %s; the statement would create: %s.", existing, wanted) :
					 errdetail("It is: %s; what the statement would create could not be worked out.", existing),
					 errhint("Drop or rename the existing index, or change the revision.")));
		fix->accepted = qualified(indexid);
	}
}

/* invalid leftovers of REINDEX CONCURRENTLY on relid's indexes */
static void
add_leftovers(Oid relid, const char *only_index, Fix *fix)
{
	List	   *indexes;
	ListCell   *lc;
	Relation	rel = try_relation_open(relid, AccessShareLock);

	if (rel == NULL)
		return;
	indexes = RelationGetIndexList(rel);
	relation_close(rel, AccessShareLock);
	foreach(lc, indexes)
	{
		Oid			indexid = lfirst_oid(lc);
		char	   *name = get_rel_name(indexid);
		char	   *cc;

		if (name == NULL)
			continue;
		cc = strstr(name, "_ccnew");
		if (cc == NULL)
			cc = strstr(name, "_ccold");
		if (cc == NULL || strspn(cc + 6, "0123456789") != strlen(cc + 6))
			continue;
		/* "<index>_ccnew", the index name cut short when it is long */
		if (only_index && (cc == name || strncmp(name, only_index, cc - name) != 0))
			continue;
		if (!index_is_valid(indexid, NULL))
			fix->drops = lappend(fix->drops, qualified(indexid));
	}
}

/* REINDEX ... CONCURRENTLY: see the file header */
static void
check_reindex(ReindexStmt *stmt, Fix *fix)
{
	if (stmt->kind == REINDEX_OBJECT_INDEX)
	{
		Oid			indexid = RangeVarGetRelid(stmt->relation, NoLock, true);

		Oid			relid = OidIsValid(indexid) ? IndexGetRelation(indexid, true) : InvalidOid;
		char	   *name = OidIsValid(indexid) ? get_rel_name(indexid) : NULL;

		if (OidIsValid(relid) && name != NULL)
			add_leftovers(relid, name, fix);
	}
	else if (stmt->kind == REINDEX_OBJECT_TABLE)
	{
		Oid			relid = RangeVarGetRelid(stmt->relation, NoLock, true);

		if (OidIsValid(relid))
			add_leftovers(relid, NULL, fix);
	}
	else if (stmt->kind == REINDEX_OBJECT_SCHEMA)
	{
		Oid			nsp = get_namespace_oid(stmt->name, true);
		Relation	classrel;
		TableScanDesc scan;
		HeapTuple	tuple;
		ScanKeyData key;
		List	   *tables = NIL;
		ListCell   *lc;

		if (!OidIsValid(nsp))
			return;
		ScanKeyInit(&key, Anum_pg_class_relnamespace, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(nsp));
		classrel = table_open(RelationRelationId, AccessShareLock);
		scan = table_beginscan_catalog(classrel, 1, &key);
		while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
		{
			Form_pg_class c = (Form_pg_class) GETSTRUCT(tuple);

			if (c->relkind == RELKIND_RELATION || c->relkind == RELKIND_MATVIEW ||
				c->relkind == RELKIND_TOASTVALUE)
				tables = lappend_oid(tables, c->oid);
		}
		table_endscan(scan);
		table_close(classrel, AccessShareLock);
		foreach(lc, tables)
			add_leftovers(lfirst_oid(lc), NULL, fix);
	}
}

/* parse one statement of a script (it was split at registration) */
static Node *
parse_one(const char *sql)
{
	List	   *parsetrees = raw_parser(sql, RAW_PARSE_DEFAULT);

	if (list_length(parsetrees) != 1)
		return NULL;
	return linitial_node(RawStmt, parsetrees)->stmt;
}

/* a row of the worker's own, in a transaction of its own */
static void
record_as(PgmFailure *who, int number, PgmDirection direction, const char *outcome,
		  int sqlerrcode, const char *note)
{
	PgmFailure	f;

	memcpy(&f, who, sizeof(PgmFailure));
	f.direction = direction;
	f.sqlerrcode = sqlerrcode;
	strlcpy(f.outcome, outcome, sizeof(f.outcome));
	strlcpy(f.note, note, sizeof(f.note));
	f.statement = number;
	f.started = f.finished = GetCurrentTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgm_insert_failure(&f);
	PopActiveSnapshot();
	CommitTransactionCommand();
	ereport(LOG,
			(errmsg("pg_migrate: revision \"%s\" (project \"%s\"), statement %d: %s",
					who->revision, who->project, number, note)));
}

static void
record(PgmFailure *who, int number, const char *note)
{
	record_as(who, number, PGM_RECONCILE, "success", 0, note);
}

/*
 * Just before statement number runs, in the worker, outside any
 * transaction: put right what an interrupted run of it left (see the file
 * header), against the catalog as the statements before it left it.
 * True when the statement is to be skipped (its index was accepted).
 */
bool
pgm_reconcile_statement(const char *sql, int number, PgmFailure *who)
{
	Fix			fix = {NIL, NULL};
	MemoryContext cxt = CurrentMemoryContext;
	ListCell   *d;
	Node	   *stmt;

	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	stmt = parse_one(sql);
	if (stmt && IsA(stmt, IndexStmt) && ((IndexStmt *) stmt)->concurrent)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		check_create((IndexStmt *) stmt, number, who->revision, &fix);
		MemoryContextSwitchTo(old);
	}
	else if (stmt && IsA(stmt, ReindexStmt) && is_concurrent_reindex((ReindexStmt *) stmt))
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		check_reindex((ReindexStmt *) stmt, &fix);
		MemoryContextSwitchTo(old);
	}
	PopActiveSnapshot();
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);

	foreach(d, fix.drops)
	{
		char	   *name = lfirst(d);

		pgm_run_toplevel(psprintf("DROP INDEX CONCURRENTLY IF EXISTS %s", name));
		record(who, number,
			   psprintf("dropped the invalid index %s, left by an interrupted or failed run, to build it again",
						name));
	}
	if (fix.accepted)
		record(who, number,
			   psprintf("accepted the existing valid index %s, identical to what the statement creates; the statement was skipped",
						fix.accepted));
	return fix.accepted != NULL;
}

/*
 * After the script, in the worker, outside any transaction: every index
 * that a CREATE INDEX CONCURRENTLY of it names must be valid.
 */
void
pgm_check_builds(List *statements, const char *revision)
{
	ListCell   *lc;
	int			number = 0;

	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	foreach(lc, statements)
	{
		Node	   *stmt = parse_one(lfirst(lc));
		Oid			relid;
		Oid			indexid;

		number++;
		if (stmt == NULL || !IsA(stmt, IndexStmt) || !((IndexStmt *) stmt)->concurrent)
			continue;
		indexid = named_index((IndexStmt *) stmt, &relid);
		if (OidIsValid(indexid) && !index_is_valid(indexid, NULL))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("index %s is not valid after revision \"%s\" ran",
							qualified(indexid), revision),
					 errdetail("Statement %d names it; the revision is not recorded as applied.", number),
					 errhint("Run the revision again: the invalid index is dropped and built again.")));
	}
	PopActiveSnapshot();
	CommitTransactionCommand();
}

/*
 * Does this statement SET (or RESET) lock_timeout itself?  Does it wait
 * only harmlessly (*concurrent): the statements PostgreSQL refuses in a
 * transaction block (CREATE INDEX CONCURRENTLY, VACUUM, ...) wait for old
 * snapshots or take locks that no application query queues behind, so
 * they get no lock timeout of pg_migrate's.
 */
static bool
sets_lock_timeout(const char *sql, bool *concurrent)
{
	Node	   *stmt;
	bool		result = false;

	StartTransactionCommand();
	stmt = parse_one(sql);
	*concurrent = stmt != NULL && pgm_statement_nontransactional(stmt) != NULL;
	if (stmt && IsA(stmt, VariableSetStmt) && ((VariableSetStmt *) stmt)->name &&
		pg_strcasecmp(((VariableSetStmt *) stmt)->name, "lock_timeout") == 0)
		result = true;
	CommitTransactionCommand();
	return result;
}

/*
 * Run a statement of a nontransactional script at top level with the lock
 * timeout of pg_migrate.ddl_lock_timeout (lock.c), unless the script set
 * its own (*script_sets) or the statement waits harmlessly; after a
 * timeout, record the try, pause, and run it again, up to
 * pg_migrate.ddl_lock_retries times.  The session's lock_timeout is back
 * afterwards.  Returns the rows it processed.
 */
uint64
pgm_run_toplevel_retrying(const char *sql, int number, PgmFailure *who,
						  bool *script_sets)
{
	MemoryContext cxt = CurrentMemoryContext;
	int			attempt;
	bool		concurrent;
	char	   *session_timeout;

	if (sets_lock_timeout(sql, &concurrent))
		*script_sets = true;
	session_timeout = pstrdup(GetConfigOption("lock_timeout", false, false));
	for (attempt = 0;; attempt++)
	{
		int			timeout = *script_sets || concurrent ? 0 : pgm_attempt_timeout(attempt);
		uint64		n = 0;
		ErrorData  *edata = NULL;
		char	   *blocker;
		int			blocker_pid;
		int			pause;

		if (timeout > 0)
		{
			char		ms[32];

			snprintf(ms, sizeof(ms), "%d", timeout);
			SetConfigOption("lock_timeout", ms, PGC_USERSET, PGC_S_SESSION);
		}
		PG_TRY();
		{
			n = pgm_run_toplevel(sql);
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(cxt);
			edata = CopyErrorData();
			/* only a lock timeout of pg_migrate's (not NOWAIT, not the script's) */
			if (timeout == 0 || edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE ||
				LockTimeout != timeout || edata->funcname == NULL ||
				strcmp(edata->funcname, "ProcessInterrupts") != 0)
			{
				if (timeout > 0)
					SetConfigOption("lock_timeout", session_timeout, PGC_USERSET, PGC_S_SESSION);
				PG_RE_THROW();
			}
			FlushErrorState();
			AbortCurrentTransaction();
			/* the abort ended the migration's flag (pg_migrate.c) */
			pgm_in_migration = true;
		}
		PG_END_TRY();
		if (timeout > 0)
			SetConfigOption("lock_timeout", session_timeout, PGC_USERSET, PGC_S_SESSION);
		if (edata == NULL)
			return n;

		/* who held the lock, looked up in a transaction of its own */
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		blocker = pgm_lock_blocker(sql, &blocker_pid);
		blocker = blocker ? MemoryContextStrdup(cxt, blocker) : NULL;
		PopActiveSnapshot();
		CommitTransactionCommand();
		MemoryContextSwitchTo(cxt);
		if (attempt >= pgm_ddl_lock_retries)
			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg("revision \"%s\" (project \"%s\") could not take its locks in %d tries",
							who->revision, who->project, attempt + 1),
					 blocker ?
					 errdetail("Statement %d waited %d ms for a lock held by %s.", number, timeout, blocker) :
					 errdetail("Statement %d waited %d ms for a lock.", number, timeout),
					 errhint("The statements before it stay done. Retry when the lock is free, or raise pg_migrate.ddl_lock_timeout or pg_migrate.ddl_lock_retries.")));
		pause = pgm_attempt_pause(attempt + 1);
		record_as(who, number, who->direction, "retry", ERRCODE_LOCK_NOT_AVAILABLE,
				  psprintf("try %d of %d timed out after %d ms waiting for a lock at statement %d%s%s; next try in %d ms",
						   attempt + 1, pgm_ddl_lock_retries + 1, timeout, number,
						   blocker ? ", held by " : "", blocker ? blocker : "", pause));
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 pause, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}
