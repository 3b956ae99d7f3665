/*
 * common.c - options, diagnostics and the replay loop shared by the
 * subcommands.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

void errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("gcsim: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void print_diag(const struct sim_diag *d)
{
	if (d->line && d->col)
		errorf("%s:%lu:%lu: %s", d->file, d->line, d->col, d->msg);
	else if (d->line)
		errorf("%s:%lu: %s", d->file, d->line, d->msg);
	else if (d->file[0])
		errorf("%s: %s", d->file, d->msg);
	else
		errorf("%s", d->msg);
}

void cli_parser_init(struct cli_parser *p, const char *cmd,
		     const struct cli_option *opts)
{
	size_t n = 0, k = 0;

	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	for (; opts[n].name; n++) {
		assert(n < CLI_MAX_OPTIONS);
		for (size_t i = 0; i < n; i++)
			assert(opts[i].key != opts[n].key &&
			       strcmp(opts[i].name, opts[n].name) != 0);
		p->longopts[n].name = opts[n].name;
		p->longopts[n].has_arg = opts[n].arg ? required_argument : no_argument;
		p->longopts[n].val = opts[n].key;
		if (opts[n].key < 256) {
			p->shortopts[k++] = (char)opts[n].key;
			if (opts[n].arg)
				p->shortopts[k++] = ':';
		}
	}
	opterr = 0;
	optind = 1;
}

int cli_next(struct cli_parser *p, int argc, char **argv)
{
	int opt = getopt_long(argc, argv, p->shortopts, p->longopts, NULL);

	if (opt == '?' || opt == ':')
		errorf("%s: unknown or incomplete option '%s' (see gcsim %s --help)",
		       p->cmd, argv[optind - 1], p->cmd);
	return opt == ':' ? '?' : opt;
}

#define HELP_COLUMN 30

void cli_help(FILE *f, const struct cli_option *opts)
{
	int has_python = 0;

	fputs("options:\n", f);
	for (; opts->name; opts++) {
		int n;

		if (opts->key < 256)
			n = fprintf(f, "  -%c, --%s", opts->key, opts->name);
		else
			n = fprintf(f, "      --%s", opts->name);
		if (opts->arg)
			n += fprintf(f, " %s", opts->arg);
		for (const char *h = opts->help; *h;) {
			size_t len = strcspn(h, "\n");

			if (n >= HELP_COLUMN - 1) {
				fputc('\n', f);
				n = 0;
			}
			fprintf(f, "%*s%.*s\n", HELP_COLUMN - n, "", (int)len, h);
			n = 0;
			h += len + (h[len] == '\n');
		}
		has_python |= opts->key == OPT_PYTHON;
	}
	if (has_python) {
		const struct sim_profile *const *p = sim_profiles();

		fprintf(f, "\nprofiles for --python (default %s):\n",
			sim_profile_default()->name);
		for (int i = 0; p[i]; i++)
			fprintf(f, "  %-8s%s\n", p[i]->name, p[i]->versions);
	}
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_threshold(struct common_opts *o, const char *arg)
{
	char buf[128];
	int i = 0;

	if (strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
		if (i == 3 || parse_long(tok, 0, 1000000000L, &o->threshold[i]))
			goto bad;
		o->has_threshold[i++] = 1;
	}
	if (i == 0)
		goto bad;
	return 1;
bad:
	errorf("--threshold takes T0[,T1[,T2]] (non-negative integers), got '%s'", arg);
	return -1;
}

int common_option(struct common_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case OPT_PYTHON:
		if (!sim_profile_find(arg)) {
			char names[128] = "";
			const struct sim_profile *const *p = sim_profiles();
			for (int i = 0; p[i]; i++) {
				strcat(names, i ? ", " : "");
				strcat(names, p[i]->name);
			}
			errorf("unknown python version '%s' (profiles: %s)", arg, names);
			return -1;
		}
		o->python = arg;
		return 1;
	case OPT_THRESHOLD:
		return parse_threshold(o, arg);
	case OPT_CHECK:
		o->check = 1;
		return 1;
	case OPT_STRESS:
		o->stress = 1;
		return 1;
	case 'q':
		o->quiet = 1;
		return 1;
	case OPT_INPUT_FORMAT:
		if (strcmp(arg, "text") == 0)
			o->informat = SIM_FMT_TEXT;
		else if (strcmp(arg, "json") == 0)
			o->informat = SIM_FMT_JSON;
		else if (strcmp(arg, "jsonl") == 0)
			o->informat = SIM_FMT_JSONL;
		else {
			errorf("--input-format takes text, json or jsonl, got '%s'", arg);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
}

void format_float(char *buf, size_t sz, double f)
{
	sim_float_text(buf, sz, f);
}

void format_event(char *buf, size_t sz, const struct sim_event *ev)
{
	sim_event_brief(buf, sz, ev);
}

int exit_of(int rc)
{
	switch (rc) {
	case SIM_EIO:
		return EXIT_IO;
	case SIM_EUSAGE:
		return EXIT_USAGE;
	case SIM_EINTERNAL:
		return EXIT_INTERNAL;
	default:
		return EXIT_TRACE;
	}
}

/*
 * A JSONL recording keeps the real collector's log beside it, in
 * PATH.real-gc (gcsim record --log): its last `# real-gc` line.
 */
static void read_side_log(const char *path, struct sim_recorded *rec)
{
	char name[PATH_MAX], line[256];
	FILE *f;

	if (snprintf(name, sizeof(name), "%s.real-gc", path) >= (int)sizeof(name) ||
	    !(f = fopen(name, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\r\n");
		sim_recorded_parse(line, n, rec);
	}
	fclose(f);
}

void replay_file(const char *path, const struct common_opts *o,
		 int skip_other_python, const struct replay_hooks *h,
		 void *arg, struct replay_result *res)
{
	struct sim_session_opts so = {
		.python = o->python,
		.check = o->check,
		.stress = o->stress,
		.census = o->census,
		.skip_other_python = skip_other_python,
		.format = o->informat,
		.name = o->shown,
	};
	struct sim_item it;
	sim_session *ss;
	int rc;

	memset(res, 0, sizeof(*res));
	memcpy(so.threshold, o->threshold, sizeof(so.threshold));
	memcpy(so.has_threshold, o->has_threshold, sizeof(so.has_threshold));
	if ((rc = sim_session_open(&ss, path, &so, &res->diag))) {
		res->status = exit_of(rc);
		return;
	}
	if (sim_session_skipped(ss)) {
		snprintf(res->skipped, sizeof(res->skipped), "%s", sim_session_skipped(ss));
		res->status = EXIT_PASS;
		goto out;
	}
	sim *s = sim_session_sim(ss);
	snprintf(res->python, sizeof(res->python), "%s", sim_get_profile(s)->name);
	if (h->start)
		h->start(arg, s, sim_session_name(ss));
	while ((rc = sim_session_next(ss, &it, &res->diag)) == SIM_OK) {
		if (it.kind == SIM_ITEM_EXPECT) {
			res->expect_lines++;
			if (!it.checked)
				continue;
			res->expects++;
			if (!it.ok && res->failed++ == 0)
				snprintf(res->first_failure, sizeof(res->first_failure),
					 "%lu: %s", it.ev.line, it.msg);
			if (h->expect)
				h->expect(arg, &it.ev, it.ok, it.msg);
			continue;
		}
		res->steps++;
		if (h->step && h->step(arg, &it.ev, &it.step))
			break;
		if (h->progress && (res->steps & 0xfffff) == 0)
			h->progress(arg, res->steps, sim_session_offset(ss), sim_session_size(ss));
	}
	if (rc != SIM_OK && rc != SIM_EOF) {
		res->status = exit_of(rc);
		goto out;
	}
	sim_session_recorded(ss, &res->recorded);
	if (!res->recorded.has && strcmp(path, "-") != 0)
		read_side_log(path, &res->recorded);
	if (h->finish)
		h->finish(arg, s);
	res->status = res->failed ? EXIT_EXPECT : EXIT_PASS;
out:
	sim_session_close(ss);
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (!d) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	return memcpy(d, s, n);
}

/* The mode a file created now would get: 0666 less the umask. */
static mode_t new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

int out_open(struct out_file *o, const char *path)
{
	struct stat st;
	mode_t mode;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		return EXIT_PASS;
	}
	/* Replace the file a symlink names, not the symlink. */
	char *real = realpath(path, NULL);
	o->target = real ? real : xstrdup(path);
	if (stat(o->target, &st) != 0) {
		mode = new_file_mode();
	} else if (S_ISREG(st.st_mode)) {
		mode = st.st_mode & 07777;
	} else {
		o->f = fopen(o->target, "w");
		goto opened;
	}

	const char *slash = strrchr(o->target, '/');
	size_t dirlen = slash ? (size_t)(slash - o->target) + 1 : 0;
	o->tmp = malloc(strlen(o->target) + 16);
	if (!o->tmp) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dirlen, o->target, o->target + dirlen);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		free(o->tmp);
		o->tmp = NULL;
		goto opened;
	}
	if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
		int err = errno;
		close(fd);
		unlink(o->tmp);
		errno = err;
	}
opened:
	if (!o->f) {
		errorf("%s: cannot write: %s", path, strerror(errno));
		free(o->tmp);
		free(o->target);
		memset(o, 0, sizeof(*o));
		return EXIT_IO;
	}
	return EXIT_PASS;
}

int out_close(struct out_file *o, int status)
{
	int err = 0;

	if (!o->f || o->f == stdout)
		return status;
	if (status == EXIT_PASS && (fflush(o->f) != 0 || ferror(o->f)))
		err = errno ? errno : EIO;
	if (fclose(o->f) != 0 && !err)
		err = errno ? errno : EIO;
	o->f = NULL;
	if (o->tmp) {
		if (status == EXIT_PASS && !err && rename(o->tmp, o->target) != 0)
			err = errno;
		if (status != EXIT_PASS || err)
			unlink(o->tmp);
	}
	if (status == EXIT_PASS && err) {
		errorf("%s: write failed: %s", o->path, strerror(err));
		status = EXIT_IO;
	}
	free(o->tmp);
	free(o->target);
	o->tmp = o->target = NULL;
	return status;
}

int finish_stdout(int status)
{
	int err = 0;

	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		err = errno ? errno : EIO;
	if (fclose(stdout) != 0 && !err)
		err = errno ? errno : EIO;
	if (!err)
		return status;
	/* A command that failed to write has said so already. */
	if (status != EXIT_IO)
		errorf("standard output: write failed: %s", strerror(err));
	return status > EXIT_IO ? status : EXIT_IO;
}

int format_choice(const char *cmd, const char *arg, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arg, names[i]) == 0)
			return (int)i;
	/* "run --format takes text, jsonl or chrome, got 'x'" */
	char list[128] = "";
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
	errorf("%s --format takes %s, got '%s'", cmd, list, arg);
	return -1;
}
