/*
 * fmt_json.c - one JSON document: compare's figures,
 * {"trace": ..., "runs": [{"python": ..., "threshold": [...], ...}]}.
 */
#include <inttypes.h>

#include "common.h"
#include "reporter.h"

static void json_runs(struct reporter_out *o, const char *trace,
		      const struct setting_result *runs, int n,
		      const struct sim_recorded *rec)
{
	FILE *f = o->f;

	fprintf(f, "{\"trace\":");
	json_string(f, trace);
	fprintf(f, ",\"runs\":[");
	for (int i = 0; i < n; i++) {
		const struct setting_result *r = &runs[i];
		const struct sim_totals *t = &r->totals;
		const struct sim_garbage *g = &r->garbage;

		fprintf(f, "%s{\"python\":\"%s\",\"threshold\":[%ld,%ld,%ld],\"steps\":%" PRIu64
			",\"collections\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]"
			",\"collected\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]"
			",\"examined\":%" PRIu64 ",\"max_examined\":%" PRIu64
			",\"freed_gc\":%" PRIu64 ",\"freed_refcount\":%" PRIu64
			",\"peak_live\":%" PRIu64 ",\"peak_tracked\":%" PRIu64
			",\"peak_bytes\":%" PRIu64
			",\"garbage\":{\"census\":\"%s\",\"censuses\":%" PRIu64
			",\"max_interval\":%" PRIu64 ",\"collected\":%" PRIu64
			",\"mean_wait\":%.1f,\"max_wait\":%" PRIu64
			",\"peak_waiting\":%" PRIu64 ",\"waiting_steps\":%.0f}}",
			i ? "," : "", r->python, r->threshold[0], r->threshold[1],
			r->threshold[2], r->steps,
			r->stats[0].collections, r->stats[1].collections, r->stats[2].collections,
			r->stats[0].collected, r->stats[1].collected, r->stats[2].collected,
			t->examined, t->max_examined, t->freed_gc, t->freed_refcount,
			t->peak_live, t->peak_tracked, t->peak_bytes,
			setting_census_kind(r), g->censuses, g->max_interval, g->collected,
			setting_mean_wait(r), g->wait_max, g->peak_waiting, g->waiting_steps);
	}
	fprintf(f, "]");
	if (rec)
		fprintf(f, ",\"recorded\":{\"after_event\":%" PRIu64
			",\"collections\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]"
			",\"collected\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]}",
			rec->after_event, rec->collections[0], rec->collections[1],
			rec->collections[2], rec->collected[0], rec->collected[1],
			rec->collected[2]);
	fprintf(f, "}\n");
}

const struct reporter fmt_json = {
	.name = "json",
	.runs = json_runs,
};
