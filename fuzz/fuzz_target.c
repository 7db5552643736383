/*-------------------------------------------------------------------------
 *
 * fuzz_target.c
 *	  libFuzzer harness for the target language (src/core/target.c) and
 *	  the plans and scripts built from it (plan.c, script.c).
 *
 * The first byte picks one of the example graphs of docs/revision-graph.md,
 * the second a state (a set of revisions and everything below them); the
 * rest of the input is the target, any bytes up to the first NUL.  The
 * target is resolved for every command (upgrade, downgrade, stamp, plan)
 * and, as a range, for script(): each must fail through the error hook or
 * give a plan that keeps the plan invariants (fuzz_core.h); a script is
 * built for every plan of script().
 *
 * IDENTIFICATION
 *	  fuzz/fuzz_target.c
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz_core.h"

/* "id parents labels deps" per revision, lists comma-separated, "-": none */
static const char *const graphs[][8] = {
	/* LIN */
	{"r1 - - -", "r2 r1 - -", "r3 r2 - -", "r4 r3 - -"},
	/* FORK */
	{"a - - -", "b a - -", "c1 b c1branch -", "d1 c1 - -", "c2 b c2branch -", "d2 c2 - -"},
	/* DIAM */
	{"a - - -", "b1 a - -", "b2 a - -", "m b1,b2 - -"},
	/* FOREST */
	{"a1 - - -", "b1 a1 - -", "a2 - - -", "b2 a2 - -"},
	/* DEP */
	{"l1 - lib -", "l2 l1 - -", "p1 - app -", "p2 p1 - l2"},
	/* CHAIN */
	{"x1 - - -", "x2 x1 - -", "x3 x2 - -", "y x3 ylab -", "z x3 - -"},
	/* CROSS */
	{"a1 - - -", "b1 a1 - -", "c1 b1 - -", "d1 c1 - -", "a2 - - -", "b2 a2 - -", "c2 b2 - c1"},
	/* BASEDEP */
	{"a1 - - -", "b1 - - a1", "m a1,b1 - -"},
};
#define NGRAPHS (sizeof(graphs) / sizeof(graphs[0]))

/* split "a,b" (or "-") into a palloc'd array */
static char **
split_list(char *s, int *n)
{
	char	  **out = palloc(sizeof(char *) * 4);
	char	   *save;
	char	   *tok;

	*n = 0;
	if (strcmp(s, "-") == 0)
		return out;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		out[(*n)++] = tok;
	return out;
}

static PgmGraph *
example_graph(int which)
{
	PgmRevisionDef *defs = palloc0(sizeof(PgmRevisionDef) * 8);
	int			n = 0;

	for (n = 0; n < 8 && graphs[which][n]; n++)
	{
		char	   *line = pstrdup(graphs[which][n]);
		char	   *save;
		PgmRevisionDef *d = &defs[n];

		d->id = strtok_r(line, " ", &save);
		d->parents = split_list(strtok_r(NULL, " ", &save), &d->nparents);
		d->labels = split_list(strtok_r(NULL, " ", &save), &d->nlabels);
		d->deps = split_list(strtok_r(NULL, " ", &save), &d->ndeps);
		d->has_down = true;
		d->seq = n + 1;
	}
	return pgm_graph_build("fuzz", defs, n);
}

static void
fetch(void *arg, PgmRevision *rev, bool up, PgmScriptSource *out)
{
	(void) arg;
	(void) up;
	out->up = "SELECT 1;";
	out->down = "SELECT 2";
	out->checksum = "sha256:0";
	out->note = rev->nparents > 1 ? "a merge" : NULL;
}

/* resolve and plan target for one command; errors are fine */
static void
try_command(PgmGraph *g, const bool *applied, const char *target, int cmd)
{
	sigjmp_buf	jump;

	if (sigsetjmp(jump, 0) == 0)
	{
		PgmTarget  *t;
		PgmPlan    *plan;

		fuzz_guard = &jump;
		switch (cmd)
		{
			case 0:
				t = pgm_resolve_target(g, applied, target, PGM_MODE_UPGRADE);
				plan = pgm_plan_upgrade(g, applied, t);
				break;
			case 1:
				t = pgm_resolve_target(g, applied, target, PGM_MODE_DOWNGRADE);
				plan = pgm_plan_downgrade(g, applied, t);
				pgm_check_reversible(g, plan);
				break;
			case 2:
				t = pgm_resolve_target(g, applied, target, PGM_MODE_STAMP);
				plan = pgm_plan_stamp(g, applied, t, false);
				break;
			case 3:
				plan = pgm_plan_auto(g, applied, target);
				break;
			default:
				{
					bool		lower_is_base;
					int		   *lo,
							   *hi;
					int			nlo,
								nhi;

					if (strchr(target, ':'))
						pgm_resolve_range(g, applied, target, &lower_is_base,
										  &lo, &nlo, &hi, &nhi);
					plan = pgm_plan_script(g, applied, target);
					/* the plan of a range starts elsewhere: not checked */
					(void) pgm_build_script(g, plan, "fuzz", target, fetch, NULL);
					plan = NULL;
				}
		}
		if (plan)
			fuzz_check_plan(g, applied, plan);
	}
	fuzz_guard = NULL;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sigjmp_buf	jump;
	PgmGraph   *g = NULL;
	bool	   *from;
	bool	   *applied;
	char	   *target;
	unsigned	state;
	int			i;
	int			cmd;

	if (size < 2)
		return 0;
	pgm_core_error_hook = fuzz_core_error;
	if (sigsetjmp(jump, 0) == 0)
	{
		fuzz_guard = &jump;
		g = example_graph(data[0] % NGRAPHS);
	}
	fuzz_guard = NULL;
	fuzz_check(g != NULL, "an example graph does not build");

	state = data[1];
	from = palloc0(g->nrevs + 1);
	applied = palloc0(g->nrevs + 1);
	for (i = 0; i < g->nrevs; i++)
		from[i] = (state >> (i % 8)) & 1;
	if (state & 0x80)
		memset(from, 0, g->nrevs);
	pgm_closure(g, from, applied);
	target = pnstrdup((const char *) data + 2, size - 2);
	for (cmd = 0; cmd < 5; cmd++)
		try_command(g, applied, target, cmd);
	arena_reset();
	return 0;
}
