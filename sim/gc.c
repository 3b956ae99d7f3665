/*
 * gc.c - the generations and the cyclic collector.
 *
 * Mirrors Modules/gcmodule.c of CPython 3.11 and 3.12: the generation
 * lists (gc_list_*), the count in _PyObject_GC_Link and PyObject_GC_Del,
 * the choice of a generation in gc_collect_generations with the
 * long-lived brake on full collections, and gc_collect_main: update_refs,
 * subtract_refs, move_unreachable, untrack_tuples, untrack_dicts,
 * delete_garbage, clear_freelists.  The trace's objects have no
 * finalizers and no weak references, so the steps that handle those find
 * nothing to do and are left out.
 */
#include <assert.h>
#include <string.h>

#include "state.h"

static void link_tail(struct sim *s, oref h, int list)
{
	oref head = LIST_HEAD(s, list);
	struct obj *o = OBJ(s, h), *hd = OBJ(s, head);
	oref last = hd->gc_prev;

	o->gc_prev = last;
	o->gc_next = head;
	OBJ(s, last)->gc_next = h;
	hd->gc_prev = h;
	o->list = (uint8_t)list;
	s->lists[list].size++;
}

static void unlink_obj(struct sim *s, oref h)
{
	struct obj *o = OBJ(s, h);

	assert(o->list < LIST_COUNT_);
	OBJ(s, o->gc_prev)->gc_next = o->gc_next;
	OBJ(s, o->gc_next)->gc_prev = o->gc_prev;
	s->lists[o->list].size--;
	o->gc_prev = o->gc_next = 0;
	o->list = LIST_NONE;
}

/* _PyObject_GC_TRACK: the object goes to the tail of the list. */
void gclist_append(struct sim *s, oref h, int list)
{
	link_tail(s, h, list);
	if (++s->tracked > s->peak_tracked)
		s->peak_tracked = s->tracked;
}

void gclist_remove(struct sim *s, oref h)
{
	unlink_obj(s, h);
	s->tracked--;
}

static void gclist_move(struct sim *s, oref h, int list)
{
	unlink_obj(s, h);
	link_tail(s, h, list);
}

/* gc_list_merge: from's objects go, in order, after to's. */
void gclist_merge(struct sim *s, int from, int to)
{
	oref hf = LIST_HEAD(s, from), ht = LIST_HEAD(s, to);
	struct obj *f = OBJ(s, hf), *t = OBJ(s, ht);

	if (f->gc_next == hf)
		return;
	for (oref h = f->gc_next; h != hf; h = OBJ(s, h)->gc_next)
		OBJ(s, h)->list = (uint8_t)to;
	oref first = f->gc_next, last = f->gc_prev, tlast = t->gc_prev;
	OBJ(s, tlast)->gc_next = first;
	OBJ(s, first)->gc_prev = tlast;
	OBJ(s, last)->gc_next = ht;
	t->gc_prev = last;
	f->gc_next = f->gc_prev = hf;
	s->lists[to].size += s->lists[from].size;
	s->lists[from].size = 0;
}

#define FOR_EACH(s, list, h) \
	for (oref h = OBJ(s, LIST_HEAD(s, list))->gc_next; \
	     h != LIST_HEAD(s, list); h = OBJ(s, h)->gc_next)

/* PyObject_GC_Del: a GC object given back to the allocator. */
void gc_on_free(struct sim *s)
{
	if (s->gen[0].count > 0)
		s->gen[0].count--;
}

/* update_refs: gc_refs starts as the reference count. */
static void update_refs(struct sim *s, int young)
{
	FOR_EACH(s, young, h) {
		struct obj *o = OBJ(s, h);

		o->gc_refs = o->refcnt;
		o->flags |= OF_COLLECTING;
	}
}

/* subtract_refs: references from inside the set do not keep it alive. */
static void subtract_refs(struct sim *s, int young)
{
	FOR_EACH(s, young, h) {
		const struct refs *r = OBJ(s, h)->u.r;

		for (uint32_t i = 0; i < r->len; i++) {
			if (!r->v[i])
				continue; /* a set's unused or dummy slot */
			struct obj *c = OBJ(s, r->v[i]);

			if (c->flags & OF_COLLECTING)
				c->gc_refs--;
		}
	}
}

/* visit_reachable: a referent of a reachable object is reachable. */
static void visit_reachable(struct sim *s, oref h, int young)
{
	struct obj *o = OBJ(s, h);

	if (!(o->flags & OF_COLLECTING))
		return; /* another generation, or already scanned */
	if (o->flags & OF_UNREACHABLE) {
		/* Back to the tail of young: the scan will get to it again. */
		o->flags &= (uint8_t)~OF_UNREACHABLE;
		gclist_move(s, h, young);
		o->gc_refs = 1;
	} else if (o->gc_refs == 0) {
		o->gc_refs = 1;
	}
}

/*
 * tp_traverse order: lists and tuples visit their items from the last,
 * dicts and instances from the first, sets in slot order (set_traverse
 * walks the hash table; the 0s are its unused and dummy slots).
 */
static void traverse_reachable(struct sim *s, oref h, int young)
{
	const struct obj *o = OBJ(s, h);
	uint32_t n = o->u.r->len;

	if (o->type == SIM_T_LIST || o->type == SIM_T_TUPLE) {
		while (n-- > 0)
			visit_reachable(s, OBJ(s, h)->u.r->v[n], young);
	} else {
		for (uint32_t i = 0; i < n; i++)
			if (OBJ(s, h)->u.r->v[i])
				visit_reachable(s, OBJ(s, h)->u.r->v[i], young);
	}
}

/*
 * move_unreachable: one pass over young.  An object with gc_refs > 0 is
 * reachable and makes what it refers to reachable; one with 0 moves to
 * the unreachable list, perhaps to come back when something later in the
 * pass refers to it.  The order this leaves matters: untrack_tuples walks
 * the survivors in it.
 */
static void move_unreachable(struct sim *s, int young)
{
	oref head = LIST_HEAD(s, young);
	oref h = OBJ(s, head)->gc_next;

	while (h != head) {
		struct obj *o = OBJ(s, h);

		if (o->gc_refs > 0) {
			traverse_reachable(s, h, young);
			o = OBJ(s, h);
			o->flags &= (uint8_t)~OF_COLLECTING;
			h = o->gc_next;
		} else {
			oref next = o->gc_next;

			gclist_move(s, h, LIST_UNREACHABLE);
			o->flags |= OF_UNREACHABLE;
			h = next;
		}
	}
}

/* No referent may be tracked: what lets a tuple or dict be untracked. */
static int holds_nothing_tracked(const struct sim *s, const struct obj *o)
{
	for (uint32_t i = 0; i < o->u.r->len; i++)
		if (heap_may_be_tracked(s, o->u.r->v[i]))
			return 0;
	return 1;
}

/* _PyTuple_MaybeUntrack on every survivor, in list order. */
static uint64_t untrack_tuples(struct sim *s, int young)
{
	uint64_t n = 0;
	oref head = LIST_HEAD(s, young);

	for (oref h = OBJ(s, head)->gc_next, next; h != head; h = next) {
		const struct obj *o = OBJ(s, h);

		next = o->gc_next;
		if (o->type != SIM_T_TUPLE || o->u.r->len < o->u.r->cap)
			continue;
		if (holds_nothing_tracked(s, o)) {
			gclist_remove(s, h);
			n++;
		}
	}
	return n;
}

/* _PyDict_MaybeUntrack on every survivor of a full collection. */
static uint64_t untrack_dicts(struct sim *s, int young)
{
	uint64_t n = 0;
	oref head = LIST_HEAD(s, young);

	for (oref h = OBJ(s, head)->gc_next, next; h != head; h = next) {
		const struct obj *o = OBJ(s, h);

		next = o->gc_next;
		if (!sim_is_dict(o->type))
			continue;
		if (holds_nothing_tracked(s, o)) {
			gclist_remove(s, h);
			n++;
		}
	}
	return n;
}

/*
 * delete_garbage: tp_clear each unreachable object in turn; what the
 * clearing frees leaves the list by itself.  An object still there after
 * its clear (a tuple: no tp_clear) survives into old.
 */
static void delete_garbage(struct sim *s, int old)
{
	oref head = LIST_HEAD(s, LIST_UNREACHABLE);

	while (OBJ(s, head)->gc_next != head) {
		oref h = OBJ(s, head)->gc_next;

		heap_incref(s, h);
		heap_clear_refs(s, h);
		heap_decref(s, h);
		if (OBJ(s, head)->gc_next == h) {
			OBJ(s, h)->flags &= (uint8_t)~OF_COLLECTING;
			gclist_move(s, h, old);
		}
	}
}

static struct sim_collection *new_collection(struct sim *s, int gen,
					     enum sim_trigger trig)
{
	if (s->ncolls == s->capcolls) {
		s->capcolls = s->capcolls ? 2 * s->capcolls : 4;
		s->colls = sim_xrealloc(s->colls, s->capcolls * sizeof(*s->colls));
	}
	struct sim_collection *c = &s->colls[s->ncolls++];
	memset(c, 0, sizeof(*c));
	c->gen = gen;
	c->trigger = trig;
	for (int i = 0; i < 3; i++) {
		c->count_before[i] = s->gen[i].count;
		c->threshold[i] = s->gen[i].threshold;
	}
	c->pending_before = s->long_lived_pending;
	c->total_before = s->long_lived_total;
	return c;
}

/* gc_collect_main.  The caller has set s->collecting. */
static uint64_t collect(struct sim *s, struct sim_collection *c)
{
	int gen = c->gen;
	int young = gen, old = gen < 2 ? gen + 1 : gen;
	uint64_t live_before = s->live;

	if (gen + 1 < 3)
		s->gen[gen + 1].count++;
	for (int i = 0; i <= gen; i++)
		s->gen[i].count = 0;
	for (int i = 0; i < gen; i++)
		gclist_merge(s, i, gen);
	c->examined = s->lists[young].size;

	update_refs(s, young);
	subtract_refs(s, young);
	move_unreachable(s, young);
	c->unreachable = s->lists[LIST_UNREACHABLE].size;

	c->untracked_tuples = untrack_tuples(s, young);
	if (young != old) {
		if (gen == 1)
			s->long_lived_pending += (int64_t)s->lists[young].size;
		c->survivors = s->lists[young].size;
		gclist_merge(s, young, old);
	} else {
		/* 3.14 dropped untrack_dicts with lazy dict tracking. */
		if (!s->prof->dict_always_tracked)
			c->untracked_dicts = untrack_dicts(s, young);
		c->survivors = s->lists[young].size;
		s->long_lived_pending = 0;
		s->long_lived_total = (int64_t)s->lists[young].size;
	}
	c->survivors_to = old;

	/* No finalizers or weakrefs: every unreachable object is garbage. */
	FOR_EACH(s, LIST_UNREACHABLE, h)
		OBJ(s, h)->flags &= (uint8_t)~OF_UNREACHABLE;
	uint64_t m = s->lists[LIST_UNREACHABLE].size;
	delete_garbage(s, old);
	c->collected = m;
	c->freed = live_before - s->live;

	if (gen == 2) {
		cache_clear_freelists(s);
		c->freelists_cleared = 1;
	}
	s->stats[gen].collections++;
	s->stats[gen].collected += m;
	c->pending_after = s->long_lived_pending;
	c->total_after = s->long_lived_total;
	s->totals.examined += c->examined;
	if (c->examined > s->totals.max_examined)
		s->totals.max_examined = c->examined;
	return m;
}

/* gc_collect_generations: the oldest generation over its threshold. */
static void collect_generations(struct sim *s, int deferred)
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
			new_collection(s, i, SIM_TRIGGER_THRESHOLD);
		c->deferred = deferred;
		c->gen2_skipped = skipped;
		collect(s, c);
		return;
	}
}

/*
 * _PyObject_GC_Link: a GC object came from the allocator.  3.11 collects
 * right here, before the new object exists; 3.12 schedules a collection
 * for the step's end.  The objects in protect are held by the operation
 * under way (Python keeps them on its stack), so they survive it.
 */
void gc_on_alloc(struct sim *s, const oref *protect, int nprotect)
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
	collect_generations(s, 0);
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
void gc_step_end(struct sim *s)
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
			collect_generations(s, 1);
			s->collecting = 0;
		}
	}
	if (s->cfg.stress) {
		s->collecting = 1;
		collect(s, new_collection(s, 2, SIM_TRIGGER_STRESS));
		s->collecting = 0;
	}
}

/* gc.collect(gen): ignores enabled; does nothing while collecting. */
long gc_collect_explicit(struct sim *s, int gen)
{
	if (s->collecting)
		return 0;
	s->collecting = 1;
	uint64_t m = collect(s, new_collection(s, gen, SIM_TRIGGER_EXPLICIT));
	s->collecting = 0;
	return (long)m;
}

void gc_freeze(struct sim *s)
{
	for (int i = 0; i < 3; i++) {
		gclist_merge(s, i, LIST_PERMANENT);
		s->gen[i].count = 0;
	}
}

void gc_unfreeze(struct sim *s)
{
	gclist_merge(s, LIST_PERMANENT, LIST_GEN2);
}
