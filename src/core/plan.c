/*-------------------------------------------------------------------------
 *
 * plan.c
 *	  Turn (applied set, target) into the ordered steps of an upgrade,
 *	  downgrade or stamp.
 *
 * upgrade: the revisions to run are the ancestors of the target (through
 * parents and dependencies) that are not applied; the ordering walk starts
 * from the target revisions and the upgrade runs its reverse.
 *
 * downgrade: the revisions to revert are those above the target's children
 * through parent edges and, transitively, what depends on a reverted
 * revision (with what lies above it); a target written with "@", or "-N",
 * only starts from children in its lineage.  Everything for "base"; the
 * lineage's roots and what hangs on them for "x@base".  The walk starts
 * from the current tips.
 *
 * stamp: the target revisions replace every current tip that is one of
 * them, below one of them or above one of them through parent or
 * dependency edges, and the result is normalized to a consistent set; the
 * steps list the revisions that stop being applied, then those that start
 * being applied.
 *
 * IDENTIFICATION
 *	  src/core/plan.c
 *
 *-------------------------------------------------------------------------
 */
#include "core_int.h"

static PgmPlan *
new_plan(PgmGraph *graph, const bool *applied)
{
	PgmPlan    *plan = palloc0(sizeof(PgmPlan));

	plan->steps = palloc(sizeof(PgmStep) * Max(graph->nrevs * 2, 1));
	plan->new_applied = palloc(Max(graph->nrevs, 1));
	memcpy(plan->new_applied, applied, graph->nrevs);
	return plan;
}

/* append the walk of in_set from start, forwards or reversed */
static void
add_walk(PgmGraph *graph, PgmPlan *plan, const bool *in_set, const int *start,
		 int nstart, PgmDirection direction, bool reversed)
{
	int		   *order = PGM_ALLOC_N(int, graph->nrevs);
	int			n = pgm_walk_order(graph, in_set, start, nstart, order);
	int			i;

	for (i = 0; i < n; i++)
	{
		PgmStep    *step = &plan->steps[plan->nsteps++];

		step->rev = reversed ? order[n - 1 - i] : order[i];
		step->direction = direction;
	}
	pfree(order);
}

PgmPlan *
pgm_plan_upgrade(PgmGraph *graph, const bool *applied, PgmTarget *target)
{
	PgmPlan    *plan = new_plan(graph, applied);
	bool	   *todo;
	int			i;

	if (target->kind != PGM_TARGET_REVS || target->nrevs == 0)
		return plan;			/* base and x@base need nothing applied */

	todo = PGM_ALLOC0_N(bool, graph->nrevs);
	pgm_ancestors(graph, target->revs, target->nrevs, true, todo);
	for (i = 0; i < graph->nrevs; i++)
	{
		todo[i] = todo[i] && !applied[i];
		if (todo[i])
			plan->new_applied[i] = true;
	}
	add_walk(graph, plan, todo, target->revs, target->nrevs, PGM_UP, true);
	return plan;
}

/*
 * Refuse a downgrade target that has nothing to revert and lies on no
 * current tip's parent lineage: it is applied only because something
 * depends on it, so "downgrading to it" cannot mean anything.  (A target
 * below a tip through parent edges with nothing to revert, as in a
 * lineage-restricted downgrade, is a no-op.)
 */
static void
check_downgrade_target(PgmGraph *graph, const bool *applied, int rev)
{
	bool	   *lineage = PGM_ALLOC0_N(bool, graph->nrevs);
	int			ntips;
	int		   *tips = pgm_tips(graph, applied, &ntips);

	pgm_ancestors(graph, tips, ntips, false, lineage);
	if (lineage[rev])
		return;
	pgm_core_error(PGM_ERR_INVALID_PARAMETER,
			  psprintf("It is applied only because a revision depends on it, and it is on the parent lineage of no current revision (%s).",
					   pgm_format_revs(graph, tips, ntips)),
			  "Downgrade the revision that depends on it, or use stamp() to rewrite the version state.",
			  "revision \"%s\" is not a valid downgrade target from the current state",
			  graph->revs[rev].id);
}

/*
 * downgrade(T) reverts the applied revisions above T's children (those in
 * the target's lineage, when it has one) through parent edges and,
 * transitively, whatever depends on a reverted revision with everything
 * above it: one traversal through parent and dependency edges from those
 * children.  T and its ancestors stay; a revision that depends on T itself
 * stays too.
 */
PgmPlan *
pgm_plan_downgrade(PgmGraph *graph, const bool *applied, PgmTarget *target)
{
	PgmPlan    *plan = new_plan(graph, applied);
	bool	   *todo = PGM_ALLOC0_N(bool, graph->nrevs);
	int		   *tips;
	int			ntips;
	int			i,
				j;
	bool		any = false;

	switch (target->kind)
	{
		case PGM_TARGET_REVS:
			{
				bool	   *keep = PGM_ALLOC0_N(bool, graph->nrevs);
				int		   *roots = PGM_ALLOC_N(int, graph->nrevs);
				bool	   *is_root = PGM_ALLOC0_N(bool, graph->nrevs);
				int			nroots = 0;

				for (i = 0; i < target->nrevs; i++)
				{
					PgmRevision *rev = &graph->revs[target->revs[i]];

					if (!applied[target->revs[i]])
						pgm_core_error(PGM_ERR_INVALID_PARAMETER,
								  psprintf("It is not applied in project \"%s\".",
										   graph->project),
								  "Use upgrade() to move forward, or stamp() to rewrite the version state.",
								  "revision \"%s\" is not a valid downgrade target from the current state",
								  rev->id);
					for (j = 0; j < rev->nchildren; j++)
					{
						int			c = rev->children[j];

						if (!is_root[c] && (!target->lineage || target->lineage[c]))
						{
							is_root[c] = true;
							roots[nroots++] = c;
						}
					}
				}
				pgm_descendants(graph, roots, nroots, true, todo);
				pgm_ancestors(graph, target->revs, target->nrevs, true, keep);
				for (i = 0; i < graph->nrevs; i++)
				{
					todo[i] = todo[i] && !keep[i] && applied[i];
					any = any || todo[i];
				}
				if (!any)
					for (i = 0; i < target->nrevs; i++)
						check_downgrade_target(graph, applied, target->revs[i]);
				break;
			}
		case PGM_TARGET_BASE:
			memset(todo, true, graph->nrevs);
			break;
		case PGM_TARGET_BELOW:
			pgm_descendants(graph, target->revs, target->nrevs, true, todo);
			break;
	}
	for (i = 0; i < graph->nrevs; i++)
	{
		todo[i] = todo[i] && applied[i];
		if (todo[i])
			plan->new_applied[i] = false;
	}
	tips = pgm_tips(graph, applied, &ntips);
	add_walk(graph, plan, todo, tips, ntips, PGM_DOWN, false);
	return plan;
}

/*
 * Remove from tip[] every tip that is one of revs, lies below one of them
 * or above one of them, through parent or dependency edges.
 */
static void
remove_related_tips(PgmGraph *graph, const int *revs, int nrevs, bool *tip)
{
	bool	   *below = PGM_ALLOC0_N(bool, graph->nrevs);
	bool	   *above = PGM_ALLOC0_N(bool, graph->nrevs);
	int			i;

	/* separately: a traversal does not expand what another one marked */
	pgm_ancestors(graph, revs, nrevs, true, below);
	pgm_descendants(graph, revs, nrevs, true, above);
	for (i = 0; i < graph->nrevs; i++)
		if (below[i] || above[i])
			tip[i] = false;
	pfree(below);
	pfree(above);
}

PgmPlan *
pgm_plan_stamp(PgmGraph *graph, const bool *applied, PgmTarget *target,
			   bool purge)
{
	PgmPlan    *plan = new_plan(graph, applied);
	bool	   *tip = PGM_ALLOC0_N(bool, graph->nrevs);
	bool	   *diff = palloc(Max(graph->nrevs, 1));
	int		   *tips;
	int			ntips;
	int			i,
				j;

	if (!purge)
	{
		tips = pgm_tips(graph, applied, &ntips);
		for (i = 0; i < ntips; i++)
			tip[tips[i]] = true;
	}

	switch (target->kind)
	{
		case PGM_TARGET_BASE:
			memset(tip, false, graph->nrevs);
			break;
		case PGM_TARGET_BELOW:
			/* "x@base": the tips stamp(x) would replace go, nothing comes */
			if (target->anchor >= 0)
				remove_related_tips(graph, &target->anchor, 1, tip);
			else
				memset(tip, false, graph->nrevs);
			break;
		case PGM_TARGET_REVS:
			remove_related_tips(graph, target->revs, target->nrevs, tip);
			/* added only now, so that the higher of two on a line wins */
			for (j = 0; j < target->nrevs; j++)
				tip[target->revs[j]] = true;
			break;
	}

	/* the new applied set: the closure of the remaining tips */
	memset(plan->new_applied, false, graph->nrevs);
	pgm_closure(graph, tip, plan->new_applied);

	/* revisions that stop being applied, in downgrade order */
	for (i = 0; i < graph->nrevs; i++)
		diff[i] = applied[i] && !plan->new_applied[i];
	tips = pgm_tips(graph, applied, &ntips);
	add_walk(graph, plan, diff, tips, ntips, PGM_UNSTAMP, false);

	/* revisions that start being applied, in upgrade order */
	for (i = 0; i < graph->nrevs; i++)
		diff[i] = plan->new_applied[i] && !applied[i];
	tips = pgm_tips(graph, plan->new_applied, &ntips);
	add_walk(graph, plan, diff, tips, ntips, PGM_STAMP, true);

	return plan;
}

/*
 * The plan that plan() shows: relative forms and "base" decide the
 * direction themselves; otherwise upgrade when that would do anything,
 * else downgrade to an applied target.
 */
PgmPlan *
pgm_plan_auto(PgmGraph *graph, const bool *applied, const char *target_text)
{
	PgmTarget  *target = pgm_resolve_target(graph, applied, target_text,
											PGM_MODE_ANY);
	PgmPlan    *plan;
	int			i;
	bool		all_applied = true;

	if (target->relative_down)
		return pgm_plan_downgrade(graph, applied, target);
	if (target->kind == PGM_TARGET_BASE || target->kind == PGM_TARGET_BELOW)
		return pgm_plan_downgrade(graph, applied, target);

	plan = pgm_plan_upgrade(graph, applied, target);
	if (plan->nsteps > 0 || target->relative_up)
		return plan;
	for (i = 0; i < target->nrevs; i++)
		if (!applied[target->revs[i]])
			all_applied = false;
	if (!all_applied)
		return plan;

	/* an applied target: what downgrade() would do, or its refusal */
	return pgm_plan_downgrade(graph, applied, target);
}

/*
 * The applied set a script range "lower:upper" starts from: nothing for an
 * empty lower end or "base", the current state for "current", otherwise
 * the lower end and everything below it.
 */
bool *
pgm_range_start(PgmGraph *graph, const bool *applied, const char *lower)
{
	bool	   *from = PGM_ALLOC0_N(bool, graph->nrevs);

	if (strcmp(lower, "current") == 0)
		memcpy(from, applied, graph->nrevs);
	else if (lower[0] != '\0' && strcmp(lower, "base") != 0)
	{
		PgmTarget  *t = pgm_resolve_target(graph, applied, lower,
										   PGM_MODE_ANY);

		pgm_ancestors(graph, t->revs, t->nrevs, true, from);
	}
	return from;
}

/*
 * The plan of script(): a target, or a range "from:to" that starts from
 * the state where "from" is applied instead of the current state (an
 * empty upper end means "heads").  A downgrade through an irreversible
 * revision is refused.
 */
PgmPlan *
pgm_plan_script(PgmGraph *graph, const bool *applied, const char *target)
{
	const char *colon = strchr(target, ':');
	const bool *from = applied;
	const char *to = target;
	PgmPlan    *plan;

	if (colon)
	{
		to = colon + 1;
		if (to[0] == '\0')
			to = "heads";
		if (strchr(to, ':'))
			pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL,
						   "A range has the form \"from:to\".",
						   "invalid range \"%s\"", target);
		from = pgm_range_start(graph, applied, pnstrdup(target, colon - target));
	}
	plan = pgm_plan_auto(graph, from, to);
	pgm_check_reversible(graph, plan);
	return plan;
}

/* Refuse, before anything runs, a downgrade through an irreversible revision. */
void
pgm_check_reversible(PgmGraph *graph, PgmPlan *plan)
{
	int			i;

	for (i = 0; i < plan->nsteps; i++)
	{
		PgmRevision *rev = &graph->revs[plan->steps[i].rev];

		if (plan->steps[i].direction == PGM_DOWN && !rev->has_down)
			pgm_core_error(PGM_ERR_NOT_IN_STATE,
					  "It has no down script, and the downgrade would have to revert it.",
					  "Downgrade to a revision above it, or use stamp() to rewrite the version state without running SQL.",
					  "revision \"%s\" is irreversible", rev->id);
	}
}

const char *
pgm_direction_name(PgmDirection direction)
{
	switch (direction)
	{
		case PGM_UP:
			return "up";
		case PGM_DOWN:
			return "down";
		case PGM_STAMP:
			return "stamp";
		case PGM_UNSTAMP:
			return "unstamp";
		case PGM_UNREGISTER:
			return "unregister";
		case PGM_ACCEPT_SCHEMA:
			return "accept_schema";
		case PGM_SET_SCOPE:
			return "set_scope";
		case PGM_SET_SEARCH_PATH:
			return "set_search_path";
		case PGM_RECONCILE:
			return "reconcile";
	}
	return "?";
}

const char *
pgm_exec_class_name(PgmExecClass cls)
{
	return cls == PGM_EXEC_NONTRANSACTIONAL ? "nontransactional" : "transactional";
}
