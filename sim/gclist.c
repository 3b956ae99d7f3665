/*
 * gclist.c - the generation lists, as Python/gc.c's gc_list_* functions.
 *
 * Each list is circular and headed by a sentinel object (state.h), so no
 * operation tests for an empty list; an object's `list` says which list
 * holds it, and lists[].size counts each list, which gc_list_size walks
 * for in CPython.
 */
#include <assert.h>

#include "gc.h"

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

/* gc_list_append of a newly tracked object: to the tail of the list. */
void gc_list_append(struct sim *s, oref h, int list)
{
	link_tail(s, h, list);
	if (++s->tracked > s->peak_tracked)
		s->peak_tracked = s->tracked;
}

/* gc_list_remove: the object is no longer tracked. */
void gc_list_remove(struct sim *s, oref h)
{
	unlink_obj(s, h);
	s->tracked--;
}

/* gc_list_move: to the tail of another list. */
void gc_list_move(struct sim *s, oref h, int list)
{
	unlink_obj(s, h);
	link_tail(s, h, list);
}

/* gc_list_merge: from's objects go, in order, after to's. */
void gc_list_merge(struct sim *s, int from, int to)
{
	oref hf = LIST_HEAD(s, from), ht = LIST_HEAD(s, to);
	struct obj *f = OBJ(s, hf), *t = OBJ(s, ht);

	assert(from != to);
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

int gc_list_is_empty(const struct sim *s, int list)
{
	return s->lists[list].size == 0;
}
