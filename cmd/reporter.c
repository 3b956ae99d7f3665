/*
 * reporter.c - the table of output formats, the one --format parser, and
 * what several formats write alike: a collection as a sentence and as a
 * JSON object, and the rows of the settings table.
 *
 * JSON is written by hand rather than through cJSON: a replay may print
 * millions of steps, and every string it prints is an ID (letters, digits
 * and _ . : -), which needs no escaping.
 */
#include <inttypes.h>
#include <string.h>

#include "common.h"
#include "reporter.h"

static const char *plural(long n) { return n == 1 ? "" : "s"; }

const char *report_trigger_name(enum sim_trigger t)
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

void report_collection_json(FILE *f, const struct sim_collection *c)
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
		",\"freelists_cleared\":%s,\"reason\":\"%s\"",
		c->gen, report_trigger_name(c->trigger), c->collected, c->uncollectable,
		c->examined, c->unreachable, c->freed, c->survivors, c->survivors_to,
		c->untracked_tuples, c->untracked_dicts,
		c->deferred ? "true" : "false", c->gen2_skipped ? "true" : "false",
		c->count_before[0], c->count_before[1], c->count_before[2],
		c->pending_after, c->total_after,
		c->freelists_cleared ? "true" : "false", why);
	if (c->incremental)
		fprintf(f, ",\"incremental\":{\"mark_only\":%s,\"work_skipped\":%s"
			",\"work_before\":%" PRId64 ",\"work_after\":%" PRId64
			",\"completed_scavenge\":%s}",
			c->mark_only ? "true" : "false", c->inc_skipped ? "true" : "false",
			c->work_before, c->work_after,
			c->completed_scavenge ? "true" : "false");
	fputc('}', f);
}

/*
 * Every format, and the kinds of output it writes: a kind is written by a
 * format whose hooks for it are set.
 */
static const struct reporter *const reporters[] = {
	&fmt_text, &fmt_jsonl, &fmt_csv, &fmt_json, &fmt_chrome,
};

#define NREPORTERS (sizeof(reporters) / sizeof(reporters[0]))

static int writes(const struct reporter *r, enum reporter_kind kind)
{
	switch (kind) {
	case REP_STEPS: return r->step != NULL;
	case REP_FILES: return r->file != NULL;
	default: return r->runs != NULL;
	}
}

const struct reporter *reporter_find(const char *cmd, enum reporter_kind kind,
				     const char *arg)
{
	const struct reporter *fit[NREPORTERS];
	const char *names[NREPORTERS];
	size_t n = 0;

	for (size_t i = 0; i < NREPORTERS; i++) {
		if (writes(reporters[i], kind)) {
			fit[n] = reporters[i];
			names[n++] = reporters[i]->name;
		}
	}
	int k = format_choice(cmd, arg, names, n);
	return k < 0 ? NULL : fit[k];
}

double setting_mean_wait(const struct setting_result *r)
{
	return r->garbage.collected ?
		(double)r->garbage.wait_total / (double)r->garbage.collected : 0.0;
}

const char *setting_census_kind(const struct setting_result *r)
{
	return r->garbage.max_interval <= 1 ? "exact" : "sampled";
}

const char *const summary_labels[SUMMARY_ROWS] = {
	"setting",
	"collections gen0/gen1/gen2",
	"collected gen0/gen1/gen2",
	"objects examined (work)",
	"largest collection (pause)",
	"freed by the collector",
	"freed by refcount",
	"peak live objects",
	"peak tracked objects",
	"peak bytes (estimate)",
	"cyclic garbage collected",
	"  mean / max wait (steps)",
	"  peak waiting (objects)",
	"  waiting x steps",
	"  census",
};

void summary_cell(char *buf, size_t sz, int row, const struct setting_result *r)
{
	const struct sim_totals *t = &r->totals;
	const struct sim_garbage *g = &r->garbage;

	switch (row) {
	case 0:
		snprintf(buf, sz, "%s %ld/%ld/%ld", r->python, r->threshold[0],
			 r->threshold[1], r->threshold[2]);
		break;
	case 1:
		snprintf(buf, sz, "%" PRIu64 "/%" PRIu64 "/%" PRIu64, r->stats[0].collections,
			 r->stats[1].collections, r->stats[2].collections);
		break;
	case 2:
		snprintf(buf, sz, "%" PRIu64 "/%" PRIu64 "/%" PRIu64, r->stats[0].collected,
			 r->stats[1].collected, r->stats[2].collected);
		break;
	case 3: snprintf(buf, sz, "%" PRIu64, t->examined); break;
	case 4: snprintf(buf, sz, "%" PRIu64, t->max_examined); break;
	case 5: snprintf(buf, sz, "%" PRIu64, t->freed_gc); break;
	case 6: snprintf(buf, sz, "%" PRIu64, t->freed_refcount); break;
	case 7: snprintf(buf, sz, "%" PRIu64, t->peak_live); break;
	case 8: snprintf(buf, sz, "%" PRIu64, t->peak_tracked); break;
	case 9: snprintf(buf, sz, "%.1f KiB", (double)t->peak_bytes / 1024.0); break;
	case 10: snprintf(buf, sz, "%" PRIu64, g->collected); break;
	case 11:
		snprintf(buf, sz, "%.1f / %" PRIu64, setting_mean_wait(r), g->wait_max);
		break;
	case 12: snprintf(buf, sz, "%" PRIu64, g->peak_waiting); break;
	case 13: snprintf(buf, sz, "%.0f", g->waiting_steps); break;
	default:
		snprintf(buf, sz, "%s (gap <= %" PRIu64 ")", setting_census_kind(r),
			 g->max_interval);
		break;
	}
}

void recorded_cell(char *buf, size_t sz, int row, const struct sim_recorded *rec)
{
	const uint64_t *v = row == 1 ? rec->collections : rec->collected;

	if (row == 0)
		snprintf(buf, sz, "recorded");
	else if (row <= 2)
		snprintf(buf, sz, "%" PRIu64 "/%" PRIu64 "/%" PRIu64, v[0], v[1], v[2]);
	else
		snprintf(buf, sz, "-");
}
