/*
 * compare.c - `gcsim compare`: one trace under several settings (CPython
 * versions, thresholds), replayed in parallel, with what each setting
 * costs side by side.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "common.h"
#include "reporter.h"
#include "settings.h"

#define MAX_RUNS SETTINGS_MAX

struct run {
	struct common_opts o;     /* compare's options with this setting's */
	long threshold[3];        /* the thresholds the run started with */
	struct replay_result res;
	struct sim_genstats stats[3];
	struct sim_totals totals;
	struct sim_garbage garbage;
};

struct pool {
	const char *path;
	struct common_opts base;
	struct run *runs;
};

const struct cli_option compare_options[] = {
	{ "python", OPT_PYTHON, "VERSION", "add a CPython version; repeatable" },
	{ "threshold", OPT_THRESHOLD, "T0[,T1[,T2]]",
	  "add a threshold setting; repeatable.  Those\n"
	  "not given are the trace's, else the version's" },
	{ "format", OPT_FORMAT, "text|csv|json", "output (default text)" },
	{ "jobs", 'j', "N", "runs at once (default: the number of cores)" },
	CLI_OPTION_CHECK,
	{ "stress", OPT_STRESS, NULL,
	  "a full collection after every event, in every\n"
	  "run (a stress test: the figures show it)" },
	{ "input-format", OPT_INPUT_FORMAT, "text|json|jsonl",
	  "TRACE's format (default: by its extension;\n"
	  "standard input by its first character)" },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim compare [options] TRACE|-\n"
		"\n"
		"Replay TRACE once per setting and show, side by side, what the collector\n"
		"did and cost.  Settings: every --python given times every --threshold\n"
		"given (a version alone runs with its own default thresholds); with\n"
		"neither, every profile at its defaults.  Runs go in parallel.  A TRACE\n"
		"that can be read only once (- for standard input, a pipe, a FIFO) is\n"
		"copied to a temporary file first, removed at the end.\n"
		"\n");
	cli_help(f, compare_options);
	fprintf(f,
		"\n"
		"Rows: collections per generation; objects examined by all collections (the\n"
		"collector's work) and by the largest one (a pause proxy); objects freed by\n"
		"the collector and by reference counting; peak live and tracked objects;\n"
		"peak bytes, estimated with sys.getsizeof sizes of that version; and cyclic\n"
		"garbage: objects no root reaches, found by a census taken every live/16\n"
		"steps ('exact' while that stays 1 step, else 'sampled': a wait then counts\n"
		"from the first census that saw the object), with how long it waited for\n"
		"the collector.\n");
}

static void on_finish(void *arg, sim *s)
{
	struct run *r = arg;

	sim_get_stats(s, r->stats);
	sim_get_totals(s, &r->totals);
	sim_get_garbage(s, &r->garbage);
}

/* The thresholds the run starts with: its setting's, or the trace's own. */
static void on_start(void *arg, sim *s, const char *path)
{
	struct run *r = arg;

	(void)path;
	sim_get_thresholds(s, r->threshold);
}

/* Run i, on one of run_parallel's threads. */
static void run_one(void *arg, int i)
{
	struct pool *p = arg;
	struct run *r = &p->runs[i];
	struct replay_hooks h = { 0 };

	h.start = on_start;
	h.finish = on_finish;
	replay_file(p->path, &r->o, 0, &h, r, &r->res);
}

/*
 * compare reads its trace once per setting.  A stream that can be read
 * only once (standard input, a pipe, a FIFO, a device) is copied to a
 * temporary file first and every run reads the copy, under the stream's
 * name and format.  Returns EXIT_PASS with the copy's path in tmp ("" when
 * path is read as it is), or EXIT_IO after saying why.
 */
static int spool(const char *path, struct common_opts *o, char *tmp, size_t sz)
{
	int is_stdin = strcmp(path, "-") == 0;
	const char *shown = is_stdin ? "<stdin>" : path;
	const char *dir = getenv("TMPDIR");
	struct stat st;
	char buf[1 << 16];
	int in = STDIN_FILENO, out, err = 0;
	ssize_t n;

	tmp[0] = '\0';
	if (!is_stdin) {
		/* What cannot be opened, the replay reports. */
		if (stat(path, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
			return EXIT_PASS;
		if ((in = open(path, O_RDONLY)) < 0) {
			errorf("%s: cannot open: %s", path, strerror(errno));
			return EXIT_IO;
		}
	}
	snprintf(tmp, sz, "%s/gcsim-spool.XXXXXX", dir && dir[0] ? dir : "/tmp");
	if ((out = mkstemp(tmp)) < 0) {
		errorf("%s: cannot make a copy of %s: %s", tmp, shown, strerror(errno));
		tmp[0] = '\0';
		if (!is_stdin)
			close(in);
		return EXIT_IO;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			errorf("%s: read error: %s", shown, strerror(errno));
			err = 1;
			break;
		}
		for (ssize_t w = 0, k; w < n; w += k) {
			if ((k = write(out, buf + w, (size_t)(n - w))) < 0) {
				if (errno == EINTR) {
					k = 0;
					continue;
				}
				errorf("%s: cannot copy %s: %s", tmp, shown, strerror(errno));
				err = 1;
				break;
			}
		}
		if (err)
			break;
	}
	if (close(out) != 0 && !err) {
		errorf("%s: cannot copy %s: %s", tmp, shown, strerror(errno));
		err = 1;
	}
	if (!is_stdin)
		close(in);
	if (err) {
		unlink(tmp);
		tmp[0] = '\0';
		return EXIT_IO;
	}
	o->shown = shown;
	if (o->informat == SIM_FMT_AUTO)
		o->informat = is_stdin ? SIM_FMT_SNIFF : sim_format_of_path(path);
	return EXIT_PASS;
}

/* A run's figures, as the reporters take them. */
static void setting_of(struct setting_result *out, const struct run *r)
{
	out->python = r->o.python;
	memcpy(out->threshold, r->threshold, sizeof(out->threshold));
	out->steps = r->res.steps;
	memcpy(out->stats, r->stats, sizeof(out->stats));
	out->totals = r->totals;
	out->garbage = r->garbage;
}

int cmd_compare(int argc, char **argv)
{
	struct settings set = { 0 };
	int opt, r;
	const struct reporter *rep = &fmt_text;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	struct pool p = { 0 };
	struct cli_parser cp;

	cli_parser_init(&cp, "compare", compare_options);
	while ((opt = cli_next(&cp, argc, argv)) != -1) {
		char *end;

		if ((r = settings_option(&set, "compare", opt, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case OPT_INPUT_FORMAT:
		case OPT_CHECK:
		case OPT_STRESS:
			if (common_option(&p.base, opt, optarg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_FORMAT:
			if (!(rep = reporter_find("compare", REP_RUNS, optarg)))
				return EXIT_USAGE;
			break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				errorf("--jobs takes a number from 1 to 256, got '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_PASS;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		errorf("compare takes exactly one TRACE (see gcsim compare --help)");
		return EXIT_USAGE;
	}
	if (set.npy == 0 && set.nth == 0) {
		const struct sim_profile *const *all = sim_profiles();
		for (; all[set.npy] && set.npy < SETTINGS_MAX; set.npy++)
			set.python[set.npy] = all[set.npy]->name;
	} else if (set.npy == 0) {
		set.python[set.npy++] = sim_profile_default()->name;
	}
	int nruns = settings_count(&set);
	if (nruns > MAX_RUNS) {
		errorf("compare runs at most %d settings, %d asked", MAX_RUNS, nruns);
		return EXIT_USAGE;
	}
	char spooled[PATH_MAX];
	int status = spool(argv[optind], &p.base, spooled, sizeof(spooled));
	if (status != EXIT_PASS)
		return status;
	struct run runs[MAX_RUNS];
	memset(runs, 0, sizeof(runs));
	for (int k = 0; k < nruns; k++) {
		runs[k].o = p.base;
		runs[k].o.census = 1;
		settings_apply(&set, k, &runs[k].o);
	}
	const char *trace = p.base.shown ? p.base.shown : argv[optind];
	p.path = spooled[0] ? spooled : argv[optind];
	p.runs = runs;
	run_parallel(nruns, jobs, run_one, &p);
	if (spooled[0])
		unlink(spooled);

	for (int i = 0; i < nruns; i++) {
		int st = runs[i].res.status;
		if (st != EXIT_PASS && st != EXIT_EXPECT) {
			print_diag(&runs[i].res.diag);
			return st;
		}
	}
	struct setting_result results[MAX_RUNS];
	struct reporter_out out = { stdout, 0, 0, NULL };
	for (int i = 0; i < nruns; i++)
		setting_of(&results[i], &runs[i]);
	rep->runs(&out, trace, results, nruns,
		  runs[0].res.recorded.has ? &runs[0].res.recorded : NULL);
	return EXIT_PASS;
}
