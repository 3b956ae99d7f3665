/*
 * gc.h - the cyclic collector behind one table of operations, private to
 * the library.
 *
 * A profile names its collector (struct gc_ops); the rest of the library
 * (heap, caches, replay, expect lines, the heap checker) reaches the
 * collector only through s->gc.  Two algorithms exist:
 *
 *   gc_generational.c  3.11-3.13 and 3.14.5+: three generations, the
 *                      long-lived brake (Modules/gcmodule.c, Python/gc.c)
 *   gc_incremental.c   3.14.0-3.14.4: young, visited and pending spaces,
 *                      work_to_do (3.14's Python/gc.c)
 *
 * Both find garbage with the same pieces of Python/gc.c, in gc.c
 * (update_refs, subtract_refs, move_unreachable, untrack_tuples,
 * delete_garbage), over the list primitives of gclist.c (gc_list_*).
 *
 * The lists of struct sim: LIST_GEN0..LIST_GEN2 are the generations 0-2
 * of the generational collector, and young, old[0] and old[1] of the
 * incremental one; LIST_PERMANENT is gc.freeze()'s, LIST_UNREACHABLE a
 * collection's scratch list.
 */
#ifndef GCSIM_GC_H
#define GCSIM_GC_H

#include "state.h"

/*
 * The operations a collector provides.  Contracts: on_alloc is
 * _PyObject_GC_Link (a GC object came from the allocator, not a free
 * list), with the objects an operation under way holds; on_free is
 * PyObject_GC_Del (one went back to it, untracked already); track and
 * untrack are _PyObject_GC_TRACK/_UNTRACK; safe_point is the end of a
 * step (the eval breaker); collect is gc.collect(gen), returning what it
 * collected.  get_count and gen_sizes are what gc.get_count() and the
 * lengths of the lists of GEN_HEAD(0..2) show; generation_of says which of
 * those holds a tracked object (3 the permanent one), check verifies the
 * collector's own counters after the lists were found sound.
 */
struct gc_ops {
	const char *algorithm;      /* "generational", "incremental" */
	void (*on_alloc)(struct sim *s, const oref *protect, int nprotect);
	void (*on_free)(struct sim *s);
	void (*track)(struct sim *s, oref h);
	void (*untrack)(struct sim *s, oref h);
	void (*safe_point)(struct sim *s);
	long (*collect)(struct sim *s, int gen);
	void (*freeze)(struct sim *s);
	void (*unfreeze)(struct sim *s);
	void (*get_count)(const struct sim *s, long count[3]);
	void (*gen_sizes)(const struct sim *s, uint64_t sizes[3]);
	int (*generation_of)(const struct sim *s, oref h);
	int (*check)(const struct sim *s, char *msg, size_t sz);
	/* the incremental state for the step record; NULL: none */
	void (*inc_state)(const struct sim *s, struct sim_inc_state *out);
};

extern const struct gc_ops gc_generational;
extern const struct gc_ops gc_incremental;   /* 3.14.1-3.14.4 */
extern const struct gc_ops gc_incremental_0; /* 3.14.0 */

/* gclist.c: the lists of Python/gc.c. */
void gc_list_append(struct sim *s, oref h, int list);  /* tracks h */
void gc_list_remove(struct sim *s, oref h);            /* untracks h */
void gc_list_move(struct sim *s, oref h, int list);
void gc_list_merge(struct sim *s, int from, int to);
int gc_list_is_empty(const struct sim *s, int list);

#define GC_LIST_FOR_EACH(s, list, h) \
	for (oref h = OBJ(s, LIST_HEAD(s, list))->gc_next; \
	     h != LIST_HEAD(s, list); h = OBJ(s, h)->gc_next)

/* gc.c: what every algorithm shares. */
void gc_deduce_unreachable(struct sim *s, int base);
uint64_t gc_untrack_tuples(struct sim *s, int list);
uint64_t gc_untrack_dicts(struct sim *s, int list);
uint64_t gc_delete_unreachable(struct sim *s, int old);
/*
 * weakref.c: the collector's weakref phases over LIST_UNREACHABLE, at the
 * two points of CPython's order where the profile's version has them:
 * before finalize_garbage (handle_weakrefs up to 3.13; 3.14's
 * handle_weakref_callbacks), returning the weakrefs freed, which count as
 * collected; and after the resurrection check, before delete_garbage
 * (what 3.13's GH-91636 and 3.14's clear_weakrefs clear there).
 */
uint64_t gc_weakrefs_before_finalizers(struct sim *s, int old);
void gc_weakrefs_after_finalizers(struct sim *s);

struct sim_collection *gc_new_collection(struct sim *s, int gen,
					 enum sim_trigger trig);
void gc_account(struct sim *s, struct sim_collection *c, uint64_t m);
void gc_traverse(struct sim *s, oref h,
		 void (*visit)(struct sim *s, oref child, void *arg), void *arg);

#endif
