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
int cmd_report(int argc, char **argv);

extern const struct cli_option run_options[];
extern const struct cli_option check_options[];
extern const struct cli_option convert_options[];
extern const struct cli_option compare_options[];
extern const struct cli_option gen_options[];
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
