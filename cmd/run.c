/*
 * run.c - `gcsim run`: replay one trace and show every step.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "common.h"
#include "reporter.h"

struct run_ctx {
	const struct reporter *rep;
	const sim *s;
	struct reporter_out out;
	int progress;
	int expect_failed;
	uint64_t steps;
	struct timespec t0;
	int progress_shown;
};

const struct cli_option run_options[] = {
	{ "python", OPT_PYTHON, "VERSION",
	  "rules of that CPython version (default: the\n"
	  "trace's '#: python' line, else the default below)" },
	{ "threshold", OPT_THRESHOLD, "T0[,T1[,T2]]",
	  "GC thresholds; those not given are the\n"
	  "trace's '#: threshold', else the version's" },
	{ "format", OPT_FORMAT, "text|jsonl|chrome",
	  "output format (default text; jsonl: one object\n"
	  "per step, then a summary, keys in the README;\n"
	  "chrome: Trace Event JSON for Perfetto or\n"
	  "chrome://tracing, collections as slices and\n"
	  "the figures as counters)" },
	{ "changes", OPT_CHANGES, NULL,
	  "with --format jsonl: after the first step, each\n"
	  "record holds step, line, op and only the keys\n"
	  "whose values changed since the previous step\n"
	  "(freelist: its members that did)" },
	{ "quiet", 'q', NULL, "print the summary only" },
	CLI_OPTION_CHECK,
	{ "stress", OPT_STRESS, NULL,
	  "run a full collection after every event\n"
	  "(expect lines are then not checked)" },
	{ "input-format", OPT_INPUT_FORMAT, "text|json|jsonl",
	  "TRACE's format (default: by its extension,\n"
	  ".json or .jsonl in any case, else text;\n"
	  "standard input by its first character)" },
	{ "progress", OPT_PROGRESS, NULL, "progress on stderr (default: when a terminal)" },
	{ "no-progress", OPT_NO_PROGRESS, NULL, "no progress on stderr" },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim run [options] TRACE|-\n"
		"\n"
		"Replay TRACE (text .trace, .json or .jsonl; - reads standard input)\n"
		"and print one line per step, then a summary.\n"
		"\n");
	cli_help(f, run_options);
	fprintf(f,
		"\n"
		"Text columns: step, source line, event, the refcount of the object the\n"
		"event names (* = cached object, whose real count also holds the\n"
		"interpreter's references), the three generation counts, and what the step\n"
		"did.  Collections follow their step on lines starting with '->'.\n"
		"Expect lines are checked; a failure is reported on stderr (exit 1).\n");
}

static void on_start(void *arg, sim *s, const char *path)
{
	struct run_ctx *c = arg;

	c->s = s;
	if (!c->out.quiet)
		c->rep->begin(&c->out, s, path);
}

static int on_step(void *arg, const struct sim_event *ev, const struct sim_step *st)
{
	struct run_ctx *c = arg;

	c->steps++;
	if (!c->out.quiet)
		c->rep->step(&c->out, c->s, ev, st);
	return 0;
}

static void on_expect(void *arg, const struct sim_event *ev, int ok, const char *msg)
{
	struct run_ctx *c = arg;

	if (c->rep->expect && !c->out.quiet)
		c->rep->expect(&c->out, ev, ok, msg);
	if (!ok) {
		c->expect_failed++;
		fflush(stdout);
		fprintf(stderr, "gcsim: expect failed: line %lu: %s\n", ev->line, msg);
	}
}

static void on_finish(void *arg, sim *s)
{
	struct run_ctx *c = arg;

	if (c->progress_shown)
		fputs("\r\033[K", stderr);
	c->rep->end(&c->out, s, c->steps);
}

static void on_progress(void *arg, uint64_t steps, uint64_t done, uint64_t total)
{
	struct run_ctx *c = arg;
	struct timespec now;

	if (!c->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double secs = (double)(now.tv_sec - c->t0.tv_sec) +
		      (double)(now.tv_nsec - c->t0.tv_nsec) / 1e9;
	double rate = secs > 0 ? (double)steps / secs : 0;
	if (total)
		fprintf(stderr, "\r%llu events, %.1f%% of the file, %.2fM events/s",
			(unsigned long long)steps, 100.0 * (double)done / (double)total,
			rate / 1e6);
	else
		fprintf(stderr, "\r%llu events, %.2fM events/s",
			(unsigned long long)steps, rate / 1e6);
	c->progress_shown = 1;
}

int cmd_run(int argc, char **argv)
{
	struct common_opts o = { 0 };
	struct run_ctx c = { 0 };
	struct cli_parser p;
	int opt, r;

	c.progress = -1;
	c.rep = &fmt_text;
	cli_parser_init(&p, "run", run_options);
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		if ((r = common_option(&o, opt, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case OPT_FORMAT:
			if (!(c.rep = reporter_find("run", REP_STEPS, optarg)))
				return EXIT_USAGE;
			break;
		case OPT_CHANGES:
			c.out.changes = 1;
			break;
		case OPT_PROGRESS:
			c.progress = 1;
			break;
		case OPT_NO_PROGRESS:
			c.progress = 0;
			break;
		case 'h':
			usage(stdout);
			return EXIT_PASS;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		errorf("run takes exactly one TRACE (see gcsim run --help)");
		return EXIT_USAGE;
	}
	if (c.out.changes && c.rep != &fmt_jsonl) {
		errorf("run --changes needs --format jsonl");
		return EXIT_USAGE;
	}
	c.out.quiet = o.quiet;
	c.out.f = stdout;
	o.census = c.rep->census;
	if (c.progress < 0)
		c.progress = isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &c.t0);

	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	struct replay_hooks h = { on_start, on_step, on_expect, on_finish, on_progress };
	struct replay_result res;
	replay_file(argv[optind], &o, 0, &h, &c, &res);
	fflush(stdout);
	if (res.status == EXIT_TRACE || res.status == EXIT_IO ||
	    res.status == EXIT_INTERNAL || res.status == EXIT_USAGE) {
		if (c.progress_shown)
			fputs("\r\033[K", stderr);
		print_diag(&res.diag);
	}
	return res.status;
}
