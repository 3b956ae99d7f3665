/*
 * roundtrip.c - the property that ties the trace language's two codecs
 * together: every event of a trace comes back identical through
 * text -> JSON array -> JSON lines -> text, written by the library's
 * writers (sim_event_text, sim_event_json) and read by its readers.
 *
 * usage: trace_roundtrip [--corrupt] TRACE...
 *
 * A trace is read whole first (in whatever form its name says); a file
 * that stops being valid is checked up to its first error, which is how
 * the fuzz regressions, some of them invalid on purpose, take part.  Each
 * mismatch is printed with the trace, the event and the field; the exit
 * status is 1 when there was one.
 *
 * --corrupt breaks every written record the way a broken writer would
 * (its first digit changed, or without one its last byte lost), and inverts the verdict: the test passes
 * only when every trace with events is caught.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* A trace's events, owning copies of the strings the reader lent. */
struct events {
	struct sim_event *ev;
	size_t n, cap;
	char **strs;
	size_t nstrs, capstrs;
};

struct buf {
	char *p;
	size_t n, cap;
};

static int corrupt;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("trace_roundtrip: out of memory\n", stderr);
		abort();
	}
	return p;
}

static const char *keep(struct events *e, const char *s, size_t len)
{
	char *c;

	if (!s)
		return NULL;
	if (e->nstrs == e->capstrs) {
		e->capstrs = e->capstrs ? 2 * e->capstrs : 64;
		e->strs = xrealloc(e->strs, e->capstrs * sizeof(*e->strs));
	}
	c = xrealloc(NULL, len + 1);
	memcpy(c, s, len);
	c[len] = '\0';
	e->strs[e->nstrs++] = c;
	return c;
}

static void add(struct events *e, const struct sim_event *ev)
{
	struct sim_event *c;

	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 64;
		e->ev = xrealloc(e->ev, e->cap * sizeof(*e->ev));
	}
	c = &e->ev[e->n++];
	*c = *ev;
	c->id = keep(e, ev->id, ev->id ? strlen(ev->id) : 0);
	c->dst = keep(e, ev->dst, ev->dst ? strlen(ev->dst) : 0);
	c->id2 = keep(e, ev->id2, ev->id2 ? strlen(ev->id2) : 0);
	c->setting_str = keep(e, ev->setting_str,
			      ev->setting_str ? strlen(ev->setting_str) : 0);
	c->value.digits = keep(e, ev->value.digits,
			       ev->value.digits ? strlen(ev->value.digits) : 0);
	c->value.s = keep(e, ev->value.s, ev->value.len);
	for (int i = 0; i < ev->nitems; i++)
		c->items[i] = keep(e, ev->items[i], ev->item_lens[i]);
}

static void events_free(struct events *e)
{
	for (size_t i = 0; i < e->nstrs; i++)
		free(e->strs[i]);
	free(e->strs);
	free(e->ev);
	memset(e, 0, sizeof(*e));
}

/*
 * Read every event of the input into e.  Returns 0 at the end, else the
 * reader's status with d filled (e holds the events before the error).
 */
static int read_all(sim_reader *r, struct events *e, struct sim_diag *d)
{
	struct sim_event ev;
	int rc;

	while ((rc = sim_reader_next(r, &ev, d)) == SIM_OK)
		add(e, &ev);
	sim_reader_free(r);
	return rc == SIM_EOF ? 0 : rc;
}

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = 2 * (b->n + n + 1);
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* One event through a writer, appended to b; --corrupt breaks it. */
static void write_event(struct buf *b, enum sim_format fmt,
			const struct sim_event *ev)
{
	char small[256], *p = small;
	size_t n = fmt == SIM_FMT_TEXT ? sim_event_text(small, sizeof(small), ev) :
		sim_event_json(small, sizeof(small), ev);

	if (n >= sizeof(small)) {
		p = xrealloc(NULL, n + 1);
		if (fmt == SIM_FMT_TEXT)
			sim_event_text(p, n + 1, ev);
		else
			sim_event_json(p, n + 1, ev);
	}
	if (corrupt) {
		char *digit = strpbrk(p, "0123456789");

		if (digit)
			*digit = *digit == '9' ? '8' : (char)(*digit + 1);
		else
			n--;    /* the last byte lost */
	}
	put(b, p, n);
	if (p != small)
		free(p);
}

/* The events in one form, as a writer of that form lays them out. */
static void write_all(struct buf *b, enum sim_format fmt,
		      const struct events *e)
{
	b->n = 0;
	put(b, "", 0);
	if (fmt == SIM_FMT_JSON)
		put(b, "[", 1);
	for (size_t i = 0; i < e->n; i++) {
		if (fmt == SIM_FMT_JSON && i)
			put(b, ",\n", 2);
		write_event(b, fmt, &e->ev[i]);
		if (fmt != SIM_FMT_JSON)
			put(b, "\n", 1);
	}
	if (fmt == SIM_FMT_JSON)
		put(b, "]\n", 2);
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_float(double a, double b)
{
	return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

/* The first field in which two events differ, or NULL. */
static const char *differs(const struct sim_event *a, const struct sim_event *b)
{
	const struct sim_value *va = &a->value, *vb = &b->value;

	if (a->op != b->op)
		return "op";
	if (!same_str(a->id, b->id) || !same_str(a->dst, b->dst) ||
	    !same_str(a->id2, b->id2))
		return "ids";
	if (a->id_len != b->id_len || a->dst_len != b->dst_len ||
	    a->id2_len != b->id2_len)
		return "id lengths";
	if (a->nitems != b->nitems)
		return "items";
	for (int i = 0; i < a->nitems; i++)
		if (!same_str(a->items[i], b->items[i]) ||
		    a->item_lens[i] != b->item_lens[i])
			return "items";
	if (a->type != b->type || va->has != vb->has || va->i != vb->i ||
	    va->fits != vb->fits || !same_str(va->digits, vb->digits) ||
	    !same_float(va->f, vb->f) || va->len != vb->len ||
	    (va->len && memcmp(va->s, vb->s, va->len) != 0))
		return "value";
	if (a->gen != b->gen || a->action != b->action || a->nnums != b->nnums ||
	    memcmp(a->nums, b->nums, sizeof(a->nums)) != 0)
		return "numbers";
	if (a->expect != b->expect || a->fl_type != b->fl_type ||
	    a->fl_size != b->fl_size)
		return "expect";
	if (a->setting != b->setting || !same_str(a->setting_str, b->setting_str))
		return "setting";
	return NULL;
}

/* The reader's own contract, checked on the way: lengths match the IDs. */
static const char *bad_lengths(const struct sim_event *e)
{
	if ((e->id ? strlen(e->id) : 0) != e->id_len ||
	    (e->dst ? strlen(e->dst) : 0) != e->dst_len ||
	    (e->id2 ? strlen(e->id2) : 0) != e->id2_len)
		return "id lengths";
	for (int i = 0; i < e->nitems; i++)
		if (strlen(e->items[i]) != e->item_lens[i])
			return "item lengths";
	return NULL;
}

static const char *const form_name[] = {
	[SIM_FMT_TEXT] = "text", [SIM_FMT_JSON] = "json",
	[SIM_FMT_JSONL] = "jsonl",
};

/*
 * Write e in form fmt, read it back into back, compare.  1 and a message
 * on stderr when an event differs or the written form does not read.
 */
static int leg(const char *path, const char *what, enum sim_format fmt,
	       const struct events *e, struct events *back)
{
	struct buf b = { 0 };
	struct sim_diag d;
	int rc, bad = 0;

	write_all(&b, fmt, e);
	rc = read_all(sim_reader_open_mem(form_name[fmt], b.p, b.n, fmt), back, &d);
	if (rc) {
		fprintf(stderr, "%s: %s: the written %s does not read back: %s:%lu:%lu: %s\n",
			path, what, form_name[fmt], d.file, d.line, d.col, d.msg);
		bad = 1;
	} else if (back->n != e->n) {
		fprintf(stderr, "%s: %s: %zu events, %zu read back\n", path, what,
			e->n, back->n);
		bad = 1;
	}
	for (size_t i = 0; !bad && i < e->n; i++) {
		const char *field = differs(&e->ev[i], &back->ev[i]);

		if (!field)
			field = bad_lengths(&back->ev[i]);
		if (field) {
			fprintf(stderr, "%s: %s: event %zu (line %lu) differs in its %s\n",
				path, what, i, e->ev[i].line, field);
			bad = 1;
		}
	}
	free(b.p);
	return bad;
}

/* 0: every event came back; 1: one did not. */
static int roundtrip(const char *path, size_t *nevents)
{
	struct events orig = { 0 }, text = { 0 }, json = { 0 }, jsonl = { 0 },
		back = { 0 };
	struct sim_diag d;
	sim_reader *r;
	int bad;

	if (sim_reader_open(&r, path, SIM_FMT_AUTO, &d)) {
		fprintf(stderr, "%s: %s\n", path, d.msg);
		return 1;
	}
	read_all(r, &orig, &d);   /* an invalid file: its valid prefix */
	for (size_t i = 0; i < orig.n; i++)
		if (bad_lengths(&orig.ev[i])) {
			fprintf(stderr, "%s: event %zu: the reader's id lengths are wrong\n",
				path, i);
			return 1;
		}
	*nevents += orig.n;
	bad = leg(path, "to text", SIM_FMT_TEXT, &orig, &text) ||
		leg(path, "text to json", SIM_FMT_JSON, &text, &json) ||
		leg(path, "json to jsonl", SIM_FMT_JSONL, &json, &jsonl) ||
		leg(path, "jsonl to text", SIM_FMT_TEXT, &jsonl, &back);
	events_free(&orig);
	events_free(&text);
	events_free(&json);
	events_free(&jsonl);
	events_free(&back);
	return bad;
}

int main(int argc, char **argv)
{
	size_t nevents = 0, failed = 0, ntraces = 0, nonempty = 0;
	int i = 1;

	if (i < argc && strcmp(argv[i], "--corrupt") == 0) {
		corrupt = 1;
		i++;
	}
	if (i == argc) {
		fputs("usage: trace_roundtrip [--corrupt] TRACE...\n", stderr);
		return 2;
	}
	for (; i < argc; i++, ntraces++) {
		size_t before = nevents;

		failed += (size_t)roundtrip(argv[i], &nevents);
		nonempty += nevents > before;
	}
	printf("%zu traces, %zu events, %zu failed the round trip%s\n", ntraces,
	       nevents, failed, corrupt ? " (corrupted writer)" : "");
	if (corrupt)
		return failed == nonempty ? 0 : 1;
	return failed ? 1 : 0;
}
