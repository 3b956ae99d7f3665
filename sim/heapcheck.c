/*
 * heapcheck.c - sim_heap_check: every invariant written above the structs
 * in state.h, verified by walking every list and every container.  Meant
 * for tests and --check runs; it costs a pass over the heap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "gc.h"

/*
 * Work units a step earns for --check.  A full pass costs one unit per
 * object, name record, hash slot and remembered death; with 64 units a
 * step, `run --check` of 3M-event gen handler and churn traces took 3.4
 * and 3.7 times a plain run (it was quadratic).  Heaps of up to
 * CHECK_ALWAYS units are checked after every step, and so is every step
 * of --stress, whose full collections already cost a pass over the heap.
 */
#define CHECK_CREDIT_PER_STEP 64
#define CHECK_ALWAYS 4096

static int fail(char *msg, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sz, fmt, ap);
	va_end(ap);
	return 1;
}

static const char *label(const struct sim *s, oref h, char *buf, size_t sz)
{
	const char *id = names_first(s, h);

	if (id)
		snprintf(buf, sz, "'%s'", id);
	else
		snprintf(buf, sz, "an unnamed %s", sim_type_name(s->objs[h].type < SIM_T_COUNT_ ? (enum sim_type)s->objs[h].type : SIM_T_DICT));
	return buf;
}

/*
 * The slot free list: every slot past the heads is either live (on the
 * refchain, counted by s->live) or free (type OT_FREE, on the free list
 * exactly once).  A cycle or a stray slot shows as a count that does not
 * add up.
 */
static int check_free_slots(const struct sim *s, char *msg, size_t sz)
{
	uint32_t slots = s->nobjs - SIM_NHEADS, nfree = 0;

	for (oref h = s->free_slots; h; h = s->objs[h].gc_next) {
		if (h < SIM_NHEADS || h >= s->nobjs)
			return fail(msg, sz, "free-slot list leads to slot %u, outside the heap", h);
		if (s->objs[h].type != OT_FREE)
			return fail(msg, sz, "free-slot list holds slot %u, which is in use", h);
		if (++nfree > slots)
			return fail(msg, sz, "free-slot list does not end");
	}
	if ((uint64_t)nfree + s->live != slots)
		return fail(msg, sz, "%u slots are free and %llu live, but the heap has %u",
			    nfree, (unsigned long long)s->live, slots);
	return 0;
}

/* The refchain: every live object once, links consistent. */
static int check_refchain(const struct sim *s, char *msg, size_t sz)
{
	oref prev = HEAD_REFCHAIN;
	uint64_t n = 0;

	for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN;
	     prev = h, h = s->objs[h].rc_next) {
		if (h >= s->nobjs || s->objs[h].type == OT_FREE || s->objs[h].type == OT_HEAD || s->objs[h].rc_prev != prev || ++n > s->live)
			return fail(msg, sz, "refchain is broken after object %u", prev);
	}
	if (n != s->live || s->objs[HEAD_REFCHAIN].rc_prev != prev)
		return fail(msg, sz, "refchain holds %llu objects, %llu are live",
			    (unsigned long long)n, (unsigned long long)s->live);
	return 0;
}

/* The generation lists. */
static int check_gen_lists(const struct sim *s, char *msg, size_t sz)
{
	char b[300];
	uint64_t tracked = 0;

	for (int l = 0; l < LIST_COUNT_; l++) {
		oref head = LIST_HEAD(s, l), p = head;
		uint64_t k = 0;

		for (oref h = s->objs[head].gc_next; h != head;
		     p = h, h = s->objs[h].gc_next) {
			const struct obj *o = &s->objs[h];
			if (h >= s->nobjs || o->gc_prev != p || o->list != l || !sim_is_gc_type(o->type) || ++k > s->live)
				return fail(msg, sz, "generation list %d is broken at %s", l, label(s, h, b, sizeof(b)));
		}
		if (k != s->lists[l].size)
			return fail(msg, sz, "list %d holds %llu objects but counts %llu", l,
				    (unsigned long long)k, (unsigned long long)s->lists[l].size);
		tracked += k;
	}
	if (tracked != s->tracked)
		return fail(msg, sz, "%llu objects are on lists but %llu are tracked",
			    (unsigned long long)tracked, (unsigned long long)s->tracked);
	return 0;
}

/*
 * Reference counts: each mortal object's count equals the references that
 * exist (names' roots, container slots, the caches' own, gc.garbage's),
 * and is above 0:
 * an object nothing refers to must have been freed.  On the same walk: the
 * tuples still being filled are the ones s->building counts, and the
 * cached objects are the ones the census counts or lists as roots.
 */
static int check_refcounts(const struct sim *s, int64_t *expect, char *msg, size_t sz)
{
	char b[300];
	uint32_t unfilled = 0, cached_plain = 0, cached_gc = 0;

	for (uint32_t i = 0; i < names_nrooted(s->names); i++) {
		uint32_t ix = names_rooted(s->names, i);
		expect[names_obj(s->names, ix)] += (int64_t)names_roots(s->names, ix);
	}
	for (uint32_t i = 0; i < s->ngc_garbage; i++)
		expect[s->gc_garbage[i]]++; /* gc.garbage's own references */
	for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN; h = s->objs[h].rc_next) {
		const struct obj *o = &s->objs[h];

		if (o->flags & OF_CACHED) {
			expect[h]++;
			if (!sim_is_gc_type(o->type))
				cached_plain++;
			else if (cached_gc >= s->ncached_gc || s->cached_gc[cached_gc++] != h)
				return fail(msg, sz, "%s is cached but not a census root",
					    label(s, h, b, sizeof(b)));
		}
		if (!sim_is_gc_type(o->type)) {
			if (o->list != LIST_NONE)
				return fail(msg, sz, "%s is tracked but not a GC type", label(s, h, b, sizeof(b)));
			continue;
		}
		uint32_t members = 0;
		for (uint32_t k = 0; k < o->u.r->len; k++) {
			oref c = o->u.r->v[k];
			if (c == 0 && o->type == SIM_T_SET)
				continue; /* an unused or dummy slot */
			members++;
			if (c >= s->nobjs || s->objs[c].type == OT_FREE || s->objs[c].type == OT_HEAD)
				return fail(msg, sz, "%s refers to a freed object", label(s, h, b, sizeof(b)));
			expect[c]++;
		}
		if (o->type == SIM_T_SET && o->u.r->len &&
		    (members != o->u.r->used || o->u.r->fill < o->u.r->used ||
		     (uint64_t)o->u.r->fill * 5 >= (uint64_t)(o->u.r->cap - 1) * 3))
			return fail(msg, sz, "%s's table has %u keys but says used %u, fill %u of %u",
				    label(s, h, b, sizeof(b)), members, o->u.r->used,
				    o->u.r->fill, o->u.r->cap);
		if (o->flags & OF_COLLECTING)
			return fail(msg, sz, "%s is still marked as collecting", label(s, h, b, sizeof(b)));
		if (o->type == SIM_T_TUPLE && o->u.r->len < o->u.r->cap)
			unfilled++;
	}
	if (unfilled != s->building)
		return fail(msg, sz, "%u tuples are being filled but %u are counted",
			    unfilled, s->building);
	if (cached_plain != s->ncached_plain || cached_gc != s->ncached_gc)
		return fail(msg, sz, "%u+%u objects are cached but the census counts %u+%u",
			    cached_plain, cached_gc, s->ncached_plain, s->ncached_gc);
	for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN; h = s->objs[h].rc_next) {
		const struct obj *o = &s->objs[h];

		if (o->flags & OF_IMMORTAL)
			continue;
		if (o->refcnt <= 0)
			return fail(msg, sz, "%s is live with refcount %lld",
				    label(s, h, b, sizeof(b)), (long long)o->refcnt);
		if (o->refcnt != expect[h])
			return fail(msg, sz, "%s has refcount %lld but %lld references exist",
				    label(s, h, b, sizeof(b)), (long long)o->refcnt, (long long)expect[h]);
	}
	return 0;
}

int sim_heap_check(const sim *s, char *msg, size_t sz)
{
	int rc;

	/* The lists and names first: the refcount pass walks them. */
	if ((rc = check_free_slots(s, msg, sz)) || (rc = check_refchain(s, msg, sz)) ||
	    (rc = check_gen_lists(s, msg, sz)) || (rc = names_check(s->names, msg, sz)))
		return rc;

	int64_t *expect = calloc(s->nobjs, sizeof(*expect));
	if (!expect)
		return fail(msg, sz, "out of memory while checking");
	rc = check_refcounts(s, expect, msg, sz);
	free(expect);
	if (rc)
		return rc;
	if (s->gen[0].count < 0)
		return fail(msg, sz, "count0 is negative");
	return s->gc->check(s, msg, sz);
}

int sim_check_step(sim *s, char *msg, size_t sz)
{
	uint64_t onlists = 0;

	for (int l = 0; l < LIST_COUNT_; l++)
		onlists += s->lists[l].size;
	if (onlists != s->tracked || s->tracked > s->live)
		return fail(msg, sz, "%llu objects are on lists, %llu tracked, %llu live",
			    (unsigned long long)onlists, (unsigned long long)s->tracked,
			    (unsigned long long)s->live);
	if (s->gen[0].count < 0)
		return fail(msg, sz, "count0 is negative");
	uint64_t cost = s->live + s->tracked + names_footprint(s->names);
	s->check_credit += CHECK_CREDIT_PER_STEP;
	if (cost > CHECK_ALWAYS && !s->cfg.stress && s->check_credit < cost)
		return 0;
	s->check_credit = 0;
	return sim_heap_check(s, msg, sz);
}
