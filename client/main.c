/*-------------------------------------------------------------------------
 *
 * main.c
 *	  pg_migrate: the command-line client.
 *
 *		pg_migrate [OPTION]... COMMAND [ARG]...
 *
 * File commands (new, merge --dir, import, bundle) work on a directory of
 * migration files; database commands are thin over the SQL API of the
 * extension and use the same target language.  Connection parameters come
 * from libpq: -d CONNINFO (a conninfo string or URI), the PG* environment
 * variables, ~/.pgpass and PGSERVICE.
 *
 * This file parses the options, dispatches, and holds the output helpers
 * the command files share (cmd.h says which file has which command).
 *
 * IDENTIFICATION
 *	  client/main.c
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

#define PGM_CLIENT_VERSION "0.4.0"

typedef struct Command
{
	const char *name;
	CommandFn	fn;
	int			min_args;
	int			max_args;
	const char *synopsis;
} Command;

double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

PGconn *
connect_db(const Opts *o)
{
	return pgm_connect(o->conninfo);
}

void
finish(PGconn *conn)
{
	if (conn)
		PQfinish(conn);
}

/* Run a query whose one row, one column is JSON text, and print it. */
int
print_json_query(PGconn *conn, const char *sql, int nparams,
				 const char *const *params)
{
	PGresult   *res = pgm_query(conn, sql, nparams, params);

	puts(PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "null");
	PQclear(res);
	return PGM_EXIT_OK;
}

/* The JSON rows of a set-returning call, in its order. */
static char *
json_rows_sql(const char *call)
{
	return pgm_printf("SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) "
					  "OPERATOR(pg_catalog.-) 'ordinality'::pg_catalog.text "
					  "ORDER BY t.ordinality), '[]'::pg_catalog.jsonb)::pg_catalog.text "
					  "FROM %s WITH ORDINALITY t", call);
}

int
json_rows(PGconn *conn, const char *call, int nparams, const char *const *params)
{
	char	   *sql = json_rows_sql(call);
	int			rc = print_json_query(conn, sql, nparams, params);

	free(sql);
	return rc;
}

/* The JSON array of a set-returning call of one text column. */
int
json_values(PGconn *conn, const char *call, int nparams, const char *const *params)
{
	char	   *sql = pgm_printf("SELECT coalesce(pg_catalog.jsonb_agg(t.v ORDER BY t.n), "
								 "'[]'::pg_catalog.jsonb)::pg_catalog.text "
								 "FROM %s WITH ORDINALITY t(v, n)", call);
	int			rc = print_json_query(conn, sql, nparams, params);

	free(sql);
	return rc;
}

/* A JSON string (with quotes) for arbitrary text, escaped as PostgreSQL's JSON output escapes it. */
char *
json_str(const char *text)
{
	PQExpBufferData b;
	const unsigned char *p;

	initPQExpBuffer(&b);
	appendPQExpBufferStr(&b, "\"");
	for (p = (const unsigned char *) text; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			appendPQExpBuffer(&b, "\\%c", *p);
		else if (*p == '\n')
			appendPQExpBufferStr(&b, "\\n");
		else if (*p == '\r')
			appendPQExpBufferStr(&b, "\\r");
		else if (*p == '\t')
			appendPQExpBufferStr(&b, "\\t");
		else if (*p == '\b')
			appendPQExpBufferStr(&b, "\\b");
		else if (*p == '\f')
			appendPQExpBufferStr(&b, "\\f");
		else if (*p < 0x20)
			appendPQExpBuffer(&b, "\\u%04x", *p);
		else
			appendBinaryPQExpBuffer(&b, (const char *) p, 1);
	}
	appendPQExpBufferStr(&b, "\"");
	return pgm_buf_data(&b);
}

/*
 * Print label and a value from the database on one line, control
 * characters escaped: ids, role names and messages are anybody's text.
 */
void
print_value(const char *label, const char *value)
{
	char	   *shown = pgm_escaped(value);

	printf("%s%s\n", label, shown);
	free(shown);
}

void
print_lines(const PGresult *res)
{
	int			i;

	for (i = 0; i < PQntuples(res); i++)
		print_value("", PQgetvalue(res, i, 0));
}

/* ----------------------------------------------------------------
 * main
 * ----------------------------------------------------------------
 */

static int	cmd_help(Opts *o);

static const Command commands[] = {
	{"new", cmd_new, 0, 0, "new -m MESSAGE [--dir D] [--parents IDS] [--branch-label L] [--depends-on IDS] [--id ID]"},
	{"diff", cmd_diff, 0, 0, "diff --schema PATH -m MESSAGE [--dir D] [--dry-run] [--dev-db CONNINFO]\n"
	"       [--rename OLD:NEW]... [--allow-destructive] [--online]"},
	{"push", cmd_push, 0, 0, "push [--dir D] [--ignore-changed]"},
	{"upgrade", cmd_upgrade, 0, 1, "upgrade [TARGET] [--dir D [--allow-extra]] [--per-revision] [--trust-registrants]"},
	{"downgrade", cmd_downgrade, 1, 1, "downgrade TARGET [--dir D] [--per-revision] [--trust-registrants]"},
	{"stamp", cmd_stamp, 1, 1, "stamp TARGET [--purge] [--dir D]"},
	{"current", cmd_current, 0, 0, "current"},
	{"heads", cmd_heads, 0, 0, "heads [--resolve-dependencies]"},
	{"branches", cmd_branches, 0, 0, "branches"},
	{"history", cmd_history, 0, 1, "history [RANGE] [-v]"},
	{"status", cmd_status, 0, 0, "status [--check] [--dir D]"},
	{"check", cmd_check, 0, 0, "check [--dir D]"},
	{"verify", cmd_verify, 0, 1, "verify [TARGET] [--dir D] [--scratch CONNINFO [--offline] [--per-revision]] [--trust-registrants]"},
	{"plan", cmd_plan, 0, 1, "plan [TARGET] [--dir D [--offline] [--from REVS]]"},
	{"script", cmd_script, 0, 1, "script [TARGET or RANGE] [--dir D [--offline] [--from REVS]]"},
	{"lint", cmd_lint, 0, 1000000, "lint [FILE...] [--dir D] [--offline] [--json]"},
	{"merge", cmd_merge, 0, 64, "merge [REVISION...] [-m MESSAGE] [--id ID] [--dir D]"},
	{"show", cmd_show, 1, 1, "show REVISION"},
	{"pull", cmd_pull, 0, 0, "pull [--dir D] [--force]"},
	{"prune", cmd_prune, 0, 0, "prune [--dir D]"},
	{"bundle", cmd_bundle, 0, 0, "bundle [--dir D] [-o FILE] [--per-revision]"},
	{"import", cmd_import, 2, 2, "import FORMAT SOURCE --dir D [--downgrade-sql FILE] [--versions DIR]"},
	{"adopt", cmd_adopt, 1, 1, "adopt FORMAT [--dir D] [--table TABLE] [--tool-project NAME]"},
	{"fleet", cmd_fleet, 1, 1000000, "fleet {--targets FILE | --service-group PATTERN | --projects PATTERN} [-j N]\n"
	"       [--canary K] [--stop-on-error] [--json] COMMAND [ARG]...\n"
	"       (COMMAND: upgrade, status --check, check, push, downgrade or verify, run\n"
	"       for every target with -d CONNINFO, or --project NAME, before its ARGs)"},
	{"help", cmd_help, 0, 1, "help"},
	{NULL, NULL, 0, 0, NULL}
};

static void
usage(FILE *f)
{
	int			i;

	fprintf(f,
			"pg_migrate manages schema migrations kept in the database by the pg_migrate extension.\n\n"
			"Usage:\n  pg_migrate [OPTION]... COMMAND [ARG]...\n\nCommands:\n");
	for (i = 0; commands[i].name; i++)
		fprintf(f, "  %s\n", commands[i].synopsis);
	fprintf(f,
			"\nOptions:\n"
			"  -d, --dbname=CONNINFO   database to connect to (conninfo string or URI;\n"
			"                          default: $DATABASE_URL, the PG* environment variables\n"
			"                          filling in what it leaves out)\n"
			"      --project=NAME      migration project (default $PGMIGRATE_PROJECT or \"default\")\n"
			"      --dir=DIR           migrations directory (default $PGMIGRATE_DIR or \"migrations\")\n"
			"      --json              machine-readable output\n"
			"  -v, --verbose           history: dates, authors and whole messages\n"
			"      --offline           plan, script and lint from --dir alone, without a database\n"
			"                          (also when no -d, DATABASE_URL, PGHOST, PGPORT,\n"
			"                          PGDATABASE or PGSERVICE says where one is)\n"
			"      --from=REVS         offline: start from these revisions (comma-separated)\n"
			"                          and what lies below them applied (default: nothing)\n"
			"      --scratch=CONNINFO  verify: a database to push the directory to and run\n"
			"                          the proofs in, instead of -d's (--per-revision commits there)\n"
			"  -m, --message=TEXT      message of a new revision\n"
			"      --schema=PATH       diff: the desired schema, an .sql file or a directory\n"
			"                          of them (run in name order)\n"
			"      --dry-run           diff: print the new file(s) instead of writing them\n"
			"      --dev-db=CONNINFO   diff: an empty database to work in, instead of the two\n"
			"                          scratch databases it otherwise creates (and drops) on\n"
			"                          -d's server (which needs CREATEDB): the desired schema\n"
			"                          and the directory are each run there in a transaction\n"
			"                          that is rolled back, so it stays empty; a database\n"
			"                          with tables, types, functions or pg_migrate is refused,\n"
			"                          and so are revisions that cannot run in a transaction\n"
			"      --rename=OLD:NEW    diff: OLD ([schema.]table.column or [schema.]table) is\n"
			"                          renamed to NEW, keeping its data (repeatable)\n"
			"      --allow-destructive diff: write steps that drop objects or narrow types\n"
			"                          (otherwise they are written commented out)\n"
			"      --online            diff: index builds on existing tables go to a second,\n"
			"                          nontransactional revision, CREATE INDEX CONCURRENTLY\n"
			"      --targets=FILE      fleet: a target a line, CONNINFO or NAME = CONNINFO\n"
			"                          (blank lines and lines starting with # ignored)\n"
			"      --service-group=PATTERN\n"
			"                          fleet: every pg_service.conf service matching the glob\n"
			"      --projects=PATTERN  fleet: every project of -d's database matching the glob\n"
			"  -j, --jobs=N            fleet: targets run at once (1 to 64, default 4)\n"
			"      --canary=K          fleet: run the first K targets first, one at a time,\n"
			"                          and nothing else when one of them fails\n"
			"      --stop-on-error     fleet: start no further target after a failure\n"
			"      --version           show the version and exit\n"
			"      --help              show this help and exit\n"
			"\nFormats for import and adopt: dbmate, golang-migrate, flyway, sqitch, alembic.\n"
			"Exit status: 0 success, 1 not up to date (status --check), not as expected\n"
			"(check) or a failed proof (verify, diff: nothing written), 2 usage error\n"
			"(diff: also files written with steps left to do by hand), 3 connection\n"
			"failure, 4 error reported by the server (offline: the same refusal), 5 file\n"
			"or source error; diff interrupted by a signal: 128 + its number (SIGINT 130).\n"
			"fleet: 0 when every target succeeded, 1 when a target failed or was skipped,\n"
			"2 usage error (also: no target matched), 5 unreadable or bad targets file,\n"
			"130 interrupted (after the report).\n");
}

static int
cmd_help(Opts *o)
{
	(void) o;
	usage(stdout);
	return PGM_EXIT_OK;
}

enum
{
	OPT_PROJECT = 256, OPT_DIR, OPT_JSON, OPT_BRANCH_LABEL, OPT_DEPENDS_ON,
	OPT_PARENTS, OPT_ID, OPT_CHECK, OPT_FORCE, OPT_IGNORE_CHANGED, OPT_PURGE,
	OPT_PER_REVISION, OPT_TRUST_REGISTRANTS, OPT_ALLOW_EXTRA, OPT_RESOLVE, OPT_DOWNGRADE_SQL, OPT_VERSIONS, OPT_TABLE,
	OPT_TOOL_PROJECT, OPT_OFFLINE, OPT_FROM, OPT_SCRATCH, OPT_SCHEMA, OPT_DRY_RUN,
	OPT_DEV_DB, OPT_RENAME, OPT_ALLOW_DESTRUCTIVE, OPT_ONLINE, OPT_VERSION, OPT_HELP,
	OPT_TARGETS, OPT_SERVICE_GROUP, OPT_PROJECTS, OPT_CANARY, OPT_STOP_ON_ERROR
};

/*
 * Does option word a (an argv element starting with "-") take the next
 * argv element as its value?  Follows getopt_long: long options may be
 * abbreviated and take "=VALUE", short ones may be clustered ("-vd X").
 */
static bool
option_takes_next(const char *a, const struct option *opts, const char *shorts)
{
	if (a[1] == '-')
	{
		const char *name = a + 2;
		size_t		len = strcspn(name, "=");
		int			i;
		bool		takes = false;

		if (name[len] == '=')
			return false;
		for (i = 0; opts[i].name; i++)
		{
			if (strncmp(opts[i].name, name, len) != 0)
				continue;
			if (strlen(opts[i].name) == len)
				return opts[i].has_arg == required_argument;
			takes = takes || opts[i].has_arg == required_argument;
		}
		return takes;
	}
	for (a++; *a; a++)
	{
		const char *s = strchr(shorts, *a);

		if (s && s[1] == ':')
			return a[1] == '\0';
	}
	return false;
}

/*
 * The index of the first argument at or after start that is not an option
 * or an option's value (argc when there is none).
 */
static int
first_word(int argc, char **argv, int start, const struct option *opts,
		   const char *shorts)
{
	int			i;

	for (i = start; i < argc; i++)
	{
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			return i + 1 < argc ? i + 1 : argc;
		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (option_takes_next(a, opts, shorts))
			i++;
	}
	return argc;
}

/*
 * Length (about 240 lines): one case per option, then the checks that
 * need several options' values together.
 */
int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"verbose", no_argument, NULL, 'v'},
		{"project", required_argument, NULL, OPT_PROJECT},
		{"dir", required_argument, NULL, OPT_DIR},
		{"json", no_argument, NULL, OPT_JSON},
		{"message", required_argument, NULL, 'm'},
		{"branch-label", required_argument, NULL, OPT_BRANCH_LABEL},
		{"depends-on", required_argument, NULL, OPT_DEPENDS_ON},
		{"parents", required_argument, NULL, OPT_PARENTS},
		{"id", required_argument, NULL, OPT_ID},
		{"check", no_argument, NULL, OPT_CHECK},
		{"force", no_argument, NULL, OPT_FORCE},
		{"ignore-changed", no_argument, NULL, OPT_IGNORE_CHANGED},
		{"purge", no_argument, NULL, OPT_PURGE},
		{"per-revision", no_argument, NULL, OPT_PER_REVISION},
		{"trust-registrants", no_argument, NULL, OPT_TRUST_REGISTRANTS},
		{"allow-extra", no_argument, NULL, OPT_ALLOW_EXTRA},
		{"resolve-dependencies", no_argument, NULL, OPT_RESOLVE},
		{"downgrade-sql", required_argument, NULL, OPT_DOWNGRADE_SQL},
		{"versions", required_argument, NULL, OPT_VERSIONS},
		{"table", required_argument, NULL, OPT_TABLE},
		{"tool-project", required_argument, NULL, OPT_TOOL_PROJECT},
		{"offline", no_argument, NULL, OPT_OFFLINE},
		{"from", required_argument, NULL, OPT_FROM},
		{"scratch", required_argument, NULL, OPT_SCRATCH},
		{"schema", required_argument, NULL, OPT_SCHEMA},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"dev-db", required_argument, NULL, OPT_DEV_DB},
		{"rename", required_argument, NULL, OPT_RENAME},
		{"allow-destructive", no_argument, NULL, OPT_ALLOW_DESTRUCTIVE},
		{"online", no_argument, NULL, OPT_ONLINE},
		{"output", required_argument, NULL, 'o'},
		{"version", no_argument, NULL, OPT_VERSION},
		{"help", no_argument, NULL, OPT_HELP},
		{"targets", required_argument, NULL, OPT_TARGETS},
		{"service-group", required_argument, NULL, OPT_SERVICE_GROUP},
		{"projects", required_argument, NULL, OPT_PROJECTS},
		{"jobs", required_argument, NULL, 'j'},
		{"canary", required_argument, NULL, OPT_CANARY},
		{"stop-on-error", no_argument, NULL, OPT_STOP_ON_ERROR},
		{NULL, 0, NULL, 0}
	};
	static const char shorts[] = "d:m:o:vj:";
	Opts		o;
	int			c;
	const Command *cmd;
	int			opt_argc = argc;
	bool		fleet_opt = false;	/* an option of fleet's own */
	bool		other_opt = false;	/* an option fleet does not take */

	/*
	 * Relative targets such as "-1" are arguments, not options: hide them
	 * from getopt behind a \001 prefix, removed again below.
	 */
	for (c = 1; c < argc; c++)
	{
		const char *a = argv[c];

		if (strcmp(a, "--") == 0)
			break;
		if (a[0] == '-' && a[1] >= '0' && a[1] <= '9')
			argv[c] = pgm_printf("\001%s", a);
	}

	/*
	 * fleet COMMAND [ARG]...: COMMAND's options are its own, passed to it
	 * as they are, so getopt sees only what comes before COMMAND.
	 */
	c = first_word(argc, argv, 1, long_options, shorts);
	if (c < argc && strcmp(argv[c], "fleet") == 0)
	{
		opt_argc = first_word(argc, argv, c + 1, long_options, shorts);
	}

	memset(&o, 0, sizeof(o));
	o.jobs = 4;
	o.project = getenv("PGMIGRATE_PROJECT") ? getenv("PGMIGRATE_PROJECT") : "default";
	o.dir = getenv("PGMIGRATE_DIR") ? getenv("PGMIGRATE_DIR") : "migrations";

	argv[0] = (char *) pgm_progname;	/* getopt's messages name the program */
	while ((c = getopt_long(opt_argc, argv, shorts, long_options, NULL)) != -1)
	{
		if (optarg && optarg[0] == '\001')
			optarg++;
		if (c == OPT_TARGETS || c == OPT_SERVICE_GROUP || c == OPT_PROJECTS ||
			c == 'j' || c == OPT_CANARY || c == OPT_STOP_ON_ERROR)
			fleet_opt = true;
		else if (c != 'd' && c != OPT_PROJECT && c != OPT_JSON &&
				 c != OPT_VERSION && c != OPT_HELP)
			other_opt = true;
		switch (c)
		{
			case OPT_TARGETS:
			case OPT_SERVICE_GROUP:
			case OPT_PROJECTS:
				if (o.fleet_source)
				{
					pgm_error("fleet: give one of --targets, --service-group and --projects");
					return PGM_EXIT_USAGE;
				}
				o.fleet_source = c == OPT_TARGETS ? "targets" :
					c == OPT_SERVICE_GROUP ? "service-group" : "projects";
				o.fleet_arg = optarg;
				break;
			case 'j':
			case OPT_CANARY:
				{
					char	   *end;
					long		v;

					errno = 0;
					v = strtol(optarg, &end, 10);
					if (errno || end == optarg || *end ||
						(c == 'j' ? (v < 1 || v > 64) : (v < 0 || v > 1000000)))
					{
						pgm_error(c == 'j' ? "-j must be a number from 1 to 64, not \"%s\"" :
								  "--canary must be a number of targets, not \"%s\"", optarg);
						return PGM_EXIT_USAGE;
					}
					if (c == 'j')
						o.jobs = (int) v;
					else
						o.canary = (int) v;
				}
				break;
			case OPT_STOP_ON_ERROR:
				o.stop_on_error = true;
				break;
			case 'v':
				o.verbose = true;
				break;
			case 'd':
				o.conninfo = optarg;
				o.conninfo_given = true;
				break;
			case OPT_PROJECT:
				o.project = optarg;
				o.project_given = true;
				break;
			case 'm':
				o.message = optarg;
				break;
			case 'o':
				o.output = optarg;
				break;
			case OPT_DIR:
				o.dir = optarg;
				o.dir_given = true;
				break;
			case OPT_JSON:
				o.json = true;
				break;
			case OPT_BRANCH_LABEL:
				o.branch_label = optarg;
				break;
			case OPT_DEPENDS_ON:
				o.depends_on = optarg;
				break;
			case OPT_PARENTS:
				o.parents = optarg;
				break;
			case OPT_ID:
				o.id = optarg;
				break;
			case OPT_CHECK:
				o.check = true;
				break;
			case OPT_FORCE:
				o.force = true;
				break;
			case OPT_IGNORE_CHANGED:
				o.ignore_changed = true;
				break;
			case OPT_PURGE:
				o.purge = true;
				break;
			case OPT_TRUST_REGISTRANTS:
				o.trust_registrants = true;
				break;
			case OPT_ALLOW_EXTRA:
				o.allow_extra = true;
				break;
			case OPT_PER_REVISION:
				o.per_revision = true;
				break;
			case OPT_RESOLVE:
				o.resolve_deps = true;
				break;
			case OPT_DOWNGRADE_SQL:
				o.downgrade_sql = optarg;
				break;
			case OPT_VERSIONS:
				o.versions = optarg;
				break;
			case OPT_TABLE:
				o.table = optarg;
				break;
			case OPT_TOOL_PROJECT:
				o.tool_project = optarg;
				break;
			case OPT_OFFLINE:
				o.offline = true;
				break;
			case OPT_SCRATCH:
				o.scratch = optarg;
				break;
			case OPT_FROM:
				o.from = optarg;
				break;
			case OPT_SCHEMA:
				o.schema = optarg;
				break;
			case OPT_DRY_RUN:
				o.dry_run = true;
				break;
			case OPT_DEV_DB:
				o.dev_db = optarg;
				break;
			case OPT_RENAME:
				pgm_list_add(&o.renames, optarg);
				break;
			case OPT_ALLOW_DESTRUCTIVE:
				o.allow_destructive = true;
				break;
			case OPT_ONLINE:
				o.online = true;
				break;
			case OPT_VERSION:
				printf("pg_migrate %s\n", PGM_CLIENT_VERSION);
				return PGM_EXIT_OK;
			case OPT_HELP:
				usage(stdout);
				return PGM_EXIT_OK;
			default:
				fprintf(stderr, "Try \"%s --help\" for more information.\n", pgm_progname);
				return PGM_EXIT_USAGE;
		}
	}
	if (optind >= opt_argc && opt_argc == argc)
	{
		pgm_error("no command given");
		fprintf(stderr, "Try \"%s --help\" for more information.\n", pgm_progname);
		return PGM_EXIT_USAGE;
	}
	for (cmd = commands; cmd->name; cmd++)
		if (strcmp(cmd->name, argv[optind]) == 0)
			break;
	if (cmd->name == NULL)
	{
		pgm_error("unknown command \"%s\"", argv[optind]);
		fprintf(stderr, "Try \"%s --help\" for more information.\n", pgm_progname);
		return PGM_EXIT_USAGE;
	}
	o.args = argv + optind + 1;
	o.nargs = argc - optind - 1;
	for (c = 0; c < o.nargs; c++)
		if (o.args[c][0] == '\001')
			o.args[c]++;
	if (o.nargs < cmd->min_args || o.nargs > cmd->max_args)
	{
		pgm_error("wrong number of arguments for \"%s\"", cmd->name);
		fprintf(stderr, "Usage: %s %s\n", pgm_progname, cmd->synopsis);
		return PGM_EXIT_USAGE;
	}
	if (fleet_opt && cmd->fn != cmd_fleet)
	{
		pgm_error("--targets, --service-group, --projects, -j, --canary and --stop-on-error apply to fleet only");
		return PGM_EXIT_USAGE;
	}
	if (other_opt && cmd->fn == cmd_fleet)
	{
		pgm_error("fleet takes -d, --project and --json before COMMAND; COMMAND's own options go after it");
		fprintf(stderr, "Usage: %s %s\n", pgm_progname, cmd->synopsis);
		return PGM_EXIT_USAGE;
	}
	if (o.trust_registrants && cmd->fn != cmd_upgrade && cmd->fn != cmd_downgrade &&
		cmd->fn != cmd_verify)
	{
		pgm_error("--trust-registrants applies to upgrade, downgrade and verify only");
		return PGM_EXIT_USAGE;
	}
	if ((o.offline && cmd->fn != cmd_plan && cmd->fn != cmd_script && cmd->fn != cmd_verify &&
		 cmd->fn != cmd_lint) ||
		(o.from && cmd->fn != cmd_plan && cmd->fn != cmd_script))
	{
		pgm_error(o.offline ? "--offline applies to plan, script, verify and lint only" :
				  "--from applies to plan and script only");
		return PGM_EXIT_USAGE;
	}
	if (o.scratch && cmd->fn != cmd_verify)
	{
		pgm_error("--scratch applies to verify only");
		return PGM_EXIT_USAGE;
	}
	if ((o.schema || o.dry_run || o.dev_db || o.renames.n > 0 || o.allow_destructive ||
		 o.online) && cmd->fn != cmd_diff)
	{
		pgm_error("--schema, --dry-run, --dev-db, --rename, --allow-destructive and --online apply to diff only");
		return PGM_EXIT_USAGE;
	}
	if (o.verbose && cmd->fn != cmd_history)
	{
		pgm_error("--verbose applies to history only");
		return PGM_EXIT_USAGE;
	}
	if ((o.offline || o.from) && o.conninfo && cmd->fn != cmd_verify)
	{
		pgm_error("--offline and --from read the migrations directory, not a database: drop -d");
		return PGM_EXIT_USAGE;
	}
	/*
	 * What every platform sets: the connection string when -d is not
	 * given (the PG* variables fill in what it leaves out, as libpq does
	 * for -d); never for the commands that read the directory alone.
	 */
	if (o.conninfo == NULL && !o.offline && !o.from &&
		getenv("DATABASE_URL") != NULL && getenv("DATABASE_URL")[0] != '\0')
		o.conninfo = getenv("DATABASE_URL");
	if (!pgm_project_option_ok(o.project))
		return PGM_EXIT_USAGE;
	if (o.allow_extra && (cmd->fn != cmd_upgrade || !o.dir_given))
	{
		pgm_error("--allow-extra applies to upgrade --dir only");
		return PGM_EXIT_USAGE;
	}
	return cmd->fn(&o);
}
