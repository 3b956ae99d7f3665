/*
 * explain.c - one ID followed through a replay, and the answer to "why is
 * it alive?" (see explain.h).
 *
 * Reachability is kept cheaply while the replay runs.  While a root
 * reaches the object, the explainer holds one chain of references from a
 * root to it (the witness): a step that leaves the witness whole cannot
 * have made the object unreachable, and checking it costs the chain's
 * length.  Only when a step breaks the witness is the heap marked again
 * (reach.c), from the roots, breadth first, giving a new shortest chain
 * or the step the object became garbage.  Garbage stays garbage until a
 * reference is taken to one of the unreachable objects that reach it
 * (the trace may still name them): only such a step marks again.
 *
 * Generations are followed from the step records: where the object was
 * at the end of the previous step, and each collection of the step in
 * order, which examines it when it is in that generation or a younger
 * one, and moves it to survivors_to.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "graph.h"
#include "gc.h"
#include "reach.h"

/* What the generational collector's explanation watches. */
struct gen_watch {
	int had_full;              /* a full collection ran */
	uint64_t full_step;        /* the last one */
	unsigned long full_line;
	int full_trigger;
	uint64_t gen1_since;       /* gen-1 collections since the last full one */
	uint64_t gen0_since;
	uint64_t braked;           /* automatic collections that found gen 2 over
				      its threshold and collected a younger one */
	uint64_t braked_step;      /* the last of those */
	int64_t braked_pending, braked_total;
	long braked_count2;
};

struct sim_explainer {
	char id[SIM_ID_MAX + 1];
	int known;                 /* the ID was bound at some step */
	oref h;                    /* its object while alive, else 0 */
	int type;
	int list;                  /* its list at the end of the last step */
	uint64_t alloc_step, last_step;
	unsigned long alloc_line;
	int dead;
	uint64_t died_step;
	unsigned long died_line;
	int died_by_collector, died_gen;
	uint64_t survived[3], last_survived[3];
	struct sim_xevent history[SIM_X_HISTORY];
	uint32_t nhistory;
	uint64_t history_dropped;

	/* reachability */
	struct reach r;
	int garbage;
	uint64_t garbage_since;
	unsigned long garbage_line;
	oref *path;                /* the witness: path[0] held by root_name */
	uint32_t *hint;            /* where path[i] sits in path[i-1]'s references */
	uint32_t npath, cappath;
	uint32_t root_name;
	oref *holders;             /* garbage: the unreachable objects reaching it */
	uint32_t nholders, capholders;
	uint8_t *holding;          /* per handle: in holders[] */
	uint32_t capholding;

	struct gen_watch gw;
};

/* ---------------------------------------------------------------- */
/* The collectors */

struct collector_ops {
	const char *kind;
	/* After each step: what the collector did. */
	void (*observe)(struct sim_explainer *x, const struct sim *s,
			const struct sim_step *st);
	/* when (wait_gen >= 0: when that generation is collected), why no
	 * full collection, and the figures behind them. */
	void (*explain)(const struct sim_explainer *x, const struct sim *s,
			int wait_gen, struct sim_xcollector *out);
};

static void gen_observe(struct sim_explainer *x, const struct sim *s,
			const struct sim_step *st)
{
	struct gen_watch *w = &x->gw;

	(void)s;
	for (uint32_t i = 0; i < st->ncollections; i++) {
		const struct sim_collection *c = &st->collections[i];

		if (c->gen2_skipped) {
			w->braked++;
			w->braked_step = st->step;
			w->braked_pending = c->pending_before;
			w->braked_total = c->total_before;
			w->braked_count2 = c->count_before[2];
		}
		if (c->gen == 2) {
			memset(w, 0, sizeof(*w));
			w->had_full = 1;
			w->full_step = st->step;
			w->full_line = st->line;
			w->full_trigger = c->trigger;
		} else if (c->gen == 1) {
			w->gen1_since++;
		} else {
			w->gen0_since++;
		}
	}
}

static void fact(struct sim_xcollector *out, const char *key, int64_t value)
{
	if (out->nfacts < SIM_X_FACTS) {
		out->facts[out->nfacts].key = key;
		out->facts[out->nfacts].value = value;
		out->nfacts++;
	}
}

/* Appends to buf (of size sz) what fmt says. */
static void add(char *buf, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(char *buf, size_t sz, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= sz)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, sz - n, fmt, ap);
	va_end(ap);
}

static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

/* Collections of gen needed before the next automatic one of gen + 1. */
static long more_needed(long count, long threshold)
{
	return count > threshold ? 0 : threshold - count + 1;
}

static void gen_explain(const struct sim_explainer *x, const struct sim *s,
			int wait_gen, struct sim_xcollector *out)
{
	const struct gen_watch *w = &x->gw;
	long c[3], t[3];
	int64_t pending = s->long_lived_pending, total = s->long_lived_total;
	int automatic = s->enabled && s->gen[0].threshold != 0;

	for (int i = 0; i < 3; i++) {
		c[i] = s->gen[i].count;
		t[i] = s->gen[i].threshold;
	}
	static const char *const ckeys[3] = { "count0", "count1", "count2" };
	static const char *const tkeys[3] = { "threshold0", "threshold1", "threshold2" };
	for (int i = 0; i < 3; i++) {
		fact(out, ckeys[i], c[i]);
		fact(out, tkeys[i], t[i]);
	}
	fact(out, "long_lived_pending", pending);
	fact(out, "long_lived_total", total);
	fact(out, "enabled", s->enabled);
	fact(out, "full_collections", (int64_t)s->stats[2].collections);
	fact(out, "last_full_step", w->had_full ? (int64_t)w->full_step : -1);
	fact(out, "gen1_since_full", (int64_t)w->gen1_since);
	fact(out, "gen0_since_full", (int64_t)w->gen0_since);
	fact(out, "braked_since_full", (int64_t)w->braked);
	fact(out, "last_braked_step", w->braked ? (int64_t)w->braked_step : -1);

	const char *off = !s->enabled ? "automatic collections are off (gc disable), so only an explicit collect will" :
			  "threshold0 is 0, which turns automatic collections off, so only an explicit collect will";
	const char *when_run = s->prof->deferred_gc ?
		"at the end of the step that takes count0 past it" :
		"inside the allocation that takes count0 past it";

	if (wait_gen == SIM_GEN_PERMANENT) {
		snprintf(out->when, sizeof(out->when),
			 "no collection frees it while it is frozen, for none examines the permanent generation; gc unfreeze moves it to generation 2");
	} else if (wait_gen >= 0 && !automatic) {
		snprintf(out->when, sizeof(out->when), "%s (collect %d or older)", off, wait_gen);
	} else if (wait_gen == 0) {
		snprintf(out->when, sizeof(out->when),
			 "at the next automatic collection: count0 is %ld of threshold0 %ld, so after %ld more GC allocation%s (net of GC objects freed), %s; or at an explicit collect",
			 c[0], t[0], more_needed(c[0], t[0]), plural((uint64_t)more_needed(c[0], t[0])), when_run);
	} else if (wait_gen == 1) {
		long k = more_needed(c[1], t[1]);
		snprintf(out->when, sizeof(out->when),
			 "when an automatic collection finds count1 (%ld) above threshold1 (%ld): ",
			 c[1], t[1]);
		if (k)
			add(out->when, sizeof(out->when),
			    "after %ld more gen-0 collection%s (each when count0 passes threshold0 %ld; it is %ld now)",
			    k, plural((uint64_t)k), t[0], c[0]);
		else
			add(out->when, sizeof(out->when),
			    "the next one, once count0 (%ld) passes threshold0 (%ld)", c[0], t[0]);
		add(out->when, sizeof(out->when), "; or at an explicit collect 1 or collect 2");
	} else if (wait_gen == 2) {
		long k = more_needed(c[2], t[2]);
		snprintf(out->when, sizeof(out->when),
			 "when an automatic collection finds count2 (%ld) above threshold2 (%ld)",
			 c[2], t[2]);
		if (k)
			add(out->when, sizeof(out->when), ", after %ld more gen-1 collection%s,",
			    k, plural((uint64_t)k));
		add(out->when, sizeof(out->when),
		    " and the long-lived brake lets it: long_lived_pending (%lld) must be at least long_lived_total/4 (%lld/4 = %lld)",
		    (long long)pending, (long long)total, (long long)(total / 4));
		if (pending < total / 4)
			add(out->when, sizeof(out->when),
			    ", which needs %lld more objects surviving gen-1 collections",
			    (long long)(total / 4 - pending));
		add(out->when, sizeof(out->when), "; or at an explicit collect (collect 2)");
	}

	char *b = out->why_no_full;
	size_t bs = sizeof(out->why_no_full);
	if (w->had_full)
		snprintf(b, bs, "the last full collection ran at step %llu (line %lu, %s); since then ",
			 (unsigned long long)w->full_step, w->full_line,
			 w->full_trigger == SIM_TRIGGER_EXPLICIT ? "explicit" :
			 w->full_trigger == SIM_TRIGGER_THRESHOLD ? "automatic" : "--stress");
	else
		snprintf(b, bs, "no full collection has run yet; ");
	add(b, bs, "%llu gen-1 and %llu gen-0 collection%s ran, and count2 is %ld of threshold2 %ld",
	    (unsigned long long)w->gen1_since, (unsigned long long)w->gen0_since,
	    plural(w->gen0_since), c[2], t[2]);
	if (c[2] <= t[2])
		add(b, bs, ": an automatic full collection needs count2 above threshold2, %ld more gen-1 collection%s",
		    more_needed(c[2], t[2]), plural((uint64_t)more_needed(c[2], t[2])));
	else if (pending < total / 4)
		add(b, bs, ", but the long-lived brake holds: long_lived_pending %lld < long_lived_total/4 = %lld/4 = %lld",
		    (long long)pending, (long long)total, (long long)(total / 4));
	else
		add(b, bs, " and the brake is off (long_lived_pending %lld >= long_lived_total/4 = %lld): the next automatic collection is a full one",
		    (long long)pending, (long long)(total / 4));
	if (w->braked)
		add(b, bs, "; %llu automatic collection%s found generation 2 over its threshold and collected a younger generation instead, the last at step %llu (pending %lld < total/4 = %lld)",
		    (unsigned long long)w->braked, plural(w->braked),
		    (unsigned long long)w->braked_step, (long long)w->braked_pending,
		    (long long)(w->braked_total / 4));
	if (!automatic)
		add(b, bs, "; %s", off);
}

static const struct collector_ops generational = {
	"generational", gen_observe, gen_explain,
};

/*
 * 3.14.0-3.14.4's incremental collector has no automatic full collection:
 * each automatic one scans the young generation and an increment of the
 * old one, as far as work_to_do allows; a scavenge of the whole old
 * generation completes when its pending list is empty.  The watch reuses
 * gen_watch: a "full" is a completed scavenge, gen1_since the increments
 * since it.
 */
static void inc_observe(struct sim_explainer *x, const struct sim *s,
			const struct sim_step *st)
{
	struct gen_watch *w = &x->gw;

	(void)s;
	for (uint32_t i = 0; i < st->ncollections; i++) {
		const struct sim_collection *c = &st->collections[i];

		if (c->completed_scavenge || c->gen == 2) {
			memset(w, 0, sizeof(*w));
			w->had_full = 1;
			w->full_step = st->step;
			w->full_line = st->line;
			w->full_trigger = c->trigger;
		} else if (c->gen == 1) {
			w->gen1_since++;
		} else {
			w->gen0_since++;
		}
	}
}

static void inc_explain(const struct sim_explainer *x, const struct sim *s,
			int wait_gen, struct sim_xcollector *out)
{
	const struct gen_watch *w = &x->gw;
	struct sim_inc_state inc;
	long c0 = s->gen[0].count, t0 = s->gen[0].threshold;
	int automatic = s->enabled && t0 != 0;

	s->gc->inc_state(s, &inc);
	fact(out, "count0", c0);
	fact(out, "threshold0", t0);
	fact(out, "work_to_do", inc.work_to_do);
	fact(out, "phase", inc.phase);
	fact(out, "visited_space", inc.visited_space);
	fact(out, "heap_size", inc.heap_size);
	fact(out, "enabled", s->enabled);
	fact(out, "last_scavenge_step", w->had_full ? (int64_t)w->full_step : -1);
	fact(out, "increments_since_scavenge", (int64_t)w->gen1_since);

	if (wait_gen == SIM_GEN_PERMANENT)
		snprintf(out->when, sizeof(out->when),
			 "no collection frees it while it is frozen; gc unfreeze gives it back to the old generation");
	else if (wait_gen >= 0 && !automatic)
		snprintf(out->when, sizeof(out->when),
			 "automatic collections are off (%s), so only an explicit collect will",
			 s->enabled ? "threshold0 is 0" : "gc disable");
	else if (wait_gen == 0)
		snprintf(out->when, sizeof(out->when),
			 "at the next automatic collection, which scans the young generation: count0 is %ld of threshold0 %ld, so after %ld more, at the end of that step; or at an explicit collect",
			 c0, t0, more_needed(c0, t0));
	else if (wait_gen > 0)
		snprintf(out->when, sizeof(out->when),
			 "when an increment of the old generation takes in the whole cycle: each automatic collection (count0 %ld of threshold0 %ld) scans the young generation and, in phase COLLECT, as much of the old one as work_to_do (%lld now) allows; a scavenge ends when nothing is pending; or at an explicit collect 2 (collect 1 runs one increment)",
			 c0, t0, (long long)inc.work_to_do);

	char *b = out->why_no_full;
	size_t bs = sizeof(out->why_no_full);
	snprintf(b, bs, "the incremental collector runs no automatic full collection: it scavenges the old generation in increments; ");
	if (w->had_full)
		add(b, bs, "the last scavenge completed at step %llu (line %lu), and %llu increment%s and %llu young collection%s ran since",
		    (unsigned long long)w->full_step, w->full_line,
		    (unsigned long long)w->gen1_since, plural(w->gen1_since),
		    (unsigned long long)w->gen0_since, plural(w->gen0_since));
	else
		add(b, bs, "no scavenge has completed yet (%llu increment%s ran)",
		    (unsigned long long)w->gen1_since, plural(w->gen1_since));
	add(b, bs, "; phase %s, work_to_do %lld", inc.phase ? "COLLECT" : "MARK",
	    (long long)inc.work_to_do);
}

static const struct collector_ops incremental = {
	"incremental", inc_observe, inc_explain,
};

/* The collector of a profile: the one its operations table names. */
static const struct collector_ops *collector_of(const struct sim_profile *p)
{
	return p->gc == &gc_incremental || p->gc == &gc_incremental_0 ?
	       &incremental : &generational;
}

/* ---------------------------------------------------------------- */
/* History */

static int gen_of(int list)
{
	return list == LIST_NONE ? SIM_GEN_UNTRACKED :
	       list == LIST_PERMANENT ? SIM_GEN_PERMANENT : list;
}

/* h's generation now, as gc.get_objects(g) would list it. */
static int gen_now(const struct sim *s, oref h)
{
	if (s->objs[h].list == LIST_NONE)
		return SIM_GEN_UNTRACKED;
	return gen_of(s->gc->generation_of(s, h));
}

static void record(struct sim_explainer *x, enum sim_xevent_kind k,
		   const struct sim_step *st, int from, int to, int cgen)
{
	struct sim_xevent e = { k, st->step, st->line, from, to, cgen };

	if (x->nhistory == SIM_X_HISTORY) {
		/* Keep the first half; the second half slides. */
		memmove(&x->history[SIM_X_HISTORY / 2], &x->history[SIM_X_HISTORY / 2 + 1],
			(SIM_X_HISTORY / 2 - 1) * sizeof(e));
		x->nhistory--;
		x->history_dropped++;
	}
	x->history[x->nhistory++] = e;
}

static void born(struct sim_explainer *x, const struct sim *s, oref h,
		 const struct sim_step *st)
{
	x->known = 1;
	x->h = h;
	x->type = s->objs[h].type;
	x->dead = 0;
	x->alloc_step = st->step;
	x->alloc_line = st->line;
	memset(x->survived, 0, sizeof(x->survived));
	memset(x->last_survived, 0, sizeof(x->last_survived));
	x->nhistory = 0;
	x->history_dropped = 0;
	x->garbage = 0;
	x->npath = 0;
	x->list = LIST_NONE;
}

/* The collections of this step, as they met the object. */
static void follow_collections(struct sim_explainer *x, const struct sim *s,
			       const struct sim_event *ev, const struct sim_step *st,
			       int is_birth)
{
	int cur = x->list;
	int now = s->objs[x->h].list;

	/* Tracked during this step (a new object, a dict's first tracked
	 * item): a collection at the step's end (3.12+) sees it in gen 0. */
	if (cur == LIST_NONE && now != LIST_NONE && ev->op != SIM_OP_GC)
		cur = LIST_GEN0;
	if (is_birth)
		record(x, SIM_XE_BORN, st, -1, gen_of(cur), -1);
	for (uint32_t i = 0; i < st->ncollections; i++) {
		const struct sim_collection *c = &st->collections[i];

		if (is_birth && !c->deferred)
			continue; /* 3.11: inside the allocation, before it was tracked */
		if (cur == LIST_NONE || cur == LIST_PERMANENT || cur > c->gen)
			continue;
		x->survived[c->gen]++;
		x->last_survived[c->gen] = st->step;
		if (c->survivors_to != cur)
			record(x, SIM_XE_PROMOTED, st, cur, c->survivors_to, c->gen);
		cur = c->survivors_to;
		if (now == LIST_NONE) {
			/* untrack_tuples / untrack_dicts in this collection */
			record(x, SIM_XE_UNTRACKED, st, cur, -1, c->gen);
			cur = LIST_NONE;
			break;
		}
	}
	if (ev->op == SIM_OP_GC && ev->action == SIM_GC_FREEZE && x->list != LIST_NONE &&
	    now == LIST_PERMANENT && x->list != LIST_PERMANENT)
		record(x, SIM_XE_FROZEN, st, gen_of(x->list), 3, -1);
	if (ev->op == SIM_OP_GC && ev->action == SIM_GC_UNFREEZE && x->list == LIST_PERMANENT)
		record(x, SIM_XE_UNFROZEN, st, 3, 2, -1);
	if (!is_birth && x->list == LIST_NONE && now != LIST_NONE)
		record(x, SIM_XE_TRACKED, st, -1, now, -1);
	x->list = now;
}

/* ---------------------------------------------------------------- */
/* Reachability */

static int holds_at(const struct sim *s, oref u, oref v, uint32_t *hint)
{
	const struct obj *o = &s->objs[u];

	if (!sim_is_gc_type(o->type))
		return 0;
	if (*hint < o->u.r->len && o->u.r->v[*hint] == v)
		return 1;
	/* An item removed before it (a queue's pop) shifts it by one. */
	if (*hint > 0 && *hint - 1 < o->u.r->len && o->u.r->v[*hint - 1] == v) {
		(*hint)--;
		return 1;
	}
	for (uint32_t i = 0; i < o->u.r->len; i++)
		if (o->u.r->v[i] == v) {
			*hint = i;
			return 1;
		}
	return 0;
}

static int in_gc_garbage(const struct sim *s, oref h)
{
	for (uint32_t i = 0; i < s->ngc_garbage; i++)
		if (s->gc_garbage[i] == h)
			return 1;
	return 0;
}

static int witness_holds(struct sim_explainer *x, const struct sim *s)
{
	if (x->npath == 0 || x->path[x->npath - 1] != x->h || !x->root_name)
		return 0;
	if (names_obj(s->names, x->root_name) != x->path[0] ||
	    names_roots(s->names, x->root_name) == 0)
		return 0;
	for (uint32_t i = 1; i < x->npath; i++)
		if (!holds_at(s, x->path[i - 1], x->path[i], &x->hint[i]))
			return 0;
	return 1;
}

static void mark_holders(struct sim_explainer *x, const struct sim *s)
{
	for (uint32_t i = 0; i < x->nholders; i++)
		if (x->holders[i] < x->capholding)
			x->holding[x->holders[i]] = 0;
	x->nholders = reach_garbage_holders(&x->r, s, x->h, &x->holders, &x->capholders);
	if (x->capholding < s->capobjs) {
		x->holding = sim_xrealloc(x->holding, s->capobjs);
		memset(x->holding + x->capholding, 0, s->capobjs - x->capholding);
		x->capholding = s->capobjs;
	}
	for (uint32_t i = 0; i < x->nholders; i++)
		x->holding[x->holders[i]] = 1;
}

/* Mark again: a new witness, or garbage (since this step if it was not). */
static void remark(struct sim_explainer *x, const struct sim *s,
		   const struct sim_step *st)
{
	if (reach_mark(&x->r, s, x->h)) {
		uint32_t n = 0;

		for (oref v = x->h;; v = x->r.parent[v]) {
			n++;
			if (!x->r.parent[v])
				break;
		}
		if (n > x->cappath) {
			x->cappath = n;
			x->path = sim_xrealloc(x->path, n * sizeof(oref));
			x->hint = sim_xrealloc(x->hint, n * sizeof(uint32_t));
		}
		x->npath = n;
		for (oref v = x->h; n > 0; v = x->r.parent[v])
			x->path[--n] = v;
		x->root_name = x->r.root[x->path[0]];
		for (uint32_t i = 0; i < x->npath; i++)
			x->hint[i] = 0;
		if (x->garbage && st)
			record(x, SIM_XE_REACHABLE, st, -1, -1, -1);
		x->garbage = 0;
		return;
	}
	x->npath = 0;
	if (!x->garbage) {
		x->garbage = 1;
		x->garbage_since = st ? st->step : 0;
		x->garbage_line = st ? st->line : 0;
		if (st)
			record(x, SIM_XE_UNREACHABLE, st, -1, -1, -1);
	}
	mark_holders(x, s);
}

/* A reference taken to one of the garbage that reaches the object? */
static int touches_holders(const struct sim_explainer *x, const struct sim *s,
			   const struct sim_event *ev)
{
	const char *const *ids = ev->op == SIM_OP_PACK ? ev->items : NULL;
	const char *one = ev->dst ? ev->dst : ev->id;
	int n = ev->op == SIM_OP_PACK ? ev->nitems : ev->op == SIM_OP_REF;

	for (int i = 0; i < n; i++) {
		uint32_t ix = names_find(s->names, ids ? ids[i] : one);
		oref v = ix ? names_obj(s->names, ix) : 0;

		if (v && v < x->capholding && x->holding[v])
			return 1;
	}
	return 0;
}

static void follow_reach(struct sim_explainer *x, const struct sim *s,
			 const struct sim_event *ev, const struct sim_step *st)
{
	if (s->objs[x->h].flags & OF_CACHED)
		return;
	if (x->garbage ? touches_holders(x, s, ev) : !witness_holds(x, s))
		remark(x, s, st);
}

/* ---------------------------------------------------------------- */

sim_explainer *sim_explainer_new(const char *id)
{
	sim_explainer *x = sim_xcalloc(1, sizeof(*x));

	snprintf(x->id, sizeof(x->id), "%s", id);
	x->list = LIST_NONE;
	reach_init(&x->r);
	return x;
}

void sim_explainer_free(sim_explainer *x)
{
	if (!x)
		return;
	reach_release(&x->r);
	free(x->path);
	free(x->hint);
	free(x->holders);
	free(x->holding);
	free(x);
}

void sim_explainer_step(sim_explainer *x, const sim *s, const struct sim_event *ev,
			const struct sim_step *st)
{
	uint32_t ix = names_find(s->names, x->id);
	oref h = ix ? names_obj(s->names, ix) : 0;
	/* Bound in this step: by the event, or by a function's body (on
	 * ... bind) that the step ran. */
	int birth = ((ev->op == SIM_OP_ALLOC || ev->op == SIM_OP_PACK ||
		      ev->op == SIM_OP_WEAKREF) && strcmp(ev->id, x->id) == 0) ||
		    (!x->h && h);

	collector_of(s->prof)->observe(x, s, st);
	x->last_step = st->step;
	/* A cached object lives for good, even when the table forgets the
	 * ID that let go of it. */
	if (x->h && !birth && h != x->h && (s->objs[x->h].flags & OF_CACHED))
		h = x->h;
	if (x->h && !birth && h != x->h) {
		/* Its object was freed in this step. */
		x->dead = 1;
		x->died_step = st->step;
		x->died_line = st->line;
		x->died_by_collector = x->garbage && st->ncollections > 0;
		x->died_gen = st->ncollections ? st->collections[st->ncollections - 1].gen : -1;
		x->h = 0;
		return;
	}
	if (birth)
		born(x, s, h, st);
	if (!x->h)
		return;
	follow_collections(x, s, ev, st, birth);
	follow_reach(x, s, ev, st);
}

/* How u holds v, for the chain. */
static void link_of(const struct sim *s, oref u, oref v, struct sim_xlink *l)
{
	const struct obj *o = &s->objs[u];

	l->index = -1;
	switch (o->type) {
	case SIM_T_LIST:
	case SIM_T_TUPLE:
		l->via = "item";
		for (uint32_t i = 0; i < o->u.r->len; i++)
			if (o->u.r->v[i] == v) {
				l->index = i;
				break;
			}
		break;
	case SIM_T_SET:
		l->via = "member";
		break;
	case SIM_T_OBJECT:
	case SIM_T_DELOBJ:
	case SIM_T_LEGACYOBJ:
		l->via = o->dictobj ? "__dict__" : "attribute";
		break;
	default:
		l->via = "value";
		break;
	}
}

struct holder_scan {
	const struct sim *s;
	oref h;
	struct sim_explanation *e;
};

static void add_holder(struct sim_explanation *e, const char *id, int type, uint32_t count)
{
	if (e->nholders < SIM_X_HOLDERS)
		e->holders[e->nholders++] = (struct sim_xholder){ id, type, count };
	else
		e->more_holders++;
}

static void root_holder(void *arg, uint32_t ix)
{
	struct holder_scan *d = arg;

	if (names_obj(d->s->names, ix) == d->h && names_roots(d->s->names, ix))
		add_holder(d->e, names_str(d->s->names, ix), -1, names_roots(d->s->names, ix));
}

static void find_holders(const struct sim *s, oref h, struct sim_explanation *e)
{
	struct holder_scan d = { s, h, e };

	names_each(s->names, 0, root_holder, &d);
	for (oref u = s->objs[HEAD_REFCHAIN].rc_next; u != HEAD_REFCHAIN;
	     u = s->objs[u].rc_next) {
		const struct obj *o = &s->objs[u];
		uint32_t n = 0;

		if (!sim_is_gc_type(o->type))
			continue;
		for (uint32_t i = 0; i < o->u.r->len; i++)
			n += o->u.r->v[i] == h;
		if (n)
			add_holder(e, names_first(s, u),
				   o->type == OT_ATTRDICT ? SIM_T_DICT : o->type, n);
	}
}

static const char *cache_of(const struct obj *o)
{
	switch (o->type) {
	case SIM_T_INT:
		return "the small-int cache (-5..256)";
	case SIM_T_STR:
		if (o->flags & OF_INTERNED)
			return "the interned strings (its code object holds it)";
		return o->u.s && o->u.s->len == 0 ? "the empty-str singleton" :
						    "the latin-1 character cache";
	case SIM_T_BYTES:
		return o->u.s && o->u.s->len == 0 ? "the empty-bytes singleton" :
						    "the single-byte cache";
	case SIM_T_TUPLE:
		return "the empty-tuple singleton";
	default:
		return "the interpreter's singletons";
	}
}

static void why_tracked(const struct sim_explainer *x, const struct sim *s,
			const struct obj *o, struct sim_explanation *e)
{
	char *b = e->tracked_why;
	size_t bs = sizeof(e->tracked_why);
	uint64_t ustep = 0;
	int ugen = -1;

	for (uint32_t i = 0; i < x->nhistory; i++)
		if (x->history[i].kind == SIM_XE_UNTRACKED) {
			ustep = x->history[i].step;
			ugen = x->history[i].cgen;
		}
	if (!sim_is_gc_type(o->type)) {
		snprintf(b, bs, "%s is an atomic type, not a GC type: it can hold no reference, so the collector never tracks it",
			 sim_type_name((enum sim_type)o->type));
	} else if (o->flags & OF_CACHED) {
		snprintf(b, bs, "the empty tuple is a singleton, never tracked");
	} else if (o->list == LIST_PERMANENT) {
		snprintf(b, bs, "tracked, in the permanent generation (gc freeze): no collection examines it");
	} else if (o->list != LIST_NONE) {
		if (sim_is_dict(o->type) && !s->prof->dict_always_tracked)
			snprintf(b, bs, "tracked: a dict is tracked once it holds something that may be tracked (MAINTAIN_TRACKING)");
		else if (o->type == SIM_T_DICT)
			snprintf(b, bs, "tracked: from 3.14 every dict is tracked when created, and no collection untracks it");
		else if (o->type == SIM_T_TUPLE)
			snprintf(b, bs, "tracked: a tuple is tracked when created; a collection untracks it once it holds nothing that may be tracked");
		else
			snprintf(b, bs, "tracked: %s %s is tracked for its whole life",
				 o->type == SIM_T_OBJECT ? "an" : "a",
				 sim_type_name((enum sim_type)o->type));
	} else if (o->type == SIM_T_TUPLE) {
		if (ustep)
			snprintf(b, bs, "untracked by the gen-%d collection at step %llu: it holds nothing that may be tracked (untrack_tuples)",
				 ugen, (unsigned long long)ustep);
		else
			snprintf(b, bs, "untracked: it holds nothing that may be tracked (untrack_tuples)");
	} else if (ustep) {
		snprintf(b, bs, "untracked by the full collection at step %llu: a dict holding nothing that may be tracked (untrack_dicts)",
			 (unsigned long long)ustep);
	} else {
		snprintf(b, bs, "untracked: a dict is created untracked and is tracked only once it holds something that may be tracked (MAINTAIN_TRACKING)");
	}
}

static int clearable(int type)
{
	return type != SIM_T_TUPLE && sim_is_gc_type(type);
}

int sim_explain(sim_explainer *x, const sim *s, struct sim_explanation *e,
		struct sim_diag *diag)
{
	memset(e, 0, sizeof(*e));
	e->id = x->id;
	e->step = s->step_no;
	e->wait_gen = -1;
	e->gen = -1;
	e->died_gen = -1;
	if (!x->known)
		return sim_diag_set(diag, SIM_EUSAGE, "", 0, 0,
				    "unknown id '%s': nothing binds it up to step %llu",
				    x->id, (unsigned long long)s->step_no);
	e->alloc_step = x->alloc_step;
	e->alloc_line = x->alloc_line;
	e->type = x->type == OT_ATTRDICT ? SIM_T_DICT : x->type;
	memcpy(e->survived, x->survived, sizeof(e->survived));
	memcpy(e->last_survived, x->last_survived, sizeof(e->last_survived));
	memcpy(e->history, x->history, x->nhistory * sizeof(x->history[0]));
	e->nhistory = x->nhistory;
	e->history_dropped = x->history_dropped;
	if (x->dead) {
		e->state = SIM_X_DEAD;
		e->died_step = x->died_step;
		e->died_line = x->died_line;
		e->died_by_collector = x->died_by_collector;
		e->died_gen = x->died_gen;
		e->garbage_since = x->garbage ? x->garbage_since : 0;
		e->garbage_since_line = x->garbage ? x->garbage_line : 0;
		collector_of(s->prof)->explain(x, s, -1, &e->gc);
		e->gc.kind = collector_of(s->prof)->kind;
		return SIM_OK;
	}

	const struct obj *o = &s->objs[x->h];
	e->refcnt = o->refcnt;
	e->cached = (o->flags & OF_CACHED) != 0;
	e->immortal = (o->flags & OF_IMMORTAL) != 0;
	e->interned = (o->flags & OF_INTERNED) != 0;
	e->gen = gen_now(s, x->h);
	e->tracked = o->list != LIST_NONE;
	why_tracked(x, s, o, e);
	find_holders(s, x->h, e);

	if (e->cached) {
		e->state = SIM_X_CACHED;
		e->cache = cache_of(o);
	} else {
		/* Once more: the shortest chain now, or the garbage's extent. */
		remark(x, s, NULL);
		if (!x->garbage) {
			e->state = SIM_X_REACHABLE;
			e->nchain = x->npath;
			e->chain = sim_xcalloc(x->npath, sizeof(*e->chain));
			/* A chain from gc.garbage, or from a cache's object (the
			 * empty tuple holds nothing, so none yet), has no root ID. */
			e->root_id = x->root_name ? names_str(s->names, x->root_name) :
				     in_gc_garbage(s, x->path[0]) ? "gc.garbage" : "a cache";
			e->root_count = x->root_name ? names_roots(s->names, x->root_name) : 1;
			for (uint32_t i = 0; i < x->npath; i++) {
				const struct obj *p = &s->objs[x->path[i]];

				e->chain[i].id = names_first(s, x->path[i]);
				e->chain[i].type = p->type == OT_ATTRDICT ? SIM_T_DICT : p->type;
				if (i == 0) {
					e->chain[i].via = "root";
					e->chain[i].index = -1;
				} else {
					link_of(s, x->path[i - 1], x->path[i], &e->chain[i]);
				}
			}
		} else {
			int any_clearable = 0;

			e->state = SIM_X_GARBAGE;
			e->garbage_since = x->garbage_since;
			e->garbage_since_line = x->garbage_line;
			e->garbage_holders = x->nholders;
			for (uint32_t i = 0; i < x->nholders; i++) {
				const struct obj *p = &s->objs[x->holders[i]];
				int g = gen_now(s, x->holders[i]);

				if (g > e->wait_gen)
					e->wait_gen = g;
				any_clearable |= clearable(p->type);
			}
			e->unfreeable = !any_clearable;
		}
	}
	collector_of(s->prof)->explain(x, s, e->wait_gen, &e->gc);
	e->gc.kind = collector_of(s->prof)->kind;
	return SIM_OK;
}

void sim_explanation_release(struct sim_explanation *e)
{
	free(e->chain);
	e->chain = NULL;
	e->nchain = 0;
}
