/*
 * gc.c - how a collection finds and frees garbage, whatever the algorithm
 * that chose what to collect.
 *
 * Mirrors the part of Python/gc.c (Modules/gcmodule.c up to 3.12) that
 * every collector in this library shares: deduce_unreachable (update_refs,
 * subtract_refs, move_unreachable), untrack_tuples, untrack_dicts and
 * delete_garbage.  The trace's objects have no finalizers and no weak
 * references, so the steps that handle those find nothing to do and are
 * left out.  The algorithms are gc_generational.c and gc_incremental.c.
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
static void move_unreachable(struct sim *s, int base)
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

			gc_list_move(s, h, LIST_UNREACHABLE);
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
void gc_deduce_unreachable(struct sim *s, int base)
{
	update_refs(s, base);
	subtract_refs(s, base);
	move_unreachable(s, base);
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

/*
 * delete_garbage: tp_clear each unreachable object in turn; what the
 * clearing frees leaves the list by itself.  An object still there after
 * its clear (a tuple: no tp_clear) survives into old.  Returns how many
 * were unreachable (CPython's "collected").
 */
uint64_t gc_delete_unreachable(struct sim *s, int old)
{
	oref head = LIST_HEAD(s, LIST_UNREACHABLE);

	GC_LIST_FOR_EACH(s, LIST_UNREACHABLE, h)
		OBJ(s, h)->flags &= (uint8_t)~OF_UNREACHABLE;
	/* Until the finalizers land, both weakref phases run here. */
	uint64_t m = gc_weakrefs_before_finalizers(s, old);
	gc_weakrefs_after_finalizers(s);
	m += s->lists[LIST_UNREACHABLE].size;
	while (OBJ(s, head)->gc_next != head) {
		oref h = OBJ(s, head)->gc_next;

		heap_incref(s, h);
		heap_clear_refs(s, h);
		heap_decref(s, h);
		if (OBJ(s, head)->gc_next == h) {
			OBJ(s, h)->flags &= (uint8_t)~OF_COLLECTING;
			gc_list_move(s, h, old);
		}
	}
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
	return c;
}

/* add_stats, and the totals the commands report. */
void gc_account(struct sim *s, struct sim_collection *c, uint64_t m)
{
	s->stats[c->gen].collections++;
	s->stats[c->gen].collected += m;
	s->totals.examined += c->examined;
	if (c->examined > s->totals.max_examined)
		s->totals.max_examined = c->examined;
}
