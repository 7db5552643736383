/*-------------------------------------------------------------------------
 *
 * fuzz_lint.c
 *	  libFuzzer harness for the client's linter: a script read by
 *	  libpg_query (client/lint_extract.c) and checked by the shared rules
 *	  (src/core/lint.c) without a catalog.
 *
 * Any input must give findings or an error (a syntax error from the
 * parser, a bad annotation from the rules), never a crash, an out-of-bounds
 * read or a finding that points outside the script: every finding names a
 * known rule and severity, a statement of the script and a line within it,
 * and findings come in statement order.  The seeds are the files of
 * test/lint/corpus (scripts/fuzz).  test/t/021_lint_differential.pl
 * checks, besides, that the server reads the same scripts the same way.
 *
 * IDENTIFICATION
 *	  fuzz/fuzz_lint.c
 *
 *-------------------------------------------------------------------------
 */
#include "pgm.h"
#include "fuzz_core.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *script;
	char	   *error = NULL;
	int			error_line = 0;
	int			n = 0;
	int			lines = 1;
	PgmLintStatement *stmts;
	sigjmp_buf	jump;
	size_t		k;

	/* a script is text: no NUL inside, as the server's text type */
	if (memchr(data, 0, size) != NULL)
		return 0;
	script = malloc(size + 1);
	if (script == NULL)
		abort();
	memcpy(script, data, size);
	script[size] = '\0';
	for (k = 0; k < size; k++)
		if (script[k] == '\n')
			lines++;

	pgm_core_error_hook = fuzz_core_error;
	stmts = pgm_lint_facts(script, &n, &error, &error_line);
	if (stmts == NULL)
	{
		fuzz_check(error != NULL, "no statements and no error");
		fuzz_check(error_line >= 0 && error_line <= lines, "error line outside the script");
	}
	else if (sigsetjmp(jump, 0) == 0)
	{
		PgmLintState *st = pgm_lint_begin(NULL);
		PgmLintResult *r = palloc0(sizeof(PgmLintResult));
		int			i;

		fuzz_guard = &jump;
		for (i = 0; i < n; i++)
			fuzz_check(stmts[i].start >= 0 && stmts[i].len >= 0 &&
					   (size_t) (stmts[i].start + stmts[i].len) <= size,
					   "a statement outside the script");
		pgm_lint_script(st, script, stmts, n, r);
		for (i = 0; i < r->nfindings; i++)
		{
			PgmLintFinding *f = &r->findings[i];

			fuzz_check(pgm_lint_rule_known(f->rule), "unknown rule");
			fuzz_check(f->severity >= PGM_LINT_ADVICE && f->severity <= PGM_LINT_ERROR,
					   "unknown severity");
			fuzz_check(f->statement_no >= 1 && f->statement_no <= n, "statement out of range");
			fuzz_check(f->line >= 1 && f->line <= lines, "line out of range");
			fuzz_check(f->message && f->hint, "no message or hint");
			fuzz_check(i == 0 || r->findings[i - 1].statement_no <= f->statement_no,
					   "findings out of statement order");
		}
		for (i = 0; i < r->nignored; i++)
			fuzz_check(pgm_lint_rule_known(r->ignored[i].rule) && r->ignored[i].reason[0] &&
					   r->ignored[i].statement_no >= 1 && r->ignored[i].statement_no <= n,
					   "a bad annotation accepted");
	}
	fuzz_guard = NULL;
	free(error);
	free(script);
	arena_reset();
	return 0;
}
