/*
 * trace_impl.h - what the trace language's three parts share, private to
 * them: the reader's state, the name tables expanded from tracelang.h, the
 * checks of IDs, numbers and values both forms make, the diagnostics, and
 * the output buffer both writers fill.
 *
 *   trace.c        the core: tables, input buffering, numbers, the reader
 *                  entry points, the writers' buffer
 *   trace_text.c   the text form, reader and writer
 *   trace_json.c   the JSON forms, readers, strict checker and writer
 */
#ifndef GCSIM_TRACE_IMPL_H
#define GCSIM_TRACE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define RECORD_MAX (1UL << 20)  /* longest text line or JSON element */
#define BUF_INIT (256UL << 10)  /* first buffer size: one read */

/* Stands for a \u0000 escape inside cJSON strings; see trace_json.c. */
#define NUL_MARK 0xFF

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

enum json_state { JS_START, JS_FIRST, JS_ELEM, JS_NEXT, JS_END };

/* Byte classes, for the text tokenizer's inner loop. */
enum {
	C_PLAIN = 1,    /* ASCII that goes on a word: not space, '#', '"' */
	C_ID = 2,       /* may appear in an ID */
};

struct cJSON;

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
	struct cJSON *root;     /* the current JSON event, which ev borrows */
	char numbuf[40];        /* digits of an int given as a JSON number */
	char *jnum;             /* the current JSON event's numbers as written,
				   each NUL-terminated, in document order */
	size_t jnum_len, jnum_cap;
	size_t *jnum_at;        /* where each number starts in jnum */
	size_t njnum, jnum_atcap;
	unsigned char cls[256]; /* C_PLAIN | C_ID for each byte */
	struct sim_recorded recorded; /* the last `# real-gc` line passed */
};

/* The words of the language, from tracelang.h, indexed by their enums. */
extern const char *const tr_op_names[];
extern const char *const tr_type_names[];
extern const char *const tr_gc_names[];
extern const char *const tr_expect_names[];
extern const char *const tr_setting_names[];
extern const char *const tr_on_names[];
extern const int tr_nops, tr_ngc, tr_nexpect, tr_nsetting, tr_non;

/* An op's, gc action's or setting's arguments: count bounds and usage. */
struct tr_arity {
	int min, max;
	const char *args;       /* "ID TYPE [VALUE]"; NULL: takes none */
	const char *keys;       /* ops: their JSON keys but "op" */
	long vmax;              /* gc actions, settings: largest number */
};
extern const struct tr_arity tr_op_arity[], tr_gc_arity[], tr_setting_arity[],
	tr_on_arity[];

/* What each expect kind takes, in text order: ids, free list type, numbers. */
enum { X_ID = 1, X_ID2 = 2, X_FLTYPE = 4, X_NUM = 8, X_NUM3 = 16 };

struct tr_expect_form {
	unsigned args;
	const char *usage;
	const char *what;       /* name of the number, for messages */
	long long max;
};
extern const struct tr_expect_form tr_expect_forms[];

/* What each type takes after it in alloc (tracelang.h's value column). */
enum { TV_NONE, TV_LENGTH, TV_VALUE, TV_OP };
extern const unsigned char tr_type_value[];
/* Why "alloc ID weakref" is an error: the one TV_OP type. */
extern const char tr_weakref_alloc[];

/* The text arguments an expect form takes after its kind. */
int tr_expect_nargs(const struct tr_expect_form *f);

/*
 * realloc, aborting when the host is out of memory (the oracles link the
 * reader without the rest of the library, so it has its own).
 */
void *tr_xrealloc(void *p, size_t n);

/* "a, b or c": the words a message offers. */
const char *tr_choices(char *buf, size_t sz, const char *const *names, int n);
/*
 * Index of s (len bytes, no NUL among them) in names, or -1.  Open-coded
 * and inline: strcmp was a sixth of the time spent on a text trace.
 */
static inline int tr_lookup(const char *const *names, int n, const char *s, size_t len)
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


static inline int is_id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
	       c == '-';
}

static inline int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), or 0. */
size_t utf8_seq(const unsigned char *s, size_t n);

/* A printable, bounded rendering of untrusted bytes for a message. */
struct shown {
	char s[96];
};

/* json: NUL_MARK stands for a \u0000 the input wrote. */
const char *tr_show_as(struct shown *b, const char *s, size_t len, int json);
const char *tr_show(struct shown *b, const char *s, size_t len);
/* tr_show() for a string from the input, which in JSON may hold NUL_MARK. */
const char *tr_rshow(const struct sim_reader *r, struct shown *b,
		     const char *s, size_t len);
/* The character at s (n bytes left), for "got 'x'" messages. */
const char *tr_show_char(struct shown *b, const char *s, size_t n);

/* SIM_ETRACE with diag at line:col ("event N: " inside a JSON event). */
int tr_fail(struct sim_reader *r, struct sim_diag *d, unsigned long line,
	    unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Read more input after buf[end], compacting or growing buf first. */
int tr_fill(struct sim_reader *r, struct sim_diag *d);
/* The next line, without its '\n'; it stays put until the next fill. */
int tr_next_line(struct sim_reader *r, struct sim_diag *d, char **line,
		 size_t *len);

/* Checks both forms make of an event's pieces, with their messages. */
int tr_check_id(struct sim_reader *r, struct sim_diag *d, unsigned long line,
		unsigned long col, const char *s, size_t len);
/* An optionally signed decimal in min..max; what names it in messages. */
int tr_get_num(struct sim_reader *r, struct sim_diag *d, unsigned long line,
	       unsigned long col, const char *s, size_t len, long long min,
	       long long max, const char *what, long long *out);
/*
 * Check an int literal and rewrite it in place as canonical digits (no '+',
 * no leading zeros, no "-0"); s[len] must be writable.  -1 if malformed.
 */
int tr_canon_int(char *s, size_t len, struct sim_value *v);
/* A float as the text form takes it; s[len] must be NUL.  -1 if not. */
int tr_parse_float(const char *s, size_t len, double *out);
/* "list", "dict", "float" or "tuple:K" into ev->fl_type, ev->fl_size. */
int tr_parse_fl_type(struct sim_reader *r, struct sim_diag *d,
		     unsigned long line, unsigned long col, const char *s,
		     size_t len, struct sim_event *ev);
int tr_check_version(struct sim_reader *r, struct sim_diag *d,
		     unsigned long line, unsigned long col, const char *s,
		     size_t len);

/* The formats' readers: one event each, as sim_reader_next. */
int tr_text_next(struct sim_reader *r, struct sim_event *ev,
		 struct sim_diag *d);
int tr_json_next(struct sim_reader *r, struct sim_event *ev,
		 struct sim_diag *d);
int tr_jsonl_next(struct sim_reader *r, struct sim_event *ev,
		  struct sim_diag *d);
/* Let go of the JSON event the last call returned; all of it on free. */
void tr_json_release(struct sim_reader *r, int all);

/*
 * A writer's output: at most sz - 1 bytes go to buf (NUL-terminated when
 * sz > 0), n counts what the whole would take.
 */
struct tr_out {
	char *buf;
	size_t sz, n;
};

void tr_out_init(struct tr_out *o, char *buf, size_t sz);
/* The length of the whole, after NUL-terminating what fit. */
size_t tr_out_end(struct tr_out *o);
void tr_put(struct tr_out *o, const char *s, size_t n);
void tr_putc(struct tr_out *o, char c);
void tr_puts(struct tr_out *o, const char *s);
void tr_putl(struct tr_out *o, long long v);
/*
 * s[0..len) between double quotes, each byte that escape() writes an
 * escape for (into esc, returning its length; 0: the byte as it is)
 * replaced by it.  bytes: the value is a bytes value, not a str.
 */
void tr_put_quoted(struct tr_out *o, const char *s, size_t len, int bytes,
		   size_t (*escape)(unsigned char c, int bytes, char esc[6]));
/* The free-list type of an expect freelist: "list", "tuple:3". */
void tr_put_fl_type(struct tr_out *o, const struct sim_event *ev);

#endif
