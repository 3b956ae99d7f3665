/*
 * report_series.h - a replay's figures over steps, kept small whatever
 * its length, for the pictures (`gcsim report`, `run --format chrome`).
 *
 * Steps fall into at most SERIES_BUCKETS buckets of `width` steps each; a
 * bucket keeps each figure's minimum, maximum and last value, and the
 * trace lines it covers.  When the steps outgrow the buckets, neighbours
 * merge two by two and the width doubles, so the buckets cover the trace
 * evenly at any length (a pixel column's min/max, drawn as a bar, shows
 * every peak).  Collections are kept one by one, up to a cap; those past
 * it are counted.
 *
 * Ownership: series_init() allocates, series_release() frees.
 */
#ifndef GCSIM_CMD_REPORT_SERIES_H
#define GCSIM_CMD_REPORT_SERIES_H

#include <stdint.h>

#include "../sim/sim.h"

/* The figures, in the order the outputs list them. */
#define SERIES_FIGURES(X)                                          \
	X(COUNT0, "count0") X(COUNT1, "count1") X(COUNT2, "count2")  \
	X(T0, "threshold0") X(T1, "threshold1") X(T2, "threshold2")  \
	X(GEN0, "gen0") X(GEN1, "gen1") X(GEN2, "gen2")              \
	X(LIVE, "live") X(TRACKED, "tracked") X(GARBAGE, "garbage")  \
	X(FL_LIST, "list") X(FL_DICT, "dict") X(FL_FLOAT, "float")   \
	X(FL_TUPLE, "tuple")

enum series_figure {
#define X(e, s) SER_##e,
	SERIES_FIGURES(X)
#undef X
	SERIES_N
};

extern const char *const series_names[SERIES_N];

#define SERIES_BUCKETS 2048

struct series_bucket {
	uint64_t first_step, last_step;
	unsigned long first_line, last_line;
	int64_t min[SERIES_N], max[SERIES_N], last[SERIES_N];
};

/* One collection and the figures right after its step. */
struct series_mark {
	uint64_t step;
	unsigned long line;
	uint32_t k, n;               /* the k-th of the step's n collections */
	struct sim_collection c;
	int64_t after[SERIES_N];
};

struct series {
	uint64_t width;              /* steps per bucket: a power of two */
	uint32_t nbuckets;
	struct series_bucket *buckets;
	uint64_t steps;
	struct series_mark *marks;
	size_t nmarks, capmarks, maxmarks;
	uint64_t marks_dropped;      /* collections past maxmarks */
	uint64_t collections;
};

void series_init(struct series *s, size_t maxmarks);
void series_release(struct series *s);

/* Record one step; s is the simulator (for the garbage census's figure). */
void series_step(struct series *se, const sim *s, const struct sim_step *st);

#endif
