/*
 * fmt_chrome.c - run's replay as Trace Event JSON, the format Perfetto
 * (ui.perfetto.dev) and chrome://tracing open.
 *
 * Time is the step: step N spans [N-1, N) microseconds.  Each collection
 * is a complete ("X") slice inside its step (a step's n collections share
 * it in order), with the collection's figures (the JSON object of run
 * --format jsonl) as args; a full collection the long-lived brake held
 * back is an instant ("i") event with the brake's numbers, and so is a
 * failed expect line.  Counters ("C") give the figures of report_series.h:
 * exactly at every collection (the counts as it starts, at its slice's
 * start, and everything right after its step), and between collections the value at the end of
 * each of at most 2048 buckets of steps (every step on short traces).  A
 * counter is written only when its value changed.  Slices are written as
 * the replay goes; counters at the end, each series in time order.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "report_series.h"
#include "reporter.h"

#define CHROME_MAX_MARKS 1000000

/* Counter tracks: a name and the figures it shows (several: stacked). */
static const struct {
	const char *name;
	int first, n;
} tracks[] = {
	{ "count0", SER_COUNT0, 1 },
	{ "count1", SER_COUNT1, 1 },
	{ "count2", SER_COUNT2, 1 },
	{ "threshold0", SER_T0, 1 },
	{ "threshold1", SER_T1, 1 },
	{ "threshold2", SER_T2, 1 },
	{ "generation sizes", SER_GEN0, 3 },
	{ "live objects", SER_LIVE, 1 },
	{ "tracked objects", SER_TRACKED, 1 },
	{ "cyclic garbage waiting", SER_GARBAGE, 1 },
	{ "free lists", SER_FL_LIST, 4 },
};

#define NTRACKS (sizeof(tracks) / sizeof(tracks[0]))

struct chrome {
	struct series se;
	int64_t shown[NTRACKS][4];    /* the values each track shows now */
	double shown_at[NTRACKS];
	int started[NTRACKS];
};

static void chrome_begin(struct reporter_out *o, const sim *s, const char *path)
{
	struct chrome *c = calloc(1, sizeof(*c));
	long t[3];

	if (!c) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	series_init(&c->se, CHROME_MAX_MARKS);
	o->state = c;
	sim_get_thresholds(s, t);
	fputs("{\"traceEvents\":[\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":", o->f);
	char title[1200];
	snprintf(title, sizeof(title), "gcsim %s: python %s, thresholds %ld/%ld/%ld", path,
		 sim_get_profile(s)->name, t[0], t[1], t[2]);
	json_string(o->f, title);
	fputs("}},\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,"
	      "\"args\":{\"name\":\"collections\"}}", o->f);
}

static void chrome_step(struct reporter_out *o, const sim *s, const struct sim_event *ev,
			const struct sim_step *st)
{
	struct chrome *c = o->state;

	(void)ev;
	series_step(&c->se, s, st);
	for (uint32_t k = 0; k < st->ncollections; k++) {
		const struct sim_collection *col = &st->collections[k];
		double n = st->ncollections;
		double ts = (double)(st->step - 1) + k / n;

		if (col->gen2_skipped)
			fprintf(o->f, ",\n{\"name\":\"gen2 skipped (long-lived brake)\",\"cat\":\"gc\","
				"\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":1,\"ts\":%.4f,\"args\":"
				"{\"step\":%" PRIu64 ",\"line\":%lu,\"count2\":%ld,\"threshold2\":%ld,"
				"\"long_lived_pending\":%" PRId64 ",\"long_lived_total\":%" PRId64 "}}",
				ts, st->step, st->line, col->count_before[2], col->threshold[2],
				col->pending_before, col->total_before);
		fprintf(o->f, ",\n{\"name\":\"gen%d collection\",\"cat\":\"gc\",\"ph\":\"X\","
			"\"pid\":1,\"tid\":1,\"ts\":%.4f,\"dur\":%.4f,\"args\":{\"step\":%" PRIu64
			",\"line\":%lu,\"collection\":", col->gen, ts, 1 / n, st->step, st->line);
		report_collection_json(o->f, col);
		fputs("}}", o->f);
	}
}

static void chrome_expect(struct reporter_out *o, const struct sim_event *ev, int ok,
			  const char *msg)
{
	struct chrome *c = o->state;

	if (ok)
		return;
	fprintf(o->f, ",\n{\"name\":\"expect failed\",\"cat\":\"expect\",\"ph\":\"i\","
		"\"s\":\"g\",\"pid\":1,\"tid\":1,\"ts\":%" PRIu64 ",\"args\":{\"line\":%lu,"
		"\"message\":", c->se.steps, ev->line);
	json_string(o->f, msg);
	fputs("}}", o->f);
}

/* Each track whose values differ from what it shows, at time ts. */
static void counters(FILE *f, struct chrome *c, double ts, const int64_t *v, int counts_only)
{
	for (size_t t = 0; t < NTRACKS; t++) {
		int first = tracks[t].first, n = tracks[t].n;

		if (counts_only && first > SER_COUNT2)
			break;
		if (c->started[t] && (ts <= c->shown_at[t] ||
				      memcmp(c->shown[t], v + first, (size_t)n * sizeof(*v)) == 0))
			continue;
		fprintf(f, ",\n{\"name\":\"%s\",\"ph\":\"C\",\"pid\":1,\"ts\":%.4f,\"args\":{",
			tracks[t].name, ts);
		for (int i = 0; i < n; i++)
			fprintf(f, "%s\"%s\":%" PRId64, i ? "," : "", series_names[first + i],
				v[first + i]);
		fputs("}}", f);
		memcpy(c->shown[t], v + first, (size_t)n * sizeof(*v));
		c->shown_at[t] = ts;
		c->started[t] = 1;
	}
}

static void chrome_end(struct reporter_out *o, const sim *s, uint64_t steps)
{
	struct chrome *c = o->state;
	struct sim_genstats g[3];
	struct sim_totals t;
	struct chrome quiet = { 0 };

	if (!c) {               /* --quiet: no steps, the summary only */
		c = &quiet;
		series_init(&c->se, 0);
		fputs("{\"traceEvents\":[\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,"
		      "\"args\":{\"name\":\"gcsim\"}}", o->f);
	}
	/* The samples in time order: buckets' ends and collections merged. */
	const struct series *se = &c->se;
	size_t m = 0;
	for (uint32_t b = 0; b <= se->nbuckets; b++) {
		double end = b < se->nbuckets ? (double)se->buckets[b].last_step : 1e300;

		for (; m < se->nmarks && (double)se->marks[m].step <= end; m++) {
			const struct series_mark *mk = &se->marks[m];
			int64_t before[SERIES_N];

			memcpy(before, mk->after, sizeof(before));
			for (int i = 0; i < 3; i++)
				before[SER_COUNT0 + i] = mk->c.count_before[i];
			/* inside the collection's slice: after the step before */
			counters(o->f, c, (double)(mk->step - 1) + (mk->k + 0.01) / mk->n,
				 before, 1);
			counters(o->f, c, (double)mk->step, mk->after, 0);
		}
		if (b < se->nbuckets)
			counters(o->f, c, end, se->buckets[b].last, 0);
	}
	sim_get_totals(s, &t);
	sim_get_stats(s, g);
	fprintf(o->f, "\n],\"otherData\":{\"python\":\"%s\","
		"\"steps\":%" PRIu64 ",\"step\":\"1 us\",\"collections\":[%" PRIu64 ",%" PRIu64
		",%" PRIu64 "],\"collected\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "],"
		"\"examined\":%" PRIu64 ",\"peak_live\":%" PRIu64 ",\"peak_tracked\":%" PRIu64
		",\"counter_bucket_steps\":%" PRIu64 ",\"collections_without_counters\":%" PRIu64
		"}}\n",
		sim_get_profile(s)->name, steps, g[0].collections, g[1].collections,
		g[2].collections, g[0].collected, g[1].collected, g[2].collected,
		t.examined, t.peak_live, t.peak_tracked, se->width, se->marks_dropped);
	series_release(&c->se);
	if (c != &quiet)
		free(c);
	o->state = NULL;
}

const struct reporter fmt_chrome = {
	.name = "chrome",
	.census = 1,
	.begin = chrome_begin,
	.step = chrome_step,
	.expect = chrome_expect,
	.end = chrome_end,
};
