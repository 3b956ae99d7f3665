/*
 * common.h - what the subcommands share: exit codes, the common options,
 * diagnostics on stderr, and the loop that replays one trace file.
 */
#ifndef GCSIM_CMD_COMMON_H
#define GCSIM_CMD_COMMON_H

#include <getopt.h>
#include <stdio.h>

#include "../sim/session.h"
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
	const char *shown;        /* name for diagnostics, if not the path
				     (compare's copy of a stream) */
};

/*
 * Option keys: getopt_long's return values.  An option with a short form
 * is keyed by its letter ('q', 'h', 'j', 'o'); the others by these,
 * which are above any character.
 */
enum {
	OPT_PYTHON = 256,
	OPT_THRESHOLD,
	OPT_CHECK,
	OPT_STRESS,
	OPT_FORMAT,
	OPT_INPUT_FORMAT,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_STRICT,
	OPT_TO,
	OPT_MODEL,
	OPT_EVENTS,
	OPT_SEED,
	OPT_CYCLE_RATE,
	OPT_LIFETIME,
	OPT_SIZE,
	OPT_CHANGES,
	OPT_BASELINE,
};

/*
 * One command-line option.  Each subcommand keeps one table of these, the
 * only list of its options: getopt_long's arrays and the --help text are
 * both made from it, so what --help lists is exactly what is accepted.
 * The table ends with an entry whose name is NULL.
 */
struct cli_option {
	const char *name;  /* long name, without "--" */
	int key;           /* a letter: also the short option -L; else an OPT_* */
	const char *arg;   /* the argument's name in --help; NULL: takes none */
	const char *help;  /* lines separated by '\n' */
};

#define CLI_MAX_OPTIONS 24

/* --check, the same for every command that replays (see sim_check_step). */
#define CLI_OPTION_CHECK                                                 \
	{ "check", OPT_CHECK, NULL,                                      \
	  "verify the heap's invariants as it replays: all\n"              \
	  "of them after every step while the heap is small\n"             \
	  "(and under --stress), else as often as costs a\n"               \
	  "few times the replay, and at the end" }

struct cli_parser {
	const char *cmd;   /* the subcommand, for messages */
	struct option longopts[CLI_MAX_OPTIONS + 1];
	char shortopts[2 * CLI_MAX_OPTIONS + 2];
};

void cli_parser_init(struct cli_parser *p, const char *cmd,
		     const struct cli_option *opts);

/*
 * The next option's key, as getopt_long returns it, or -1 after the last;
 * '?' after printing a usage error for an unknown option or a missing
 * argument.
 */
int cli_next(struct cli_parser *p, int argc, char **argv);

/* The options column of --help; the profiles too if --python is one. */
void cli_help(FILE *f, const struct cli_option *opts);

/*
 * Handle one of the common options; returns 1 if it was one, 0 if not,
 * -1 after printing a usage error.
 */
int common_option(struct common_opts *o, int opt, const char *arg);

/* The exit status for a library status (SIM_EIO, SIM_ETRACE, ...). */
int exit_of(int rc);

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
	uint64_t expect_lines;    /* read, checked or not (--stress) */
	char skipped[128];        /* why the file was skipped, or "" */
	char first_failure[700];  /* "LINE: message" */
	struct sim_diag diag;     /* for EXIT_TRACE, EXIT_IO, EXIT_INTERNAL */
	char python[16];          /* the profile it ran under */
	struct sim_recorded recorded; /* what gcsim record logged, if it did */
};

/*
 * Replay path through a fresh simulator.  With skip_other_python, a file
 * whose "#: python" setting differs from o->python is skipped rather than
 * run under o->python.
 */
void replay_file(const char *path, const struct common_opts *o,
		 int skip_other_python, const struct replay_hooks *h,
		 void *arg, struct replay_result *res);

/*
 * A file gcsim writes.  It is written whole or not at all: the output goes
 * to a temporary file in the target's directory, renamed over the target
 * only when out_close() is told the command succeeded, and removed
 * otherwise, so a failed command leaves no partial file and an existing
 * one as it was, and IN may be OUT.  "-" is standard output (main checks
 * it at exit); a target that exists and is not a regular file (a device,
 * a FIFO) is written directly.
 */
struct out_file {
	FILE *f;
	const char *path;  /* as given, for messages */
	char *target;      /* the file replaced: path with symlinks resolved */
	char *tmp;         /* the temporary file, or NULL: writing directly */
};

/* Open path for writing; EXIT_PASS, or EXIT_IO after saying why. */
int out_open(struct out_file *o, const char *path);

/*
 * Finish with o.  status is the command's so far: EXIT_PASS commits the
 * file, anything else discards it.  Returns status, or EXIT_IO after
 * saying why the file could not be written.
 */
int out_close(struct out_file *o, int status);

/*
 * The exit status of a command that ended with status: standard output
 * is flushed and closed, and a write error makes it at least EXIT_IO.
 */
int finish_stdout(int status);

/* s as a JSON string, quoted and escaped. */
void json_string(FILE *f, const char *s);

/* Text of an event as a trace line, for display. */
void format_event(char *buf, size_t sz, const struct sim_event *ev);

/*
 * A float as the trace language writes it: nan, inf, -inf, or the fewest
 * significant digits that read back as the same double.
 */
void format_float(char *buf, size_t sz, double f);

/*
 * --format ARG of command cmd, one of names[0..n): its index, or -1 after
 * a usage error that lists them ("graph --format takes dot or svg, got 'x'").
 */
int format_choice(const char *cmd, const char *arg, const char *const *names, size_t n);

#endif
