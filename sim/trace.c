/*
 * trace.c - the trace language's core: the tables expanded from
 * tracelang.h, the reader's input buffering and entry points, the checks of
 * IDs, numbers and values that the text form (trace_text.c) and the JSON
 * forms (trace_json.c) share, and the buffer both writers fill.
 *
 * A reader streams, in bounded memory: records are cut out of one buffer
 * that grows to the longest record (RECORD_MAX at most) and is compacted
 * as it is consumed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace_impl.h"

#define NAME_OF_OP(e, name, min, max, args, keys) name,
const char *const tr_op_names[] = { SIM_OP_LIST(NAME_OF_OP) };
#undef NAME_OF_OP
#define ARITY_OF_OP(e, name, min, max, args, keys) { min, max, args, keys, 0 },
const struct tr_arity tr_op_arity[] = { SIM_OP_LIST(ARITY_OF_OP) };
#undef ARITY_OF_OP

#define NAME_OF(e, name, value) name,
const char *const tr_type_names[SIM_T_COUNT_] = { SIM_TYPE_LIST(NAME_OF) };
#undef NAME_OF
#define VALUE_OF(e, name, value) value,
const unsigned char tr_type_value[SIM_T_COUNT_] = { SIM_TYPE_LIST(VALUE_OF) };
#undef VALUE_OF

#define NAME_OF(e, name, min, max, args, vmax) name,
#define ARITY_OF(e, name, min, max, args, vmax) { min, max, args, NULL, vmax },
const char *const tr_gc_names[] = { SIM_GC_LIST(NAME_OF) };
const struct tr_arity tr_gc_arity[] = { SIM_GC_LIST(ARITY_OF) };
const char *const tr_setting_names[] = { SIM_SETTING_LIST(NAME_OF) };
const struct tr_arity tr_setting_arity[] = { SIM_SETTING_LIST(ARITY_OF) };
#undef NAME_OF
#undef ARITY_OF

#define NAME_OF_ON(e, name, nargs, args) name,
const char *const tr_on_names[] = { SIM_ON_LIST(NAME_OF_ON) };
#undef NAME_OF_ON
#define ARITY_OF_ON(e, name, nargs, args) { nargs, nargs, args, NULL, 0 },
const struct tr_arity tr_on_arity[] = { SIM_ON_LIST(ARITY_OF_ON) };
#undef ARITY_OF_ON

#define NAME_OF_EXPECT(e, name, args, usage, what, max) name,
const char *const tr_expect_names[] = { SIM_EXPECT_LIST(NAME_OF_EXPECT) };
#undef NAME_OF_EXPECT
#define EXPECT_FORM(e, name, args, usage, what, max) { args, usage, what, max },
const struct tr_expect_form tr_expect_forms[] = { SIM_EXPECT_LIST(EXPECT_FORM) };
#undef EXPECT_FORM

void *tr_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	return p;
}

const int tr_nops = NELEM(tr_op_names), tr_ngc = NELEM(tr_gc_names),
	tr_nexpect = NELEM(tr_expect_names),
	tr_nsetting = NELEM(tr_setting_names), tr_non = NELEM(tr_on_names);

const char tr_weakref_alloc[] =
	"a weakref is made by 'weakref ID TARGET [CALLBACK]', not by alloc";

int tr_expect_nargs(const struct tr_expect_form *f)
{
	return !!(f->args & X_ID) + !!(f->args & X_ID2) +
		!!(f->args & X_FLTYPE) + !!(f->args & X_NUM) +
		3 * !!(f->args & X_NUM3);
}

const char *tr_choices(char *buf, size_t sz, const char *const *names, int n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && at < sz; i++)
		at += (size_t)snprintf(buf + at, sz - at, "%s%s",
				       i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
	return buf;
}

const char *sim_op_name(enum sim_op op)
{
	return (unsigned)op < (unsigned)tr_nops ? tr_op_names[op] : "?";
}

const char *sim_type_name(enum sim_type t)
{
	return (unsigned)t < (unsigned)SIM_T_COUNT_ ? tr_type_names[t] : "?";
}

const char *sim_gc_action_name(enum sim_gc_action a)
{
	return (unsigned)a < (unsigned)tr_ngc ? tr_gc_names[a] : "?";
}

const char *sim_expect_name(enum sim_expect_kind k)
{
	return (unsigned)k < (unsigned)tr_nexpect ? tr_expect_names[k] : "?";
}

int sim_recorded_parse(const char *line, size_t len, struct sim_recorded *out)
{
	static const char tag[] = "# real-gc after-event ";
	struct sim_recorded rec = { 1, 0, { 0 }, { 0 } };
	char buf[256];
	int used = 0;

	if (len < sizeof(tag) - 1 || len >= sizeof(buf) ||
	    memcmp(line, tag, sizeof(tag) - 1) != 0)
		return 0;
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (sscanf(buf + sizeof(tag) - 1,
		   "%" SCNu64 " collections %" SCNu64 " %" SCNu64 " %" SCNu64
		   " collected %" SCNu64 " %" SCNu64 " %" SCNu64 "%n",
		   &rec.after_event, &rec.collections[0], &rec.collections[1],
		   &rec.collections[2], &rec.collected[0], &rec.collected[1],
		   &rec.collected[2], &used) != 7)
		return 0;
	used += (int)sizeof(tag) - 1;
	while ((size_t)used < len && (buf[used] == ' ' || buf[used] == '\t'))
		used++;
	if ((size_t)used != len)
		return 0;
	*out = rec;
	return 1;
}

void sim_reader_recorded(const sim_reader *r, struct sim_recorded *out)
{
	*out = r->recorded;
}

const char *sim_on_action_name(enum sim_on_action a)
{
	return (unsigned)a < (unsigned)tr_non ? tr_on_names[a] : "?";
}

const char *sim_expect_usage(enum sim_expect_kind k)
{
	return (unsigned)k < (unsigned)tr_nexpect ? tr_expect_forms[k].usage : "?";
}

size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
			return 0;       /* overlong, or a surrogate */
		return 3;
	}
	if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
	    (s[3] & 0xC0) != 0x80)
		return 0;
	if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
		return 0;               /* overlong, or above U+10FFFF */
	return 4;
}


const char *tr_show_as(struct shown *b, const char *s, size_t len, int json)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, w = 0;

	while (i < len) {
		size_t k = utf8_seq(u + i, len - i);

		if (w + 8 > 64) {
			memcpy(b->s + w, "...", 4);
			return b->s;
		}
		if (json && u[i] == NUL_MARK) {
			/* as the user wrote it, not as cJSON had to see it */
			memcpy(b->s + w, "\\u0000", 6);
			w += 6;
			i++;
		} else if (k == 0 || u[i] < 0x20 || u[i] == 0x7F) {
			w += (size_t)snprintf(b->s + w, 5, "\\x%02x", u[i]);
			i++;
		} else {
			memcpy(b->s + w, u + i, k);
			w += k;
			i += k;
		}
	}
	b->s[w] = '\0';
	return b->s;
}

const char *tr_show(struct shown *b, const char *s, size_t len)
{
	return tr_show_as(b, s, len, 0);
}

const char *tr_rshow(const struct sim_reader *r, struct shown *b,
		     const char *s, size_t len)
{
	return tr_show_as(b, s, len, r->fmt == SIM_FMT_JSON ||
		       r->fmt == SIM_FMT_JSONL);
}

const char *tr_show_char(struct shown *b, const char *s, size_t n)
{
	size_t k = n ? utf8_seq((const unsigned char *)s, n) : 0;

	return tr_show(b, s, k ? k : n ? 1 : 0);
}

int tr_fail(struct sim_reader *r, struct sim_diag *d, unsigned long line,
	    unsigned long col, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->in_event)
		return sim_diag_set(d, SIM_ETRACE, r->path, line, col,
				    "event %lu: %s", r->index, msg);
	return sim_diag_set(d, SIM_ETRACE, r->path, line, col, "%s", msg);
}

static int io_error(struct sim_reader *r, struct sim_diag *d, const char *what,
		    int err)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return sim_diag_set(d, SIM_EIO, r->path, 0, 0, "%s: %s", what, buf);
}

int tr_fill(struct sim_reader *r, struct sim_diag *d)
{
	ssize_t n;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->base += r->pos;
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->end + 1 >= r->cap) {
		r->cap *= 2;
		r->buf = tr_xrealloc(r->buf, r->cap);
	}
	if (r->fd < 0)
		n = 0;
	else
		do
			n = read(r->fd, r->buf + r->end, r->cap - 1 - r->end);
		while (n < 0 && errno == EINTR);
	if (n < 0)
		return io_error(r, d, "read error", errno);
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return SIM_OK;
}

int tr_check_id(struct sim_reader *r, struct sim_diag *d,
		    unsigned long line, unsigned long col, const char *s,
		    size_t len)
{
	struct shown b;
	size_t i;

	if (len > SIM_ID_MAX)
		return tr_fail(r, d, line, col,
			    "id too long (%zu bytes, at most %d)", len,
			    SIM_ID_MAX);
	if (len == 0)
		return tr_fail(r, d, line, col, "empty id");
	for (i = 0; i < len; i++)
		if (!(r->cls[(unsigned char)s[i]] & C_ID))
			return tr_fail(r, d, line, col,
				    "invalid id '%s' (letters, digits and _ . : - only)",
				    tr_rshow(r, &b, s, len));
	return SIM_OK;
}

/* Optionally signed decimal: 0, -1 when malformed, -2 when it overflows. */
static int parse_ll(const char *s, size_t len, long long *out)
{
	unsigned long long acc = 0, lim;
	size_t i = 0;
	int neg = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return -1;
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned char)s[i] - (unsigned)'0';

		if (d > 9)
			return -1;
		if (acc > (lim - d) / 10) {
			while (++i < len)
				if (!is_digit((unsigned char)s[i]))
					return -1;
			return -2;
		}
		acc = acc * 10 + d;
	}
	if (neg)
		*out = acc == (unsigned long long)LLONG_MAX + 1 ?
			LLONG_MIN : -(long long)acc;
	else
		*out = (long long)acc;
	return 0;
}

int tr_get_num(struct sim_reader *r, struct sim_diag *d,
		   unsigned long line, unsigned long col, const char *s,
		   size_t len, long long min, long long max, const char *what,
		   long long *out)
{
	struct shown b;
	int rc = parse_ll(s, len, out);

	if (rc == -1)
		return tr_fail(r, d, line, col, "invalid %s '%s'", what,
			    tr_rshow(r, &b, s, len));
	if (rc == -2 || *out < min || *out > max)
		return tr_fail(r, d, line, col, "%s %s out of range %lld..%lld",
			    what, tr_rshow(r, &b, s, len), min, max);
	return SIM_OK;
}

int tr_canon_int(char *s, size_t len, struct sim_value *v)
{
	unsigned long long acc = 0;
	size_t i = 0, j, w = 0, ndig;
	int neg = 0;

	if (len > 0 && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return -1;
	for (j = i; j < len; j++)
		if (!is_digit((unsigned char)s[j]))
			return -1;
	while (i + 1 < len && s[i] == '0')
		i++;
	if (s[i] == '0')
		neg = 0;
	ndig = len - i;
	if (neg)
		s[w++] = '-';
	memmove(s + w, s + i, ndig);
	s[w + ndig] = '\0';
	v->digits = s;
	v->fits = 0;
	v->i = 0;
	if (ndig <= 19) {
		for (j = 0; j < ndig; j++)
			acc = acc * 10 + (unsigned)(s[w + j] - '0');
		if (!neg && acc <= (unsigned long long)INT64_MAX) {
			v->fits = 1;
			v->i = (int64_t)acc;
		} else if (neg && acc <= (unsigned long long)INT64_MAX + 1) {
			v->fits = 1;
			v->i = acc == (unsigned long long)INT64_MAX + 1 ?
				INT64_MIN : -(int64_t)acc;
		}
	}
	return 0;
}

/*
 * A plain decimal such as "-12.34", well-formed, without strtod: with at
 * most 15 digits the digits are an exact double m, and 10^k is exact for
 * k <= 22, so the one division m / 10^k is rounded once, as strtod rounds
 * the decimal (Clinger's fast path).  0 when s is not that simple.
 */
static int fast_decimal(const char *s, size_t len, double *out)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15,
	};
	uint64_t m = 0;
	size_t i = 0, ndig = 0, frac = 0;
	int neg = 0, dot = 0;
	double v;

	if (s[0] == '-' || s[0] == '+')
		neg = s[i++] == '-';
	for (; i < len; i++) {
		if (s[i] == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (!is_digit((unsigned char)s[i]) || ++ndig > 15)
			return 0;
		m = m * 10 + (uint64_t)(s[i] - '0');
		frac += dot;
	}
	v = (double)m / pow10[frac];
	*out = neg ? -v : v;
	return 1;
}

/*
 * Floats as Python writes them: decimal or exponent form, inf, infinity or
 * nan; no hex floats, no "nan(...)", which strtod alone would take.  s must
 * be NUL-terminated at s[len].
 */
int tr_parse_float(const char *s, size_t len, double *out)
{
	size_t i = 0, digits = 0;
	char *end;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < len && (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') {
		static const char *const words[] = { "inf", "infinity", "nan" };
		const char *w = s + i;
		size_t k, n = len - i;
		int ok = 0;

		for (k = 0; k < 3; k++) {
			size_t m, wl = strlen(words[k]);

			if (wl != n)
				continue;
			for (m = 0; m < n && (w[m] | 0x20) == words[k][m]; m++)
				;
			ok |= m == n;
		}
		if (!ok)
			return -1;
	} else {
		for (; i < len && is_digit((unsigned char)s[i]); i++)
			digits++;
		if (i < len && s[i] == '.')
			for (i++; i < len && is_digit((unsigned char)s[i]); i++)
				digits++;
		if (!digits)
			return -1;
		if (i < len && (s[i] == 'e' || s[i] == 'E')) {
			i++;
			if (i < len && (s[i] == '-' || s[i] == '+'))
				i++;
			if (i == len || !is_digit((unsigned char)s[i]))
				return -1;
			while (i < len && is_digit((unsigned char)s[i]))
				i++;
		}
		if (i != len)
			return -1;
	}
	if (fast_decimal(s, len, out))
		return 0;
	*out = strtod(s, &end);
	return end == s + len ? 0 : -1;
}

int tr_parse_fl_type(struct sim_reader *r, struct sim_diag *d,
			 unsigned long line, unsigned long col, const char *s,
			 size_t len, struct sim_event *ev)
{
	struct shown b;
	long long k;
	int rc;

	if (strcmp(s, "list") == 0) {
		ev->fl_type = SIM_T_LIST;
	} else if (strcmp(s, "dict") == 0) {
		ev->fl_type = SIM_T_DICT;
	} else if (strcmp(s, "float") == 0) {
		ev->fl_type = SIM_T_FLOAT;
	} else if (len > 6 && memcmp(s, "tuple:", 6) == 0) {
		rc = tr_get_num(r, d, line, col, s + 6, len - 6, 1, 20,
			     "free list tuple length", &k);
		if (rc)
			return rc;
		ev->fl_type = SIM_T_TUPLE;
		ev->fl_size = (int)k;
	} else {
		return tr_fail(r, d, line, col,
			    "invalid free list type '%s' (list, dict, float or tuple:K)",
			    tr_rshow(r, &b, s, len));
	}
	return SIM_OK;
}

int tr_check_version(struct sim_reader *r, struct sim_diag *d,
			 unsigned long line, unsigned long col, const char *s,
			 size_t len)
{
	struct shown b;
	size_t i;

	if (len > SIM_VERSION_MAX)
		return tr_fail(r, d, line, col,
			    "python version too long (%zu bytes, at most %d)",
			    len, SIM_VERSION_MAX);
	for (i = 0; i < len; i++)
		if (!is_id_char((unsigned char)s[i]))
			break;
	if (len == 0 || i != len)
		return tr_fail(r, d, line, col, "invalid python version '%s'",
			    tr_rshow(r, &b, s, len));
	return SIM_OK;
}

int tr_next_line(struct sim_reader *r, struct sim_diag *d, char **line,
		 size_t *len)
{
	size_t scanned = 0;
	int rc;

	for (;;) {
		char *p = r->buf + r->pos;
		size_t avail = r->end - r->pos;
		char *nl = memchr(p + scanned, '\n', avail - scanned);

		if (nl || (r->eof && avail > 0)) {
			*line = p;
			*len = nl ? (size_t)(nl - p) : avail;
			r->pos += nl ? *len + 1 : avail;
			r->lineno++;
			if (*len > RECORD_MAX)
				return tr_fail(r, d, r->lineno, 1,
					    "line too long (more than %lu bytes)",
					    RECORD_MAX);
			return SIM_OK;
		}
		if (r->eof)
			return SIM_EOF;
		if (avail > RECORD_MAX)
			return tr_fail(r, d, r->lineno + 1, 1,
				    "line too long (more than %lu bytes)",
				    RECORD_MAX);
		scanned = avail;
		rc = tr_fill(r, d);
		if (rc)
			return rc;
	}
}


/* A UTF-8 byte order mark is skipped; standard input is sniffed. */
static int start(struct sim_reader *r, struct sim_diag *d)
{
	int rc;

	while (r->end - r->pos < 3 && !r->eof) {
		rc = tr_fill(r, d);
		if (rc)
			return rc;
	}
	if (r->end - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0)
		r->pos += 3;
	while (r->fmt == SIM_FMT_AUTO) {
		size_t i, last_nl = 0;
		int nl = 0;

		for (i = r->pos; i < r->end; i++) {
			char c = r->buf[i];

			if (c == '\n') {
				nl = 1;
				last_nl = i;
			} else if (c != ' ' && c != '\t' && c != '\r') {
				break;
			}
		}
		if (i < r->end) {
			r->fmt = r->buf[i] == '[' ? SIM_FMT_JSON :
				r->buf[i] == '{' ? SIM_FMT_JSONL : SIM_FMT_TEXT;
			break;
		}
		if (r->eof || r->end - r->pos > RECORD_MAX) {
			r->fmt = SIM_FMT_TEXT;
			break;
		}
		/* only blank lines so far: drop them, keep their count */
		if (nl) {
			for (i = r->pos; i <= last_nl; i++)
				r->lineno += r->buf[i] == '\n';
			r->pos = last_nl + 1;
		}
		rc = tr_fill(r, d);
		if (rc)
			return rc;
	}
	r->jline = r->lineno + 1;
	r->jcol = 1;
	r->started = 1;
	return SIM_OK;
}

static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), m = strlen(ext), i;

	if (n <= m)
		return 0;
	for (i = 0; i < m; i++) {
		char c = path[n - m + i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != ext[i])
			return 0;
	}
	return 1;
}

enum sim_format sim_format_of_path(const char *path)
{
	return has_ext(path, ".json") ? SIM_FMT_JSON :
		has_ext(path, ".jsonl") ? SIM_FMT_JSONL : SIM_FMT_TEXT;
}

/* A reader with no input yet: its name for diagnostics, its byte classes. */
static struct sim_reader *reader_new(const char *name)
{
	struct sim_reader *r = tr_xrealloc(NULL, sizeof(*r));
	size_t len = strlen(name);
	int c;

	memset(r, 0, sizeof(*r));
	r->path = tr_xrealloc(NULL, len + 1);
	memcpy(r->path, name, len + 1);
	r->fd = -1;
	for (c = 0x21; c < 0x7F; c++)
		if (c != '"' && c != '#')
			r->cls[c] = C_PLAIN;
	for (c = 0; c < 256; c++)
		if (is_id_char((unsigned char)c))
			r->cls[c] |= C_ID;
	return r;
}

int sim_reader_open(sim_reader **out, const char *path, enum sim_format fmt,
		    struct sim_diag *diag)
{
	int is_stdin = strcmp(path, "-") == 0;
	struct sim_reader *r = reader_new(is_stdin ? "<stdin>" : path);
	struct stat st;

	*out = NULL;
	r->fd = 0;
	if (!is_stdin) {
		r->fd = open(path, O_RDONLY);
		if (r->fd < 0) {
			io_error(r, diag, "cannot open", errno);
			sim_reader_free(r);
			return SIM_EIO;
		}
		r->owns_fd = 1;
	}
	if (fstat(r->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			io_error(r, diag, "cannot open", EISDIR);
			sim_reader_free(r);
			return SIM_EIO;
		}
		if (S_ISREG(st.st_mode))
			r->size = (uint64_t)st.st_size;
	}
	if (fmt == SIM_FMT_AUTO && !is_stdin)
		fmt = sim_format_of_path(path);
	r->fmt = fmt == SIM_FMT_SNIFF ? SIM_FMT_AUTO : fmt;
	r->cap = BUF_INIT;
	r->buf = tr_xrealloc(NULL, r->cap);
	*out = r;
	return SIM_OK;
}

sim_reader *sim_reader_open_mem(const char *name, const void *data,
				size_t len, enum sim_format fmt)
{
	struct sim_reader *r = reader_new(name);

	r->fmt = fmt == SIM_FMT_SNIFF ? SIM_FMT_AUTO : fmt;
	r->size = len;
	r->cap = len + 1;       /* end < cap, as tr_fill() keeps it */
	r->buf = tr_xrealloc(NULL, r->cap);
	if (len)
		memcpy(r->buf, data, len);
	r->end = len;
	return r;
}

int sim_reader_next(sim_reader *r, struct sim_event *ev, struct sim_diag *diag)
{
	static const struct sim_event zero_event;
	int rc;

	if (r->failed)
		return sim_diag_set(diag, r->failed, r->path, 0, 0,
				    "reader used after an error");
	*ev = zero_event;
	if (r->root)
		tr_json_release(r, 0);
	rc = r->started ? SIM_OK : start(r, diag);
	if (rc == SIM_OK) {
		switch (r->fmt) {
		case SIM_FMT_JSON:
			rc = tr_json_next(r, ev, diag);
			break;
		case SIM_FMT_JSONL:
			rc = tr_jsonl_next(r, ev, diag);
			break;
		default:
			rc = tr_text_next(r, ev, diag);
			break;
		}
	}
	r->in_event = 0;
	if (rc == SIM_ETRACE || rc == SIM_EIO)
		r->failed = rc;
	return rc;
}

uint64_t sim_reader_offset(const sim_reader *r)
{
	return r->base + r->pos;
}

uint64_t sim_reader_size(const sim_reader *r)
{
	return r->size;
}

const char *sim_reader_path(const sim_reader *r)
{
	return r->path;
}

void sim_reader_free(sim_reader *r)
{
	if (!r)
		return;
	if (r->owns_fd)
		close(r->fd);
	tr_json_release(r, 1);
	free(r->buf);
	free(r->path);
	free(r);
}

/* The writers' output */

void tr_out_init(struct tr_out *o, char *buf, size_t sz)
{
	o->buf = buf;
	o->sz = sz;
	o->n = 0;
}

size_t tr_out_end(struct tr_out *o)
{
	if (o->sz)
		o->buf[o->n < o->sz ? o->n : o->sz - 1] = '\0';
	return o->n;
}

void tr_put(struct tr_out *o, const char *s, size_t n)
{
	if (o->n < o->sz) {
		size_t room = o->sz - 1 - o->n;

		memcpy(o->buf + o->n, s, n < room ? n : room);
	}
	o->n += n;
}

void tr_putc(struct tr_out *o, char c)
{
	if (o->n + 1 < o->sz)
		o->buf[o->n] = c;
	o->n++;
}

void tr_puts(struct tr_out *o, const char *s)
{
	tr_put(o, s, strlen(s));
}

void tr_putl(struct tr_out *o, long long v)
{
	char tmp[24];
	unsigned long long a = v < 0 ? 0 - (unsigned long long)v :
		(unsigned long long)v;
	size_t i = sizeof(tmp);

	do
		tmp[--i] = (char)('0' + a % 10);
	while ((a /= 10) != 0);
	if (v < 0)
		tmp[--i] = '-';
	tr_put(o, tmp + i, sizeof(tmp) - i);
}

void tr_put_quoted(struct tr_out *o, const char *s, size_t len, int bytes,
		   size_t (*escape)(unsigned char c, int bytes, char esc[6]))
{
	size_t i, run = 0;

	tr_putc(o, '"');
	for (i = 0; i < len; i++) {
		char esc[6];
		size_t n = escape((unsigned char)s[i], bytes, esc);

		if (!n)
			continue;
		tr_put(o, s + run, i - run);
		tr_put(o, esc, n);
		run = i + 1;
	}
	tr_put(o, s + run, len - run);
	tr_putc(o, '"');
}

void tr_put_fl_type(struct tr_out *o, const struct sim_event *ev)
{
	if (ev->fl_type == SIM_T_TUPLE) {
		tr_puts(o, "tuple:");
		tr_putl(o, ev->fl_size);
	} else {
		tr_puts(o, sim_type_name((enum sim_type)ev->fl_type));
	}
}

size_t sim_float_text(char *buf, size_t sz, double f)
{
	char tmp[40];

	if (isnan(f)) {
		snprintf(tmp, sizeof(tmp), "nan");
	} else if (isinf(f)) {
		snprintf(tmp, sizeof(tmp), f > 0 ? "inf" : "-inf");
	} else {
		/* The fewest digits that read back as the same double (17 always do). */
		for (int digits = 15; digits <= 17; digits++) {
			snprintf(tmp, sizeof(tmp), "%.*g", digits, f);
			if (strtod(tmp, NULL) == f)
				break;
		}
	}
	return (size_t)snprintf(buf, sz, "%s", tmp);
}
