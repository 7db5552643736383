/*-------------------------------------------------------------------------
 *
 * register.c
 *	  Registering revisions: validation against the stored graph, the
 *	  checksum, and the write.
 *
 * Registration checks a revision as the graph will use it (parents,
 * dependencies and labels must resolve, no cycle may form) without
 * reading the whole history: only the stored revisions a new one names are
 * loaded (through the primary key and the label index), unless an
 * unapplied revision is being changed, which may close a cycle.
 *
 * IDENTIFICATION
 *	  src/register.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "args.h"
#include "audit.h"
#include "lint.h"
#include "lock.h"
#include "parse.h"
#include "register.h"

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
	defs = pgm_related_defs_direct(project, names, ndefs, cxt);
	if (defs)
		return defs;
	values[0] = CStringGetTextDatum(project);
	values[1] = PointerGetDatum(pgm_build_text_array(names));
	pgm_run_query(Q_RELATED, values, NULL, 0);
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		*ndefs = (int) SPI_processed;
		defs = palloc0(sizeof(PgmRevisionDef) * (*ndefs + 1));
		for (i = 0; i < *ndefs; i++)
		{
			defs[i].id = pgm_copy_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
			pgm_check_stored_id(project, defs[i].id);
			defs[i].labels = pgm_stored_names(SPI_tuptable->vals[i],
										  SPI_tuptable->tupdesc, 2,
										  &defs[i].nlabels, cxt, project,
										  defs[i].id, "branch labels",
										  PGM_MAX_LABELS);
		}
		MemoryContextSwitchTo(old);
	}
	return defs;
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

/* a revision being registered: its arguments, decoded and checked */
typedef struct NewRevision
{
	const char *project;
	const char *id;
	const char *up;
	const char *down;
	const char *message;
	ArrayType  *parents_arr;
	ArrayType  *labels_arr;
	ArrayType  *deps_arr;
	int			nparents;
	int			nlabels;
	int			ndeps;
	char	  **parents;
	char	  **labels;
	char	  **deps;
	char	   *checksum;
	PgmScriptInfo upinfo;
	PgmScriptInfo downinfo;
} NewRevision;

/* what is stored under the id already */
typedef struct Existing
{
	bool		exists;
	bool		applied;
	char	   *checksum;
	char	   *message;
} Existing;

/* Decode and check the arguments; compute the checksum. */
static void
check_new_revision(NewRevision *nr)
{
	int			i;

	nr->parents = pgm_text_array_arg(nr->parents_arr, "parents", &nr->nparents);
	nr->labels = pgm_text_array_arg(nr->labels_arr, "branch_labels", &nr->nlabels);
	nr->deps = pgm_text_array_arg(nr->deps_arr, "depends_on", &nr->ndeps);
	pgm_check_id(nr->id, "revision id");
	check_cap(nr->id, "parents", nr->nparents, PGM_MAX_PARENTS);
	check_cap(nr->id, "branch labels", nr->nlabels, PGM_MAX_LABELS);
	check_cap(nr->id, "dependencies", nr->ndeps, PGM_MAX_DEPS);
	for (i = 0; i < nr->nparents; i++)
		pgm_check_id(nr->parents[i], "parent");
	for (i = 0; i < nr->nlabels; i++)
		pgm_check_id(nr->labels[i], "branch label");
	for (i = 0; i < nr->ndeps; i++)
		pgm_check_id(nr->deps[i], "dependency");
	nr->checksum = pgm_stored_checksum(nr->up, nr->down, nr->parents,
									   nr->nparents, nr->labels, nr->nlabels,
									   nr->deps, nr->ndeps);
}

/*
 * What is registered under the id (inside SPI): through the primary key
 * when direct access is possible, else by a query.
 */
static void
find_existing(const NewRevision *nr, Existing *ex, MemoryContext cxt)
{
	Datum		values[2];
	bool		direct;

	values[0] = CStringGetTextDatum(nr->project);
	values[1] = CStringGetTextDatum(nr->id);
	memset(ex, 0, sizeof(Existing));
	ex->exists = pgm_find_revision_direct(nr->project, nr->id, &ex->checksum,
										  &ex->message, &direct);
	if (direct)
	{
		if (ex->exists)
		{
			pgm_run_query(Q_IS_APPLIED, values, NULL, 1);
			ex->applied = SPI_processed == 1;
		}
	}
	else if (pgm_run_query(Q_FIND_REVISION, values, NULL, 1) > 0 &&
			 SPI_processed == 1)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		bool		isnull;

		ex->exists = true;
		ex->checksum = pgm_copy_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		if (ex->checksum == NULL)
			pgm_report_corrupt(nr->project, "Revision %s has no checksum.",
							   pgm_display(nr->id));
		ex->message = pgm_copy_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
		ex->applied = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
												 SPI_tuptable->tupdesc, 3, &isnull));
		MemoryContextSwitchTo(old);
	}
}

/*
 * Validate the graph with the new definition in place.  A new revision
 * cannot close a cycle (nothing refers to it yet), so it is checked
 * against the revisions its names can collide with or refer to; a
 * changed one is checked against the whole graph.
 */
static void
validate_graph(NewRevision *nr, bool exists, MemoryContext cxt)
{
	PgmRevisionDef *defs;
	PgmRevisionDef *def;
	int			ndefs;
	int			pos = -1;
	int			i;

	if (exists)
		defs = pgm_load_defs(nr->project, &ndefs, cxt, cxt);
	else
		defs = load_related_defs(nr->project, nr->id, nr->parents_arr,
								 nr->labels_arr, nr->deps_arr, &ndefs, cxt);
	for (i = 0; i < ndefs; i++)
		if (strcmp(defs[i].id, nr->id) == 0)
			pos = i;
	if (pos < 0)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		defs = repalloc(defs, sizeof(PgmRevisionDef) * (ndefs + 1));
		pos = ndefs++;
		MemoryContextSwitchTo(old);
	}
	def = &defs[pos];
	def->id = (char *) nr->id;
	def->message = (char *) nr->message;
	def->nparents = nr->nparents;
	def->parents = nr->parents;
	def->nlabels = nr->nlabels;
	def->labels = nr->labels;
	def->ndeps = nr->ndeps;
	def->deps = nr->deps;
	def->has_down = nr->down != NULL;
	def->up_class = nr->upinfo.exec_class;
	def->down_class = nr->down ? nr->downinfo.exec_class : PGM_EXEC_TRANSACTIONAL;
	(void) pgm_graph_build(nr->project, defs, ndefs);
}

/* Insert the revision, or update the unapplied one it replaces (in SPI). */
static void
write_revision(NewRevision *nr, bool exists, PgmOwnerScope *os)
{
	Datum		values[15];
	char		nulls[15];
	bool		isnull;
	bool		has_down = nr->down != NULL;

	memset(nulls, ' ', sizeof(nulls));
	values[0] = CStringGetTextDatum(nr->project);
	values[1] = CStringGetTextDatum(nr->id);
	/* a new revision goes last; a changed one keeps its place */
	pgm_run_query(exists ? Q_FIND_SEQ : Q_NEXT_SEQ, values, NULL, 1);
	values[2] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
							  1, &isnull);
	values[3] = PointerGetDatum(nr->parents_arr);
	values[4] = PointerGetDatum(nr->labels_arr);
	values[5] = PointerGetDatum(nr->deps_arr);
	values[6] = nr->message ? CStringGetTextDatum(nr->message) : (Datum) 0;
	nulls[6] = nr->message ? ' ' : 'n';
	values[7] = CStringGetTextDatum(nr->up);
	values[8] = has_down ? CStringGetTextDatum(nr->down) : (Datum) 0;
	nulls[8] = has_down ? ' ' : 'n';
	values[9] = CStringGetTextDatum(pgm_exec_class_name(nr->upinfo.exec_class));
	values[10] = has_down ?
		CStringGetTextDatum(pgm_exec_class_name(nr->downinfo.exec_class)) : (Datum) 0;
	nulls[10] = has_down ? ' ' : 'n';
	values[11] = Int32GetDatum(nr->upinfo.nstatements);
	values[12] = has_down ? Int32GetDatum(nr->downinfo.nstatements) : (Datum) 0;
	nulls[12] = has_down ? ' ' : 'n';
	values[13] = CStringGetTextDatum(nr->checksum);
	values[14] = pgm_caller_name(os);
	pgm_run_query(exists ? Q_UPDATE_REVISION : Q_INSERT_REVISION, values, nulls, 0);
}

/*
 * Register (or re-register) a revision.  The caller has checked access.
 * An identical revision is a no-op (except for a corrected message); an
 * applied one cannot change; otherwise the scripts are parsed, the graph
 * validated with the revision in place, and the row written, all under
 * the project's mutex.
 */
char *
pgm_register_revision(const char *project, const char *id, const char *up,
					  const char *down, ArrayType *parents, const char *message,
					  ArrayType *labels, ArrayType *deps)
{
	PgmOwnerScope os;
	MemoryContext cxt = CurrentMemoryContext;
	NewRevision nr;
	Existing	ex;
	int			key;

	memset(&nr, 0, sizeof(nr));
	nr.project = project;
	nr.id = id;
	nr.up = up;
	nr.down = down;
	nr.message = message;
	nr.parents_arr = parents;
	nr.labels_arr = labels;
	nr.deps_arr = deps;
	check_new_revision(&nr);

	key = pgm_project_key(project, true);
	pgm_lock_project(project, key, "revision");

	pgm_connect_spi(&os);
	find_existing(&nr, &ex, cxt);
	if (ex.exists && strcmp(ex.checksum, nr.checksum) == 0)
	{
		/* identical: a no-op, except that a message may be corrected */
		if ((ex.message == NULL) != (message == NULL) ||
			(message && strcmp(ex.message, message) != 0))
		{
			Datum		values[3];
			char		nulls[3] = {' ', ' ', message ? ' ' : 'n'};

			values[0] = CStringGetTextDatum(project);
			values[1] = CStringGetTextDatum(id);
			values[2] = message ? CStringGetTextDatum(message) : (Datum) 0;
			pgm_run_query(Q_UPDATE_MESSAGE, values, nulls, 0);
			pgm_bump_state(project, PGM_COMPLETE_UNCHANGED);
		}
		pgm_finish_spi(&os);
		return pstrdup(id);
	}
	if (ex.exists && ex.applied)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision \"%s\" of project \"%s\" is applied and cannot be changed",
						id, project),
				 errdetail("The stored checksum is %s; the new content has %s.",
						   ex.checksum, nr.checksum),
				 errhint("Register the change as a new revision, or downgrade below \"%s\" first.",
						 id)));

	/*
	 * Parse the scripts only now: re-registering an identical revision (a
	 * deploy with nothing to do sends every file again) costs a lookup.
	 */
	pgm_parse_script(up, id, "up", false, &nr.upinfo);
	if (down)
		pgm_parse_script(down, id, "down", false, &nr.downinfo);
	validate_graph(&nr, ex.exists, cxt);

	/* lint as the caller: names resolve through the caller's search_path */
	pgm_restore_user(&os);
	pgm_lint_registration(project, id, up, down, parents, deps);
	pgm_become_owner(&os);
	write_revision(&nr, ex.exists, &os);
	pgm_bump_state(project, PGM_COMPLETE_NO);
	pgm_finish_spi(&os);
	return pstrdup(id);
}
