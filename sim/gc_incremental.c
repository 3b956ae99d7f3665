/*
 * gc_incremental.c - the incremental collector of CPython 3.14.0-3.14.4.
 *
 * Follows 3.14's Python/gc.c function by function: _PyObject_GC_TRACK
 * and _PyObject_GC_UNTRACK (pycore_gc.h) or _PyObject_GC_Link and
 * PyObject_GC_Del, _Py_RunGC, _PyGC_Collect, gc_collect_young,
 * gc_collect_increment with assess_work_to_do, mark_at_start, mark_stacks
 * and expand_region_transitively_reachable, gc_collect_full,
 * gc_collect_region, completed_scavenge, _PyGC_Freeze and _PyGC_Unfreeze.
 *
 * Three lists: young (gen[0], LIST_GEN0) and old[0], old[1] (gen[1],
 * gen[2]; LIST_GEN1, LIST_GEN2).  visited_space names the old list
 * increments move their survivors to; the other one is pending, the part
 * of the old heap the current scavenge has not reached.  CPython keeps
 * each object's space in a bit of its header; here it follows from the
 * list: young and pending objects are "not visited", the visited list and
 * the permanent generation "visited".  An increment is built on the young
 * list itself (young is merged into CPython's local `increment` first, so
 * the order is the same).  GEN_HEAD(0..2) = young, visited, pending is
 * what gc.get_count() and the generation sizes show.
 *
 * Two variants (the profiles 3.14.0 and 3.14.2, rules section 7):
 *   3.14.0        counts allocations (_PyObject_GC_Link, PyObject_GC_Del);
 *                 heap fraction capped at 3/2 of the new objects; after an
 *                 increment work_to_do gets the heap fraction again; no
 *                 early return.  From the source, unverified.
 *   3.14.1-3.14.4 count trackings (_PyObject_GC_TRACK/_UNTRACK); the cap
 *                 is twice the new objects; gc_collect_increment returns
 *                 as soon as work_to_do is negative, before untracking
 *                 tuples, and is not counted then.  Measured on 3.14.2
 *                 (reference/cpython-3.14-measured.md 3.1-3.5).
 *
 * The root model (README): the trace's roots are references the program
 * holds from C, as the oracles hold them, so mark_at_start and
 * mark_stacks find none of the trace's objects on a frame or in a global
 * and mark nothing.
 */
#include <stdio.h>

#include "gc.h"

enum { GC_PHASE_MARK, GC_PHASE_COLLECT };

#define SCAN_RATE_DIVISOR 10

#define YOUNG LIST_GEN0
#define OLD(space) (LIST_GEN1 + (space))
#define VISITED(s) OLD((s)->visited_space)
#define PENDING(s) OLD((s)->visited_space ^ 1)

/* 3.14.1+: the count follows tracking; 3.14.0: allocation. */
static int counts_tracking(const struct sim *s)
{
	return s->gc == &gc_incremental;
}

/* _Py_TriggerGC (3.14.1+) or the test in _PyObject_GC_Link (3.14.0). */
static void maybe_schedule(struct sim *s)
{
	struct generation *young = &s->gen[0];

	if (young->count > young->threshold && s->enabled && young->threshold &&
	    !s->collecting) {
		if (!s->gc_scheduled)
			heap_effect(s, SIM_FX_GC_SCHEDULED, 0, young->count);
		s->gc_scheduled = 1;
	}
}

/* _PyObject_GC_TRACK: to the tail of young, "not visited". */
static void gc_track(struct sim *s, oref h)
{
	gc_list_append(s, h, YOUNG);
	if (counts_tracking(s)) {
		s->gen[0].count++;
		s->heap_size++;
		maybe_schedule(s);
	}
}

/* _PyObject_GC_UNTRACK. */
static void gc_untrack(struct sim *s, oref h)
{
	gc_list_remove(s, h);
	if (counts_tracking(s)) {
		if (s->gen[0].count > 0)
			s->gen[0].count--;
		s->heap_size--;
	}
}

/* _PyObject_GC_Link: counts only in 3.14.0. */
static void gc_link(struct sim *s, const oref *protect, int nprotect)
{
	(void)protect;
	(void)nprotect; /* the collection waits for the safe point */
	if (counts_tracking(s))
		return;
	s->gen[0].count++;
	s->heap_size++;
	maybe_schedule(s);
}

/*
 * PyObject_GC_Del: 3.14.0 counts every GC object given back to the
 * allocator; 3.14.1+ only one still tracked, which the trace's objects
 * never are (their tp_dealloc untracks them first).
 */
static void gc_del(struct sim *s)
{
	if (counts_tracking(s))
		return;
	if (s->gen[0].count > 0)
		s->gen[0].count--;
	s->heap_size--;
}

/*
 * gc_collect_region: find the garbage among `from` (deduce_unreachable),
 * untrack tuples among the survivors, move them to `to`, and clear the
 * garbage; what outlives its tp_clear goes to `to` too.
 */
static uint64_t gc_collect_region(struct sim *s, int from, int to,
				  struct sim_collection *c)
{
	uint64_t live_before = s->live;

	gc_deduce_unreachable(s, from);
	c->unreachable = s->lists[LIST_UNREACHABLE].size;
	c->untracked_tuples += gc_untrack_tuples(s, from);
	c->survivors = s->lists[from].size;
	if (from != to)
		gc_list_merge(s, from, to);
	uint64_t m = gc_delete_unreachable(s, to, c);
	c->collected = m;
	c->freed = live_before - s->live;
	return m;
}

/* gc_collect_young (gc.collect(0)): young alone, survivors to visited. */
static void gc_collect_young(struct sim *s, struct sim_collection *c)
{
	c->untracked_tuples = gc_untrack_tuples(s, YOUNG);
	c->examined = s->lists[YOUNG].size;
	uint64_t m = gc_collect_region(s, YOUNG, VISITED(s), c);
	s->gen[0].count = 0;
	s->gen[1 + s->visited_space].count++;
	gc_account(s, c, m);
}

/*
 * mark_all_reachable from the global roots and the frames' stacks
 * (mark_global_roots, mark_stacks) into the visited space.  None of the
 * trace's objects is on a frame or in a global: the program holds its
 * roots from C (the root model).  CPython 3.14.2 would move what they
 * reach to the visited space and count it.
 */
static int64_t mark_stacks(struct sim *s)
{
	(void)s;
	return 0;
}

/* mark_at_start: the first step of a scavenge only marks. */
static int64_t mark_at_start(struct sim *s)
{
	int64_t marked = mark_stacks(s); /* and mark_global_roots */

	s->work_to_do -= marked;
	s->phase = GC_PHASE_COLLECT;
	return marked;
}

/*
 * assess_work_to_do: the new objects, and a share of the heap (a tenth,
 * divided by old[0]'s threshold, at least 2) capped by them.  Integer
 * arithmetic, as in C.
 */
static int64_t assess_work_to_do(struct sim *s)
{
	int64_t scale_factor = s->gen[1].threshold;

	if (scale_factor < 2)
		scale_factor = 2;
	int64_t new_objects = s->gen[0].count;
	int64_t max_heap_fraction = counts_tracking(s) ? new_objects * 2 :
							 new_objects * 3 / 2;
	int64_t heap_fraction = s->heap_size / SCAN_RATE_DIVISOR / scale_factor;
	if (heap_fraction > max_heap_fraction)
		heap_fraction = max_heap_fraction;
	s->gen[0].count = 0;
	return new_objects + heap_fraction;
}

/*
 * completed_scavenge: every old object was visited.  The spaces swap
 * (the visited list becomes the pending one of the next scavenge) unless
 * the permanent generation holds objects, which must stay "visited": then
 * the visited objects move to the pending list instead.
 */
static void completed_scavenge(struct sim *s, struct sim_collection *c)
{
	c->completed_scavenge = 1;
	if (s->lists[LIST_PERMANENT].size == 0)
		s->visited_space ^= 1;
	else
		gc_list_merge(s, VISITED(s), PENDING(s));
	s->work_to_do = 0;
	s->phase = GC_PHASE_MARK;
}

struct container_and_size {
	int pending;
	int64_t size;
};

/* visit_add_to_container: a pending object joins the increment. */
static void visit_add_to_container(struct sim *s, oref h, void *arg)
{
	struct container_and_size *cf = arg;

	if (s->objs[h].list == cf->pending) {
		gc_list_move(s, h, YOUNG);
		cf->size++;
	}
}

/*
 * expand_region_transitively_reachable: from h to the end of the
 * increment, each object pulls in the pending objects it refers to, so
 * that the increment holds h's whole closure in the old heap.
 */
static int64_t expand_region_transitively_reachable(struct sim *s, oref h)
{
	struct container_and_size cf = { PENDING(s), 0 };
	oref head = LIST_HEAD(s, YOUNG);

	for (; h != head; h = OBJ(s, h)->gc_next)
		gc_traverse(s, h, visit_add_to_container, &cf);
	return cf.size;
}

/*
 * gc_collect_increment (gc.collect(1), and every automatic collection):
 * young and as much of pending as work_to_do asks for, with closures;
 * survivors go to the visited space.
 */
static void gc_collect_increment(struct sim *s, struct sim_collection *c)
{
	s->work_to_do += assess_work_to_do(s);
	c->work_before = s->work_to_do;
	if (counts_tracking(s) && s->work_to_do < 0) {
		c->inc_skipped = 1; /* behind on work: nothing, not counted */
		return;
	}
	c->untracked_tuples = gc_untrack_tuples(s, YOUNG);
	if (s->phase == GC_PHASE_MARK) {
		int64_t marked = mark_at_start(s);
		s->work_to_do -= marked; /* again: gh-141890 */
		c->mark_only = 1;
		return;
	}
	int64_t marked = mark_stacks(s);
	s->work_to_do -= marked;
	int64_t increment_size = (int64_t)s->lists[YOUNG].size;
	while (increment_size < s->work_to_do) {
		if (gc_list_is_empty(s, PENDING(s)))
			break;
		oref h = OBJ(s, LIST_HEAD(s, PENDING(s)))->gc_next;
		gc_list_move(s, h, YOUNG);
		increment_size++;
		increment_size += expand_region_transitively_reachable(s, h);
	}
	c->examined = (uint64_t)increment_size;
	uint64_t m = gc_collect_region(s, YOUNG, VISITED(s), c);
	if (!counts_tracking(s))
		s->work_to_do += s->heap_size / SCAN_RATE_DIVISOR /
				 (s->gen[1].threshold < 2 ? 2 : s->gen[1].threshold);
	s->work_to_do -= increment_size;
	gc_account(s, c, m);
	if (gc_list_is_empty(s, PENDING(s)))
		completed_scavenge(s, c);
}

/* GC objects on the free lists (3.14.0 counts them in heap_size). */
static int64_t freelist_gc_objects(const struct sim *s)
{
	int64_t n = s->fl.list + s->fl.dict;

	for (int i = 0; i < SIM_TUPLE_FREELISTS; i++)
		n += s->fl.tuple[i];
	return n;
}

/* gc_collect_full (gc.collect(2)): the whole heap, then a new scavenge. */
static void gc_collect_full(struct sim *s, struct sim_collection *c)
{
	c->untracked_tuples = gc_untrack_tuples(s, YOUNG);
	gc_list_merge(s, YOUNG, PENDING(s));
	s->gen[0].count = 0;
	gc_list_merge(s, PENDING(s), VISITED(s));
	c->examined = s->lists[VISITED(s)].size;
	uint64_t m = gc_collect_region(s, VISITED(s), VISITED(s), c);
	for (int i = 0; i < 3; i++)
		s->gen[i].count = 0;
	completed_scavenge(s, c);
	/* _PyGC_ClearAllFreeLists: PyObject_GC_Del of each (3.14.0 counts). */
	if (!counts_tracking(s))
		s->heap_size -= freelist_gc_objects(s);
	cache_clear_freelists(s);
	c->freelists_cleared = 1;
	gc_account(s, c, m);
}

/* _PyGC_Collect: one collection; nothing while one runs. */
static long gc_collect_main(struct sim *s, int gen, enum sim_trigger trig)
{
	if (s->collecting)
		return 0;
	s->collecting = 1;
	struct sim_collection *c = gc_new_collection(s, gen, trig);
	c->incremental = 1;
	c->deferred = trig == SIM_TRIGGER_THRESHOLD;
	switch (gen) {
	case 0:
		gc_collect_young(s, c);
		break;
	case 1:
		gc_collect_increment(s, c);
		break;
	default:
		gc_collect_full(s, c);
		break;
	}
	c->survivors_to = 1;
	c->work_after = s->work_to_do;
	gc_invoke_callbacks(s); /* "stop" */
	s->collecting = 0;
	return (long)c->collected;
}

/*
 * The step's end: the eval breaker's _Py_RunGC, which runs an increment
 * (generation 1) if the collector is still enabled; not while a tuple is
 * being filled (see gc_generational.c).
 */
static void gc_safe_point(struct sim *s)
{
	if (s->gc_scheduled && s->building == 0) {
		s->gc_scheduled = 0;
		if (s->enabled)
			gc_collect_main(s, 1, SIM_TRIGGER_THRESHOLD);
	}
	if (s->cfg.stress)
		gc_collect_main(s, 2, SIM_TRIGGER_STRESS);
}

static long gc_collect(struct sim *s, int gen)
{
	return gc_collect_main(s, gen, SIM_TRIGGER_EXPLICIT);
}

/* _PyGC_Freeze: young, old[0], old[1] to the permanent generation. */
static void gc_freeze(struct sim *s)
{
	gc_list_merge(s, YOUNG, LIST_PERMANENT);
	s->gen[0].count = 0;
	gc_list_merge(s, OLD(0), LIST_PERMANENT);
	s->gen[1].count = 0;
	gc_list_merge(s, OLD(1), LIST_PERMANENT);
	s->gen[2].count = 0;
}

/* _PyGC_Unfreeze: the permanent generation joins the visited space. */
static void gc_unfreeze(struct sim *s)
{
	gc_list_merge(s, LIST_PERMANENT, VISITED(s));
}

/* gc.get_count(): young, old[visited], old[pending]. */
static void get_count(const struct sim *s, long count[3])
{
	count[0] = s->gen[0].count;
	count[1] = s->gen[1 + s->visited_space].count;
	count[2] = s->gen[2 - s->visited_space].count;
}

static void gen_sizes(const struct sim *s, uint64_t sizes[3])
{
	sizes[0] = s->lists[YOUNG].size;
	sizes[1] = s->lists[VISITED(s)].size;
	sizes[2] = s->lists[PENDING(s)].size;
}

static int generation_of(const struct sim *s, oref h)
{
	int l = s->objs[h].list;

	if (l == YOUNG || l == LIST_PERMANENT)
		return l;
	return l == VISITED(s) ? 1 : 2;
}

static int check(const struct sim *s, char *msg, size_t sz)
{
	for (int i = 0; i < 3; i++)
		if (s->gen[i].count < 0)
			return snprintf(msg, sz, "count%d is negative", i), 1;
	if (counts_tracking(s) && s->heap_size != (int64_t)s->tracked)
		return snprintf(msg, sz, "heap_size %lld but %llu objects are tracked",
				(long long)s->heap_size,
				(unsigned long long)s->tracked), 1;
	if (s->heap_size < 0)
		return snprintf(msg, sz, "heap_size is negative"), 1;
	if (s->phase != GC_PHASE_MARK && s->phase != GC_PHASE_COLLECT)
		return snprintf(msg, sz, "phase %d", s->phase), 1;
	return 0;
}

static void inc_state(const struct sim *s, struct sim_inc_state *out)
{
	out->work_to_do = s->work_to_do;
	out->phase = s->phase;
	out->visited_space = s->visited_space;
	out->heap_size = s->heap_size;
}

#define INCREMENTAL_OPS \
	.algorithm = "incremental", \
	.on_alloc = gc_link, \
	.on_free = gc_del, \
	.track = gc_track, \
	.untrack = gc_untrack, \
	.safe_point = gc_safe_point, \
	.collect = gc_collect, \
	.freeze = gc_freeze, \
	.unfreeze = gc_unfreeze, \
	.get_count = get_count, \
	.gen_sizes = gen_sizes, \
	.generation_of = generation_of, \
	.check = check, \
	.inc_state = inc_state

const struct gc_ops gc_incremental = { INCREMENTAL_OPS };
const struct gc_ops gc_incremental_0 = { INCREMENTAL_OPS };
