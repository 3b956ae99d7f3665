/*
 * gc_generational.c - the generational collector: CPython 3.11 to 3.13,
 * and 3.14.5 and later, which forward-ported 3.13's.
 *
 * Mirrors Modules/gcmodule.c of 3.11 and 3.12 and Python/gc.c of 3.13:
 * the count in _PyObject_GC_Link and PyObject_GC_Del, the choice of a
 * generation in gc_collect_generations with the long-lived brake on full
 * collections, and gc_collect_main.  The profile says where the versions
 * differ: 3.11 collects inside the allocation, 3.12+ at the next safe
 * point (deferred_gc), 3.13+ not when gc.disable() came meanwhile, 3.14.5+
 * tracks dicts at creation and never untracks them.
 */
#include <stdio.h>

#include "gc.h"

/* PyObject_GC_Del: a GC object given back to the allocator. */
static void gc_del(struct sim *s)
{
	if (s->gen[0].count > 0)
		s->gen[0].count--;
}

/* _PyObject_GC_TRACK: the object goes to the tail of generation 0. */
static void gc_track(struct sim *s, oref h)
{
	gc_list_append(s, h, LIST_GEN0);
}

static void gc_untrack(struct sim *s, oref h)
{
	gc_list_remove(s, h);
}

/* gc_collect_main.  The caller has set s->collecting. */
static uint64_t gc_collect_main(struct sim *s, struct sim_collection *c)
{
	int gen = c->gen;
	int young = gen, old = gen < 2 ? gen + 1 : gen;
	uint64_t live_before = s->live;

	if (gen + 1 < 3)
		s->gen[gen + 1].count++;
	for (int i = 0; i <= gen; i++)
		s->gen[i].count = 0;
	for (int i = 0; i < gen; i++)
		gc_list_merge(s, i, gen);
	c->examined = s->lists[young].size;

	gc_deduce_unreachable(s, young);
	c->unreachable = s->lists[LIST_UNREACHABLE].size;

	c->untracked_tuples = gc_untrack_tuples(s, young);
	if (young != old) {
		if (gen == 1)
			s->long_lived_pending += (int64_t)s->lists[young].size;
		c->survivors = s->lists[young].size;
		gc_list_merge(s, young, old);
	} else {
		/* 3.14 dropped untrack_dicts with lazy dict tracking. */
		if (!s->prof->dict_always_tracked)
			c->untracked_dicts = gc_untrack_dicts(s, young);
		c->survivors = s->lists[young].size;
		s->long_lived_pending = 0;
		s->long_lived_total = (int64_t)s->lists[young].size;
	}
	c->survivors_to = old;

	uint64_t m = gc_delete_unreachable(s, old, c);
	c->collected = m;
	c->freed = live_before - s->live;

	if (gen == 2) {
		cache_clear_freelists(s);
		c->freelists_cleared = 1;
	}
	c->pending_after = s->long_lived_pending;
	c->total_after = s->long_lived_total;
	gc_account(s, c, m);
	gc_invoke_callbacks(s); /* "stop" */
	return m;
}

/* gc_collect_generations: the oldest generation over its threshold. */
static void gc_collect_generations(struct sim *s, int deferred)
{
	int skipped = 0;

	for (int i = 2; i >= 0; i--) {
		if (s->gen[i].count <= s->gen[i].threshold)
			continue;
		if (i == 2 && s->long_lived_pending < s->long_lived_total / 4) {
			skipped = 1;
			continue;
		}
		struct sim_collection *c =
			gc_new_collection(s, i, SIM_TRIGGER_THRESHOLD);
		c->deferred = deferred;
		c->gen2_skipped = skipped;
		gc_collect_main(s, c);
		return;
	}
}

/*
 * _PyObject_GC_Link: a GC object came from the allocator.  3.11 collects
 * right here, before the new object exists; 3.12 schedules a collection
 * for the step's end.  The objects in protect are held by the operation
 * under way (Python keeps them on its stack), so they survive it.
 */
static void gc_link(struct sim *s, const oref *protect, int nprotect)
{
	struct generation *g0 = &s->gen[0];

	g0->count++;
	if (!(g0->count > g0->threshold && s->enabled && g0->threshold &&
	      !s->collecting))
		return;
	if (s->prof->deferred_gc) {
		if (!s->gc_scheduled)
			heap_effect(s, SIM_FX_GC_SCHEDULED, 0, g0->count);
		s->gc_scheduled = 1;
		return;
	}
	for (int i = 0; i < nprotect; i++)
		heap_incref(s, protect[i]);
	s->collecting = 1;
	gc_collect_generations(s, 0);
	s->collecting = 0;
	for (int i = 0; i < nprotect; i++)
		heap_decref(s, protect[i]);
}

/*
 * The step's end: 3.12's next safe point (_Py_HandlePending -> _Py_RunGC),
 * unless a tuple is being filled.  Its alloc and fills are one piece of C
 * code (PyTuple_New, then PyTuple_SET_ITEM of each item) or one
 * BUILD_TUPLE, inside which the eval breaker is never checked; so the
 * collection waits for the last fill, or for the tuple's death.
 */
static void gc_safe_point(struct sim *s)
{
	if (s->gc_scheduled && s->building == 0) {
		s->gc_scheduled = 0;
		/*
		 * Scheduling needed gc.enabled; a gc.disable() since (possible
		 * while a tuple is filled) stops the collection in 3.13, but
		 * 3.12's _Py_RunGC does not look (measured, 3.12.1 and 3.13.0).
		 */
		if (s->enabled || !s->prof->deferred_gc_if_enabled) {
			s->collecting = 1;
			gc_collect_generations(s, 1);
			s->collecting = 0;
		}
	}
	if (s->cfg.stress) {
		s->collecting = 1;
		gc_collect_main(s, gc_new_collection(s, 2, SIM_TRIGGER_STRESS));
		s->collecting = 0;
	}
}

/* gc.collect(gen): ignores enabled; does nothing while collecting. */
static long gc_collect(struct sim *s, int gen)
{
	if (s->collecting)
		return 0;
	s->collecting = 1;
	uint64_t m = gc_collect_main(s, gc_new_collection(s, gen, SIM_TRIGGER_EXPLICIT));
	s->collecting = 0;
	return (long)m;
}

static void gc_freeze(struct sim *s)
{
	for (int i = 0; i < 3; i++) {
		gc_list_merge(s, i, LIST_PERMANENT);
		s->gen[i].count = 0;
	}
}

static void gc_unfreeze(struct sim *s)
{
	gc_list_merge(s, LIST_PERMANENT, LIST_GEN2);
}

static void get_count(const struct sim *s, long count[3])
{
	for (int i = 0; i < 3; i++)
		count[i] = s->gen[i].count;
}

static void gen_sizes(const struct sim *s, uint64_t sizes[3])
{
	for (int i = 0; i < 3; i++)
		sizes[i] = s->lists[i].size;
}

static int generation_of(const struct sim *s, oref h)
{
	return s->objs[h].list; /* LIST_GEN0..2, LIST_PERMANENT is 3 */
}

static int check(const struct sim *s, char *msg, size_t sz)
{
	for (int i = 0; i < 3; i++)
		if (s->gen[i].count < 0)
			return snprintf(msg, sz, "count%d is negative", i), 1;
	return 0;
}

const struct gc_ops gc_generational = {
	.algorithm = "generational",
	.on_alloc = gc_link,
	.on_free = gc_del,
	.track = gc_track,
	.untrack = gc_untrack,
	.safe_point = gc_safe_point,
	.collect = gc_collect,
	.freeze = gc_freeze,
	.unfreeze = gc_unfreeze,
	.get_count = get_count,
	.gen_sizes = gen_sizes,
	.generation_of = generation_of,
	.check = check,
};
