/*-------------------------------------------------------------------------
 *
 * access.c
 *	  Who may do what: per-project access, the owner's rights for catalog
 *	  work, the registrant rule, and the guard against dropping history.
 *
 * The security model.  pg_migrate runs stored SQL with someone's rights,
 * so the tables that hold that SQL, the version state and the audit trail
 * are written only by the extension's owner (the owner of its tables).
 * Every SQL function is SECURITY INVOKER, so a revision's statements run
 * with the caller's rights; the function's own reads and writes of the
 * migrate tables run with the owner's rights and search_path pinned to
 * "pg_catalog, pg_temp" (pgm_become_owner), after the caller's access to
 * the project has been checked (pgm_require_access).  No other role holds
 * INSERT, UPDATE or DELETE on the tables, so nothing can be changed
 * behind pg_migrate's back short of the owner doing it by hand, which the
 * checks at load time and the checksum before each run catch.
 *
 * Access is per project (migrate.grants): deploy (register, run, read
 * scripts) or monitor (state and history, never scripts), for one project
 * or, with project NULL, for every project.  A grant covers the role and
 * its members.  Superusers and the extension's owner need no grant.
 *
 * A revision never runs with more rights than its author had: running a
 * script registered by a role that is neither the runner nor a member of
 * the runner's role is refused unless the caller opts in for that call
 * (trust_registrants), and the opt-in is recorded in migrate.events.
 * Otherwise a deploy role could register ALTER ROLE ... SUPERUSER and wait
 * for a superuser to run upgrade('heads').
 *
 * IDENTIFICATION
 *	  src/access.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "access.h"
#include "args.h"

/* GUC: pg_migrate.allow_drop_with_history */
bool		pgm_allow_drop_with_history = false;

/* migrate.grants exists (0.4.0 and later) */
static bool
have_grants(void)
{
	return OidIsValid(get_relname_relid("grants",
										get_namespace_oid(PGM_SCHEMA, false)));
}

/*
 * Whether the current user has this access to the project.  Superusers
 * and the extension's owner always have.  Before ALTER EXTENSION ...
 * UPDATE to 0.4.0, table privileges decide, as they did.
 */
bool
pgm_has_access(const char *project, PgmAccess access)
{
	Oid			user = GetUserId();
	Oid			relid;
	Oid		   *roles;
	bool	   *deploy;
	bool		result = false;
	int			n;
	int			i;

	if (superuser_arg(user) || has_privs_of_role(user, pgm_owner_id()))
		return true;
	if (!have_grants())
	{
		relid = get_relname_relid("projects", get_namespace_oid(PGM_SCHEMA, false));
		return pg_class_aclcheck(relid, user,
								 access == PGM_ACCESS_DEPLOY ? ACL_UPDATE : ACL_SELECT) == ACLCHECK_OK;
	}

	n = pgm_project_grants(project, &roles, &deploy);
	for (i = 0; i < n && !result; i++)
		if (OidIsValid(roles[i]) && (access == PGM_ACCESS_MONITOR || deploy[i]) &&
			has_privs_of_role(user, roles[i]))
			result = true;
	return result;
}

/* Refuse, with a hint naming the grant function, unless pgm_has_access. */
void
pgm_require_access(const char *project, PgmAccess access)
{
	const char *role;

	if (pgm_has_access(project, access))
		return;
	role = GetUserNameFromId(GetUserId(), false);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 access == PGM_ACCESS_DEPLOY ?
			 errmsg("permission denied to change migrations of project \"%s\"", project) :
			 errmsg("permission denied to read migrations of project \"%s\"", project),
			 errdetail("Role %s has no %s access to project \"%s\".", pgm_display(role),
					   access == PGM_ACCESS_DEPLOY ? "deploy" : "monitor", project),
			 errhint("A superuser can grant it with SELECT migrate.%s(%s, %s).",
					 access == PGM_ACCESS_DEPLOY ? "grant_deploy" : "grant_monitor",
					 quote_literal_cstr(quote_identifier(role)),
					 quote_literal_cstr(project))));
}

PG_FUNCTION_INFO_V1(pg_migrate_has_access);

/*
 * migrate.has_access(project, access): for the row-level security
 * policies.  An invalid project name or access level reads as false.
 */
Datum
pg_migrate_has_access(PG_FUNCTION_ARGS)
{
	char	   *project = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *access = text_to_cstring(PG_GETARG_TEXT_PP(1));
	PgmAccess	level;

	if (strcmp(access, "deploy") == 0)
		level = PGM_ACCESS_DEPLOY;
	else if (strcmp(access, "monitor") == 0)
		level = PGM_ACCESS_MONITOR;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid access level %s", pgm_display(access)),
				 errhint("The levels are \"deploy\" and \"monitor\".")));
	if (!pgm_project_name_ok(project))
		PG_RETURN_BOOL(false);

	/*
	 * A policy calls this once per row: remember the last answer for the
	 * rest of the query (rows come mostly grouped by project).
	 */
	{
		typedef struct LastAnswer
		{
			char		project[PGM_MAX_PROJECT_LEN + 1];
			PgmAccess	level;
			Oid			user;
			bool		result;
		} LastAnswer;
		LastAnswer *last = (LastAnswer *) fcinfo->flinfo->fn_extra;

		if (last == NULL)
		{
			last = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LastAnswer));
			fcinfo->flinfo->fn_extra = last;
		}
		else if (last->level == level && last->user == GetUserId() &&
				 strcmp(last->project, project) == 0)
			PG_RETURN_BOOL(last->result);
		last->result = pgm_has_access(project, level);
		last->level = level;
		last->user = GetUserId();
		strlcpy(last->project, project, sizeof(last->project));
		PG_RETURN_BOOL(last->result);
	}
}

/*
 * May the current user run a script that registered_by registered?  Yes
 * when it is the same role, or a role that has the current user's
 * privileges anyway (a member of it): running its script then gives it
 * nothing it did not have.  Scripts cannot change identity while they run
 * (pgm_run_script), so the current user is what they run as.  A name that
 * is no role (the role was dropped, or the revision predates 0.4.0, whose
 * tables deploy roles could write) covers nothing.  Otherwise only with
 * trust, which the caller records: *trusted is set to the registrant's
 * name in that case.
 */
void
pgm_check_registrant(const char *project, const char *revision,
					 const char *registered_by, bool trust, char **trusted)
{
	Oid			user = GetUserId();
	Oid			registrant = registered_by[0] ? get_role_oid(registered_by, true) : InvalidOid;

	*trusted = NULL;
	if (OidIsValid(registrant) &&
		(registrant == user || has_privs_of_role(registrant, user)))
		return;
	if (trust)
	{
		*trusted = pstrdup(registered_by[0] ? registered_by : "(unverified)");
		return;
	}
	if (registered_by[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("revision \"%s\" of project \"%s\" has no verified registrant",
						revision, project),
				 errdetail("It was registered before pg_migrate 0.4.0, when deploy roles could write its registrant."),
				 errhint("Review it with migrate.show(), then pass trust_registrants => true (pg_migrate --trust-registrants) to run it; the opt-in is recorded.")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("revision \"%s\" of project \"%s\" was registered by role %s, which is neither role %s nor a member of it",
					revision, project, pgm_display(registered_by),
					pgm_display(GetUserNameFromId(user, false))),
			 errdetail("Running it would run another role's SQL with the rights of role %s.",
					   pgm_display(GetUserNameFromId(user, false))),
			 errhint("Review it with migrate.show(), then pass trust_registrants => true (pg_migrate --trust-registrants) to run it; the opt-in is recorded.")));
}

/* does the event trigger's statement drop pg_migrate or its schema? */
static bool
drops_history(Node *parsetree)
{
	DropStmt   *stmt;
	ListCell   *lc;

	if (parsetree == NULL || !IsA(parsetree, DropStmt))
		return false;
	stmt = (DropStmt *) parsetree;
	if (stmt->removeType != OBJECT_EXTENSION && stmt->removeType != OBJECT_SCHEMA)
		return false;
	foreach(lc, stmt->objects)
	{
		Node	   *obj = lfirst(lc);

		if (IsA(obj, String) &&
			strcmp(strVal(obj), stmt->removeType == OBJECT_EXTENSION ?
				   "pg_migrate" : PGM_SCHEMA) == 0)
			return true;
	}
	return false;
}

PG_FUNCTION_INFO_V1(pg_migrate_guard_drop);

/*
 * The event trigger migrate.guard_drop(), on DROP EXTENSION and DROP
 * SCHEMA: refuses to drop pg_migrate while it holds history, unless
 * pg_migrate.allow_drop_with_history is on.
 */
Datum
pg_migrate_guard_drop(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	PgmOwnerScope scope;
	bool		isnull;
	int64		revisions = 0;
	int64		events = 0;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("migrate.guard_drop() must be called as an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;
	if (pgm_allow_drop_with_history || !drops_history(trigdata->parsetree))
		PG_RETURN_VOID();
	/* who may not drop it is refused by the DROP itself, and learns nothing */
	if (!superuser() && !has_privs_of_role(GetUserId(), pgm_owner_id()))
		PG_RETURN_VOID();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	pgm_become_owner(&scope);
	if (SPI_execute("SELECT (SELECT pg_catalog.count(*) FROM migrate.revisions), "
					"(SELECT pg_catalog.count(*) FROM migrate.events)",
					true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not count the history of pg_migrate");
	revisions = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc, 1, &isnull));
	events = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 2, &isnull));
	pgm_restore_user(&scope);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");

	if (revisions > 0 || events > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop pg_migrate while it holds migration history"),
				 errdetail("Schema \"migrate\" holds the migration history of this database (revisions: " INT64_FORMAT ", audit events: " INT64_FORMAT "). Dropping it deletes that history, and a new install would run every revision again.",
						   revisions, events),
				 errhint("Keep a copy first (pg_dump -t 'migrate.*'), then SET pg_migrate.allow_drop_with_history = on in this session and drop again.")));
	PG_RETURN_VOID();
}
