/*
 * trace_text.c - the text form of the trace language (.trace): its reader
 * and its writer.
 *
 * Text is parsed in place: a line is cut out of the reader's buffer with
 * memchr, tokenized inside it, each token NUL-terminated where it ends,
 * and quoted strings are decoded over their own bytes (decoding never
 * lengthens them), so the hot path makes no copy and no allocation.  The
 * writer puts an event back on one line that reads back as the same event.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "trace_impl.h"

/* stored per line, more are only counted: pack, its ID, its items and one
 * more for the "takes" message */
#define MAX_TOKENS (SIM_PACK_MAX + 3)

struct tok {
	char *s;                /* in the line buffer; NUL-terminated */
	size_t len;             /* raw length, quotes included */
	unsigned long col;
	int quoted;
	int id_ok;              /* every byte may appear in an ID */
};

struct line {
	struct tok t[MAX_TOKENS];
	int n;                  /* tokens seen, may exceed MAX_TOKENS */
	int setting;            /* the line starts with "#:" */
	unsigned long col0;     /* column of "#:" */
};

static void add_tok(struct line *L, char *s, size_t len, unsigned long col,
		    int quoted, int id_ok)
{
	if (L->n < MAX_TOKENS) {
		L->t[L->n].s = s;
		L->t[L->n].len = len;
		L->t[L->n].col = col;
		L->t[L->n].quoted = quoted;
		L->t[L->n].id_ok = id_ok;
	}
	L->n++;
}

static int bad_byte(struct sim_reader *r, struct sim_diag *d,
		    unsigned long col, unsigned char c)
{
	if (c >= 0x80)
		return tr_fail(r, d, r->lineno, col, "invalid utf-8 byte 0x%02x",
			    c);
	return tr_fail(r, d, r->lineno, col, "invalid control character 0x%02x",
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
			return tr_fail(r, d, r->lineno, qcol, "unterminated string");
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
				return tr_fail(r, d, r->lineno, qcol,
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
			return tr_fail(r, d, r->lineno, col, "invalid escape '%s'",
				    tr_show(&b, (const char *)u + i, k - i));
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
		return tr_fail(r, d, r->lineno, col,
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
	const unsigned char *u = (const unsigned char *)s, *cls = r->cls;
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
			add_tok(L, s + start, i - start, tcol, 1, 0);
		} else {
			/* the classes of the word's bytes, and-ed: an ID's? */
			unsigned char all = C_ID;

			for (;;) {
				size_t i0 = i;
				unsigned char c;

				while (cls[u[i]] & C_PLAIN)
					all &= cls[u[i++]];
				col += i - i0;
				if (i >= n)
					break;
				c = u[i];
				if (c == ' ' || c == '\t' || c == '#')
					break;
				if (c == '"')
					return tr_fail(r, d, r->lineno, col,
						    "unexpected '\"' inside a word");
				if (c < 0x80)
					return bad_byte(r, d, col, c);
				c = (unsigned char)utf8_seq(u + i, n - i);
				if (!c)
					return bad_byte(r, d, col, u[i]);
				i += c;
				col++;
				all = 0;
			}
			add_tok(L, s + start, i - start, tcol, 0, all != 0);
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
				return tr_fail(r, d, r->lineno, col,
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

/*
 * The tokens after the first skip are the arguments of what (the words
 * "alloc", "gc threshold", "#: python"): min..max of them, args says which.
 */
static int need_args(struct sim_reader *r, struct sim_diag *d,
		     const struct line *L, int skip, const char *what,
		     int min, int max, const char *args)
{
	int nargs = L->n - skip;
	unsigned long col;

	if (nargs >= min && nargs <= max)
		return SIM_OK;
	col = nargs > max ? L->t[skip + max].col : L->t[0].col;
	return tr_fail(r, d, r->lineno, col, "%s takes %s, got %d argument%s",
		       what, args ? args : "no arguments", nargs,
		       nargs == 1 ? "" : "s");
}

/* The arguments of an op, a gc action or a setting, as its table says. */
static int need_arity(struct sim_reader *r, struct sim_diag *d,
		      const struct line *L, int skip, const char *what,
		      const struct tr_arity *a)
{
	return need_args(r, d, L, skip, what, a->min, a->max, a->args);
}

static int tok_id(struct sim_reader *r, struct sim_diag *d,
		  const struct tok *t, const char **out, size_t *len)
{
	*out = t->s;
	*len = t->len;
	/* the tokenizer saw the bytes: only a bad ID needs a second look */
	if (t->id_ok && t->len <= SIM_ID_MAX)
		return SIM_OK;
	return tr_check_id(r, d, r->lineno, t->col, t->s, t->len);
}

static int tok_num(struct sim_reader *r, struct sim_diag *d,
		   const struct tok *t, long long min, long long max,
		   const char *what, long long *out)
{
	return tr_get_num(r, d, r->lineno, t->col, t->s, t->len, min, max, what,
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

	switch (tr_type_value[ev->type]) {
	case TV_OP:
		return tr_fail(r, d, r->lineno, type_tok->col, "%s",
			       tr_weakref_alloc);
	case TV_NONE:
		if (v)
			return tr_fail(r, d, r->lineno, v->col,
				    "%s takes no value, got '%s'", name,
				    tr_show(&b, v->s, v->len));
		return SIM_OK;
	case TV_LENGTH:
		if (!v)
			return SIM_OK;
		rc = tok_num(r, d, v, 0, SIM_TUPLE_MAX, "tuple length", &n);
		if (rc)
			return rc;
		val->has = 1;
		val->i = n;
		return SIM_OK;
	}
	if (!v)
		return tr_fail(r, d, r->lineno, type_tok->col,
			    "missing value for %s", name);
	val->has = 1;
	switch (ev->type) {
	case SIM_T_BOOL:
		if (!v->quoted && strcmp(v->s, "true") == 0)
			val->i = 1;
		else if (v->quoted || strcmp(v->s, "false") != 0)
			return tr_fail(r, d, r->lineno, v->col,
				    "invalid bool value '%s' (true or false)",
				    tr_show(&b, v->s, v->len));
		return SIM_OK;
	case SIM_T_INT:
		if (tr_canon_int(v->s, v->len, val))
			return tr_fail(r, d, r->lineno, v->col,
				    "invalid int value '%s'",
				    tr_show(&b, v->s, v->len));
		return SIM_OK;
	case SIM_T_FLOAT:
		if (tr_parse_float(v->s, v->len, &val->f))
			return tr_fail(r, d, r->lineno, v->col,
				    "invalid float value '%s'",
				    tr_show(&b, v->s, v->len));
		return SIM_OK;
	case SIM_T_STR:
		if (v->quoted)
			return decode_quoted(r, d, v, 0, val);
		val->s = v->s;
		val->len = v->len;
		return SIM_OK;
	case SIM_T_BYTES:
		if (!v->quoted)
			return tr_fail(r, d, r->lineno, v->col,
				    "bytes value must be a quoted string, got '%s'",
				    tr_show(&b, v->s, v->len));
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

	rc = need_arity(r, d, L, 1, "alloc", &tr_op_arity[SIM_OP_ALLOC]);
	if (rc)
		return rc;
	rc = tok_id(r, d, &t[1], &ev->id, &ev->id_len);
	if (rc)
		return rc;
	type = t[2].quoted ? -1 : tr_lookup(tr_type_names, SIM_T_COUNT_, t[2].s, t[2].len);
	if (type < 0)
		return tr_fail(r, d, r->lineno, t[2].col, "unknown type '%s'",
			    tr_show(&b, t[2].s, t[2].len));
	ev->type = (enum sim_type)type;
	return text_value(r, d, ev, L->n > 3 ? &t[3] : NULL, &t[2]);
}

/* The numbers of a gc action or setting, 0..a->vmax, from token first on. */
static int text_nums(struct sim_reader *r, struct sim_diag *d,
		     struct line *L, int first, const struct tr_arity *a,
		     struct sim_event *ev)
{
	long long n;
	int k, rc;

	for (k = 0; k < L->n - first; k++) {
		rc = tok_num(r, d, &L->t[first + k], 0, a->vmax,
			     a->vmax == INT_MAX ? "threshold" : "value", &n);
		if (rc)
			return rc;
		ev->nums[k] = (long)n;
	}
	ev->nnums = L->n - first;
	return SIM_OK;
}

static int text_gc(struct sim_reader *r, struct sim_diag *d, struct line *L,
		   struct sim_event *ev)
{
	struct tok *t = L->t;
	char words[160];
	struct shown b;
	int a, rc;

	if (L->n < 2)
		return tr_fail(r, d, r->lineno, t[0].col,
			       "gc needs an action: %s",
			       tr_choices(words, sizeof(words), tr_gc_names, tr_ngc));
	a = t[1].quoted ? -1 : tr_lookup(tr_gc_names, tr_ngc, t[1].s, t[1].len);
	if (a < 0)
		return tr_fail(r, d, r->lineno, t[1].col,
			       "unknown gc action '%s'", tr_show(&b, t[1].s, t[1].len));
	ev->action = (enum sim_gc_action)a;
	snprintf(words, sizeof(words), "gc %s", tr_gc_names[a]);
	rc = need_arity(r, d, L, 2, words, &tr_gc_arity[a]);
	if (rc || tr_gc_arity[a].max == 0)
		return rc;
	return text_nums(r, d, L, 2, &tr_gc_arity[a], ev);
}

static int text_expect(struct sim_reader *r, struct sim_diag *d,
		       struct line *L, struct sim_event *ev)
{
	const struct tr_expect_form *f;
	struct tok *t = L->t;
	char what[32], words[320];
	struct shown b;
	long long n;
	int kind, nargs, a = 2, k, rc;

	if (L->n < 2)
		return tr_fail(r, d, r->lineno, t[0].col,
			       "expect needs a kind: %s",
			       tr_choices(words, sizeof(words), tr_expect_names, tr_nexpect));
	kind = t[1].quoted ? -1 :
		tr_lookup(tr_expect_names, tr_nexpect, t[1].s, t[1].len);
	if (kind < 0)
		return tr_fail(r, d, r->lineno, t[1].col,
			       "unknown expect kind '%s'",
			       tr_show(&b, t[1].s, t[1].len));
	ev->expect = (enum sim_expect_kind)kind;
	f = &tr_expect_forms[kind];
	nargs = tr_expect_nargs(f);
	snprintf(what, sizeof(what), "expect %s", tr_expect_names[kind]);
	rc = need_args(r, d, L, 2, what, nargs, nargs, f->usage);
	if (rc)
		return rc;
	if (f->args & X_ID) {
		rc = tok_id(r, d, &t[a++], &ev->id, &ev->id_len);
		if (rc)
			return rc;
	}
	if (f->args & X_ID2) {
		rc = tok_id(r, d, &t[a++], &ev->id2, &ev->id2_len);
		if (rc)
			return rc;
	}
	if (f->args & X_FLTYPE) {
		rc = tr_parse_fl_type(r, d, r->lineno, t[a].col, t[a].s, t[a].len,
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
	if (kind == SIM_EXPECT_STATS && ev->nums[0] > 2)
		return tr_fail(r, d, r->lineno, t[2].col,
			       "generation %ld out of range 0..2", ev->nums[0]);
	return SIM_OK;
}

static int text_setting(struct sim_reader *r, struct sim_diag *d,
			struct line *L, struct sim_event *ev)
{
	struct tok *t = L->t;
	char what[32];
	struct shown b;
	int k, rc;

	ev->col = L->col0;
	if (L->n == 0)
		return tr_fail(r, d, r->lineno, L->col0,
			       "missing setting after '#:'");
	k = t[0].quoted ? -1 :
		tr_lookup(tr_setting_names, tr_nsetting, t[0].s, t[0].len);
	if (k < 0)
		return tr_fail(r, d, r->lineno, t[0].col, "unknown setting '%s'",
			       tr_show(&b, t[0].s, t[0].len));
	ev->setting = (enum sim_setting)k;
	snprintf(what, sizeof(what), "#: %s", tr_setting_names[k]);
	rc = need_arity(r, d, L, 1, what, &tr_setting_arity[k]);
	if (rc)
		return rc;
	if (k == SIM_SET_THRESHOLD)
		return text_nums(r, d, L, 1, &tr_setting_arity[k], ev);
	ev->setting_str = t[1].s;
	return tr_check_version(r, d, r->lineno, t[1].col, t[1].s, t[1].len);
}

/* IDs from token first on into ev's items. */
static int text_items(struct sim_reader *r, struct sim_diag *d,
		      const struct line *L, int first, struct sim_event *ev)
{
	int rc = SIM_OK;

	ev->nitems = 0;
	for (int i = first; !rc && i < L->n; i++) {
		ev->item_cols[ev->nitems] = L->t[i].col;
		rc = tok_id(r, d, &L->t[i], &ev->items[ev->nitems],
			    &ev->item_lens[ev->nitems]);
		ev->nitems++;
	}
	return rc;
}

/* on ID ACTION ARGS... */
static int text_on(struct sim_reader *r, struct sim_diag *d, struct line *L,
		   struct sim_event *ev)
{
	struct tok *t = L->t;
	char words[160];
	struct shown b;
	int a, rc;

	rc = tok_id(r, d, &t[1], &ev->id, &ev->id_len);
	if (rc)
		return rc;
	a = t[2].quoted ? -1 : tr_lookup(tr_on_names, tr_non, t[2].s, t[2].len);
	if (a < 0)
		return tr_fail(r, d, r->lineno, t[2].col,
			       "unknown action '%s' (on takes %s)",
			       tr_show(&b, t[2].s, t[2].len),
			       tr_choices(words, sizeof(words), tr_on_names, tr_non));
	ev->on_action = (enum sim_on_action)a;
	snprintf(words, sizeof(words), "on ID %s", tr_on_names[a]);
	rc = need_arity(r, d, L, 3, words, &tr_on_arity[a]);
	return rc ? rc : text_items(r, d, L, 3, ev);
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
	op = t[0].quoted ? -1 : tr_lookup(tr_op_names, tr_nops, t[0].s, t[0].len);
	if (op < 0 || op == SIM_OP_SETTING)
		return tr_fail(r, d, r->lineno, t[0].col, "unknown event '%s'",
			       tr_show(&b, t[0].s, t[0].len));
	ev->op = (enum sim_op)op;
	if (op == SIM_OP_GC)
		return text_gc(r, d, L, ev);
	if (op == SIM_OP_EXPECT)
		return text_expect(r, d, L, ev);
	if (op == SIM_OP_ALLOC)
		return text_alloc(r, d, L, ev);
	rc = need_arity(r, d, L, 1, tr_op_names[op], &tr_op_arity[op]);
	if (rc)
		return rc;
	switch (op) {
	case SIM_OP_REF:
	case SIM_OP_UNREF:
		rc = tok_id(r, d, &t[1], &ev->id, &ev->id_len);
		if (rc)
			return rc;
		if (L->n == 2) {
			/* a root reference: "unref ID" is "del ID" */
			if (op == SIM_OP_UNREF)
				ev->op = SIM_OP_DEL;
			return SIM_OK;
		}
		ev->dst_col = t[2].col;
		return tok_id(r, d, &t[2], &ev->dst, &ev->dst_len);
	case SIM_OP_DEL:
		return tok_id(r, d, &t[1], &ev->id, &ev->id_len);
	case SIM_OP_PACK:
		rc = tok_id(r, d, &t[1], &ev->id, &ev->id_len);
		return rc ? rc : text_items(r, d, L, 2, ev);
	case SIM_OP_WEAKREF:
		rc = tok_id(r, d, &t[1], &ev->id, &ev->id_len);
		if (!rc) {
			ev->dst_col = t[2].col;
			rc = tok_id(r, d, &t[2], &ev->dst, &ev->dst_len);
		}
		if (!rc && L->n == 4)
			rc = tok_id(r, d, &t[3], &ev->id2, &ev->id2_len);
		return rc;
	case SIM_OP_ON:
		return text_on(r, d, L, ev);
	default: /* collect */
		ev->gen = 2;
		if (L->n == 2) {
			rc = tok_num(r, d, &t[1], 0, 2, "generation", &n);
			if (rc)
				return rc;
			ev->gen = (int)n;
		}
		return SIM_OK;
	}
}

int tr_text_next(struct sim_reader *r, struct sim_event *ev,
		 struct sim_diag *d)
{
	struct line L;
	char *s = NULL;
	size_t n;
	int rc;

	for (;;) {
		rc = tr_next_line(r, d, &s, &n);
		if (rc)
			return rc;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n > 0 && s[0] == '#')
			sim_recorded_parse(s, n, &r->recorded);
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

/* The text writer */

/*
 * How the text form escapes byte c of a quoted str or bytes value, so that
 * the reader decodes it back to the same byte: in bytes, every byte above
 * 0x7f as \xHH; in str (well-formed UTF-8), its characters as they are.
 */
static size_t text_escape(unsigned char c, int bytes, char esc[6])
{
	static const char hex[] = "0123456789abcdef";

	esc[0] = '\\';
	if (c == '"' || c == '\\')
		esc[1] = (char)c;
	else if (c == '\n')
		esc[1] = 'n';
	else if (c == '\t')
		esc[1] = 't';
	else if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80)) {
		esc[1] = 'x';
		esc[2] = hex[c >> 4];
		esc[3] = hex[c & 15];
		return 4;
	} else {
		return 0;
	}
	return 2;
}

/* At most limit bytes of a str or bytes value, cut between two characters. */
static void put_quoted(struct tr_out *o, const char *s, size_t len, int bytes,
		       size_t limit)
{
	if (len > limit) {
		len = limit;
		while (len > 0 && !bytes && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	tr_put_quoted(o, s, len, bytes, text_escape);
}

static void put_value(struct tr_out *o, const struct sim_event *ev, int brief)
{
	const struct sim_value *v = &ev->value;
	char num[40];
	size_t n;

	tr_putc(o, ' ');
	switch (ev->type) {
	case SIM_T_INT:
		n = strlen(v->digits);
		tr_put(o, v->digits, brief && n > 60 ? 60 : n);
		break;
	case SIM_T_FLOAT:
		tr_put(o, num, sim_float_text(num, sizeof(num), v->f));
		break;
	case SIM_T_STR:
	case SIM_T_BYTES:
		put_quoted(o, v->s, v->len, ev->type == SIM_T_BYTES,
			   brief ? 40 : v->len);
		break;
	case SIM_T_BOOL:
		tr_puts(o, v->i ? "true" : "false");
		break;
	default: /* a tuple's length */
		tr_putl(o, v->i);
		break;
	}
}

static void put_word(struct tr_out *o, const char *s)
{
	tr_putc(o, ' ');
	tr_puts(o, s);
}

static void put_nums(struct tr_out *o, const long *nums, int n)
{
	for (int i = 0; i < n; i++) {
		tr_putc(o, ' ');
		tr_putl(o, nums[i]);
	}
}

static size_t event_text(char *buf, size_t sz, const struct sim_event *ev,
			 int brief)
{
	const struct tr_expect_form *f;
	struct tr_out o;

	tr_out_init(&o, buf, sz);
	if (ev->op == SIM_OP_SETTING)
		tr_puts(&o, "#:");
	else
		tr_puts(&o, sim_op_name(ev->op));
	switch (ev->op) {
	case SIM_OP_ALLOC:
		put_word(&o, ev->id);
		put_word(&o, sim_type_name(ev->type));
		if (ev->value.has)
			put_value(&o, ev, brief);
		break;
	case SIM_OP_REF:
	case SIM_OP_UNREF:
		put_word(&o, ev->id);
		if (ev->dst)
			put_word(&o, ev->dst);
		break;
	case SIM_OP_DEL:
		put_word(&o, ev->id);
		break;
	case SIM_OP_PACK:
		put_word(&o, ev->id);
		for (int i = 0; i < ev->nitems; i++)
			put_word(&o, ev->items[i]);
		break;
	case SIM_OP_WEAKREF:
		put_word(&o, ev->id);
		put_word(&o, ev->dst);
		if (ev->id2)
			put_word(&o, ev->id2);
		break;
	case SIM_OP_ON:
		put_word(&o, ev->id);
		put_word(&o, sim_on_action_name(ev->on_action));
		for (int i = 0; i < ev->nitems; i++)
			put_word(&o, ev->items[i]);
		break;
	case SIM_OP_COLLECT:
		tr_putc(&o, ' ');
		tr_putl(&o, ev->gen);
		break;
	case SIM_OP_GC:
		put_word(&o, sim_gc_action_name(ev->action));
		if (tr_gc_arity[ev->action].max > 0)
			put_nums(&o, ev->nums, ev->nnums);
		break;
	case SIM_OP_EXPECT:
		put_word(&o, sim_expect_name(ev->expect));
		f = &tr_expect_forms[ev->expect];
		if (f->args & X_ID)
			put_word(&o, ev->id);
		if (f->args & X_ID2)
			put_word(&o, ev->id2);
		if (f->args & X_FLTYPE) {
			tr_putc(&o, ' ');
			tr_put_fl_type(&o, ev);
		}
		put_nums(&o, ev->nums, f->args & X_NUM3 ? 3 : f->args & X_NUM ? 1 : 0);
		break;
	case SIM_OP_SETTING:
		put_word(&o, tr_setting_names[ev->setting]);
		if (ev->setting == SIM_SET_PYTHON)
			put_word(&o, ev->setting_str);
		else
			put_nums(&o, ev->nums, ev->nnums);
		break;
	}
	return tr_out_end(&o);
}

size_t sim_event_text(char *buf, size_t sz, const struct sim_event *ev)
{
	return event_text(buf, sz, ev, 0);
}

size_t sim_event_brief(char *buf, size_t sz, const struct sim_event *ev)
{
	return event_text(buf, sz, ev, 1);
}
