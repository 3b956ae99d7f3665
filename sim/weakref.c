/*
 * weakref.c - weak references: the weakref objects "weakref ID TARGET
 * [CALLBACK]" makes, the list of them each referent keeps, and what
 * happens to them when the referent dies (PyObject_ClearWeakRefs) or is
 * found unreachable by a collection (handle_weakrefs and its later forms).
 *
 * Not wired yet: the functions below are the interface the heap and the
 * collector call (see state.h and gc.h); the weakref op is refused by the
 * replay until they do their work.
 */
#include "gc.h"

void weakref_clear_referent(struct sim *s, oref h)
{
	(void)s;
	(void)h;
}

uint64_t gc_weakrefs_before_finalizers(struct sim *s, int old)
{
	(void)s;
	(void)old;
	return 0;
}

void gc_weakrefs_after_finalizers(struct sim *s)
{
	(void)s;
}
