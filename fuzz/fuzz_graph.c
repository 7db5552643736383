/*-------------------------------------------------------------------------
 *
 * fuzz_graph.c
 *	  libFuzzer harness for the graph builder and the ordering walk
 *	  (src/core/graph.c, plan.c).
 *
 * The input is read as a description of up to 24 revisions: for each, its
 * id (usually its own, sometimes another's: duplicates), up to three
 * parents and two dependencies (any revision, itself, one not defined, or
 * a branch label), and sometimes a branch label (at times a revision id).
 * Building the graph must either fail through the error hook or give a
 * graph that keeps every invariant the commands rely on:
 *
 *	- the topological rank puts parents and dependencies below;
 *	- children and dependents mirror parents and dependencies;
 *	- no dependency is implied by the other edges (normalization);
 *	- the ordering walk of everything from the heads lists every revision
 *	  once, each before everything below it;
 *	- the registration order lists every revision once, after its parents
 *	  and dependencies, and keeps a revision that could go next in place;
 *	- upgrading an arbitrary closed state to "heads" and downgrading it to
 *	  "base" give plans that keep the plan invariants (fuzz_core.h).
 *
 * IDENTIFICATION
 *	  fuzz/fuzz_graph.c
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz_core.h"

#define MAX_REVS 24

static const char *const ids[MAX_REVS + 1] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
	"r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21",
	"r22", "r23", "nosuch"
};
static const char *const labels[4] = {"la", "lb", "lc", "r1"};

typedef struct Reader
{
	const uint8_t *data;
	size_t		size;
	size_t		pos;
} Reader;

static unsigned
next(Reader *rd)
{
	return rd->pos < rd->size ? rd->data[rd->pos++] : 0;
}

/* a reference: a revision (maybe itself or undefined) or a label */
static const char *
reference(Reader *rd, int n)
{
	unsigned	b = next(rd);

	if (b % 8 == 7)
		return labels[(b / 8) % 4];
	return ids[(b / 8) % (n + 1) == (unsigned) n ? MAX_REVS : (b / 8) % (n + 1)];
}

static void
check_graph(PgmGraph *g, Reader *rd)
{
	int			n = g->nrevs;
	bool	   *all = malloc(n + 1);
	bool	   *applied = malloc(n + 1);
	bool	   *seen = malloc(n + 1);
	int		   *order = malloc(sizeof(int) * (n + 1));
	int		   *heads;
	int			nheads;
	int			norder;
	int			i,
				j,
				k;
	PgmTarget  *t;

	for (i = 0; i < n; i++)
	{
		PgmRevision *r = &g->revs[i];

		for (j = 0; j < r->nparents; j++)
		{
			PgmRevision *p = &g->revs[r->parents[j]];
			int			found = 0;

			fuzz_check(g->topo[r->parents[j]] < g->topo[i], "parent ranks above");
			for (k = 0; k < p->nchildren; k++)
				found += p->children[k] == i;
			fuzz_check(found == 1, "children do not mirror parents");
		}
		for (j = 0; j < r->ndeps; j++)
		{
			PgmRevision *d = &g->revs[r->deps[j]];
			int			found = 0;

			fuzz_check(g->topo[r->deps[j]] < g->topo[i], "dependency ranks above");
			for (k = 0; k < d->ndependents; k++)
				found += d->dependents[k] == i;
			fuzz_check(found == 1, "dependents do not mirror dependencies");

			/* not below (or equal to) any other edge */
			memset(seen, 0, n);
			pgm_ancestors(g, r->parents, r->nparents, true, seen);
			for (k = 0; k < r->ndeps; k++)
				if (k != j)
					pgm_ancestors(g, &r->deps[k], 1, true, seen);
			fuzz_check(!seen[r->deps[j]], "a dependency implied by other edges");
		}
	}

	/* the walk of everything from the heads: each once, above first */
	memset(all, 1, n);
	heads = pgm_real_heads(g, &nheads);
	norder = pgm_walk_order(g, all, heads, nheads, order);
	fuzz_check(norder == n, "the walk misses revisions");
	memset(seen, 0, n);
	for (i = 0; i < norder; i++)
	{
		PgmRevision *r = &g->revs[order[i]];

		fuzz_check(!seen[order[i]], "the walk repeats a revision");
		for (j = 0; j < r->nchildren; j++)
			fuzz_check(seen[r->children[j]], "the walk lists a parent first");
		for (j = 0; j < r->ndependents; j++)
			fuzz_check(seen[r->dependents[j]], "the walk lists a dependency first");
		seen[order[i]] = true;
	}

	/*
	 * The registration order: each once, after its parents and
	 * dependencies; when the next revision in the graph's own order is
	 * free to go, it goes (the order is the lowest-index Kahn order).
	 */
	{
		int		   *reg = pgm_registration_order(g);

		memset(seen, 0, n);
		for (i = 0; i < n; i++)
		{
			PgmRevision *r = &g->revs[reg[i]];
			int			lowest = -1;

			fuzz_check(reg[i] >= 0 && reg[i] < n && !seen[reg[i]],
					   "the registration order repeats a revision");
			for (j = 0; j < r->nparents; j++)
				fuzz_check(seen[r->parents[j]], "registered before a parent");
			for (j = 0; j < r->ndeps; j++)
				fuzz_check(seen[r->deps[j]], "registered before a dependency");
			/* the lowest revision not placed whose edges are all placed */
			for (k = 0; k < n && lowest < 0; k++)
			{
				PgmRevision *c = &g->revs[k];
				bool		ready = !seen[k];

				for (j = 0; ready && j < c->nparents; j++)
					ready = seen[c->parents[j]];
				for (j = 0; ready && j < c->ndeps; j++)
					ready = seen[c->deps[j]];
				if (ready)
					lowest = k;
			}
			fuzz_check(reg[i] == lowest, "the registration order skips a free revision");
			seen[reg[i]] = true;
		}
	}

	/* an arbitrary closed state, then upgrade to heads and downgrade to base */
	for (i = 0; i < n; i++)
		seen[i] = (next(rd) & 3) == 0;
	memset(applied, 0, n);
	pgm_closure(g, seen, applied);
	fuzz_check(fuzz_closed(g, applied), "closure not closed");
	t = pgm_resolve_target(g, applied, "heads", PGM_MODE_UPGRADE);
	fuzz_check_plan(g, applied, pgm_plan_upgrade(g, applied, t));
	fuzz_check(pgm_all_applied(g, pgm_plan_upgrade(g, applied, t)->new_applied),
			   "upgrade to heads leaves revisions out");
	t = pgm_resolve_target(g, applied, "base", PGM_MODE_DOWNGRADE);
	fuzz_check_plan(g, applied, pgm_plan_downgrade(g, applied, t));

	free(all);
	free(applied);
	free(seen);
	free(order);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Reader		rd = {data, size, 0};
	PgmRevisionDef defs[MAX_REVS];
	char	   *refs[MAX_REVS][8];
	sigjmp_buf	jump;
	int			n = 1 + next(&rd) % MAX_REVS;
	int			i,
				j;

	memset(defs, 0, sizeof(defs));
	for (i = 0; i < n; i++)
	{
		PgmRevisionDef *d = &defs[i];
		unsigned	shape = next(&rd);
		char	  **slot = refs[i];

		d->id = (char *) ((shape & 0xe0) == 0xe0 && i > 0 ? ids[shape % i] : ids[i]);
		d->nparents = shape % 4;
		d->ndeps = (shape / 4) % 3;
		d->nlabels = (shape / 16) % 3 == 2 ? 1 : 0;
		d->parents = slot;
		for (j = 0; j < d->nparents; j++)
			*slot++ = (char *) reference(&rd, n);
		d->deps = slot;
		for (j = 0; j < d->ndeps; j++)
			*slot++ = (char *) reference(&rd, n);
		d->labels = slot;
		for (j = 0; j < d->nlabels; j++)
			*slot++ = (char *) labels[next(&rd) % 4];
		d->has_down = (shape & 1) == 0;
		d->seq = i + 1;
	}

	pgm_core_error_hook = fuzz_core_error;
	if (sigsetjmp(jump, 0) == 0)
	{
		PgmGraph   *g;

		fuzz_guard = &jump;
		g = pgm_graph_build("fuzz", defs, n);
		check_graph(g, &rd);
	}
	fuzz_guard = NULL;
	arena_reset();
	return 0;
}
