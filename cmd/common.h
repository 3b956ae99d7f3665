/*
 * common.h - what the subcommands share: exit codes, the common options,
 * diagnostics on stderr, and the loop that replays one trace file.
 */
#ifndef GCSIM_CMD_COMMON_H
#define GCSIM_CMD_COMMON_H

#include <stdio.h>

#include "../sim/sim.h"

#define GCSIM_VERSION "0.1.0"

enum {
	EXIT_PASS = 0,
	EXIT_EXPECT = 1,   /* an expect line failed */
	EXIT_USAGE = 2,
	EXIT_TRACE = 3,    /* invalid trace */
	EXIT_IO = 4,
	EXIT_INTERNAL = 5, /* --check found a broken invariant: a gcsim bug */
};

struct common_opts {
	const char *python;       /* NULL: the trace's setting, else the default */
	long threshold[3];
	int has_threshold[3];
	int quiet;
	int check;
	int stress;
	int census;               /* sample cyclic garbage (compare) */
	enum sim_format informat;
};

/* Long options every replaying subcommand takes; values >= 256. */
enum {
	OPT_PYTHON = 256,
	OPT_THRESHOLD,
	OPT_CHECK,
	OPT_STRESS,
	OPT_QUIET,
	OPT_FORMAT,
	OPT_INPUT_FORMAT,
	OPT_HELP,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
};

/*
 * Handle one of the common options; returns 1 if it was one, 0 if not,
 * -1 after printing a usage error.
 */
int common_option(struct common_opts *o, int opt, const char *arg);

void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_diag(const struct sim_diag *d);

struct replay_hooks {
	/* Called once the simulator exists (after the settings lines). */
	void (*start)(void *arg, sim *s, const char *path);
	/* Called after every step; return nonzero to stop. */
	int (*step)(void *arg, const struct sim_event *ev,
		    const struct sim_step *st);
	/* Called for every expect line with its outcome. */
	void (*expect)(void *arg, const struct sim_event *ev, int ok,
		       const char *msg);
	/* Called at the end with the simulator, before it is freed. */
	void (*finish)(void *arg, sim *s);
	/* Progress: bytes read of total (0 when unknown). */
	void (*progress)(void *arg, uint64_t steps, uint64_t done, uint64_t total);
};

struct replay_result {
	int status;               /* an EXIT_* code */
	uint64_t steps;
	uint64_t expects, failed;
	char skipped[128];        /* why the file was skipped, or "" */
	char first_failure[700];  /* "LINE: message" */
	struct sim_diag diag;     /* for EXIT_TRACE, EXIT_IO, EXIT_INTERNAL */
	char python[16];          /* the profile it ran under */
};

/*
 * Replay path through a fresh simulator.  With skip_other_python, a file
 * whose "#: python" setting differs from o->python is skipped rather than
 * run under o->python.
 */
void replay_file(const char *path, const struct common_opts *o,
		 int skip_other_python, const struct replay_hooks *h,
		 void *arg, struct replay_result *res);

/* s as a JSON string, quoted and escaped. */
void json_string(FILE *f, const char *s);

/* Text of an event as a trace line, for display. */
void format_event(char *buf, size_t sz, const struct sim_event *ev);

#endif
