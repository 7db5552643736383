/*-------------------------------------------------------------------------
 *
 * offline.c
 *	  The revision graph of a migrations directory, through the core the
 *	  server uses (src/core): registration order, heads, and the offline
 *	  plan and script commands, which need no database.
 *
 * Offline, the directory stands in for the catalog: its files, in the
 * order push would register them, are the revisions, and the applied set
 * is empty or what --from names (those revisions and everything below
 * them).  Target resolution, planning and the SQL text are the server's
 * own code, so that for the same graph and state both give the same plan
 * and the same script; test/t/014_offline.pl compares them.
 *
 * The core reports errors through a hook.  Here the hook prints the error
 * as the server's would be printed (message, detail, hint, SQLSTATE) and
 * jumps back to the caller.  A graph the files cannot make exits with
 * PGM_EXIT_FILES, like any other fault of the files; a target or --from
 * the core cannot resolve exits with PGM_EXIT_SERVER, as the online
 * command does when the server refuses it.
 *
 * IDENTIFICATION
 *	  client/offline.c
 *
 *-------------------------------------------------------------------------
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static sigjmp_buf *core_guard = NULL;

/* the message of the core's last error (for "pg_migrate lint --json") */
char	   *pgm_core_last_error = NULL;

static void
client_core_error(const char *sqlstate, const char *message,
				  const char *detail, const char *hint)
{
	free(pgm_core_last_error);
	pgm_core_last_error = pgm_strdup(message);
	pgm_error("%s", message);
	if (detail)
		fprintf(stderr, "DETAIL:  %s\n", detail);
	if (hint)
		fprintf(stderr, "HINT:  %s\n", hint);
	fprintf(stderr, "SQLSTATE:  %s\n", sqlstate);
	if (core_guard)
		siglongjmp(*core_guard, 1);
	exit(PGM_EXIT_SERVER);
}

/*
 * Run fn(arg) with the core's errors caught: true when it returned, false
 * when the core reported an error (already printed).
 */
bool
pgm_core_call(void (*fn) (void *), void *arg)
{
	sigjmp_buf	jump;
	sigjmp_buf *saved = core_guard;
	bool		ok;

	pgm_core_error_hook = client_core_error;
	if (sigsetjmp(jump, 0) == 0)
	{
		core_guard = &jump;
		fn(arg);
		ok = true;
	}
	else
		ok = false;
	core_guard = saved;
	return ok;
}

static void
check_project(void *arg)
{
	pgm_check_project_name((const char *) arg);
}

/*
 * The project name of the command line, checked by the server's rule
 * before anything uses it (offline, it is written into the script's
 * header comment).  Returns false after printing an error.
 */
bool
pgm_project_option_ok(const char *project)
{
	return pgm_core_call(check_project, (void *) project);
}

/* A PgmRevisionDef per file; classes and counts only when given */
typedef struct DirGraph
{
	const PgmMigrationSet *set;
	const char *project;
	bool		strict;			/* references outside the set are errors */
	const PgmExecClass *up_class;
	const PgmExecClass *down_class;
	const int  *up_statements;
	const int  *down_statements;
	PgmGraph   *graph;			/* out */
} DirGraph;

/* keep the entries of l that name a revision or label of the set */
static void
known_refs(const PgmMigrationSet *set, const PgmList *l, char ***out, int *n)
{
	int			i,
				j,
				k;

	*out = pgm_malloc((l->n + 1) * sizeof(char *));
	*n = 0;
	for (i = 0; i < l->n; i++)
	{
		bool		found = false;

		for (j = 0; j < set->n && !found; j++)
		{
			const PgmMigration *m = &set->items[j];

			found = strcmp(m->id, l->items[i]) == 0;
			for (k = 0; k < m->branch_labels.n && !found; k++)
				found = strcmp(m->branch_labels.items[k], l->items[i]) == 0;
		}
		if (found)
			(*out)[(*n)++] = l->items[i];
	}
}

static void
build_dir_graph(void *arg)
{
	DirGraph   *dg = (DirGraph *) arg;
	const PgmMigrationSet *set = dg->set;
	PgmRevisionDef *defs = pgm_malloc((set->n + 1) * sizeof(PgmRevisionDef));
	int			i;

	memset(defs, 0, (set->n + 1) * sizeof(PgmRevisionDef));
	for (i = 0; i < set->n; i++)
	{
		const PgmMigration *m = &set->items[i];
		PgmRevisionDef *d = &defs[i];

		d->id = m->id;
		d->message = m->message;
		d->labels = m->branch_labels.items;
		d->nlabels = m->branch_labels.n;
		if (dg->strict)
		{
			d->parents = m->parents.items;
			d->nparents = m->parents.n;
			d->deps = m->depends_on.items;
			d->ndeps = m->depends_on.n;
		}
		else
		{
			known_refs(set, &m->parents, &d->parents, &d->nparents);
			known_refs(set, &m->depends_on, &d->deps, &d->ndeps);
		}
		d->has_down = m->down != NULL;
		if (dg->up_class)
		{
			d->up_class = dg->up_class[i];
			d->down_class = dg->down_class[i];
			d->up_statements = dg->up_statements[i];
			d->down_statements = dg->down_statements[i];
		}
		d->seq = i + 1;
	}
	dg->graph = pgm_graph_build(dg->project, defs, set->n);
}

static const PgmMigrationSet *sort_set;

static int
cmp_by_id(const void *a, const void *b)
{
	int			ia = *(const int *) a;
	int			ib = *(const int *) b;
	int			c = strcmp(sort_set->items[ia].id, sort_set->items[ib].id);

	return c != 0 ? c : ia - ib;
}

/* Refuse two files with the same id, naming both files. */
static bool
check_duplicates(const PgmMigrationSet *set)
{
	int		   *idx = pgm_malloc((set->n + 1) * sizeof(int));
	int			first = -1;
	int			second = -1;
	int			i;

	for (i = 0; i < set->n; i++)
		idx[i] = i;
	sort_set = set;
	qsort(idx, set->n, sizeof(int), cmp_by_id);
	/* the duplicate that comes first in the set's order */
	for (i = 1; i < set->n; i++)
		if (strcmp(set->items[idx[i - 1]].id, set->items[idx[i]].id) == 0 &&
			(second < 0 || idx[i] < second))
		{
			first = idx[i - 1];
			second = idx[i];
		}
	free(idx);
	if (second < 0)
		return true;
	pgm_error("revision \"%s\" is defined twice: in \"%s\" and in \"%s\"",
			  set->items[first].id, set->items[first].path,
			  set->items[second].path);
	return false;
}

/*
 * The graph of a set, in the set's order.  Not strict: parents and
 * dependencies that no file of the set defines are left out (push leaves
 * them to the server, where they may be registered already).  Returns
 * NULL after printing an error.
 */
PgmGraph *
pgm_set_graph(const PgmMigrationSet *set, const char *project, bool strict)
{
	DirGraph	dg;

	if (!check_duplicates(set))
		return NULL;
	memset(&dg, 0, sizeof(dg));
	dg.set = set;
	dg.project = project;
	dg.strict = strict;
	if (!pgm_core_call(build_dir_graph, &dg))
		return NULL;
	return dg.graph;
}

/*
 * Order a set for registration: every file after its parents and
 * dependencies, otherwise in the set's own order (file names), through
 * the core's pgm_registration_order().
 */
bool
pgm_order_set(PgmMigrationSet *set, const char *project)
{
	PgmGraph   *graph = pgm_set_graph(set, project, false);
	PgmMigration *sorted;
	int		   *order;
	int			i;

	if (graph == NULL)
		return false;
	order = pgm_registration_order(graph);
	sorted = pgm_malloc((set->n + 1) * sizeof(PgmMigration));
	for (i = 0; i < set->n; i++)
		sorted[i] = set->items[order[i]];
	if (set->n > 0)
		memcpy(set->items, sorted, set->n * sizeof(PgmMigration));
	free(sorted);
	free(order);
	return true;
}

/* The heads of a set (revisions no file names as a parent), in set order. */
bool
pgm_set_heads(const PgmMigrationSet *set, const char *project, PgmList *heads)
{
	PgmGraph   *graph = pgm_set_graph(set, project, false);
	int			n;
	int		   *revs;
	int			i;

	if (graph == NULL)
		return false;
	revs = pgm_versioned_heads(graph, &n);
	for (i = 0; i < n; i++)
		pgm_list_add(heads, graph->revs[revs[i]].id);
	return true;
}

/* ----------------------------------------------------------------
 * plan and script without a database
 * ----------------------------------------------------------------
 */

/*
 * Does anything say where a database is: -d, or one of libpq's variables
 * that choose a server or database?
 */
bool
pgm_server_named(const Opts *o)
{
	static const char *const vars[] = {
		"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE", NULL
	};
	int			i;

	if (o->conninfo)
		return true;
	for (i = 0; vars[i]; i++)
		if (getenv(vars[i]) && getenv(vars[i])[0] != '\0')
			return true;
	return false;
}

/*
 * Offline when asked (--offline or --from), or when plan or script get a
 * directory and nothing says where a database is.
 */
bool
pgm_use_offline(const Opts *o)
{
	if (o->offline || o->from)
		return true;
	return o->dir_given && !pgm_server_named(o);
}

typedef struct Offline
{
	const Opts *o;
	const char *target;
	bool		script;
	PgmMigrationSet set;
	PgmGraph   *graph;
	PgmPlan    *plan;
	char	   *text;			/* script: the SQL */
} Offline;

/* the graph of the directory, with every script classified */
static bool
offline_graph(Offline *off)
{
	PgmMigrationSet *set = &off->set;
	DirGraph	dg;
	PgmExecClass *up_class = pgm_malloc((set->n + 1) * sizeof(PgmExecClass));
	PgmExecClass *down_class = pgm_malloc((set->n + 1) * sizeof(PgmExecClass));
	int		   *up_n = pgm_malloc((set->n + 1) * sizeof(int));
	int		   *down_n = pgm_malloc((set->n + 1) * sizeof(int));
	int			i;

	for (i = 0; i < set->n; i++)
	{
		const PgmMigration *m = &set->items[i];

		down_class[i] = PGM_EXEC_TRANSACTIONAL;
		down_n[i] = 0;
		if (!pgm_classify_script(m->up, m->id, "up", &up_class[i], &up_n[i]) ||
			(m->down && !pgm_classify_script(m->down, m->id, "down",
											 &down_class[i], &down_n[i])))
		{
			fprintf(stderr, "(in file \"%s\")\n", m->path);
			return false;
		}
	}
	memset(&dg, 0, sizeof(dg));
	dg.set = set;
	dg.project = off->o->project;
	dg.strict = true;
	dg.up_class = up_class;
	dg.down_class = down_class;
	dg.up_statements = up_n;
	dg.down_statements = down_n;
	if (!pgm_core_call(build_dir_graph, &dg))
		return false;
	off->graph = dg.graph;
	return true;
}

/* for pgm_build_script: a revision's scripts are its file's */
static void
offline_fetch(void *arg, PgmRevision *rev, bool up, PgmScriptSource *out)
{
	Offline    *off = (Offline *) arg;
	const PgmMigration *m = &off->set.items[rev - off->graph->revs];

	const char *script = up ? m->up : m->down;

	out->up = m->up;
	out->down = m->down;
	out->checksum = revision_checksum(m);
	if (script && script[0] != '\0')
	{
		int		   *starts;
		int		   *lens;

		/* batched statements become loops, as the server's script() has them */
		pgm_batch_ranges(script, &starts, &lens, &out->nbatches);
		out->batch_starts = starts;
		out->batch_lens = lens;
	}
}

/* the state --from names, then the plan (and the script) */
static void
offline_plan(void *arg)
{
	Offline    *off = (Offline *) arg;
	PgmGraph   *graph = off->graph;
	bool	   *from = pgm_malloc(graph->nrevs + 1);
	bool	   *applied = pgm_malloc(graph->nrevs + 1);

	memset(from, 0, graph->nrevs + 1);
	memset(applied, 0, graph->nrevs + 1);
	if (off->o->from)
	{
		PgmList		revs = {0};
		int			i;

		pgm_list_split(&revs, off->o->from);
		for (i = 0; i < revs.n; i++)
			from[pgm_resolve_revision(graph, revs.items[i])] = true;
		pgm_closure(graph, from, applied);
	}
	if (off->script)
	{
		off->plan = pgm_plan_script(graph, applied, off->target);
		off->text = pgm_build_script(graph, off->plan, off->o->project,
									 off->target, offline_fetch, off);
	}
	else
		off->plan = pgm_plan_auto(graph, applied, off->target);
}

/* migrate.plan()'s rows, as the table or the JSON the online command prints */
static void
print_plan(const Offline *off)
{
	static const char *const names[6] = {
		"step", "revision", "direction", "execution", "statements", "message"
	};
	PgmGraph   *graph = off->graph;
	PgmPlan    *plan = off->plan;
	char	  **cells = pgm_malloc((plan->nsteps * 6 + 1) * sizeof(char *));
	int			i;

	if (off->o->json)
		fputs("[", stdout);
	for (i = 0; i < plan->nsteps; i++)
	{
		PgmStep    *step = &plan->steps[i];
		PgmRevision *rev = &graph->revs[step->rev];
		bool		up = step->direction == PGM_UP;
		bool		known = up || rev->has_down;	/* else: refused */
		const char *cls = known ? pgm_exec_class_name(up ? rev->up_class :
													  rev->down_class) : NULL;
		char	   *count = known ? pgm_printf("%d", up ? rev->up_statements :
											   rev->down_statements) : NULL;

		if (off->o->json)
		{
			char	   *id = json_str(rev->id);
			char	   *msg = rev->message ? json_str(rev->message) : pgm_strdup("null");
			char	   *cls_json = cls ? json_str(cls) : pgm_strdup("null");

			/* jsonb's key order: shorter keys first */
			printf("%s{\"step\": %d, \"message\": %s, \"revision\": %s, \"direction\": \"%s\", \"execution\": %s, \"statements\": %s}",
				   i > 0 ? ", " : "", i + 1, msg, id,
				   pgm_direction_name(step->direction), cls_json,
				   count ? count : "null");
			free(id);
			free(msg);
			free(cls_json);
			free(count);
			continue;
		}
		cells[i * 6] = pgm_printf("%d", i + 1);
		cells[i * 6 + 1] = pgm_cell(rev->id);
		cells[i * 6 + 2] = pgm_cell(pgm_direction_name(step->direction));
		cells[i * 6 + 3] = pgm_cell(cls);
		cells[i * 6 + 4] = pgm_cell(count);
		cells[i * 6 + 5] = pgm_cell(rev->message);
		free(count);
	}
	if (off->o->json)
		puts("]");
	else if (plan->nsteps == 0)
		puts("nothing to do");
	else
		pgm_print_rows(6, names, plan->nsteps, cells);
}

static int
offline_command(Opts *o, bool script)
{
	Offline		off;
	int			rc;

	memset(&off, 0, sizeof(off));
	off.o = o;
	off.script = script;
	off.target = o->nargs > 0 ? o->args[0] : "heads";
	if (!o->offline && !o->from)
		pgm_message("%s: note: no database given: %s reads the directory \"%s\" only (as with --offline)",
					pgm_progname, script ? "script" : "plan", o->dir);
	rc = load_ordered(o, &off.set);
	if (rc != PGM_EXIT_OK)
		return rc;
	if (!offline_graph(&off))
		return PGM_EXIT_FILES;
	if (!pgm_core_call(offline_plan, &off))
		return PGM_EXIT_SERVER;
	if (!script)
		print_plan(&off);
	else if (o->json)
	{
		char	   *s = json_str(off.text);

		printf("{\"script\": %s}\n", s);
		free(s);
	}
	else
		fputs(off.text, stdout);
	return PGM_EXIT_OK;
}

int
pgm_offline_plan(Opts *o)
{
	return offline_command(o, false);
}

int
pgm_offline_script(Opts *o)
{
	return offline_command(o, true);
}
