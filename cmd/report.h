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
void report_json_summary(FILE *f, const sim *s, uint64_t steps);

/* One collection as a sentence: why it ran and what it found. */
void report_collection_text(char *buf, size_t sz, const struct sim_collection *c);

#endif
