/*
 * main.c - gcsim's entry point: a table of subcommands, each in its own
 * file with its own options.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "common.h"

static const struct command commands[] = {
	{ "run", cmd_run, "replay a trace, one line per step, then a summary",
	  run_options, "TRACE|-" },
	{ "check", cmd_check, "run scenario files and check their expect lines",
	  check_options, "FILE..." },
	{ "compare", cmd_compare, "replay one trace under several settings, side by side",
	  compare_options, "TRACE|-" },
	{ "gen", cmd_gen, "write a synthetic workload trace", gen_options, "" },
	{ "convert", cmd_convert, "convert a trace between text, JSON and JSON lines",
	  convert_options, "IN OUT" },
	{ "graph", cmd_graph, "the heap at a step as a Graphviz graph (DOT or SVG)",
	  graph_options, "TRACE" },
	{ "explain", cmd_explain, "why an object is alive, or when the collector frees it",
	  explain_options, "TRACE ID" },
	{ "record", cmd_record, "record a real Python program (CPython 3.13.3+) as a trace",
	  record_options, "-- SCRIPT [ARGS...]" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: gcsim COMMAND [options] ...\n"
		   "\n"
		   "Replays a trace of object events through a simulated CPython heap:\n"
		   "reference counts, the three GC generations, caches and free lists.\n"
		   "\n"
		   "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n"
		   "Each command takes --help.  Profiles: ");
	const struct sim_profile *const *p = sim_profiles();
	for (int i = 0; p[i]; i++)
		fprintf(f, "%s%s", i ? ", " : "", p[i]->name);
	fprintf(f, " (default %s).\n"
		   "Exit status: 0 success, 1 an expect line failed, 2 usage error,\n"
		   "3 invalid trace, 4 I/O error, 5 internal error (--check).\n",
		   sim_profile_default()->name);
}

/*
 * Not in --help: the build's, `gcsim --man [OUT]` and
 * `gcsim --completion bash [OUT]` write the man page and the completion
 * script from the tables above.
 */
static int document(int argc, char **argv)
{
	int man = strcmp(argv[0], "--man") == 0;
	int nargs = man ? 1 : 2;
	struct out_file out;

	if (!man && (argc < 2 || strcmp(argv[1], "bash") != 0)) {
		errorf("--completion takes bash");
		return EXIT_USAGE;
	}
	if (argc > nargs + 1) {
		errorf("%s takes at most one output file", argv[0]);
		return EXIT_USAGE;
	}
	int status = out_open(&out, argc > nargs ? argv[nargs] : "-");
	if (status != EXIT_PASS)
		return status;
	if (man)
		doc_man(out.f, commands, NCOMMANDS);
	else
		doc_bash_completion(out.f, commands, NCOMMANDS);
	return finish_stdout(out_close(&out, EXIT_PASS));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return finish_stdout(EXIT_PASS);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("gcsim %s\n", GCSIM_VERSION);
		return finish_stdout(EXIT_PASS);
	}
	if (strcmp(argv[1], "--man") == 0 || strcmp(argv[1], "--completion") == 0)
		return document(argc - 1, argv + 1);
	/* Every command's output is checked here, once: a write error is 4. */
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return finish_stdout(commands[i].fn(argc - 1, argv + 1));
	errorf("unknown command '%s' (see gcsim --help)", argv[1]);
	return EXIT_USAGE;
}
