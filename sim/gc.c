/*
 * gc.c - how a collection finds and frees garbage, whatever the algorithm
 * that chose what to collect.
 *
 * Mirrors the part of Python/gc.c (Modules/gcmodule.c up to 3.12) that
 * every collector in this library shares: deduce_unreachable (update_refs,
 * subtract_refs, move_unreachable), untrack_tuples, untrack_dicts, and
 * what follows the survivors' move in gc_collect_main (gc_collect_region
 * in 3.14.0-3.14.4): move_legacy_finalizers, handle_weakrefs (weakref.c),
 * finalize_garbage, handle_resurrected_objects (check_garbage in 3.8),
 * delete_garbage and handle_legacy_finalizers.  The algorithms are
 * gc_generational.c and gc_incremental.c.
 */
#include <assert.h>
#include <string.h>

#include "gc.h"

/* update_refs: gc_refs starts as the reference count. */
static void update_refs(struct sim *s, int base)
{
	GC_LIST_FOR_EACH(s, base, h) {
		struct obj *o = OBJ(s, h);

		o->gc_refs = o->refcnt;
		o->flags |= OF_COLLECTING;
	}
}

/* subtract_refs: references from inside the set do not keep it alive. */
static void subtract_refs(struct sim *s, int base)
{
	GC_LIST_FOR_EACH(s, base, h) {
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
static void visit_reachable(struct sim *s, oref h, void *arg)
{
	struct obj *o = OBJ(s, h);

	if (!(o->flags & OF_COLLECTING))
		return; /* another generation, or already scanned */
	if (o->flags & OF_UNREACHABLE) {
		/* Back to the tail of base: the scan will get to it again. */
		o->flags &= (uint8_t)~OF_UNREACHABLE;
		gc_list_move(s, h, *(const int *)arg);
		o->gc_refs = 1;
	} else if (o->gc_refs == 0) {
		o->gc_refs = 1;
	}
}

/*
 * tp_traverse: lists and tuples visit their items from the last, dicts
 * and instances from the first, sets in slot order (set_traverse walks
 * the hash table; the 0s are its unused and dummy slots).  Inlined where
 * visit is a constant.
 */
static inline void traverse(struct sim *s, oref h,
			    void (*visit)(struct sim *s, oref child, void *arg),
			    void *arg)
{
	uint32_t n = OBJ(s, h)->u.r->len;

	if (OBJ(s, h)->type == SIM_T_LIST || OBJ(s, h)->type == SIM_T_TUPLE) {
		while (n-- > 0)
			visit(s, OBJ(s, h)->u.r->v[n], arg);
	} else {
		for (uint32_t i = 0; i < n; i++)
			if (OBJ(s, h)->u.r->v[i])
				visit(s, OBJ(s, h)->u.r->v[i], arg);
	}
}

void gc_traverse(struct sim *s, oref h,
		 void (*visit)(struct sim *s, oref child, void *arg), void *arg)
{
	traverse(s, h, visit, arg);
}

/*
 * move_unreachable: one pass over base.  An object with gc_refs > 0 is
 * reachable and makes what it refers to reachable; one with 0 moves to
 * the unreachable list, perhaps to come back when something later in the
 * pass refers to it.  The order this leaves matters: untrack_tuples walks
 * the survivors in it.
 */
static void move_unreachable(struct sim *s, int base, int unreachable)
{
	oref head = LIST_HEAD(s, base);
	oref h = OBJ(s, head)->gc_next;

	while (h != head) {
		struct obj *o = OBJ(s, h);

		if (o->gc_refs > 0) {
			traverse(s, h, visit_reachable, &base);
			o = OBJ(s, h);
			o->flags &= (uint8_t)~OF_COLLECTING;
			h = o->gc_next;
		} else {
			oref next = o->gc_next;

			gc_list_move(s, h, unreachable);
			o->flags |= OF_UNREACHABLE;
			h = next;
		}
	}
}

/*
 * deduce_unreachable: what nothing outside base reaches moves to
 * LIST_UNREACHABLE, flagged OF_COLLECTING and OF_UNREACHABLE until
 * gc_delete_unreachable.
 */
static void deduce_unreachable(struct sim *s, int base, int unreachable)
{
	update_refs(s, base);
	subtract_refs(s, base);
	move_unreachable(s, base, unreachable);
}

void gc_deduce_unreachable(struct sim *s, int base)
{
	deduce_unreachable(s, base, LIST_UNREACHABLE);
}

/* No referent may be tracked: what lets a tuple or dict be untracked. */
static int holds_nothing_tracked(const struct sim *s, const struct obj *o)
{
	for (uint32_t i = 0; i < o->u.r->len; i++)
		if (heap_may_be_tracked(s, o->u.r->v[i]))
			return 0;
	return 1;
}

/* untrack_tuples: _PyTuple_MaybeUntrack on each, in list order. */
uint64_t gc_untrack_tuples(struct sim *s, int list)
{
	uint64_t n = 0;
	oref head = LIST_HEAD(s, list);

	for (oref h = OBJ(s, head)->gc_next, next; h != head; h = next) {
		const struct obj *o = OBJ(s, h);

		next = o->gc_next;
		if (o->type != SIM_T_TUPLE || o->u.r->len < o->u.r->cap)
			continue;
		if (holds_nothing_tracked(s, o)) {
			s->gc->untrack(s, h);
			n++;
		}
	}
	return n;
}

/* untrack_dicts: _PyDict_MaybeUntrack on each (up to 3.13). */
uint64_t gc_untrack_dicts(struct sim *s, int list)
{
	uint64_t n = 0;
	oref head = LIST_HEAD(s, list);

	for (oref h = OBJ(s, head)->gc_next, next; h != head; h = next) {
		const struct obj *o = OBJ(s, h);

		next = o->gc_next;
		if (!sim_is_dict(o->type))
			continue;
		if (holds_nothing_tracked(s, o)) {
			s->gc->untrack(s, h);
			n++;
		}
	}
	return n;
}

/* PyList_Append(gcstate->garbage, op): a strong reference. */
static void garbage_append(struct sim *s, oref h)
{
	if (s->ngc_garbage == s->capgc_garbage) {
		s->capgc_garbage = s->capgc_garbage ? 2 * s->capgc_garbage : 8;
		s->gc_garbage = sim_xrealloc(s->gc_garbage,
					     s->capgc_garbage * sizeof(oref));
	}
	heap_incref(s, h);
	s->gc_garbage[s->ngc_garbage++] = h;
}

static void clear_flags(struct sim *s, int list, uint8_t flags)
{
	GC_LIST_FOR_EACH(s, list, h)
		OBJ(s, h)->flags &= (uint8_t)~flags;
}

/*
 * move_legacy_finalizers: the unreachable objects with a tp_del go to
 * LIST_FINALIZERS (no longer "collecting"); every unreachable object
 * loses its tentative mark.
 */
static void move_legacy_finalizers(struct sim *s)
{
	oref head = LIST_HEAD(s, LIST_UNREACHABLE);

	for (oref h = OBJ(s, head)->gc_next, next; h != head; h = next) {
		struct obj *o = OBJ(s, h);

		next = o->gc_next;
		o->flags &= (uint8_t)~OF_UNREACHABLE;
		if (o->type == SIM_T_LEGACYOBJ) {
			o->flags &= (uint8_t)~OF_COLLECTING;
			gc_list_move(s, h, LIST_FINALIZERS);
		}
	}
}

static void visit_move(struct sim *s, oref h, void *arg)
{
	struct obj *o = OBJ(s, h);

	(void)arg;
	if (o->flags & OF_COLLECTING) {
		gc_list_move(s, h, LIST_FINALIZERS);
		OBJ(s, h)->flags &= (uint8_t)~OF_COLLECTING;
	}
}

/* move_legacy_finalizer_reachable: the list grows as it is walked. */
static void move_legacy_finalizer_reachable(struct sim *s)
{
	GC_LIST_FOR_EACH(s, LIST_FINALIZERS, h)
		traverse(s, h, visit_move, NULL);
}

/*
 * finalize_garbage: each unreachable delobj not finalized yet is marked
 * finalized, then its __del__ runs with a reference held for the call.
 * Objects may leave the list meanwhile (freed by refcount, or resurrected
 * by their own dealloc), so each is first taken off the front into the
 * "seen" list, which goes back at the end.
 */
static void finalize_garbage(struct sim *s)
{
	oref head = LIST_HEAD(s, LIST_UNREACHABLE);

	while (OBJ(s, head)->gc_next != head) {
		oref h = OBJ(s, head)->gc_next;
		struct obj *o = OBJ(s, h);

		gc_list_move(s, h, LIST_SCRATCH);
		if (o->type != SIM_T_DELOBJ || (o->flags & OF_FINALIZED))
			continue;
		o->flags |= OF_FINALIZED;
		uint32_t base = s->npending;
		heap_incref(s, h);
		fn_call(s, h, h);
		heap_decref(s, h);
		heap_drain_to(s, base);
	}
	gc_list_merge(s, LIST_SCRATCH, LIST_UNREACHABLE);
}

/*
 * handle_resurrected_objects (3.9+): deduce_unreachable again, over the
 * unreachable set alone; what a finalizer made reachable again, and what
 * that reaches, moves to old; the rest stays in LIST_UNREACHABLE, still
 * "collecting".
 */
static void handle_resurrected_objects(struct sim *s, int old)
{
	clear_flags(s, LIST_UNREACHABLE, OF_COLLECTING);
	gc_list_merge(s, LIST_UNREACHABLE, LIST_SCRATCH);
	deduce_unreachable(s, LIST_SCRATCH, LIST_UNREACHABLE);
	clear_flags(s, LIST_UNREACHABLE, OF_UNREACHABLE);
	gc_list_merge(s, LIST_SCRATCH, old);
}

/*
 * check_garbage (3.8): 0 when nothing outside the unreachable set refers
 * into it any more.  Either way the set is no longer "collecting".
 */
static int check_garbage(struct sim *s)
{
	int resurrected = 0;

	GC_LIST_FOR_EACH(s, LIST_UNREACHABLE, h)
		OBJ(s, h)->gc_refs = OBJ(s, h)->refcnt;
	subtract_refs(s, LIST_UNREACHABLE);
	GC_LIST_FOR_EACH(s, LIST_UNREACHABLE, h) {
		if (OBJ(s, h)->gc_refs != 0)
			resurrected = 1;
		OBJ(s, h)->flags &= (uint8_t)~OF_COLLECTING;
	}
	return resurrected;
}

/*
 * delete_garbage: tp_clear each unreachable object in turn (with
 * DEBUG_SAVEALL: append it to gc.garbage instead); what the clearing frees
 * leaves the list by itself.  An object still there after its turn (a
 * tuple: no tp_clear; a saved one) survives into old.
 */
static void delete_garbage(struct sim *s, int old)
{
	oref head = LIST_HEAD(s, LIST_UNREACHABLE);

	while (OBJ(s, head)->gc_next != head) {
		oref h = OBJ(s, head)->gc_next;
		uint32_t base = s->npending;

		if (s->saveall) {
			garbage_append(s, h);
		} else {
			heap_incref(s, h);
			heap_clear_refs(s, h);
			heap_decref(s, h);
			heap_drain_to(s, base);
		}
		if (OBJ(s, head)->gc_next == h) {
			OBJ(s, h)->flags &= (uint8_t)~OF_COLLECTING;
			gc_list_move(s, h, old);
		}
	}
}

/*
 * handle_legacy_finalizers: to gc.garbage go the objects with a tp_del,
 * or all of them with DEBUG_SAVEALL; the whole list joins old.
 */
static void handle_legacy_finalizers(struct sim *s, int old)
{
	GC_LIST_FOR_EACH(s, LIST_FINALIZERS, h)
		if (s->saveall || OBJ(s, h)->type == SIM_T_LEGACYOBJ)
			garbage_append(s, h);
	gc_list_merge(s, LIST_FINALIZERS, old);
}

/*
 * What gc_collect_main does once the survivors are in old, in its order:
 * returns CPython's "collected" (m: the weakrefs handle_weakrefs freed,
 * and the final unreachable set) and sets c->uncollectable (n: the legacy
 * finalizers and what they reach).
 */
uint64_t gc_delete_unreachable(struct sim *s, int old, struct sim_collection *c)
{
	uint64_t m = 0;

	move_legacy_finalizers(s);
	move_legacy_finalizer_reachable(s);
	m += gc_weakrefs_before_finalizers(s, old);
	finalize_garbage(s);
	if (s->prof->check_garbage) {
		if (check_garbage(s)) {
			gc_list_merge(s, LIST_UNREACHABLE, old);
		} else {
			m += s->lists[LIST_UNREACHABLE].size;
			delete_garbage(s, old);
		}
	} else {
		handle_resurrected_objects(s, old);
		gc_weakrefs_after_finalizers(s);
		m += s->lists[LIST_UNREACHABLE].size;
		delete_garbage(s, old);
	}
	c->uncollectable = s->lists[LIST_FINALIZERS].size;
	handle_legacy_finalizers(s, old);
	return m;
}

struct sim_collection *gc_new_collection(struct sim *s, int gen,
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
	gc_invoke_callbacks(s);
	return c;
}

/*
 * invoke_gc_callback: with gc.callbacks set, each phase builds an info
 * dict (Py_BuildValue), calls the callbacks and drops it, a dict allocation
 * and deallocation inside the collection, from and to the dict free list.
 * Its keys and small ints are not GC objects; the callbacks themselves
 * (gc callback 1) keep nothing.
 */
void gc_invoke_callbacks(struct sim *s)
{
	if (!s->gc_callbacks)
		return;
	struct sim_event ev = { .op = SIM_OP_ALLOC, .type = SIM_T_DICT };
	uint64_t freed = s->totals.freed_gc;

	heap_decref(s, cache_alloc(s, &ev));
	s->totals.freed_gc = freed; /* CPython's, not the collector's */
}

/* add_stats, and the totals the commands report. */
void gc_account(struct sim *s, struct sim_collection *c, uint64_t m)
{
	s->stats[c->gen].collections++;
	s->stats[c->gen].collected += m;
	s->stats[c->gen].uncollectable += c->uncollectable;
	s->totals.examined += c->examined;
	if (c->examined > s->totals.max_examined)
		s->totals.max_examined = c->examined;
}
