/*
 * run.c - `gcsim run`: replay one trace and show every step.
 */
#include <getopt.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "common.h"
#include "report.h"

enum out_format { OUT_TEXT, OUT_JSONL };

struct run_ctx {
	enum out_format format;
	int quiet;
	int progress;
	int expect_failed;
	uint64_t steps;
	struct timespec t0;
	int progress_shown;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim run [options] TRACE|-\n"
		"\n"
		"Replay TRACE (text .trace, .json or .jsonl; - reads standard input)\n"
		"and print one line per step, then a summary.\n"
		"\n"
		"options:\n"
		"  --python VERSION     rules of that CPython version (3.11, 3.12; default 3.12,\n"
		"                       or the trace's own '#: python' line)\n"
		"  --threshold T0[,T1[,T2]]  GC thresholds (default: the version's, or the\n"
		"                       trace's '#: threshold' line)\n"
		"  --format text|jsonl  output format (default text; jsonl: SPEC section 5)\n"
		"  --quiet              print the summary only\n"
		"  --check              verify the heap's invariants after every step\n"
		"  --stress             run a full collection after every event (expect\n"
		"                       lines are then not checked)\n"
		"  --input-format text|json|jsonl  override detection by file extension\n"
		"  --progress, --no-progress  progress on stderr (default: when a terminal)\n"
		"  --help               this text\n"
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

	if (c->format == OUT_TEXT && !c->quiet)
		report_text_header(stdout, s, path);
}

static int on_step(void *arg, const struct sim_event *ev, const struct sim_step *st)
{
	struct run_ctx *c = arg;

	c->steps++;
	if (c->quiet)
		return 0;
	if (c->format == OUT_JSONL)
		report_json_step(stdout, NULL, ev, st);
	else
		report_text_step(stdout, NULL, ev, st);
	return 0;
}

static void on_expect(void *arg, const struct sim_event *ev, int ok, const char *msg)
{
	struct run_ctx *c = arg;

	(void)ev;
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
	if (c->format == OUT_JSONL)
		report_json_summary(stdout, s, c->steps);
	else
		report_text_summary(stdout, s, c->steps);
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
	static const struct option longopts[] = {
		{ "python", required_argument, NULL, OPT_PYTHON },
		{ "threshold", required_argument, NULL, OPT_THRESHOLD },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "stress", no_argument, NULL, OPT_STRESS },
		{ "input-format", required_argument, NULL, OPT_INPUT_FORMAT },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct common_opts o = { 0 };
	struct run_ctx c = { 0 };
	int opt, r;

	c.progress = -1;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		if ((r = common_option(&o, opt, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case 'q':
			o.quiet = 1;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0) {
				c.format = OUT_TEXT;
			} else if (strcmp(optarg, "jsonl") == 0) {
				c.format = OUT_JSONL;
			} else {
				errorf("run --format takes text or jsonl, got '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_PROGRESS:
			c.progress = 1;
			break;
		case OPT_NO_PROGRESS:
			c.progress = 0;
			break;
		case OPT_HELP:
			usage(stdout);
			return EXIT_PASS;
		default:
			errorf("run: unknown or incomplete option '%s' (see gcsim run --help)",
			       argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		errorf("run takes exactly one TRACE (see gcsim run --help)");
		return EXIT_USAGE;
	}
	c.quiet = o.quiet;
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
	if (ferror(stdout)) {
		errorf("writing the output failed");
		return EXIT_IO;
	}
	return res.status;
}
