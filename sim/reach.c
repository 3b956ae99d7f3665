/*
 * reach.c - a mark from the roots that remembers its shortest ways, and
 * the garbage that holds an object (see reach.h).  The mark is the
 * census's (census.c) made breadth first, with parents.
 */
#include <stdlib.h>
#include <string.h>

#include "reach.h"

void reach_init(struct reach *r)
{
	memset(r, 0, sizeof(*r));
}

void reach_release(struct reach *r)
{
	free(r->mark);
	free(r->parent);
	free(r->root);
	free(r->queue);
	free(r->rstart);
	free(r->rv);
	memset(r, 0, sizeof(*r));
}

static void cover(struct reach *r, const struct sim *s)
{
	if (r->cap >= s->capobjs)
		return;
	r->mark = sim_xrealloc(r->mark, s->capobjs * sizeof(*r->mark));
	memset(r->mark + r->cap, 0, (s->capobjs - r->cap) * sizeof(*r->mark));
	r->parent = sim_xrealloc(r->parent, s->capobjs * sizeof(*r->parent));
	r->root = sim_xrealloc(r->root, s->capobjs * sizeof(*r->root));
	r->cap = s->capobjs;
}

static void push(struct reach *r, uint32_t *n, oref h, oref from, uint32_t name)
{
	if (r->mark[h] == r->stamp)
		return;
	r->mark[h] = r->stamp;
	r->parent[h] = from;
	r->root[h] = name;
	if (*n == r->capqueue) {
		r->capqueue = r->capqueue ? 2 * r->capqueue : 256;
		r->queue = sim_xrealloc(r->queue, r->capqueue * sizeof(oref));
	}
	r->queue[(*n)++] = h;
}

int reach_mark(struct reach *r, const struct sim *s, oref stop)
{
	uint32_t n = 0;

	cover(r, s);
	if (++r->stamp == 0) {
		memset(r->mark, 0, r->cap * sizeof(*r->mark));
		r->stamp = 1;
	}
	for (uint32_t i = 0; i < names_nrooted(s->names); i++) {
		uint32_t ix = names_rooted(s->names, i);

		if (names_roots(s->names, ix)) /* the list may hold stale names */
			push(r, &n, names_obj(s->names, ix), 0, ix);
	}
	for (uint32_t i = 0; i < s->ngc_garbage; i++) /* gc.garbage's */
		push(r, &n, s->gc_garbage[i], 0, 0);
	for (uint32_t i = 0; i < s->ncached_gc; i++)
		push(r, &n, s->cached_gc[i], 0, 0);
	for (uint32_t head = 0; head < n; head++) {
		oref h = r->queue[head];
		const struct obj *o = &s->objs[h];

		if (h == stop)
			return 1;
		if (!sim_is_gc_type(o->type))
			continue;
		for (uint32_t i = 0; i < o->u.r->len; i++)
			if (o->u.r->v[i]) /* 0: a set's unused or dummy slot */
				push(r, &n, o->u.r->v[i], h, 0);
	}
	return 0;
}

/* A live object the last mark did not reach, and no cache holds. */
static int unreached(const struct reach *r, const struct sim *s, oref h)
{
	return !reach_marked(r, h) && !(s->objs[h].flags & OF_CACHED);
}

uint32_t reach_garbage_holders(struct reach *r, const struct sim *s, oref h,
			       oref **out, uint32_t *capout)
{
	uint32_t nedges = 0;

	/* The referrers of each unreached object, as one array (CSR). */
	r->rstart = sim_xrealloc(r->rstart, ((size_t)r->cap + 1) * sizeof(uint32_t));
	memset(r->rstart, 0, ((size_t)r->cap + 1) * sizeof(uint32_t));
	for (oref u = s->objs[HEAD_REFCHAIN].rc_next; u != HEAD_REFCHAIN;
	     u = s->objs[u].rc_next) {
		const struct obj *o = &s->objs[u];

		if (!sim_is_gc_type(o->type) || !unreached(r, s, u))
			continue;
		for (uint32_t i = 0; i < o->u.r->len; i++)
			if (o->u.r->v[i] && unreached(r, s, o->u.r->v[i])) {
				r->rstart[o->u.r->v[i] + 1]++;
				nedges++;
			}
	}
	for (uint32_t i = 0; i < r->cap; i++)
		r->rstart[i + 1] += r->rstart[i];
	if (nedges > r->caprv) {
		r->caprv = nedges;
		r->rv = sim_xrealloc(r->rv, nedges * sizeof(oref));
	}
	uint32_t *fill = sim_xcalloc(r->cap, sizeof(uint32_t));
	for (oref u = s->objs[HEAD_REFCHAIN].rc_next; u != HEAD_REFCHAIN;
	     u = s->objs[u].rc_next) {
		const struct obj *o = &s->objs[u];

		if (!sim_is_gc_type(o->type) || !unreached(r, s, u))
			continue;
		for (uint32_t i = 0; i < o->u.r->len; i++) {
			oref v = o->u.r->v[i];

			if (v && unreached(r, s, v))
				r->rv[r->rstart[v] + fill[v]++] = u;
		}
	}
	/* Breadth first from h against the references; fill[] marks visits. */
	memset(fill, 0, r->cap * sizeof(uint32_t));
	uint32_t n = 0;
	if (*capout == 0) {
		*capout = 16;
		*out = sim_xrealloc(*out, *capout * sizeof(oref));
	}
	(*out)[n++] = h;
	fill[h] = 1;
	for (uint32_t head = 0; head < n; head++) {
		oref v = (*out)[head];

		for (uint32_t k = r->rstart[v]; k < r->rstart[v + 1]; k++) {
			oref u = r->rv[k];

			if (fill[u])
				continue;
			fill[u] = 1;
			if (n == *capout) {
				*capout *= 2;
				*out = sim_xrealloc(*out, *capout * sizeof(oref));
			}
			(*out)[n++] = u;
		}
	}
	free(fill);
	return n;
}
