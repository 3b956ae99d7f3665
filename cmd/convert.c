/*
 * convert.c - `gcsim convert IN OUT`: the same events as text (.trace),
 * a JSON array (.json) or JSON lines (.jsonl), compressed or not (.gz,
 * .zst: out_open does it).  Comments are dropped;
 * expect and setting lines are kept.
 */
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "common.h"

const struct cli_option convert_options[] = {
	{ "to", OPT_TO, "text|json|jsonl", "output format, overriding OUT's extension" },
	{ "input-format", OPT_INPUT_FORMAT, "text|json|jsonl",
	  "input format, overriding IN's extension" },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim convert [options] IN OUT\n"
		"\n"
		"Write the events of IN to OUT in the format OUT's extension names:\n"
		".json (one array), .jsonl (one object per line), in any case; anything\n"
		"else text.  A further .gz or .zst (app.jsonl.zst) compresses OUT with\n"
		"gzip or zstd; a compressed IN is read by its name or its first bytes.\n"
		"- for IN reads standard input; - for OUT writes standard output (text\n"
		"unless --to says otherwise, never compressed).  Comments are not kept.\n"
		"OUT is replaced only once all of it was written, so IN may be OUT, and\n"
		"a failed conversion leaves no OUT (or the old one).\n"
		"\n");
	cli_help(f, convert_options);
}

/*
 * Write ev in format to, growing *buf for a long str value: the codecs
 * (sim_event_text, sim_event_json) fill a buffer, this prints it.
 */
static void write_event(FILE *f, enum sim_format to, const struct sim_event *ev,
			char **buf, size_t *cap, int first)
{
	size_t n;

	for (;;) {
		n = to == SIM_FMT_TEXT ? sim_event_text(*buf, *cap, ev) :
			sim_event_json(*buf, *cap, ev);
		if (n < *cap)
			break;
		*cap = n + 1;
		*buf = realloc(*buf, *cap);
		if (!*buf) {
			fputs("gcsim: out of memory\n", stderr);
			abort();
		}
	}
	if (to == SIM_FMT_JSON && !first)
		fputs(",\n", f);
	fwrite(*buf, 1, n, f);
	if (to != SIM_FMT_JSON)
		fputc('\n', f);
}

int cmd_convert(int argc, char **argv)
{
	struct common_opts o = { 0 };
	enum sim_format to = SIM_FMT_AUTO;
	struct cli_parser p;
	int opt, r;

	cli_parser_init(&p, "convert", convert_options);
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		if ((r = common_option(&o, opt, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (opt == OPT_TO) {
			if (strcmp(optarg, "text") == 0)
				to = SIM_FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				to = SIM_FMT_JSON;
			else if (strcmp(optarg, "jsonl") == 0)
				to = SIM_FMT_JSONL;
			else {
				errorf("--to takes text, json or jsonl, got '%s'", optarg);
				return EXIT_USAGE;
			}
		} else if (opt == 'h') {
			usage(stdout);
			return EXIT_PASS;
		} else {
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 2) {
		errorf("convert takes IN and OUT (see gcsim convert --help)");
		return EXIT_USAGE;
	}
	const char *in = argv[optind], *out = argv[optind + 1];
	if (to == SIM_FMT_AUTO)
		to = strcmp(out, "-") == 0 ? SIM_FMT_TEXT : sim_format_of_path(out);

	struct sim_diag d;
	sim_reader *rd;
	if (sim_reader_open(&rd, in, o.informat, &d)) {
		print_diag(&d);
		return EXIT_IO;
	}
	struct out_file of;
	if (out_open(&of, out) != EXIT_PASS) {
		sim_reader_free(rd);
		return EXIT_IO;
	}
	FILE *f = of.f;
	struct sim_event ev;
	int status = EXIT_PASS, first = 1;
	size_t cap = 0;
	char *buf = NULL;
	if (to == SIM_FMT_JSON)
		fputs("[\n", f);
	for (;;) {
		int rc = sim_reader_next(rd, &ev, &d);
		if (rc == SIM_EOF)
			break;
		if (rc) {
			print_diag(&d);
			status = exit_of(rc);
			break;
		}
		write_event(f, to, &ev, &buf, &cap, first);
		first = 0;
	}
	if (to == SIM_FMT_JSON)
		fputs("\n]\n", f);
	free(buf);
	sim_reader_free(rd);
	return out_close(&of, status);
}
