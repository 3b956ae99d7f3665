/*
 * gen.c - `gcsim gen`: write a synthetic workload as a text trace.
 *
 * Each model is a small Python program written out as the events its
 * interpreter would see: the objects it allocates, the references its
 * containers take and drop, and the root references its variables hold
 * (`x = ...` is an alloc, `c.append(x)` a ref, `del x` or the end of a
 * function a del).  The output is a function of the options alone: the
 * randomness is xoshiro256** seeded through splitmix64, and nothing
 * depends on the clock, addresses or hash order.
 *
 * The traces are valid (SPEC.md section 1) by construction:
 *  - every alloc binds a fresh ID (one counter for the whole trace), so no
 *    ID is ever bound twice, even after its object died;
 *  - an event names only an object the program can reach: one whose root
 *    reference the generator holds, or one held by a container it holds
 *    (a cache entry, a node of the tree being built).  Once the last path
 *    from a root into a structure is dropped, none of its IDs appears
 *    again: a cycle left behind may be collected at any moment;
 *  - `del` drops only a root reference taken by an alloc or a `ref ID`,
 *    once; `unref` drops only a reference the generator added to a list,
 *    dict or object and knows is still there (never from a tuple or set);
 *  - a tuple display, `(a, b)`, is `pack` of its items, made before it;
 *    `tuple N` is followed at once by its N fills; set members are small
 *    ints and interned strs.
 * The generator's memory is what its model keeps reachable (the cache's
 * ring of entries, the tree being built), not the number of events.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "common.h"

/* A trace ID: a running number above a one-letter prefix, "l42". */
typedef uint64_t oid;

#define OUTBUF (1 << 16)
#define LINE_MAX_BYTES 256 /* longer than any line the generator writes */

struct out {
	FILE *f;
	size_t len;
	int failed;   /* errno of the first failed write, or 0 */
	char buf[OUTBUF];
};

/* A FIFO of at most cap IDs, with O(1) access by position. */
struct ring {
	oid *v;
	size_t cap, alloc, head, len; /* alloc: size of v */
};

struct gen {
	uint64_t rng[4];          /* xoshiro256** state */
	struct out out;
	uint64_t nid;             /* IDs issued so far */
	uint64_t events, target;  /* events written, events asked for */
	double cycle_rate;
	long lifetime, size;
	long baseline;            /* app: start-up heap objects */
	uint64_t serial;          /* numbers that make values unique */
};

/* ---- randomness ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct gen *g, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		g->rng[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct gen *g)
{
	uint64_t *s = g->rng;
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Uniform in [0, n); n > 0.  The modulo bias is far below what matters. */
static uint64_t below(struct gen *g, uint64_t n)
{
	return rng_next(g) % n;
}

static int chance(struct gen *g, double p)
{
	return (double)(rng_next(g) >> 11) * 0x1.0p-53 < p;
}

/* ---- output ---- */

static void out_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len && !o->failed)
		o->failed = errno ? errno : EIO;
	o->len = 0;
}

static void put_c(struct out *o, char c)
{
	o->buf[o->len++] = c;
}

static void put_s(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len + n > OUTBUF)
		out_flush(o);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* The decimal digits of v, written backwards to end at end; their start. */
static char *digits_before(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return end;
}

static void put_u(struct out *o, uint64_t v)
{
	char tmp[24], *p = digits_before(tmp + sizeof(tmp), v);
	size_t n = (size_t)(tmp + sizeof(tmp) - p);

	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void put_i(struct out *o, int64_t v)
{
	if (v < 0) {
		put_c(o, '-');
		put_u(o, 0 - (uint64_t)v);
	} else {
		put_u(o, (uint64_t)v);
	}
}

/* An ID as the trace names it: its prefix letter and its serial. */
static const char *id_text(char buf[24], oid id)
{
	char *p;

	buf[23] = '\0';
	p = digits_before(buf + 23, id >> 8);
	*--p = (char)(id & 0xff);
	return p;
}

/* One event, written by the trace language's text writer, as one line. */
static void emit(struct out *o, const struct sim_event *ev)
{
	if (o->len + LINE_MAX_BYTES > OUTBUF)
		out_flush(o);
	o->len += sim_event_text(o->buf + o->len, OUTBUF - o->len, ev);
	assert(o->len < OUTBUF);
	put_c(o, '\n');
}

/* ---- events ---- */

static oid fresh(struct gen *g, char prefix)
{
	return (++g->nid << 8) | (unsigned char)prefix;
}

/* `alloc ID TYPE [VALUE]` for a fresh ID; v NULL: no value. */
static oid alloc_value(struct gen *g, char prefix, enum sim_type type,
		       const struct sim_value *v)
{
	static const struct sim_event zero;
	struct sim_event ev = zero;
	char id[24];
	oid o = fresh(g, prefix);

	ev.op = SIM_OP_ALLOC;
	ev.id = id_text(id, o);
	ev.type = type;
	if (v)
		ev.value = *v;
	ev.value.has = v != NULL;
	g->events++;
	emit(&g->out, &ev);
	return o;
}

/* list, dict, set, object, none: no value. */
static oid alloc_plain(struct gen *g, char prefix, enum sim_type type)
{
	return alloc_value(g, prefix, type, NULL);
}

static oid alloc_int(struct gen *g, int64_t i)
{
	struct sim_value v = { .i = i, .fits = 1 };
	char digits[24], *p;

	digits[23] = '\0';
	p = digits_before(digits + 23, i < 0 ? 0 - (uint64_t)i : (uint64_t)i);
	if (i < 0)
		*--p = '-';
	v.digits = p;
	return alloc_value(g, 'i', SIM_T_INT, &v);
}

/* A float with two decimals, cents / 100. */
static oid alloc_float(struct gen *g, int64_t cents)
{
	struct sim_value v = { .f = (double)cents / 100 };

	return alloc_value(g, 'f', SIM_T_FLOAT, &v);
}

/* A str or bytes value made of text. */
static oid alloc_bytes_of(struct gen *g, char prefix, enum sim_type type,
			  const char *text)
{
	struct sim_value v = { .s = text, .len = strlen(text) };

	return alloc_value(g, prefix, type, &v);
}

/* An identifier-like str: a literal of the program, interned. */
static oid alloc_word(struct gen *g, const char *word)
{
	return alloc_bytes_of(g, 's', SIM_T_STR, word);
}

/*
 * A str built at run time, "PREFIX" followed by n: a new object each time
 * (the prefixes hold a character that keeps it from being interned).
 */
static oid alloc_text(struct gen *g, char prefix, enum sim_type type,
		      const char *text, uint64_t n)
{
	char buf[48], *p;
	size_t k = strlen(text);

	buf[47] = '\0';
	p = digits_before(buf + 47, n);
	p -= k;
	memcpy(p, text, k);
	return alloc_bytes_of(g, prefix, type, p);
}

static oid alloc_str(struct gen *g, const char *text, uint64_t n)
{
	return alloc_text(g, 's', SIM_T_STR, text, n);
}

/* ref, unref (b a member of a), or a root reference or del (b 0). */
static void ev_ids(struct gen *g, enum sim_op op, oid a, oid b)
{
	static const struct sim_event zero;
	struct sim_event ev = zero;
	char ia[24], ib[24];

	ev.op = op;
	ev.id = id_text(ia, a);
	ev.dst = b ? id_text(ib, b) : NULL;
	g->events++;
	emit(&g->out, &ev);
}

/*
 * t = PyTuple_New(n), filled by the next n refs (C code building a tuple;
 * the app model's tuples, as the recorder writes them).
 */
static oid alloc_tuple(struct gen *g, int n)
{
	struct sim_value v = { .i = n };

	return alloc_value(g, 't', SIM_T_TUPLE, &v);
}

/* `pack ID ITEM...`: the tuple display (item[0], ..., item[n-1]). */
static oid pack(struct gen *g, const oid *item, int n)
{
	static const struct sim_event zero;
	struct sim_event ev = zero;
	char it[SIM_PACK_MAX][24], id[24];
	oid t = fresh(g, 't');

	assert(n >= 1 && n <= SIM_PACK_MAX);
	ev.op = SIM_OP_PACK;
	ev.id = id_text(id, t);
	for (int i = 0; i < n; i++)
		ev.items[i] = id_text(it[i], item[i]);
	ev.nitems = n;
	g->events++;
	emit(&g->out, &ev);
	return t;
}

/* c.append(v), c[k] = v, c.add(v), c.attr = v */
static void ref(struct gen *g, oid c, oid v) { ev_ids(g, SIM_OP_REF, c, v); }
/* c.remove(v), del c[k], del c.attr */
static void unref(struct gen *g, oid c, oid v) { ev_ids(g, SIM_OP_UNREF, c, v); }
/* y = x: one more root reference */
static void hold(struct gen *g, oid v) { ev_ids(g, SIM_OP_REF, v, 0); }
static void del(struct gen *g, oid v) { ev_ids(g, SIM_OP_DEL, v, 0); }

/* c gets a temporary that nothing else names: `c.append(make())`. */
static void give(struct gen *g, oid c, oid v)
{
	ref(g, c, v);
	del(g, v);
}

/* ---- values ---- */

static const char *const words[] = {
	"id", "name", "path", "status", "user", "email", "items", "total",
	"count", "created", "updated", "kind", "owner", "tags", "value",
	"price", "qty", "active", "admin", "guest", "read", "write", "red",
	"green", "blue", "draft", "done", "open", "closed", "high", "low",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static const char *word(struct gen *g)
{
	return words[below(g, NWORDS)];
}

/* An atomic value as a program's data holds them. */
static oid scalar(struct gen *g)
{
	uint64_t r = below(g, 100);

	if (r < 22)
		return alloc_int(g, (int64_t)below(g, 200));      /* cached */
	if (r < 38)
		return alloc_int(g, 1000 + (int64_t)below(g, 1000000));
	if (r < 50)
		return alloc_float(g, (int64_t)below(g, 1000000) - 1000);
	if (r < 66)
		return alloc_word(g, word(g));
	if (r < 86)
		return alloc_str(g, "v:", ++g->serial);
	if (r < 89)
		return alloc_text(g, 'b', SIM_T_BYTES, "raw-", ++g->serial);
	if (r < 92)
		return alloc_plain(g, 'c', SIM_T_NONE);
	if (r < 96) {
		struct sim_value v = { .i = chance(g, 0.5) };

		return alloc_value(g, 'c', SIM_T_BOOL, &v);
	}
	if (r < 98)
		return alloc_str(g, "", below(g, 10));             /* one char */
	return alloc_bytes_of(g, 's', SIM_T_STR, "");              /* '' */
}

/* A filled tuple of fresh scalars: `(a, b, c)`. */
static oid scalar_tuple(struct gen *g, int n)
{
	oid item[8];

	for (int i = 0; i < n; i++)
		item[i] = scalar(g);
	oid t = pack(g, item, n);
	for (int i = 0; i < n; i++)
		del(g, item[i]);
	return t;
}

/* ---- the generator's own bookkeeping ---- */

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		errorf("out of memory");
		abort();
	}
	return p;
}

static void ring_init(struct ring *r, size_t cap)
{
	r->cap = cap;
	r->v = NULL;
	r->alloc = r->head = r->len = 0;
}

static oid *ring_at(struct ring *r, size_t i)
{
	return &r->v[(r->head + i) % r->alloc];
}

/* The ring's array grows with it, up to cap, not to cap at once. */
static void ring_push(struct ring *r, oid id)
{
	assert(r->len < r->cap);
	if (r->len == r->alloc) {
		size_t n = r->alloc ? 2 * r->alloc : 64;
		oid *v = xcalloc(n < r->cap ? n : r->cap, sizeof(oid));
		for (size_t i = 0; i < r->len; i++)
			v[i] = *ring_at(r, i);
		free(r->v);
		r->v = v;
		r->alloc = n < r->cap ? n : r->cap;
		r->head = 0;
	}
	r->v[(r->head + r->len++) % r->alloc] = id;
}

static oid ring_pop(struct ring *r)
{
	oid id = r->v[r->head];

	r->head = (r->head + 1) % r->alloc;
	r->len--;
	return id;
}

/* Remove the entry at i; the oldest entry takes its place. */
static oid ring_take(struct ring *r, size_t i)
{
	oid *a = ring_at(r, 0), *b = ring_at(r, i), t = *a;

	*a = *b;
	*b = t;
	return ring_pop(r);
}

/* Whether to start more work: events to write, and somewhere to write them. */
static int budget_left(const struct gen *g)
{
	return g->events < g->target && !g->out.failed;
}

/*
 * Keep v in the long-lived list or dict c, whose FIFO of entries is r:
 * `c.append(v)`, then `c.pop(0)` (`unref c oldest`) once it holds more
 * than lifetime entries.
 */
static void keep(struct gen *g, oid c, struct ring *r, oid v)
{
	ref(g, c, v);
	ring_push(r, v);
	if (r->len > (size_t)g->lifetime)
		unref(g, c, ring_pop(r));
}

/* ---- handler ---- */

/*
 * A request handler: each request parses its input into dicts and lists,
 * builds a user object and a response, and keeps a quarter of its results
 * in a module-level cache list of lifetime entries.  A request makes a
 * reference cycle with probability cycle_rate (the object pointing to
 * itself, a list holding itself, a parent/child pair, a context object
 * and the request dict pointing to each other, an exception and its
 * frame's locals); all of it is garbage when the request returns.
 */
static void handler(struct gen *g)
{
	struct ring kept;
	long n = g->size;

	ring_init(&kept, (size_t)g->lifetime + 1);
	/* Module level: configuration and routes that live for ever. */
	oid config = alloc_plain(g, 'd', SIM_T_DICT);
	for (int i = 0; i < 6; i++)
		give(g, config, scalar(g));
	oid routes = alloc_plain(g, 'l', SIM_T_LIST);
	for (int i = 0; i < 8; i++)
		give(g, routes, scalar_tuple(g, 2));
	oid recent = alloc_plain(g, 'l', SIM_T_LIST);

	for (uint64_t req_no = 1; budget_left(g); req_no++) {
		/* req = parse(raw): a dict of fields and a headers dict */
		oid req = alloc_plain(g, 'd', SIM_T_DICT);
		give(g, req, alloc_str(g, "/api/items/", req_no));
		for (long i = 0; i < 1 + n / 2; i++)
			give(g, req, scalar(g));
		oid hdr = alloc_plain(g, 'd', SIM_T_DICT);
		give(g, hdr, alloc_str(g, "text/html; q=", below(g, 10)));
		give(g, hdr, alloc_str(g, "Mozilla/5.0 #", below(g, 1000)));
		give(g, hdr, alloc_int(g, (int64_t)below(g, 5000)));
		give(g, req, hdr);

		/* args = [...] */
		oid args = alloc_plain(g, 'l', SIM_T_LIST);
		for (long i = 0; i < n; i++)
			give(g, args, scalar(g));

		/* user = User(name, id, roles[, flags]) */
		oid user = alloc_plain(g, 'o', SIM_T_OBJECT);
		give(g, user, alloc_str(g, "user ", below(g, 100000)));
		give(g, user, alloc_int(g, 1000 + (int64_t)below(g, 100000)));
		oid roles = alloc_plain(g, 'l', SIM_T_LIST);
		for (uint64_t i = 0, k = 1 + below(g, 3); i < k; i++)
			give(g, roles, alloc_word(g, word(g)));
		give(g, user, roles);
		if (chance(g, 0.3)) {
			oid flags = alloc_plain(g, 'e', SIM_T_SET);
			for (uint64_t i = 0, k = below(g, 4); i < k; i++)
				give(g, flags, alloc_word(g, word(g)));
			give(g, user, flags);
		}

		/* items = [{"id": ..., "qty": ..., "price": ...} for ...] */
		oid items = alloc_plain(g, 'l', SIM_T_LIST);
		for (long i = 0; i < (n + 1) / 2; i++) {
			oid it = alloc_plain(g, 'd', SIM_T_DICT);
			give(g, it, alloc_int(g, 1000 + (int64_t)below(g, 100000)));
			give(g, it, alloc_int(g, 1 + (int64_t)below(g, 9)));
			give(g, it, alloc_float(g, (int64_t)below(g, 100000)));
			give(g, items, it);
		}
		oid total = alloc_float(g, (int64_t)below(g, 10000000));
		oid body = alloc_str(g, "<html> ", req_no);

		if (chance(g, g->cycle_rate)) {
			switch (below(g, 5)) {
			case 0:	/* user.me = user */
				ref(g, user, user);
				break;
			case 1:	/* args.append(args) */
				ref(g, args, args);
				break;
			case 2: { /* child = Session(); child.parent = user; user.child = child */
				oid child = alloc_plain(g, 'o', SIM_T_OBJECT);
				ref(g, child, user);
				give(g, child, alloc_int(g, (int64_t)req_no));
				give(g, user, child);
				break;
			}
			case 3: { /* ctx = Context(); ctx.req = req; req["ctx"] = ctx */
				oid ctx = alloc_plain(g, 'o', SIM_T_OBJECT);
				ref(g, ctx, req);
				ref(g, ctx, user);
				give(g, req, ctx);
				break;
			}
			default: { /* except Exception as e: e.__traceback__ -> frame locals -> e */
				oid err = alloc_plain(g, 'o', SIM_T_OBJECT);
				give(g, err, alloc_str(g, "KeyError: k", req_no));
				oid locals = alloc_plain(g, 'd', SIM_T_DICT);
				ref(g, locals, err);
				ref(g, locals, req);
				ref(g, locals, items);
				give(g, err, locals);
				del(g, err);
				break;
			}
			}
		}

		/* result = (200, body, total); maybe recent.append(result) */
		oid status = alloc_int(g, chance(g, 0.9) ? 200 : 404);
		oid result = pack(g, (oid[]){ status, body, total }, 3);
		del(g, status);
		if (chance(g, 0.25))
			keep(g, recent, &kept, result);

		/* return: the frame's locals go */
		del(g, req);
		del(g, args);
		del(g, user);
		del(g, items);
		del(g, total);
		del(g, body);
		del(g, result);
	}
	del(g, recent);
	del(g, routes);
	del(g, config);
	free(kept.v);
}

/* ---- cache ---- */

/*
 * A long-lived cache: a module-level dict of Entry objects (key, a dict of
 * size fields, a list of tags, an expiry time) that grows to lifetime
 * entries and then evicts the oldest; 2 % of operations evict a random
 * entry early, 35 % look one up and build a response around it.  An
 * entry points back to itself through its fields dict with probability
 * cycle_rate, so evicting it leaves a cycle for the collector.
 */
static void cache(struct gen *g)
{
	struct ring entries;

	ring_init(&entries, (size_t)g->lifetime + 1);
	oid store = alloc_plain(g, 'd', SIM_T_DICT);
	uint64_t key_no = 0, op_no = 0;

	while (budget_left(g)) {
		uint64_t r = below(g, 100);

		op_no++;
		if (entries.len > 0 && r < 35) {
			/* e = store[key]; return {"entry": e, "served": n} */
			oid e = *ring_at(&entries, below(g, entries.len));
			hold(g, e);
			oid resp = alloc_plain(g, 'd', SIM_T_DICT);
			ref(g, resp, e);
			give(g, resp, alloc_str(g, "served #", op_no));
			del(g, resp);
			del(g, e);
			continue;
		}
		if (entries.len > 0 && r < 37) {
			/* del store[random key] */
			oid e = ring_take(&entries, below(g, entries.len));
			unref(g, store, e);
			continue;
		}
		/* store[key] = Entry(key, fields, tags, expires) */
		oid e = alloc_plain(g, 'o', SIM_T_OBJECT);
		give(g, e, alloc_str(g, "key:", ++key_no));
		oid fields = alloc_plain(g, 'd', SIM_T_DICT);
		for (long i = 0; i < g->size; i++)
			give(g, fields, scalar(g));
		if (chance(g, g->cycle_rate))
			ref(g, fields, e);    /* fields["entry"] = e */
		give(g, e, fields);
		oid tags = alloc_plain(g, 'l', SIM_T_LIST);
		for (uint64_t i = 0, k = below(g, 4); i < k; i++)
			give(g, tags, alloc_word(g, word(g)));
		give(g, e, tags);
		give(g, e, alloc_float(g, 100000 + (int64_t)below(g, 100000000)));
		keep(g, store, &entries, e);
		del(g, e);
	}
	del(g, store);
	free(entries.v);
}

/* ---- tree ---- */

struct node {
	oid obj, kids;   /* the Node and its children list */
	long parent;     /* index of the parent node, -1 for the root */
	int has_parent;  /* holds a .parent attribute (a cycle) */
	int alive;       /* still in the tree */
};

/* Detach node c with its subtree: `p.children.remove(c); del c.parent`. */
static void detach(struct gen *g, struct node *t, long nt, long c)
{
	struct node *p = &t[t[c].parent];

	hold(g, t[c].obj);
	unref(g, p->kids, t[c].obj);
	if (t[c].has_parent)
		unref(g, t[c].obj, p->obj);
	del(g, t[c].obj);
	/* Parents come before their children: one pass marks the subtree. */
	t[c].alive = 0;
	for (long j = c + 1; j < nt; j++)
		if (t[j].alive && !t[t[j].parent].alive)
			t[j].alive = 0;
}

/*
 * Trees with parent pointers: each tree is size Node objects, each with a
 * children list, a value and, with probability cycle_rate, a parent
 * attribute (so by default every node is in a cycle with its parent).
 * While a tree grows, 2 % of the steps detach a random subtree; a built
 * tree goes into a module-level forest list that keeps the lifetime
 * newest trees and drops the oldest whole.
 */
static void tree(struct gen *g)
{
	struct ring forest_trees;
	struct node *t = xcalloc((size_t)g->size, sizeof(*t));

	ring_init(&forest_trees, (size_t)g->lifetime + 1);
	oid forest = alloc_plain(g, 'l', SIM_T_LIST);

	while (budget_left(g)) {
		long nt = 0;

		/* root = Node(name) */
		t[0].obj = alloc_plain(g, 'o', SIM_T_OBJECT);
		t[0].kids = alloc_plain(g, 'l', SIM_T_LIST);
		give(g, t[0].obj, t[0].kids);
		give(g, t[0].obj, alloc_str(g, "tree ", g->nid));
		t[0].parent = -1;
		t[0].has_parent = 0;
		t[0].alive = 1;
		nt = 1;
		while (nt < g->size && budget_left(g)) {
			long p = (long)below(g, (uint64_t)nt);
			for (int tries = 0; !t[p].alive; tries++)
				p = tries < 4 ? (long)below(g, (uint64_t)nt) : 0;
			struct node *n = &t[nt];

			/* n = Node(value, parent=p); p.children.append(n) */
			n->obj = alloc_plain(g, 'o', SIM_T_OBJECT);
			n->parent = p;
			n->has_parent = chance(g, g->cycle_rate);
			n->alive = 1;
			if (n->has_parent)
				ref(g, n->obj, t[p].obj);
			n->kids = alloc_plain(g, 'l', SIM_T_LIST);
			give(g, n->obj, n->kids);
			give(g, n->obj, scalar(g));
			ref(g, t[p].kids, n->obj);
			del(g, n->obj);
			nt++;
			if (nt > 2 && chance(g, 0.02)) {
				long c = 1 + (long)below(g, (uint64_t)(nt - 1));
				if (t[c].alive)
					detach(g, t, nt, c);
			}
		}
		/* forest.append(root) */
		keep(g, forest, &forest_trees, t[0].obj);
		del(g, t[0].obj);
	}
	del(g, forest);
	free(forest_trees.v);
	free(t);
}

/* ---- batch ---- */

/*
 * A batch job: each batch reads size records into a list (tuples
 * (id, name, score) or dicts {id, name, score, kind}), indexes a third of
 * them in a dict, collects their kinds in a set, appends a summary dict
 * to a module-level results list (which keeps the lifetime newest), and
 * drops the records and the index whole.  A record refers back to the
 * batch's list (a tuple holding it, or rec["batch"] = records) with
 * probability cycle_rate, which turns the whole batch into cyclic
 * garbage.
 */
static void batch(struct gen *g)
{
	struct ring kept;

	ring_init(&kept, (size_t)g->lifetime + 1);
	oid results = alloc_plain(g, 'l', SIM_T_LIST);

	for (uint64_t batch_no = 1; budget_left(g); batch_no++) {
		oid records = alloc_plain(g, 'l', SIM_T_LIST);
		oid index = alloc_plain(g, 'd', SIM_T_DICT);
		oid kinds = alloc_plain(g, 'e', SIM_T_SET);
		long nrec = 0;

		while (nrec < g->size && budget_left(g)) {
			int cyc = chance(g, g->cycle_rate);
			oid rec;

			oid id = alloc_int(g, 100000 + (int64_t)++g->serial);
			oid name = alloc_str(g, "item-", g->serial);
			oid score = alloc_float(g, (int64_t)below(g, 10000));
			if (chance(g, 0.5)) {
				/* rec = (id, name, score[, records]) */
				rec = pack(g, (oid[]){ id, name, score, records },
					   cyc ? 4 : 3);
				del(g, id);
				del(g, name);
				del(g, score);
			} else {
				/* rec = {"id": id, "name": name, "score": score, "kind": k} */
				rec = alloc_plain(g, 'd', SIM_T_DICT);
				give(g, rec, id);
				give(g, rec, name);
				give(g, rec, score);
				give(g, rec, alloc_word(g, word(g)));
				if (cyc)
					ref(g, rec, records);
			}
			ref(g, records, rec);
			if (chance(g, 0.33))
				ref(g, index, rec);
			if (chance(g, 0.2)) {
				/* kinds.add(kind): small ints and interned strs */
				oid k = chance(g, 0.5) ? alloc_int(g, (int64_t)below(g, 16))
						       : alloc_word(g, word(g));
				give(g, kinds, k);
			}
			del(g, rec);
			nrec++;
		}
		/* results.append({"batch": n, "count": ..., "total": ...}) */
		oid summary = alloc_plain(g, 'd', SIM_T_DICT);
		give(g, summary, alloc_str(g, "batch-", batch_no));
		give(g, summary, alloc_int(g, nrec));
		give(g, summary, alloc_float(g, (int64_t)below(g, 100000000)));
		keep(g, results, &kept, summary);
		del(g, summary);
		del(g, kinds);
		del(g, index);
		del(g, records);
	}
	del(g, results);
	free(kept.v);
}

/* ---- app ---- */

static void safepoint(struct gen *g)
{
	struct sim_event ev = { .op = SIM_OP_GC, .action = SIM_GC_SAFEPOINT };

	g->events++;
	emit(&g->out, &ev);
}

/*
 * One imported module: its globals dict, functions that refer to it (the
 * function -> globals -> function cycle every module has), their
 * defaults tuples, and now and then a class with its dict.  At least n
 * GC objects, all kept in modules; returns how many.
 */
static long import_module(struct gen *g, oid modules, long n)
{
	oid mod = alloc_plain(g, 'g', SIM_T_GCOBJ);
	oid globals = alloc_plain(g, 'd', SIM_T_DICT);
	long made = 2;

	give(g, mod, globals);
	while (made < n) {
		/* def f(a, b=[]): ... */
		oid fn = alloc_plain(g, 'g', SIM_T_GCOBJ);
		ref(g, fn, globals);
		oid defaults = alloc_tuple(g, 1);
		give(g, defaults, alloc_plain(g, 'l', SIM_T_LIST));
		give(g, fn, defaults);
		made += 3;
		if (chance(g, 0.25)) {
			/* class C: its namespace dict */
			oid cls = alloc_plain(g, 'g', SIM_T_GCOBJ);
			give(g, cls, alloc_plain(g, 'd', SIM_T_DICT));
			give(g, globals, cls);
			made += 2;
		}
		give(g, globals, fn);
	}
	give(g, modules, mod);
	return made;
}

/*
 * A web application, calibrated on tests/record/web_app.py recorded with
 * CPython 3.13.5: a start-up heap of baseline objects in imported modules
 * (left to the collector, so it ages into generation 2 as a real
 * interpreter's does), an import now and then, and per request the mix
 * the recording shows: short-lived call machinery (gcobj: frames,
 * iterators, bound methods), tuples, dicts and lists, a safe point every
 * few allocations, a quarter of the requests leaving an entry in a
 * session cache of lifetime entries (evicting the oldest), and a
 * context/request cycle with probability cycle_rate.
 */
static void app(struct gen *g)
{
	struct ring kept;
	long n = g->size;

	ring_init(&kept, (size_t)g->lifetime + 1);
	oid modules = alloc_plain(g, 'd', SIM_T_DICT); /* sys.modules */
	for (long made = 1; made < g->baseline && budget_left(g);) {
		long left = g->baseline - made;
		made += import_module(g, modules, left < 200 ? left : 200);
		safepoint(g);
	}
	oid cache = alloc_plain(g, 'd', SIM_T_DICT);

	for (uint64_t req_no = 1; budget_left(g); req_no++) {
		safepoint(g);
		if (chance(g, 0.0005))
			import_module(g, modules, 400);
		/* url = urlsplit(path); query = parse_qs(...) */
		oid url = alloc_tuple(g, 2);
		give(g, url, alloc_str(g, "/api/items/", req_no));
		give(g, url, alloc_str(g, "page=", below(g, 7)));
		oid req = alloc_plain(g, 'd', SIM_T_DICT);
		oid query = alloc_plain(g, 'd', SIM_T_DICT);
		oid vals = alloc_plain(g, 'l', SIM_T_LIST);
		give(g, vals, alloc_str(g, "w", below(g, 13)));
		give(g, query, vals);
		give(g, req, query);
		oid hdr = alloc_plain(g, 'd', SIM_T_DICT);
		give(g, hdr, alloc_str(g, "ua/", below(g, 100)));
		give(g, req, hdr);
		del(g, url);
		safepoint(g);
		/* user = User(name, uid, roles) */
		oid user = alloc_plain(g, 'o', SIM_T_OBJECT);
		give(g, user, alloc_str(g, "user ", req_no));
		oid roles = alloc_plain(g, 'l', SIM_T_LIST);
		give(g, roles, alloc_word(g, word(g)));
		give(g, user, roles);
		/* items = [{...} for i in range(k)]: a comprehension's calls */
		oid items = alloc_plain(g, 'l', SIM_T_LIST);
		for (long i = 0, k = 2 + (long)below(g, (uint64_t)n); i < k; i++) {
			oid call = alloc_plain(g, 'g', SIM_T_GCOBJ);
			oid args = alloc_tuple(g, 2);
			ref(g, args, call);
			oid it = alloc_plain(g, 'd', SIM_T_DICT);
			give(g, it, alloc_int(g, (int64_t)(req_no + (uint64_t)i)));
			give(g, it, alloc_float(g, i * 125));
			give(g, items, it);
			del(g, args);
			del(g, call);
			if (i % 2)
				safepoint(g);
		}
		/* body = json.dumps(...): the encoder's temporaries */
		for (long i = 0; i < 2 * n; i++) {
			oid tmp = alloc_plain(g, 'g', SIM_T_GCOBJ);
			oid pair = alloc_tuple(g, 2);
			ref(g, pair, tmp);
			if (i % 4 == 0) {
				oid l = alloc_plain(g, 'l', SIM_T_LIST);
				give(g, pair, l);
			} else {
				ref(g, pair, items);
			}
			del(g, pair);
			del(g, tmp);
			if (i % 3 == 2)
				safepoint(g);
		}
		oid body = alloc_str(g, "{\"items\": #", req_no);
		if (chance(g, g->cycle_rate)) {
			/* ctx = Context(req, user); req["ctx"] = ctx */
			oid ctx = alloc_plain(g, 'o', SIM_T_OBJECT);
			ref(g, ctx, req);
			ref(g, ctx, user);
			give(g, req, ctx);
		}
		oid result = alloc_tuple(g, 2);
		ref(g, result, body);
		give(g, result, alloc_int(g, 200));
		if (chance(g, 0.25)) {
			/* cache[n] = (user, result) */
			oid entry = alloc_tuple(g, 2);
			ref(g, entry, user);
			ref(g, entry, result);
			keep(g, cache, &kept, entry);
			del(g, entry);
		}
		del(g, req);
		del(g, user);
		del(g, items);
		del(g, body);
		del(g, result);
	}
	del(g, cache);
	del(g, modules);
	free(kept.v);
}

/* ---- the command ---- */

struct model {
	const char *name;
	void (*run)(struct gen *g);
	double cycle_rate;  /* defaults */
	long lifetime, size;
};

static const struct model models[] = {
	{ "handler", handler, 0.1, 100, 8 },
	{ "cache", cache, 0.01, 1000000, 4 },
	{ "tree", tree, 1.0, 8, 100 },
	{ "batch", batch, 0.001, 4, 1000 },
	{ "app", app, 0.1, 20000, 8 },
};
#define NMODELS (sizeof(models) / sizeof(models[0]))

#define MAX_EVENTS 1000000000000ULL
#define MAX_LIFETIME 10000000
#define MAX_SIZE 1000000
#define MAX_BASELINE 10000000
#define APP_BASELINE 9500 /* 9,543 recorded: tests/record/app_calibration.py */
#define STR_(x) #x
#define STR(x) STR_(x)

const struct cli_option gen_options[] = {
	{ "model", OPT_MODEL, "NAME", "handler, cache, tree, batch or app (default\n"
	  "handler)" },
	{ "events", OPT_EVENTS, "N",
	  "about N events (default 100000): once N are\n"
	  "written the model starts no new work, ends\n"
	  "what it was doing and drops its long-lived data" },
	{ "seed", OPT_SEED, "N", "0 .. 2^64-1 (default 1)" },
	{ "cycle-rate", OPT_CYCLE_RATE, "R",
	  "0 .. 1: how often a unit of work makes a\n"
	  "reference cycle (per model, below)" },
	{ "lifetime", OPT_LIFETIME, "N",
	  "how much long-lived data the model keeps\n"
	  "(below), 1 .. " STR(MAX_LIFETIME) },
	{ "size", OPT_SIZE, "N", "how big its structures are (below), 1 .. " STR(MAX_SIZE) },
	{ "baseline", OPT_BASELINE, "N",
	  "app: objects in the start-up heap (default\n"
	  "9500, a 3.13 interpreter after a few imports;\n"
	  "0 .. " STR(MAX_BASELINE) ")" },
	{ "python", OPT_PYTHON, "VERSION", "write a '#: python VERSION' line" },
	{ "threshold", OPT_THRESHOLD, "T0[,T1[,T2]]", "write a '#: threshold' line" },
	{ "output", 'o', "FILE",
	  "write to FILE, replaced only once all of it was\n"
	  "written (default, or -: standard output); FILE\n"
	  "ending in .gz or .zst is compressed" },
	{ "help", 'h', NULL, "this text" },
	{ NULL, 0, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gcsim gen [options]\n"
		"\n"
		"Write a synthetic workload as a text trace: a model of a program's\n"
		"allocations, references and cycles.  The same options and seed give the\n"
		"same bytes.  The trace is valid (it names only objects the program can\n"
		"reach and never binds an ID twice) and its first line is a comment\n"
		"naming the model and every option.\n"
		"\n");
	cli_help(f, gen_options);
	fprintf(f,
		"\n"
		"models (unit of work; --cycle-rate, --lifetime, --size; defaults):\n"
		"  handler  a request handler: per request, dicts, lists, strs, ints,\n"
		"           floats, tuples and a user object, all garbage on return.\n"
		"           cycle-rate: chance a request makes a cycle (self-reference,\n"
		"           list in itself, parent/child, context, exception) (0.1);\n"
		"           lifetime: results kept in a cache list, a quarter of the\n"
		"           requests add one (100); size: fields and items per request (8)\n"
		"  cache    a dict of Entry objects growing to lifetime entries, then\n"
		"           evicting the oldest; lookups and random evictions too.\n"
		"           cycle-rate: chance an entry refers to itself (0.01);\n"
		"           lifetime: entries kept (1000000); size: fields per entry (4)\n"
		"  tree     trees of Node objects with children lists and parent\n"
		"           pointers, subtrees detached now and then.\n"
		"           cycle-rate: chance a node gets a parent pointer (1);\n"
		"           lifetime: trees kept in the forest (8); size: nodes per tree (100)\n"
		"  batch    batches of record tuples and dicts in a list, an index dict\n"
		"           and a set, dropped whole after each batch.\n"
		"           cycle-rate: chance a record refers to its batch's list, which\n"
		"           makes the batch cyclic garbage (0.001); lifetime: batch\n"
		"           summaries kept (4); size: records per batch (1000)\n"
		"  app      a web application calibrated on a recorded one: a start-up\n"
		"           heap of --baseline objects in modules (functions, classes,\n"
		"           their dicts), left to age into generation 2; an import of\n"
		"           400 objects in 1 of 2000 requests; per request the recorded\n"
		"           mix (call machinery, tuples, dicts, lists), safe points,\n"
		"           a quarter of the requests adding a cache entry.\n"
		"           cycle-rate: chance a request leaves a context/request cycle\n"
		"           (0.1); lifetime: cache entries kept (20000); size: items\n"
		"           per response, up to size + 1 (8)\n"
		"\n"
		"Exit status: 0 success, 2 usage error, 4 I/O error.\n");
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static void header(struct gen *g, const struct model *m, uint64_t seed,
		   const struct common_opts *o)
{
	char buf[512], rate[32];
	struct out *out = &g->out;

	/* The shortest form that reads back as the same rate. */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(rate, sizeof(rate), "%.*g", prec, g->cycle_rate);
		if (strtod(rate, NULL) == g->cycle_rate)
			break;
	}
	snprintf(buf, sizeof(buf),
		 "# gcsim gen --model %s --events %llu --seed %llu --cycle-rate %s"
		 " --lifetime %ld --size %ld",
		 m->name, (unsigned long long)g->target, (unsigned long long)seed,
		 rate, g->lifetime, g->size);
	put_s(out, buf);
	if (m->run == app) {
		snprintf(buf, sizeof(buf), " --baseline %ld", g->baseline);
		put_s(out, buf);
	}
	if (o->python) {
		put_s(out, " --python ");
		put_s(out, o->python);
	}
	if (o->has_threshold[0]) {
		put_s(out, " --threshold ");
		for (int i = 0; i < 3 && o->has_threshold[i]; i++) {
			if (out->len + 32 > OUTBUF)
				out_flush(out);
			if (i)
				put_c(out, ',');
			put_i(out, o->threshold[i]);
		}
	}
	put_s(out, "\n");
	if (o->python) {
		struct sim_event ev = { .op = SIM_OP_SETTING, .setting = SIM_SET_PYTHON,
					.setting_str = o->python };
		emit(out, &ev);
	}
	if (o->has_threshold[0]) {
		struct sim_event ev = { .op = SIM_OP_SETTING,
					.setting = SIM_SET_THRESHOLD };
		for (int i = 0; i < 3 && o->has_threshold[i]; i++)
			ev.nums[ev.nnums++] = o->threshold[i];
		emit(out, &ev);
	}
}

int cmd_gen(int argc, char **argv)
{
	struct common_opts o = { 0 };
	const struct model *m = &models[0];
	const char *output = NULL;
	uint64_t events = 100000, seed = 1, v;
	double cycle_rate = -1;
	long lifetime = -1, size = -1, baseline = APP_BASELINE;
	struct cli_parser p;
	int opt, r;

	cli_parser_init(&p, "gen", gen_options);
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		if (opt == OPT_PYTHON || opt == OPT_THRESHOLD) {
			if ((r = common_option(&o, opt, optarg)) < 0)
				return EXIT_USAGE;
			continue;
		}
		switch (opt) {
		case OPT_MODEL:
			m = NULL;
			for (size_t i = 0; i < NMODELS; i++)
				if (strcmp(optarg, models[i].name) == 0)
					m = &models[i];
			if (!m) {
				errorf("unknown model '%s' (models: handler, cache, tree, batch, app)",
				       optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_EVENTS:
			if (parse_u64(optarg, 1, MAX_EVENTS, &events)) {
				errorf("--events takes an integer from 1 to %llu, got '%s'",
				       MAX_EVENTS, optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_SEED:
			if (parse_u64(optarg, 0, UINT64_MAX, &seed)) {
				errorf("--seed takes an integer from 0 to 2^64-1, got '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_CYCLE_RATE: {
			char *end;
			errno = 0;
			cycle_rate = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(cycle_rate >= 0 && cycle_rate <= 1)) {
				errorf("--cycle-rate takes a number from 0 to 1, got '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case OPT_LIFETIME:
			if (parse_u64(optarg, 1, MAX_LIFETIME, &v)) {
				errorf("--lifetime takes an integer from 1 to %ld, got '%s'",
				       (long)MAX_LIFETIME, optarg);
				return EXIT_USAGE;
			}
			lifetime = (long)v;
			break;
		case OPT_SIZE:
			if (parse_u64(optarg, 1, MAX_SIZE, &v)) {
				errorf("--size takes an integer from 1 to %ld, got '%s'",
				       (long)MAX_SIZE, optarg);
				return EXIT_USAGE;
			}
			size = (long)v;
			break;
		case OPT_BASELINE:
			if (parse_u64(optarg, 0, MAX_BASELINE, &v)) {
				errorf("--baseline takes an integer from 0 to %ld, got '%s'",
				       (long)MAX_BASELINE, optarg);
				return EXIT_USAGE;
			}
			baseline = (long)v;
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
	if (optind != argc) {
		errorf("gen takes no arguments, got '%s' (see gcsim gen --help)", argv[optind]);
		return EXIT_USAGE;
	}

	struct gen *g = xcalloc(1, sizeof(*g));
	g->target = events;
	g->cycle_rate = cycle_rate >= 0 ? cycle_rate : m->cycle_rate;
	g->lifetime = lifetime > 0 ? lifetime : m->lifetime;
	g->size = size > 0 ? size : m->size;
	g->baseline = baseline;
	rng_seed(g, seed);
	struct out_file of;
	if (out_open(&of, output ? output : "-") != EXIT_PASS) {
		free(g);
		return EXIT_IO;
	}
	g->out.f = of.f;

	header(g, m, seed, &o);
	m->run(g);
	out_flush(&g->out);

	int status = EXIT_PASS;
	if (g->out.failed) {
		errorf("%s: write failed: %s", of.f == stdout ? "standard output" : output,
		       strerror(g->out.failed));
		status = EXIT_IO;
	}
	free(g);
	return out_close(&of, status);
}
