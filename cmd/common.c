/*
 * common.c - options, diagnostics and the replay loop shared by the
 * subcommands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
	case OPT_QUIET:
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

static void quote(char *out, size_t sz, const char *s, size_t len)
{
	size_t j = 0;

	if (sz < 8)
		return;
	out[j++] = '"';
	for (size_t i = 0; i < len && j + 6 < sz; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			out[j++] = '\\';
			out[j++] = (char)c;
		} else if (c == '\n') {
			out[j++] = '\\';
			out[j++] = 'n';
		} else if (c == '\t') {
			out[j++] = '\\';
			out[j++] = 't';
		} else if (c < 0x20 || c == 0x7f) {
			j += (size_t)snprintf(out + j, sz - j, "\\x%02x", c);
		} else {
			out[j++] = (char)c;
		}
	}
	out[j++] = '"';
	out[j] = '\0';
}

void format_event(char *buf, size_t sz, const struct sim_event *ev)
{
	char val[96] = "";

	switch (ev->op) {
	case SIM_OP_ALLOC:
		if (ev->value.has) {
			switch (ev->type) {
			case SIM_T_INT:
				snprintf(val, sizeof(val), " %.60s", ev->value.digits);
				break;
			case SIM_T_FLOAT:
				snprintf(val, sizeof(val), " %.17g", ev->value.f);
				break;
			case SIM_T_STR:
			case SIM_T_BYTES:
				val[0] = ' ';
				quote(val + 1, sizeof(val) - 1, ev->value.s,
				      ev->value.len > 40 ? 40 : ev->value.len);
				break;
			case SIM_T_BOOL:
				snprintf(val, sizeof(val), " %s", ev->value.i ? "true" : "false");
				break;
			case SIM_T_TUPLE:
				snprintf(val, sizeof(val), " %lld", (long long)ev->value.i);
				break;
			default:
				break;
			}
		}
		snprintf(buf, sz, "alloc %s %s%s", ev->id, sim_type_name(ev->type), val);
		break;
	case SIM_OP_REF:
	case SIM_OP_UNREF:
		if (ev->dst)
			snprintf(buf, sz, "%s %s %s", sim_op_name(ev->op), ev->id, ev->dst);
		else
			snprintf(buf, sz, "%s %s", sim_op_name(ev->op), ev->id);
		break;
	case SIM_OP_DEL:
		snprintf(buf, sz, "del %s", ev->id);
		break;
	case SIM_OP_COLLECT:
		snprintf(buf, sz, "collect %d", ev->gen);
		break;
	case SIM_OP_GC:
		if (ev->action == SIM_GC_THRESHOLD) {
			int n = snprintf(buf, sz, "gc threshold");
			for (int i = 0; i < ev->nnums && n > 0 && (size_t)n < sz; i++)
				n += snprintf(buf + n, sz - (size_t)n, " %ld", ev->nums[i]);
		} else {
			snprintf(buf, sz, "gc %s", sim_gc_action_name(ev->action));
		}
		break;
	default:
		snprintf(buf, sz, "%s", sim_op_name(ev->op));
		break;
	}
}

static void fill_diag_file(struct sim_diag *d, const char *path)
{
	snprintf(d->file, sizeof(d->file), "%s", path);
}

void replay_file(const char *path, const struct common_opts *o,
		 int skip_other_python, const struct replay_hooks *h,
		 void *arg, struct replay_result *res)
{
	sim_reader *r = NULL;
	sim *s = NULL;
	struct sim_event ev;
	struct sim_step st;
	struct sim_config cfg;
	const char *file_python = NULL;
	char file_python_buf[32];
	long file_threshold[3] = { 0 };
	int file_nthreshold = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = sim_reader_open(&r, path, o->informat, &res->diag);
	if (rc) {
		res->status = EXIT_IO;
		return;
	}
	const char *shown = sim_reader_path(r);

	for (;;) {
		rc = sim_reader_next(r, &ev, &res->diag);
		if (rc == SIM_EOF && s)
			break;
		if (rc != SIM_OK && rc != SIM_EOF) {
			res->status = rc == SIM_EIO ? EXIT_IO : EXIT_TRACE;
			goto out;
		}
		if (!s && rc == SIM_OK && ev.op == SIM_OP_SETTING) {
			if (ev.setting == SIM_SET_PYTHON) {
				snprintf(file_python_buf, sizeof(file_python_buf), "%s", ev.setting_str);
				file_python = file_python_buf;
				if (!sim_profile_find(file_python)) {
					sim_diag_set(&res->diag, SIM_ETRACE, shown, ev.line, ev.col,
						     "unknown python version '%s'", file_python);
					res->status = EXIT_TRACE;
					goto out;
				}
			} else {
				file_nthreshold = ev.nnums;
				for (int i = 0; i < ev.nnums && i < 3; i++)
					file_threshold[i] = ev.nums[i];
			}
			continue;
		}
		if (!s) {
			/* The first event (or the end): settings are complete. */
			memset(&cfg, 0, sizeof(cfg));
			cfg.python = o->python ? o->python : file_python;
			if (skip_other_python && o->python && file_python &&
			    strcmp(o->python, file_python) != 0) {
				snprintf(res->skipped, sizeof(res->skipped),
					 "written for python %s", file_python);
				res->status = EXIT_PASS;
				goto out;
			}
			for (int i = 0; i < 3; i++) {
				if (o->has_threshold[i]) {
					cfg.threshold[i] = o->threshold[i];
					cfg.has_threshold[i] = 1;
				} else if (i < file_nthreshold) {
					cfg.threshold[i] = file_threshold[i];
					cfg.has_threshold[i] = 1;
				}
			}
			cfg.check = o->check;
			cfg.stress = o->stress;
			cfg.census = o->census;
			if (sim_new(&s, &cfg, &res->diag)) {
				res->status = EXIT_USAGE;
				goto out;
			}
			snprintf(res->python, sizeof(res->python), "%s", sim_get_profile(s)->name);
			if (h->start)
				h->start(arg, s, shown);
			if (rc == SIM_EOF)
				break;
		}
		if (ev.op == SIM_OP_SETTING) {
			sim_diag_set(&res->diag, SIM_ETRACE, shown, ev.line, ev.col,
				     "settings must come before the first event");
			res->status = EXIT_TRACE;
			goto out;
		}
		if (ev.op == SIM_OP_EXPECT) {
			char msg[600] = "";

			/* Under --stress every collection differs: nothing to check. */
			if (o->stress)
				continue;
			int ok = sim_expect(s, &ev, msg, sizeof(msg), &res->diag);
			if (ok < 0) {
				fill_diag_file(&res->diag, shown);
				res->status = EXIT_TRACE;
				goto out;
			}
			res->expects++;
			if (!ok) {
				if (res->failed++ == 0)
					snprintf(res->first_failure, sizeof(res->first_failure),
						 "%lu: %s", ev.line, msg);
			}
			if (h->expect)
				h->expect(arg, &ev, ok, msg);
			continue;
		}
		rc = sim_replay(s, &ev, &st, &res->diag);
		if (rc) {
			fill_diag_file(&res->diag, shown);
			res->status = EXIT_TRACE;
			goto out;
		}
		res->steps++;
		if (o->check) {
			char msg[512];
			if (sim_check_step(s, msg, sizeof(msg))) {
				sim_diag_set(&res->diag, SIM_ETRACE, shown, ev.line, 0,
					     "heap check failed after step %llu: %s",
					     (unsigned long long)st.step, msg);
				res->status = EXIT_INTERNAL;
				goto out;
			}
		}
		if (h->step && h->step(arg, &ev, &st))
			break;
		if (h->progress && (res->steps & 0xfffff) == 0)
			h->progress(arg, res->steps, sim_reader_offset(r), sim_reader_size(r));
	}
	if (o->check) {
		/* sim_check_step may have left the last steps to this pass. */
		char msg[512];
		if (sim_heap_check(s, msg, sizeof(msg))) {
			sim_diag_set(&res->diag, SIM_ETRACE, shown, 0, 0,
				     "heap check failed at the end of the trace: %s", msg);
			res->status = EXIT_INTERNAL;
			goto out;
		}
	}
	if (h->finish)
		h->finish(arg, s);
	res->status = res->failed ? EXIT_EXPECT : EXIT_PASS;
out:
	sim_free(s);
	sim_reader_free(r);
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
