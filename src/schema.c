/*-------------------------------------------------------------------------
 *
 * schema.c
 *	  The SQL functions of schema truth: schema_snapshot, drift,
 *	  accept_schema and set_scope.
 *
 * Every command that changes a project's version state records the
 * snapshot of the project's schema afterwards (snapshot.c); drift() lists
 * how the live schema differs from the last one recorded.  When a
 * difference is intended (a hand-made hotfix that a migration now
 * describes), accept_schema() records the live schema as the expected one,
 * with an event in the audit trail.  set_scope() chooses the schemas a
 * project's snapshots cover.
 *
 * IDENTIFICATION
 *	  src/schema.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"

#include "access.h"
#include "args.h"
#include "audit.h"
#include "lock.h"
#include "snapshot.h"

/* the lock key of a project that must exist */
static int
existing_project_key(const char *project)
{
	int			key = pgm_project_key(project, false);

	if (key == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("project \"%s\" does not exist", project),
				 errhint("A project is created by registering its first revision with migrate.revision(), or by granting access to it.")));
	return key;
}

PG_FUNCTION_INFO_V1(pg_migrate_schema_snapshot);

/*
 * migrate.schema_snapshot(project): the snapshot of the live schema in the
 * project's scope.  The default project may be asked before it exists (a
 * database with a schema but no migrations yet, such as the one pg_migrate
 * diff builds from schema files): its scope is the default one.
 */
Datum
pg_migrate_schema_snapshot(PG_FUNCTION_ARGS)
{
	char	   *project = pgm_project_arg(fcinfo, 0);
	Jsonb	   *snapshot;
	char	   *fingerprint;

	pgm_require_access(project, PGM_ACCESS_MONITOR);
	if (strcmp(project, "default") != 0)
		(void) existing_project_key(project);
	pgm_take_snapshot(project, &snapshot, &fingerprint);
	PG_RETURN_JSONB_P(snapshot);
}

PG_FUNCTION_INFO_V1(pg_migrate_drift);

/*
 * migrate.drift(project): one row per object that differs between the
 * snapshot recorded after the last command and the live schema.
 */
Datum
pg_migrate_drift(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *project = pgm_project_arg(fcinfo, 0);
	Jsonb	   *expected;
	Jsonb	   *actual;
	char	   *fingerprint;

	pgm_require_access(project, PGM_ACCESS_MONITOR);
	(void) existing_project_key(project);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if (!pgm_stored_snapshot(project, &expected, &fingerprint))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("no schema snapshot is recorded for project \"%s\"", project),
				 errdetail("A snapshot is recorded by every upgrade, downgrade, stamp and apply() that changes the project."),
				 errhint("To take the live schema as the expected one, run SELECT migrate.accept_schema(%s).",
						 quote_literal_cstr(project))));
	pgm_take_snapshot(project, &actual, &fingerprint);
	pgm_put_differences(rsinfo, expected, actual);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pg_migrate_schema_diff);

/*
 * migrate.schema_diff(expected, actual): the differences between two
 * snapshots, as drift() lists them; for comparing databases (a staging
 * snapshot with production's) and for the client's proofs.
 */
Datum
pg_migrate_schema_diff(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Jsonb	   *expected;
	Jsonb	   *actual;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("schema snapshots to compare must not be null")));
	expected = PG_GETARG_JSONB_P(0);
	actual = PG_GETARG_JSONB_P(1);
	if (!JB_ROOT_IS_OBJECT(expected) || JB_ROOT_IS_SCALAR(expected) ||
		!JB_ROOT_IS_OBJECT(actual) || JB_ROOT_IS_SCALAR(actual))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a schema snapshot must be a jsonb object"),
				 errhint("Compare what migrate.schema_snapshot() returns.")));
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	pgm_put_differences(rsinfo, expected, actual);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(pg_migrate_accept_schema);

/*
 * migrate.accept_schema(project): record the live schema as the one the
 * migrations are expected to have produced, under the project's mutex,
 * with an event.  Returns the new fingerprint.
 */
Datum
pg_migrate_accept_schema(PG_FUNCTION_ARGS)
{
	char	   *project = pgm_project_arg(fcinfo, 0);
	TimestampTz started = GetCurrentTimestamp();
	char	   *fingerprint;
	int			key;

	pgm_require_writable("migrate.accept_schema()");
	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	key = existing_project_key(project);
	pgm_lock_project(project, key, "accept_schema");
	pgm_record_event(project, "", PGM_ACCEPT_SCHEMA, started,
					 GetCurrentTimestamp(), NULL);
	fingerprint = pgm_accept_schema(project, started);
	pgm_report_done();
	PG_RETURN_TEXT_P(cstring_to_text(fingerprint));
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * The schemas of a scope, checked, sorted and without duplicates.  NULL
 * (the default scope) stays NULL.
 */
static ArrayType *
checked_scope(ArrayType *array)
{
	char	  **names;
	List	   *kept = NIL;
	int			n;
	int			i;

	if (array == NULL)
		return NULL;
	names = pgm_text_array_arg(array, "schemas", &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a project's scope must name at least one schema"),
				 errhint("Pass NULL to go back to the default scope, every schema but the system's.")));
	qsort(names, n, sizeof(char *), name_cmp);
	for (i = 0; i < n; i++)
	{
		const char *name = names[i];

		if (strncmp(name, "pg_", 3) == 0 ||
			strcmp(name, "information_schema") == 0 ||
			strcmp(name, PGM_SCHEMA) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("schema %s cannot be in a project's scope",
							pgm_display(name)),
					 errdetail("System schemas and pg_migrate's own schema are never part of a schema snapshot.")));
		if (!OidIsValid(get_namespace_oid(name, true)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_SCHEMA_NAME),
					 errmsg("schema %s does not exist", pgm_display(name)),
					 errhint("Create the schema first, or leave it out of the scope.")));
		if (i == 0 || strcmp(name, names[i - 1]) != 0)
			kept = lappend(kept, (char *) name);
	}
	return pgm_build_text_array(kept);
}

PG_FUNCTION_INFO_V1(pg_migrate_set_search_path);

/*
 * migrate.set_search_path(project, search_path): the search_path the
 * project's scripts run with (NULL: the caller's, as before), so that one
 * directory of migrations with unqualified names deploys to one schema per
 * tenant, each tenant a project.  Stored as PostgreSQL prints a
 * search_path (names quoted where they must be); recorded as an event.
 */
Datum
pg_migrate_set_search_path(PG_FUNCTION_ARGS)
{
	char	   *project = pgm_project_arg(fcinfo, 0);
	TimestampTz started = GetCurrentTimestamp();
	char	   *path = NULL;
	int			key;

	pgm_require_writable("migrate.set_search_path()");
	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	if (!PG_ARGISNULL(1))
	{
		char	   *given = text_to_cstring(PG_GETARG_TEXT_PP(1));
		List	   *names;
		ListCell   *lc;
		StringInfoData buf;

		if (!SplitIdentifierString(pstrdup(given), ',', &names) || names == NIL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid search_path for project \"%s\": %s", project, given),
					 errhint("Give schema names separated by commas, as SET search_path takes them, e.g. 'tenant_a, public'.")));
		initStringInfo(&buf);
		foreach(lc, names)
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "",
							 quote_identifier((char *) lfirst(lc)));
		path = buf.data;
	}
	if (!pgm_have_column("projects", "search_path"))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the pg_migrate tables have no place for a project's search_path"),
				 errhint("Run ALTER EXTENSION pg_migrate UPDATE.")));
	key = existing_project_key(project);
	pgm_lock_project(project, key, "set_search_path");
	pgm_store_search_path(project, path);
	pgm_record_event(project, "", PGM_SET_SEARCH_PATH, started,
					 GetCurrentTimestamp(), NULL);
	pgm_report_done();
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(pg_migrate_set_scope);

/*
 * migrate.set_scope(project, schemas): the schemas the project's snapshots
 * cover (NULL: every schema but the system's), under the project's mutex.
 * The snapshot of the new scope is recorded at once, so that drift()
 * compares like with like; check drift() before changing the scope.
 */
Datum
pg_migrate_set_scope(PG_FUNCTION_ARGS)
{
	char	   *project = pgm_project_arg(fcinfo, 0);
	ArrayType  *schemas = PG_ARGISNULL(1) ? NULL : PG_GETARG_ARRAYTYPE_P(1);
	TimestampTz started = GetCurrentTimestamp();
	ArrayType  *scope;
	int			key;

	pgm_require_writable("migrate.set_scope()");
	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	scope = checked_scope(schemas);
	key = existing_project_key(project);
	pgm_lock_project(project, key, "set_scope");
	pgm_store_scope(project, scope);
	pgm_record_event(project, "", PGM_SET_SCOPE, started,
					 GetCurrentTimestamp(), NULL);
	(void) pgm_accept_schema(project, started);
	pgm_report_done();
	PG_RETURN_VOID();
}
