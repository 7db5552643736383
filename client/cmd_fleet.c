/*-------------------------------------------------------------------------
 *
 * cmd_fleet.c
 *	  fleet: one of the client's commands run against many databases.
 *
 *		pg_migrate fleet {--targets FILE | --service-group PATTERN |
 *						  --projects PATTERN} [-j N] [--canary K]
 *						 [--stop-on-error] [--json] COMMAND [ARG]...
 *
 * Every target is a child process of the client itself (/proc/self/exe)
 * running COMMAND with -d CONNINFO (or --project NAME) before its own
 * ARGs, its output captured in unlinked temporary files: targets are
 * independent, and one failing, crashing or hanging on a lock never
 * touches another.  The fleet only schedules (-j at once, canaries first,
 * nothing new after a failure with --stop-on-error), shows progress on
 * stderr and reports at the end: a table (or JSON) of every target, its
 * result, the revision(s) it is at and the error, then the whole stderr
 * of each failed target.
 *
 * Children share the fleet's process group, so a Ctrl-C in the terminal
 * reaches them as well; the fleet then starts nothing new, waits for the
 * running ones and reports (exit status 130).  A SIGTERM, which reaches
 * the fleet alone, is passed on to the running children.
 *
 * IDENTIFICATION
 *	  client/cmd_fleet.c
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

typedef enum
{
	T_PENDING, T_RUNNING, T_OK, T_FAILED, T_SKIPPED
} TargetState;

typedef struct Target
{
	char	   *name;
	char	   *conninfo;		/* NULL: libpq's defaults (--projects without -d) */
	char	   *project;		/* --projects: the project; else NULL */
	TargetState state;
	pid_t		pid;
	int			out_fd;
	int			err_fd;
	double		start;
	double		end;
	int			exit_status;	/* -1: did not run, or no status */
	char	   *stderr_text;
	char	   *error;			/* the last "pg_migrate: error:" line, or why */
	char	   *current;		/* NULL: unknown */
} Target;

typedef struct Fleet
{
	Target	   *t;
	int			n;
	int			cap;
	int			running;
	int			finished;
	int			failed;
	bool		stop;			/* start nothing new */
	bool		tty;			/* progress rewritten in place */
	char	  **cmd_args;
	int			ncmd_args;
	const Opts *o;
} Fleet;

static const char *const fleet_commands[] = {
	"upgrade", "status", "check", "push", "downgrade", "verify", NULL
};

static volatile sig_atomic_t got_signal = 0;

static void
on_signal(int sig)
{
	got_signal = sig;
}

static Target *
add_target(Fleet *f, const char *name, const char *conninfo, const char *project)
{
	Target	   *t;

	if (f->n == f->cap)
	{
		f->cap = f->cap ? f->cap * 2 : 16;
		f->t = pgm_realloc(f->t, f->cap * sizeof(Target));
	}
	t = &f->t[f->n++];
	memset(t, 0, sizeof(*t));
	t->name = pgm_strdup(name);
	t->conninfo = conninfo ? pgm_strdup(conninfo) : NULL;
	t->project = project ? pgm_strdup(project) : NULL;
	t->state = T_PENDING;
	t->out_fd = t->err_fd = -1;
	t->exit_status = -1;
	return t;
}

/* ----------------------------------------------------------------
 * Targets
 * ----------------------------------------------------------------
 */

/* Does conninfo parse (as libpq would)?  *why gets libpq's message if not. */
static PQconninfoOption *
parse_conninfo(const char *conninfo, char **why)
{
	char	   *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &err);

	if (opts == NULL && why)
	{
		size_t		len;

		*why = pgm_strdup(err ? err : "out of memory");
		len = strlen(*why);
		while (len > 0 && ((*why)[len - 1] == '\n' || (*why)[len - 1] == ' '))
			(*why)[--len] = '\0';
	}
	if (err)
		PQfreemem(err);
	return opts;
}

static const char *
conninfo_value(const PQconninfoOption *opts, const char *keyword)
{
	for (; opts->keyword; opts++)
		if (strcmp(opts->keyword, keyword) == 0 && opts->val && opts->val[0])
			return opts->val;
	return NULL;
}

/*
 * --targets FILE: a line is "NAME = CONNINFO" (NAME of letters, digits,
 * "_", "-" and "."), or a connection string or URI alone, named after the
 * database it names (or its service).  Blank lines and lines starting
 * with "#" are ignored.  Any other line is an error naming it.
 */
static int
read_targets_file(Fleet *f, const char *path)
{
	size_t		len;
	char	   *text = pgm_read_file(path, &len);
	char	   *line;
	char	   *next;
	int			lineno = 0;

	if (text == NULL)
	{
		pgm_error("could not read targets file \"%s\": %s", path,
				  errno == EILSEQ ? "it contains a NUL byte" : strerror(errno));
		return PGM_EXIT_FILES;
	}
	for (line = text; line; line = next)
	{
		char	   *end;
		char	   *p;
		char	   *why = NULL;
		PQconninfoOption *opts;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || *line == '#')
			continue;

		/* NAME = CONNINFO */
		p = line;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.')
			p++;
		if (p > line)
		{
			char	   *q = p;

			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '=')
			{
				q++;
				while (*q == ' ' || *q == '\t')
					q++;
				if (*q && (opts = parse_conninfo(q, NULL)) != NULL)
				{
					char	   *name = pgm_strndup(line, p - line);

					PQconninfoFree(opts);
					add_target(f, name, q, NULL);
					free(name);
					continue;
				}
			}
		}

		/* a connection string or URI alone */
		if ((opts = parse_conninfo(line, &why)) != NULL)
		{
			const char *name = conninfo_value(opts, "dbname");
			char	   *fallback = NULL;

			if (name == NULL)
				name = conninfo_value(opts, "service");
			if (name == NULL)
				name = fallback = pgm_printf("line %d", lineno);
			add_target(f, name, line, NULL);
			PQconninfoFree(opts);
			free(fallback);
			continue;
		}
		pgm_error("%s:%d: not a connection string, URI or \"NAME = CONNINFO\": %s",
				  path, lineno, why);
		free(why);
		free(text);
		return PGM_EXIT_FILES;
	}
	free(text);
	return PGM_EXIT_OK;
}

/* The [NAME] sections of a pg_service.conf file, added to names once each. */
static void
read_service_file(const char *path, PgmList *names)
{
	char	   *text = pgm_read_file(path, NULL);
	char	   *line;
	char	   *next;

	if (text == NULL)
		return;
	for (line = text; line; line = next)
	{
		char	   *end;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (line[0] == '[' && end - line > 2 && end[-1] == ']')
		{
			char	   *name = pgm_strndup(line + 1, end - line - 2);

			if (!pgm_list_contains(names, name))
				pgm_list_add(names, name);
			free(name);
		}
	}
	free(text);
}

/*
 * --service-group PATTERN: the services of the files libpq reads, the
 * user's first, then the system's.
 */
static void
read_services(Fleet *f, const char *pattern)
{
	PgmList		names = {0};
	const char *env;
	char	   *path;
	int			i;

	if ((env = getenv("PGSERVICEFILE")) != NULL && env[0])
		read_service_file(env, &names);
	else if ((env = getenv("HOME")) != NULL && env[0])
	{
		path = pgm_path_join(env, ".pg_service.conf");
		read_service_file(path, &names);
		free(path);
	}
	env = getenv("PGSYSCONFDIR");
	path = pgm_path_join(env && env[0] ? env : "/etc/postgresql-common", "pg_service.conf");
	read_service_file(path, &names);
	free(path);

	for (i = 0; i < names.n; i++)
		if (fnmatch(pattern, names.items[i], 0) == 0)
		{
			char	   *conninfo = pgm_printf("service='%s'", names.items[i]);
			char	   *q;

			/* a quote or backslash in a name is escaped for the conninfo */
			if (strpbrk(names.items[i], "'\\"))
			{
				PQExpBufferData b;

				initPQExpBuffer(&b);
				appendPQExpBufferStr(&b, "service='");
				for (q = names.items[i]; *q; q++)
				{
					if (*q == '\'' || *q == '\\')
						appendPQExpBufferChar(&b, '\\');
					appendPQExpBufferChar(&b, *q);
				}
				appendPQExpBufferStr(&b, "'");
				free(conninfo);
				conninfo = pgm_buf_data(&b);
			}
			add_target(f, names.items[i], conninfo, NULL);
			free(conninfo);
		}
	pgm_list_free(&names);
}

/* --projects PATTERN: the matching projects of one database. */
static int
read_projects(Fleet *f, const Opts *o, const char *pattern)
{
	PGconn	   *conn = connect_db(o);
	PGresult   *res = pgm_query(conn, "SELECT project FROM migrate.projects "
								"ORDER BY project COLLATE \"C\"", 0, NULL);
	int			i;

	for (i = 0; i < PQntuples(res); i++)
		if (fnmatch(pattern, PQgetvalue(res, i, 0), 0) == 0)
			add_target(f, PQgetvalue(res, i, 0), o->conninfo, PQgetvalue(res, i, 0));
	PQclear(res);
	PQfinish(conn);
	return PGM_EXIT_OK;
}

/* ----------------------------------------------------------------
 * Running
 * ----------------------------------------------------------------
 */

static int
temp_fd(void)
{
	const char *dir = getenv("TMPDIR");
	char	   *tmpl = pgm_path_join(dir && dir[0] ? dir : "/tmp", "pg_migrate_fleet.XXXXXX");
	int			fd = mkstemp(tmpl);

	if (fd >= 0)
	{
		unlink(tmpl);
		/* the child gets it as its stdout or stderr, no other child at all */
		(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	free(tmpl);
	return fd;
}

static char *
read_fd(int fd)
{
	PQExpBufferData b;
	char		buf[8192];
	ssize_t		n;

	initPQExpBuffer(&b);
	if (lseek(fd, 0, SEEK_SET) == 0)
		while ((n = read(fd, buf, sizeof(buf))) != 0)
		{
			if (n < 0)
			{
				if (errno == EINTR)
					continue;
				break;
			}
			appendBinaryPQExpBuffer(&b, buf, (size_t) n);
		}
	/* NUL bytes would end the text early: shown as \x00 would be better */
	return pgm_buf_data(&b);
}

static void
progress(Fleet *f, const Target *done)
{
	if (f->tty)
	{
		fprintf(stderr, "\rfleet: %d/%d done, %d running, %d failed\033[K",
				f->finished, f->n, f->running, f->failed);
		fflush(stderr);
	}
	else if (done)
	{
		char	   *name = pgm_escaped(done->name);

		fprintf(stderr, "fleet: [%d/%d] %s: %s (%.1f s)\n", f->finished, f->n, name,
				done->state == T_OK ? "ok" : "failed", (done->end - done->start) / 1000.0);
		free(name);
	}
}

static void
fail_target(Fleet *f, Target *t, const char *why)
{
	t->state = T_FAILED;
	t->error = pgm_strdup(why);
	t->end = now_ms();
	f->finished++;
	f->failed++;
}

/* Start target t; on a local failure it is failed at once. */
static void
spawn(Fleet *f, Target *t)
{
	const Opts *o = f->o;
	char	  **argv = pgm_malloc((f->ncmd_args + 6) * sizeof(char *));
	int			n = 0;
	int			i;
	pid_t		pid;

	t->start = now_ms();
	t->out_fd = temp_fd();
	t->err_fd = t->out_fd >= 0 ? temp_fd() : -1;
	if (t->err_fd < 0)
	{
		char	   *why = pgm_printf("could not create a temporary file: %s", strerror(errno));

		if (t->out_fd >= 0)
			close(t->out_fd);
		t->out_fd = -1;
		fail_target(f, t, why);
		free(why);
		free(argv);
		return;
	}

	argv[n++] = (char *) pgm_progname;
	if (t->conninfo)
	{
		argv[n++] = "-d";
		argv[n++] = t->conninfo;
	}
	if (t->project)
	{
		argv[n++] = "--project";
		argv[n++] = t->project;
	}
	else if (o->project_given)
	{
		argv[n++] = "--project";
		argv[n++] = (char *) o->project;
	}
	for (i = 0; i < f->ncmd_args; i++)
		argv[n++] = f->cmd_args[i];
	argv[n] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
	{
		int			null = open("/dev/null", O_RDONLY);

		signal(SIGTERM, SIG_DFL);
		if (null < 0 || dup2(null, 0) < 0 || dup2(t->out_fd, 1) < 0 ||
			dup2(t->err_fd, 2) < 0)
			_exit(127);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "%s: error: could not run /proc/self/exe: %s\n",
				pgm_progname, strerror(errno));
		_exit(127);
	}
	free(argv);
	if (pid < 0)
	{
		char	   *why = pgm_printf("could not start a process: %s", strerror(errno));

		close(t->out_fd);
		close(t->err_fd);
		t->out_fd = t->err_fd = -1;
		fail_target(f, t, why);
		free(why);
		return;
	}
	t->pid = pid;
	t->state = T_RUNNING;
	f->running++;
}

/* The last "pg_migrate: error: " line of text, without the prefix. */
static char *
last_error_line(const char *text)
{
	static const char prefix[] = "pg_migrate: error: ";
	const char *line = text;
	const char *found = NULL;

	while (line && *line)
	{
		if (strncmp(line, prefix, sizeof(prefix) - 1) == 0)
			found = line + sizeof(prefix) - 1;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	if (found == NULL)
		return NULL;
	return pgm_strndup(found, strcspn(found, "\n"));
}

static void
reap(Fleet *f, Target *t, int status)
{
	char	   *out;

	t->end = now_ms();
	t->pid = 0;
	f->running--;
	f->finished++;
	t->stderr_text = read_fd(t->err_fd);
	out = read_fd(t->out_fd);	/* captured, not shown */
	free(out);
	close(t->out_fd);
	close(t->err_fd);
	t->out_fd = t->err_fd = -1;

	if (WIFEXITED(status))
		t->exit_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		t->exit_status = 128 + WTERMSIG(status);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
	{
		t->state = T_OK;
		return;
	}
	t->state = T_FAILED;
	f->failed++;
	t->error = last_error_line(t->stderr_text);
	if (t->error == NULL)
		t->error = WIFSIGNALED(status) ?
			pgm_printf("terminated by signal %d", WTERMSIG(status)) :
			pgm_printf("exit status %d", t->exit_status);
}

/*
 * Run targets from..to-1, jobs at a time.  A failure sets f->stop when
 * stop_on_failure; a signal always does.
 */
static void
run_range(Fleet *f, int from, int to, int jobs, bool stop_on_failure)
{
	int			next = from;
	bool		forwarded = false;

	for (;;)
	{
		int			status;
		pid_t		pid;
		int			i;

		if (got_signal)
			f->stop = true;
		while (!f->stop && f->running < jobs && next < to)
		{
			Target	   *t = &f->t[next++];

			spawn(f, t);
			if (t->state == T_FAILED)
			{
				progress(f, t);
				if (stop_on_failure)
					f->stop = true;
			}
			else
				progress(f, NULL);
		}
		if (f->running == 0)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0)
		{
			if (errno != EINTR)
				break;
			if (got_signal == SIGTERM && !forwarded)
			{
				for (i = from; i < to; i++)
					if (f->t[i].state == T_RUNNING)
						kill(f->t[i].pid, SIGTERM);
				forwarded = true;
			}
			continue;
		}
		for (i = from; i < to; i++)
			if (f->t[i].state == T_RUNNING && f->t[i].pid == pid)
			{
				reap(f, &f->t[i], status);
				if (f->t[i].state == T_FAILED && stop_on_failure)
					f->stop = true;
				progress(f, &f->t[i]);
				break;
			}
	}
}

/* The revision(s) a successful target is at, by libpq; NULL when unknown. */
static char *
ask_current(const Target *t, const char *project)
{
	const char *keywords[6];
	const char *values[6];
	int			n = 0;
	PGconn	   *conn;
	char	   *current = NULL;

	if (t->conninfo)
	{
		keywords[n] = "dbname";
		values[n++] = t->conninfo;
	}
	keywords[n] = "fallback_application_name";
	values[n++] = "pg_migrate";
	keywords[n] = "client_encoding";
	values[n++] = "UTF8";
	keywords[n] = "connect_timeout";
	values[n++] = "10";
	keywords[n] = NULL;
	values[n] = NULL;
	conn = PQconnectdbParams(keywords, values, 1);
	if (conn && PQstatus(conn) == CONNECTION_OK)
	{
		const char *params[1] = {project};
		PGresult   *res = PQexecParams(conn,
									   "SELECT pg_catalog.string_agg(c, ',') FROM migrate.current($1) c",
									   1, NULL, params, NULL, NULL, 0);

		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
			!PQgetisnull(res, 0, 0))
			current = pgm_strdup(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	PQfinish(conn);
	return current;
}

/* ----------------------------------------------------------------
 * Report
 * ----------------------------------------------------------------
 */

static const char *
result_name(TargetState s)
{
	return s == T_OK ? "ok" : s == T_FAILED ? "failed" : "skipped";
}

static void
report_json(const Fleet *f, bool ok)
{
	PQExpBufferData b;
	int			i;

	initPQExpBuffer(&b);
	appendPQExpBufferStr(&b, "{\"targets\": [");
	for (i = 0; i < f->n; i++)
	{
		const Target *t = &f->t[i];
		char	   *name = json_str(t->name);

		appendPQExpBuffer(&b, "%s{\"name\": %s, \"result\": \"%s\", \"current\": ",
						  i ? ", " : "", name, result_name(t->state));
		free(name);
		if (t->current)
		{
			char	   *c = json_str(t->current);

			appendPQExpBufferStr(&b, c);
			free(c);
		}
		else
			appendPQExpBufferStr(&b, "null");
		if (t->state == T_SKIPPED)
			appendPQExpBufferStr(&b, ", \"duration_s\": null");
		else
			appendPQExpBuffer(&b, ", \"duration_s\": %.3f", (t->end - t->start) / 1000.0);
		if (t->exit_status >= 0)
			appendPQExpBuffer(&b, ", \"exit_status\": %d", t->exit_status);
		else
			appendPQExpBufferStr(&b, ", \"exit_status\": null");
		appendPQExpBufferStr(&b, ", \"error\": ");
		if (t->error)
		{
			char	   *e = json_str(t->error);

			appendPQExpBufferStr(&b, e);
			free(e);
		}
		else
			appendPQExpBufferStr(&b, "null");
		appendPQExpBufferStr(&b, "}");
	}
	appendPQExpBuffer(&b, "], \"ok\": %s}", ok ? "true" : "false");
	puts(pgm_buf_data(&b));
	termPQExpBuffer(&b);
}

static void
report_table(const Fleet *f)
{
	static const char *const names[] = {"target", "result", "current", "duration", "error"};
	char	  **cells = pgm_malloc(((size_t) f->n * 5 + 1) * sizeof(char *));
	int			i;

	for (i = 0; i < f->n; i++)
	{
		const Target *t = &f->t[i];

		cells[i * 5] = pgm_cell(t->name);
		cells[i * 5 + 1] = pgm_strdup(result_name(t->state));
		cells[i * 5 + 2] = pgm_cell(t->current);
		cells[i * 5 + 3] = t->state == T_SKIPPED ? pgm_strdup("") :
			pgm_printf("%.1f s", (t->end - t->start) / 1000.0);
		cells[i * 5 + 4] = pgm_cell(t->error);
	}
	pgm_print_rows(5, names, f->n, cells);
	for (i = 0; i < f->n * 5; i++)
		free(cells[i]);
	free(cells);

	/* the whole stderr of each failed target, a line at a time, escaped */
	for (i = 0; i < f->n; i++)
	{
		const Target *t = &f->t[i];
		char	   *name;
		const char *line;

		if (t->state != T_FAILED)
			continue;
		name = pgm_escaped(t->name);
		if (t->exit_status >= 0)
			printf("\n--- %s: failed (exit status %d) ---\n", name, t->exit_status);
		else
			printf("\n--- %s: failed ---\n", name);
		free(name);
		line = t->stderr_text ? t->stderr_text : "";
		if (*line == '\0' && t->error)
			line = t->error;
		while (*line)
		{
			size_t		len = strcspn(line, "\n");
			char	   *one = pgm_strndup(line, len);
			char	   *shown = pgm_escaped(one);

			puts(shown);
			free(shown);
			free(one);
			line += len;
			if (*line == '\n')
				line++;
		}
	}
}

/* ----------------------------------------------------------------
 * The command
 * ----------------------------------------------------------------
 */

/* The --project of COMMAND's own arguments, if any (the last one wins). */
static const char *
args_project(char **args, int nargs)
{
	const char *project = NULL;
	int			i;

	for (i = 1; i < nargs; i++)
	{
		if (strcmp(args[i], "--") == 0)
			break;
		if (strcmp(args[i], "--project") == 0 && i + 1 < nargs)
			project = args[++i];
		else if (strncmp(args[i], "--project=", 10) == 0)
			project = args[i] + 10;
	}
	return project;
}

static bool
args_have(char **args, int nargs, const char *what)
{
	int			i;

	for (i = 1; i < nargs; i++)
	{
		if (strcmp(args[i], "--") == 0)
			break;
		if (strcmp(args[i], what) == 0)
			return true;
	}
	return false;
}

int
cmd_fleet(Opts *o)
{
	Fleet		f;
	const char *command = o->args[0];
	const char *project;
	struct sigaction sa;
	struct sigaction old_int;
	struct sigaction old_term;
	int			canary;
	int			rc;
	bool		ok = true;
	int			i;

	memset(&f, 0, sizeof(f));
	f.o = o;
	f.cmd_args = o->args;
	f.ncmd_args = o->nargs;

	for (i = 0; fleet_commands[i]; i++)
		if (strcmp(fleet_commands[i], command) == 0)
			break;
	if (fleet_commands[i] == NULL)
	{
		pgm_error("fleet runs upgrade, status --check, check, push, downgrade or verify, not \"%s\"",
				  command);
		return PGM_EXIT_USAGE;
	}
	if (strcmp(command, "status") == 0 && !args_have(o->args, o->nargs, "--check"))
	{
		pgm_error("fleet runs status with --check only (its output is not shown)");
		return PGM_EXIT_USAGE;
	}
	if (o->fleet_source == NULL)
	{
		pgm_error("fleet needs one of --targets FILE, --service-group PATTERN and --projects PATTERN");
		return PGM_EXIT_USAGE;
	}
	if (strcmp(o->fleet_source, "projects") != 0 && o->conninfo_given)
	{
		pgm_error("fleet: -d applies to --projects only (the targets name their databases)");
		return PGM_EXIT_USAGE;
	}
	project = args_project(o->args, o->nargs);
	if (strcmp(o->fleet_source, "projects") == 0 && (project || o->project_given))
	{
		pgm_error("fleet --projects gives each target its --project: drop --project");
		return PGM_EXIT_USAGE;
	}
	if (project == NULL)
		project = o->project;

	if (strcmp(o->fleet_source, "targets") == 0)
	{
		rc = read_targets_file(&f, o->fleet_arg);
		if (rc != PGM_EXIT_OK)
			return rc;
	}
	else if (strcmp(o->fleet_source, "service-group") == 0)
		read_services(&f, o->fleet_arg);
	else
	{
		rc = read_projects(&f, o, o->fleet_arg);
		if (rc != PGM_EXIT_OK)
			return rc;
	}
	if (f.n == 0)
	{
		pgm_error("fleet: no target matched");
		return PGM_EXIT_USAGE;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;			/* no SA_RESTART: waitpid() returns */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	f.tty = isatty(2);

	canary = o->canary < f.n ? o->canary : f.n;
	if (canary > 0)
	{
		run_range(&f, 0, canary, 1, true);
		if (f.failed > 0)
			f.stop = true;
	}
	if (!f.stop)
		run_range(&f, canary, f.n, o->jobs, o->stop_on_error);
	if (f.tty)
	{
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);

	for (i = 0; i < f.n; i++)
	{
		Target	   *t = &f.t[i];

		if (t->state == T_PENDING)
			t->state = T_SKIPPED;
		if (t->state == T_OK)
			t->current = ask_current(t, t->project ? t->project : project);
		if (t->state != T_OK)
			ok = false;
	}
	if (o->json)
		report_json(&f, ok);
	else
		report_table(&f);
	fflush(stdout);
	if (got_signal)
	{
		pgm_error("fleet interrupted by signal %d: %d of %d targets ran",
				  (int) got_signal, f.finished, f.n);
		return 128 + got_signal;
	}
	return ok ? PGM_EXIT_OK : PGM_EXIT_PENDING;
}
