/*-------------------------------------------------------------------------
 *
 * verify.c
 *	  migrate.verify(target, project): prove that every pending revision
 *	  up to target runs up, down and up again, inside a subtransaction
 *	  that is always rolled back.
 *
 * For each revision of the upgrade plan, in order: snapshot the schema
 * (s0), run the up script (s1), the down script (s2) and the up script
 * again (s3).  The down script restores the schema when s2 = s0, and the
 * second up is identical when s3 = s1; differences are listed as drift()
 * lists them, with the phase.  The revision stays applied for the next
 * one, so that revision k is proven on top of revisions 1..k-1, as a
 * deploy would run it.
 *
 * A revision that fails to go up stops the proof: the revisions after it
 * are listed as not run.  One without a down script is irreversible; one
 * whose script cannot run inside a transaction block (CREATE INDEX
 * CONCURRENTLY, ...) cannot be proven here: the client proves those with
 * real commits on a scratch database (pg_migrate verify --per-revision).
 *
 * Everything runs in one subtransaction rolled back at the end, also on
 * error, so nothing survives the call: no schema change, no version
 * state, no event.  (Sequence values drawn by the scripts are not
 * transactional in PostgreSQL and stay drawn.)  The project's mutex is
 * held as for an upgrade, so no deploy runs in between.
 *
 * IDENTIFICATION
 *	  src/verify.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "args.h"
#include "execute.h"
#include "snapshot.h"

/* set while the checks deferred to commit run (fire_deferred) */
static bool at_commit = false;

/* the outcome of one revision's proof: a row of verify() */
typedef struct Proof
{
	bool		up_ok;
	bool		up_known;		/* else up_ok is NULL (not run) */
	bool		down_restores;
	bool		down_known;
	bool		reup_identical;
	bool		reup_known;
	Jsonb	   *differences;	/* NULL: none */
	char	   *error;
	bool		stop;			/* the revisions after it cannot run */
} Proof;

/*
 * Fire what would fire at commit: deferred constraints and constraint
 * triggers.  SET CONSTRAINTS ALL IMMEDIATE runs them now; it runs in a
 * subtransaction that is rolled back whatever happens, which puts the
 * constraints' modes and the queued checks back as they were, so that the
 * next script runs as it would in a deploy.  An error is raised again.
 */
static void
fire_deferred(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute("SET CONSTRAINTS ALL IMMEDIATE", false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "SET CONSTRAINTS failed");
		SPI_finish();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata = pgm_abort_subtransaction(cxt, owner, cxt);

		at_commit = true;
		ReThrowError(edata);
	}
	PG_END_TRY();
}

/*
 * Run one step in a subtransaction of its own.  Returns NULL when it
 * succeeded, else the error as a message for the row; the step is then
 * rolled back.  A cancel request is not a finding: it is raised again.
 */
static char *
run_guarded(const char *project, int key, PgmGraph *graph, PgmDirection dir,
			int rev, bool trust, const char *what)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	PgmStep		step;
	TimestampTz started;
	TimestampTz finished;
	char	   *failure = NULL;

	step.rev = rev;
	step.direction = dir;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		pgm_run_step(project, key, graph, &step, 1, 1, trust, &started,
					 &finished);
		at_commit = false;
		fire_deferred();
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		int			statement = pgm_current_statement;
		ErrorData  *edata = pgm_roll_back_step(cxt, owner, cxt);

		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			ReThrowError(edata);
		if (at_commit)
			failure = psprintf("%s failed at commit: %s (SQLSTATE %s)",
							   what, edata->message,
							   unpack_sql_state(edata->sqlerrcode));
		else if (statement > 0)
			failure = psprintf("%s failed at statement %d: %s (SQLSTATE %s)",
							   what, statement, edata->message,
							   unpack_sql_state(edata->sqlerrcode));
		else
			failure = psprintf("%s failed: %s (SQLSTATE %s)", what,
							   edata->message,
							   unpack_sql_state(edata->sqlerrcode));
		FreeErrorData(edata);
	}
	PG_END_TRY();
	return failure;
}

/* a jsonb array of both lists of differences, NULL when both are empty */
static Jsonb *
concat_differences(Jsonb *a, Jsonb *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return DatumGetJsonbP(DirectFunctionCall2(jsonb_concat,
											  JsonbPGetDatum(a),
											  JsonbPGetDatum(b)));
}

static void
prove_revision(const char *project, int key, PgmGraph *graph, int r,
			   bool trust, Proof *p)
{
	PgmRevision *rev = &graph->revs[r];
	Jsonb	   *s0;
	Jsonb	   *s1;
	Jsonb	   *s2;
	Jsonb	   *s3;
	Jsonb	   *after_down;
	char	   *fingerprint;

	memset(p, 0, sizeof(Proof));
	if (rev->up_class == PGM_EXEC_NONTRANSACTIONAL)
	{
		p->error = "cannot be proven in a transaction: the up script has a statement that must run outside a transaction block (prove it with pg_migrate verify --per-revision on a scratch database)";
		p->stop = true;
		return;
	}
	pgm_take_snapshot(project, &s0, &fingerprint);
	p->error = run_guarded(project, key, graph, PGM_UP, r, trust, "up script");
	p->up_known = true;
	p->up_ok = p->error == NULL;
	if (!p->up_ok)
	{
		p->stop = true;
		return;
	}
	pgm_take_snapshot(project, &s1, &fingerprint);

	if (!rev->has_down)
	{
		p->error = "irreversible: the revision has no down script";
		return;
	}
	if (rev->down_class == PGM_EXEC_NONTRANSACTIONAL)
	{
		p->error = "cannot be reverted: the down script has a statement that must run outside a transaction block, and downgrade() always runs in one";
		return;
	}
	p->error = run_guarded(project, key, graph, PGM_DOWN, r, trust, "down script");
	p->down_known = true;
	if (p->error != NULL)
	{
		/* rolled back: the revision is still applied */
		p->down_restores = false;
		return;
	}
	pgm_take_snapshot(project, &s2, &fingerprint);
	p->down_restores = pgm_snapshots_equal(s0, s2);
	after_down = p->down_restores ? NULL :
		pgm_differences_json(s0, s2, "after down");

	p->error = run_guarded(project, key, graph, PGM_UP, r, trust, "second up script");
	p->reup_known = true;
	if (p->error != NULL)
	{
		p->reup_identical = false;
		p->differences = after_down;
		p->stop = true;
		return;
	}
	pgm_take_snapshot(project, &s3, &fingerprint);
	p->reup_identical = pgm_snapshots_equal(s1, s3);
	p->differences = concat_differences(after_down, p->reup_identical ? NULL :
										pgm_differences_json(s1, s3, "after second up"));
}

static void
put_proof(ReturnSetInfo *rsinfo, const char *revision, const Proof *p)
{
	Datum		values[6];
	bool		nulls[6];

	values[0] = CStringGetTextDatum(revision);
	nulls[0] = false;
	values[1] = BoolGetDatum(p->up_ok);
	nulls[1] = !p->up_known;
	values[2] = BoolGetDatum(p->down_restores);
	nulls[2] = !p->down_known;
	values[3] = BoolGetDatum(p->reup_identical);
	nulls[3] = !p->reup_known;
	values[4] = p->differences ? JsonbPGetDatum(p->differences) : (Datum) 0;
	nulls[4] = p->differences == NULL;
	values[5] = p->error ? CStringGetTextDatum(p->error) : (Datum) 0;
	nulls[5] = p->error == NULL;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

PG_FUNCTION_INFO_V1(pg_migrate_verify);

Datum
pg_migrate_verify(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target = pgm_text_arg(fcinfo, 0, "target");
	char	   *project = pgm_project_arg(fcinfo, 1);
	bool		trust = pgm_trust_arg(fcinfo, 2);
	MemoryContext cxt;
	ResourceOwner owner = CurrentResourceOwner;
	MemoryContext rev_cxt;
	PgmState   *state;
	PgmPlan    *plan;
	int			key;

	pgm_require_writable("migrate.verify()");
	pgm_require_access(project, PGM_ACCESS_DEPLOY);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	cxt = CurrentMemoryContext;

	key = pgm_project_key(project, false);
	if (key != 0)
		pgm_lock_project(project, key, "verify");
	state = pgm_load_state(project);	/* unknown project: 42704 */
	plan = pgm_plan_upgrade(state->graph, state->applied,
							pgm_resolve_target(state->graph, state->applied,
											   target, PGM_MODE_UPGRADE));

	rev_cxt = AllocSetContextCreate(cxt, "pg_migrate verify",
									ALLOCSET_DEFAULT_SIZES);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		const char *stopped_at = NULL;
		int			i;

		for (i = 0; i < plan->nsteps; i++)
		{
			PgmRevision *rev = &state->graph->revs[plan->steps[i].rev];
			Proof		p;

			CHECK_FOR_INTERRUPTS();
			MemoryContextSwitchTo(rev_cxt);
			if (stopped_at != NULL)
			{
				memset(&p, 0, sizeof(Proof));
				p.error = psprintf("not run: revision \"%s\" before it could not be applied",
								   stopped_at);
			}
			else
			{
				prove_revision(project, key, state->graph, plan->steps[i].rev,
							   trust, &p);
				if (p.stop)
					stopped_at = rev->id;
			}
			put_proof(rsinfo, rev->id, &p);
			MemoryContextSwitchTo(cxt);
			MemoryContextReset(rev_cxt);
		}
		/* nothing of the proof survives */
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata = pgm_roll_back_step(cxt, owner, cxt);

		ReThrowError(edata);
	}
	PG_END_TRY();
	MemoryContextDelete(rev_cxt);
	if (key != 0)
		pgm_report_done();
	return (Datum) 0;
}
