/*-------------------------------------------------------------------------
 *
 * fuzz_core.h
 *	  What the harnesses of the core (src/core) share: a per-input arena
 *	  behind palloc, the error hook, and invariant checks.
 *
 * The core allocates with palloc and never frees most of it: in the
 * server a memory context is reset after every call, in the client the
 * process ends.  A harness runs millions of inputs in one process, so it
 * plays the memory context: the link wraps palloc and friends
 * (-Wl,--wrap, see the Makefile) into an arena that is emptied after
 * each input.  What the core frees itself goes back at once, so
 * AddressSanitizer still sees a double free or a use after free; leak
 * detection is off (an arena reset is not a leak).
 *
 * The error hook jumps back to the harness: an error is an accepted
 * outcome, a crash, a sanitizer report or a broken invariant is not.
 *
 * IDENTIFICATION
 *	  fuzz/fuzz_core.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PGM_FUZZ_CORE_H
#define PGM_FUZZ_CORE_H

#include "postgres_fe.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgm_core.h"

typedef struct ArenaChunk
{
	struct ArenaChunk *prev;
	struct ArenaChunk *next;
	size_t		size;
	/* 16-byte alignment of what follows, as malloc gives */
	size_t		pad;
} ArenaChunk;

static ArenaChunk arena = {&arena, &arena, 0, 0};

static void *
arena_alloc(size_t size, int zero)
{
	ArenaChunk *c = malloc(sizeof(ArenaChunk) + (size ? size : 1));

	if (c == NULL)
		abort();
	c->size = size;
	c->next = arena.next;
	c->prev = &arena;
	arena.next->prev = c;
	arena.next = c;
	if (zero)
		memset(c + 1, 0, size);
	return c + 1;
}

static void
arena_unlink(ArenaChunk *c)
{
	c->prev->next = c->next;
	c->next->prev = c->prev;
}

static void
arena_reset(void)
{
	while (arena.next != &arena)
	{
		ArenaChunk *c = arena.next;

		arena_unlink(c);
		free(c);
	}
}

void	   *__wrap_palloc(size_t size);
void	   *__wrap_palloc0(size_t size);
void	   *__wrap_palloc_extended(size_t size, int flags);
void	   *__wrap_repalloc(void *p, size_t size);
void		__wrap_pfree(void *p);
char	   *__wrap_pstrdup(const char *s);
char	   *__wrap_pnstrdup(const char *s, size_t n);

void *
__wrap_palloc(size_t size)
{
	return arena_alloc(size, 0);
}

void *
__wrap_palloc0(size_t size)
{
	return arena_alloc(size, 1);
}

void *
__wrap_palloc_extended(size_t size, int flags)
{
	/* MCXT_ALLOC_ZERO is 0x04 */
	return arena_alloc(size, (flags & 0x04) != 0);
}

void
__wrap_pfree(void *p)
{
	ArenaChunk *c = (ArenaChunk *) p - 1;

	arena_unlink(c);
	free(c);
}

void *
__wrap_repalloc(void *p, size_t size)
{
	ArenaChunk *c = (ArenaChunk *) p - 1;
	void	   *n = arena_alloc(size, 0);

	memcpy(n, p, c->size < size ? c->size : size);
	__wrap_pfree(p);
	return n;
}

char *
__wrap_pstrdup(const char *s)
{
	size_t		len = strlen(s);
	char	   *d = arena_alloc(len + 1, 0);

	memcpy(d, s, len + 1);
	return d;
}

char *
__wrap_pnstrdup(const char *s, size_t n)
{
	size_t		len = strnlen(s, n);
	char	   *d = arena_alloc(len + 1, 0);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

static sigjmp_buf *fuzz_guard;

static void
fuzz_core_error(const char *sqlstate, const char *message, const char *detail,
				const char *hint)
{
	(void) sqlstate;
	(void) message;
	(void) detail;
	(void) hint;
	if (fuzz_guard == NULL)
		abort();
	siglongjmp(*fuzz_guard, 1);
}

/* a broken invariant: a crash for libFuzzer, with the reason */
static void
fuzz_check(int ok, const char *what)
{
	if (!ok)
	{
		fprintf(stderr, "invariant broken: %s\n", what);
		abort();
	}
}

/* Is set closed: everything below a member (parents, dependencies) in it? */
static int
fuzz_closed(PgmGraph *graph, const bool *set)
{
	int			i,
				j;

	for (i = 0; i < graph->nrevs; i++)
	{
		PgmRevision *r = &graph->revs[i];

		if (!set[i])
			continue;
		for (j = 0; j < r->nparents; j++)
			if (!set[r->parents[j]])
				return 0;
		for (j = 0; j < r->ndeps; j++)
			if (!set[r->deps[j]])
				return 0;
	}
	return 1;
}

/*
 * A plan's invariants: every revision at most once per direction, upgrade
 * steps after everything below them, downgrade steps before everything
 * above them, and a closed applied set afterwards that the steps explain.
 */
static void
fuzz_check_plan(PgmGraph *graph, const bool *applied, PgmPlan *plan)
{
	int			n = graph->nrevs;
	bool	   *state = malloc(n + 1);
	int			i,
				j;

	memcpy(state, applied, n);
	fuzz_check(plan->nsteps <= 2 * n, "too many steps");
	for (i = 0; i < plan->nsteps; i++)
	{
		PgmStep    *s = &plan->steps[i];
		PgmRevision *r;

		fuzz_check(s->rev >= 0 && s->rev < n, "step outside the graph");
		r = &graph->revs[s->rev];
		if (s->direction == PGM_UP || s->direction == PGM_STAMP)
		{
			fuzz_check(!state[s->rev], "applies an applied revision");
			if (s->direction == PGM_UP)
			{
				for (j = 0; j < r->nparents; j++)
					fuzz_check(state[r->parents[j]], "upgrade before a parent");
				for (j = 0; j < r->ndeps; j++)
					fuzz_check(state[r->deps[j]], "upgrade before a dependency");
			}
			state[s->rev] = true;
		}
		else
		{
			fuzz_check(state[s->rev], "reverts a revision that is not applied");
			if (s->direction == PGM_DOWN)
			{
				for (j = 0; j < r->nchildren; j++)
					fuzz_check(!state[r->children[j]], "downgrade before a child");
				for (j = 0; j < r->ndependents; j++)
					fuzz_check(!state[r->dependents[j]], "downgrade before a dependent");
			}
			state[s->rev] = false;
		}
	}
	fuzz_check(memcmp(state, plan->new_applied, n) == 0,
			   "the steps do not lead to the new applied set");
	fuzz_check(fuzz_closed(graph, plan->new_applied), "new applied set not closed");
	free(state);
}

#endif							/* PGM_FUZZ_CORE_H */
