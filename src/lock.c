/*-------------------------------------------------------------------------
 *
 * lock.c
 *	  The per-project migration mutex and the checks that precede it.
 *
 * Locking protocol.  Every command that changes a project (registration,
 * upgrade, downgrade, stamp, merge) first takes the project's mutex and
 * only then reads any version state:
 *
 * 1. The mutex is a heavyweight lock on the database object
 *	  (migrate.projects, lock_key): transaction-scoped, so it can never
 *	  outlive the transaction that took it (commit, rollback, error, crash
 *	  or a killed backend all release it), it is visible in pg_locks with
 *	  the holder's pid, and waits take part in deadlock detection.  Only
 *	  this module takes it, after checking that the caller may change
 *	  migrations; unlike an advisory-lock key it cannot be taken by an
 *	  arbitrary role to stall deploys.
 *
 * 2. Then the project's row in migrate.projects is locked FOR UPDATE.
 *	  Every command that changes state bumps that row's state_version, so
 *	  at REPEATABLE READ or SERIALIZABLE a caller whose snapshot predates
 *	  another caller's change gets a serialization failure (40001) here,
 *	  instead of acting on stale state; at READ COMMITTED the state queries
 *	  that follow take fresh snapshots and see the previous holder's work.
 *
 * Readers (status and friends) take no lock: MVCC shows them the last
 * committed state, never a half-applied one.
 *
 * IDENTIFICATION
 *	  src/lock.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xlog.h"
#include "catalog/namespace.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"

#include "pg_migrate.h"

static Oid
projects_relid(void)
{
	Oid			nsp = get_namespace_oid(PGM_SCHEMA, false);
	Oid			relid = get_relname_relid("projects", nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "table migrate.projects is missing");
	return relid;
}

/*
 * State-changing functions fail cleanly on a standby or in a read-only
 * transaction, before touching anything.
 */
void
pgm_require_writable(const char *what)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot run %s on a server in recovery", what),
				 errdetail("This server is a standby; migrations change state and must run on the primary."),
				 errhint("Read-only functions such as migrate.status() work here.")));
	PreventCommandIfReadOnly(what);
}

/*
 * Registering a revision is as powerful as running it, so both need the
 * same privilege: UPDATE on migrate.projects, which migrate.grant_deploy()
 * gives.  Checked up front for a clear message.
 */
void
pgm_require_deploy_privilege(const char *project)
{
	if (pg_class_aclcheck(projects_relid(), GetUserId(), ACL_UPDATE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to change migrations of project \"%s\"",
						project),
				 errdetail("Role \"%s\" lacks deploy access to schema \"migrate\".",
						   GetUserNameFromId(GetUserId(), false)),
				 errhint("A superuser can grant it with SELECT migrate.grant_deploy('%s');",
						 GetUserNameFromId(GetUserId(), false))));
}

/* Take the project mutex; see the protocol at the top of this file. */
void
pgm_lock_project(const char *project, int project_key)
{
	LockDatabaseObject(projects_relid(), (Oid) project_key, 0, ExclusiveLock);
	pgm_lock_project_row(project);
}
