/*
 * graph.c - the heap as a graph (see graph.h): the objects on the
 * refchain, or the ones within some references of an ID in either
 * direction, their container references merged by target with a count,
 * the root references of the trace's IDs, and the mark from the roots
 * (reach.c) that tells the garbage apart.
 */
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "gc.h"
#include "reach.h"

struct ids {
	const struct sim *s;
	uint32_t *first;      /* per handle: its first name, 0 if none */
};

static void note_name(void *arg, uint32_t ix)
{
	struct ids *d = arg;
	uint32_t h = names_obj(d->s->names, ix);

	if (h && !d->first[h])
		d->first[h] = ix;
}

/* The referrers of every object: a CSR over all the heap's references. */
struct rindex {
	uint32_t *start;      /* per handle + 1 */
	oref *v;
};

static void rindex_build(struct rindex *ri, const struct sim *s)
{
	uint64_t n = 0;

	ri->start = sim_xcalloc((size_t)s->capobjs + 1, sizeof(uint32_t));
	for (oref u = s->objs[HEAD_REFCHAIN].rc_next; u != HEAD_REFCHAIN;
	     u = s->objs[u].rc_next) {
		const struct obj *o = &s->objs[u];

		if (!sim_is_gc_type(o->type))
			continue;
		for (uint32_t i = 0; i < o->u.r->len; i++)
			if (o->u.r->v[i]) {
				ri->start[o->u.r->v[i] + 1]++;
				n++;
			}
	}
	for (uint32_t i = 0; i < s->capobjs; i++)
		ri->start[i + 1] += ri->start[i];
	ri->v = sim_xmalloc((size_t)n * sizeof(oref));
	uint32_t *fill = sim_xcalloc(s->capobjs, sizeof(uint32_t));
	for (oref u = s->objs[HEAD_REFCHAIN].rc_next; u != HEAD_REFCHAIN;
	     u = s->objs[u].rc_next) {
		const struct obj *o = &s->objs[u];

		if (!sim_is_gc_type(o->type))
			continue;
		for (uint32_t i = 0; i < o->u.r->len; i++) {
			oref v = o->u.r->v[i];

			if (v)
				ri->v[ri->start[v] + fill[v]++] = u;
		}
	}
	free(fill);
}

/* Pick nodes: pos[h] = 1 + node index.  Returns how many. */
static uint32_t pick(const struct sim *s, const struct sim_graph_opts *o,
		     oref centre, uint32_t *pos, oref **order, uint32_t *depth)
{
	uint32_t n = 0;

	if (!centre) {
		*order = sim_xmalloc((size_t)(s->live ? s->live : 1) * sizeof(oref));
		for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN;
		     h = s->objs[h].rc_next) {
			(*order)[n] = h;
			pos[h] = ++n;
		}
		return n;
	}
	struct rindex ri;
	rindex_build(&ri, s);
	*order = sim_xmalloc((size_t)(s->live ? s->live : 1) * sizeof(oref));
	(*order)[n] = centre;
	depth[n] = 0;
	pos[centre] = ++n;
	for (uint32_t head = 0; head < n; head++) {
		oref h = (*order)[head];
		uint32_t d = depth[head];
		const struct obj *ob = &s->objs[h];

		if (d == o->depth)
			continue;
		if (sim_is_gc_type(ob->type)) {
			for (uint32_t i = 0; i < ob->u.r->len; i++) {
				oref v = ob->u.r->v[i];

				if (v && !pos[v]) {
					(*order)[n] = v;
					depth[n] = d + 1;
					pos[v] = ++n;
				}
			}
		}
		for (uint32_t k = ri.start[h]; k < ri.start[h + 1]; k++) {
			oref u = ri.v[k];

			if (!pos[u]) {
				(*order)[n] = u;
				depth[n] = d + 1;
				pos[u] = ++n;
			}
		}
	}
	free(ri.start);
	free(ri.v);
	return n;
}

static void fill_node(const struct sim *s, oref h, const struct ids *ids,
		      const struct reach *r, struct sim_gnode *nd)
{
	const struct obj *o = &s->objs[h];

	nd->obj = h;
	nd->id = ids->first[h] ? names_str(s->names, ids->first[h]) : NULL;
	nd->type = o->type == OT_ATTRDICT ? SIM_T_DICT : o->type;
	int g = o->list == LIST_NONE ? LIST_NONE : s->gc->generation_of(s, h);
	nd->gen = g == LIST_NONE ? SIM_GEN_UNTRACKED :
		  g == LIST_PERMANENT ? SIM_GEN_PERMANENT : g;
	nd->refcnt = o->refcnt;
	if (o->flags & OF_CACHED)
		nd->flags |= SIM_GN_CACHED;
	if (o->flags & OF_IMMORTAL)
		nd->flags |= SIM_GN_IMMORTAL;
	if (o->flags & OF_INTERNED)
		nd->flags |= SIM_GN_INTERNED;
	if (o->type == OT_ATTRDICT)
		nd->flags |= SIM_GN_ATTRDICT;
	if (o->flags & OF_FINALIZED)
		nd->flags |= SIM_GN_FINALIZED;
	if (!reach_marked(r, h) && !(o->flags & OF_CACHED))
		nd->flags |= SIM_GN_GARBAGE;
	switch (o->type) {
	case SIM_T_INT:
		if (o->flags & OF_BIGVALUE) {
			nd->flags |= SIM_GN_BIGINT;
			nd->s = o->u.s->data;
			nd->slen = o->u.s->len;
		} else {
			nd->i = o->u.i;
		}
		break;
	case SIM_T_BOOL:
		nd->i = o->u.i;
		break;
	case SIM_T_FLOAT:
		nd->f = o->u.f;
		break;
	case SIM_T_STR:
	case SIM_T_BYTES:
		nd->s = o->u.s ? o->u.s->data : "";
		nd->slen = o->u.s ? o->u.s->len : 0;
		break;
	case SIM_T_TUPLE:
		nd->i = o->u.r->cap;
		break;
	default:
		break;
	}
	if (sim_is_gc_type(o->type) && o->type != SIM_T_SET)
		nd->nrefs = o->u.r->len;
	else if (o->type == SIM_T_SET)
		nd->nrefs = o->u.r->used;
}

/* The references among the nodes, one edge per (from, to) with its count. */
static void add_edges(const struct sim *s, struct sim_graph *g, const uint32_t *pos)
{
	uint32_t cap = 0;
	uint32_t *count = sim_xcalloc(s->capobjs, sizeof(uint32_t));
	oref *targets = NULL;
	uint32_t captargets = 0;

	for (uint32_t k = 0; k < g->nnodes; k++) {
		const struct obj *o = &s->objs[g->nodes[k].obj];
		uint32_t nt = 0;

		if (!sim_is_gc_type(o->type))
			continue;
		for (uint32_t i = 0; i < o->u.r->len; i++) {
			oref v = o->u.r->v[i];

			if (!v || !pos[v])
				continue;
			if (count[v]++ == 0) {
				if (nt == captargets) {
					captargets = captargets ? 2 * captargets : 16;
					targets = sim_xrealloc(targets, captargets * sizeof(oref));
				}
				targets[nt++] = v;
			}
		}
		for (uint32_t j = 0; j < nt; j++) {
			if (g->nedges == cap) {
				cap = cap ? 2 * cap : 64;
				g->edges = sim_xrealloc(g->edges, cap * sizeof(*g->edges));
			}
			g->edges[g->nedges++] = (struct sim_gedge){
				k, pos[targets[j]] - 1, count[targets[j]] };
			count[targets[j]] = 0;
		}
	}
	free(targets);
	free(count);
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct sim_groot *)a)->id, ((const struct sim_groot *)b)->id);
}

int sim_graph_build(const sim *s, const struct sim_graph_opts *o,
		    struct sim_graph *g, struct sim_diag *diag)
{
	oref centre = 0;

	memset(g, 0, sizeof(*g));
	if (o->around) {
		uint32_t ix = names_find(s->names, o->around);

		if (!ix || names_idle(s->names, ix) || !names_obj(s->names, ix)) {
			uint64_t step = 0;
			uint32_t line = 0;

			if (!ix)
				return sim_diag_set(diag, SIM_EUSAGE, "", 0, 0,
						    "--around: unknown id '%s' at step %llu",
						    o->around, (unsigned long long)s->step_no);
			names_died(s->names, ix, &step, &line);
			return sim_diag_set(diag, SIM_EUSAGE, "", 0, 0,
					    "--around: id '%s' is dead at step %llu: its object was freed at step %llu (line %lu)",
					    o->around, (unsigned long long)s->step_no,
					    (unsigned long long)step, (unsigned long)line);
		}
		centre = names_obj(s->names, ix);
	}
	uint32_t *pos = sim_xcalloc(s->capobjs, sizeof(uint32_t));
	uint32_t *depth = centre ? sim_xmalloc((size_t)(s->live ? s->live : 1) * sizeof(uint32_t)) : NULL;
	oref *order = NULL;
	uint32_t n = pick(s, o, centre, pos, &order, depth);

	if (o->max_nodes && n > o->max_nodes) {
		free(pos);
		free(depth);
		free(order);
		if (centre)
			return sim_diag_set(diag, SIM_EUSAGE, "", 0, 0,
					    "%u objects lie within %u references of '%s' at step %llu, more than the cap of %llu: lower --depth, or raise --max-nodes",
					    n, o->depth, o->around, (unsigned long long)s->step_no,
					    (unsigned long long)o->max_nodes);
		return sim_diag_set(diag, SIM_EUSAGE, "", 0, 0,
				    "the heap holds %u objects at step %llu, more than the cap of %llu: draw a part with --around ID --depth N, or raise --max-nodes",
				    n, (unsigned long long)s->step_no,
				    (unsigned long long)o->max_nodes);
	}

	struct reach r;
	struct ids ids = { s, sim_xcalloc(s->capobjs, sizeof(uint32_t)) };
	reach_init(&r);
	reach_mark(&r, s, 0);
	names_each(s->names, 0, note_name, &ids);

	g->live = s->live;
	for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN;
	     h = s->objs[h].rc_next)
		if (!reach_marked(&r, h) && !(s->objs[h].flags & OF_CACHED))
			g->garbage++;
	g->nodes = sim_xcalloc(n ? n : 1, sizeof(*g->nodes));
	g->nnodes = n;
	for (uint32_t k = 0; k < n; k++) {
		fill_node(s, order[k], &ids, &r, &g->nodes[k]);
		g->nodes[k].depth = depth ? depth[k] : 0;
	}
	if (centre)
		g->nodes[0].flags |= SIM_GN_CENTRE;
	add_edges(s, g, pos);

	uint32_t nr = names_nrooted(s->names);
	g->roots = sim_xcalloc(nr ? nr : 1, sizeof(*g->roots));
	for (uint32_t i = 0; i < nr; i++) {
		uint32_t ix = names_rooted(s->names, i);
		oref h = names_obj(s->names, ix);

		if (!names_roots(s->names, ix) || !pos[h]) /* stale, or left out */
			continue;
		g->nodes[pos[h] - 1].roots += names_roots(s->names, ix);
		g->roots[g->nroots++] = (struct sim_groot){
			names_str(s->names, ix), pos[h] - 1, names_roots(s->names, ix) };
	}
	/* names_rooted's order is the table's: by ID, for stable output */
	qsort(g->roots, g->nroots, sizeof(*g->roots), by_id);
	reach_release(&r);
	free(ids.first);
	free(pos);
	free(depth);
	free(order);
	return SIM_OK;
}

void sim_graph_release(struct sim_graph *g)
{
	free(g->nodes);
	free(g->edges);
	free(g->roots);
	memset(g, 0, sizeof(*g));
}
