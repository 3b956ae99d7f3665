/*
 * cmds.h - the subcommands' entry points and option tables, dispatched by
 * main.c.  An option table is the one list of a subcommand's options (see
 * struct cli_option): its parser and its --help are made from it, and so
 * can anything else that lists them.
 */
#ifndef GCSIM_CMD_CMDS_H
#define GCSIM_CMD_CMDS_H

#include "common.h"

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);

extern const struct cli_option run_options[];
extern const struct cli_option check_options[];
extern const struct cli_option convert_options[];
extern const struct cli_option compare_options[];
extern const struct cli_option gen_options[];
extern const struct cli_option graph_options[];
extern const struct cli_option explain_options[];

/* Keys of the options only graph and explain take (above common.h's). */
enum {
	OPT_AT = 0x1000,
	OPT_AROUND,
	OPT_DEPTH,
	OPT_MAX_NODES,
};

/* graph's and explain's options for the replay up to a step. */
#define CLI_OPTIONS_AT_STEP(what)                                         \
	{ "at", OPT_AT, "STEP",                                          \
	  what " after that step (1 is the first\n"                     \
	  "event; default: the end of the trace)" },                     \
	{ "python", OPT_PYTHON, "VERSION",                               \
	  "rules of that CPython version (default: the\n"                \
	  "trace's '#: python' line, else the default below)" },         \
	{ "threshold", OPT_THRESHOLD, "T0[,T1[,T2]]",                    \
	  "GC thresholds; those not given are the\n"                     \
	  "trace's '#: threshold', else the version's" },                \
	{ "input-format", OPT_INPUT_FORMAT, "text|json|jsonl",           \
	  "TRACE's format (default: by its extension)" }

/*
 * graph.c, for graph and explain: replay path up to step at (0: to the
 * end), calling step after each step and done with the simulator there;
 * an EXIT_* status, after saying what went wrong (a trace error, a step
 * beyond the end).  until_option takes the options both read before
 * the replay (the common ones and --at) as common_option does: 1 taken,
 * 0 not one of them, -1 invalid (said).  parse_count reads a count,
 * saying what is wrong: 0, or -1.
 */
int replay_until(const char *path, const struct common_opts *o, uint64_t at,
		 void (*step)(void *arg, const sim *s, const struct sim_event *ev,
			      const struct sim_step *st),
		 void (*done)(void *arg, sim *s), void *arg);
int until_option(struct common_opts *o, uint64_t *at, int opt,
		 const char *arg);
int parse_count(const char *opt, const char *arg, uint64_t *out);
extern const struct cli_option record_options[];
extern const struct cli_option report_options[];

/* A subcommand, as main.c's table lists it. */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const struct cli_option *options;
	const char *synopsis;  /* its arguments after "[options]" */
};

/*
 * The documents made from the command table, so they list exactly what
 * --help does: the man page gcsim.1 (roff) and bash's completion.
 */
void doc_man(FILE *f, const struct command *cmds, size_t n);
void doc_bash_completion(FILE *f, const struct command *cmds, size_t n);

#endif
