/*-------------------------------------------------------------------------
 *
 * target.c
 *	  The target language: parse and resolve "head", "heads", "base",
 *	  ids, prefixes, branch labels, "x@head", "x@base", "x@rev", and the
 *	  relative forms "+N", "-N", "x+N", "x@+N", "x@-N", "head-N", "base+N".
 *
 * The rules are those of docs/revision-graph.md sections 3 and 5.  Resolution
 * is pure: it reads the graph and the applied set and returns a PgmTarget.
 *
 * Name resolution: an exact revision id or branch label always wins.
 * Otherwise the name must be a case-sensitive prefix of exactly one
 * candidate among the ids and labels longer than three characters (an id
 * and a label of the same revision are two candidates).
 *
 * Relative walks move along parent edges only.  Walking up, every step
 * must have exactly one child (none: out of range, several: ambiguous);
 * walks inside a lineage ("x@+N", "x@base+N") only consider children in
 * it.  Walking down, a merge point is ambiguous and a base steps to "below
 * the bases"; one more step is out of range.
 *
 * The lineage of a label (or of a revision standing in for one) is the
 * revision, its ancestors and its descendants through parent edges.
 * "x@+N" and "x@-N" start from the highest applied revision of x's
 * lineage.  A target written with "@", and "-N", carries its lineage, so
 * that a downgrade to it moves that lineage only (see plan.c).
 *
 * IDENTIFICATION
 *	  src/core/target.c
 *
 *-------------------------------------------------------------------------
 */
#include "core_int.h"

#include <limits.h>

/* the characters of revision ids and branch labels */
#define ID_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."

#define BELOW_BASE (-1)

typedef struct Candidate
{
	const char *name;
	int			rev;
	int			score;
} Candidate;

static PgmTarget *make_target(PgmTargetKind kind, const int *revs, int nrevs);
static bool parse_count(const char *s, int *count);
static bool split_relative(const char *s, char **base, char *sign, int *count);
static int	single_head(PgmGraph *graph, const char *target, const int *heads,
						int nheads);
static int	walk_up(PgmGraph *graph, int start, int count, const bool *allowed,
					const char *target);
static int	walk_down(PgmGraph *graph, int start, int count, const char *target);
static int	single_tip(PgmGraph *graph, const bool *applied,
					   const char *target);
static int	highest_applied(PgmGraph *graph, const bool *applied,
							const bool *lineage, const char *target,
							const char *branch);
static int *lineage_heads(PgmGraph *graph, const bool *lineage, int *n);
static PgmTarget *resolve_branch(PgmGraph *graph, const bool *applied,
								 const char *target, const char *branch,
								 const char *rest, PgmTargetMode mode);
static void report_unknown(PgmGraph *graph, const char *name);
static int	candidate_cmp(const void *a, const void *b);

static PgmTarget *
make_target(PgmTargetKind kind, const int *revs, int nrevs)
{
	PgmTarget  *t = palloc0(sizeof(PgmTarget));

	t->kind = kind;
	t->revs = PGM_ALLOC_N(int, nrevs);
	if (nrevs > 0)
		memcpy(t->revs, revs, sizeof(int) * nrevs);
	t->nrevs = nrevs;
	t->anchor = -1;
	return t;
}

/* A relative step count: decimal digits only, at least 1. */
static bool
parse_count(const char *s, int *count)
{
	long		v = 0;
	const char *p;

	if (*s == '\0')
		return false;
	for (p = s; *p; p++)
	{
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
		if (v > INT_MAX)
			return false;
	}
	*count = (int) v;
	return true;
}

/*
 * Split "x+N" / "x-N" into its parts.  The sign is the last '+' or '-'
 * followed only by digits.
 */
static bool
split_relative(const char *s, char **base, char *sign, int *count)
{
	const char *p = s + strlen(s);

	while (p > s && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == s || (p[-1] != '+' && p[-1] != '-') || *p == '\0')
		return false;
	if (!parse_count(p, count))
		return false;
	*sign = p[-1];
	*base = pnstrdup(s, p - 1 - s);
	return true;
}

/*
 * Refuse a target that no graph could resolve, as malformed (22023) rather
 * than as an unknown revision: an empty string, characters outside the
 * target language, a sign without a count, or a count that does not fit.
 * Everything that gets past here is safe to quote in a message.
 */
static void
check_target_syntax(const char *target)
{
	const char *digits;

	if (target[0] == '\0')
		pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL,
				  "Use \"heads\", \"head\", \"base\", a revision id, a branch label or a relative target such as \"+1\".",
				  "target must not be empty");
	if (strspn(target, ID_CHARS "@+:") != strlen(target))
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  "A target consists of revision ids, branch labels, the words head, heads, base and current, \"@\", \":\" and relative steps \"+N\" or \"-N\".",
				  NULL, "invalid target %s", pgm_display(target));

	/* a leading sign: the rest must be a step count */
	if (target[0] == '+' || target[0] == '-')
	{
		int			count;

		if (!parse_count(target + 1, &count))
			pgm_core_error(PGM_ERR_INVALID_PARAMETER,
					  psprintf("A relative target is \"+N\" or \"-N\" with N between 1 and %d.",
							   INT_MAX), NULL,
					  "invalid relative target \"%s\"", target);
	}

	/* a trailing "+digits" (ids cannot contain '+'): the count must fit */
	digits = target + strlen(target);
	while (digits > target && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (digits > target && digits[-1] == '+' && *digits != '\0')
	{
		int			count;

		if (!parse_count(digits, &count))
			pgm_core_error(PGM_ERR_INVALID_PARAMETER,
					  psprintf("A relative step count is at most %d.", INT_MAX),
					  NULL, "invalid relative target \"%s\"", target);
	}
	if (digits > target && digits[-1] == '+' && *digits == '\0')
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  "A \"+\" must be followed by a step count.", NULL,
				  "invalid relative target \"%s\"", target);
}

static void
check_count(const char *target, int count)
{
	if (count < 1)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  "A relative step count must be at least 1.", NULL,
				  "relative target \"%s\" is out of range", target);
}

/* "+N" is an upgrade's and "-N" a downgrade's; stamp and plan take both */
static void
check_direction(const char *target, char sign, int count, PgmTargetMode mode)
{
	check_count(target, count);
	if ((sign == '+' && mode == PGM_MODE_DOWNGRADE) ||
		(sign == '-' && mode == PGM_MODE_UPGRADE))
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  mode == PGM_MODE_UPGRADE ? "An upgrade moves the other way." :
				  "A downgrade moves the other way.", NULL,
				  "relative target \"%s\" is out of range", target);
}

static int
candidate_cmp(const void *a, const void *b)
{
	const Candidate *ca = a;
	const Candidate *cb = b;

	if (ca->score != cb->score)
		return ca->score - cb->score;
	return strcmp(ca->name, cb->name);
}

/* Raise "unknown revision" with the closest registered names as a hint. */
static void
report_unknown(PgmGraph *graph, const char *name)
{
	int			ncand = graph->nrevs + graph->nlabels;
	Candidate  *cands = PGM_ALLOC_N(Candidate, ncand);
	int			n = 0;
	int			i;
	int			len = strlen(name);
	StringInfoData hint;

	for (i = 0; i < ncand && len <= 2 * PGM_MAX_ID_LEN; i++)
	{
		const char *cand = i < graph->nrevs ? graph->revs[i].id :
		graph->labels[i - graph->nrevs].label;
		int			clen = strlen(cand);
		int			score;
		int			maxd = Max(2, Min(len, clen) / 3);

		if (pg_strncasecmp(cand, name, len) == 0)
			score = 0;			/* case mismatch of a prefix */
		else
		{
			/* a typo in the whole name, or in a prefix of it */
			int			pmaxd = Max(1, len / 4);
			int			pd = (clen > len && len >= 3) ?
				pgm_levenshtein(name, len, cand, len, pmaxd) : pmaxd + 1;

			score = pgm_levenshtein(name, len, cand, clen, maxd);
			if (score > maxd && pd > pmaxd)
				continue;
			score = 1 + Min(score > maxd ? INT_MAX - 1 : score,
							pd > pmaxd ? INT_MAX - 1 : pd);
		}
		cands[n].name = cand;
		cands[n].score = score;
		cands[n].rev = i;
		n++;
	}
	if (n == 0)
		pgm_core_error(PGM_ERR_UNDEFINED_OBJECT, NULL, NULL,
				  "revision \"%s\" is not registered in project \"%s\"",
				  name, graph->project);
	qsort(cands, n, sizeof(Candidate), candidate_cmp);
	initStringInfo(&hint);
	appendStringInfoString(&hint, "Perhaps you meant ");
	for (i = 0; i < n && i < 3; i++)
		appendStringInfo(&hint, "%s\"%s\"", i == 0 ? "" : (i == n - 1 || i == 2) ? " or " : ", ",
						 cands[i].name);
	appendStringInfoChar(&hint, '.');
	pgm_core_error(PGM_ERR_UNDEFINED_OBJECT, NULL, hint.data,
			  "revision \"%s\" is not registered in project \"%s\"",
			  name, graph->project);
}

/*
 * Resolve a revision id, branch label or unique prefix to a revision.
 */
int
pgm_resolve_revision(PgmGraph *graph, const char *name)
{
	int			rev;
	int			len = strlen(name);
	int			i;
	const char **matches;
	int			nmatches = 0;
	int			match_rev = -1;

	if (len == 0 || len > PGM_MAX_ID_LEN ||
		strspn(name, ID_CHARS) != (size_t) len)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  psprintf("Revision ids and branch labels have 1 to %d letters, digits, \"_\", \"-\" or \".\".",
						   PGM_MAX_ID_LEN), NULL,
				  "invalid revision name %s", pgm_display(name));
	rev = pgm_graph_find_id(graph, name);
	if (rev >= 0)
		return rev;
	rev = pgm_graph_find_label(graph, name);
	if (rev >= 0)
		return rev;

	matches = PGM_ALLOC_N(const char *, graph->nrevs + graph->nlabels);
	for (i = 0; i < graph->nrevs; i++)
	{
		const char *id = graph->revs[i].id;

		if (strlen(id) > 3 && strncmp(id, name, len) == 0)
		{
			matches[nmatches++] = id;
			match_rev = i;
		}
	}
	for (i = 0; i < graph->nlabels; i++)
	{
		const char *label = graph->labels[i].label;

		if (strlen(label) > 3 && strncmp(label, name, len) == 0)
		{
			matches[nmatches++] = label;
			match_rev = graph->labels[i].rev;
		}
	}
	if (nmatches == 1)
		return match_rev;
	if (nmatches > 1)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  psprintf("It matches %s.", pgm_format_names(matches, nmatches)),
				  "Use more characters of the revision id or branch label.",
				  "revision prefix \"%s\" is ambiguous", name);
	report_unknown(graph, name);
	return -1;					/* keep compiler quiet */
}

static int
single_head(PgmGraph *graph, const char *target, const int *heads, int nheads)
{
	if (nheads > 1)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  psprintf("The heads are %s.",
						   pgm_format_revs(graph, heads, nheads)),
				  "Name a revision, use \"<branch>@head\", or use \"heads\".",
				  "target \"%s\" matches multiple head revisions", target);
	if (nheads == 0)
		return BELOW_BASE;
	return heads[0];
}

static void
report_ambiguous_walk(PgmGraph *graph, const char *target, int at,
					  const int *revs, int nrevs, bool up)
{
	char	   *names = pgm_format_revs(graph, revs, nrevs);

	if (at == BELOW_BASE)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  psprintf("There are several bases: %s.", names),
				  "Start from a revision or a branch, e.g. \"<rev>+N\" or \"<branch>@base+N\".",
				  "relative target \"%s\" is ambiguous", target);
	pgm_core_error(PGM_ERR_INVALID_PARAMETER,
			  up ?
			  psprintf("Revision \"%s\" is a branch point with children %s.",
					   graph->revs[at].id, names) :
			  psprintf("Revision \"%s\" is a merge point with parents %s.",
					   graph->revs[at].id, names),
			  psprintf("Name the branch, e.g. \"<branch>@%s\", or name a revision.",
					   up ? "+N" : "-N"),
			  "relative target \"%s\" is ambiguous", target);
}

/*
 * Walk "count" steps up parent edges from start (BELOW_BASE: below the
 * bases).  allowed, when given, restricts the children considered.
 */
static int
walk_up(PgmGraph *graph, int start, int count, const bool *allowed,
		const char *target)
{
	int			cur = start;
	int			step;
	int		   *cands = PGM_ALLOC_N(int, graph->nrevs);

	for (step = 0; step < count; step++)
	{
		int			ncands = 0;
		int			i;

		if (cur == BELOW_BASE)
		{
			for (i = 0; i < graph->nrevs; i++)
				if (graph->revs[i].nparents == 0 && (!allowed || allowed[i]))
					cands[ncands++] = i;
		}
		else
		{
			PgmRevision *rev = &graph->revs[cur];

			for (i = 0; i < rev->nchildren; i++)
				if (!allowed || allowed[rev->children[i]])
					cands[ncands++] = rev->children[i];
		}
		if (ncands == 0)
			pgm_core_error(PGM_ERR_INVALID_PARAMETER,
					  cur == BELOW_BASE ?
					  "There is no revision to walk to." :
					  psprintf("Revision \"%s\" has no child; the walk stopped after %d of %d steps.",
							   graph->revs[cur].id, step, count),
					  NULL,
					  "relative target \"%s\" is out of range", target);
		if (ncands > 1)
			report_ambiguous_walk(graph, target, cur, cands, ncands, true);
		cur = cands[0];
	}
	pfree(cands);
	return cur;
}

/* Walk "count" steps down parent edges; may end below the bases. */
static int
walk_down(PgmGraph *graph, int start, int count, const char *target)
{
	int			cur = start;
	int			step;

	for (step = 0; step < count; step++)
	{
		PgmRevision *rev;

		if (cur == BELOW_BASE)
			pgm_core_error(PGM_ERR_INVALID_PARAMETER,
					  psprintf("The walk went below the base after %d of %d steps.",
							   step, count), NULL,
					  "relative target \"%s\" is out of range", target);
		rev = &graph->revs[cur];
		if (rev->nparents > 1)
			report_ambiguous_walk(graph, target, cur, rev->parents,
								  rev->nparents, false);
		cur = rev->nparents == 0 ? BELOW_BASE : rev->parents[0];
	}
	return cur;
}

static PgmTarget *
target_for(int rev)
{
	if (rev == BELOW_BASE)
		return make_target(PGM_TARGET_BASE, NULL, 0);
	return make_target(PGM_TARGET_REVS, &rev, 1);
}

/*
 * A target reached inside a lineage: a downgrade to it only reverts what
 * lies in that lineage (and what depends on it).  Below the bases it
 * stands for the lineage's bases, as "anchor@base" does.
 */
static PgmTarget *
lineage_target(PgmGraph *graph, int rev, int anchor, bool *lineage)
{
	PgmTarget  *t;

	if (rev == BELOW_BASE)
	{
		int		   *roots = PGM_ALLOC_N(int, graph->nrevs);
		int			nroots = 0;
		int			i;

		for (i = 0; i < graph->nrevs; i++)
			if (lineage[i] && graph->revs[i].nparents == 0)
				roots[nroots++] = i;
		t = make_target(PGM_TARGET_BELOW, roots, nroots);
		pfree(roots);
	}
	else
		t = target_for(rev);
	t->lineage = lineage;
	t->anchor = anchor;
	return t;
}

/* the only current tip, or BELOW_BASE when nothing is applied */
static int
single_tip(PgmGraph *graph, const bool *applied, const char *target)
{
	int			ntips;
	int		   *tips = pgm_tips(graph, applied, &ntips);

	if (ntips > 1)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  psprintf("The current revisions are %s.",
						   pgm_format_revs(graph, tips, ntips)),
				  psprintf("Name the branch to move, e.g. \"<label>@%s\".", target),
				  "relative target \"%s\" is ambiguous with several current revisions",
				  target);
	if (ntips == 0)
		return BELOW_BASE;
	return tips[0];
}

/*
 * The highest applied revision of a lineage, where "<label>@+N" and
 * "<label>@-N" start: the applied members of the lineage that no other
 * applied member lies above, through parent or dependency edges.  It may
 * be applied only because something outside the lineage depends on it.
 * BELOW_BASE when nothing of the lineage is applied; several are
 * ambiguous.
 */
static int
highest_applied(PgmGraph *graph, const bool *applied, const bool *lineage,
				const char *target, const char *branch)
{
	bool	   *covered = PGM_ALLOC0_N(bool, graph->nrevs);
	int		   *found = PGM_ALLOC_N(int, graph->nrevs);
	int			nfound = 0;
	int			i;

	/* everything below an applied member (ancestors accumulate safely) */
	for (i = 0; i < graph->nrevs; i++)
		if (applied[i] && lineage[i])
		{
			PgmRevision *rev = &graph->revs[i];

			pgm_ancestors(graph, rev->parents, rev->nparents, true, covered);
			pgm_ancestors(graph, rev->deps, rev->ndeps, true, covered);
		}
	for (i = 0; i < graph->nrevs; i++)
		if (applied[i] && lineage[i] && !covered[i])
			found[nfound++] = i;
	pfree(covered);
	if (nfound > 1)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  psprintf("The lineage of \"%s\" has several highest applied revisions: %s.",
						   branch, pgm_format_revs(graph, found, nfound)),
				  "Name a branch whose lineage holds only one of them, or name a revision.",
				  "relative target \"%s\" is ambiguous", target);
	return nfound == 0 ? BELOW_BASE : found[0];
}

/* the heads of a lineage: its members without a child */
static int *
lineage_heads(PgmGraph *graph, const bool *lineage, int *n)
{
	int		   *heads = PGM_ALLOC_N(int, graph->nrevs);
	int			i;

	*n = 0;
	for (i = 0; i < graph->nrevs; i++)
		if (lineage[i] && graph->revs[i].nchildren == 0)
			heads[(*n)++] = i;
	return heads;
}

/* "branch@+N" and "branch@-N", from the lineage's highest applied revision */
static PgmTarget *
branch_relative(PgmGraph *graph, const bool *applied, const char *target,
				const char *branch, const char *rest, PgmTargetMode mode,
				int r, bool *lineage)
{
	int			count;
	int			start;
	PgmTarget  *t;

	if (!parse_count(rest + 1, &count))
		pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL,
				  "Write \"<branch>@+N\" or \"<branch>@-N\" with a whole number N.",
				  "invalid relative target \"%s\"", target);
	check_direction(target, rest[0], count, mode);
	start = highest_applied(graph, applied, lineage, target, branch);
	if (rest[0] == '+')
	{
		/* from there (or below the lineage's bases) towards r */
		t = target_for(walk_up(graph, start, count, lineage, target));
		t->relative_up = true;
		return t;
	}
	if (start == BELOW_BASE)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  psprintf("No revision of the lineage of \"%s\" is applied.",
						   branch), NULL,
				  "relative target \"%s\" is out of range", target);
	t = lineage_target(graph, walk_down(graph, start, count, target),
					   r, lineage);
	t->relative_down = true;
	return t;
}

/*
 * "branch@rest": branch is a label or revision naming a lineage.
 */
static PgmTarget *
resolve_branch(PgmGraph *graph, const bool *applied, const char *target,
			   const char *branch, const char *rest, PgmTargetMode mode)
{
	int			r = pgm_resolve_revision(graph, branch);
	bool	   *lineage = PGM_ALLOC0_N(bool, graph->nrevs);
	char	   *sym;
	char		sign;
	int			count;
	int			nheads;
	int		   *heads;

	pgm_lineage(graph, r, lineage);

	if (strcmp(rest, "head") == 0 || strcmp(rest, "heads") == 0)
	{
		PgmTarget  *t;

		heads = lineage_heads(graph, lineage, &nheads);
		if (rest[4] != 's')
			return lineage_target(graph,
								  single_head(graph, target, heads, nheads),
								  r, lineage);
		t = make_target(PGM_TARGET_REVS, heads, nheads);
		t->lineage = lineage;
		t->anchor = r;
		return t;
	}
	if (strcmp(rest, "base") == 0)
		return lineage_target(graph, BELOW_BASE, r, lineage);
	if (rest[0] == '+' || rest[0] == '-')
		return branch_relative(graph, applied, target, branch, rest, mode,
							   r, lineage);
	if (split_relative(rest, &sym, &sign, &count) &&
		(strcmp(sym, "head") == 0 || strcmp(sym, "base") == 0))
	{
		check_count(target, count);
		if (sym[0] == 'h' && sign == '-')
		{
			heads = lineage_heads(graph, lineage, &nheads);
			return lineage_target(graph,
								  walk_down(graph,
											single_head(graph, target,
														heads, nheads),
											count, target),
								  r, lineage);
		}
		if (sym[0] == 'b' && sign == '+')
			return lineage_target(graph,
								  walk_up(graph, BELOW_BASE, count, lineage, target),
								  r, lineage);
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  sym[0] == 'h' ? "Nothing lies above a head." :
				  "Nothing lies below the base.", NULL,
				  "relative target \"%s\" is out of range", target);
	}

	/* branch@rev: rev must be in the lineage */
	{
		int			r2 = pgm_resolve_revision(graph, rest);

		if (!lineage[r2])
			pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL, NULL,
					  "revision \"%s\" is not a member of branch \"%s\"",
					  graph->revs[r2].id, branch);
		return lineage_target(graph, r2, r, lineage);
	}
}

/* "+N" / "-N": relative to the current version set */
static PgmTarget *
resolve_current_relative(PgmGraph *graph, const bool *applied,
						 const char *target, int count, PgmTargetMode mode)
{
	int			start;
	PgmTarget  *t;
	bool	   *lineage;

	check_direction(target, target[0], count, mode);
	start = single_tip(graph, applied, target);
	if (target[0] == '+')
	{
		t = target_for(walk_up(graph, start, count, NULL, target));
		t->relative_up = true;
		return t;
	}
	if (start == BELOW_BASE)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER, "Nothing is applied.", NULL,
				  "relative target \"%s\" is out of range", target);
	/* only the tip's lineage moves */
	lineage = PGM_ALLOC0_N(bool, graph->nrevs);
	pgm_lineage(graph, start, lineage);
	t = lineage_target(graph, walk_down(graph, start, count, target),
					   start, lineage);
	t->relative_down = true;
	return t;
}

/* "x+N" / "x-N": relative to a symbol or revision */
static PgmTarget *
resolve_symbol_relative(PgmGraph *graph, const char *target, const char *sym,
						char sign, int count)
{
	int			start;
	int			nheads;
	int		   *heads;
	char	   *inner;
	char		inner_sign;
	int			inner_count;

	check_count(target, count);
	/* "c1-1-1": one relative step per target */
	if (pgm_graph_find_id(graph, sym) < 0 &&
		pgm_graph_find_label(graph, sym) < 0 &&
		split_relative(sym, &inner, &inner_sign, &inner_count))
		pgm_core_error(PGM_ERR_INVALID_PARAMETER,
				  psprintf("A target takes one relative step, such as \"%s%c%d\".",
						   inner, sign, count), NULL,
				  "invalid relative target \"%s\"", target);
	if (strcmp(sym, "head") == 0)
	{
		heads = pgm_versioned_heads(graph, &nheads);
		start = single_head(graph, target, heads, nheads);
	}
	else if (strcmp(sym, "heads") == 0)
	{
		heads = pgm_real_heads(graph, &nheads);
		start = single_head(graph, target, heads, nheads);
	}
	else if (strcmp(sym, "base") == 0)
		start = BELOW_BASE;
	else
		start = pgm_resolve_revision(graph, sym);
	if (sign == '+')
		return target_for(walk_up(graph, start, count, NULL, target));
	if (start == BELOW_BASE)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER, "Nothing lies below the base.",
				  NULL, "relative target \"%s\" is out of range", target);
	return target_for(walk_down(graph, start, count, target));
}

/*
 * Resolve a target string (not a range) against the graph and applied set.
 */
PgmTarget *
pgm_resolve_target(PgmGraph *graph, const bool *applied, const char *target,
				   PgmTargetMode mode)
{
	const char *at;
	int			rev;
	int			count;
	char	   *sym;
	char		sign;
	int			n;
	int		   *revs;

	if (strlen(target) > 4 * PGM_MAX_ID_LEN)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL, NULL,
				  "target %s is too long", pgm_display(target));
	check_target_syntax(target);
	if (strchr(target, ':') != NULL)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL,
				  "Ranges \"a:b\" are accepted only by history() and script().",
				  "range \"%s\" is not allowed here", target);

	if (strcmp(target, "heads") == 0)
	{
		revs = pgm_real_heads(graph, &n);
		return make_target(PGM_TARGET_REVS, revs, n);
	}
	if (strcmp(target, "head") == 0)
	{
		revs = pgm_versioned_heads(graph, &n);
		if (n == 0)
			return make_target(PGM_TARGET_REVS, NULL, 0);
		return target_for(single_head(graph, target, revs, n));
	}
	if (strcmp(target, "base") == 0)
		return make_target(PGM_TARGET_BASE, NULL, 0);
	if (strcmp(target, "current") == 0)
	{
		revs = pgm_tips(graph, applied, &n);
		return make_target(PGM_TARGET_REVS, revs, n);
	}

	/* an exact id or label wins over any other reading */
	rev = pgm_graph_find_id(graph, target);
	if (rev < 0)
		rev = pgm_graph_find_label(graph, target);
	if (rev >= 0)
		return target_for(rev);

	at = strchr(target, '@');
	if (at != NULL)
	{
		char	   *branch = pnstrdup(target, at - target);

		if (branch[0] == '\0' || at[1] == '\0')
			pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL,
					  "Write \"<branch>@head\", \"<branch>@base\", \"<branch>@<revision>\" or \"<branch>@+N\".",
					  "invalid target \"%s\"", target);
		return resolve_branch(graph, applied, target, branch, at + 1, mode);
	}

	if ((target[0] == '+' || target[0] == '-') && parse_count(target + 1, &count))
		return resolve_current_relative(graph, applied, target, count, mode);

	if (split_relative(target, &sym, &sign, &count) && sym[0] != '\0')
		return resolve_symbol_relative(graph, target, sym, sign, count);

	return target_for(pgm_resolve_revision(graph, target));
}

/*
 * Resolve a range "lower:upper" for history().  An empty or "base" lower
 * end means the bases; an empty upper end means the heads; "current" is
 * allowed on either side.  lower and upper are palloc'd arrays.
 */
void
pgm_resolve_range(PgmGraph *graph, const bool *applied, const char *range,
				  bool *lower_is_base, int **lower, int *nlower,
				  int **upper, int *nupper)
{
	const char *colon = strchr(range, ':');
	char	   *lo;
	const char *hi;
	PgmTarget  *t;

	if (strlen(range) > 4 * PGM_MAX_ID_LEN)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL, NULL,
				  "range %s is too long", pgm_display(range));
	check_target_syntax(range);
	if (colon == NULL || strchr(colon + 1, ':') != NULL)
		pgm_core_error(PGM_ERR_INVALID_PARAMETER, NULL,
				  "A range has the form \"lower:upper\".",
				  "invalid range \"%s\"", range);
	lo = pnstrdup(range, colon - range);
	hi = colon + 1;

	*lower = NULL;
	*nlower = 0;
	*lower_is_base = false;
	if (lo[0] == '\0' || strcmp(lo, "base") == 0)
		*lower_is_base = true;
	else
	{
		t = pgm_resolve_target(graph, applied, lo, PGM_MODE_ANY);
		if (t->kind != PGM_TARGET_REVS)
			*lower_is_base = true;
		*lower = t->revs;
		*nlower = t->nrevs;
		if (t->kind == PGM_TARGET_REVS && t->nrevs == 0)
			*lower_is_base = true;	/* e.g. "current" with nothing applied */
	}
	if (hi[0] == '\0')
		*upper = pgm_real_heads(graph, nupper);
	else
	{
		t = pgm_resolve_target(graph, applied, hi, PGM_MODE_ANY);
		*upper = t->revs;
		*nupper = t->nrevs;
	}
}
