/*
 * check.c - `gcsim check`: scenario files as tests.  Each file is
 * replayed and its expect lines checked; one result line per file, and
 * last "N passed, N failed" alone on a line, for CI.
 */
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "common.h"
#include "reporter.h"

struct check_ctx {
	struct check_failure *fails;
	size_t nfails, cap;
};

const struct cli_option check_options[] = {
	{ "python", OPT_PYTHON, "VERSION",
	  "run every file under that version; a file\n"
	  "written for another one is skipped" },
	{ "threshold", OPT_THRESHOLD, "T0[,T1[,T2]]", "override the files' thresholds" },
	CLI_OPTION_CHECK,
	{ "stress", OPT_STRESS, NULL,
	  "a full collection after every event; expect\n"
	  "lines are then not checked (every collection\n"
	  "differs), so with --check this tests the\n"
	  "heap's invariants only" },
	{ "strict", OPT_STRICT, NULL,
	  "a file without expect lines fails (exit 1)" },
	{ "format", OPT_FORMAT, "text|jsonl",
	  "result lines as text (default) or one JSON\n"
	  "object per file, then\n"
	  "{\"passed\":N,\"failed\":N,\"skipped\":N}" },
	{ "quiet", 'q', NULL,
	  "no PASS or SKIP lines: failures, files that\n"
	  "check nothing, and the total only" },
	{ "input-format", OPT_INPUT_FORMAT, "text|json|jsonl",
	  "every FILE's format (default: by extension)" },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim check [options] FILE...\n"
		"\n"
		"Replay each scenario FILE and check its expect lines.  Prints one line\n"
		"per file (PASS, FAIL with every failed expectation, SKIP, or ERROR for a\n"
		"file that cannot be read or is not a valid trace) and last\n"
		"'N passed, N failed[, N skipped]'.  A file without expect lines checks\n"
		"nothing: it says 'PASS  FILE (0 expectations, ...)' even with --quiet,\n"
		"and fails with --strict.\n"
		"\n"
		"Exit status: the most severe of the files' results, whatever their\n"
		"order: 5 a heap invariant broke (--check), 4 a file cannot be read,\n"
		"3 an invalid trace, 1 an expectation failed (or, with --strict, a file\n"
		"has none), 0 all passed.\n"
		"\n"
		"A file may carry its own settings before its first event:\n"
		"  #: python 3.11          the version the scenario was written for\n"
		"  #: threshold 10 10 10   its thresholds\n"
		"\n");
	cli_help(f, check_options);
}

static void on_expect(void *arg, const struct sim_event *ev, int ok, const char *msg)
{
	struct check_ctx *c = arg;

	if (ok)
		return;
	if (c->nfails == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->fails = realloc(c->fails, c->cap * sizeof(*c->fails));
		if (!c->fails) {
			fputs("gcsim: out of memory\n", stderr);
			abort();
		}
	}
	c->fails[c->nfails].line = ev->line;
	snprintf(c->fails[c->nfails].msg, sizeof(c->fails[0].msg), "%s", msg);
	c->nfails++;
}

static void diag_text(char *buf, size_t sz, const struct sim_diag *d)
{
	if (d->line && d->col)
		snprintf(buf, sz, "%s:%lu:%lu: %s", d->file, d->line, d->col, d->msg);
	else if (d->line)
		snprintf(buf, sz, "%s:%lu: %s", d->file, d->line, d->msg);
	else
		snprintf(buf, sz, "%s: %s", d->file, d->msg);
}

int cmd_check(int argc, char **argv)
{
	struct common_opts o = { 0 };
	struct cli_parser p;
	int opt, r, strict = 0;
	const struct reporter *rep = &fmt_text;
	struct reporter_out out = { stdout, 0, 0, NULL };

	cli_parser_init(&p, "check", check_options);
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		if ((r = common_option(&o, opt, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case OPT_STRICT:
			strict = 1;
			break;
		case OPT_FORMAT:
			if (!(rep = reporter_find("check", REP_FILES, optarg)))
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return EXIT_PASS;
		default:
			return EXIT_USAGE;
		}
	}
	out.quiet = o.quiet;
	if (optind >= argc) {
		errorf("check needs at least one FILE (see gcsim check --help)");
		return EXIT_USAGE;
	}

	unsigned passed = 0, failed = 0, skipped = 0;
	int worst = EXIT_PASS;
	struct replay_hooks h = { NULL, NULL, on_expect, NULL, NULL };

	for (int i = optind; i < argc; i++) {
		struct check_ctx c = { 0 };
		struct replay_result res;
		char err[SIM_DIAG_FILE_MAX + 1200] = "";
		const char *status;

		replay_file(argv[i], &o, 1, &h, &c, &res);
		if (res.skipped[0]) {
			status = "skip";
			skipped++;
		} else if (res.status == EXIT_PASS && !(strict && !res.expect_lines)) {
			status = "pass";
			passed++;
		} else if (res.status == EXIT_PASS || res.status == EXIT_EXPECT) {
			status = "fail";
			failed++;
			res.status = EXIT_EXPECT;
		} else {
			status = "error";
			failed++;
			diag_text(err, sizeof(err), &res.diag);
		}
		/* The exit codes are numbered by severity: the highest wins. */
		if (res.status > worst)
			worst = res.status;

		struct check_file cf = { argv[i], status, &res, c.fails, c.nfails, err };
		rep->file(&out, &cf);
		free(c.fails);
		fflush(stdout);
	}
	rep->totals(&out, passed, failed, skipped);
	return worst;
}
