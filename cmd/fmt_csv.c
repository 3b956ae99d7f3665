/*
 * fmt_csv.c - comma-separated values: compare's figures, a row per
 * setting under a header row.
 */
#include <inttypes.h>

#include "reporter.h"

static void csv_runs(struct reporter_out *o, const char *trace,
		     const struct setting_result *runs, int n,
		     const struct sim_recorded *rec)
{
	(void)trace;
	fprintf(o->f, "python,t0,t1,t2,steps,collections0,collections1,collections2,"
		"examined,max_examined,freed_gc,freed_refcount,peak_live,peak_tracked,"
		"peak_bytes,garbage_census,garbage_collected,mean_wait,max_wait,"
		"peak_waiting,waiting_steps,collected0,collected1,collected2\n");
	for (int i = 0; i < n; i++) {
		const struct setting_result *r = &runs[i];
		const struct sim_totals *t = &r->totals;

		fprintf(o->f, "%s,%ld,%ld,%ld,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%s,%" PRIu64 ",%.1f,%" PRIu64 ",%" PRIu64 ",%.0f"
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
			r->python, r->threshold[0], r->threshold[1], r->threshold[2],
			r->steps, r->stats[0].collections, r->stats[1].collections,
			r->stats[2].collections, t->examined, t->max_examined, t->freed_gc,
			t->freed_refcount, t->peak_live, t->peak_tracked, t->peak_bytes,
			setting_census_kind(r), r->garbage.collected, setting_mean_wait(r),
			r->garbage.wait_max, r->garbage.peak_waiting, r->garbage.waiting_steps,
			r->stats[0].collected, r->stats[1].collected, r->stats[2].collected);
	}
	/* what gcsim record logged: a row of its own, the other cells empty */
	if (rec)
		fprintf(o->f, "recorded,,,,,%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",,,,,,,,,,,,,,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
			rec->collections[0], rec->collections[1], rec->collections[2],
			rec->collected[0], rec->collected[1], rec->collected[2]);
}

const struct reporter fmt_csv = {
	.name = "csv",
	.runs = csv_runs,
};
