/*
 * idtab.c - ID and object tables of the oracle (see idtab.h).
 *
 * Two chained hash tables: ID string -> binding, object pointer -> record.
 * The pointer table is consulted on every deallocation of a hooked type,
 * including the interpreter's own objects, so it must be cheap and must
 * never call into Python.
 */
#include "idtab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct idtab {
	struct idtab_binding **ids; /* buckets, nids_b of them (power of 2) */
	size_t nids_b, nids;
	struct idtab_obj **objs;    /* buckets, nobjs_b of them (power of 2) */
	size_t nobjs_b, nobjs;
	struct idtab_binding **freed; /* bindings that died this step */
	size_t nfreed, capfreed;
};

/* Host out-of-memory is not an outcome the oracle reports: abort. */
static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		fputs("oracle: fatal: out of memory\n", stderr);
		abort();
	}
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (p == NULL) {
		fputs("oracle: fatal: out of memory\n", stderr);
		abort();
	}
	return p;
}

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

static size_t hash_ptr(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p;
	h ^= h >> 33; /* objects are 16-byte aligned: mix the high bits in */
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)h;
}

idtab *idtab_new(void)
{
	idtab *t = xcalloc(1, sizeof *t);
	t->nids_b = 256;
	t->ids = xcalloc(t->nids_b, sizeof *t->ids);
	t->nobjs_b = 256;
	t->objs = xcalloc(t->nobjs_b, sizeof *t->objs);
	return t;
}

static void obj_free(struct idtab_obj *o)
{
	for (size_t i = 0; i < o->nactions; i++)
		for (int k = 0; k < o->actions[i].nargs; k++)
			free(o->actions[i].args[k]);
	free(o->actions);
	free(o->attrs);
	free(o);
}

void idtab_free(idtab *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nids_b; i++) {
		struct idtab_binding *b = t->ids[i], *next;
		for (; b; b = next) {
			next = b->hnext;
			free(b->id);
			free(b);
		}
	}
	for (size_t i = 0; i < t->nobjs_b; i++) {
		struct idtab_obj *o = t->objs[i], *next;
		for (; o; o = next) {
			next = o->hnext;
			obj_free(o);
		}
	}
	free(t->ids);
	free(t->objs);
	free(t->freed);
	free(t);
}

struct idtab_binding *idtab_lookup(idtab *t, const char *id)
{
	struct idtab_binding *b = t->ids[hash_str(id) & (t->nids_b - 1)];
	while (b && strcmp(b->id, id) != 0)
		b = b->hnext;
	return b;
}

struct idtab_obj *idtab_find_obj(idtab *t, const void *ptr)
{
	struct idtab_obj *o = t->objs[hash_ptr(ptr) & (t->nobjs_b - 1)];
	while (o && o->ptr != ptr)
		o = o->hnext;
	return o;
}

static void grow_ids(idtab *t)
{
	size_t nb = t->nids_b * 2;
	struct idtab_binding **nbk = xcalloc(nb, sizeof *nbk);
	for (size_t i = 0; i < t->nids_b; i++) {
		struct idtab_binding *b = t->ids[i], *next;
		for (; b; b = next) {
			next = b->hnext;
			size_t h = hash_str(b->id) & (nb - 1);
			b->hnext = nbk[h];
			nbk[h] = b;
		}
	}
	free(t->ids);
	t->ids = nbk;
	t->nids_b = nb;
}

static void grow_objs(idtab *t)
{
	size_t nb = t->nobjs_b * 2;
	struct idtab_obj **nbk = xcalloc(nb, sizeof *nbk);
	for (size_t i = 0; i < t->nobjs_b; i++) {
		struct idtab_obj *o = t->objs[i], *next;
		for (; o; o = next) {
			next = o->hnext;
			size_t h = hash_ptr(o->ptr) & (nb - 1);
			o->hnext = nbk[h];
			nbk[h] = o;
		}
	}
	free(t->objs);
	t->objs = nbk;
	t->nobjs_b = nb;
}

struct idtab_binding *idtab_bind(idtab *t, const char *id, void *ptr,
				 int type, int exact)
{
	struct idtab_obj *o = idtab_find_obj(t, ptr);
	if (o == NULL) {
		if (t->nobjs >= t->nobjs_b)
			grow_objs(t);
		o = xcalloc(1, sizeof *o);
		o->ptr = ptr;
		o->type = type;
		o->exact = exact;
		size_t h = hash_ptr(ptr) & (t->nobjs_b - 1);
		o->hnext = t->objs[h];
		t->objs[h] = o;
		t->nobjs++;
	}

	struct idtab_binding *b = idtab_lookup(t, id);
	if (b == NULL) {
		if (t->nids >= t->nids_b)
			grow_ids(t);
		b = xcalloc(1, sizeof *b);
		size_t len = strlen(id);
		b->id = xrealloc(NULL, len + 1);
		memcpy(b->id, id, len + 1);
		size_t h = hash_str(id) & (t->nids_b - 1);
		b->hnext = t->ids[h];
		t->ids[h] = b;
		t->nids++;
	}
	b->obj = o;
	b->died_step = 0;
	b->called = 0;
	/* Append, so that IDs stay in binding order on the object. */
	b->next_same = NULL;
	struct idtab_binding **pp = &o->ids;
	while (*pp)
		pp = &(*pp)->next_same;
	*pp = b;
	return b;
}

void idtab_object_died(idtab *t, void *ptr, unsigned long step)
{
	struct idtab_obj **pp = &t->objs[hash_ptr(ptr) & (t->nobjs_b - 1)];
	while (*pp && (*pp)->ptr != ptr)
		pp = &(*pp)->hnext;
	struct idtab_obj *o = *pp;
	if (o == NULL)
		return; /* not an object the trace named */
	*pp = o->hnext;
	t->nobjs--;

	for (struct idtab_binding *b = o->ids; b; b = b->next_same) {
		b->obj = NULL;
		b->died_step = step;
		if (t->nfreed == t->capfreed) {
			t->capfreed = t->capfreed ? 2 * t->capfreed : 64;
			t->freed = xrealloc(t->freed,
					    t->capfreed * sizeof *t->freed);
		}
		t->freed[t->nfreed++] = b;
	}
	obj_free(o);
}

static int cmp_binding(const void *a, const void *b)
{
	const struct idtab_binding *x = *(struct idtab_binding *const *)a;
	const struct idtab_binding *y = *(struct idtab_binding *const *)b;
	return strcmp(x->id, y->id);
}

struct idtab_binding **idtab_freed(idtab *t, size_t *n)
{
	qsort(t->freed, t->nfreed, sizeof *t->freed, cmp_binding);
	*n = t->nfreed;
	return t->freed;
}

void idtab_clear_freed(idtab *t)
{
	t->nfreed = 0;
}

void idtab_attr_push(struct idtab_obj *o, long index, void *value)
{
	if (o->nattrs == o->capattrs) {
		o->capattrs = o->capattrs ? 2 * o->capattrs : 8;
		o->attrs = xrealloc(o->attrs, o->capattrs * sizeof *o->attrs);
	}
	o->attrs[o->nattrs].index = index;
	o->attrs[o->nattrs].value = value;
	o->nattrs++;
}

void idtab_attr_remove(struct idtab_obj *o, size_t i)
{
	memmove(&o->attrs[i], &o->attrs[i + 1],
		(o->nattrs - i - 1) * sizeof *o->attrs);
	o->nattrs--;
}

void idtab_action_push(struct idtab_obj *o, int action,
		       const char *const *args, int nargs,
		       unsigned long line)
{
	if (o->nactions == o->capactions) {
		o->capactions = o->capactions ? 2 * o->capactions : 4;
		o->actions = xrealloc(o->actions,
				      o->capactions * sizeof *o->actions);
	}
	struct idtab_action *a = &o->actions[o->nactions++];
	memset(a, 0, sizeof *a);
	a->action = action;
	a->line = line;
	a->nargs = nargs < 2 ? nargs : 2;
	for (int k = 0; k < a->nargs; k++) {
		size_t len = strlen(args[k]);
		a->args[k] = xrealloc(NULL, len + 1);
		memcpy(a->args[k], args[k], len + 1);
	}
}

struct idtab_binding **idtab_all_sorted(idtab *t, size_t *n)
{
	struct idtab_binding **v = xcalloc(t->nids, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < t->nids_b; i++)
		for (struct idtab_binding *b = t->ids[i]; b; b = b->hnext)
			v[k++] = b;
	qsort(v, k, sizeof *v, cmp_binding);
	*n = k;
	return v;
}
