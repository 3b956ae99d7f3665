/*
 * weakref.c - weak references: the weakref objects "weakref ID TARGET
 * [CALLBACK]" makes, the list of them each referent keeps, and what
 * happens to them when the referent dies (PyObject_ClearWeakRefs) or is
 * found unreachable by a collection (handle_weakrefs).
 *
 * Mirrors Objects/weakrefobject.c (get_or_create_weakref and its older
 * form weakref___new__, insert_head / insert_after, clear_weakref,
 * weakref_hash, weakref_richcompare, PyObject_ClearWeakRefs) and the
 * handle_weakrefs of Modules/gcmodule.c (3.8-3.12) and Python/gc.c
 * (3.13, 3.14).
 *
 * A weakref is a GC object whose refs block has room for one reference,
 * its callback in v[0] (a strong reference every traversal sees), and
 * after it the hash it cached (weakref_hash: -1 until computed).  The
 * referent and the next weakref of the referent's list are in the block's
 * union (wr_referent, wr_next), 0 once the weakref is cleared: the
 * referent's refcnt does not count them.  The head of each referent's list
 * is in s->wr_head, indexed by the referent's handle and meaningful only
 * where the referent has OF_WEAKREFD, which a referent has exactly while
 * its list is not empty.  The list is in CPython's order: the callback-less
 * weakref (the "basic ref", which weakref.ref(x) hands out again) first,
 * then the weakrefs with callbacks, the newest first (insert_after the
 * basic ref, or insert_head without one).
 */
#include <stdio.h>
#include <stdlib.h>

#include "gc.h"

/* The cached hash, after v[0] and a pad that aligns it. */
#define WR_HASH(r) ((int64_t *)(void *)((r)->v + 2))
#define WR_BLOCK (sizeof(struct refs) + 2 * sizeof(oref) + sizeof(int64_t))

int weakref_referenceable(int type)
{
	return sim_is_instance(type) || type == SIM_T_GCOBJ ||
	       type == SIM_T_SET;
}

static oref *head_of(struct sim *s, oref x)
{
	if (x >= s->capwr_head) {
		uint32_t n = s->capwr_head ? s->capwr_head : 64;

		while (n <= x)
			n *= 2;
		s->wr_head = sim_xrealloc(s->wr_head, n * sizeof(oref));
		for (uint32_t i = s->capwr_head; i < n; i++)
			s->wr_head[i] = 0;
		s->capwr_head = n;
	}
	return &s->wr_head[x];
}

static oref first_of(const struct sim *s, oref x)
{
	return (s->objs[x].flags & OF_WEAKREFD) ? s->wr_head[x] : 0;
}

static oref callback_of(const struct sim *s, oref w)
{
	const struct refs *r = s->objs[w].u.r;

	return r->len ? r->v[0] : 0;
}

/* is_basic_ref: the one weakref.ref(x) without a callback hands out. */
static int is_basic(const struct sim *s, oref w)
{
	return w && !callback_of(s, w);
}

oref weakref_referent(const struct sim *s, oref w)
{
	return s->objs[w].u.r->wr_referent;
}

/*
 * The list part of clear_weakref (_PyWeakref_ClearRef): w leaves its
 * referent's list and refers to nothing from now on; its callback stays.
 */
static void clear_ref(struct sim *s, oref w)
{
	struct refs *r = OBJ(s, w)->u.r;
	oref x = r->wr_referent;

	if (!x)
		return;
	oref *p = head_of(s, x);
	while (*p != w)
		p = &OBJ(s, *p)->u.r->wr_next;
	*p = r->wr_next;
	r->wr_referent = r->wr_next = 0;
	if (!s->wr_head[x])
		OBJ(s, x)->flags &= (uint8_t)~OF_WEAKREFD;
}

/* The callback reference leaves w (its owner now is the caller). */
static oref take_callback(struct sim *s, oref w)
{
	struct refs *r = OBJ(s, w)->u.r;
	oref cb = r->len ? r->v[0] : 0;

	r->len = 0;
	return cb;
}

/*
 * weakref.ref(target[, callback]).  Without a callback, target's basic
 * ref, if it has one, is handed out again (one more reference).  Else a
 * new weakref (PyObject_GC_New, tracked at once by tp_alloc, which counts
 * it and may collect before it exists) joins target's list: a basic ref
 * at the head, one with a callback right after the basic ref (after
 * looking again: the allocation may have collected weakrefs).  Returns
 * the caller's new reference.
 */
oref weakref_new(struct sim *s, oref target, oref callback)
{
	oref basic = first_of(s, target);

	if (!callback && is_basic(s, basic)) {
		heap_incref(s, basic);
		return basic;
	}
	s->totals.allocs++;
	oref w = cache_new_gc(s, SIM_T_WEAKREF);
	struct refs *r = sim_xcalloc(1, WR_BLOCK);
	r->cap = 1;
	*WR_HASH(r) = -1;
	OBJ(s, w)->u.r = r;
	heap_track(s, w);
	if (callback) {
		heap_incref(s, callback);
		r->v[r->len++] = callback;
	}
	r->wr_referent = target;

	oref *head = head_of(s, target);
	if (!(OBJ(s, target)->flags & OF_WEAKREFD))
		*head = 0;
	basic = *head;
	if (!callback || !is_basic(s, basic)) {
		r->wr_next = basic;
		*head = w;
	} else {
		struct refs *b = OBJ(s, basic)->u.r;

		r->wr_next = b->wr_next;
		b->wr_next = w;
	}
	OBJ(s, target)->flags |= OF_WEAKREFD;
	return w;
}

/*
 * handle_callback: callback(w).  The callback is a C callable in the
 * oracles (vectorcall, the arguments borrowed), so the call holds no
 * reference of its own; the caller holds w.
 */
static void call_back(struct sim *s, oref w, oref callback)
{
	fn_call(s, callback, w);
}

/* Py_DECREF: what it frees is freed now, even inside a deallocation. */
static void decref_now(struct sim *s, oref h)
{
	uint32_t base = s->npending;

	heap_decref(s, h);
	heap_drain_to(s, base);
}

/*
 * PyObject_ClearWeakRefs(x), x dying (refcnt 0): the basic ref at the head
 * is cleared first, silently.  Then the rest are cleared and their
 * callbacks called, each with its weakref, if the weakref is alive (it may
 * be dying too: refcnt 0, waiting to be freed).  Up to 3.12 a single one
 * is handled alone (its callback moved to a local); two or more, and from
 * 3.13 on always, go into a tuple of (weakref, callback) pairs,
 * PyTuple_New(2 * n), which holds them through the calls: a GC allocation
 * (or a free list's tuple) like any other.
 */
static void clear_weakrefs_of(struct sim *s, oref x)
{
	oref w = first_of(s, x);
	uint32_t n = 0;

	if (is_basic(s, w))
		clear_ref(s, w);
	for (w = first_of(s, x); w; w = OBJ(s, w)->u.r->wr_next)
		n++;
	if (n == 0)
		return;
	if (n == 1 && !s->prof->weakref_tuple_always) {
		w = first_of(s, x);
		oref cb = take_callback(s, w);
		clear_ref(s, w);
		if (!cb)
			return;
		if (OBJ(s, w)->refcnt > 0) {
			/* The sim's own hold: a body that drops w's last
			 * reference frees it after the call, not inside it. */
			heap_incref(s, w);
			call_back(s, w, cb);
			decref_now(s, w);
		}
		decref_now(s, cb);
		return;
	}
	oref t = cache_new_tuple(s, 2 * (long)n);
	/* The tuple's allocation may have collected some of them: walk the
	 * list as it is now (3.13's loop; up to 3.12 the count bounds it). */
	while ((w = first_of(s, x)) != 0) {
		oref cb = take_callback(s, w);

		clear_ref(s, w);
		if (!cb)
			continue; /* never: only the basic ref has none */
		if (OBJ(s, w)->refcnt > 0) {
			heap_incref(s, w);
			heap_refs_push(s, t, w);
			heap_refs_push(s, t, cb); /* the reference moves */
		} else {
			decref_now(s, cb);
		}
	}
	struct refs *tr = OBJ(s, t)->u.r;
	if (tr->len == tr->cap)
		s->building--;
	for (uint32_t i = 0; i + 1 < OBJ(s, t)->u.r->len; i += 2) {
		tr = OBJ(s, t)->u.r;
		call_back(s, tr->v[i], tr->v[i + 1]);
	}
	decref_now(s, t);
}

void weakref_clear_referent(struct sim *s, oref h)
{
	if (OBJ(s, h)->type == SIM_T_WEAKREF) {
		clear_ref(s, h); /* weakref_dealloc's clear_weakref */
		return;
	}
	if (OBJ(s, h)->flags & OF_WEAKREFD)
		clear_weakrefs_of(s, h);
}

/* Where weakref_hash keeps the hash it computed: -1 until then. */
int64_t *weakref_cached_hash(const struct sim *s, oref w)
{
	return WR_HASH(s->objs[w].u.r);
}

static void push_wrcb(struct sim *s, oref w)
{
	if (s->nwrcb == s->capwrcb) {
		s->capwrcb = s->capwrcb ? 2 * s->capwrcb : 8;
		s->wrcb = sim_xrealloc(s->wrcb, s->capwrcb * sizeof(oref));
	}
	s->wrcb[s->nwrcb++] = w;
}

/*
 * handle_weakrefs(unreachable, old): every weakref that is itself
 * unreachable is cleared; so is every weakref to an unreachable object,
 * and those with a callback that are not unreachable (no OF_COLLECTING)
 * are held (INCREF) for the second pass, which calls each callback, lets
 * go of the weakref and moves it to old if it is still alive, or counts
 * it as freed.  CPython moves them to a list of their own (wrcb_to_call)
 * at once; here they stay on theirs until they go to old, which nothing
 * between can see.  Returns the weakrefs freed, part of "collected".
 */
uint64_t gc_weakrefs_before_finalizers(struct sim *s, int old)
{
	uint64_t freed = 0;
	uint32_t base = s->nwrcb;

	GC_LIST_FOR_EACH(s, LIST_UNREACHABLE, h) {
		if (OBJ(s, h)->type == SIM_T_WEAKREF)
			clear_ref(s, h);
		for (oref w; (w = first_of(s, h)) != 0;) {
			clear_ref(s, w);
			if (!callback_of(s, w) || (OBJ(s, w)->flags & OF_COLLECTING))
				continue;
			heap_incref(s, w);
			push_wrcb(s, w);
		}
	}
	for (uint32_t i = base; i < s->nwrcb; i++) {
		oref w = s->wrcb[i];

		call_back(s, w, callback_of(s, w));
		decref_now(s, w);
		if (OBJ(s, w)->type == OT_FREE)
			freed++;
		else
			gc_list_move(s, w, old);
	}
	s->nwrcb = base;
	return freed;
}

/*
 * 3.14.5+ (GH-91636): after the resurrection check, the weakrefs to what
 * is still unreachable are cleared again, without callbacks: those made
 * while finalizers ran.
 */
void gc_weakrefs_after_finalizers(struct sim *s)
{
	if (!s->prof->weakref_clear_twice)
		return;
	GC_LIST_FOR_EACH(s, LIST_UNREACHABLE, h) {
		if (OBJ(s, h)->type == SIM_T_WEAKREF)
			clear_ref(s, h);
		for (oref w; (w = first_of(s, h)) != 0;)
			clear_ref(s, w);
	}
}

/*
 * The lists: each weakref that refers to something is on its referent's
 * list once, the referent is alive and weakly referenceable, and a
 * referent has OF_WEAKREFD exactly while its list is not empty.
 */
int weakref_check(const struct sim *s, char *msg, size_t sz)
{
	uint64_t linked = 0, referring = 0;

	for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN;
	     h = s->objs[h].rc_next) {
		const struct obj *o = &s->objs[h];

		if (o->type == SIM_T_WEAKREF && o->u.r->wr_referent)
			referring++;
		if (!(o->flags & OF_WEAKREFD))
			continue;
		if (!weakref_referenceable(o->type) || h >= s->capwr_head ||
		    !s->wr_head[h]) {
			snprintf(msg, sz, "object %u is weakly referenced but has no weakref list", h);
			return 1;
		}
		for (oref w = s->wr_head[h]; w; w = s->objs[w].u.r->wr_next) {
			if (w >= s->nobjs || s->objs[w].type != SIM_T_WEAKREF ||
			    s->objs[w].u.r->wr_referent != h || ++linked > s->live) {
				snprintf(msg, sz, "the weakref list of object %u is broken", h);
				return 1;
			}
		}
	}
	if (linked != referring) {
		snprintf(msg, sz, "%llu weakrefs refer to objects but %llu are on their lists",
			 (unsigned long long)referring, (unsigned long long)linked);
		return 1;
	}
	return 0;
}

void weakref_release(struct sim *s)
{
	free(s->wr_head);
	free(s->wrcb);
	s->wr_head = s->wrcb = NULL;
	s->capwr_head = s->nwrcb = s->capwrcb = 0;
}
