/*
 * trace.c - the trace reader: text, JSON array and JSON lines traces turned
 * into struct sim_event, one record at a time, in bounded memory.
 *
 * Text is parsed in place: a line is tokenized inside the read buffer, each
 * token is NUL-terminated where it ends, and quoted strings are decoded over
 * their own bytes (decoding never lengthens them), so the hot path makes no
 * copy and no allocation.  JSON elements are cut out of the stream by a small
 * bracket scanner and only then handed to cJSON, one event at a time.
 *
 * JSON forms (one object per event; keys in any order; an unknown or
 * repeated key, a missing key or a value of the wrong JSON type is an error):
 *
 *   {"op":"alloc","id":ID,"type":T}          T: none list dict set object
 *                                            gcobj tuple
 *   {"op":"alloc","id":ID,"type":T,"value":V}
 *       int:   a number in digits, of any length; an integral number
 *              with a fraction or exponent (2.0, 1e2) below 2^53 in
 *              magnitude; or a string of decimal digits with an optional
 *              sign ("-1234567890123456789")
 *       float: number, or string ("inf", "-inf", "nan", "1e-3")
 *       str:   string
 *       bytes: string of U+0000..U+00FF, one byte per character
 *       bool:  true or false
 *       tuple: number, the length
 *   {"op":"ref","src":ID,"dst":ID}
 *   {"op":"ref","id":ID}                     a root reference
 *   {"op":"unref","src":ID,"dst":ID}
 *   {"op":"del","id":ID}                     {"op":"unref","id":ID} too
 *   {"op":"collect"}                         generation 2
 *   {"op":"collect","gen":G}
 *   {"op":"gc","action":A}                   A: enable disable freeze
 *                                            unfreeze safepoint
 *   {"op":"gc","action":"threshold","values":[T0,T1,T2]}   1 to 3 numbers
 *   {"op":"expect","kind":"refcnt","id":ID,"value":N}
 *   {"op":"expect","kind":K,"id":ID}         K: alive freed tracked
 *                                            untracked
 *   {"op":"expect","kind":"gen","id":ID,"value":G}
 *   {"op":"expect","kind":"same","ids":[ID,ID]}
 *   {"op":"expect","kind":"count","values":[C0,C1,C2]}
 *   {"op":"expect","kind":"collections","values":[K0,K1,K2]}
 *   {"op":"expect","kind":"collected","value":N}
 *   {"op":"expect","kind":"freelist","type":F,"value":N}
 *                                            F: list dict float tuple:K
 *   {"op":"setting","python":VERSION}        e.g. "3.12"
 *   {"op":"setting","threshold":[T0,T1,T2]}  1 to 3 numbers
 *
 * Every number but a float value must be integral; ranges are those of the
 * text form.  Text and JSON giving the same events give equal sim_events.
 *
 * The JSON is RFC 8259's, checked byte by byte (json_check): no control
 * characters but blanks between tokens, no 01, 1., .5, +1 or 1e, strings
 * of well-formed UTF-8 with no raw control characters and no unpaired
 * surrogate escapes.  Containers nest at most JSON_DEPTH_MAX deep.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "trace.h"

#define RECORD_MAX (1UL << 20)  /* longest text line or JSON element */
#define BUF_INIT (256UL << 10)  /* first buffer size: one read */
#define MAX_TOKENS 8            /* stored per line; more are only counted */
#define JSON_EXACT 9007199254740992.0 /* 2^53: JSON numbers are exact below */
#define JSON_DEPTH_MAX 100      /* containers in containers, the event's own
				   included; cJSON's limit is 1000 */

/* Stands for a \u0000 escape inside cJSON strings; see json_check. */
#define NUL_MARK 0xFF

enum json_state { JS_START, JS_FIRST, JS_ELEM, JS_NEXT, JS_END };

/* Byte classes, for the text tokenizer's inner loop. */
enum {
	C_PLAIN = 1,    /* ASCII that goes on a word: not space, '#', '"' */
	C_ID = 2,       /* may appear in an ID */
};

/*
 * The unread input is buf[pos..end).  end < cap always, so the byte after a
 * last line without a newline can hold its NUL.  Records returned by the
 * last call stay in buf[0..pos) until the next call compacts the buffer.
 */
struct sim_reader {
	int fd;                 /* -1: the input is all in buf already */
	int owns_fd;
	enum sim_format fmt;
	char *path;             /* for diagnostics: as given, or "<stdin>" */
	char *buf;
	size_t cap, pos, end;
	uint64_t base;          /* input offset of buf[0] */
	uint64_t size;          /* 0 when not a regular file */
	int eof;                /* read() has returned 0 */
	int started;            /* BOM skipped, format sniffed */
	int failed;             /* the status of an earlier error, or 0 */
	int in_event;           /* prefix messages with "event N: " */
	unsigned long lineno;   /* lines consumed so far */
	unsigned long index;    /* records returned so far */
	enum json_state jstate;
	unsigned long jline, jcol; /* position of buf[pos] in a JSON array */
	cJSON *root;            /* the current JSON event, which ev borrows */
	char numbuf[40];        /* digits of an int given as a JSON number */
	char *jnum;             /* the current JSON event's numbers as written,
				   each NUL-terminated, in document order */
	size_t jnum_len, jnum_cap;
	size_t *jnum_at;        /* where each number starts in jnum */
	size_t njnum, jnum_atcap;
	unsigned char cls[256]; /* C_PLAIN | C_ID for each byte */
};

#define NAME_OF_OP(e, name, usage) name,
static const char *const op_names[] = { SIM_OP_LIST(NAME_OF_OP) };
#undef NAME_OF_OP

#define NAME_OF(e, name) name,
static const char *const type_names[SIM_T_COUNT_] = { SIM_TYPE_LIST(NAME_OF) };
static const char *const gc_names[] = { SIM_GC_LIST(NAME_OF) };
#undef NAME_OF

#define NAME_OF_EXPECT(e, name, args, usage, what, max) name,
static const char *const expect_names[] = { SIM_EXPECT_LIST(NAME_OF_EXPECT) };
#undef NAME_OF_EXPECT

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* What each expect kind takes, in text order: ids, free list type, numbers. */
enum { X_ID = 1, X_ID2 = 2, X_FLTYPE = 4, X_NUM = 8, X_NUM3 = 16 };

static const struct expect_form {
	unsigned args;
	const char *usage;
	const char *what;       /* name of the number, for messages */
	long long max;
} expect_forms[] = {
#define EXPECT_FORM(e, name, args, usage, what, max) { args, usage, what, max },
	SIM_EXPECT_LIST(EXPECT_FORM)
#undef EXPECT_FORM
};

/* "a, b or c": the words a message offers, from the language's lists. */
static const char *choices(char *buf, size_t sz, const char *const *names, int n)
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
	return (unsigned)op < (unsigned)NELEM(op_names) ? op_names[op] : "?";
}

const char *sim_type_name(enum sim_type t)
{
	return (unsigned)t < (unsigned)NELEM(type_names) ? type_names[t] : "?";
}

const char *sim_gc_action_name(enum sim_gc_action a)
{
	return (unsigned)a < (unsigned)NELEM(gc_names) ? gc_names[a] : "?";
}

const char *sim_expect_name(enum sim_expect_kind k)
{
	return (unsigned)k < (unsigned)NELEM(expect_names) ?
		expect_names[k] : "?";
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	return p;
}

/*
 * Index of s (len bytes, no NUL among them) in names, or -1.  Open-coded:
 * strcmp was a sixth of the time spent on a text trace.
 */
static int lookup(const char *const *names, int n, const char *s, size_t len)
{
	int i;

	for (i = 0; i < n; i++) {
		const char *w = names[i];
		size_t k = 0;

		while (k < len && w[k] == s[k])
			k++;
		if (k == len && w[k] == '\0')
			return i;
	}
	return -1;
}

static int is_id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
	       c == '-';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
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

/* Move a line/column position over n bytes; columns count characters. */
static void advance_pos(const char *s, size_t n, unsigned long *line,
			unsigned long *col)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/* A printable, bounded rendering of untrusted bytes for a message. */
struct shown {
	char s[96];
};

static const char *show_as(struct shown *b, const char *s, size_t len,
			   int json)
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

static const char *show(struct shown *b, const char *s, size_t len)
{
	return show_as(b, s, len, 0);
}

/* show() for a string from the input, which in JSON may hold NUL_MARK. */
static const char *rshow(const struct sim_reader *r, struct shown *b,
			 const char *s, size_t len)
{
	return show_as(b, s, len, r->fmt == SIM_FMT_JSON ||
		       r->fmt == SIM_FMT_JSONL);
}

/* The character at s (n bytes left), for "got 'x'" messages. */
static const char *show_char(struct shown *b, const char *s, size_t n)
{
	size_t k = n ? utf8_seq((const unsigned char *)s, n) : 0;

	return show(b, s, k ? k : n ? 1 : 0);
}

static int fail(struct sim_reader *r, struct sim_diag *d, unsigned long line,
		unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(struct sim_reader *r, struct sim_diag *d, unsigned long line,
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

/*
 * Read more input after buf[end], first moving the unread bytes to the
 * front and growing the buffer if it is full.  Callers bound what they
 * keep (RECORD_MAX), so the buffer stays bounded too.
 */
static int fill(struct sim_reader *r, struct sim_diag *d)
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
		r->buf = xrealloc(r->buf, r->cap);
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

/* Numbers and values, shared by the text and JSON forms. */

static int check_id(struct sim_reader *r, struct sim_diag *d,
		    unsigned long line, unsigned long col, const char *s,
		    size_t len)
{
	struct shown b;
	size_t i;

	if (len > SIM_ID_MAX)
		return fail(r, d, line, col,
			    "id too long (%zu bytes, at most %d)", len,
			    SIM_ID_MAX);
	if (len == 0)
		return fail(r, d, line, col, "empty id");
	for (i = 0; i < len; i++)
		if (!(r->cls[(unsigned char)s[i]] & C_ID))
			return fail(r, d, line, col,
				    "invalid id '%s' (letters, digits and _ . : - only)",
				    rshow(r, &b, s, len));
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

static int get_num(struct sim_reader *r, struct sim_diag *d,
		   unsigned long line, unsigned long col, const char *s,
		   size_t len, long long min, long long max, const char *what,
		   long long *out)
{
	struct shown b;
	int rc = parse_ll(s, len, out);

	if (rc == -1)
		return fail(r, d, line, col, "invalid %s '%s'", what,
			    rshow(r, &b, s, len));
	if (rc == -2 || *out < min || *out > max)
		return fail(r, d, line, col, "%s %s out of range %lld..%lld",
			    what, rshow(r, &b, s, len), min, max);
	return SIM_OK;
}

/*
 * Check an int literal and rewrite it in place as canonical digits (no '+',
 * no leading zeros, no "-0"); s[len] must be writable.  -1 if malformed.
 */
static int canon_int(char *s, size_t len, struct sim_value *v)
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
 * Floats as Python writes them: decimal or exponent form, inf, infinity or
 * nan; no hex floats, no "nan(...)", which strtod alone would take.  s must
 * be NUL-terminated at s[len].
 */
static int parse_float(const char *s, size_t len, double *out)
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
	*out = strtod(s, &end);
	return end == s + len ? 0 : -1;
}

static int parse_fl_type(struct sim_reader *r, struct sim_diag *d,
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
		rc = get_num(r, d, line, col, s + 6, len - 6, 1, 20,
			     "free list tuple length", &k);
		if (rc)
			return rc;
		ev->fl_type = SIM_T_TUPLE;
		ev->fl_size = (int)k;
	} else {
		return fail(r, d, line, col,
			    "invalid free list type '%s' (list, dict, float or tuple:K)",
			    rshow(r, &b, s, len));
	}
	return SIM_OK;
}

static int check_version(struct sim_reader *r, struct sim_diag *d,
			 unsigned long line, unsigned long col, const char *s,
			 size_t len)
{
	struct shown b;
	size_t i;

	if (len > SIM_VERSION_MAX)
		return fail(r, d, line, col,
			    "python version too long (%zu bytes, at most %d)",
			    len, SIM_VERSION_MAX);
	for (i = 0; i < len; i++)
		if (!is_id_char((unsigned char)s[i]))
			break;
	if (len == 0 || i != len)
		return fail(r, d, line, col, "invalid python version '%s'",
			    rshow(r, &b, s, len));
	return SIM_OK;
}

/* Text traces */

struct tok {
	char *s;                /* in the line buffer; NUL-terminated */
	size_t len;             /* raw length, quotes included */
	unsigned long col;
	int quoted;
};

struct line {
	struct tok t[MAX_TOKENS];
	int n;                  /* tokens seen, may exceed MAX_TOKENS */
	int setting;            /* the line starts with "#:" */
	unsigned long col0;     /* column of "#:" */
};

/* The next line, without its '\n'; it stays put until the next fill(). */
static int next_line(struct sim_reader *r, struct sim_diag *d, char **line,
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
				return fail(r, d, r->lineno, 1,
					    "line too long (more than %lu bytes)",
					    RECORD_MAX);
			return SIM_OK;
		}
		if (r->eof)
			return SIM_EOF;
		if (avail > RECORD_MAX)
			return fail(r, d, r->lineno + 1, 1,
				    "line too long (more than %lu bytes)",
				    RECORD_MAX);
		scanned = avail;
		rc = fill(r, d);
		if (rc)
			return rc;
	}
}

static void add_tok(struct line *L, char *s, size_t len, unsigned long col,
		    int quoted)
{
	if (L->n < MAX_TOKENS) {
		L->t[L->n].s = s;
		L->t[L->n].len = len;
		L->t[L->n].col = col;
		L->t[L->n].quoted = quoted;
	}
	L->n++;
}

static int bad_byte(struct sim_reader *r, struct sim_diag *d,
		    unsigned long col, unsigned char c)
{
	if (c >= 0x80)
		return fail(r, d, r->lineno, col, "invalid utf-8 byte 0x%02x",
			    c);
	return fail(r, d, r->lineno, col, "invalid control character 0x%02x",
		    c);
}

/* A quoted string at s[*i]: check its escapes and find its end. */
static int scan_quoted(struct sim_reader *r, struct sim_diag *d,
		       const unsigned char *u, size_t n, size_t *pi,
		       unsigned long *pcol)
{
	unsigned long col = *pcol, qcol = *pcol;
	size_t i = *pi + 1;
	struct shown b;

	col++;
	for (;;) {
		unsigned char c;

		if (i >= n)
			return fail(r, d, r->lineno, qcol, "unterminated string");
		c = u[i];
		if (c == '"') {
			i++;
			col++;
			break;
		}
		if (c == '\\') {
			unsigned char e;
			size_t k;

			if (i + 1 >= n)
				return fail(r, d, r->lineno, qcol,
					    "unterminated string");
			e = u[i + 1];
			if (e == '"' || e == '\\' || e == 'n' || e == 't') {
				i += 2;
				col += 2;
				continue;
			}
			if (e == 'x' && i + 3 < n && hex_val(u[i + 2]) >= 0 &&
			    hex_val(u[i + 3]) >= 0) {
				i += 4;
				col += 4;
				continue;
			}
			/* quote the backslash and whole characters after it */
			k = i + 1 + (utf8_seq(u + i + 1, n - i - 1) ?
				     utf8_seq(u + i + 1, n - i - 1) : 1);
			if (e == 'x')
				while (k < n && k < i + 4 && u[k] > ' ' &&
				       u[k] < 0x7F && u[k] != '"')
					k++;
			return fail(r, d, r->lineno, col, "invalid escape '%s'",
				    show(&b, (const char *)u + i, k - i));
		}
		if (c >= 0x80) {
			size_t k = utf8_seq(u + i, n - i);

			if (!k)
				return bad_byte(r, d, col, c);
			i += k;
		} else if ((c < 0x20 && c != '\t') || c == 0x7F) {
			return bad_byte(r, d, col, c);
		} else {
			i++;
		}
		col++;
	}
	if (i < n && u[i] != ' ' && u[i] != '\t' && u[i] != '#')
		return fail(r, d, r->lineno, col,
			    "missing space after closing quote");
	*pi = i;
	*pcol = col;
	return SIM_OK;
}

/* A comment may hold anything but broken UTF-8. */
static int check_comment(struct sim_reader *r, struct sim_diag *d,
			 const unsigned char *u, size_t n, unsigned long col)
{
	size_t i = 0;

	while (i < n) {
		size_t q = u[i] < 0x80 ? 1 : utf8_seq(u + i, n - i);

		if (!q)
			return bad_byte(r, d, col, u[i]);
		i += q;
		col++;
	}
	return SIM_OK;
}

/*
 * Split s[0..n) into tokens, checking UTF-8, control characters and string
 * escapes on the way, and NUL-terminate each token over the blank, '#' or
 * line end that follows it (s[n] is writable).
 */
static int tokenize(struct sim_reader *r, struct sim_diag *d, char *s,
		    size_t n, struct line *L)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long col = 1;
	size_t i = 0;
	int rc;

	L->n = 0;
	L->setting = 0;
	s[n] = '\0';    /* a sentinel: no class, not blank */
	while (u[i] == ' ' || u[i] == '\t') {
		i++;
		col++;
	}
	if (i + 1 < n && u[i] == '#' && u[i + 1] == ':') {
		L->setting = 1;
		L->col0 = col;
		i += 2;
		col += 2;
	}
	for (;;) {
		size_t start;
		unsigned long tcol;

		while (u[i] == ' ' || u[i] == '\t') {
			i++;
			col++;
		}
		if (i >= n)
			return SIM_OK;
		if (u[i] == '#')
			return check_comment(r, d, u + i, n - i, col);
		start = i;
		tcol = col;
		if (u[i] == '"') {
			rc = scan_quoted(r, d, u, n, &i, &col);
			if (rc)
				return rc;
			add_tok(L, s + start, i - start, tcol, 1);
		} else {
			for (;;) {
				size_t i0 = i;
				unsigned char c;

				while (r->cls[u[i]] & C_PLAIN)
					i++;
				col += i - i0;
				if (i >= n)
					break;
				c = u[i];
				if (c == ' ' || c == '\t' || c == '#')
					break;
				if (c == '"')
					return fail(r, d, r->lineno, col,
						    "unexpected '\"' inside a word");
				if (c < 0x80)
					return bad_byte(r, d, col, c);
				c = (unsigned char)utf8_seq(u + i, n - i);
				if (!c)
					return bad_byte(r, d, col, u[i]);
				i += c;
				col++;
			}
			add_tok(L, s + start, i - start, tcol, 0);
		}
		if (i < n && u[i] == '#') {
			rc = check_comment(r, d, u + i, n - i, col);
			s[i] = '\0';
			return rc;
		}
		s[i] = '\0';
		if (i < n) {
			i++;
			col++;
		}
	}
}

/*
 * Decode a quoted token over its own bytes.  str: \xHH is U+00HH, written
 * as UTF-8.  bytes: \xHH is a raw byte and a literal non-ASCII character is
 * an error, as in a Python bytes literal.  Escapes were checked already.
 */
static int decode_quoted(struct sim_reader *r, struct sim_diag *d,
			 struct tok *t, int bytes, struct sim_value *v)
{
	unsigned char *w = (unsigned char *)t->s;
	const unsigned char *p = w + 1, *end = w + t->len - 1;
	unsigned long col = t->col + 1;

	while (p < end) {
		unsigned c = *p;

		if (c == '\\') {
			switch (p[1]) {
			case 'n':
				*w++ = '\n';
				break;
			case 't':
				*w++ = '\t';
				break;
			case 'x':
				c = (unsigned)(hex_val(p[2]) * 16 + hex_val(p[3]));
				if (bytes || c < 0x80) {
					*w++ = (unsigned char)c;
				} else {
					*w++ = (unsigned char)(0xC0 | (c >> 6));
					*w++ = (unsigned char)(0x80 | (c & 0x3F));
				}
				p += 2;
				col += 2;
				break;
			default:
				*w++ = p[1];
				break;
			}
			p += 2;
			col += 2;
		} else if (c >= 0x80) {
			size_t k = utf8_seq(p, (size_t)(end - p));

			if (bytes)
				return fail(r, d, r->lineno, col,
					    "non-ascii character in bytes value (write it as \\xHH)");
			memmove(w, p, k);
			w += k;
			p += k;
			col++;
		} else {
			*w++ = *p++;
			col++;
		}
	}
	*w = '\0';
	v->s = t->s;
	v->len = (size_t)((char *)w - t->s);
	return SIM_OK;
}

static int need_args(struct sim_reader *r, struct sim_diag *d,
		     const struct line *L, int skip, int min, int max,
		     const char *usage)
{
	int nargs = L->n - skip;
	unsigned long col;

	if (nargs >= min && nargs <= max)
		return SIM_OK;
	col = nargs > max ? L->t[skip + max].col : L->t[0].col;
	return fail(r, d, r->lineno, col, "%s, got %d argument%s", usage,
		    nargs, nargs == 1 ? "" : "s");
}

static int tok_id(struct sim_reader *r, struct sim_diag *d,
		  const struct tok *t, const char **out)
{
	*out = t->s;
	return check_id(r, d, r->lineno, t->col, t->s, t->len);
}

static int tok_num(struct sim_reader *r, struct sim_diag *d,
		   const struct tok *t, long long min, long long max,
		   const char *what, long long *out)
{
	return get_num(r, d, r->lineno, t->col, t->s, t->len, min, max, what,
		       out);
}

static int text_value(struct sim_reader *r, struct sim_diag *d,
		      struct sim_event *ev, struct tok *v,
		      const struct tok *type_tok)
{
	struct sim_value *val = &ev->value;
	const char *name = sim_type_name(ev->type);
	struct shown b;
	long long n;
	int rc;

	switch (ev->type) {
	case SIM_T_NONE:
	case SIM_T_LIST:
	case SIM_T_DICT:
	case SIM_T_SET:
	case SIM_T_OBJECT:
	case SIM_T_GCOBJ:
		if (v)
			return fail(r, d, r->lineno, v->col,
				    "%s takes no value, got '%s'", name,
				    show(&b, v->s, v->len));
		return SIM_OK;
	case SIM_T_TUPLE:
		if (!v)
			return SIM_OK;
		rc = tok_num(r, d, v, 0, SIM_TUPLE_MAX, "tuple length", &n);
		if (rc)
			return rc;
		val->has = 1;
		val->i = n;
		return SIM_OK;
	default:
		break;
	}
	if (!v)
		return fail(r, d, r->lineno, type_tok->col,
			    "missing value for %s", name);
	val->has = 1;
	switch (ev->type) {
	case SIM_T_BOOL:
		if (!v->quoted && strcmp(v->s, "true") == 0)
			val->i = 1;
		else if (v->quoted || strcmp(v->s, "false") != 0)
			return fail(r, d, r->lineno, v->col,
				    "invalid bool value '%s' (true or false)",
				    show(&b, v->s, v->len));
		return SIM_OK;
	case SIM_T_INT:
		if (canon_int(v->s, v->len, val))
			return fail(r, d, r->lineno, v->col,
				    "invalid int value '%s'",
				    show(&b, v->s, v->len));
		return SIM_OK;
	case SIM_T_FLOAT:
		if (parse_float(v->s, v->len, &val->f))
			return fail(r, d, r->lineno, v->col,
				    "invalid float value '%s'",
				    show(&b, v->s, v->len));
		return SIM_OK;
	case SIM_T_STR:
		if (v->quoted)
			return decode_quoted(r, d, v, 0, val);
		val->s = v->s;
		val->len = v->len;
		return SIM_OK;
	case SIM_T_BYTES:
		if (!v->quoted)
			return fail(r, d, r->lineno, v->col,
				    "bytes value must be a quoted string, got '%s'",
				    show(&b, v->s, v->len));
		return decode_quoted(r, d, v, 1, val);
	default:
		return SIM_OK;
	}
}

static int text_alloc(struct sim_reader *r, struct sim_diag *d,
		      struct line *L, struct sim_event *ev)
{
	struct tok *t = L->t;
	struct shown b;
	int rc, type;

	rc = need_args(r, d, L, 1, 2, 3, "alloc takes ID TYPE [VALUE]");
	if (rc)
		return rc;
	rc = tok_id(r, d, &t[1], &ev->id);
	if (rc)
		return rc;
	type = t[2].quoted ? -1 : lookup(type_names, SIM_T_COUNT_, t[2].s, t[2].len);
	if (type < 0)
		return fail(r, d, r->lineno, t[2].col, "unknown type '%s'",
			    show(&b, t[2].s, t[2].len));
	ev->type = (enum sim_type)type;
	return text_value(r, d, ev, L->n > 3 ? &t[3] : NULL, &t[2]);
}

static int text_gc(struct sim_reader *r, struct sim_diag *d, struct line *L,
		   struct sim_event *ev)
{
	struct tok *t = L->t;
	char usage[64];
	struct shown b;
	long long n;
	int a, k, rc;

	if (L->n < 2)
		return fail(r, d, r->lineno, t[0].col,
			    "gc needs an action: %s",
			    choices(usage, sizeof(usage), gc_names, NELEM(gc_names)));
	a = t[1].quoted ? -1 : lookup(gc_names, NELEM(gc_names), t[1].s, t[1].len);
	if (a < 0)
		return fail(r, d, r->lineno, t[1].col,
			    "unknown gc action '%s'", show(&b, t[1].s, t[1].len));
	ev->action = (enum sim_gc_action)a;
	if (a != SIM_GC_THRESHOLD) {
		snprintf(usage, sizeof(usage), "gc %s takes no arguments",
			 gc_names[a]);
		return need_args(r, d, L, 2, 0, 0, usage);
	}
	rc = need_args(r, d, L, 2, 1, 3, "gc threshold takes T0 [T1 [T2]]");
	if (rc)
		return rc;
	for (k = 0; k < L->n - 2; k++) {
		rc = tok_num(r, d, &t[2 + k], 0, INT_MAX, "threshold", &n);
		if (rc)
			return rc;
		ev->nums[k] = (long)n;
	}
	ev->nnums = L->n - 2;
	return SIM_OK;
}

static int text_expect(struct sim_reader *r, struct sim_diag *d,
		       struct line *L, struct sim_event *ev)
{
	const struct expect_form *f;
	struct tok *t = L->t;
	char usage[64], words[160];
	struct shown b;
	long long n;
	int kind, nargs, a = 2, k, rc;

	if (L->n < 2)
		return fail(r, d, r->lineno, t[0].col,
			    "expect needs a kind: %s",
			    choices(words, sizeof(words), expect_names, NELEM(expect_names)));
	kind = t[1].quoted ? -1 :
		lookup(expect_names, NELEM(expect_names), t[1].s,
			   t[1].len);
	if (kind < 0)
		return fail(r, d, r->lineno, t[1].col,
			    "unknown expect kind '%s'",
			    show(&b, t[1].s, t[1].len));
	ev->expect = (enum sim_expect_kind)kind;
	f = &expect_forms[kind];
	nargs = !!(f->args & X_ID) + !!(f->args & X_ID2) +
		!!(f->args & X_FLTYPE) + !!(f->args & X_NUM) +
		3 * !!(f->args & X_NUM3);
	snprintf(usage, sizeof(usage), "expect %s takes %s",
		 expect_names[kind], f->usage);
	rc = need_args(r, d, L, 2, nargs, nargs, usage);
	if (rc)
		return rc;
	if (f->args & X_ID) {
		rc = tok_id(r, d, &t[a++], &ev->id);
		if (rc)
			return rc;
	}
	if (f->args & X_ID2) {
		rc = tok_id(r, d, &t[a++], &ev->id2);
		if (rc)
			return rc;
	}
	if (f->args & X_FLTYPE) {
		rc = parse_fl_type(r, d, r->lineno, t[a].col, t[a].s, t[a].len,
				   ev);
		if (rc)
			return rc;
		a++;
	}
	for (k = 0; a < L->n; k++, a++) {
		rc = tok_num(r, d, &t[a], 0, f->max, f->what, &n);
		if (rc)
			return rc;
		ev->nums[k] = (long)n;
	}
	ev->nnums = k;
	if (kind == SIM_EXPECT_GEN)
		ev->gen = (int)ev->nums[0];
	return SIM_OK;
}

static int text_setting(struct sim_reader *r, struct sim_diag *d,
			struct line *L, struct sim_event *ev)
{
	struct tok *t = L->t;
	struct shown b;
	long long n;
	int k, rc;

	ev->col = L->col0;
	if (L->n == 0)
		return fail(r, d, r->lineno, L->col0,
			    "missing setting after '#:'");
	if (!t[0].quoted && strcmp(t[0].s, "python") == 0) {
		rc = need_args(r, d, L, 1, 1, 1, "#: python takes VERSION");
		if (rc)
			return rc;
		rc = check_version(r, d, r->lineno, t[1].col, t[1].s,
				   t[1].len);
		if (rc)
			return rc;
		ev->setting = SIM_SET_PYTHON;
		ev->setting_str = t[1].s;
		return SIM_OK;
	}
	if (!t[0].quoted && strcmp(t[0].s, "threshold") == 0) {
		rc = need_args(r, d, L, 1, 1, 3,
			       "#: threshold takes T0 [T1 [T2]]");
		if (rc)
			return rc;
		for (k = 0; k < L->n - 1; k++) {
			rc = tok_num(r, d, &t[1 + k], 0, INT_MAX, "threshold",
				     &n);
			if (rc)
				return rc;
			ev->nums[k] = (long)n;
		}
		ev->nnums = L->n - 1;
		ev->setting = SIM_SET_THRESHOLD;
		return SIM_OK;
	}
	return fail(r, d, r->lineno, t[0].col, "unknown setting '%s'",
		    show(&b, t[0].s, t[0].len));
}

static int text_event(struct sim_reader *r, struct sim_diag *d,
		      struct line *L, struct sim_event *ev)
{
	struct tok *t = L->t;
	struct shown b;
	long long n;
	int op, rc;

	if (L->setting) {
		ev->op = SIM_OP_SETTING;
		return text_setting(r, d, L, ev);
	}
	ev->col = t[0].col;
	ev->id_col = L->n > 1 ? t[1].col : t[0].col;
	op = t[0].quoted ? -1 : lookup(op_names, NELEM(op_names), t[0].s, t[0].len);
	if (op < 0 || op == SIM_OP_SETTING)
		return fail(r, d, r->lineno, t[0].col, "unknown event '%s'",
			    show(&b, t[0].s, t[0].len));
	ev->op = (enum sim_op)op;
	switch (op) {
	case SIM_OP_ALLOC:
		return text_alloc(r, d, L, ev);
	case SIM_OP_REF:
	case SIM_OP_UNREF:
		rc = need_args(r, d, L, 1, 1, 2, op == SIM_OP_REF ?
			       "ref takes SRC [DST]" : "unref takes SRC [DST]");
		if (rc)
			return rc;
		rc = tok_id(r, d, &t[1], &ev->id);
		if (rc)
			return rc;
		if (L->n == 2) {
			/* a root reference: "unref ID" is "del ID" */
			if (op == SIM_OP_UNREF)
				ev->op = SIM_OP_DEL;
			return SIM_OK;
		}
		ev->dst_col = t[2].col;
		return tok_id(r, d, &t[2], &ev->dst);
	case SIM_OP_DEL:
		rc = need_args(r, d, L, 1, 1, 1, "del takes ID");
		if (rc)
			return rc;
		return tok_id(r, d, &t[1], &ev->id);
	case SIM_OP_COLLECT:
		rc = need_args(r, d, L, 1, 0, 1, "collect takes [GEN]");
		if (rc)
			return rc;
		ev->gen = 2;
		if (L->n == 2) {
			rc = tok_num(r, d, &t[1], 0, 2, "generation", &n);
			if (rc)
				return rc;
			ev->gen = (int)n;
		}
		return SIM_OK;
	case SIM_OP_GC:
		return text_gc(r, d, L, ev);
	default:
		return text_expect(r, d, L, ev);
	}
}

static int text_next(struct sim_reader *r, struct sim_event *ev,
		     struct sim_diag *d)
{
	struct line L;
	char *s = NULL;
	size_t n;
	int rc;

	for (;;) {
		rc = next_line(r, d, &s, &n);
		if (rc)
			return rc;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		rc = tokenize(r, d, s, n, &L);
		if (rc)
			return rc;
		if (L.n == 0 && !L.setting)
			continue;
		ev->line = r->lineno;
		ev->index = r->index;
		rc = text_event(r, d, &L, ev);
		if (rc == SIM_OK)
			r->index++;
		return rc;
	}
}

/* JSON traces */

struct jev {
	struct sim_reader *r;
	struct sim_diag *d;
	struct sim_event *ev;
	const cJSON *obj;
	const char *op;         /* for messages: "alloc event", ... */
	const char *sub;        /* "gc threshold event", or NULL */
	char what[48];
};

/* What the event is, for a message; built only when one is needed. */
static const char *jwhat(struct jev *j)
{
	if (!j->op)
		return "event";
	if (j->sub)
		snprintf(j->what, sizeof(j->what), "%s %s event", j->op, j->sub);
	else
		snprintf(j->what, sizeof(j->what), "%s event", j->op);
	return j->what;
}

static int jfail(struct jev *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int jfail(struct jev *j, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(j->r, j->d, j->ev->line, j->ev->col, "%s", msg);
}

/* show() for a string cJSON gave, which may hold NUL_MARK. */
static const char *jshow(struct shown *b, const char *s)
{
	return show_as(b, s, strlen(s), 1);
}

/* Every key must be one of allowed (NULL-terminated), and only once. */
static int jkeys(struct jev *j, const char *const *allowed)
{
	const cJSON *it, *prev;
	struct shown b;
	int k;

	for (it = j->obj->child; it; it = it->next) {
		const char *key = it->string ? it->string : "";

		for (k = 0; allowed[k]; k++)
			if (strcmp(allowed[k], key) == 0)
				break;
		if (!allowed[k])
			return jfail(j, "unknown key '%s' in %s",
				     jshow(&b, key), jwhat(j));
		for (prev = j->obj->child; prev != it; prev = prev->next)
			if (prev->string && strcmp(prev->string, key) == 0)
				return jfail(j, "duplicate key '%s' in %s",
					     jshow(&b, key), jwhat(j));
	}
	return SIM_OK;
}

static const cJSON *jget(struct jev *j, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(j->obj, key);
}

static int jstring(struct jev *j, const char *key, char **out)
{
	const cJSON *it = jget(j, key);

	if (!it)
		return jfail(j, "missing key '%s' in %s", key, jwhat(j));
	if (!cJSON_IsString(it))
		return jfail(j, "key '%s' must be a string in %s", key,
			     jwhat(j));
	*out = it->valuestring;
	return SIM_OK;
}

static int jid_of(struct jev *j, const cJSON *it, const char *key,
		  const char **out)
{
	if (!cJSON_IsString(it))
		return jfail(j, "key '%s' must be a string in %s", key,
			     jwhat(j));
	*out = it->valuestring;
	return check_id(j->r, j->d, j->ev->line, j->ev->col, *out,
			strlen(*out));
}

static int jid(struct jev *j, const char *key, const char **out)
{
	const cJSON *it = jget(j, key);

	if (!it)
		return jfail(j, "missing key '%s' in %s", key, jwhat(j));
	return jid_of(j, it, key, out);
}

/*
 * The text of the number item it, as the input wrote it: json_check kept
 * the numbers of the event in document order, the order in which a walk of
 * the tree, children before siblings, meets them.
 */
static int jnum_find(const cJSON *node, const cJSON *it, size_t *k)
{
	for (; node; node = node->next) {
		if (node == it)
			return 1;
		if (cJSON_IsNumber(node))
			(*k)++;
		if (node->child && jnum_find(node->child, it, k))
			return 1;
	}
	return 0;
}

static char *jnum_text(struct jev *j, const cJSON *it)
{
	size_t k = 0;
	int found = jnum_find(j->obj->child, it, &k);

	assert(found && k < j->r->njnum);
	(void)found;
	return j->r->jnum + j->r->jnum_at[k];
}

/* Whether a JSON number is written as an integer: no fraction, no exponent. */
static int is_int_text(const char *s)
{
	return strpbrk(s, ".eE") == NULL;
}

/* A JSON number in the text form's spelling, for an integral double. */
static const char *num_token(double v, char *buf, size_t size)
{
	if (v > -9.2e18 && v < 9.2e18 && (double)(long long)v == v)
		snprintf(buf, size, "%lld", (long long)v);
	else
		snprintf(buf, size, "%.17g", v);
	return buf;
}

/*
 * An integral number in min..max.  Written with a fraction or an exponent
 * (2.0, 1e2), it is taken for its value; messages quote it as written.
 */
static int jnum_of(struct jev *j, const cJSON *it, const char *key,
		   long long min, long long max, const char *what,
		   long long *out)
{
	struct shown b;
	const char *s;
	double v;

	if (!cJSON_IsNumber(it))
		return jfail(j, "key '%s' must be a number in %s", key,
			     jwhat(j));
	s = jnum_text(j, it);
	if (is_int_text(s))
		return get_num(j->r, j->d, j->ev->line, j->ev->col, s,
			       strlen(s), min, max, what, out);
	v = strtod(s, NULL);
	if (v - v == 0 && v != floor(v))
		return jfail(j, "invalid %s '%s'", what,
			     show(&b, s, strlen(s)));
	if (!(v >= (double)min && v <= (double)max && v > -9.2e18 &&
	      v < 9.2e18))
		return jfail(j, "%s %s out of range %lld..%lld", what,
			     show(&b, s, strlen(s)), min, max);
	*out = (long long)v;
	return SIM_OK;
}

static int jnums(struct jev *j, const char *key, int minn, int maxn,
		 long long max, const char *what)
{
	const cJSON *arr = jget(j, key), *it;
	long long n;
	int k = 0, cnt, rc;

	if (!arr)
		return jfail(j, "missing key '%s' in %s", key, jwhat(j));
	if (!cJSON_IsArray(arr))
		return jfail(j, "key '%s' must be an array in %s", key,
			     jwhat(j));
	cnt = cJSON_GetArraySize(arr);
	if (cnt < minn || cnt > maxn) {
		if (minn == maxn)
			return jfail(j, "key '%s' must hold %d numbers in %s, got %d",
				     key, minn, jwhat(j), cnt);
		return jfail(j, "key '%s' must hold %d to %d numbers in %s, got %d",
			     key, minn, maxn, jwhat(j), cnt);
	}
	for (it = arr->child; it; it = it->next, k++) {
		rc = jnum_of(j, it, key, 0, max, what, &n);
		if (rc)
			return rc;
		j->ev->nums[k] = (long)n;
	}
	j->ev->nnums = cnt;
	return SIM_OK;
}

/* cJSON strings end at NUL: turn the marks json_check left back to NUL. */
static size_t json_unmark(char *s)
{
	size_t i, len = strlen(s);

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] == NUL_MARK)
			s[i] = '\0';
	return len;
}

/* A well-formed UTF-8 string made of U+0000..U+00FF, to bytes, in place. */
static int json_latin1(struct jev *j, char *s, size_t *len)
{
	unsigned char *p = (unsigned char *)s, *w = p;

	while (*p) {
		if (*p == NUL_MARK) {
			*w++ = 0;
			p++;
		} else if (*p < 0x80) {
			*w++ = *p++;
		} else {
			size_t k = utf8_seq(p, 4);
			unsigned long cp = *p & (0xFF >> (k + 1));
			size_t m;

			for (m = 1; m < k; m++)
				cp = cp << 6 | (p[m] & 0x3F);
			if (cp > 0xFF)
				return jfail(j, "bytes value has character U+%04lX above U+00FF",
					     cp);
			*w++ = (unsigned char)cp;
			p += k;
		}
	}
	*len = (size_t)(w - (unsigned char *)s);
	return SIM_OK;
}

static int json_value(struct jev *j)
{
	struct sim_event *ev = j->ev;
	struct sim_value *val = &ev->value;
	const cJSON *it = jget(j, "value");
	const char *name = sim_type_name(ev->type);
	struct shown b;
	char buf[40];
	long long n;
	int rc;

	switch (ev->type) {
	case SIM_T_NONE:
	case SIM_T_LIST:
	case SIM_T_DICT:
	case SIM_T_SET:
	case SIM_T_OBJECT:
	case SIM_T_GCOBJ:
		if (it)
			return jfail(j, "%s takes no value", name);
		return SIM_OK;
	case SIM_T_TUPLE:
		if (!it)
			return SIM_OK;
		rc = jnum_of(j, it, "value", 0, SIM_TUPLE_MAX, "tuple length",
			     &n);
		if (rc)
			return rc;
		val->has = 1;
		val->i = n;
		return SIM_OK;
	default:
		break;
	}
	if (!it)
		return jfail(j, "missing value for %s", name);
	val->has = 1;
	switch (ev->type) {
	case SIM_T_BOOL:
		if (!cJSON_IsBool(it))
			return jfail(j, "key 'value' must be true or false in %s",
				     jwhat(j));
		val->i = cJSON_IsTrue(it) ? 1 : 0;
		return SIM_OK;
	case SIM_T_INT:
		if (cJSON_IsNumber(it)) {
			char *s = jnum_text(j, it);
			double v;

			/* digits are exact, however many */
			if (is_int_text(s)) {
				canon_int(s, strlen(s), val);
				return SIM_OK;
			}
			v = strtod(s, NULL);
			if (v - v == 0 && v != floor(v))
				return jfail(j, "invalid int value '%s'",
					     show(&b, s, strlen(s)));
			if (!(v > -JSON_EXACT && v < JSON_EXACT))
				return jfail(j, "int value %s is not exact as a JSON number (give it as a string or in digits)",
					     show(&b, s, strlen(s)));
			num_token(v, buf, sizeof(buf));
			memcpy(j->r->numbuf, buf, sizeof(buf));
			canon_int(j->r->numbuf, strlen(j->r->numbuf), val);
			return SIM_OK;
		}
		if (!cJSON_IsString(it))
			return jfail(j, "key 'value' must be a number or a string in %s",
				     jwhat(j));
		if (canon_int(it->valuestring, strlen(it->valuestring), val))
			return jfail(j, "invalid int value '%s'",
				     jshow(&b, it->valuestring));
		return SIM_OK;
	case SIM_T_FLOAT:
		if (cJSON_IsNumber(it)) {
			const char *s = jnum_text(j, it);
			int bad;

			/* JSON's number syntax is a subset of the text form's */
			bad = parse_float(s, strlen(s), &val->f);
			assert(!bad);
			(void)bad;
			return SIM_OK;
		}
		if (!cJSON_IsString(it))
			return jfail(j, "key 'value' must be a number or a string in %s",
				     jwhat(j));
		if (parse_float(it->valuestring, strlen(it->valuestring),
				&val->f))
			return jfail(j, "invalid float value '%s'",
				     jshow(&b, it->valuestring));
		return SIM_OK;
	case SIM_T_STR:
		if (!cJSON_IsString(it))
			return jfail(j, "key 'value' must be a string in %s",
				     jwhat(j));
		val->s = it->valuestring;
		val->len = json_unmark(it->valuestring);
		return SIM_OK;
	case SIM_T_BYTES:
		if (!cJSON_IsString(it))
			return jfail(j, "key 'value' must be a string in %s",
				     jwhat(j));
		val->s = it->valuestring;
		return json_latin1(j, it->valuestring, &val->len);
	default:
		return SIM_OK;
	}
}

static int json_alloc(struct jev *j)
{
	static const char *const keys[] = { "op", "id", "type", "value", NULL };
	struct shown b;
	char *s = NULL;
	int rc, type;

	rc = jkeys(j, keys);
	if (rc)
		return rc;
	rc = jid(j, "id", &j->ev->id);
	if (rc)
		return rc;
	rc = jstring(j, "type", &s);
	if (rc)
		return rc;
	type = lookup(type_names, SIM_T_COUNT_, s, strlen(s));
	if (type < 0)
		return jfail(j, "unknown type '%s'", jshow(&b, s));
	j->ev->type = (enum sim_type)type;
	return json_value(j);
}

static int json_ref(struct jev *j)
{
	static const char *const keys[] = { "op", "src", "dst", "id", NULL };
	struct sim_event *ev = j->ev;
	const cJSON *id = jget(j, "id"), *src = jget(j, "src"),
		*dst = jget(j, "dst");
	int rc;

	rc = jkeys(j, keys);
	if (rc)
		return rc;
	if (id && !src && !dst) {
		if (ev->op == SIM_OP_UNREF)
			ev->op = SIM_OP_DEL;
		return jid_of(j, id, "id", &ev->id);
	}
	if (!id && src && dst) {
		ev->dst_col = ev->col;
		ev->id_col = ev->col;
		rc = jid_of(j, src, "src", &ev->id);
		if (rc)
			return rc;
		return jid_of(j, dst, "dst", &ev->dst);
	}
	return jfail(j, "%s needs 'src' and 'dst', or 'id'", jwhat(j));
}

static int json_gc(struct jev *j)
{
	static const char *const keys[] = { "op", "action", NULL };
	static const char *const tkeys[] = { "op", "action", "values", NULL };
	struct shown b;
	char *s = NULL;
	int a, rc;

	rc = jstring(j, "action", &s);
	if (rc)
		return rc;
	a = lookup(gc_names, NELEM(gc_names), s, strlen(s));
	if (a < 0)
		return jfail(j, "unknown gc action '%s'",
			     jshow(&b, s));
	j->ev->action = (enum sim_gc_action)a;
	j->sub = gc_names[a];
	if (a != SIM_GC_THRESHOLD)
		return jkeys(j, keys);
	rc = jkeys(j, tkeys);
	if (rc)
		return rc;
	return jnums(j, "values", 1, 3, INT_MAX, "threshold");
}

static int json_expect(struct jev *j)
{
	const struct expect_form *f;
	struct sim_event *ev = j->ev;
	const char *keys[6];
	const cJSON *it;
	struct shown b;
	long long n;
	char *s = NULL;
	int kind, nk = 0, rc;

	rc = jstring(j, "kind", &s);
	if (rc)
		return rc;
	kind = lookup(expect_names, NELEM(expect_names), s, strlen(s));
	if (kind < 0)
		return jfail(j, "unknown expect kind '%s'",
			     jshow(&b, s));
	ev->expect = (enum sim_expect_kind)kind;
	f = &expect_forms[kind];
	j->sub = expect_names[kind];
	keys[nk++] = "op";
	keys[nk++] = "kind";
	if (f->args & X_ID2)
		keys[nk++] = "ids";
	else if (f->args & X_ID)
		keys[nk++] = "id";
	if (f->args & X_FLTYPE)
		keys[nk++] = "type";
	if (f->args & X_NUM)
		keys[nk++] = "value";
	if (f->args & X_NUM3)
		keys[nk++] = "values";
	keys[nk] = NULL;
	rc = jkeys(j, keys);
	if (rc)
		return rc;
	if (f->args & X_ID2) {
		it = jget(j, "ids");
		if (!it)
			return jfail(j, "missing key 'ids' in %s", jwhat(j));
		if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 2)
			return jfail(j, "key 'ids' must be an array of 2 ids in %s",
				     jwhat(j));
		rc = jid_of(j, it->child, "ids", &ev->id);
		if (rc)
			return rc;
		rc = jid_of(j, it->child->next, "ids", &ev->id2);
		if (rc)
			return rc;
	} else if (f->args & X_ID) {
		rc = jid(j, "id", &ev->id);
		if (rc)
			return rc;
	}
	if (f->args & X_FLTYPE) {
		rc = jstring(j, "type", &s);
		if (rc)
			return rc;
		rc = parse_fl_type(j->r, j->d, ev->line, ev->col, s, strlen(s),
				   ev);
		if (rc)
			return rc;
	}
	if (f->args & X_NUM3)
		return jnums(j, "values", 3, 3, f->max, f->what);
	if (f->args & X_NUM) {
		it = jget(j, "value");
		if (!it)
			return jfail(j, "missing key 'value' in %s", jwhat(j));
		rc = jnum_of(j, it, "value", 0, f->max, f->what, &n);
		if (rc)
			return rc;
		ev->nums[0] = (long)n;
		ev->nnums = 1;
		if (kind == SIM_EXPECT_GEN)
			ev->gen = (int)n;
	}
	return SIM_OK;
}

static int json_setting(struct jev *j)
{
	static const char *const keys[] = { "op", "python", "threshold", NULL };
	struct sim_event *ev = j->ev;
	const cJSON *py = jget(j, "python"), *th = jget(j, "threshold");
	char *s = NULL;
	int rc;

	rc = jkeys(j, keys);
	if (rc)
		return rc;
	if (!py == !th)
		return jfail(j, "setting event needs exactly one of 'python' and 'threshold'");
	if (th) {
		ev->setting = SIM_SET_THRESHOLD;
		return jnums(j, "threshold", 1, 3, INT_MAX, "threshold");
	}
	rc = jstring(j, "python", &s);
	if (rc)
		return rc;
	ev->setting = SIM_SET_PYTHON;
	ev->setting_str = s;
	return check_version(j->r, j->d, ev->line, ev->col, s, strlen(s));
}

static int json_dispatch(struct jev *j)
{
	struct shown b;
	char *s = NULL;
	int op, rc;

	j->op = NULL;
	j->sub = NULL;
	rc = jstring(j, "op", &s);
	if (rc)
		return rc;
	op = lookup(op_names, NELEM(op_names), s, strlen(s));
	if (op < 0)
		return jfail(j, "unknown op '%s'", jshow(&b, s));
	j->ev->op = (enum sim_op)op;
	j->op = op_names[op];
	switch (op) {
	case SIM_OP_ALLOC:
		return json_alloc(j);
	case SIM_OP_REF:
	case SIM_OP_UNREF:
		return json_ref(j);
	case SIM_OP_DEL: {
		static const char *const keys[] = { "op", "id", NULL };

		rc = jkeys(j, keys);
		return rc ? rc : jid(j, "id", &j->ev->id);
	}
	case SIM_OP_COLLECT: {
		static const char *const keys[] = { "op", "gen", NULL };
		const cJSON *it = jget(j, "gen");
		long long n = 2;

		rc = jkeys(j, keys);
		if (!rc && it)
			rc = jnum_of(j, it, "gen", 0, 2, "generation", &n);
		j->ev->gen = (int)n;
		return rc;
	}
	case SIM_OP_GC:
		return json_gc(j);
	case SIM_OP_EXPECT:
		return json_expect(j);
	default:
		return json_setting(j);
	}
}

/*
 * The JSON syntax, as RFC 8259 gives it, checked on one element before
 * cJSON sees it: cJSON takes any control character as a blank, numbers
 * such as 01, 1. or -, and strings with raw control characters or invalid
 * UTF-8, and it cannot say where a mistake is.  The checker walks the
 * element once, reports the first offending byte, and rewrites the element
 * in place for cJSON (it only ever shrinks, so the write position w never
 * passes the read position i):
 *
 *   blanks between tokens go;
 *   a \u0000 escape becomes NUL_MARK, a byte well-formed UTF-8 never holds,
 *   so that the character survives cJSON's NUL-terminated strings;
 *   each number becomes 0, its text kept in r->jnum: cJSON would copy a
 *   number into a 64-byte buffer and round it to a double, and the reader
 *   wants the number as written (every digit of an int, the text in a
 *   message).
 */
struct jcheck {
	struct sim_reader *r;
	struct sim_diag *d;
	unsigned char *u;
	size_t i, w, len;
	unsigned long line, col; /* of u[i] */
	int depth;               /* containers open */
};

static int jc_fail(struct jcheck *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int jc_fail(struct jcheck *c, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(c->r, c->d, c->line, c->col, "%s", msg);
}

/* "expected WHAT, got 'x'" at the current byte. */
static int jc_expected(struct jcheck *c, const char *what)
{
	struct shown b;

	if (c->i >= c->len)
		return jc_fail(c, "expected %s, got the end of the event", what);
	return jc_fail(c, "expected %s, got '%s'", what,
		       show_char(&b, (char *)c->u + c->i, c->len - c->i));
}

/* Copy n ASCII bytes through, one column each. */
static void jc_copy(struct jcheck *c, size_t n)
{
	memmove(c->u + c->w, c->u + c->i, n);
	c->w += n;
	c->i += n;
	c->col += n;
}

static int jc_peek(const struct jcheck *c)
{
	return c->i < c->len ? c->u[c->i] : -1;
}

static int jc_blanks(struct jcheck *c)
{
	while (c->i < c->len) {
		unsigned char b = c->u[c->i];

		if (b == '\n') {
			c->line++;
			c->col = 1;
		} else if (b == ' ' || b == '\t' || b == '\r') {
			c->col++;
		} else if (b < 0x20) {
			return jc_fail(c, "invalid control character 0x%02x",
				       b);
		} else {
			break;
		}
		c->i++;
	}
	return SIM_OK;
}

/* The 4 hex digits after "\u" at u[i], or -1. */
static long jc_hex4(const struct jcheck *c, size_t i)
{
	long v = 0;
	size_t k;

	if (c->len - i < 6 || c->u[i] != '\\' || c->u[i + 1] != 'u')
		return -1;
	for (k = 2; k < 6; k++) {
		int h = hex_val(c->u[i + k]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

static int jc_string(struct jcheck *c)
{
	struct shown b;

	jc_copy(c, 1);
	for (;;) {
		unsigned char ch;
		long cp, lo;

		if (c->i >= c->len)
			return jc_fail(c, "unterminated string");
		ch = c->u[c->i];
		if (ch == '"') {
			jc_copy(c, 1);
			return SIM_OK;
		}
		if (ch < 0x20)
			return jc_fail(c, "invalid control character 0x%02x in string",
				       ch);
		if (ch >= 0x80) {
			size_t k = utf8_seq(c->u + c->i, c->len - c->i);

			if (!k)
				return jc_fail(c, "invalid utf-8 byte 0x%02x",
					       ch);
			jc_copy(c, k);
			c->col -= k - 1;
			continue;
		}
		if (ch != '\\') {
			jc_copy(c, 1);
			continue;
		}
		if (c->i + 1 < c->len &&
		    memchr("\"\\/bfnrt", c->u[c->i + 1], 8)) {
			jc_copy(c, 2);
			continue;
		}
		if (c->i + 1 >= c->len || c->u[c->i + 1] != 'u') {
			size_t n = c->len - c->i - 1;
			size_t k = n ? utf8_seq(c->u + c->i + 1, n) : 0;

			return jc_fail(c, "invalid escape '%s' in string",
				       show(&b, (char *)c->u + c->i,
					    1 + (k ? k : n ? 1 : 0)));
		}
		cp = jc_hex4(c, c->i);
		if (cp < 0) {
			size_t n = c->len - c->i;

			return jc_fail(c, "invalid escape '%s' in string",
				       show(&b, (char *)c->u + c->i,
					    n < 6 ? n : 6));
		}
		if (cp == 0) {
			c->u[c->w++] = NUL_MARK;
			c->i += 6;
			c->col += 6;
		} else if (cp >= 0xD800 && cp <= 0xDBFF &&
			   (lo = jc_hex4(c, c->i + 6)) >= 0xDC00 &&
			   lo <= 0xDFFF) {
			jc_copy(c, 12);
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			return jc_fail(c, "unpaired surrogate '%s' in string",
				       show(&b, (char *)c->u + c->i, 6));
		} else {
			jc_copy(c, 6);
		}
	}
}

/* Keep the number u[i0..i) aside, NUL-terminated, and write 0 for it. */
static void jc_keep_number(struct jcheck *c, size_t i0)
{
	struct sim_reader *r = c->r;
	size_t n = c->i - i0;

	if (r->jnum_len + n + 1 > r->jnum_cap) {
		r->jnum_cap = 2 * (r->jnum_len + n + 1);
		r->jnum = xrealloc(r->jnum, r->jnum_cap);
	}
	if (r->njnum == r->jnum_atcap) {
		r->jnum_atcap = r->jnum_atcap ? 2 * r->jnum_atcap : 16;
		r->jnum_at = xrealloc(r->jnum_at,
				      r->jnum_atcap * sizeof(*r->jnum_at));
	}
	r->jnum_at[r->njnum++] = r->jnum_len;
	memcpy(r->jnum + r->jnum_len, c->u + i0, n);
	r->jnum_len += n;
	r->jnum[r->jnum_len++] = '\0';
	c->u[c->w++] = '0';
}

static int is_alpha(int ch)
{
	return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
}

static int is_num_char(int ch)
{
	return is_digit((unsigned char)ch) || ch == '-' || ch == '+' ||
	       ch == '.' || ch == 'e' || ch == 'E';
}

/* A number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int jc_number(struct jcheck *c)
{
	size_t i0 = c->i, run = c->i;
	unsigned long col0 = c->col;
	const char *why = NULL;
	struct shown b;
	int ch;

	while (run < c->len && is_num_char(c->u[run]))
		run++;
	ch = jc_peek(c);
	if (ch == '+' || ch == '.') {
		why = "a JSON number starts with a digit or '-'";
		goto bad;
	}
	if (ch == '-')
		c->i++;
	if (!is_digit((unsigned char)jc_peek(c))) {
		why = "a digit must follow '-'";
		goto bad;
	}
	if (jc_peek(c) == '0' && c->i + 1 < c->len &&
	    is_digit(c->u[c->i + 1])) {
		c->i++;
		why = "leading zero";
		goto bad;
	}
	while (is_digit((unsigned char)jc_peek(c)))
		c->i++;
	if (jc_peek(c) == '.') {
		c->i++;
		if (!is_digit((unsigned char)jc_peek(c))) {
			why = "a digit must follow '.'";
			goto bad;
		}
		while (is_digit((unsigned char)jc_peek(c)))
			c->i++;
	}
	if (jc_peek(c) == 'e' || jc_peek(c) == 'E') {
		c->i++;
		if (jc_peek(c) == '+' || jc_peek(c) == '-')
			c->i++;
		if (!is_digit((unsigned char)jc_peek(c))) {
			why = "the exponent needs a digit";
			goto bad;
		}
		while (is_digit((unsigned char)jc_peek(c)))
			c->i++;
	}
	c->col += c->i - i0;
	jc_keep_number(c, i0);
	return SIM_OK;
bad:
	c->col = col0 + (c->i - i0);
	return jc_fail(c, "invalid number '%s' (%s)",
		       show(&b, (char *)c->u + i0, run - i0), why);
}

static int jc_literal(struct jcheck *c)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t n = 0, k;
	struct shown b;

	while (c->i + n < c->len && is_alpha(c->u[c->i + n]))
		n++;
	for (k = 0; k < 3; k++) {
		if (strlen(words[k]) == n &&
		    memcmp(c->u + c->i, words[k], n) == 0) {
			jc_copy(c, n);
			return SIM_OK;
		}
	}
	return jc_fail(c, "invalid literal '%s' (true, false or null)",
		       show(&b, (char *)c->u + c->i, n));
}

static int jc_value(struct jcheck *c);

/* Whether ch can start a value (or a mistake jc_value names better). */
static int jc_starts_value(int ch)
{
	return ch == '{' || ch == '[' || ch == '"' || ch == '-' || ch == '+' ||
	       ch == '.' || is_digit((unsigned char)ch) || is_alpha(ch);
}

/* An object or an array: what follows '{' or '['. */
static int jc_container(struct jcheck *c)
{
	int obj = c->u[c->i] == '{', close = obj ? '}' : ']', rc, n;

	if (++c->depth > JSON_DEPTH_MAX)
		return jc_fail(c, "JSON nested too deeply (more than %d levels)",
			       JSON_DEPTH_MAX);
	jc_copy(c, 1);
	for (n = 0;; n++) {
		if ((rc = jc_blanks(c)))
			return rc;
		if (n == 0 && jc_peek(c) == close)
			break;
		if (obj) {
			if (jc_peek(c) != '"')
				return jc_expected(c, n ? "a key" :
						   "a key or '}'");
			if ((rc = jc_string(c)) || (rc = jc_blanks(c)))
				return rc;
			if (jc_peek(c) != ':')
				return jc_expected(c, "':' after a key");
			jc_copy(c, 1);
			if ((rc = jc_blanks(c)))
				return rc;
		} else if (!jc_starts_value(jc_peek(c))) {
			return jc_expected(c, n ? "a value" : "a value or ']'");
		}
		if ((rc = jc_value(c)) || (rc = jc_blanks(c)))
			return rc;
		if (jc_peek(c) == close)
			break;
		if (jc_peek(c) != ',')
			return jc_expected(c, obj ? "',' or '}'" :
					   "',' or ']'");
		jc_copy(c, 1);
	}
	jc_copy(c, 1);
	c->depth--;
	return SIM_OK;
}

static int jc_value(struct jcheck *c)
{
	int ch = jc_peek(c);

	if (ch == '{' || ch == '[')
		return jc_container(c);
	if (ch == '"')
		return jc_string(c);
	if (!jc_starts_value(ch))
		return jc_expected(c, "a value");
	if (is_alpha(ch))
		return jc_literal(c);
	return jc_number(c);
}

/*
 * Check the element s[0..*n), which starts with '{' at *line:*col, and
 * rewrite it for cJSON; *n becomes its new length and *line, *col the
 * position after it.
 */
static int json_check(struct sim_reader *r, struct sim_diag *d, char *s,
		      size_t *n, unsigned long *line, unsigned long *col)
{
	struct jcheck c;
	int rc;

	c.r = r;
	c.d = d;
	c.u = (unsigned char *)s;
	c.i = 0;
	c.w = 0;
	c.len = *n;
	c.line = *line;
	c.col = *col;
	c.depth = 0;
	r->jnum_len = 0;
	r->njnum = 0;
	rc = jc_container(&c);
	if (rc)
		return rc;
	if (c.i != c.len)   /* the bracket scanner and the checker disagree */
		return jc_fail(&c, "unexpected data after the event object");
	*n = c.w;
	*line = c.line;
	*col = c.col;
	return SIM_OK;
}

/* Where the end of an object that starts at s[0] is: resumable. */
struct scan {
	size_t off;             /* bytes scanned */
	unsigned long depth;
	int in_str, esc;
};

static int obj_extent(const char *s, size_t n, struct scan *st)
{
	size_t i;

	for (i = st->off; i < n; i++) {
		char c = s[i];

		if (st->in_str) {
			if (st->esc)
				st->esc = 0;
			else if (c == '\\')
				st->esc = 1;
			else if (c == '"')
				st->in_str = 0;
		} else if (c == '"') {
			st->in_str = 1;
		} else if (c == '{' || c == '[') {
			st->depth++;
		} else if (c == '}' || c == ']') {
			if (--st->depth == 0) {
				st->off = i + 1;
				return 1;
			}
		}
	}
	st->off = n;
	return 0;
}

/*
 * Parse the object s[0..n) that starts at line:col into ev.  *line, *col
 * come back as the position after it.  ev borrows strings from r->root.
 */
static int json_event(struct sim_reader *r, struct sim_diag *d, char *s,
		      size_t n, unsigned long *line, unsigned long *col,
		      struct sim_event *ev)
{
	struct jev j;
	int rc;

	ev->line = *line;
	ev->col = *col;
	ev->id_col = ev->col;
	ev->dst_col = ev->col;
	ev->index = r->index;
	rc = json_check(r, d, s, &n, line, col);
	if (rc)
		return rc;
	/* json_check passed it: only running out of memory can fail here */
	r->root = cJSON_ParseWithLengthOpts(s, n, NULL, 0);
	if (!r->root) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	j.r = r;
	j.d = d;
	j.ev = ev;
	j.obj = r->root;
	rc = json_dispatch(&j);
	if (rc == SIM_OK)
		r->index++;
	return rc;
}

static int json_skip_ws(struct sim_reader *r, struct sim_diag *d, int *c)
{
	int rc;

	for (;;) {
		while (r->pos < r->end) {
			unsigned char b = (unsigned char)r->buf[r->pos];

			if (b == '\n') {
				r->jline++;
				r->jcol = 1;
			} else if (b == ' ' || b == '\t' || b == '\r') {
				r->jcol++;
			} else {
				*c = b;
				return SIM_OK;
			}
			r->pos++;
		}
		if (r->eof) {
			*c = EOF;
			return SIM_OK;
		}
		rc = fill(r, d);
		if (rc)
			return rc;
	}
}

static int json_array_next(struct sim_reader *r, struct sim_event *ev,
			   struct sim_diag *d)
{
	struct scan st = { 0, 0, 0, 0 };
	struct shown b;
	char ch;
	int c, rc;

	for (;;) {
		rc = json_skip_ws(r, d, &c);
		if (rc)
			return rc;
		ch = (char)c;
		switch (r->jstate) {
		case JS_START:
			if (c == EOF)
				return fail(r, d, r->jline, r->jcol,
					    "empty input, expected a JSON array");
			if (c != '[')
				return fail(r, d, r->jline, r->jcol,
					    "expected '[' at the start of a JSON array, got '%s'",
					    show(&b, &ch, 1));
			r->pos++;
			r->jcol++;
			r->jstate = JS_FIRST;
			continue;
		case JS_END:
			if (c == EOF)
				return SIM_EOF;
			return fail(r, d, r->jline, r->jcol,
				    "unexpected '%s' after the JSON array",
				    show(&b, &ch, 1));
		default:
			break;
		}
		if (c == EOF)
			return fail(r, d, r->jline, r->jcol,
				    "unterminated JSON array (missing ']')");
		if (c == ']' && r->jstate != JS_ELEM) {
			r->pos++;
			r->jcol++;
			r->jstate = JS_END;
			continue;
		}
		if (r->jstate == JS_NEXT) {
			if (c != ',')
				return fail(r, d, r->jline, r->jcol,
					    "expected ',' or ']' after event %lu, got '%s'",
					    r->index - 1, show(&b, &ch, 1));
			r->pos++;
			r->jcol++;
			r->jstate = JS_ELEM;
			continue;
		}
		break;
	}
	r->in_event = 1;
	if (c != '{')
		return fail(r, d, r->jline, r->jcol,
			    "expected an event object, got '%s'",
			    show_char(&b, r->buf + r->pos, r->end - r->pos));
	while (!obj_extent(r->buf + r->pos, r->end - r->pos, &st) ||
	       st.off > RECORD_MAX) {
		if (st.off > RECORD_MAX)
			return fail(r, d, r->jline, r->jcol,
				    "event too long (more than %lu bytes)",
				    RECORD_MAX);
		if (r->eof)
			return fail(r, d, r->jline, r->jcol, st.in_str ?
				    "unterminated string" :
				    "unterminated object");
		rc = fill(r, d);
		if (rc)
			return rc;
	}
	rc = json_event(r, d, r->buf + r->pos, st.off, &r->jline, &r->jcol,
			ev);
	r->pos += st.off;
	r->jstate = JS_NEXT;
	r->in_event = 0;
	return rc;
}

static int jsonl_next(struct sim_reader *r, struct sim_event *ev,
		      struct sim_diag *d)
{
	struct scan st = { 0, 0, 0, 0 };
	unsigned long line, col;
	struct shown b;
	size_t n, i = 0, k;
	char *s = NULL;
	int rc;

	do {
		rc = next_line(r, d, &s, &n);
		if (rc)
			return rc;
		for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t' ||
				      s[i] == '\r'); i++)
			;
	} while (i == n);
	line = r->lineno;
	col = i + 1;
	r->in_event = 1;
	if (s[i] != '{')
		return fail(r, d, line, col,
			    "expected an event object, got '%s'",
			    show_char(&b, s + i, n - i));
	if (!obj_extent(s + i, n - i, &st))
		return fail(r, d, line, col, st.in_str ?
			    "unterminated string" : "unterminated object");
	for (k = i + st.off; k < n; k++) {
		if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r') {
			unsigned long el = line, ec = col;

			advance_pos(s + i, k - i, &el, &ec);
			return fail(r, d, el, ec,
				    "unexpected data after the event object");
		}
	}
	rc = json_event(r, d, s + i, st.off, &line, &col, ev);
	r->in_event = 0;
	return rc;
}

/* A UTF-8 byte order mark is skipped; standard input is sniffed. */
static int start(struct sim_reader *r, struct sim_diag *d)
{
	int rc;

	while (r->end - r->pos < 3 && !r->eof) {
		rc = fill(r, d);
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
		rc = fill(r, d);
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
	struct sim_reader *r = xrealloc(NULL, sizeof(*r));
	size_t len = strlen(name);
	int c;

	memset(r, 0, sizeof(*r));
	r->path = xrealloc(NULL, len + 1);
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
	r->buf = xrealloc(NULL, r->cap);
	*out = r;
	return SIM_OK;
}

sim_reader *sim_reader_open_mem(const char *name, const void *data,
				size_t len, enum sim_format fmt)
{
	struct sim_reader *r = reader_new(name);

	r->fmt = fmt == SIM_FMT_SNIFF ? SIM_FMT_AUTO : fmt;
	r->size = len;
	r->cap = len + 1;       /* end < cap, as fill() keeps it */
	r->buf = xrealloc(NULL, r->cap);
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
	if (r->root) {
		cJSON_Delete(r->root);
		r->root = NULL;
	}
	rc = r->started ? SIM_OK : start(r, diag);
	if (rc == SIM_OK) {
		switch (r->fmt) {
		case SIM_FMT_JSON:
			rc = json_array_next(r, ev, diag);
			break;
		case SIM_FMT_JSONL:
			rc = jsonl_next(r, ev, diag);
			break;
		default:
			rc = text_next(r, ev, diag);
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
	cJSON_Delete(r->root);
	free(r->jnum);
	free(r->jnum_at);
	free(r->buf);
	free(r->path);
	free(r);
}
