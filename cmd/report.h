/*
 * report.h - how steps, collections and summaries are shown: the aligned
 * text lines of `run` and the JSON objects of SPEC section 5.
 */
#ifndef GCSIM_CMD_REPORT_H
#define GCSIM_CMD_REPORT_H

#include <stdio.h>

#include "../sim/sim.h"

void report_text_header(FILE *f, const sim *s, const char *path);
void report_text_step(FILE *f, const sim *s, const struct sim_event *ev,
		      const struct sim_step *st);
void report_text_summary(FILE *f, const sim *s, uint64_t steps);

void report_json_step(FILE *f, const sim *s, const struct sim_event *ev,
		      const struct sim_step *st);
/*
 * The JSON lines of `run --changes`: the first step whole, then each step's
 * step, line and op and only the keys whose values differ from the
 * previous step's; freelist holds only its members that changed.  The
 * caller zeroes the struct before the first step.
 */
struct report_json_changes {
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

void report_json_changes(FILE *f, struct report_json_changes *c,
			 const struct sim_event *ev, const struct sim_step *st);
void report_json_summary(FILE *f, const sim *s, uint64_t steps);

/* One collection as a sentence: why it ran and what it found. */
void report_collection_text(char *buf, size_t sz, const struct sim_collection *c);

#endif
