/*
 * settings.h - the settings of compare and report: every --python given
 * times every --threshold given, replayed on a pool of threads.
 */
#ifndef GCSIM_CMD_SETTINGS_H
#define GCSIM_CMD_SETTINGS_H

#include "common.h"

#define SETTINGS_MAX 64

struct settings {
	const char *python[SETTINGS_MAX];
	struct common_opts threshold[SETTINGS_MAX]; /* only the thresholds */
	int npy, nth;
};

/*
 * opt (with its argument) for command cmd: 1 when it was --python or
 * --threshold and is taken, 0 when it is another option, -1 after a usage
 * error was said.
 */
int settings_option(struct settings *s, const char *cmd, int opt, const char *arg);

/* How many settings: every version times every threshold (none: one). */
int settings_count(const struct settings *s);

/*
 * Setting i (versions vary slowest): its version (NULL when none was
 * given) and thresholds (those given) over o's.
 */
void settings_apply(const struct settings *s, int i, struct common_opts *o);

/* fn(arg, i) for every i in [0, n), on up to jobs threads at once. */
void run_parallel(int n, long jobs, void (*fn)(void *arg, int i), void *arg);

#endif
