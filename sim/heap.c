/*
 * heap.c - objects, the refchain, reference counts and deallocation.
 *
 * Mirrors Objects/object.c (_Py_NewReference, _Py_Dealloc and the
 * Py_TRACE_REFS refchain) and the tp_dealloc / tp_clear of the container
 * types in Objects/{list,tuple,dict,set,type}object.c.  Deallocation runs
 * from a worklist rather than by recursion, the job CPython's trashcan
 * does, so that freeing a million nested lists needs no C stack.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"

void *sim_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *sim_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *sim_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	return p;
}

struct refs sim_no_refs;

static void free_refs(struct refs *r)
{
	if (r != &sim_no_refs)
		free(r);
}

void heap_init(struct sim *s)
{
	s->capobjs = 1024;
	s->objs = sim_xcalloc(s->capobjs, sizeof(*s->objs));
	s->nobjs = SIM_NHEADS;
	for (oref h = 1; h < SIM_NHEADS; h++) {
		struct obj *o = OBJ(s, h);

		o->type = OT_HEAD;
		o->list = LIST_NONE;
		o->rc_prev = o->rc_next = h;
		o->gc_prev = o->gc_next = h;
	}
	for (int l = 0; l < LIST_COUNT_; l++) {
		s->lists[l].head = LIST_HEAD(s, l);
		s->lists[l].size = 0;
	}
}

void heap_release(struct sim *s)
{
	for (oref h = SIM_NHEADS; h < s->nobjs; h++) {
		struct obj *o = OBJ(s, h);

		if (o->type == OT_FREE)
			continue;
		if (sim_is_gc_type(o->type))
			free_refs(o->u.r);
		else if (o->type == SIM_T_STR || o->type == SIM_T_BYTES ||
			 (o->flags & OF_BIGVALUE))
			free(o->u.s);
	}
	free(s->objs);
	free(s->pending);
}

static int size_type(int type)
{
	if (sim_is_instance(type))
		return SIM_T_OBJECT;
	return type == OT_ATTRDICT ? SIM_T_DICT : type;
}

void heap_account(struct sim *s, int64_t delta)
{
	s->totals.bytes = (uint64_t)((int64_t)s->totals.bytes + delta);
	if (s->totals.bytes > s->totals.peak_bytes)
		s->totals.peak_bytes = s->totals.bytes;
}

/* Estimated bytes of h without the references it holds. */
int64_t heap_size_of(const struct sim *s, oref h)
{
	const struct obj *o = &s->objs[h];
	int64_t n = s->prof->size_base[size_type(o->type)];

	if ((o->type == SIM_T_STR || o->type == SIM_T_BYTES ||
	     (o->flags & OF_BIGVALUE)) && o->u.s)
		n += o->u.s->len;
	return n;
}

oref heap_new_obj(struct sim *s, int type)
{
	oref h;

	if (s->free_slots) {
		h = s->free_slots;
		s->free_slots = OBJ(s, h)->gc_next;
	} else {
		if (s->nobjs == s->capobjs) {
			if (s->capobjs >= UINT32_MAX / 2) {
				fputs("gcsim: too many live objects\n", stderr);
				abort();
			}
			s->capobjs *= 2;
			s->objs = sim_xrealloc(s->objs,
					       (size_t)s->capobjs * sizeof(*s->objs));
		}
		h = s->nobjs++;
	}
	struct obj *o = OBJ(s, h);
	memset(o, 0, sizeof(*o));
	o->type = (uint8_t)type;
	o->list = LIST_NONE;
	o->refcnt = 1;

	struct obj *head = OBJ(s, HEAD_REFCHAIN);
	oref last = head->rc_prev;
	o->rc_prev = last;
	o->rc_next = HEAD_REFCHAIN;
	OBJ(s, last)->rc_next = h;
	head->rc_prev = h;

	if (++s->live > s->peak_live)
		s->peak_live = s->live;
	if (s->seen)
		census_on_alloc(s, h);
	heap_account(s, s->prof->size_base[size_type(type)]);
	return h;
}

void heap_effect(struct sim *s, enum sim_effect_kind k, int type, long n)
{
	if (s->neffects == s->capeffects) {
		s->capeffects = s->capeffects ? 2 * s->capeffects : 8;
		s->effects = sim_xrealloc(s->effects,
					  s->capeffects * sizeof(*s->effects));
	}
	struct sim_effect *e = &s->effects[s->neffects++];
	e->kind = k;
	e->type = type;
	e->n = n;
	e->left = 0;
}

void heap_track(struct sim *s, oref h)
{
	assert(sim_is_gc_type(OBJ(s, h)->type) && !sim_is_tracked(s, h));
	s->gc->track(s, h);
}

void heap_untrack(struct sim *s, oref h)
{
	if (sim_is_tracked(s, h))
		s->gc->untrack(s, h);
}

/* _PyObject_GC_MAY_BE_TRACKED: a GC object, and not an untracked tuple. */
int heap_may_be_tracked(const struct sim *s, oref h)
{
	const struct obj *o = &s->objs[h];

	if (!sim_is_gc_type(o->type))
		return 0;
	return o->type != SIM_T_TUPLE || o->list != LIST_NONE;
}

void heap_refs_push(struct sim *s, oref h, oref v)
{
	struct obj *o = OBJ(s, h);
	struct refs *r = o->u.r;

	if (r->len == r->cap) {
		assert(o->type != SIM_T_TUPLE);
		uint32_t cap = r->cap ? 2 * r->cap : 4;
		if (r == &sim_no_refs) {
			r = sim_xcalloc(1, sizeof(*r) + (size_t)cap * sizeof(oref));
		} else {
			r = sim_xrealloc(r, sizeof(*r) + (size_t)cap * sizeof(oref));
		}
		r->cap = cap;
		o->u.r = r;
	}
	r->v[r->len++] = v;
	heap_account(s, s->prof->size_per_ref[size_type(o->type)]);
}

void heap_refs_remove_at(struct sim *s, oref h, uint32_t i)
{
	struct refs *r = OBJ(s, h)->u.r;

	assert(i < r->len);
	memmove(&r->v[i], &r->v[i + 1], (r->len - i - 1) * sizeof(oref));
	r->len--;
	heap_account(s, -s->prof->size_per_ref[size_type(OBJ(s, h)->type)]);
}

void heap_incref(struct sim *s, oref h)
{
	struct obj *o = OBJ(s, h);

	if (!(o->flags & OF_IMMORTAL))
		o->refcnt++;
}

static void push_pending(struct sim *s, oref h)
{
	if (s->npending == s->cappending) {
		s->cappending = s->cappending ? 2 * s->cappending : 64;
		s->pending = sim_xrealloc(s->pending,
					  s->cappending * sizeof(oref));
	}
	s->pending[s->npending++] = h;
}

#define DRAIN_DEPTH_MAX 1000

/* Drop every reference h holds, in the order its tp_dealloc drops them. */
static void drop_refs(struct sim *s, oref h)
{
	struct obj *o = OBJ(s, h);
	struct refs *r = o->u.r;
	uint32_t n = r->len;

	if (o->type == SIM_T_SET) {
		set_clear(s, h);
		return;
	}
	if (n == 0)
		return; /* perhaps sim_no_refs, which is never written */
	r->len = 0;
	heap_account(s, -(int64_t)n * s->prof->size_per_ref[size_type(o->type)]);
	/*
	 * Lists and tuples drop their items from the last, dicts and
	 * instances from the first, and CPython frees each one, with what it
	 * holds, finalizers and weakref callbacks included, before it drops
	 * the next.  Inside a deallocation each item's deallocation is run
	 * to its end before the next is dropped, up to DRAIN_DEPTH_MAX
	 * nested deallocations (the C stack's share); deeper than that the
	 * items wait on the worklist, as CPython's trashcan defers them.
	 */
	int backwards = o->type == SIM_T_LIST || o->type == SIM_T_TUPLE;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t base = s->npending;

		heap_decref(s, r->v[backwards ? n - 1 - k : k]);
		if (s->draining && s->drain_depth < DRAIN_DEPTH_MAX) {
			s->drain_depth++;
			heap_drain_to(s, base);
			s->drain_depth--;
		}
	}
}

/*
 * Run h's finalizer from its dealloc, as subtype_dealloc does: re-tracked
 * (_PyObject_GC_TRACK, to the tail of generation 0 or young, counted
 * where the profile's track counts) and given a temporary reference for
 * the call (PyObject_CallFinalizerFromDealloc, or _testcapi's slot_tp_del
 * for a legacy tp_del).  A delobj's __del__ runs once in its life
 * (PyObject_CallFinalizer sets _PyGC_FINALIZED after the call); a legacy
 * tp_del runs every time.  Returns 1 when the body resurrected h (a
 * reference beyond the temporary one is left): its deallocation stops
 * there, h stays tracked where the re-track put it.
 */
static int finalize_from_dealloc(struct sim *s, oref h, int legacy)
{
	heap_track(s, h);
	OBJ(s, h)->refcnt = 1;
	if (legacy) {
		fn_call(s, h, h);
	} else if (!(OBJ(s, h)->flags & OF_FINALIZED)) {
		fn_call(s, h, h);
		OBJ(s, h)->flags |= OF_FINALIZED;
	}
	if (--OBJ(s, h)->refcnt > 0)
		return 1;
	heap_untrack(s, h);
	return 0;
}

/*
 * tp_dealloc.  The object left its generation list when its count reached
 * 0 (heap_decref: PyObject_GC_UnTrack, the first thing each GC type's
 * dealloc does).  subtype_dealloc (delobj, legacyobj, object) then calls
 * tp_finalize, clears the weakrefs (PyObject_ClearWeakRefs), calls
 * tp_del, and drops the instance's attributes; set_dealloc and gcobj's
 * clear the weakrefs right after the untrack.  The order is the same in
 * 3.8-3.14 (Objects/typeobject.c, Objects/setobject.c).
 */
static void dealloc(struct sim *s, oref h)
{
	struct obj *o = OBJ(s, h);
	int type = o->type;

	assert(o->refcnt == 0 && !(o->flags & OF_CACHED));
	heap_untrack(s, h);
	o->flags &= (uint8_t)~(OF_COLLECTING | OF_UNREACHABLE);
	if (type == SIM_T_DELOBJ && finalize_from_dealloc(s, h, 0))
		return;
	weakref_clear_referent(s, h);
	if (type == SIM_T_LEGACYOBJ && finalize_from_dealloc(s, h, 1))
		return;
	o = OBJ(s, h);
	if (sim_has_function(type))
		fn_forget(s, h);
	names_kill_object(s, h);
	if (s->seen)
		census_on_free(s, h);
	if (type == SIM_T_TUPLE && o->u.r->len < o->u.r->cap)
		s->building--; /* the C code gave up on it (an error path) */
	if (sim_is_gc_type(type))
		drop_refs(s, h);

	/* As in list_dealloc & co: the items go first, then the object
	 * goes to its free list if there is room, else to the allocator. */
	if (!cache_release_to_freelist(s, h) && sim_is_gc_type(type))
		s->gc->on_free(s);

	o = OBJ(s, h);
	heap_account(s, -heap_size_of(s, h));
	if (sim_is_gc_type(type))
		free_refs(o->u.r);
	else if (type == SIM_T_STR || type == SIM_T_BYTES ||
		 (o->flags & OF_BIGVALUE))
		free(o->u.s);
	o->u.i = 0;
	OBJ(s, o->rc_prev)->rc_next = o->rc_next;
	OBJ(s, o->rc_next)->rc_prev = o->rc_prev;
	o->type = OT_FREE;
	o->gc_next = s->free_slots;
	s->free_slots = h;
	s->live--;
	if (s->collecting)
		s->totals.freed_gc++;
	else
		s->totals.freed_refcount++;
}

void heap_decref(struct sim *s, oref h)
{
	struct obj *o = OBJ(s, h);

	if (o->flags & OF_IMMORTAL)
		return;
	assert(o->refcnt > 0);
	if (--o->refcnt > 0)
		return;
	/*
	 * Untracked now, as CPython's dealloc would untrack it at once: a
	 * collection that a finalizer's body starts while h waits on the
	 * worklist must not find it.
	 */
	heap_untrack(s, h);
	push_pending(s, h);
	if (s->draining)
		return;
	s->draining = 1;
	heap_drain_to(s, 0);
	s->draining = 0;
}

/*
 * Free what waits on the worklist above base: a body run inside a
 * deallocation (function.c) frees what it dropped before it goes on, as
 * the recursive deallocation of CPython would.
 */
void heap_drain_to(struct sim *s, uint32_t base)
{
	while (s->npending > base)
		dealloc(s, s->pending[--s->npending]);
}

/*
 * tp_clear: drop the references a container holds (the collector's way of
 * breaking a cycle).  Tuples have no tp_clear in CPython, so they keep
 * theirs; an object in a cycle of tuples alone survives its collection.
 */
void heap_clear_refs(struct sim *s, oref h)
{
	struct obj *o = OBJ(s, h);

	if (o->type == SIM_T_TUPLE || !sim_is_gc_type(o->type))
		return;
	if (sim_is_instance(o->type))
		o->dictobj = 0;
	drop_refs(s, h);
}
