/*
 * convert.c - `gcsim convert IN OUT`: the same events as text (.trace),
 * a JSON array (.json) or JSON lines (.jsonl).  Comments are dropped;
 * expect and setting lines are kept.
 */
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

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
		"else text.  - for IN reads standard input; - for OUT writes standard\n"
		"output (text unless --to says otherwise).  Comments are not kept.\n"
		"OUT is replaced only once all of it was written, so IN may be OUT, and\n"
		"a failed conversion leaves no OUT (or the old one).\n"
		"\n");
	cli_help(f, convert_options);
}

/* A str or bytes value as a quoted trace string. */
static void text_quoted(FILE *f, const char *s, size_t len, int bytes)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80))
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void write_text(FILE *f, const struct sim_event *ev)
{
	switch (ev->op) {
	case SIM_OP_ALLOC:
		fprintf(f, "alloc %s %s", ev->id, sim_type_name(ev->type));
		if (ev->value.has) {
			switch (ev->type) {
			case SIM_T_INT: fprintf(f, " %s", ev->value.digits); break;
			case SIM_T_FLOAT:
			{
				char num[40];
				format_float(num, sizeof(num), ev->value.f);
				fprintf(f, " %s", num);
				break;
			}
			case SIM_T_STR:
			case SIM_T_BYTES:
				fputc(' ', f);
				text_quoted(f, ev->value.s, ev->value.len, ev->type == SIM_T_BYTES);
				break;
			case SIM_T_BOOL: fputs(ev->value.i ? " true" : " false", f); break;
			case SIM_T_TUPLE: fprintf(f, " %lld", (long long)ev->value.i); break;
			default: break;
			}
		}
		break;
	case SIM_OP_REF:
	case SIM_OP_UNREF:
		fprintf(f, "%s %s", sim_op_name(ev->op), ev->id);
		if (ev->dst)
			fprintf(f, " %s", ev->dst);
		break;
	case SIM_OP_DEL:
		fprintf(f, "del %s", ev->id);
		break;
	case SIM_OP_COLLECT:
		fprintf(f, "collect %d", ev->gen);
		break;
	case SIM_OP_GC:
		fprintf(f, "gc %s", sim_gc_action_name(ev->action));
		if (ev->action == SIM_GC_THRESHOLD)
			for (int i = 0; i < ev->nnums; i++)
				fprintf(f, " %ld", ev->nums[i]);
		break;
	case SIM_OP_EXPECT:
		fprintf(f, "expect %s", sim_expect_name(ev->expect));
		switch (ev->expect) {
		case SIM_EXPECT_REFCNT:
		case SIM_EXPECT_GEN:
			fprintf(f, " %s %ld", ev->id, ev->nums[0]);
			break;
		case SIM_EXPECT_SAME:
			fprintf(f, " %s %s", ev->id, ev->id2);
			break;
		case SIM_EXPECT_COUNT:
		case SIM_EXPECT_COLLECTIONS:
			fprintf(f, " %ld %ld %ld", ev->nums[0], ev->nums[1], ev->nums[2]);
			break;
		case SIM_EXPECT_COLLECTED:
			fprintf(f, " %ld", ev->nums[0]);
			break;
		case SIM_EXPECT_FREELIST:
			if (ev->fl_type == SIM_T_TUPLE)
				fprintf(f, " tuple:%d %ld", ev->fl_size, ev->nums[0]);
			else
				fprintf(f, " %s %ld", sim_type_name((enum sim_type)ev->fl_type), ev->nums[0]);
			break;
		default:
			fprintf(f, " %s", ev->id);
			break;
		}
		break;
	case SIM_OP_SETTING:
		if (ev->setting == SIM_SET_PYTHON) {
			fprintf(f, "#: python %s", ev->setting_str);
		} else {
			fputs("#: threshold", f);
			for (int i = 0; i < ev->nnums; i++)
				fprintf(f, " %ld", ev->nums[i]);
		}
		break;
	}
	fputc('\n', f);
}

/*
 * Numbers are written as raw text: cJSON prints a double with 15 digits
 * when that reads back "close enough", and an integer above INT_MAX the
 * same way, which loses the last digits (9007199254740991 would come back
 * as 9007199254740990).
 */
static cJSON *json_int(long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return cJSON_CreateRaw(buf);
}

static cJSON *json_float(double f)
{
	char buf[40];

	format_float(buf, sizeof(buf), f);
	if (!strpbrk(buf, ".eE")) /* still a float when read back */
		strcat(buf, ".0");
	return cJSON_CreateRaw(buf);
}

static cJSON *json_nums(const long *v, int n)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(a, json_int(v[i]));
	return a;
}

/*
 * A str or bytes value as a JSON string, all len bytes of it (cJSON's
 * strings end at the first NUL): a str's UTF-8 as it is, bytes as
 * U+0000..U+00FF, one character per byte; NUL and the other control
 * characters as \u00XX escapes.
 */
static cJSON *json_value_string(const char *s, size_t len, int bytes)
{
	char *out = malloc(6 * len + 3);
	size_t j = 0;

	if (!out) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	out[j++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out[j++] = '\\';
			out[j++] = (char)c;
		} else if (c < 0x20) {
			j += (size_t)sprintf(out + j, "\\u%04x", c);
		} else if (bytes && c >= 0x80) {
			out[j++] = (char)(0xc0 | (c >> 6));
			out[j++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[j++] = (char)c;
		}
	}
	out[j++] = '"';
	out[j] = '\0';
	cJSON *r = cJSON_CreateRaw(out);
	free(out);
	return r;
}

static cJSON *json_event(const struct sim_event *ev)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "op", sim_op_name(ev->op));
	switch (ev->op) {
	case SIM_OP_ALLOC:
		cJSON_AddStringToObject(o, "id", ev->id);
		cJSON_AddStringToObject(o, "type", sim_type_name(ev->type));
		if (!ev->value.has)
			break;
		switch (ev->type) {
		case SIM_T_INT:
			if (ev->value.fits && ev->value.i > -9007199254740992LL &&
			    ev->value.i < 9007199254740992LL)
				cJSON_AddItemToObject(o, "value", json_int(ev->value.i));
			else
				cJSON_AddStringToObject(o, "value", ev->value.digits);
			break;
		case SIM_T_FLOAT:
			if (isnan(ev->value.f))
				cJSON_AddStringToObject(o, "value", "nan");
			else if (isinf(ev->value.f))
				cJSON_AddStringToObject(o, "value", ev->value.f > 0 ? "inf" : "-inf");
			else
				cJSON_AddItemToObject(o, "value", json_float(ev->value.f));
			break;
		case SIM_T_STR:
		case SIM_T_BYTES:
			cJSON_AddItemToObject(o, "value",
					      json_value_string(ev->value.s, ev->value.len,
								ev->type == SIM_T_BYTES));
			break;
		case SIM_T_BOOL:
			cJSON_AddBoolToObject(o, "value", ev->value.i != 0);
			break;
		case SIM_T_TUPLE:
			cJSON_AddItemToObject(o, "value", json_int(ev->value.i));
			break;
		default:
			break;
		}
		break;
	case SIM_OP_REF:
	case SIM_OP_UNREF:
		if (ev->dst) {
			cJSON_AddStringToObject(o, "src", ev->id);
			cJSON_AddStringToObject(o, "dst", ev->dst);
		} else {
			cJSON_AddStringToObject(o, "id", ev->id);
		}
		break;
	case SIM_OP_DEL:
		cJSON_AddStringToObject(o, "id", ev->id);
		break;
	case SIM_OP_COLLECT:
		cJSON_AddItemToObject(o, "gen", json_int(ev->gen));
		break;
	case SIM_OP_GC:
		cJSON_AddStringToObject(o, "action", sim_gc_action_name(ev->action));
		if (ev->action == SIM_GC_THRESHOLD)
			cJSON_AddItemToObject(o, "values", json_nums(ev->nums, ev->nnums));
		break;
	case SIM_OP_EXPECT:
		cJSON_AddStringToObject(o, "kind", sim_expect_name(ev->expect));
		switch (ev->expect) {
		case SIM_EXPECT_REFCNT:
		case SIM_EXPECT_GEN:
			cJSON_AddStringToObject(o, "id", ev->id);
			cJSON_AddItemToObject(o, "value", json_int(ev->nums[0]));
			break;
		case SIM_EXPECT_SAME: {
			const char *ids[2] = { ev->id, ev->id2 };
			cJSON_AddItemToObject(o, "ids", cJSON_CreateStringArray(ids, 2));
			break;
		}
		case SIM_EXPECT_COUNT:
		case SIM_EXPECT_COLLECTIONS:
			cJSON_AddItemToObject(o, "values", json_nums(ev->nums, 3));
			break;
		case SIM_EXPECT_COLLECTED:
			cJSON_AddItemToObject(o, "value", json_int(ev->nums[0]));
			break;
		case SIM_EXPECT_FREELIST: {
			char t[16];
			if (ev->fl_type == SIM_T_TUPLE)
				snprintf(t, sizeof(t), "tuple:%d", ev->fl_size);
			else
				snprintf(t, sizeof(t), "%s", sim_type_name((enum sim_type)ev->fl_type));
			cJSON_AddStringToObject(o, "type", t);
			cJSON_AddItemToObject(o, "value", json_int(ev->nums[0]));
			break;
		}
		default:
			cJSON_AddStringToObject(o, "id", ev->id);
			break;
		}
		break;
	case SIM_OP_SETTING:
		if (ev->setting == SIM_SET_PYTHON)
			cJSON_AddStringToObject(o, "python", ev->setting_str);
		else
			cJSON_AddItemToObject(o, "threshold", json_nums(ev->nums, ev->nnums));
		break;
	}
	return o;
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
		if (to == SIM_FMT_TEXT) {
			write_text(f, &ev);
			continue;
		}
		cJSON *j = json_event(&ev);
		char *s = cJSON_PrintUnformatted(j);
		if (to == SIM_FMT_JSON)
			fprintf(f, "%s%s", first ? "" : ",\n", s);
		else
			fprintf(f, "%s\n", s);
		first = 0;
		cJSON_free(s);
		cJSON_Delete(j);
	}
	if (to == SIM_FMT_JSON)
		fputs("\n]\n", f);
	sim_reader_free(rd);
	return out_close(&of, status);
}
