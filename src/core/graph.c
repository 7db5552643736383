/*-------------------------------------------------------------------------
 *
 * graph.c
 *	  The revision graph: building, validation, ancestry and the ordering
 *	  walk.
 *
 * A project's revisions form a DAG.  Each revision has an ordered list of
 * parents (versioned edges) and a list of dependencies (ids or branch
 * labels of other revisions).  Dependencies order execution and keep
 * things applied but are never parents; a dependency on something that is
 * already an ancestor through the other edges is normalized away.
 *
 * Revisions are kept in registration order, and an index into
 * PgmGraph.revs is therefore also the registration rank that breaks ties
 * everywhere.  Nothing here touches the catalog: the graph is built from
 * plain PgmRevisionDef structs, so that it can be validated before a new
 * revision is stored and reasoned about in isolation.
 *
 * The ordering walk (pgm_walk_order) is the single place that decides in
 * which order revisions run.  Given a set R of revisions to process and a
 * list H of start points, it walks from the start points down towards the
 * bases:
 *
 *	  pending = start points in R, in registration order; idx = 0
 *	  while pending is not empty:
 *		  cand = pending[idx]
 *		  if another pending entry has cand among its ancestors,
 *			  switch to that entry (cand must wait until everything that
 *			  needs it has been emitted) and continue
 *		  emit cand
 *		  next = cand's parents, then its dependencies, that are in R,
 *				 not emitted and not pending
 *		  if next is empty: drop cand from pending, idx = max(idx - 1, 0)
 *		  else: replace cand by next[0], append the rest of next
 *
 * The output is a downgrade order (every revision before its ancestors);
 * an upgrade runs its exact reverse.  Consequences: the branch of the
 * last-registered head runs first on upgrade, a branch is finished before
 * the next one starts, the last-listed parent of a merge runs first, and
 * dependencies run before their dependents.
 *
 * IDENTIFICATION
 *	  src/core/graph.c
 *
 *-------------------------------------------------------------------------
 */
#include "core_int.h"

#include <limits.h>

#include "common/hashfn.h"

static int	id_slot(PgmGraph *graph, const char *id);
static int	label_cmp(const void *a, const void *b);
static int *check_cycles(PgmGraph *graph);
static void normalize_deps(PgmGraph *graph, const int *topo);
static void push_edges_above(PgmGraph *graph, int v, const int *topo,
							 int bound, int *depth);
static void append_int(int **array, int *n, int value);
static void new_visit(PgmGraph *graph);

static int
label_cmp(const void *a, const void *b)
{
	return strcmp(((const PgmLabel *) a)->label, ((const PgmLabel *) b)->label);
}

static void
append_int(int **array, int *n, int value)
{
	if (*n == 0)
		*array = palloc(sizeof(int) * 4);
	else if ((*n & (*n - 1)) == 0 && *n >= 4)
		*array = repalloc(*array, sizeof(int) * (*n) * 2);
	(*array)[(*n)++] = value;
}

/* start a new traversal: every visit[] mark becomes stale */
static void
new_visit(PgmGraph *graph)
{
	graph->visit_gen++;
	if (graph->visit_gen == INT_MAX)
	{
		memset(graph->visit, 0, sizeof(int) * Max(graph->nrevs, 1));
		graph->visit_gen = 1;
	}
}

/* the revisions, in registration order, and the index of their ids */
static void
index_revisions(PgmGraph *graph, PgmRevisionDef *defs, int ndefs)
{
	int			i;

	for (i = 0; i < ndefs; i++)
	{
		PgmRevision *rev = &graph->revs[i];

		rev->id = defs[i].id;
		rev->message = defs[i].message;
		rev->nlabels = defs[i].nlabels;
		rev->labels = defs[i].labels;
		rev->has_down = defs[i].has_down;
		rev->up_class = defs[i].up_class;
		rev->down_class = defs[i].down_class;
		rev->up_statements = defs[i].up_statements;
		rev->down_statements = defs[i].down_statements;
		if (pgm_graph_find_id(graph, rev->id) >= 0)
			pgm_core_error(PGM_ERR_DATA_CORRUPTED, NULL, NULL,
						   "revision \"%s\" is registered twice in project \"%s\"",
						   rev->id, graph->project);
		graph->id_table[id_slot(graph, rev->id)] = i;
	}
}

/* branch labels, sorted: unique, and never equal to a revision id */
static void
index_labels(PgmGraph *graph, PgmRevisionDef *defs, int ndefs)
{
	int			i,
				j;

	for (i = 0; i < ndefs; i++)
		graph->nlabels += defs[i].nlabels;
	graph->labels = PGM_ALLOC_N(PgmLabel, graph->nlabels);
	graph->nlabels = 0;
	for (i = 0; i < ndefs; i++)
	{
		for (j = 0; j < defs[i].nlabels; j++)
		{
			int			other = pgm_graph_find_id(graph, defs[i].labels[j]);

			if (other >= 0)
				pgm_core_error(PGM_ERR_INVALID_DEFINITION, NULL,
							   "Choose a branch label that is not a revision id.",
							   "branch label \"%s\" of revision \"%s\" is the id of revision \"%s\"",
							   defs[i].labels[j], defs[i].id, graph->revs[other].id);
			graph->labels[graph->nlabels].label = defs[i].labels[j];
			graph->labels[graph->nlabels].rev = i;
			graph->nlabels++;
		}
	}
	qsort(graph->labels, graph->nlabels, sizeof(PgmLabel), label_cmp);
	for (i = 1; i < graph->nlabels; i++)
		if (strcmp(graph->labels[i - 1].label, graph->labels[i].label) == 0)
		{
			PgmLabel   *a = &graph->labels[i - 1];
			PgmLabel   *b = &graph->labels[i];

			if (a->rev == b->rev)
				pgm_core_error(PGM_ERR_INVALID_DEFINITION, NULL, NULL,
							   "revision \"%s\" declares branch label \"%s\" twice",
							   graph->revs[a->rev].id, a->label);
			pgm_core_error(PGM_ERR_INVALID_DEFINITION, NULL,
						   "A branch label must name exactly one revision.",
						   "branch label \"%s\" is used by revisions \"%s\" and \"%s\"",
						   a->label, graph->revs[Min(a->rev, b->rev)].id,
						   graph->revs[Max(a->rev, b->rev)].id);
		}
}

/* parents: registered revision ids, each once, not the revision itself */
static void
resolve_parents(PgmGraph *graph, PgmRevisionDef *defs, int ndefs)
{
	int			i,
				j;

	for (i = 0; i < ndefs; i++)
	{
		PgmRevision *rev = &graph->revs[i];

		PGM_CHECK_INTERRUPTS();
		rev->parents = PGM_ALLOC_N(int, defs[i].nparents);
		new_visit(graph);
		for (j = 0; j < defs[i].nparents; j++)
		{
			int			p = pgm_graph_find_id(graph, defs[i].parents[j]);

			if (p < 0)
			{
				int			l = pgm_graph_find_label(graph, defs[i].parents[j]);

				pgm_core_error(PGM_ERR_INVALID_DEFINITION, NULL,
							   l >= 0 ?
							   psprintf("\"%s\" is a branch label of revision \"%s\"; parents must be revision ids.",
										defs[i].parents[j], graph->revs[l].id) :
							   "Register the parent revision first.",
							   "parent \"%s\" of revision \"%s\" is not registered",
							   defs[i].parents[j], rev->id);
			}
			if (p == i)
				pgm_core_error(PGM_ERR_INVALID_DEFINITION, NULL, NULL,
							   "revision \"%s\" cannot be its own parent", rev->id);
			if (graph->visit[p] == graph->visit_gen)
				pgm_core_error(PGM_ERR_INVALID_DEFINITION, NULL, NULL,
							   "revision \"%s\" lists parent \"%s\" twice",
							   rev->id, graph->revs[p].id);
			graph->visit[p] = graph->visit_gen;
			rev->parents[rev->nparents++] = p;
		}
	}
}

/* dependencies: revision ids or branch labels, duplicates dropped */
static void
resolve_deps(PgmGraph *graph, PgmRevisionDef *defs, int ndefs)
{
	int			i,
				j;

	for (i = 0; i < ndefs; i++)
	{
		PgmRevision *rev = &graph->revs[i];

		PGM_CHECK_INTERRUPTS();
		rev->deps = PGM_ALLOC_N(int, defs[i].ndeps);
		new_visit(graph);
		for (j = 0; j < defs[i].ndeps; j++)
		{
			int			d = pgm_graph_find_id(graph, defs[i].deps[j]);

			if (d < 0)
				d = pgm_graph_find_label(graph, defs[i].deps[j]);
			if (d < 0)
				pgm_core_error(PGM_ERR_INVALID_DEFINITION, NULL,
							   "A dependency names a registered revision id or branch label.",
							   "dependency \"%s\" of revision \"%s\" is not registered",
							   defs[i].deps[j], rev->id);
			if (d == i)
				pgm_core_error(PGM_ERR_INVALID_DEFINITION, NULL, NULL,
							   "revision \"%s\" cannot depend on itself", rev->id);
			if (graph->visit[d] != graph->visit_gen)
				rev->deps[rev->ndeps++] = d;
			graph->visit[d] = graph->visit_gen;
		}
	}
}

/* children and dependents, in registration order */
static void
link_reverse(PgmGraph *graph)
{
	int			i,
				j;

	for (i = 0; i < graph->nrevs; i++)
	{
		PgmRevision *rev = &graph->revs[i];

		for (j = 0; j < rev->nparents; j++)
		{
			PgmRevision *p = &graph->revs[rev->parents[j]];

			append_int(&p->children, &p->nchildren, i);
		}
		for (j = 0; j < rev->ndeps; j++)
		{
			PgmRevision *d = &graph->revs[rev->deps[j]];

			append_int(&d->dependents, &d->ndependents, i);
		}
	}
}

/*
 * Build and validate a graph from revision definitions given in
 * registration order.  Any inconsistency is a user error (42P17): the
 * caller is about to store a revision that would break the graph.
 */
PgmGraph *
pgm_graph_build(const char *project, PgmRevisionDef *defs, int ndefs)
{
	PgmGraph   *graph = palloc0(sizeof(PgmGraph));

	graph->project = project;
	graph->nrevs = ndefs;
	graph->revs = PGM_ALLOC0_N(PgmRevision, ndefs);
	/* the id index: open addressing, at most half full */
	graph->id_slots = 16;
	while (graph->id_slots < 2 * ndefs)
		graph->id_slots *= 2;
	graph->id_table = palloc(sizeof(int) * graph->id_slots);
	memset(graph->id_table, -1, sizeof(int) * graph->id_slots);
	/* a traversal pushes each revision once, plus its start points */
	graph->stack = PGM_ALLOC_N(int, 2 * ndefs);
	graph->visit = PGM_ALLOC0_N(int, ndefs);

	index_revisions(graph, defs, ndefs);
	index_labels(graph, defs, ndefs);
	resolve_parents(graph, defs, ndefs);
	resolve_deps(graph, defs, ndefs);
	graph->topo = check_cycles(graph);
	normalize_deps(graph, graph->topo);
	link_reverse(graph);
	return graph;
}

/*
 * Reject parent or dependency cycles.  Registration requires parents and
 * dependencies to exist already, so a cycle can only come from changing an
 * unapplied revision; report the revisions on it.  Returns a topological
 * rank of every revision (the depth-first finishing order): a revision's
 * parents and dependencies all rank below it.
 */
static int *
check_cycles(PgmGraph *graph)
{
	int			n = graph->nrevs;
	char	   *color = palloc0(Max(n, 1));	/* 0 new, 1 on path, 2 done */
	int		   *edge = palloc0(sizeof(int) * Max(n, 1));
	int		   *path = palloc(sizeof(int) * Max(n, 1));
	int		   *topo = palloc(sizeof(int) * Max(n, 1));
	int			ndone = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		int			depth = 0;

		if (color[i] != 0)
			continue;
		path[depth++] = i;
		color[i] = 1;
		while (depth > 0)
		{
			int			v = path[depth - 1];
			PgmRevision *rev = &graph->revs[v];
			int			e = edge[v]++;
			int			w;

			if (e >= rev->nparents + rev->ndeps)
			{
				color[v] = 2;
				topo[v] = ndone++;
				depth--;
				continue;
			}
			w = e < rev->nparents ? rev->parents[e] : rev->deps[e - rev->nparents];
			if (color[w] == 1)
			{
				StringInfoData buf;
				int			k;

				initStringInfo(&buf);
				for (k = 0; k < depth; k++)
					if (path[k] == w)
						break;
				for (; k < depth; k++)
					appendStringInfo(&buf, "\"%s\" -> ", graph->revs[path[k]].id);
				appendStringInfo(&buf, "\"%s\"", graph->revs[w].id);
				pgm_core_error(PGM_ERR_INVALID_DEFINITION,
						  psprintf("The cycle is %s.", buf.data), NULL,
						  "revision graph of project \"%s\" would contain a cycle",
						  graph->project);
			}
			if (color[w] == 0)
			{
				color[w] = 1;
				path[depth++] = w;
			}
		}
	}
	pfree(color);
	pfree(edge);
	pfree(path);
	return topo;
}

/*
 * For normalize_deps: push onto graph->stack the parents and dependencies
 * of v not visited yet whose topological rank is at least bound.
 */
static void
push_edges_above(PgmGraph *graph, int v, const int *topo, int bound,
				 int *depth)
{
	PgmRevision *rev = &graph->revs[v];
	int			i;

	for (i = 0; i < rev->nparents + rev->ndeps; i++)
	{
		int			w = i < rev->nparents ? rev->parents[i] :
		rev->deps[i - rev->nparents];

		if (w < 0 || topo[w] < bound || graph->visit[w] == graph->visit_gen)
			continue;
		graph->visit[w] = graph->visit_gen;
		graph->stack[(*depth)++] = w;
	}
}

/*
 * Drop every dependency that is already an ancestor (or the same revision)
 * of one of the revision's other edges: it adds no ordering constraint and
 * would otherwise make dependency heads out of ordinary ancestors.
 *
 * Done naively this is a search of the whole history per dependency.  Two
 * things keep it short.  First-parent chains (a revision continues the
 * chain of its first parent if it is the first such child in topological
 * order) answer the common case at once: a dependency on an earlier
 * revision of the same line of history is implied by the parent edge.
 * The remaining dependencies are looked for in one search per revision
 * below its other edges, which never descends below the lowest
 * topological rank of the dependencies sought (nothing ranked lower can
 * lead to them) and stops once all are found.
 */
static void
normalize_deps(PgmGraph *graph, const int *topo)
{
	int			n = graph->nrevs;
	int		   *by_topo = palloc(sizeof(int) * Max(n, 1));
	int		   *chain = palloc(sizeof(int) * Max(n, 1));
	int		   *pos = palloc(sizeof(int) * Max(n, 1));
	bool	   *continued = palloc0(Max(n, 1));
	int		   *sought = NULL;
	int			nchains = 0;
	int			i;

	for (i = 0; i < n; i++)
		by_topo[topo[i]] = i;
	for (i = 0; i < n; i++)
	{
		int			v = by_topo[i];
		PgmRevision *rev = &graph->revs[v];

		if (rev->nparents > 0 && !continued[rev->parents[0]])
		{
			continued[rev->parents[0]] = true;
			chain[v] = chain[rev->parents[0]];
			pos[v] = pos[rev->parents[0]] + 1;
		}
		else
		{
			chain[v] = nchains++;
			pos[v] = 0;
		}
	}

	for (i = 0; i < n; i++)
	{
		PgmRevision *rev = &graph->revs[i];
		int			nedges = rev->nparents + rev->ndeps;
		int			nsought = 0;
		int			bound = INT_MAX;
		int			depth = 0;
		int			j,
					k;

		if (rev->ndeps == 0)
			continue;
		PGM_CHECK_INTERRUPTS();

		/* implied at once: on the first-parent chain below another edge */
		for (j = 0; j < rev->ndeps; j++)
		{
			int			d = rev->deps[j];

			for (k = 0; k < nedges; k++)
			{
				int			e = k < rev->nparents ? rev->parents[k] :
				rev->deps[k - rev->nparents];

				if (k == rev->nparents + j || e < 0)
					continue;
				if (e == d || (chain[e] == chain[d] && pos[e] > pos[d]))
					break;
			}
			if (k < nedges)
				rev->deps[j] = -1;
		}

		/* the others: search below the other edges */
		sought = sought ? repalloc(sought, sizeof(int) * rev->ndeps) :
			palloc(sizeof(int) * rev->ndeps);
		for (j = 0; j < rev->ndeps; j++)
			if (rev->deps[j] >= 0)
			{
				sought[nsought++] = j;
				bound = Min(bound, topo[rev->deps[j]]);
			}
		if (nsought > 0)
		{
			new_visit(graph);
			for (k = 0; k < nedges; k++)
			{
				int			e = k < rev->nparents ? rev->parents[k] :
				rev->deps[k - rev->nparents];

				if (e >= 0)
					push_edges_above(graph, e, topo, bound, &depth);
			}
			while (depth > 0 && nsought > 0)
			{
				int			v = graph->stack[--depth];

				for (j = 0; j < nsought; j++)
				{
					int			d = rev->deps[sought[j]];

					if (v == d || (chain[v] == chain[d] && pos[v] > pos[d]))
					{
						rev->deps[sought[j]] = -1;
						sought[j--] = sought[--nsought];
					}
				}
				push_edges_above(graph, v, topo, bound, &depth);
			}
		}

		k = 0;
		for (j = 0; j < rev->ndeps; j++)
			if (rev->deps[j] >= 0)
				rev->deps[k++] = rev->deps[j];
		rev->ndeps = k;
	}
	pfree(by_topo);
	pfree(chain);
	pfree(pos);
	pfree(continued);
	if (sought)
		pfree(sought);
}

/* the slot of id in the id index: where it is, or the free slot for it */
static int
id_slot(PgmGraph *graph, const char *id)
{
	uint32		mask = graph->id_slots - 1;
	uint32		slot = hash_bytes((const unsigned char *) id, strlen(id)) & mask;

	while (graph->id_table[slot] >= 0 &&
		   strcmp(graph->revs[graph->id_table[slot]].id, id) != 0)
		slot = (slot + 1) & mask;
	return slot;
}

int
pgm_graph_find_id(PgmGraph *graph, const char *id)
{
	return graph->id_table[id_slot(graph, id)];
}

int
pgm_graph_find_label(PgmGraph *graph, const char *label)
{
	int			lo = 0,
				hi = graph->nlabels - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(graph->labels[mid].label, label);

		if (c == 0)
			return graph->labels[mid].rev;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Mark in out[] every revision reachable from "from" downwards (parents,
 * and dependencies when with_deps) or upwards (children and dependents),
 * the start points included.  out[] is not cleared, so calls accumulate;
 * start points are expanded even when an earlier call marked them.
 */
static void
traverse(PgmGraph *graph, const int *from, int nfrom, bool with_deps,
		 bool upwards, bool *out)
{
	int			depth = 0;
	int			i;

	for (i = 0; i < nfrom; i++)
	{
		out[from[i]] = true;
		graph->stack[depth++] = from[i];
	}
	while (depth > 0)
	{
		PgmRevision *rev = &graph->revs[graph->stack[--depth]];
		int			nedges = upwards ? rev->nchildren : rev->nparents;
		int			nextra = !with_deps ? 0 : upwards ? rev->ndependents : rev->ndeps;

		for (i = 0; i < nedges + nextra; i++)
		{
			int			w;

			if (i < nedges)
				w = upwards ? rev->children[i] : rev->parents[i];
			else
				w = upwards ? rev->dependents[i - nedges] : rev->deps[i - nedges];
			if (w >= 0 && !out[w])
			{
				out[w] = true;
				graph->stack[depth++] = w;
			}
		}
	}
}

void
pgm_ancestors(PgmGraph *graph, const int *from, int nfrom, bool with_deps,
			  bool *out)
{
	traverse(graph, from, nfrom, with_deps, false, out);
}

void
pgm_descendants(PgmGraph *graph, const int *from, int nfrom, bool with_deps,
				bool *out)
{
	traverse(graph, from, nfrom, with_deps, true, out);
}

/*
 * The tips of an applied set: applied revisions with no applied child
 * through a parent or dependency edge.  In registration order.
 */
int *
pgm_tips(PgmGraph *graph, const bool *applied, int *n)
{
	int		   *tips = PGM_ALLOC_N(int, graph->nrevs);
	int			i,
				j;

	*n = 0;
	for (i = 0; i < graph->nrevs; i++)
	{
		PgmRevision *rev = &graph->revs[i];
		bool		tip = applied[i];

		for (j = 0; tip && j < rev->nchildren; j++)
			if (applied[rev->children[j]])
				tip = false;
		for (j = 0; tip && j < rev->ndependents; j++)
			if (applied[rev->dependents[j]])
				tip = false;
		if (tip)
			tips[(*n)++] = i;
	}
	return tips;
}

/* revisions without a child through parent edges, and through any edge */
static int *
heads(PgmGraph *graph, bool any_edge, int *n)
{
	int		   *result = PGM_ALLOC_N(int, graph->nrevs);
	int			i;

	*n = 0;
	for (i = 0; i < graph->nrevs; i++)
		if (graph->revs[i].nchildren == 0 &&
			(!any_edge || graph->revs[i].ndependents == 0))
			result[(*n)++] = i;
	return result;
}

/* Revisions without a child through a parent edge (the symbol "head"). */
int *
pgm_versioned_heads(PgmGraph *graph, int *n)
{
	return heads(graph, false, n);
}

/* Revisions without a child through any edge (the symbol "heads"). */
int *
pgm_real_heads(PgmGraph *graph, int *n)
{
	return heads(graph, true, n);
}

/* binary min-heap of revision indexes: add v */
static void
heap_push(int *heap, int *n, int v)
{
	int			i = (*n)++;

	while (i > 0 && heap[(i - 1) / 2] > v)
	{
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = v;
}

/* binary min-heap of revision indexes: take the smallest */
static int
heap_pop(int *heap, int *n)
{
	int			top = heap[0];
	int			last = heap[--(*n)];
	int			i = 0;

	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && heap[c + 1] < heap[c])
			c++;
		if (heap[c] >= last)
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (*n > 0)
		heap[i] = last;
	return top;
}

/*
 * The order in which to register the graph's revisions one by one: each
 * after its parents and dependencies, and of those free to go next, the
 * first in the graph's own order (Kahn's algorithm, taking the lowest
 * index).  Revisions already in a valid order keep it.  Returns nrevs
 * indexes.
 */
int *
pgm_registration_order(PgmGraph *graph)
{
	int			n = graph->nrevs;
	int		   *waiting = PGM_ALLOC0_N(int, n);
	int		   *heap = PGM_ALLOC_N(int, n);
	int		   *order = PGM_ALLOC_N(int, n);
	int			nheap = 0;
	int			done = 0;
	int			v;
	int			i;

	for (v = 0; v < n; v++)
	{
		PgmRevision *rev = &graph->revs[v];

		for (i = 0; i < rev->nchildren; i++)
			waiting[rev->children[i]]++;
		for (i = 0; i < rev->ndependents; i++)
			waiting[rev->dependents[i]]++;
	}
	for (v = 0; v < n; v++)
		if (waiting[v] == 0)
			heap_push(heap, &nheap, v);
	while (nheap > 0)
	{
		PgmRevision *rev;

		PGM_CHECK_INTERRUPTS();
		v = heap_pop(heap, &nheap);
		order[done++] = v;
		rev = &graph->revs[v];
		for (i = 0; i < rev->nchildren; i++)
			if (--waiting[rev->children[i]] == 0)
				heap_push(heap, &nheap, rev->children[i]);
		for (i = 0; i < rev->ndependents; i++)
			if (--waiting[rev->dependents[i]] == 0)
				heap_push(heap, &nheap, rev->dependents[i]);
	}
	/* pgm_graph_build() refused cycles, so every revision was reached */
	Assert(done == n);
	pfree(waiting);
	pfree(heap);
	return order;
}

/* Is every revision of the graph in the set? */
bool
pgm_all_applied(PgmGraph *graph, const bool *applied)
{
	int			i;

	for (i = 0; i < graph->nrevs; i++)
		if (!applied[i])
			return false;
	return true;
}

/*
 * The lineage of a branch named by a revision (or by a label it declares):
 * the revision, its ancestors and its descendants, through parent edges.
 */
void
pgm_lineage(PgmGraph *graph, int rev, bool *out)
{
	/* the two traversals share only rev, which each expands */
	pgm_descendants(graph, &rev, 1, false, out);
	pgm_ancestors(graph, &rev, 1, false, out);
}

/* The applied set implied by a set of revisions: their closure. */
void
pgm_closure(PgmGraph *graph, const bool *applied, bool *out)
{
	int		   *from = PGM_ALLOC_N(int, graph->nrevs);
	int			n = 0;
	int			i;

	for (i = 0; i < graph->nrevs; i++)
		if (applied[i])
			from[n++] = i;
	pgm_ancestors(graph, from, n, true, out);
	pfree(from);
}

/*
 * For pgm_walk_order: cand is blocked, so some pending entry other than
 * pending[idx] lies above it.  Return the position in pending[] of the
 * first such entry, as the description above says.
 *
 * The entries are tried in pending order, each by a search downwards
 * through the unemitted revisions of the walk (every path from a pending
 * entry to cand runs through those, see below).  The search never goes
 * below cand's topological rank, since nothing ranked lower leads to
 * cand, and the visit marks are shared by all entries of one call: a
 * revision explored for an earlier entry did not lead to cand, so it need
 * not be explored again.  One call therefore costs at most the revisions
 * between cand and the pending entries, however many entries there are.
 */
static int
first_pending_above(PgmGraph *graph, int cand, const int *pending,
					int npending, const bool *in_walk, const bool *emitted,
					int idx)
{
	int			floor = graph->topo[cand];
	int			j;

	new_visit(graph);
	for (j = 0; j < npending; j++)
	{
		int			depth = 0;

		if (j == idx || graph->visit[pending[j]] == graph->visit_gen)
			continue;
		PGM_CHECK_INTERRUPTS();
		graph->visit[pending[j]] = graph->visit_gen;
		graph->stack[depth++] = pending[j];
		while (depth > 0)
		{
			PgmRevision *rev = &graph->revs[graph->stack[--depth]];
			int			i;

			for (i = 0; i < rev->nparents + rev->ndeps; i++)
			{
				int			w = i < rev->nparents ? rev->parents[i] :
				rev->deps[i - rev->nparents];

				if (w == cand)
					return j;
				if (!in_walk[w] || emitted[w] || graph->topo[w] < floor ||
					graph->visit[w] == graph->visit_gen)
					continue;
				graph->visit[w] = graph->visit_gen;
				graph->stack[depth++] = w;
			}
		}
	}
	pgm_core_error(PGM_ERR_INTERNAL, NULL, NULL,
			  "ordering walk found no pending revision above \"%s\"",
			  graph->revs[cand].id);
}

/*
 * The ordering walk described at the top of this file.  in_set marks the
 * revisions to process, start lists the start points (any order; they are
 * sorted by registration order).  Writes the downgrade order into out[]
 * and returns its length.
 *
 * The walk's test "another pending entry has cand among its ancestors
 * (within the set)" is answered without searching.  Let S be the revisions
 * of the set reachable from the start points within the set; every
 * pending entry is in S.  An emitted revision never has an unemitted one
 * of S above it: when it was emitted no pending entry reached it, and
 * every unemitted revision of S lies below some pending entry.  So cand
 * is needed by a pending entry exactly when one of its children or
 * dependents in S is not emitted yet, which a counter per revision
 * (blockers[]) tracks in O(1).  Only when cand is blocked does the walk
 * search for the first pending entry above it (first_pending_above) and
 * switch to it, as the description says.  The whole walk is then linear
 * in the size of S plus the cost of those searches.
 */
int
pgm_walk_order(PgmGraph *graph, const bool *in_set, const int *start,
			   int nstart, int *out)
{
	int			n = graph->nrevs;
	int		   *pending = palloc(sizeof(int) * Max(n, 1));
	bool	   *emitted = palloc0(Max(n, 1));
	bool	   *in_pending = palloc0(Max(n, 1));
	bool	   *in_walk = palloc0(Max(n, 1));
	int		   *blockers = palloc0(sizeof(int) * Max(n, 1));
	int			npending = 0;
	int			idx = 0;
	int			nout = 0;
	int			depth = 0;
	int			i;

	/* the start points in the set, in registration order */
	for (i = 0; i < nstart; i++)
		in_pending[start[i]] = in_set[start[i]];
	for (i = 0; i < n; i++)
		if (in_pending[i])
		{
			pending[npending++] = i;
			in_walk[i] = true;
			graph->stack[depth++] = i;
		}

	/* S, and for each member the number of its edges from members of S */
	while (depth > 0)
	{
		PgmRevision *rev = &graph->revs[graph->stack[--depth]];

		for (i = 0; i < rev->nparents + rev->ndeps; i++)
		{
			int			w = i < rev->nparents ? rev->parents[i] :
			rev->deps[i - rev->nparents];

			if (!in_set[w])
				continue;
			blockers[w]++;
			if (!in_walk[w])
			{
				in_walk[w] = true;
				graph->stack[depth++] = w;
			}
		}
	}

	while (npending > 0)
	{
		int			cand = pending[idx];
		PgmRevision *rev = &graph->revs[cand];
		int			first = -1;
		int			j;

		PGM_CHECK_INTERRUPTS();

		if (blockers[cand] > 0)
		{
			idx = first_pending_above(graph, cand, pending, npending,
									  in_walk, emitted, idx);
			continue;
		}

		emitted[cand] = true;
		out[nout++] = cand;

		in_pending[cand] = false;
		for (j = 0; j < rev->nparents + rev->ndeps; j++)
		{
			int			w = j < rev->nparents ? rev->parents[j] :
			rev->deps[j - rev->nparents];

			if (!in_set[w])
				continue;
			blockers[w]--;
			if (emitted[w] || in_pending[w])
				continue;
			in_pending[w] = true;
			if (first < 0)
			{
				first = w;
				pending[idx] = w;
			}
			else
				pending[npending++] = w;
		}
		if (first < 0)
		{
			/* nothing below cand: drop it */
			memmove(&pending[idx], &pending[idx + 1],
					sizeof(int) * (npending - idx - 1));
			npending--;
			idx = Max(idx - 1, 0);
		}
	}

	pfree(pending);
	pfree(emitted);
	pfree(in_pending);
	pfree(in_walk);
	pfree(blockers);
	return nout;
}
