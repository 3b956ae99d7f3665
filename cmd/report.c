/*
 * report.c - `gcsim report`: one trace under one or more settings, drawn
 * as a self-contained HTML page (no network: the data, the style and the
 * script that draws the charts as SVG are all inline).
 *
 * Each setting is replayed with the garbage census, its figures kept in
 * buckets of steps (report_series.h: per bucket the minimum and maximum,
 * so that a column drawn from them shows every peak) and its collections
 * one by one, up to REPORT_MAX_MARKS.  The page is written once all the
 * replays are done: its size depends on the number of buckets and of
 * collections, not of steps.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "common.h"
#include "report_series.h"
#include "reporter.h"
#include "settings.h"

#define MAX_SETTINGS 16
#define REPORT_MAX_MARKS 50000

struct setting {
	struct common_opts o;
	struct setting_result r;
	struct series se;
	const sim *s;
	struct replay_result res;
};

struct pool {
	const char *path;
	struct setting *set;
};

const struct cli_option report_options[] = {
	{ "output", 'o', "FILE", "write the page to FILE (default: standard output)" },
	{ "python", OPT_PYTHON, "VERSION",
	  "replay under that version; repeatable: the\n"
	  "settings are drawn over each other (default:\n"
	  "the trace's '#: python' line, else the default)" },
	{ "threshold", OPT_THRESHOLD, "T0[,T1[,T2]]",
	  "GC thresholds; repeatable, every --python\n"
	  "times every --threshold.  Those not given are\n"
	  "the trace's, else the version's" },
	CLI_OPTION_CHECK,
	{ "stress", OPT_STRESS, NULL,
	  "a full collection after every event, in every\n"
	  "setting (a stress test: the pictures show it)" },
	{ "input-format", OPT_INPUT_FORMAT, "text|json|jsonl",
	  "TRACE's format (default: by its extension;\n"
	  "standard input by its first character)" },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim report [options] TRACE|-\n"
		"\n"
		"Replay TRACE and write one self-contained HTML page (no network, no\n"
		"external script or font) that draws, over the steps, count0/1/2 against\n"
		"their thresholds, the generation sizes, live and tracked objects, cyclic\n"
		"garbage waiting for the collector, the free lists, and every collection\n"
		"as a marker (full collections held back by the long-lived brake too),\n"
		"under compare's table of figures.  Hovering shows the steps and trace\n"
		"lines under the pointer.  Several settings are drawn over each other.\n"
		"\n");
	cli_help(f, report_options);
	fprintf(f,
		"\n"
		"Long traces are drawn from at most 2048 columns of steps, each showing\n"
		"the least and the most of every figure in it; the page says so.  At most\n"
		"%d collections per setting are drawn (and the page says how many more\n"
		"there were).\n", REPORT_MAX_MARKS);
}

static void on_start(void *arg, sim *s, const char *path)
{
	struct setting *st = arg;

	(void)path;
	st->s = s;
	sim_get_thresholds(s, st->r.threshold);
	st->r.python = sim_get_profile(s)->name;
}

static int on_step(void *arg, const struct sim_event *ev, const struct sim_step *step)
{
	struct setting *st = arg;

	(void)ev;
	series_step(&st->se, st->s, step);
	return 0;
}

static void on_finish(void *arg, sim *s)
{
	struct setting *st = arg;

	sim_get_stats(s, st->r.stats);
	sim_get_totals(s, &st->r.totals);
	sim_get_garbage(s, &st->r.garbage);
}

/* Setting i, on one of run_parallel's threads. */
static void run_one(void *arg, int i)
{
	struct pool *p = arg;
	struct replay_hooks h = { on_start, on_step, NULL, on_finish, NULL };
	struct setting *st = &p->set[i];

	replay_file(p->path, &st->o, 0, &h, st, &st->res);
	st->r.steps = st->res.steps;
}

/* s for an HTML text node or attribute. */
static void html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* s as a JSON string that may sit inside <script>: no "<" appears. */
static void script_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

typedef int64_t (*bucket_value)(const struct series_bucket *b, int fig);

static int64_t b_min(const struct series_bucket *b, int fig) { return b->min[fig]; }
static int64_t b_max(const struct series_bucket *b, int fig) { return b->max[fig]; }
static int64_t b_first_step(const struct series_bucket *b, int fig) { (void)fig; return (int64_t)b->first_step; }
static int64_t b_last_step(const struct series_bucket *b, int fig) { (void)fig; return (int64_t)b->last_step; }
static int64_t b_first_line(const struct series_bucket *b, int fig) { (void)fig; return (int64_t)b->first_line; }
static int64_t b_last_line(const struct series_bucket *b, int fig) { (void)fig; return (int64_t)b->last_line; }

static void array(FILE *f, const struct series *se, bucket_value v, int fig)
{
	fputc('[', f);
	for (uint32_t i = 0; i < se->nbuckets; i++)
		fprintf(f, "%s%" PRId64, i ? "," : "", v(&se->buckets[i], fig));
	fputc(']', f);
}

/* One figure's columns: {"min":[...],"max":[...]}, max left out when equal. */
static void figure(FILE *f, const struct series *se, int fig)
{
	int same = 1;

	for (uint32_t i = 0; i < se->nbuckets && same; i++)
		same = se->buckets[i].min[fig] == se->buckets[i].max[fig];
	fprintf(f, "\"%s\":{\"min\":", series_names[fig]);
	array(f, se, b_min, fig);
	if (!same) {
		fputs(",\"max\":", f);
		array(f, se, b_max, fig);
	}
	fputc('}', f);
}

static void marks(FILE *f, const struct series *se)
{
	fputc('[', f);
	for (size_t i = 0; i < se->nmarks; i++) {
		const struct series_mark *m = &se->marks[i];
		const struct sim_collection *c = &m->c;
		char why[600];

		report_collection_text(why, sizeof(why), c);
		fprintf(f, "%s\n[%" PRIu64 ",%lu,%d,", i ? "," : "", m->step, m->line, c->gen);
		script_string(f, report_trigger_name(c->trigger));
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%d,", c->examined, c->collected, c->gen2_skipped);
		script_string(f, why);
		fputc(']', f);
	}
	fputc(']', f);
}

static void data(FILE *f, const char *trace, const struct setting *set, int n)
{
	const struct series *se0 = &set[0].se;

	fputs("{\"trace\":", f);
	script_string(f, trace);
	fprintf(f, ",\"steps\":%" PRIu64 ",\"width\":%" PRIu64 ",\"columns\":{\"first_step\":",
		se0->steps, se0->width);
	array(f, se0, b_first_step, 0);
	fputs(",\"last_step\":", f);
	array(f, se0, b_last_step, 0);
	fputs(",\"first_line\":", f);
	array(f, se0, b_first_line, 0);
	fputs(",\"last_line\":", f);
	array(f, se0, b_last_line, 0);
	fputs("},\"settings\":[", f);
	for (int i = 0; i < n; i++) {
		const struct setting *st = &set[i];
		char label[64];

		summary_cell(label, sizeof(label), 0, &st->r);
		fprintf(f, "%s\n{\"label\":", i ? "," : "");
		script_string(f, label);
		fprintf(f, ",\"census\":\"%s\",\"census_gap\":%" PRIu64 ",\"collections\":%" PRIu64
			",\"marks_dropped\":%" PRIu64 ",\"figures\":{",
			setting_census_kind(&st->r), st->r.garbage.max_interval,
			st->se.collections, st->se.marks_dropped);
		for (int k = 0; k < SERIES_N; k++) {
			if (k)
				fputc(',', f);
			figure(f, &st->se, k);
		}
		fputs("},\"marks\":", f);
		marks(f, &st->se);
		fputc('}', f);
	}
	fputs("]}", f);
}

static void summary_table(FILE *f, const struct setting *set, int n)
{
	char cell[64];

	fputs("<table class=\"summary\">\n", f);
	for (int row = 0; row < SUMMARY_ROWS; row++) {
		const char *label = summary_labels[row];
		const char *tag = row ? "td" : "th";

		fprintf(f, "<tr><th class=\"%s\">", label[0] == ' ' ? "sub" : "");
		html_text(f, label + strspn(label, " "));
		fputs("</th>", f);
		for (int i = 0; i < n; i++) {
			summary_cell(cell, sizeof(cell), row, &set[i].r);
			fprintf(f, "<%s>", tag);
			if (row == 0)
				fprintf(f, "<span class=\"swatch s%d\"></span>", i);
			html_text(f, cell);
			fprintf(f, "</%s>", tag);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* cmd/report_page.css and cmd/report_page.js, embedded by the build. */
extern const char report_page_style[], report_page_script[];

static void page(FILE *f, const char *trace, const struct setting *set, int n)
{
	const struct series *se = &set[0].se;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"gcsim " GCSIM_VERSION "\">\n<style>\n", f);
	fputs(report_page_style, f);
	fputs("</style>\n<title>gcsim report: ", f);
	html_text(f, trace);
	fputs("</title>\n</head>\n<body>\n<h1>gcsim report: <code>", f);
	html_text(f, trace);
	fprintf(f, "</code></h1>\n<p class=\"note\">%" PRIu64 " steps", se->steps);
	if (se->width > 1)
		fprintf(f, "; sampled: each of the %u columns shows the least and the most of "
			"every figure over %" PRIu64 " steps", se->nbuckets, se->width);
	else
		fputs("; every step drawn", f);
	fputs(".  Cyclic garbage is counted by a census (a mark from the roots)", f);
	for (int i = 0; i < n; i++)
		if (strcmp(setting_census_kind(&set[i].r), "exact") != 0) {
			fputs(" taken every live/16 steps: sampled, not exact", f);
			break;
		}
	fputs(".", f);
	for (int i = 0; i < n; i++)
		if (set[i].se.marks_dropped)
			fprintf(f, "  Setting %d: %" PRIu64 " collections past the first %d are "
				"not drawn.", i + 1, set[i].se.marks_dropped, REPORT_MAX_MARKS);
	fputs("</p>\n", f);
	summary_table(f, set, n);
	fputs("<div id=\"charts\"></div>\n<div id=\"tip\"></div>\n"
	      "<script type=\"application/json\" id=\"data\">", f);
	data(f, trace, set, n);
	fputs("</script>\n<script>\n", f);
	fputs(report_page_script, f);
	fputs("</script>\n</body>\n</html>\n", f);
}

int cmd_report(int argc, char **argv)
{
	const char *output = "-";
	struct common_opts base = { 0 };
	struct settings sets = { 0 };
	int opt, r;
	struct cli_parser cp;

	cli_parser_init(&cp, "report", report_options);
	while ((opt = cli_next(&cp, argc, argv)) != -1) {
		if ((r = settings_option(&sets, "report", opt, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case OPT_CHECK:
		case OPT_STRESS:
		case OPT_INPUT_FORMAT:
			if (common_option(&base, opt, optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_PASS;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		errorf("report takes exactly one TRACE (see gcsim report --help)");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	int n = settings_count(&sets);
	if (n > MAX_SETTINGS) {
		errorf("report draws at most %d settings, %d asked", MAX_SETTINGS, n);
		return EXIT_USAGE;
	}
	if (n > 1 && strcmp(path, "-") == 0) {
		errorf("report reads standard input once: give one setting, or a file");
		return EXIT_USAGE;
	}

	struct setting *set = calloc((size_t)n, sizeof(*set));
	if (!set) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	for (int i = 0; i < n; i++) {
		struct setting *st = &set[i];

		st->o = base;
		st->o.census = 1;
		settings_apply(&sets, i, &st->o);
		series_init(&st->se, REPORT_MAX_MARKS);
	}

	struct pool p = { path, set };
	run_parallel(n, sysconf(_SC_NPROCESSORS_ONLN), run_one, &p);

	int status = EXIT_PASS;
	for (int i = 0; i < n && status == EXIT_PASS; i++) {
		int st = set[i].res.status;
		if (st != EXIT_PASS && st != EXIT_EXPECT) {
			print_diag(&set[i].res.diag);
			status = st;
		}
	}
	if (status == EXIT_PASS) {
		struct out_file out;

		status = out_open(&out, output);
		if (status == EXIT_PASS) {
			page(out.f, strcmp(path, "-") == 0 ? "<stdin>" : path, set, n);
			status = out_close(&out, EXIT_PASS);
		}
	}
	for (int i = 0; i < n; i++)
		series_release(&set[i].se);
	free(set);
	return status;
}
