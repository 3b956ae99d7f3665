/*
 * census.c - how long cyclic garbage waits for the collector.
 *
 * CPython itself never knows: an unreachable cycle is found only when a
 * collection examines it.  The simulator can look: a census marks what
 * the roots (names holding references, and the caches) reach, and every
 * live object left unmarked is garbage that only the collector can free.
 * The wait is counted from the first census that saw an object as garbage
 * to the collection that frees it.
 *
 * A census touches only what it marks, never the whole heap:
 *
 *  - Censuses are numbered from 1.  seen[h] holds the number of the last
 *    census that marked h, or, for an object no census has marked yet,
 *    the number of censuses taken before it was allocated.  A mark is
 *    "seen[h] = this census's number", so marks need no clearing.
 *  - An object is garbage since census seen[h] + 1, if that census has
 *    been taken: it was live then and not marked.  census_step[] keeps
 *    the steps of the censuses from census_base on, so that the step can
 *    be looked up when the collector frees the object.
 *  - The live objects not marked are counted, not found: live minus the
 *    objects marked minus the cached objects that hold no references
 *    (caches are roots: those are always reachable, and never marked).
 *  - When census_step[] holds more entries than a quarter of the live
 *    heap, a walk of the refchain writes each garbage object's step into
 *    seen[] itself (SEEN_STEP | step) and census_step[] starts again
 *    empty: it takes at most 2 bytes per live object (+ 512), and the
 *    walk costs about 4 object visits per census, where the mark visits
 *    every reachable object.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define CENSUS_DIVISOR 16
#define SEEN_STEP (UINT64_C(1) << 63)

static void push_mark(struct sim *s, uint32_t *n, uint64_t *marked, oref h)
{
	struct obj *o = OBJ(s, h);
	uint64_t k = s->garbage.censuses;

	if (s->seen[h] == k)
		return;
	if (!sim_is_gc_type(o->type)) {
		if (o->flags & OF_CACHED)
			return; /* counted in ncached_plain */
		s->seen[h] = k;
		(*marked)++;
		return;
	}
	s->seen[h] = k;
	(*marked)++;
	if (!o->u.r)
		return;
	__builtin_prefetch(o->u.r); /* read when popped */
	if (*n == s->capmark) {
		s->capmark = s->capmark ? 2 * s->capmark : 256;
		s->markstack = sim_xrealloc(s->markstack, s->capmark * sizeof(oref));
	}
	s->markstack[(*n)++] = h;
}

/* seen[] covers every handle; those not yet seen get 'value'. */
static void seen_reserve(struct sim *s, uint64_t value)
{
	if (s->capseen >= s->capobjs)
		return;
	s->seen = sim_xrealloc(s->seen, s->capobjs * sizeof(uint64_t));
	for (uint32_t h = s->capseen; h < s->capobjs; h++)
		s->seen[h] = value;
	s->capseen = s->capobjs;
}

/* Write down the step each garbage object was first seen at. */
static void forget_census_steps(struct sim *s)
{
	uint64_t last = s->garbage.censuses;

	for (oref h = OBJ(s, HEAD_REFCHAIN)->rc_next; h != HEAD_REFCHAIN;
	     h = OBJ(s, h)->rc_next) {
		uint64_t v = s->seen[h];

		if (!(v & SEEN_STEP) && v < last)
			s->seen[h] = SEEN_STEP | s->census_step[v + 1 - s->census_base];
	}
	s->census_base = last + 1;
	s->ncensus_step = 0;
}

static void census(struct sim *s)
{
	struct sim_garbage *g = &s->garbage;
	uint32_t n = 0;
	uint64_t marked = 0;

	seen_reserve(s, g->censuses);
	if (g->censuses == 0)
		s->census_base = 1;
	g->censuses++;
	names_prune_rooted(s->names); /* so every name listed holds roots */
	for (uint32_t i = 0; i < names_nrooted(s->names); i++)
		push_mark(s, &n, &marked,
			  names_obj(s->names, names_rooted(s->names, i)));
	for (uint32_t i = 0; i < s->ngc_garbage; i++) /* gc.garbage holds them */
		push_mark(s, &n, &marked, s->gc_garbage[i]);
	for (uint32_t i = 0; i < s->ncached_gc; i++)
		push_mark(s, &n, &marked, s->cached_gc[i]);
	while (n > 0) {
		const struct refs *r = OBJ(s, s->markstack[--n])->u.r;

		for (uint32_t i = 0; i < r->len; i++)
			if (r->v[i]) /* 0: a set's unused or dummy slot */
				push_mark(s, &n, &marked, r->v[i]);
		/* push_mark may grow markstack, never objs: r stays valid */
	}
	assert(marked + s->ncached_plain <= s->live);
	uint64_t waiting = s->live - s->ncached_plain - marked;

	if (s->ncensus_step == s->capcensus_step) {
		s->capcensus_step = s->capcensus_step ? 2 * s->capcensus_step : 64;
		s->census_step = sim_xrealloc(s->census_step,
					      s->capcensus_step * sizeof(uint64_t));
	}
	s->census_step[s->ncensus_step++] = s->step_no;

	uint64_t interval = s->step_no - s->last_census;
	if (interval > g->max_interval)
		g->max_interval = interval;
	g->waiting_steps += (double)waiting * (double)interval;
	g->waiting = waiting;
	if (waiting > g->peak_waiting)
		g->peak_waiting = waiting;
	s->last_census = s->step_no;
	if (s->ncensus_step > s->live / 4 + 64)
		forget_census_steps(s);
}

/*
 * After each step: a census once live/16 steps have passed (every step
 * while fewer than 32 objects live), so that censuses cost about 16 times
 * what the replay itself does per object and step, however large the heap.
 */
void census_maybe(struct sim *s)
{
	uint64_t every = s->live / CENSUS_DIVISOR;

	if (!s->cfg.census)
		return;
	if (s->step_no - s->last_census >= (every > 0 ? every : 1))
		census(s);
}

/* h is new: the next census is the first that can see it. */
void census_on_alloc(struct sim *s, oref h)
{
	if (h >= s->capseen)
		seen_reserve(s, 0);
	s->seen[h] = s->garbage.censuses;
}

/* h now belongs to a cache, a root for as long as it lives (for ever). */
void census_on_cached(struct sim *s, oref h)
{
	if (!sim_is_gc_type(OBJ(s, h)->type)) {
		s->ncached_plain++;
		return;
	}
	if (s->ncached_gc == s->capcached_gc) {
		s->capcached_gc = s->capcached_gc ? 2 * s->capcached_gc : 16;
		s->cached_gc = sim_xrealloc(s->cached_gc,
					    s->capcached_gc * sizeof(oref));
	}
	s->cached_gc[s->ncached_gc++] = h;
}

/* h is being freed: if a census saw it as garbage, its wait ends now. */
void census_on_free(struct sim *s, oref h)
{
	uint64_t v = s->seen[h], since;

	if (!s->collecting)
		return;
	if (v & SEEN_STEP)
		since = v & ~SEEN_STEP;
	else if (v < s->garbage.censuses)
		since = s->census_step[v + 1 - s->census_base];
	else
		return; /* reachable at the last census, or newer */

	uint64_t wait = s->step_no - since;

	s->garbage.collected++;
	s->garbage.wait_total += wait;
	if (wait > s->garbage.wait_max)
		s->garbage.wait_max = wait;
}

void census_release(struct sim *s)
{
	free(s->seen);
	free(s->census_step);
	free(s->cached_gc);
	free(s->markstack);
}

void sim_get_garbage(const sim *s, struct sim_garbage *g)
{
	*g = s->garbage;
}
