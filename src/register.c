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

	checksum = pgm_stored_checksum(up, down, parent_ids, nparents, label_names,
								 nlabels, dep_names, ndeps);

	key = pgm_project_key(project, true);
	pgm_lock_project(project, key, "revision");

	pgm_connect_spi(&os);
	values[0] = CStringGetTextDatum(project);
	values[1] = CStringGetTextDatum(id);
	exists = pgm_find_revision_direct(project, id, &old_checksum, &old_message,
								  &direct);
	if (direct)
	{
		if (exists)
		{
			pgm_run_query(Q_IS_APPLIED, values, NULL, 1);
			applied = SPI_processed == 1;
		}
	}
	else if (pgm_run_query(Q_FIND_REVISION, values, NULL, 1) > 0 &&
			 SPI_processed == 1)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		bool		isnull;

		exists = true;
		old_checksum = pgm_copy_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		if (old_checksum == NULL)
			pgm_report_corrupt(project, "Revision %s has no checksum.", pgm_display(id));
		old_message = pgm_copy_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
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
			pgm_run_query(Q_UPDATE_MESSAGE, values, nulls, 0);
			pgm_bump_state(project, PGM_COMPLETE_UNCHANGED);
		}
		pgm_finish_spi(&os);
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
		defs = pgm_load_defs(project, &ndefs, cxt, cxt);
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
	pgm_run_query(exists ? Q_FIND_SEQ : Q_NEXT_SEQ, values, NULL, 1);
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
	values[14] = pgm_caller_name(&os);
	pgm_run_query(exists ? Q_UPDATE_REVISION : Q_INSERT_REVISION, values, nulls, 0);
	pgm_bump_state(project, PGM_COMPLETE_NO);
	pgm_finish_spi(&os);
	return pstrdup(id);
}
