/*
 * record.c - `gcsim record [options] -- PROGRAM ARGS...`: run a Python
 * program under the recorder (cmd/record/) and write its trace.
 *
 * The recorder is a C extension built for each interpreter on the machine
 * that can run it (cmd/record/CMakeLists.txt lists them in
 * record_targets.h); this picks one, puts the extension and its driver on
 * PYTHONPATH and replaces itself with `PYTHON -m gcsim_record ...`.
 *
 * A compressed FILE (-o app.trace.zst): the recorder writes a plain trace
 * beside it, which gcsim, waiting for the program instead of replacing
 * itself, compresses into FILE once the program has ended, however it ended.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../sim/compress.h"
#include "cmds.h"
#include "common.h"
#include "record_targets.h"

/* Not OPT_PYTHON: this one names an interpreter, not a profile. */
enum { OPT_SYNC_EVERY = 512, OPT_NO_FREEZE, OPT_INTERPRETER, OPT_STARTUP };

const struct cli_option record_options[] = {
	{ "output", 'o', "FILE", "the trace (default: the script's name with\n"
				 ".trace); .jsonl writes JSON lines and the real\n"
				 "collector's log to FILE.real-gc; a further .gz\n"
				 "or .zst compresses it once the program ends" },
	{ "python", OPT_INTERPRETER, "VERSION|PATH",
	  "the interpreter to record with: a release\n"
	  "(3.13.5) or its path; default the first below" },
	{ "sync-every", OPT_SYNC_EVERY, "N",
	  "sync the object graph every N GC allocations\n"
	  "(default 1000) as well as before every real\n"
	  "collection; 0: only before collections" },
	{ "startup", OPT_STARTUP, "freeze|record|ignore",
	  "the interpreter's start-up heap: gc.collect(),\n"
	  "gc.freeze(), and recorded frozen at the trace's\n"
	  "start (freeze, the default); gc.collect() and\n"
	  "recorded as it is, in the oldest generation\n"
	  "(record); or left to the collector, unknown to\n"
	  "the trace (ignore)" },
	{ "no-freeze", OPT_NO_FREEZE, NULL, "--startup ignore" },
	{ "threshold", OPT_THRESHOLD, "T0[,T1[,T2]]",
	  "gc.set_threshold(...) before the program runs" },
	{ "module", 'm', "MODULE", "run MODULE as python -m does" },
	{ "quiet", 'q', NULL, "no progress and no summary" },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, NULL },
};

struct target {
	const char *version, *python, *dir;
};

static const struct target targets[] = { GCSIM_RECORD_TARGETS };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim record [options] -- SCRIPT [ARGS...]\n"
		"       gcsim record [options] -m MODULE [-- ARGS...]\n"
		"\n"
		"Run a Python program under the recorder and write what CPython's\n"
		"memory manager sees as a trace: every GC object's allocation and\n"
		"death (PyRefTracer), its references at the interpreter's safe points\n"
		"(tp_traverse), `gc safepoint` at each, and the real collections as\n"
		"`# real-gc` comments.  Replay it with gcsim run or compare.\n"
		"\n");
	cli_help(f, record_options);
	fprintf(f, "\ninterpreters (CPython 3.13.3+ with internal headers, found at build time):\n");
	if (!targets[0].version)
		fprintf(f, "  none\n");
	for (int i = 0; targets[i].version; i++)
		fprintf(f, "  %-8s %s\n", targets[i].version, targets[i].python);
}

/* The target VERSION or PATH names, or NULL. */
static const struct target *find_target(const char *want)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (!want)
		return targets[0].version ? &targets[0] : NULL;
	for (int i = 0; targets[i].version; i++)
		if (strcmp(want, targets[i].version) == 0 ||
		    strcmp(want, targets[i].python) == 0)
			return &targets[i];
	if (!realpath(want, a))
		return NULL;
	for (int i = 0; targets[i].version; i++)
		if (realpath(targets[i].python, b) && strcmp(a, b) == 0)
			return &targets[i];
	return NULL;
}

/*
 * The plain trace a compressed out is made from: beside it, named so that
 * the recorder sees out's format (".../.gcsim-record.PID.app.jsonl").
 */
static char *raw_path(const char *out)
{
	size_t stem = sim_compress_stem(out);
	const char *slash = strrchr(out, '/');
	size_t dir = slash ? (size_t)(slash - out) + 1 : 0;
	size_t n = stem + 64;
	char *raw = malloc(n);

	if (!raw) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	snprintf(raw, n, "%.*s.gcsim-record.%ld.%.*s", (int)dir, out, (long)getpid(),
		 (int)(stem - dir), out + dir);
	return raw;
}

/* Copy the file at from into out, compressing as out's name says. */
static int compress_into(const char *from, const char *out)
{
	FILE *in = fopen(from, "rb");
	struct out_file of;
	char buf[64 << 10];
	size_t n;
	int status;

	if (!in) {
		errorf("%s: cannot open: %s", from, strerror(errno));
		return EXIT_IO;
	}
	if ((status = out_open(&of, out)) != EXIT_PASS) {
		fclose(in);
		return status;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, of.f);
	if (ferror(in)) {
		errorf("%s: read error: %s", from, strerror(errno));
		status = EXIT_IO;
	}
	fclose(in);
	return out_close(&of, status);
}

/*
 * Run the recorder (args) with its output at raw, then compress raw into
 * out.  The program's exit status is the command's, unless compressing
 * fails (EXIT_IO).  Like system(), gcsim ignores SIGINT and SIGQUIT while
 * it waits: the program gets them and ends its recording as it would alone.
 */
static int record_compressed(const char *python, char **args, const char *raw,
			     const char *out)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	char side_raw[PATH_MAX], side_out[PATH_MAX];
	struct stat st;
	int wstatus, status, ran = 0;
	pid_t pid;

	fflush(NULL);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid < 0) {
		errorf("cannot run %s: %s", python, strerror(errno));
		status = EXIT_IO;
		goto restore;
	}
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		execv(python, args);
		errorf("cannot run %s: %s", python, strerror(errno));
		_exit(EXIT_IO);
	}
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR) {
			errorf("cannot wait for %s: %s", python, strerror(errno));
			status = EXIT_IO;
			goto restore;
		}
	status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	ran = 1;
restore:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (!ran)
		return status;
	/* no trace: the recorder refused, or was killed, and has said so */
	if (stat(raw, &st) != 0)
		return status ? status : EXIT_IO;
	if (compress_into(raw, out) != EXIT_PASS)
		status = EXIT_IO;
	unlink(raw);
	snprintf(side_raw, sizeof(side_raw), "%s.real-gc", raw);
	snprintf(side_out, sizeof(side_out), "%s.real-gc", out);
	if (stat(side_raw, &st) == 0 && rename(side_raw, side_out) != 0) {
		errorf("%s: cannot write: %s", side_out, strerror(errno));
		status = EXIT_IO;
	}
	return status;
}

int cmd_record(int argc, char **argv)
{
	struct common_opts o = { 0 };
	const char *python = NULL, *out = NULL, *module = NULL, *sync = NULL;
	const char *threshold = NULL;
	const char *startup = NULL;
	struct cli_parser p;
	int opt, r;

	cli_parser_init(&p, "record", record_options);
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		if (opt == OPT_INTERPRETER) {
			python = optarg;
			continue;
		}
		if (opt == OPT_THRESHOLD)
			threshold = optarg;
		if ((r = common_option(&o, opt, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			module = optarg;
			break;
		case OPT_SYNC_EVERY: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || n < 0) {
				errorf("--sync-every takes a number of GC allocations, 0 or more, got '%s'",
				       optarg);
				return EXIT_USAGE;
			}
			sync = optarg;
			break;
		}
		case OPT_NO_FREEZE:
			startup = "ignore";
			break;
		case OPT_STARTUP: {
			static const char *const modes[] = { "freeze", "record", "ignore" };

			if (option_choice("record", "--startup", optarg, modes, 3) < 0)
				return EXIT_USAGE;
			startup = optarg;
			break;
		}
		case 'h':
			usage(stdout);
			return EXIT_PASS;
		default:
			return EXIT_USAGE;
		}
	}
	if (!module && optind >= argc) {
		errorf("record needs a script or -m MODULE (see gcsim record --help)");
		return EXIT_USAGE;
	}
	const struct target *t = find_target(python);
	if (!t) {
		if (python)
			errorf("no recorder for '%s': gcsim record runs on CPython 3.13.3 or later "
			       "with internal headers, not free-threaded (see gcsim record --help "
			       "for the ones found at build time)", python);
		else
			errorf("no interpreter to record with: gcsim record needs CPython 3.13.3 "
			       "or later with internal headers, not free-threaded, and none was "
			       "found when gcsim was built");
		return EXIT_USAGE;
	}

	/* PYTHONPATH: the extension, the driver, then what was there. */
	const char *old = getenv("PYTHONPATH");
	size_t n = strlen(t->dir) + strlen(GCSIM_RECORD_DRIVER) + (old ? strlen(old) : 0) + 3;
	char *path = malloc(n);
	if (!path) {
		errorf("out of memory");
		return EXIT_IO;
	}
	snprintf(path, n, "%s:%s%s%s", t->dir, GCSIM_RECORD_DRIVER, old && *old ? ":" : "",
		 old && *old ? old : "");
	setenv("PYTHONPATH", path, 1);
	free(path);

	char **args = calloc((size_t)argc + 16, sizeof(*args));
	int k = 0;
	if (!args) {
		errorf("out of memory");
		return EXIT_IO;
	}
	args[k++] = (char *)t->python;
	args[k++] = "-m";
	args[k++] = "gcsim_record";
	char *raw = NULL;
	if (out && sim_compress_of_path(out) != SIM_COMPRESS_NONE) {
		if (!sim_compress_available(sim_compress_of_path(out))) {
			errorf("%s: cannot write: gcsim was built without %s support", out,
			       sim_compress_name(sim_compress_of_path(out)));
			free(args);
			return EXIT_IO;
		}
		raw = raw_path(out);
		/* the recorder's messages name out, not raw */
		setenv("GCSIM_RECORD_SHOWN", out, 1);
	}
	if (out) {
		args[k++] = "-o";
		args[k++] = raw ? raw : (char *)out;
	}
	if (sync) {
		args[k++] = "--sync-every";
		args[k++] = (char *)sync;
	}
	if (threshold) {
		args[k++] = "--threshold";
		args[k++] = (char *)threshold;
	}
	if (startup) {
		args[k++] = "--startup";
		args[k++] = (char *)startup;
	}
	if (o.quiet)
		args[k++] = "--quiet";
	if (module) {
		args[k++] = "-m";
		args[k++] = (char *)module;
	}
	args[k++] = "--";
	for (int i = optind; i < argc; i++)
		args[k++] = argv[i];
	args[k] = NULL;
	if (raw) {
		int status = record_compressed(t->python, args, raw, out);
		free(raw);
		free(args);
		return status;
	}
	fflush(stdout);
	execv(t->python, args);
	errorf("cannot run %s: %s", t->python, strerror(errno));
	free(args);
	return EXIT_IO;
}
