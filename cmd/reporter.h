/*
 * reporter.h - output formats.  A reporter is one row of a table: a name
 * and the hooks of each kind of output it can write.  A command says which
 * kind it makes (a replay step by step, a result per checked file, a table
 * of settings) and --format is parsed once, against the table, for every
 * command.  A new format is one file (cmd/fmt_NAME.c) and one row in
 * reporter.c.
 *
 * Ownership: the FILE and everything passed to a hook are the caller's;
 * a reporter's state (struct reporter_out.state) is made by its begin hook
 * and freed by its end hook.
 */
#ifndef GCSIM_CMD_REPORTER_H
#define GCSIM_CMD_REPORTER_H

#include <stdio.h>

#include "common.h"

/* The kinds of output, as a command asks for them (a mask in the table). */
enum reporter_kind {
	REP_STEPS = 1,  /* run: the replay of one trace, step by step */
	REP_FILES = 2,  /* check: one result per scenario file, then totals */
	REP_RUNS = 4,   /* compare: one trace's figures under several settings */
};

/* One output under way. */
struct reporter_out {
	FILE *f;
	int quiet;      /* steps: begin and step are not called; files: no PASS or SKIP lines */
	int changes;    /* jsonl: only what changed since the previous step */
	void *state;    /* the reporter's own */
};

/* One file's result in `gcsim check`. */
struct check_failure {
	unsigned long line;
	char msg[600];
};

struct check_file {
	const char *path;
	const char *status;              /* "pass", "fail", "skip" or "error" */
	const struct replay_result *res;
	const struct check_failure *fails;
	size_t nfails;
	const char *error;               /* "error": what went wrong, else "" */
};

/* One setting's figures in `gcsim compare` and `gcsim report`. */
struct setting_result {
	const char *python;
	long threshold[3];
	uint64_t steps;
	struct sim_genstats stats[3];
	struct sim_totals totals;
	struct sim_garbage garbage;
};

struct reporter {
	const char *name;
	int census;     /* steps: the replay must take the garbage census */
	/* REP_STEPS */
	void (*begin)(struct reporter_out *o, const sim *s, const char *path);
	void (*step)(struct reporter_out *o, const sim *s, const struct sim_event *ev,
		     const struct sim_step *st);
	void (*expect)(struct reporter_out *o, const struct sim_event *ev, int ok,
		       const char *msg);   /* may be NULL */
	void (*end)(struct reporter_out *o, const sim *s, uint64_t steps);
	/* REP_FILES */
	void (*file)(struct reporter_out *o, const struct check_file *cf);
	void (*totals)(struct reporter_out *o, unsigned passed, unsigned failed,
		       unsigned skipped);
	/* REP_RUNS */
	void (*runs)(struct reporter_out *o, const char *trace,
		     const struct setting_result *runs, int n,
		     const struct sim_recorded *rec); /* rec: NULL if none */
};

/* The formats, each in its file. */
extern const struct reporter fmt_text, fmt_jsonl, fmt_csv, fmt_json, fmt_chrome;

/*
 * --format ARG of command cmd, which writes output of the given kind: the
 * reporter, or NULL after a usage error that lists the formats the
 * command takes.
 */
const struct reporter *reporter_find(const char *cmd, enum reporter_kind kind,
				     const char *arg);

/* One collection as a sentence: why it ran and what it found. */
void report_collection_text(char *buf, size_t sz, const struct sim_collection *c);

/* One collection as a JSON object: the figures of SPEC section 5 and more. */
void report_collection_json(FILE *f, const struct sim_collection *c);

const char *report_trigger_name(enum sim_trigger t);

/* The rows of the settings table (compare's text, report's summary). */
#define SUMMARY_ROWS 15
extern const char *const summary_labels[SUMMARY_ROWS];
void summary_cell(char *buf, size_t sz, int row, const struct setting_result *r);
/* The same rows for what gcsim record logged: the collections and collected rows. */
void recorded_cell(char *buf, size_t sz, int row, const struct sim_recorded *rec);

/* Cyclic garbage: the mean wait in steps; "exact" or "sampled". */
double setting_mean_wait(const struct setting_result *r);
const char *setting_census_kind(const struct setting_result *r);

#endif
