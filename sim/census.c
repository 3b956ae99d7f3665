/*
 * census.c - how long cyclic garbage waits for the collector.
 *
 * CPython itself never knows: an unreachable cycle is found only when a
 * collection examines it.  The simulator can look: a census marks what
 * the roots (names holding references, and the caches) reach, and every
 * live object left unmarked is garbage that only the collector can free.
 * The step at which a census first saw an object is kept per handle, and
 * the wait is counted when the collector frees it.
 */
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define CENSUS_DIVISOR 16

static void push_mark(struct sim *s, uint32_t *n, oref h)
{
	struct obj *o = OBJ(s, h);

	if (o->flags & OF_MARK)
		return;
	o->flags |= OF_MARK;
	if (!sim_is_gc_type(o->type) || !o->u.r || o->u.r->len == 0)
		return;
	if (*n == s->capmark) {
		s->capmark = s->capmark ? 2 * s->capmark : 256;
		s->markstack = sim_xrealloc(s->markstack, s->capmark * sizeof(oref));
	}
	s->markstack[(*n)++] = h;
}

static void census(struct sim *s)
{
	uint32_t n = 0;
	uint64_t waiting = 0;

	if (s->capgarbage < s->capobjs) {
		s->garbage_since = sim_xrealloc(s->garbage_since,
						s->capobjs * sizeof(uint64_t));
		memset(s->garbage_since + s->capgarbage, 0,
		       (s->capobjs - s->capgarbage) * sizeof(uint64_t));
		s->capgarbage = s->capobjs;
	}
	for (uint32_t i = 0; i < names_nrooted(s->names); i++)
		push_mark(s, &n, names_obj(s->names, names_rooted(s->names, i)));
	for (oref h = OBJ(s, HEAD_REFCHAIN)->rc_next; h != HEAD_REFCHAIN;
	     h = OBJ(s, h)->rc_next)
		if (OBJ(s, h)->flags & OF_CACHED)
			push_mark(s, &n, h);
	while (n > 0) {
		const struct refs *r = OBJ(s, s->markstack[--n])->u.r;

		for (uint32_t i = 0; i < r->len; i++)
			if (r->v[i]) /* 0: a set's unused or dummy slot */
				push_mark(s, &n, r->v[i]);
		/* push_mark may grow markstack, never objs: r stays valid */
	}
	for (oref h = OBJ(s, HEAD_REFCHAIN)->rc_next; h != HEAD_REFCHAIN;
	     h = OBJ(s, h)->rc_next) {
		struct obj *o = OBJ(s, h);

		if (o->flags & OF_MARK) {
			/* A trace may name garbage and make it reachable again. */
			o->flags &= (uint8_t)~OF_MARK;
			s->garbage_since[h] = 0;
			continue;
		}
		waiting++;
		if (!s->garbage_since[h])
			s->garbage_since[h] = s->step_no;
	}
	struct sim_garbage *g = &s->garbage;
	uint64_t interval = s->step_no - s->last_census;
	if (interval > g->max_interval)
		g->max_interval = interval;
	g->censuses++;
	g->waiting_steps += (double)waiting * (double)interval;
	if (waiting > g->peak_waiting)
		g->peak_waiting = waiting;
	s->last_census = s->step_no;
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

/* h is being freed: if a census saw it as garbage, its wait ends now. */
void census_on_free(struct sim *s, oref h)
{
	if (h >= s->capgarbage || !s->garbage_since[h])
		return;
	if (s->collecting) {
		uint64_t wait = s->step_no - s->garbage_since[h];

		s->garbage.collected++;
		s->garbage.wait_total += wait;
		if (wait > s->garbage.wait_max)
			s->garbage.wait_max = wait;
	}
	s->garbage_since[h] = 0;
}

void census_release(struct sim *s)
{
	free(s->garbage_since);
	free(s->markstack);
}

void sim_get_garbage(const sim *s, struct sim_garbage *g)
{
	*g = s->garbage;
}
