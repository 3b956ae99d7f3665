/*
 * cache.c - where a new object comes from, and where a dead one goes.
 *
 * Mirrors the singletons and caches of CPython (small ints -5..256 in
 * Objects/longobject.c, the latin-1 characters and the interned strings of
 * Objects/unicodeobject.c, b"" and single bytes, (), None, True, False) and
 * the per-type free lists (list, dict, float, tuple by length; see
 * maybe_freelist_pop/push in Objects/tupleobject.c).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc.h"

#define NSMALLNEG 5
#define NSMALLPOS 257

static uint32_t hash_bytes(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 16777619u;
	}
	return h;
}

static struct blob *blob_make(const char *p, size_t n)
{
	struct blob *b = sim_xmalloc(sizeof(*b) + n + 1);

	b->len = (uint32_t)n;
	b->hash = hash_bytes(p, n);
	memcpy(b->data, p, n);
	b->data[n] = '\0';
	return b;
}

/* Give h its payload, whose bytes count in the estimate. */
static void set_blob(struct sim *s, oref h, const char *p, size_t n)
{
	OBJ(s, h)->u.s = blob_make(p, n);
	heap_account(s, (int64_t)n);
}

/* A new cache-owned object: the cache keeps one reference of its own. */
static oref cached_new(struct sim *s, int type)
{
	oref h = heap_new_obj(s, type);
	struct obj *o = OBJ(s, h);

	o->flags |= OF_CACHED;
	census_on_cached(s, h);
	if (s->prof->immortal)
		o->flags |= OF_IMMORTAL;
	o->refcnt = 2; /* the cache's and the caller's */
	return h;
}

static oref cache_hit(struct sim *s, oref *slot, int type, long cls)
{
	if (!*slot) {
		*slot = cached_new(s, type);
	} else {
		heap_incref(s, *slot);
	}
	heap_effect(s, SIM_FX_CACHE_HIT, type, cls);
	s->totals.cache_hits++;
	return *slot;
}

/* Classes of cache hit, for the reporter (SIM_FX_CACHE_HIT's n). */
enum { HIT_SINGLETON, HIT_SMALL_INT, HIT_LATIN1, HIT_BYTE };

static int identifier_like(const char *p, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

/* The one latin-1 code point of a UTF-8 string, or -1. */
static int latin1_char(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n == 1 && u[0] < 0x80)
		return u[0];
	if (n == 2 && (u[0] == 0xc2 || u[0] == 0xc3))
		return ((u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	return -1;
}

/*
 * An identifier-like literal: a constant of the code that names it,
 * interned when the code was made.  The interned table's references are
 * not counted (intern_common takes them back); the code object's one is
 * the cache's reference here, and keeps the string alive for good.
 */
static oref intern_str(struct sim *s, const char *p, size_t n)
{
	struct strtab *t = &s->interned;
	uint32_t h = hash_bytes(p, n);

	if ((t->used + 1) * 2 > t->nslots) {
		uint32_t ns = t->nslots ? 2 * t->nslots : 64;
		oref *slots = sim_xcalloc(ns, sizeof(*slots));

		for (uint32_t i = 0; i < t->nslots; i++) {
			oref x = t->slots[i];

			if (!x)
				continue;
			uint32_t j = OBJ(s, x)->u.s->hash & (ns - 1);
			while (slots[j])
				j = (j + 1) & (ns - 1);
			slots[j] = x;
		}
		free(t->slots);
		t->slots = slots;
		t->nslots = ns;
	}
	uint32_t j = h & (t->nslots - 1);
	for (; t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
		struct blob *b = OBJ(s, t->slots[j])->u.s;

		if (b->hash == h && b->len == n && memcmp(b->data, p, n) == 0) {
			heap_incref(s, t->slots[j]);
			heap_effect(s, SIM_FX_INTERNED, SIM_T_STR, 0);
			s->totals.cache_hits++;
			return t->slots[j];
		}
	}
	oref x = cached_new(s, SIM_T_STR);
	OBJ(s, x)->flags |= OF_INTERNED;
	if (!s->prof->interned_immortal)
		OBJ(s, x)->flags &= (uint8_t)~OF_IMMORTAL;
	set_blob(s, x, p, n);
	t->slots[j] = x;
	t->used++;
	heap_effect(s, SIM_FX_NEW, SIM_T_STR, 1);
	return x;
}

static oref new_container(struct sim *s, int type, uint32_t cap)
{
	oref h = heap_new_obj(s, type);

	if (cap == 0) {
		/* Most containers stay small or empty: no block until needed. */
		OBJ(s, h)->u.r = &sim_no_refs;
		return h;
	}
	struct refs *r = sim_xmalloc(sizeof(*r) + (size_t)cap * sizeof(oref));

	r->len = 0;
	r->cap = cap;
	r->next_attr = 0;
	r->nvalues = 0;
	OBJ(s, h)->u.r = r;
	return h;
}

/*
 * A GC object: from its free list when there is one and it holds an
 * object (no count change), else from the allocator, which counts it in
 * generation 0 and may start a collection before the object exists
 * (gc_alloc -> _PyObject_GC_Link).
 */
static oref gc_object_protect(struct sim *s, int type, long *freelist,
			      long tuplelen, uint32_t cap, const oref *protect,
			      int nprotect)
{
	if (freelist && *freelist > 0) {
		--*freelist;
		heap_effect(s, SIM_FX_FREELIST_POP, type, tuplelen);
		s->effects[s->neffects - 1].left = *freelist;
		s->totals.freelist_reuses++;
	} else {
		heap_effect(s, SIM_FX_NEW, type, tuplelen);
		s->gc->on_alloc(s, protect, nprotect);
	}
	return new_container(s, type, cap);
}

/*
 * pack: a tuple made in one step from the n existing objects at items,
 * as PyTuple_Pack and a tuple display (BUILD_TUPLE) make it: allocated as
 * PyTuple_New(n) is (the caller's references keep the items alive through
 * a collection the allocation starts), filled, then tracked, from 3.14.1
 * on only if one of its items may be tracked (maybe_tracked in
 * Objects/tupleobject.c).  No safe point inside.
 */
oref cache_pack(struct sim *s, const oref *items, int n)
{
	long *fl = n <= s->prof->tuple_pop_max ? &s->fl.tuple[n - 1] : NULL;
	oref h = gc_object_protect(s, SIM_T_TUPLE, fl, n, (uint32_t)n, items, n);
	int track = !s->prof->tuple_pack_maybe_tracked;

	for (int i = 0; i < n; i++) {
		heap_incref(s, items[i]);
		heap_refs_push(s, h, items[i]);
		track |= sim_is_gc_type(OBJ(s, items[i])->type);
	}
	if (track)
		heap_track(s, h);
	return h;
}

static oref gc_object(struct sim *s, int type, long *freelist, long tuplelen,
		      uint32_t cap)
{
	return gc_object_protect(s, type, freelist, tuplelen, cap, NULL, 0);
}

/* new_dict for an instance's __dict__, while protect[] are in use. */
oref cache_new_attrdict(struct sim *s, const oref *protect, int nprotect)
{
	return gc_object_protect(s, OT_ATTRDICT, &s->fl.dict, 0, 0, protect,
				 nprotect);
}

oref cache_alloc(struct sim *s, const struct sim_event *ev)
{
	const struct sim_value *v = &ev->value;
	oref h;

	s->totals.allocs++;
	switch (ev->type) {
	case SIM_T_NONE:
		return cache_hit(s, &s->none, SIM_T_NONE, HIT_SINGLETON);
	case SIM_T_BOOL:
		h = cache_hit(s, v->i ? &s->true_ : &s->false_, SIM_T_BOOL,
			      HIT_SINGLETON);
		OBJ(s, h)->u.i = v->i != 0;
		return h;
	case SIM_T_INT:
		if (v->fits && v->i >= -NSMALLNEG && v->i < NSMALLPOS) {
			h = cache_hit(s, &s->small_ints[v->i + NSMALLNEG],
				      SIM_T_INT, HIT_SMALL_INT);
			OBJ(s, h)->u.i = v->i;
			return h;
		}
		h = heap_new_obj(s, SIM_T_INT);
		if (v->fits) {
			OBJ(s, h)->u.i = v->i;
		} else {
			OBJ(s, h)->flags |= OF_BIGVALUE;
			set_blob(s, h, v->digits, strlen(v->digits));
		}
		heap_effect(s, SIM_FX_NEW, SIM_T_INT, 0);
		return h;
	case SIM_T_FLOAT:
		if (s->fl.flt > 0) {
			s->fl.flt--;
			heap_effect(s, SIM_FX_FREELIST_POP, SIM_T_FLOAT, 0);
			s->effects[s->neffects - 1].left = s->fl.flt;
			s->totals.freelist_reuses++;
		} else {
			heap_effect(s, SIM_FX_NEW, SIM_T_FLOAT, 0);
		}
		h = heap_new_obj(s, SIM_T_FLOAT);
		OBJ(s, h)->u.f = v->f;
		return h;
	case SIM_T_STR: {
		int c = latin1_char(v->s, v->len);

		if (v->len == 0 || c >= 0) {
			h = v->len == 0 ?
				cache_hit(s, &s->empty_str, SIM_T_STR, HIT_SINGLETON) :
				cache_hit(s, &s->latin1[c], SIM_T_STR, HIT_LATIN1);
			if (!OBJ(s, h)->u.s)
				set_blob(s, h, v->s, v->len);
			return h;
		}
		if (identifier_like(v->s, v->len))
			return intern_str(s, v->s, v->len);
		h = heap_new_obj(s, SIM_T_STR);
		set_blob(s, h, v->s, v->len);
		heap_effect(s, SIM_FX_NEW, SIM_T_STR, 0);
		return h;
	}
	case SIM_T_BYTES:
		if (v->len == 0) {
			h = cache_hit(s, &s->empty_bytes, SIM_T_BYTES, HIT_SINGLETON);
		} else if (v->len == 1) {
			h = cache_hit(s, &s->bytes1[(unsigned char)v->s[0]],
				      SIM_T_BYTES, HIT_BYTE);
		} else {
			h = heap_new_obj(s, SIM_T_BYTES);
			heap_effect(s, SIM_FX_NEW, SIM_T_BYTES, 0);
		}
		if (!OBJ(s, h)->u.s)
			set_blob(s, h, v->s, v->len);
		return h;
	case SIM_T_TUPLE: {
		long n = v->has ? (long)v->i : 0;

		if (n == 0) {
			h = cache_hit(s, &s->empty_tuple, SIM_T_TUPLE, HIT_SINGLETON);
			if (!OBJ(s, h)->u.r) {
				struct refs *r = sim_xcalloc(1, sizeof(*r));
				OBJ(s, h)->u.r = r;
			}
			return h;
		}
		long *fl = n <= s->prof->tuple_pop_max ? &s->fl.tuple[n - 1] : NULL;
		h = gc_object(s, SIM_T_TUPLE, fl, n, (uint32_t)n);
		heap_track(s, h);
		s->building++;
		return h;
	}
	case SIM_T_LIST:
		h = gc_object(s, SIM_T_LIST, &s->fl.list, 0, 0);
		heap_track(s, h);
		return h;
	case SIM_T_DICT:
		/* new_dict: dicts start untracked (MAINTAIN_TRACKING) up to
		 * 3.13, tracked from 3.14 on. */
		h = gc_object(s, SIM_T_DICT, &s->fl.dict, 0, 0);
		if (s->prof->dict_always_tracked)
			heap_track(s, h);
		return h;
	case SIM_T_SET:
		h = gc_object(s, SIM_T_SET, NULL, 0, 0);
		heap_track(s, h);
		return h;
	case SIM_T_GCOBJ:
		/* PyObject_GC_New + PyObject_GC_Track, no free list. */
		h = gc_object(s, SIM_T_GCOBJ, NULL, 0, 0);
		heap_track(s, h);
		return h;
	case SIM_T_OBJECT:
	case SIM_T_DELOBJ:
	case SIM_T_LEGACYOBJ: {
		int c = sim_class_of(ev->type);

		h = gc_object(s, ev->type, NULL, 0, 4);
		heap_track(s, h);
		/*
		 * init_inline_values: the class's shared keys give up one
		 * usable slot per new instance (never the last one), and the
		 * instance's values array is as large as the keys can grow.
		 */
		if (s->keys_usable[c] > 1)
			s->keys_usable[c]--;
		OBJ(s, h)->u.r->nvalues = s->keys_nentries[c] + s->keys_usable[c];
		return h;
	}
	default:
		assert(0 && "unknown type");
		return 0;
	}
}

/* Push a dying object on its type's free list; 1 if it went there. */
int cache_release_to_freelist(struct sim *s, oref h)
{
	struct obj *o = OBJ(s, h);
	const struct sim_profile *p = s->prof;
	long *fl = NULL, max = 0, n = 0;
	int type = o->type;

	switch (type) {
	case SIM_T_LIST:
		fl = &s->fl.list;
		max = p->freelist_list;
		break;
	case SIM_T_DICT:
	case OT_ATTRDICT:
		type = SIM_T_DICT;
		fl = &s->fl.dict;
		max = p->freelist_dict;
		break;
	case SIM_T_FLOAT:
		fl = &s->fl.flt;
		max = p->freelist_float;
		break;
	case SIM_T_TUPLE:
		n = o->u.r->cap;
		if (n < 1 || n > p->tuple_push_max)
			return 0;
		fl = &s->fl.tuple[n - 1];
		max = p->freelist_tuple;
		break;
	default:
		return 0;
	}
	if (*fl >= max)
		return 0;
	++*fl;
	heap_effect(s, SIM_FX_FREELIST_PUSH, type, n);
	s->effects[s->neffects - 1].left = *fl;
	return 1;
}

/* clear_freelists, at the end of every full collection. */
void cache_clear_freelists(struct sim *s)
{
	memset(&s->fl, 0, sizeof(s->fl));
}

void cache_release(struct sim *s)
{
	free(s->interned.slots);
}
