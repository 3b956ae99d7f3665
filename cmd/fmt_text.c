/*
 * fmt_text.c - the text format: run's aligned step lines and summary,
 * check's PASS/FAIL lines, compare's table with a column per setting.
 */
#include <inttypes.h>
#include <string.h>

#include "common.h"
#include "reporter.h"

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

static void text_begin(struct reporter_out *o, const sim *s, const char *path)
{
	FILE *f = o->f;
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

static void text_step(struct reporter_out *o, const sim *s, const struct sim_event *ev,
		      const struct sim_step *st)
{
	FILE *f = o->f;
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

static void text_end(struct reporter_out *o, const sim *s, uint64_t steps)
{
	FILE *f = o->f;
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

static void text_file(struct reporter_out *o, const struct check_file *cf)
{
	const struct replay_result *res = cf->res;
	FILE *f = o->f;

	if (strcmp(cf->status, "pass") == 0) {
		/* A file that checks nothing is worth a line even with -q. */
		if (!o->quiet || !res->expect_lines)
			fprintf(f, "PASS  %s (%llu expectations, python %s)\n", cf->path,
				(unsigned long long)res->expects, res->python);
	} else if (strcmp(cf->status, "skip") == 0) {
		if (!o->quiet)
			fprintf(f, "SKIP  %s (%s)\n", cf->path, res->skipped);
	} else if (strcmp(cf->status, "fail") == 0 && !res->expect_lines) {
		fprintf(f, "FAIL  %s (no expectations; --strict)\n", cf->path);
	} else if (strcmp(cf->status, "fail") == 0) {
		fprintf(f, "FAIL  %s (%llu of %llu expectations failed, python %s)\n",
			cf->path, (unsigned long long)res->failed,
			(unsigned long long)res->expects, res->python);
		for (size_t k = 0; k < cf->nfails; k++)
			fprintf(f, "      %s:%lu: %s\n", cf->path, cf->fails[k].line,
				cf->fails[k].msg);
	} else {
		fprintf(f, "ERROR %s\n", cf->error);
	}
}

static void text_totals(struct reporter_out *o, unsigned passed, unsigned failed,
			unsigned skipped)
{
	if (skipped)
		fprintf(o->f, "%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	else
		fprintf(o->f, "%u passed, %u failed\n", passed, failed);
}

static void text_runs(struct reporter_out *o, const char *trace,
		      const struct setting_result *r, int n,
		      const struct sim_recorded *rec)
{
	char cell[64];

	fprintf(o->f, "%s: %" PRIu64 " steps\n\n", trace, r[0].steps);
	for (int row = 0; row < SUMMARY_ROWS; row++) {
		fprintf(o->f, "%-30s", summary_labels[row]);
		for (int i = 0; i < n; i++) {
			summary_cell(cell, sizeof(cell), row, &r[i]);
			fprintf(o->f, "  %20s", cell);
		}
		if (rec) {
			recorded_cell(cell, sizeof(cell), row, rec);
			fprintf(o->f, "  %20s", cell);
		}
		fputc('\n', o->f);
	}
	if (rec)
		fprintf(o->f, "\nrecorded: what the real interpreter's collector did while gcsim record ran\n"
			"(the trace's own python and thresholds), after event %" PRIu64 "\n",
			rec->after_event);
}

const struct reporter fmt_text = {
	.name = "text",
	.begin = text_begin,
	.step = text_step,
	.end = text_end,
	.file = text_file,
	.totals = text_totals,
	.runs = text_runs,
};
