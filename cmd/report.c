/*
 * report.c - the text and JSON forms of a replay.
 *
 * JSON is written by hand rather than through cJSON: a replay may print
 * millions of steps, and every string it prints is an ID (letters, digits
 * and _ . : -), which needs no escaping.
 */
#include <inttypes.h>
#include <string.h>

#include "common.h"
#include "report.h"

static const char *plural(long n) { return n == 1 ? "" : "s"; }

static const char *trigger_name(enum sim_trigger t)
{
	switch (t) {
	case SIM_TRIGGER_EXPLICIT: return "explicit";
	case SIM_TRIGGER_THRESHOLD: return "threshold";
	default: return "stress";
	}
}

/* A collection of 3.14.0-3.14.4's incremental collector. */
static void incremental_text(char *buf, size_t sz, const struct sim_collection *c)
{
	static const char *const what[] = { "young collection", "increment",
					    "full collection" };
	size_t n = 0;
#define PUT(...) do { if (n < sz) n += (size_t)snprintf(buf + n, sz - n, __VA_ARGS__); } while (0)
	PUT("gen%d %s", c->gen, what[c->gen]);
	if (c->trigger == SIM_TRIGGER_THRESHOLD)
		PUT(" (young count %ld > %ld, run at the step's end)",
		    c->count_before[0], c->threshold[0]);
	else
		PUT(" (%s collect %d)", c->trigger == SIM_TRIGGER_EXPLICIT ?
		    "explicit" : "stress", c->gen);
	if (c->inc_skipped) {
		PUT(": work_to_do %" PRId64 " < 0, nothing done, not counted",
		    c->work_before);
	} else if (c->mark_only) {
		PUT(": phase MARK, roots marked (none: held from C), work_to_do %"
		    PRId64 ", not counted", c->work_after);
	} else {
		PUT(": examined %" PRIu64 ", unreachable %" PRIu64 ", collected %"
		    PRIu64 "; %" PRIu64 " survivor%s -> visited", c->examined,
		    c->unreachable, c->collected, c->survivors,
		    plural((long)c->survivors));
		if (c->gen == 1)
			PUT("; work_to_do %" PRId64 " -> %" PRId64, c->work_before,
			    c->work_after);
	}
	if (c->untracked_tuples)
		PUT(", %" PRIu64 " tuple%s untracked", c->untracked_tuples,
		    plural((long)c->untracked_tuples));
	if (c->completed_scavenge)
		PUT("; scavenge completed");
	if (c->freelists_cleared)
		PUT("; free lists cleared");
#undef PUT
}

void report_collection_text(char *buf, size_t sz, const struct sim_collection *c)
{
	size_t n = 0;
	if (c->incremental) {
		incremental_text(buf, sz, c);
		return;
	}
#define PUT(...) do { if (n < sz) n += (size_t)snprintf(buf + n, sz - n, __VA_ARGS__); } while (0)
	if (c->gen2_skipped)
		PUT("gen2 skipped: count2 %ld > %ld but long_lived_pending %" PRId64
		    " < long_lived_total %" PRId64 "/4; ",
		    c->count_before[2], c->threshold[2], c->pending_before, c->total_before);
	PUT("gen%d collection", c->gen);
	if (c->trigger == SIM_TRIGGER_THRESHOLD) {
		PUT(" (count%d %ld > %ld%s)", c->gen, c->count_before[c->gen],
		    c->threshold[c->gen], c->deferred ? ", run at the step's end" :
		    ", run inside the allocation");
	} else if (c->trigger == SIM_TRIGGER_EXPLICIT) {
		PUT(" (explicit collect %d)", c->gen);
	} else {
		PUT(" (stress)");
	}
	PUT(": examined %" PRIu64 ", unreachable %" PRIu64 ", collected %" PRIu64,
	    c->examined, c->unreachable, c->collected);
	if (c->freed != c->collected)
		PUT(" (%" PRIu64 " freed)", c->freed);
	if (c->gen < 2)
		PUT("; %" PRIu64 " survivor%s -> gen%d", c->survivors,
		    plural((long)c->survivors), c->survivors_to);
	else
		PUT("; %" PRIu64 " survivor%s stay in gen2", c->survivors,
		    plural((long)c->survivors));
	if (c->untracked_tuples)
		PUT(", %" PRIu64 " tuple%s untracked", c->untracked_tuples,
		    plural((long)c->untracked_tuples));
	if (c->untracked_dicts)
		PUT(", %" PRIu64 " dict%s untracked", c->untracked_dicts,
		    plural((long)c->untracked_dicts));
	if (c->gen == 1)
		PUT("; long_lived_pending %" PRId64, c->pending_after);
	if (c->gen == 2)
		PUT("; long_lived_total %" PRId64 ", pending 0", c->total_after);
	if (c->freelists_cleared)
		PUT("; free lists cleared");
#undef PUT
}

static const char *hit_name(int type, long cls)
{
	switch (cls) {
	case 1: return "small-int cache hit";
	case 2: return "latin-1 character cache hit";
	case 3: return "single-byte cache hit";
	default:
		switch (type) {
		case SIM_T_NONE: return "None singleton";
		case SIM_T_BOOL: return "bool singleton";
		case SIM_T_STR: return "empty str singleton";
		case SIM_T_BYTES: return "empty bytes singleton";
		default: return "empty tuple singleton";
		}
	}
}

static void type_label(char *buf, size_t sz, int type, long n)
{
	if (type == SIM_T_TUPLE && n > 0)
		snprintf(buf, sz, "tuple of %ld", n);
	else
		snprintf(buf, sz, "%s", sim_type_name((enum sim_type)type));
}

/* The step's effects as short phrases; runs of the same one are counted. */
static void effects_text(char *buf, size_t sz, const struct sim_step *st)
{
	size_t n = 0;
	char t[48];
#define PUT(...) do { if (n < sz) n += (size_t)snprintf(buf + n, sz - n, __VA_ARGS__); } while (0)
	buf[0] = '\0';
	for (uint32_t i = 0; i < st->neffects; i++) {
		const struct sim_effect *e = &st->effects[i];
		uint32_t j = i;
		while (j + 1 < st->neffects && st->effects[j + 1].kind == e->kind &&
		       st->effects[j + 1].type == e->type && st->effects[j + 1].n == e->n)
			j++;
		long run = (long)(j - i + 1);
		const struct sim_effect *last = &st->effects[j];
		if (n)
			PUT("; ");
		type_label(t, sizeof(t), e->type, e->n);
		switch (e->kind) {
		case SIM_FX_CACHE_HIT: PUT("%s", hit_name(e->type, e->n)); break;
		case SIM_FX_INTERNED: PUT("interned str reused"); break;
		case SIM_FX_NEW:
			if (e->type == SIM_T_STR && e->n == 1)
				PUT("new interned str");
			else if (e->type >= SIM_T_TUPLE)
				PUT("new %s (count0 +1)", t);
			else
				PUT("new %s", t);
			break;
		case SIM_FX_FREELIST_POP:
			PUT("%s from free list (%ld left)", t, last->left);
			break;
		case SIM_FX_FREELIST_PUSH:
			if (run > 1)
				PUT("%ld x %s to free list (now %ld)", run, t, last->left);
			else
				PUT("%s to free list (now %ld)", t, last->left);
			break;
		case SIM_FX_TRACKED: PUT("dict now tracked"); break;
		case SIM_FX_MATERIALIZED: PUT("instance __dict__ materialized (shared keys full)"); break;
		case SIM_FX_SET_DUPLICATE: PUT("equal member already in set: no new reference"); break;
		case SIM_FX_GC_SCHEDULED:
			PUT("count0 %ld > %ld: collection scheduled for the step's end", e->n, st->threshold[0]);
			break;
		}
		i = j;
	}
	if (st->nfreed || st->freed_anon) {
		if (n)
			PUT("; ");
		PUT("freed");
		uint32_t shown = st->nfreed < 8 ? st->nfreed : 8;
		for (uint32_t k = 0; k < shown; k++)
			PUT("%s %s", k ? "," : "", st->freed[k]);
		if (st->nfreed > shown)
			PUT(" (+%u more)", st->nfreed - shown);
		if (st->freed_anon)
			PUT("%s%" PRIu64 " unnamed", st->nfreed ? " +" : " ", st->freed_anon);
	}
#undef PUT
}

void report_text_header(FILE *f, const sim *s, const char *path)
{
	const struct sim_profile *p = sim_get_profile(s);

	long t[3];

	sim_get_thresholds(s, t);
	fprintf(f, "# %s under python %s (%s), thresholds %ld/%ld/%ld\n", path,
		p->name, p->versions, t[0], t[1], t[2]);
	fprintf(f, "%6s %5s  %-30s %8s  %-14s %s\n", "step", "line", "event",
		"refcnt", "count", "notes");
}

static void refcnt_text(char *buf, size_t sz, const struct sim_step *st)
{
	if (!st->has_refcnt)
		snprintf(buf, sz, "-");
	else if (!st->alive)
		snprintf(buf, sz, "freed");
	else if (st->immortal)
		snprintf(buf, sz, "immortal");
	else
		snprintf(buf, sz, "%" PRId64 "%s", st->refcnt, st->cached ? "*" : "");
}

void report_text_step(FILE *f, const sim *s, const struct sim_event *ev,
		      const struct sim_step *st)
{
	char evt[128], rc[32], cnt[40], notes[1024];

	(void)s;
	format_event(evt, sizeof(evt), ev);
	refcnt_text(rc, sizeof(rc), st);
	snprintf(cnt, sizeof(cnt), "%ld %ld %ld", st->count[0], st->count[1], st->count[2]);
	effects_text(notes, sizeof(notes), st);
	fprintf(f, "%6" PRIu64 " %5lu  %-30s %8s  %-14s %s\n", st->step, st->line,
		evt, rc, cnt, notes);
	for (uint32_t i = 0; i < st->ncollections; i++) {
		char c[600];
		report_collection_text(c, sizeof(c), &st->collections[i]);
		fprintf(f, "%14s-> %s\n", "", c);
	}
}

void report_text_summary(FILE *f, const sim *s, uint64_t steps)
{
	struct sim_totals t;
	struct sim_genstats g[3];
	const struct sim_profile *p = sim_get_profile(s);

	sim_get_totals(s, &t);
	sim_get_stats(s, g);
	fprintf(f, "summary: %" PRIu64 " steps under python %s\n", steps, p->name);
	fprintf(f, "  collections  gen0 %" PRIu64 ", gen1 %" PRIu64 ", gen2 %" PRIu64
		"; collected %" PRIu64 "/%" PRIu64 "/%" PRIu64 "\n",
		g[0].collections, g[1].collections, g[2].collections,
		g[0].collected, g[1].collected, g[2].collected);
	fprintf(f, "  work         %" PRIu64 " objects examined, largest collection %" PRIu64 "\n",
		t.examined, t.max_examined);
	fprintf(f, "  objects      %" PRIu64 " allocs, %" PRIu64 " freed by refcount, %" PRIu64
		" freed by the collector, %" PRIu64 " live (peak %" PRIu64 "), peak tracked %" PRIu64 "\n",
		t.allocs, t.freed_refcount, t.freed_gc, t.live, t.peak_live, t.peak_tracked);
	fprintf(f, "  reuse        %" PRIu64 " cache hits, %" PRIu64 " free-list reuses\n",
		t.cache_hits, t.freelist_reuses);
}

static void json_collection(FILE *f, const struct sim_collection *c)
{
	char why[600];

	report_collection_text(why, sizeof(why), c);
	fprintf(f, "{\"gen\":%d,\"trigger\":\"%s\",\"collected\":%" PRIu64
		",\"uncollectable\":%" PRIu64 ",\"examined\":%" PRIu64
		",\"unreachable\":%" PRIu64 ",\"freed\":%" PRIu64
		",\"survivors\":%" PRIu64 ",\"survivors_to\":%d"
		",\"untracked_tuples\":%" PRIu64 ",\"untracked_dicts\":%" PRIu64
		",\"deferred\":%s,\"gen2_skipped\":%s,\"count_before\":[%ld,%ld,%ld]"
		",\"long_lived_pending\":%" PRId64 ",\"long_lived_total\":%" PRId64
		",\"freelists_cleared\":%s,\"reason\":\"%s\"}",
		c->gen, trigger_name(c->trigger), c->collected, c->uncollectable,
		c->examined, c->unreachable, c->freed, c->survivors, c->survivors_to,
		c->untracked_tuples, c->untracked_dicts,
		c->deferred ? "true" : "false", c->gen2_skipped ? "true" : "false",
		c->count_before[0], c->count_before[1], c->count_before[2],
		c->pending_after, c->total_after,
		c->freelists_cleared ? "true" : "false", why);
}

static void json_counts(FILE *f, const struct sim_step *st)
{
	fprintf(f, ",\"count\":[%ld,%ld,%ld]", st->count[0], st->count[1], st->count[2]);
}

static void json_gen_sizes(FILE *f, const struct sim_step *st)
{
	fprintf(f, ",\"gen_sizes\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]",
		st->gen_sizes[0], st->gen_sizes[1], st->gen_sizes[2]);
}

static void json_tuple_freelists(FILE *f, const struct sim_freelist_sizes *fl)
{
	fputs("\"tuple\":[", f);
	for (int i = 0; i < SIM_TUPLE_FREELISTS; i++)
		fprintf(f, "%s%ld", i ? "," : "", fl->tuple[i]);
	fputc(']', f);
}

static void json_collections(FILE *f, const struct sim_step *st)
{
	fputs(",\"collections\":[", f);
	for (uint32_t i = 0; i < st->ncollections; i++) {
		if (i)
			fputc(',', f);
		json_collection(f, &st->collections[i]);
	}
	fputc(']', f);
}

/* The refcount as the JSON shows it; -1: null (no object, or freed). */
static int64_t json_refcnt_value(const struct sim_step *st)
{
	if (!st->has_refcnt || !st->alive)
		return -1;
	return st->immortal ? (int64_t)SIM_IMMORTAL_REFCNT : st->refcnt;
}

static void json_refcnt(FILE *f, int64_t v)
{
	if (v < 0)
		fputs(",\"refcnt\":null", f);
	else
		fprintf(f, ",\"refcnt\":%" PRId64, v);
}

static void json_freed(FILE *f, const struct sim_step *st)
{
	fputs(",\"freed\":[", f);
	for (uint32_t i = 0; i < st->nfreed; i++)
		fprintf(f, "%s\"%s\"", i ? "," : "", st->freed[i]);
	fputc(']', f);
}

static void json_stats(FILE *f, const struct sim_genstats *g)
{
	fprintf(f, ",\"stats\":[[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "],[%" PRIu64 ",%" PRIu64
		",%" PRIu64 "],[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]]",
		g[0].collections, g[0].collected, g[0].uncollectable,
		g[1].collections, g[1].collected, g[1].uncollectable,
		g[2].collections, g[2].collected, g[2].uncollectable);
}

/* The incremental collector's state, under profiles that have one. */
static void json_inc(FILE *f, const struct sim_step *st)
{
	if (st->has_inc)
		fprintf(f, ",\"inc\":{\"work_to_do\":%" PRId64 ",\"phase\":%d"
			",\"visited_space\":%d,\"heap_size\":%" PRId64 "}",
			st->inc.work_to_do, st->inc.phase, st->inc.visited_space,
			st->inc.heap_size);
}

void report_json_step(FILE *f, const sim *s, const struct sim_event *ev,
		      const struct sim_step *st)
{
	(void)s;
	fprintf(f, "{\"step\":%" PRIu64 ",\"line\":%lu,\"op\":\"%s\"",
		st->step, st->line, sim_op_name(ev->op));
	json_counts(f, st);
	json_gen_sizes(f, st);
	fprintf(f, ",\"freelist\":{\"list\":%ld,\"dict\":%ld,\"float\":%ld,",
		st->freelist.list, st->freelist.dict, st->freelist.flt);
	json_tuple_freelists(f, &st->freelist);
	fputc('}', f);
	json_collections(f, st);
	json_refcnt(f, json_refcnt_value(st));
	json_freed(f, st);
	json_stats(f, st->stats);
	json_inc(f, st);
	fputs("}\n", f);
}

static void remember(struct report_json_changes *c, const struct sim_step *st)
{
	c->started = 1;
	memcpy(c->count, st->count, sizeof(c->count));
	memcpy(c->gen_sizes, st->gen_sizes, sizeof(c->gen_sizes));
	c->freelist = st->freelist;
	c->ncollections = st->ncollections;
	c->refcnt = json_refcnt_value(st);
	c->nfreed = st->nfreed;
	memcpy(c->stats, st->stats, sizeof(c->stats));
	c->inc = st->inc;
}

static int stats_differ(const struct sim_genstats *a, const struct sim_genstats *b)
{
	for (int i = 0; i < 3; i++)
		if (a[i].collections != b[i].collections || a[i].collected != b[i].collected ||
		    a[i].uncollectable != b[i].uncollectable)
			return 1;
	return 0;
}

void report_json_changes(FILE *f, struct report_json_changes *c,
			 const struct sim_event *ev, const struct sim_step *st)
{
	const struct sim_freelist_sizes *was = &c->freelist, *now = &st->freelist;
	int64_t refcnt = json_refcnt_value(st);
	const char *sep = "";

	if (!c->started) {
		report_json_step(f, NULL, ev, st);
		remember(c, st);
		return;
	}
	fprintf(f, "{\"step\":%" PRIu64 ",\"line\":%lu,\"op\":\"%s\"",
		st->step, st->line, sim_op_name(ev->op));
	if (memcmp(c->count, st->count, sizeof(c->count)) != 0)
		json_counts(f, st);
	if (memcmp(c->gen_sizes, st->gen_sizes, sizeof(c->gen_sizes)) != 0)
		json_gen_sizes(f, st);
	if (memcmp(was, now, sizeof(*now)) != 0) {
		fputs(",\"freelist\":{", f);
		if (was->list != now->list)
			fprintf(f, "%s\"list\":%ld", sep, now->list), sep = ",";
		if (was->dict != now->dict)
			fprintf(f, "%s\"dict\":%ld", sep, now->dict), sep = ",";
		if (was->flt != now->flt)
			fprintf(f, "%s\"float\":%ld", sep, now->flt), sep = ",";
		if (memcmp(was->tuple, now->tuple, sizeof(now->tuple)) != 0) {
			fputs(sep, f);
			json_tuple_freelists(f, now);
		}
		fputc('}', f);
	}
	if (st->ncollections || c->ncollections)
		json_collections(f, st);
	if (refcnt != c->refcnt)
		json_refcnt(f, refcnt);
	if (st->nfreed || c->nfreed)
		json_freed(f, st);
	if (stats_differ(c->stats, st->stats))
		json_stats(f, st->stats);
	if (st->has_inc && memcmp(&c->inc, &st->inc, sizeof(st->inc)) != 0)
		json_inc(f, st);
	fputs("}\n", f);
	remember(c, st);
}

struct live_dump {
	FILE *f;
	int n;
};

static void dump_live(void *arg, const char *id, int type, int64_t refcnt, int exact)
{
	struct live_dump *d = arg;

	(void)type;
	if (!exact)
		return;
	fprintf(d->f, "%s\"%s\":%" PRId64, d->n++ ? "," : "", id, refcnt);
}

void report_json_summary(FILE *f, const sim *s, uint64_t steps)
{
	struct sim_totals t;
	struct sim_genstats g[3];
	struct live_dump d = { f, 0 };

	sim_get_totals(s, &t);
	sim_get_stats(s, g);
	fprintf(f, "{\"summary\":{\"python\":\"%s\",\"steps\":%" PRIu64
		",\"collections\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]"
		",\"collected\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]"
		",\"examined\":%" PRIu64 ",\"max_examined\":%" PRIu64
		",\"allocs\":%" PRIu64 ",\"freed_refcount\":%" PRIu64 ",\"freed_gc\":%" PRIu64
		",\"live_objects\":%" PRIu64 ",\"peak_live\":%" PRIu64 ",\"peak_tracked\":%" PRIu64
		",\"cache_hits\":%" PRIu64 ",\"freelist_reuses\":%" PRIu64 ",\"live\":{",
		sim_get_profile(s)->name, steps,
		g[0].collections, g[1].collections, g[2].collections,
		g[0].collected, g[1].collected, g[2].collected,
		t.examined, t.max_examined, t.allocs, t.freed_refcount, t.freed_gc,
		t.live, t.peak_live, t.peak_tracked, t.cache_hits, t.freelist_reuses);
	sim_each_name(s, dump_live, &d);
	fputs("}}}\n", f);
}
