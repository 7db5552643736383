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
 *	  src/target.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "lib/stringinfo.h"
#include "utils/varlena.h"

#include "pg_migrate.h"

/* the characters of revision ids and branch labels */
#define ID_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."

#define BELOW_BASE (-1)

typedef struct Candidate
{
	const char *name;
	int			rev;
	int			score;
} Candidate;

static PgmTarget *make_target(PgmTargetKind kind, List *revs);
static bool parse_count(const char *s, int *count);
static bool split_relative(const char *s, char **base, char *sign, int *count);
static int	single_head(PgmGraph *graph, const char *target, List *heads);
static int	walk_up(PgmGraph *graph, int start, int count, const bool *allowed,
					const char *target);
static int	walk_down(PgmGraph *graph, int start, int count, const char *target);
static int	single_tip(PgmGraph *graph, const bool *applied,
					   const char *target);
static int	highest_applied(PgmGraph *graph, const bool *applied,
							const bool *lineage, const char *target,
							const char *branch);
static List *lineage_heads(PgmGraph *graph, const bool *lineage);
static PgmTarget *resolve_branch(PgmGraph *graph, const bool *applied,
								 const char *target, const char *branch,
								 const char *rest, PgmTargetMode mode);
static void report_unknown(PgmGraph *graph, const char *name);
static int	candidate_cmp(const void *a, const void *b);

static PgmTarget *
make_target(PgmTargetKind kind, List *revs)
{
	PgmTarget  *t = palloc0(sizeof(PgmTarget));
	ListCell   *lc;

	t->kind = kind;
	t->revs = palloc(sizeof(int) * Max(list_length(revs), 1));
	foreach(lc, revs)
		t->revs[t->nrevs++] = lfirst_int(lc);
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
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target must not be empty"),
				 errhint("Use \"heads\", \"head\", \"base\", a revision id, a branch label or a relative target such as \"+1\".")));
	if (strspn(target, ID_CHARS "@+:") != strlen(target))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid target %s", pgm_display(target)),
				 errdetail("A target consists of revision ids, branch labels, the words head, heads, base and current, \"@\", \":\" and relative steps \"+N\" or \"-N\".")));

	/* a leading sign: the rest must be a step count */
	if (target[0] == '+' || target[0] == '-')
	{
		int			count;

		if (!parse_count(target + 1, &count))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid relative target \"%s\"", target),
					 errdetail("A relative target is \"+N\" or \"-N\" with N between 1 and %d.",
							   INT_MAX)));
	}

	/* a trailing "+digits" (ids cannot contain '+'): the count must fit */
	digits = target + strlen(target);
	while (digits > target && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (digits > target && digits[-1] == '+' && *digits != '\0')
	{
		int			count;

		if (!parse_count(digits, &count))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid relative target \"%s\"", target),
					 errdetail("A relative step count is at most %d.", INT_MAX)));
	}
	if (digits > target && digits[-1] == '+' && *digits == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid relative target \"%s\"", target),
				 errdetail("A \"+\" must be followed by a step count.")));
}

static void
check_count(const char *target, int count)
{
	if (count < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative target \"%s\" is out of range", target),
				 errdetail("A relative step count must be at least 1.")));
}

/* "+N" is an upgrade's and "-N" a downgrade's; stamp and plan take both */
static void
check_direction(const char *target, char sign, int count, PgmTargetMode mode)
{
	check_count(target, count);
	if ((sign == '+' && mode == PGM_MODE_DOWNGRADE) ||
		(sign == '-' && mode == PGM_MODE_UPGRADE))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative target \"%s\" is out of range", target),
				 errdetail("%s moves the other way.",
						   mode == PGM_MODE_UPGRADE ? "An upgrade" : "A downgrade")));
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
	Candidate  *cands = palloc(sizeof(Candidate) * Max(ncand, 1));
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
				varstr_levenshtein_less_equal(name, len, cand, len,
											  1, 1, 1, pmaxd, true) : pmaxd + 1;

			score = varstr_levenshtein_less_equal(name, len, cand, clen,
												  1, 1, 1, maxd, true);
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
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("revision \"%s\" is not registered in project \"%s\"",
						name, graph->project)));
	qsort(cands, n, sizeof(Candidate), candidate_cmp);
	initStringInfo(&hint);
	for (i = 0; i < n && i < 3; i++)
		appendStringInfo(&hint, "%s\"%s\"", i == 0 ? "" : (i == n - 1 || i == 2) ? " or " : ", ",
						 cands[i].name);
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("revision \"%s\" is not registered in project \"%s\"",
					name, graph->project),
			 errhint("Perhaps you meant %s.", hint.data)));
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
	List	   *matches = NIL;
	int			match_rev = -1;

	if (len == 0 || len > PGM_MAX_ID_LEN ||
		strspn(name, ID_CHARS) != (size_t) len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid revision name %s", pgm_display(name)),
				 errdetail("Revision ids and branch labels have 1 to %d letters, digits, \"_\", \"-\" or \".\".",
						   PGM_MAX_ID_LEN)));
	rev = pgm_graph_find_id(graph, name);
	if (rev >= 0)
		return rev;
	rev = pgm_graph_find_label(graph, name);
	if (rev >= 0)
		return rev;

	if (len > 0)
	{
		for (i = 0; i < graph->nrevs; i++)
		{
			const char *id = graph->revs[i].id;

			if (strlen(id) > 3 && strncmp(id, name, len) == 0)
			{
				matches = lappend(matches, (void *) id);
				match_rev = i;
			}
		}
		for (i = 0; i < graph->nlabels; i++)
		{
			const char *label = graph->labels[i].label;

			if (strlen(label) > 3 && strncmp(label, name, len) == 0)
			{
				matches = lappend(matches, (void *) label);
				match_rev = graph->labels[i].rev;
			}
		}
	}
	if (list_length(matches) == 1)
		return match_rev;
	if (list_length(matches) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("revision prefix \"%s\" is ambiguous", name),
				 errdetail("It matches %s.", pgm_format_list(matches)),
				 errhint("Use more characters of the revision id or branch label.")));
	report_unknown(graph, name);
	return -1;					/* keep compiler quiet */
}

static int
single_head(PgmGraph *graph, const char *target, List *heads)
{
	if (list_length(heads) > 1)
	{
		List	   *names = pgm_rev_names(graph, heads);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target \"%s\" matches multiple head revisions", target),
				 errdetail("The heads are %s.", pgm_format_list(names)),
				 errhint("Name a revision, use \"<branch>@head\", or use \"heads\".")));
	}
	if (heads == NIL)
		return BELOW_BASE;
	return linitial_int(heads);
}

static void
report_ambiguous_walk(PgmGraph *graph, const char *target, int at,
					  const int *revs, int nrevs, bool up)
{
	List	   *names = NIL;
	int			i;

	for (i = 0; i < nrevs; i++)
		names = lappend(names, graph->revs[revs[i]].id);
	if (at == BELOW_BASE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative target \"%s\" is ambiguous", target),
				 errdetail("There are several bases: %s.", pgm_format_list(names)),
				 errhint("Start from a revision or a branch, e.g. \"<rev>+N\" or \"<branch>@base+N\".")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("relative target \"%s\" is ambiguous", target),
			 up ?
			 errdetail("Revision \"%s\" is a branch point with children %s.",
					   graph->revs[at].id, pgm_format_list(names)) :
			 errdetail("Revision \"%s\" is a merge point with parents %s.",
					   graph->revs[at].id, pgm_format_list(names)),
			 errhint("Name the branch, e.g. \"<branch>@%s\", or name a revision.",
					 up ? "+N" : "-N")));
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
	int		   *cands = palloc(sizeof(int) * Max(graph->nrevs, 1));

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
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relative target \"%s\" is out of range", target),
					 cur == BELOW_BASE ?
					 errdetail("There is no revision to walk to.") :
					 errdetail("Revision \"%s\" has no child; the walk stopped after %d of %d steps.",
							   graph->revs[cur].id, step, count)));
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
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relative target \"%s\" is out of range", target),
					 errdetail("The walk went below the base after %d of %d steps.",
							   step, count)));
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
		return make_target(PGM_TARGET_BASE, NIL);
	return make_target(PGM_TARGET_REVS, list_make1_int(rev));
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
		List	   *roots = NIL;
		int			i;

		for (i = 0; i < graph->nrevs; i++)
			if (lineage[i] && graph->revs[i].nparents == 0)
				roots = lappend_int(roots, i);
		t = make_target(PGM_TARGET_BELOW, roots);
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
	List	   *tips = pgm_tips(graph, applied);

	if (list_length(tips) > 1)
	{
		List	   *names = pgm_rev_names(graph, tips);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative target \"%s\" is ambiguous with several current revisions",
						target),
				 errdetail("The current revisions are %s.", pgm_format_list(names)),
				 errhint("Name the branch to move, e.g. \"<label>@%s\".",
						 target)));
	}
	if (tips == NIL)
		return BELOW_BASE;
	return linitial_int(tips);
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
	bool	   *covered = palloc0(Max(graph->nrevs, 1));
	List	   *found = NIL;
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
			found = lappend_int(found, i);
	pfree(covered);
	if (list_length(found) > 1)
	{
		List	   *names = pgm_rev_names(graph, found);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative target \"%s\" is ambiguous", target),
				 errdetail("The lineage of \"%s\" has several highest applied revisions: %s.",
						   branch, pgm_format_list(names)),
				 errhint("Name a branch whose lineage holds only one of them, or name a revision.")));
	}
	if (found == NIL)
		return BELOW_BASE;
	return linitial_int(found);
}

/* the heads of a lineage: its members without a child */
static List *
lineage_heads(PgmGraph *graph, const bool *lineage)
{
	List	   *heads = NIL;
	int			i;

	for (i = 0; i < graph->nrevs; i++)
		if (lineage[i] && graph->revs[i].nchildren == 0)
			heads = lappend_int(heads, i);
	return heads;
}

/*
 * "branch@rest": branch is a label or revision naming a lineage.
 */
static PgmTarget *
resolve_branch(PgmGraph *graph, const bool *applied, const char *target,
			   const char *branch, const char *rest, PgmTargetMode mode)
{
	int			r = pgm_resolve_revision(graph, branch);
	bool	   *lineage = palloc0(Max(graph->nrevs, 1));
	char	   *sym;
	char		sign;
	int			count;

	pgm_lineage(graph, r, lineage);

	if (strcmp(rest, "head") == 0 || strcmp(rest, "heads") == 0)
	{
		List	   *heads = lineage_heads(graph, lineage);
		PgmTarget  *t;

		if (rest[4] != 's')
			return lineage_target(graph, single_head(graph, target, heads),
								  r, lineage);
		t = make_target(PGM_TARGET_REVS, heads);
		t->lineage = lineage;
		t->anchor = r;
		return t;
	}
	if (strcmp(rest, "base") == 0)
		return lineage_target(graph, BELOW_BASE, r, lineage);
	if (rest[0] == '+' || rest[0] == '-')
	{
		int			start;

		if (!parse_count(rest + 1, &count))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid relative target \"%s\"", target),
					 errhint("Write \"<branch>@+N\" or \"<branch>@-N\" with a whole number N.")));
		check_direction(target, rest[0], count, mode);
		start = highest_applied(graph, applied, lineage, target, branch);
		if (rest[0] == '+')
		{
			/* from there (or below the lineage's bases) towards r */
			PgmTarget  *t = target_for(walk_up(graph, start, count, lineage,
											   target));

			t->relative_up = true;
			return t;
		}
		if (start == BELOW_BASE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relative target \"%s\" is out of range", target),
					 errdetail("No revision of the lineage of \"%s\" is applied.",
							   branch)));
		{
			PgmTarget  *t = lineage_target(graph,
										   walk_down(graph, start, count, target),
										   r, lineage);

			t->relative_down = true;
			return t;
		}
	}
	if (split_relative(rest, &sym, &sign, &count) &&
		(strcmp(sym, "head") == 0 || strcmp(sym, "base") == 0))
	{
		check_count(target, count);
		if (sym[0] == 'h' && sign == '-')
			return lineage_target(graph,
								  walk_down(graph,
											single_head(graph, target,
														lineage_heads(graph, lineage)),
											count, target),
								  r, lineage);
		if (sym[0] == 'b' && sign == '+')
			return lineage_target(graph,
								  walk_up(graph, BELOW_BASE, count, lineage, target),
								  r, lineage);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative target \"%s\" is out of range", target),
				 errdetail("Nothing lies %s.", sym[0] == 'h' ? "above a head" : "below the base")));
	}

	/* branch@rev: rev must be in the lineage */
	{
		int			r2 = pgm_resolve_revision(graph, rest);

		if (!lineage[r2])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("revision \"%s\" is not a member of branch \"%s\"",
							graph->revs[r2].id, branch)));
		return lineage_target(graph, r2, r, lineage);
	}
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

	if (strlen(target) > 4 * PGM_MAX_ID_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target %s is too long", pgm_display(target))));
	check_target_syntax(target);
	if (strchr(target, ':') != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("range \"%s\" is not allowed here", target),
				 errhint("Ranges \"a:b\" are accepted only by history() and script().")));

	if (strcmp(target, "heads") == 0)
		return make_target(PGM_TARGET_REVS, pgm_real_heads(graph));
	if (strcmp(target, "head") == 0)
	{
		List	   *heads = pgm_versioned_heads(graph);

		if (heads == NIL)
			return make_target(PGM_TARGET_REVS, NIL);
		return target_for(single_head(graph, target, heads));
	}
	if (strcmp(target, "base") == 0)
		return make_target(PGM_TARGET_BASE, NIL);
	if (strcmp(target, "current") == 0)
		return make_target(PGM_TARGET_REVS, pgm_tips(graph, applied));

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
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid target \"%s\"", target),
					 errhint("Write \"<branch>@head\", \"<branch>@base\", \"<branch>@<revision>\" or \"<branch>@+N\".")));
		return resolve_branch(graph, applied, target, branch, at + 1, mode);
	}

	/* "+N" / "-N": relative to the current version set */
	if ((target[0] == '+' || target[0] == '-') && parse_count(target + 1, &count))
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
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relative target \"%s\" is out of range", target),
					 errdetail("Nothing is applied.")));
		/* only the tip's lineage moves */
		lineage = palloc0(Max(graph->nrevs, 1));
		pgm_lineage(graph, start, lineage);
		t = lineage_target(graph, walk_down(graph, start, count, target),
						   start, lineage);
		t->relative_down = true;
		return t;
	}

	/* "x+N" / "x-N": relative to a symbol or revision */
	if (split_relative(target, &sym, &sign, &count) && sym[0] != '\0')
	{
		int			start;

		check_count(target, count);
		/* "c1-1-1": one relative step per target */
		{
			char	   *inner;
			char		inner_sign;
			int			inner_count;

			if (pgm_graph_find_id(graph, sym) < 0 &&
				pgm_graph_find_label(graph, sym) < 0 &&
				split_relative(sym, &inner, &inner_sign, &inner_count))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid relative target \"%s\"", target),
						 errdetail("A target takes one relative step, such as \"%s%c%d\".",
								   inner, sign, count)));
		}
		if (strcmp(sym, "head") == 0)
			start = single_head(graph, target, pgm_versioned_heads(graph));
		else if (strcmp(sym, "heads") == 0)
			start = single_head(graph, target, pgm_real_heads(graph));
		else if (strcmp(sym, "base") == 0)
			start = BELOW_BASE;
		else
			start = pgm_resolve_revision(graph, sym);
		if (sign == '+')
			return target_for(walk_up(graph, start, count, NULL, target));
		if (start == BELOW_BASE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relative target \"%s\" is out of range", target),
					 errdetail("Nothing lies below the base.")));
		return target_for(walk_down(graph, start, count, target));
	}

	return target_for(pgm_resolve_revision(graph, target));
}

/*
 * Resolve a range "lower:upper" for history() and script().  An empty or
 * "base" lower end means the bases; an empty upper end means the heads;
 * "current" is allowed on either side.
 */
void
pgm_resolve_range(PgmGraph *graph, const bool *applied, const char *range,
				  bool *lower_is_base, List **lower, List **upper)
{
	const char *colon = strchr(range, ':');
	char	   *lo;
	const char *hi;
	PgmTarget  *t;
	int			i;

	Assert(colon != NULL);
	if (strlen(range) > 4 * PGM_MAX_ID_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("range %s is too long", pgm_display(range))));
	check_target_syntax(range);
	if (strchr(colon + 1, ':') != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid range \"%s\"", range),
				 errhint("A range has the form \"lower:upper\".")));
	lo = pnstrdup(range, colon - range);
	hi = colon + 1;

	*lower = NIL;
	*upper = NIL;
	*lower_is_base = false;
	if (lo[0] == '\0' || strcmp(lo, "base") == 0)
		*lower_is_base = true;
	else
	{
		t = pgm_resolve_target(graph, applied, lo, PGM_MODE_ANY);
		if (t->kind != PGM_TARGET_REVS)
			*lower_is_base = true;
		for (i = 0; i < t->nrevs; i++)
			*lower = lappend_int(*lower, t->revs[i]);
		if (t->kind == PGM_TARGET_REVS && t->nrevs == 0)
			*lower_is_base = true;	/* e.g. "current" with nothing applied */
	}
	if (hi[0] == '\0')
		*upper = pgm_real_heads(graph);
	else
	{
		t = pgm_resolve_target(graph, applied, hi, PGM_MODE_ANY);
		for (i = 0; i < t->nrevs; i++)
			*upper = lappend_int(*upper, t->revs[i]);
	}
}
