/*-------------------------------------------------------------------------
 *
 * cmd.h
 *	  Declarations shared by the client's command files.
 *
 * main.c parses options and dispatches; the commands live in cmd_push.c
 * (push and comparing a directory with the database), cmd_run.c (upgrade,
 * downgrade, stamp and their progress), cmd_read.c (the read commands and
 * status), cmd_check.c (check and verify), cmd_files.c (new, merge, prune,
 * pull, bundle, import, adopt) and cmd_diff.c (diff: a new revision from a
 * desired schema) and cmd_fleet.c (fleet: a command on many databases).  main.c also holds the output helpers they share.
 *
 * IDENTIFICATION
 *	  client/cmd.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_CMD_H
#define PGM_CMD_H

#include "pgm.h"

/*
 * Every query names its operators (OPERATOR(pg_catalog.=)), functions and
 * types with their schema: the session's search_path stays the user's
 * (migration scripts use it), and an unqualified "=" on text[] would pick
 * a public.=(text[], text[]) that anybody allowed to create objects there
 * could plant, run with the rights of whoever pushes (CVE-2018-1058).  For
 * the same reason IS [NOT] DISTINCT FROM, which looks "=" up by name, is
 * written out (SAME); in a CASE WHEN, its NULL for one NULL side counts
 * as false.  The zipping unnest(a, b, ...) exists only unqualified, so it
 * is spelled ROWS FROM (pg_catalog.unnest(a), pg_catalog.unnest(b), ...).
 */
#define EQ " OPERATOR(pg_catalog.=) "
#define SAME(a, b) "(" a EQ b " OR (" a " IS NULL AND " b " IS NULL))"

typedef struct Opts
{
	const char *conninfo;
	const char *project;
	const char *dir;
	bool		dir_given;
	const char *message;
	const char *branch_label;
	const char *depends_on;
	const char *parents;
	const char *id;
	const char *output;
	const char *downgrade_sql;
	const char *versions;
	const char *table;
	const char *tool_project;
	bool		json;
	bool		verbose;		/* history -v */
	bool		check;
	bool		force;
	bool		ignore_changed;
	bool		purge;
	bool		per_revision;
	bool		trust_registrants;	/* --trust-registrants */
	bool		allow_extra;	/* --allow-extra */
	bool		resolve_deps;
	bool		offline;		/* --offline */
	const char *from;			/* --from REV[,REV]: the offline state */
	const char *scratch;		/* --scratch CONNINFO: verify's database */
	const char *schema;			/* diff --schema PATH: the desired schema */
	const char *dev_db;			/* diff --dev-db CONNINFO */
	PgmList		renames;		/* diff --rename OLD:NEW, in order */
	bool		dry_run;		/* diff --dry-run */
	bool		allow_destructive;	/* diff --allow-destructive */
	bool		online;			/* diff --online */
	bool		conninfo_given; /* -d */
	bool		project_given;	/* --project */
	const char *fleet_source;	/* fleet: "targets", "service-group", "projects" */
	const char *fleet_arg;		/* fleet: its FILE or PATTERN */
	int			jobs;			/* fleet -j */
	int			canary;			/* fleet --canary */
	bool		stop_on_error;	/* fleet --stop-on-error */
	int			nargs;
	char	  **args;
} Opts;

typedef int (*CommandFn) (Opts *o);

typedef struct PushStats
{
	int			new_count;
	int			changed;
	int			message;
	int			unchanged;
	int			skipped;
} PushStats;

/* helpers (main.c, cmd_push.c) */
extern char *array_of(const PgmMigrationSet *set, int field);
extern char *revision_checksum(const PgmMigration *m);
extern PGconn *connect_db(const Opts *o);
extern void finish(PGconn *conn);
extern int json_rows(PGconn *conn, const char *call, int nparams, const char *const *params);
extern char *json_str(const char *text);
extern int json_values(PGconn *conn, const char *call, int nparams, const char *const *params);
extern int load_ordered(const Opts *o, PgmMigrationSet *set);
extern double now_ms(void);
extern int print_json_query(PGconn *conn, const char *sql, int nparams, const char *const *params);
extern void print_lines(const PGresult *res);
extern void print_value(const char *label, const char *value);
extern int push_set(PGconn *conn, const Opts *o, const PgmMigrationSet *set, bool in_transaction, PushStats *stats, bool report);
extern PGresult *query_with_arrays(PGconn *conn, const char *sql, const char *project, const PgmMigrationSet *set, const int *fields, int nfields);

/* offline.c */
extern bool pgm_server_named(const Opts *o);
extern bool pgm_use_offline(const Opts *o);
extern bool pgm_core_call(void (*fn) (void *), void *arg);
extern char *pgm_core_last_error;
extern void pgm_notice_receiver(void *arg, const PGresult *res);
extern bool pgm_project_option_ok(const char *project);
extern int pgm_offline_plan(Opts *o);
extern int pgm_offline_script(Opts *o);

/* cmd_files.c: new revisions' files */
extern char *random_id(void);
extern int	scaffold_name(const Opts *o, const PgmMigrationSet *set, PgmMigration *m,
						  const char *what);
extern void print_created(const Opts *o, const PgmMigration *m);

/* cmd_check.c: snapshots and their differences */
extern char *snapshot_of(PGconn *conn, const Opts *o);
extern void print_schema_rows(FILE *f, const PGresult *rows);

/* cmd_read.c: how the directory and the database differ */
extern PGresult *dir_drift(PGconn *conn, const Opts *o, const PgmMigrationSet *set);

/* the commands */
extern int cmd_adopt(Opts *o);
extern int cmd_check(Opts *o);
extern int cmd_verify(Opts *o);
extern int cmd_branches(Opts *o);
extern int cmd_bundle(Opts *o);
extern int cmd_current(Opts *o);
extern int cmd_diff(Opts *o);
extern int cmd_fleet(Opts *o);
extern int cmd_downgrade(Opts *o);
extern int cmd_heads(Opts *o);
extern int cmd_history(Opts *o);
extern int cmd_import(Opts *o);
extern int cmd_merge(Opts *o);
extern int cmd_new(Opts *o);
extern int cmd_plan(Opts *o);
extern int cmd_lint(Opts *o);
extern int cmd_prune(Opts *o);
extern int cmd_pull(Opts *o);
extern int cmd_push(Opts *o);
extern int cmd_script(Opts *o);
extern int cmd_show(Opts *o);
extern int cmd_stamp(Opts *o);
extern int cmd_status(Opts *o);
extern int cmd_upgrade(Opts *o);

#endif							/* PGM_CMD_H */
