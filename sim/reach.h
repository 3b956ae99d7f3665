/*
 * reach.h - what the roots reach, and by which shortest way; private to
 * the library (graph.c and explain.c ask it).
 *
 * The roots are the program's: every name holding root references, every
 * object in gc.garbage, and every cached object (a cache holds it for
 * good).  A mark is breadth
 * first from all of them at once, so the parent links it leaves give a
 * shortest chain of references from a root to each object it reached.
 * What it did not reach, among the live objects, is cyclic garbage or
 * held by some: only the collector can free it.
 *
 * Ownership: the caller's struct reach, reach_init()/reach_release();
 * its arrays grow with the heap and are reused from mark to mark.
 */
#ifndef GCSIM_REACH_H
#define GCSIM_REACH_H

#include "state.h"

struct reach {
	uint32_t stamp;      /* this mark's number: mark[h] == stamp when reached */
	uint32_t *mark;      /* per handle */
	oref *parent;        /* per handle: the object it was reached from; 0: a root */
	uint32_t *root;      /* per handle, for a root: the name holding it (0: a cache) */
	uint32_t cap;        /* handles the arrays cover */
	oref *queue;
	uint32_t capqueue;
	/* reverse references among the objects the last mark did not reach */
	uint32_t *rstart;    /* per handle + 1: start of its referrers in rv */
	oref *rv;
	uint32_t caprv;
};

void reach_init(struct reach *r);
void reach_release(struct reach *r);

/*
 * Mark from the roots, breadth first.  With stop (a handle, else 0), stop
 * as soon as it is reached: returns 1 then, 0 when the mark was complete
 * and did not reach it.
 */
int reach_mark(struct reach *r, const struct sim *s, oref stop);

static inline int reach_marked(const struct reach *r, oref h)
{
	return h < r->cap && r->mark[h] == r->stamp;
}

/*
 * After a complete mark: the unreached objects that reach h (h too),
 * breadth first from h over the references among unreached objects, in
 * out (grown as needed); returns how many.
 */
uint32_t reach_garbage_holders(struct reach *r, const struct sim *s, oref h,
			       oref **out, uint32_t *capout);

#endif
