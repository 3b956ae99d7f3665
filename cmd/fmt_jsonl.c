/*
 * fmt_jsonl.c - JSON lines: run's object per step (the keys of SPEC
 * section 5; with --changes only what changed) and summary object,
 * check's object per file and totals.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "reporter.h"

/*
 * The JSON lines of `run --changes`: the first step whole, then each step's
 * step, line and op and only the keys whose values differ from the
 * previous step's; freelist holds only its members that changed.
 */
struct json_changes {
	int started;
	long count[3];
	uint64_t gen_sizes[3];
	struct sim_freelist_sizes freelist;
	uint32_t ncollections;   /* the lists' lengths: a non-empty list, or */
	uint32_t nfreed;         /* an empty one after one, is a change */
	int64_t refcnt;          /* -1: null */
	struct sim_genstats stats[3];
	struct sim_inc_state inc;
};

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
		report_collection_json(f, &st->collections[i]);
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

static void json_step(FILE *f, const struct sim_event *ev, const struct sim_step *st)
{
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

static void remember(struct json_changes *c, const struct sim_step *st)
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

static void json_changes(FILE *f, struct json_changes *c,
			 const struct sim_event *ev, const struct sim_step *st)
{
	const struct sim_freelist_sizes *was = &c->freelist, *now = &st->freelist;
	int64_t refcnt = json_refcnt_value(st);
	const char *sep = "";

	if (!c->started) {
		json_step(f, ev, st);
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

static void jsonl_end(struct reporter_out *o, const sim *s, uint64_t steps)
{
	FILE *f = o->f;
	struct sim_totals t;
	struct sim_genstats g[3];
	struct live_dump d = { f, 0 };

	free(o->state);
	o->state = NULL;

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

static void jsonl_begin(struct reporter_out *o, const sim *s, const char *path)
{
	(void)s;
	(void)path;
	if (o->changes && !(o->state = calloc(1, sizeof(struct json_changes)))) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
}

static void jsonl_step(struct reporter_out *o, const sim *s, const struct sim_event *ev,
		       const struct sim_step *st)
{
	(void)s;
	if (o->state)
		json_changes(o->f, o->state, ev, st);
	else
		json_step(o->f, ev, st);
}

static void jsonl_file(struct reporter_out *o, const struct check_file *cf)
{
	const struct replay_result *res = cf->res;
	FILE *f = o->f;

	fprintf(f, "{\"file\":");
	json_string(f, cf->path);
	fprintf(f, ",\"status\":\"%s\",\"python\":\"%s\",\"steps\":%llu,\"expects\":%llu,\"failed\":%llu,\"failures\":[",
		cf->status, res->python, (unsigned long long)res->steps,
		(unsigned long long)res->expects, (unsigned long long)res->failed);
	for (size_t k = 0; k < cf->nfails; k++) {
		fprintf(f, "%s{\"line\":%lu,\"message\":", k ? "," : "", cf->fails[k].line);
		json_string(f, cf->fails[k].msg);
		fputc('}', f);
	}
	fprintf(f, "]");
	if (cf->error[0]) {
		fprintf(f, ",\"error\":");
		json_string(f, cf->error);
	}
	if (res->skipped[0]) {
		fprintf(f, ",\"reason\":");
		json_string(f, res->skipped);
	} else if (strcmp(cf->status, "fail") == 0 && !res->expect_lines) {
		fprintf(f, ",\"reason\":\"no expectations (--strict)\"");
	}
	fprintf(f, "}\n");
}

static void jsonl_totals(struct reporter_out *o, unsigned passed, unsigned failed,
			 unsigned skipped)
{
	fprintf(o->f, "{\"passed\":%u,\"failed\":%u,\"skipped\":%u}\n", passed, failed,
		skipped);
}

const struct reporter fmt_jsonl = {
	.name = "jsonl",
	.begin = jsonl_begin,
	.step = jsonl_step,
	.end = jsonl_end,
	.file = jsonl_file,
	.totals = jsonl_totals,
};
