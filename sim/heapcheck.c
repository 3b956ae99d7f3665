/*
 * heapcheck.c - sim_heap_check: every invariant written above the structs
 * in state.h, verified by walking every list and every container.  Meant
 * for tests and --check runs; it costs a pass over the heap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "state.h"

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

int sim_heap_check(const sim *s, char *msg, size_t sz)
{
	char b[300];
	uint64_t n = 0;
	int64_t *expect = calloc(s->nobjs, sizeof(*expect));

	if (!expect)
		return fail(msg, sz, "out of memory while checking");

	/* The refchain: every live object once, links consistent. */
	oref prev = HEAD_REFCHAIN;
	for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN;
	     prev = h, h = s->objs[h].rc_next) {
		if (h >= s->nobjs || s->objs[h].type == OT_FREE || s->objs[h].type == OT_HEAD || s->objs[h].rc_prev != prev || ++n > s->live) {
			free(expect);
			return fail(msg, sz, "refchain is broken after object %u", prev);
		}
	}
	if (n != s->live || s->objs[HEAD_REFCHAIN].rc_prev != prev) {
		free(expect);
		return fail(msg, sz, "refchain holds %llu objects, %llu are live",
			    (unsigned long long)n, (unsigned long long)s->live);
	}

	/* The generation lists. */
	uint64_t tracked = 0;
	for (int l = 0; l < LIST_COUNT_; l++) {
		oref head = LIST_HEAD(s, l), p = head;
		uint64_t k = 0;

		for (oref h = s->objs[head].gc_next; h != head;
		     p = h, h = s->objs[h].gc_next) {
			const struct obj *o = &s->objs[h];
			if (o->gc_prev != p || o->list != l || !sim_is_gc_type(o->type) || ++k > s->live) {
				free(expect);
				return fail(msg, sz, "generation list %d is broken at %s", l, label(s, h, b, sizeof(b)));
			}
		}
		if (k != s->lists[l].size) {
			free(expect);
			return fail(msg, sz, "list %d holds %llu objects but counts %llu", l,
				    (unsigned long long)k, (unsigned long long)s->lists[l].size);
		}
		tracked += k;
	}
	if (tracked != s->tracked) {
		free(expect);
		return fail(msg, sz, "%llu objects are on lists but %llu are tracked",
			    (unsigned long long)tracked, (unsigned long long)s->tracked);
	}

	/* Reference counts: names' roots, container slots, the caches' own. */
	for (uint32_t i = 1; i < s->names.n; i++) {
		const struct name *nm = &s->names.v[i];
		if (nm->str && nm->obj)
			expect[nm->obj] += (int64_t)nm->roots;
	}
	for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN; h = s->objs[h].rc_next) {
		const struct obj *o = &s->objs[h];

		if (o->flags & OF_CACHED)
			expect[h]++;
		if (!sim_is_gc_type(o->type)) {
			if (o->list != LIST_NONE) {
				free(expect);
				return fail(msg, sz, "%s is tracked but not a GC type", label(s, h, b, sizeof(b)));
			}
			continue;
		}
		uint32_t members = 0;
		for (uint32_t k = 0; k < o->u.r->len; k++) {
			oref c = o->u.r->v[k];
			if (c == 0 && o->type == SIM_T_SET)
				continue; /* an unused or dummy slot */
			members++;
			if (c >= s->nobjs || s->objs[c].type == OT_FREE || s->objs[c].type == OT_HEAD) {
				free(expect);
				return fail(msg, sz, "%s refers to a freed object", label(s, h, b, sizeof(b)));
			}
			expect[c]++;
		}
		if (o->type == SIM_T_SET && o->u.r->len &&
		    (members != o->u.r->used || o->u.r->fill < o->u.r->used ||
		     (uint64_t)o->u.r->fill * 5 >= (uint64_t)(o->u.r->cap - 1) * 3)) {
			free(expect);
			return fail(msg, sz, "%s's table has %u keys but says used %u, fill %u of %u",
				    label(s, h, b, sizeof(b)), members, o->u.r->used,
				    o->u.r->fill, o->u.r->cap);
		}
		if (o->flags & OF_COLLECTING) {
			free(expect);
			return fail(msg, sz, "%s is still marked as collecting", label(s, h, b, sizeof(b)));
		}
	}
	for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN; h = s->objs[h].rc_next) {
		const struct obj *o = &s->objs[h];

		if (o->flags & OF_IMMORTAL)
			continue;
		if (o->refcnt != expect[h]) {
			int64_t want = expect[h];
			free(expect);
			return fail(msg, sz, "%s has refcount %lld but %lld references exist",
				    label(s, h, b, sizeof(b)), (long long)o->refcnt, (long long)want);
		}
	}
	free(expect);
	if (s->gen[0].count < 0)
		return fail(msg, sz, "count0 is negative");
	return 0;
}
