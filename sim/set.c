/*
 * set.c - Python's hash() and ==, and the set's hash table.
 *
 * Mirrors Objects/setobject.c of 3.11-3.13 (set_add_entry, set_lookkey,
 * set_insert_clean, set_table_resize, set_discard_entry, and the slot
 * order in which set_traverse, set_dealloc and set_clear_internal walk
 * the table), and the hash functions a set calls: long_hash, float's
 * _Py_HashDouble, tuplehash (xxHash lanes), unicode_hash and bytes_hash
 * (_Py_HashBytes: siphash13 keyed with zeros, as PYTHONHASHSEED=0 leaves
 * it, siphash24 in 3.8; Py_HASH_CUTOFF is 0), and none_hash from 3.12.
 * 3.8's setobject.c probes and resizes the same way.  Given the same
 * hashes, the table fills as CPython's does, so the collector visits a
 * set's members in the interpreter's order.
 *
 * What CPython hashes by address (instances, None before 3.12, NaN from
 * 3.10, and tuples holding one of them) cannot be known: such an object
 * hashes as _Py_HashPointer would hash an object at 16 times its handle,
 * that is to its handle.  Where those members sit, and so the order of a set
 * that holds them, is gcsim's own.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

/* What py_hash knows of a tuple (obj.hstate). */
enum {
	HS_UNKNOWN,     /* not hashed yet */
	HS_HASHED,      /* u.r->hash holds hash(); final: a full tuple never changes */
	HS_UNHASHABLE,  /* holds a list, dict or set: final too */
	HS_BUSY,        /* on py_hash's stack now */
};

struct hash_frame {
	oref t;         /* a tuple being hashed */
	uint32_t i;     /* its next item */
	uint64_t acc;   /* tuplehash's accumulator so far */
};

struct eq_pair {
	oref a, b;
	uint32_t stamp; /* the py_equal call that found a == b */
};

/* ---- hash() ---- */

#define HASH_BITS 61
#define HASH_MODULUS (((uint64_t)1 << HASH_BITS) - 1)
#define HASH_INF 314159

static int64_t no_minus_one(int64_t x)
{
	return x == -1 ? -2 : x;
}

/* _Py_HashPointer for an object at address 16 * h: the stand-in. */
static int64_t by_address(oref h)
{
	return (int64_t)h;
}

static uint64_t mod_reduce(uint64_t x)
{
	x = (x & HASH_MODULUS) + (x >> HASH_BITS);
	return x >= HASH_MODULUS ? x - HASH_MODULUS : x;
}

/* long_hash: sign(v) * (|v| mod 2**61 - 1). */
static int64_t hash_int64(int64_t v)
{
	uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int64_t x = (int64_t)(a % HASH_MODULUS);

	return no_minus_one(v < 0 ? -x : x);
}

/* long_hash of a decimal string ("-123"), digit by digit mod 2**61 - 1. */
static int64_t hash_digits(const char *p)
{
	int neg = *p == '-';
	uint64_t x = 0;

	for (p += neg; *p; p++) {
		/* x < 2**61, so 8x and 2x fit in 64 bits */
		x = mod_reduce(mod_reduce(x << 3) + mod_reduce(x << 1) +
			       (uint64_t)(*p - '0'));
	}
	return no_minus_one(neg ? -(int64_t)x : (int64_t)x);
}

/* _Py_HashDouble; NaN is hashed by address (3.10+), is 0 in 3.8. */
static int64_t hash_double(const struct sim *s, oref h, double v)
{
	int e, sign = 1;
	double m;
	uint64_t x = 0, y;

	if (!isfinite(v)) {
		if (isinf(v))
			return v > 0 ? HASH_INF : -HASH_INF;
		return s->prof->nan_hash_zero ? 0 : by_address(h);
	}
	m = frexp(v, &e);
	if (m < 0) {
		sign = -1;
		m = -m;
	}
	/* 28 bits at a time */
	while (m) {
		x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
		m *= 268435456.0;
		e -= 28;
		y = (uint64_t)m;
		m -= (double)y;
		x += y;
		if (x >= HASH_MODULUS)
			x -= HASH_MODULUS;
	}
	e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
	x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
	x = x * (uint64_t)(int64_t)sign;
	return no_minus_one((int64_t)x);
}

#define ROTATE(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define HALF_ROUND(a, b, c, d, s, t) \
	a += b; c += d; \
	b = ROTATE(b, s) ^ a; \
	d = ROTATE(d, t) ^ c; \
	a = ROTATE(a, 32);

#define SINGLE_ROUND(v0, v1, v2, v3) \
	HALF_ROUND(v0, v1, v2, v3, 13, 16); \
	HALF_ROUND(v2, v1, v0, v3, 17, 21);

static uint64_t le64(const unsigned char *p, size_t n)
{
	uint64_t x = 0;

	for (size_t i = 0; i < n; i++)
		x |= (uint64_t)p[i] << (8 * i);
	return x;
}

/*
 * Python/pyhash.c's siphash13 (3.11+), or with rounds = 2 its siphash24
 * (3.8: two compression rounds per block, four to finish), with k0 = k1
 * = 0 (PYTHONHASHSEED=0).
 */
static uint64_t siphash(const unsigned char *in, size_t n, int rounds)
{
	uint64_t b = (uint64_t)n << 56;
	uint64_t v0 = 0x736f6d6570736575ULL, v1 = 0x646f72616e646f6dULL;
	uint64_t v2 = 0x6c7967656e657261ULL, v3 = 0x7465646279746573ULL;

	for (; n >= 8; in += 8, n -= 8) {
		uint64_t mi = le64(in, 8);

		v3 ^= mi;
		for (int k = 0; k < rounds; k++) {
			SINGLE_ROUND(v0, v1, v2, v3);
		}
		v0 ^= mi;
	}
	b |= le64(in, n);
	v3 ^= b;
	for (int k = 0; k < rounds; k++) {
		SINGLE_ROUND(v0, v1, v2, v3);
	}
	v0 ^= b;
	v2 ^= 0xff;
	for (int k = 0; k < rounds + 2; k++) {
		SINGLE_ROUND(v0, v1, v2, v3);
	}
	return (v0 ^ v1) ^ (v2 ^ v3);
}

/* _Py_HashBytes, with the profile's siphash. */
static int64_t hash_bytes(const struct sim *s, const unsigned char *p, size_t n)
{
	int rounds = s->prof->siphash24 ? 2 : 1;

	return n == 0 ? 0 : no_minus_one((int64_t)siphash(p, n, rounds));
}

/* The code points of UTF-8 p[0..n), or -1 if it is not valid UTF-8. */
static long utf8_decode(const unsigned char *p, size_t n, uint32_t *cp,
			uint32_t *maxc)
{
	long k = 0;

	*maxc = 0;
	for (size_t i = 0; i < n; k++) {
		uint32_t c = p[i], need;

		if (c < 0x80)
			need = 0;
		else if ((c & 0xe0) == 0xc0)
			need = 1, c &= 0x1f;
		else if ((c & 0xf0) == 0xe0)
			need = 2, c &= 0x0f;
		else if ((c & 0xf8) == 0xf0)
			need = 3, c &= 0x07;
		else
			return -1;
		if (n - i - 1 < need)
			return -1;
		for (uint32_t j = 1; j <= need; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return -1;
			c = (c << 6) | (p[i + j] & 0x3f);
		}
		i += need + 1;
		if (cp)
			cp[k] = c;
		if (c > *maxc)
			*maxc = c;
	}
	return k;
}

/*
 * unicode_hash: _Py_HashBytes over the string's code units, 1, 2 or 4
 * bytes each (the PyUnicode kind its largest code point needs), in the
 * machine's order, little-endian on the machines gcsim runs on.  Text
 * that is not UTF-8, which CPython would not even decode, is hashed as
 * its bytes.
 */
static int64_t hash_str(const struct sim *s, const struct blob *b)
{
	const unsigned char *p = (const unsigned char *)b->data;
	uint32_t maxc;
	long n = utf8_decode(p, b->len, NULL, &maxc);

	if (n < 0 || maxc < 0x80)
		return hash_bytes(s, p, b->len);
	uint32_t *cp = sim_xmalloc((size_t)n * sizeof(*cp));
	size_t kind = maxc < 0x100 ? 1 : maxc < 0x10000 ? 2 : 4;
	unsigned char *u = sim_xmalloc((size_t)n * kind);

	utf8_decode(p, b->len, cp, &maxc);
	for (long i = 0; i < n; i++)
		for (size_t j = 0; j < kind; j++)
			u[(size_t)i * kind + j] = (unsigned char)(cp[i] >> (8 * j));
	int64_t h = hash_bytes(s, u, (size_t)n * kind);
	free(u);
	free(cp);
	return h;
}

/* hash() of anything but a tuple. */
static int hash_atom(const struct sim *s, oref h, int64_t *out)
{
	const struct obj *o = &s->objs[h];

	switch (o->type) {
	case SIM_T_INT:
		*out = (o->flags & OF_BIGVALUE) ? hash_digits(o->u.s->data) :
						  hash_int64(o->u.i);
		return SIM_HASH_OK;
	case SIM_T_BOOL:
		*out = o->u.i;
		return SIM_HASH_OK;
	case SIM_T_FLOAT:
		*out = hash_double(s, h, o->u.f);
		return SIM_HASH_OK;
	case SIM_T_STR:
		*out = hash_str(s, o->u.s);
		return SIM_HASH_OK;
	case SIM_T_BYTES:
		*out = hash_bytes(s, (const unsigned char *)o->u.s->data,
				  o->u.s->len);
		return SIM_HASH_OK;
	case SIM_T_NONE:
		*out = s->prof->none_hash ? s->prof->none_hash : by_address(h);
		return SIM_HASH_OK;
	case SIM_T_OBJECT:
	case SIM_T_GCOBJ:
	case SIM_T_DELOBJ:
	case SIM_T_LEGACYOBJ:
		*out = by_address(h);
		return SIM_HASH_OK;
	default:
		return SIM_HASH_UNHASHABLE; /* list, dict, set, __dict__ */
	}
}

#define XXPRIME_1 11400714785074694791ULL
#define XXPRIME_2 14029467366897019727ULL
#define XXPRIME_5 2870177450012600261ULL
#define XXROTATE(x) (((x) << 31) | ((x) >> 33))

static void push_frame(struct sim *s, uint32_t *n, oref t)
{
	if (*n == s->caphstack) {
		s->caphstack = s->caphstack ? 2 * s->caphstack : 64;
		s->hstack = sim_xrealloc(s->hstack,
					 s->caphstack * sizeof(*s->hstack));
	}
	s->hstack[(*n)++] = (struct hash_frame){ t, 0, XXPRIME_5 };
	OBJ(s, t)->hstate = HS_BUSY;
}

/*
 * tuplehash, depth first on a stack of our own (a tuple may be nested a
 * million deep), remembering each tuple's hash, so a tuple built from
 * shared sub-tuples costs its size, not its unfolded size.  The first
 * item that cannot be hashed decides, as in CPython, which hashes the
 * items in order; an unhashable answer is remembered too, one that
 * depends on a tuple still being filled is not.
 */
static int hash_tuple(struct sim *s, oref root, int64_t *out)
{
	uint32_t n = 0;
	int rc = SIM_HASH_OK;

	push_frame(s, &n, root);
	while (n > 0) {
		struct hash_frame *f = &s->hstack[n - 1];
		struct obj *o = OBJ(s, f->t);
		const struct refs *r = o->u.r;
		uint64_t lane;

		if (f->i == r->len) {
			uint64_t acc = f->acc + (r->len ^ (XXPRIME_5 ^ 3527539UL));

			if (acc == (uint64_t)-1)
				acc = 1546275796;
			o->u.r->hash = (int64_t)acc;
			o->hstate = HS_HASHED;
			n--;
			continue; /* the parent now finds this item hashed */
		}
		oref item = r->v[f->i];
		struct obj *io = OBJ(s, item);
		if (io->type != SIM_T_TUPLE) {
			int64_t h;

			if ((rc = hash_atom(s, item, &h)) != SIM_HASH_OK)
				goto fail;
			lane = (uint64_t)h;
		} else if (io->hstate == HS_HASHED) {
			lane = (uint64_t)io->u.r->hash;
		} else if (io->hstate == HS_UNHASHABLE) {
			rc = SIM_HASH_UNHASHABLE;
			goto fail;
		} else if (io->hstate == HS_BUSY) {
			rc = SIM_HASH_RECURSIVE;
			goto fail;
		} else if (io->u.r->len < io->u.r->cap) {
			rc = SIM_HASH_UNFILLED;
			goto fail;
		} else {
			push_frame(s, &n, item);
			continue;
		}
		f->acc += lane * XXPRIME_2;
		f->acc = XXROTATE(f->acc);
		f->acc *= XXPRIME_1;
		f->i++;
	}
	*out = OBJ(s, root)->u.r->hash;
	return SIM_HASH_OK;
fail:
	/* Each tuple on the stack has hashable items up to the one that
	 * failed: an unhashable one makes them all unhashable for good. */
	while (n > 0)
		OBJ(s, s->hstack[--n].t)->hstate =
			rc == SIM_HASH_UNHASHABLE ? HS_UNHASHABLE : HS_UNKNOWN;
	return rc;
}

/* hash(h), or why there is none (SIM_HASH_*). */
int py_hash(struct sim *s, oref h, int64_t *out)
{
	struct obj *o = OBJ(s, h);

	if (o->type != SIM_T_TUPLE)
		return hash_atom(s, h, out);
	if (o->hstate == HS_HASHED) {
		*out = o->u.r->hash;
		return SIM_HASH_OK;
	}
	if (o->hstate == HS_UNHASHABLE)
		return SIM_HASH_UNHASHABLE;
	if (o->u.r->len < o->u.r->cap)
		return SIM_HASH_UNFILLED;
	return hash_tuple(s, h, out);
}

/* ---- == ---- */

static int is_numeric(int type)
{
	return type == SIM_T_INT || type == SIM_T_BOOL || type == SIM_T_FLOAT;
}

/* An exact int equal to float f? */
static int int_eq_float(const struct obj *i, double f)
{
	if (!isfinite(f) || f != floor(f))
		return 0;
	if (!(i->flags & OF_BIGVALUE)) {
		if (f < -9223372036854775808.0 || f >= 9223372036854775808.0)
			return 0;
		return (int64_t)f == i->u.i;
	}
	/* glibc prints an integral double exactly. */
	char buf[400];
	snprintf(buf, sizeof(buf), "%.0f", f);
	return strcmp(buf, i->u.s->data) == 0;
}

static int num_equal(const struct obj *a, const struct obj *b)
{
	if (a->type == SIM_T_FLOAT && b->type == SIM_T_FLOAT)
		return a->u.f == b->u.f;
	if (a->type == SIM_T_FLOAT)
		return int_eq_float(b, a->u.f);
	if (b->type == SIM_T_FLOAT)
		return int_eq_float(a, b->u.f);
	int abig = !!(a->flags & OF_BIGVALUE), bbig = !!(b->flags & OF_BIGVALUE);
	if (abig != bbig)
		return 0;
	if (abig)
		return strcmp(a->u.s->data, b->u.s->data) == 0;
	return a->u.i == b->u.i;
}

static uint32_t pair_slot(const struct sim *s, oref a, oref b)
{
	uint64_t k = ((uint64_t)a << 32 | b) * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(k >> 32) & (s->neqmemo - 1);
}

static int memo_has(const struct sim *s, oref a, oref b)
{
	if (!s->neqmemo)
		return 0;
	for (uint32_t j = pair_slot(s, a, b);; j = (j + 1) & (s->neqmemo - 1)) {
		const struct eq_pair *e = &s->eqmemo[j];

		if (e->stamp != s->eqmemo_stamp)
			return 0;
		if (e->a == a && e->b == b)
			return 1;
	}
}

static void memo_put(struct sim *s, oref a, oref b)
{
	uint32_t j = pair_slot(s, a, b);

	while (s->eqmemo[j].stamp == s->eqmemo_stamp)
		j = (j + 1) & (s->neqmemo - 1);
	s->eqmemo[j] = (struct eq_pair){ a, b, s->eqmemo_stamp };
	s->eqmemo_used++;
}

static void memo_add(struct sim *s, oref a, oref b)
{
	if ((s->eqmemo_used + 1) * 2 > s->neqmemo) {
		struct eq_pair *old = s->eqmemo;
		uint32_t nold = s->neqmemo;

		s->neqmemo = nold ? 2 * nold : 64;
		s->eqmemo = sim_xcalloc(s->neqmemo, sizeof(*s->eqmemo));
		s->eqmemo_used = 0;
		for (uint32_t j = 0; j < nold; j++)
			if (old[j].stamp == s->eqmemo_stamp)
				memo_put(s, old[j].a, old[j].b);
		free(old);
	}
	memo_put(s, a, b);
}

/*
 * Deeper tuples than this are compared by identity: CPython would stop
 * with RecursionError long before, the simulator must not overflow its
 * stack.
 */
#define MAX_DEPTH 10000

static int equal_at(struct sim *s, oref a, oref b, int depth)
{
	if (a == b)
		return 1;
	const struct obj *x = &s->objs[a], *y = &s->objs[b];

	if (is_numeric(x->type) && is_numeric(y->type))
		return num_equal(x, y);
	if (x->type != y->type)
		return 0;
	switch (x->type) {
	case SIM_T_STR:
	case SIM_T_BYTES:
		return x->u.s->len == y->u.s->len &&
		       memcmp(x->u.s->data, y->u.s->data, x->u.s->len) == 0;
	case SIM_T_TUPLE:
		if (x->u.r->cap != y->u.r->cap || x->u.r->len != y->u.r->len)
			return 0;
		/* Equal tuples hash alike; both are hashed when a set compares. */
		if (x->hstate == HS_HASHED && y->hstate == HS_HASHED &&
		    x->u.r->hash != y->u.r->hash)
			return 0;
		if (memo_has(s, a, b))
			return 1;
		if (depth > MAX_DEPTH)
			return 0;
		for (uint32_t i = 0; i < x->u.r->len; i++)
			if (!equal_at(s, s->objs[a].u.r->v[i],
				      s->objs[b].u.r->v[i], depth + 1))
				return 0;
		/* Two towers of shared sub-tuples compare in linear time. */
		memo_add(s, a, b);
		return 1;
	default:
		return 0; /* None, objects: identity only */
	}
}

/* Python's == for the values a set compares; identity first, as set lookup. */
int py_equal(struct sim *s, oref a, oref b)
{
	if (++s->eqmemo_stamp == 0) {
		/* The stamp wrapped: no entry may look current. */
		if (s->neqmemo)
			memset(s->eqmemo, 0, s->neqmemo * sizeof(*s->eqmemo));
		s->eqmemo_stamp = 1;
	}
	s->eqmemo_used = 0;
	return equal_at(s, a, b, 0);
}

/* ---- the table ---- */

#define SET_MINSIZE 8    /* PySet_MINSIZE: the smalltable */
#define LINEAR_PROBES 9
#define PERTURB_SHIFT 5

#define HASHES(r) ((int64_t *)(void *)((r)->v + (r)->cap))

static struct refs *table_new(uint32_t size)
{
	struct refs *r = sim_xcalloc(1, sizeof(*r) + (size_t)size *
					    (sizeof(oref) + sizeof(int64_t)));

	r->len = r->cap = size;
	return r;
}

/* set_insert_clean: into a table without dummies, known not to hold key. */
static void insert_clean(struct refs *r, oref key, int64_t hash)
{
	uint64_t mask = r->cap - 1, perturb = (uint64_t)hash;
	uint64_t i = (uint64_t)hash & mask, e;

	for (;;) {
		if (!r->v[e = i])
			break;
		if (i + LINEAR_PROBES <= mask) {
			for (e = i + 1; e <= i + LINEAR_PROBES; e++)
				if (!r->v[e])
					goto found;
		}
		perturb >>= PERTURB_SHIFT;
		i = (i * 5 + 1 + perturb) & mask;
	}
found:
	r->v[e] = key;
	HASHES(r)[e] = hash;
}

/*
 * set_table_resize: the smallest power of two above minused (at least
 * 8), the live keys reinserted in slot order, the dummies dropped.  A
 * table of 8 without dummies stays as it is.
 */
static void table_resize(struct sim *s, oref so, uint64_t minused)
{
	struct refs *r = OBJ(s, so)->u.r;
	uint64_t size = SET_MINSIZE;

	while (size <= minused)
		size <<= 1;
	assert(size <= UINT32_MAX);
	if (size == SET_MINSIZE && r->cap == SET_MINSIZE && r->fill == r->used)
		return;
	struct refs *nr = table_new((uint32_t)size);
	int64_t *hashes = HASHES(r);
	for (uint32_t j = 0; j < r->cap; j++)
		if (r->v[j])
			insert_clean(nr, r->v[j], hashes[j]);
	nr->used = nr->fill = r->used;
	free(r);
	OBJ(s, so)->u.r = nr;
}

/*
 * set_add_entry: 1 if key joins the set (which takes a reference to it),
 * 0 if an equal member is already there.  The probe sequence is
 * CPython's: LINEAR_PROBES neighbours, then the perturbed jump; a new key
 * takes the last dummy seen before the first unused slot, else that
 * slot, and only the latter can grow the table.
 */
int set_add(struct sim *s, oref so, oref key, int64_t hash)
{
	struct refs *r = OBJ(s, so)->u.r;

	if (r == &sim_no_refs) {
		r = table_new(SET_MINSIZE);
		OBJ(s, so)->u.r = r;
	}
	int64_t *hashes = HASHES(r);
	uint64_t mask = r->cap - 1, perturb = (uint64_t)hash;
	uint64_t i = (uint64_t)hash & mask, e;
	int64_t freeslot = -1;

	for (;;) {
		uint64_t probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;

		for (e = i; e <= i + probes; e++) {
			if (!r->v[e] && hashes[e] == 0)
				goto found_unused_or_dummy;
			if (hashes[e] == hash) {
				if (r->v[e] == key || py_equal(s, r->v[e], key))
					return 0;
			} else if (hashes[e] == -1) {
				freeslot = (int64_t)e;
			}
		}
		perturb >>= PERTURB_SHIFT;
		i = (i * 5 + 1 + perturb) & mask;
	}
found_unused_or_dummy:
	heap_incref(s, key);
	heap_account(s, s->prof->size_per_ref[SIM_T_SET]);
	r->used++;
	if (freeslot >= 0) {
		r->v[freeslot] = key;
		hashes[freeslot] = hash;
		return 1;
	}
	r->fill++;
	r->v[e] = key;
	hashes[e] = hash;
	if ((uint64_t)r->fill * 5 >= mask * 3)
		table_resize(s, so, r->used > 50000 ? (uint64_t)r->used * 2 :
						      (uint64_t)r->used * 4);
	return 1;
}

/* set_lookkey: the slot of the member equal to key, or -1. */
static int64_t lookkey(struct sim *s, struct refs *r, oref key, int64_t hash)
{
	int64_t *hashes = HASHES(r);
	uint64_t mask = r->cap - 1, perturb = (uint64_t)hash;
	uint64_t i = (uint64_t)hash & mask;

	for (;;) {
		uint64_t probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;

		for (uint64_t e = i; e <= i + probes; e++) {
			if (!r->v[e] && hashes[e] == 0)
				return -1;
			if (hashes[e] == hash &&
			    (r->v[e] == key || py_equal(s, r->v[e], key)))
				return (int64_t)e;
		}
		perturb >>= PERTURB_SHIFT;
		i = (i * 5 + 1 + perturb) & mask;
	}
}

/*
 * set_discard_entry: the member equal to key leaves its slot to a dummy;
 * returns it (the caller drops the set's reference), or 0 if none.
 */
oref set_discard(struct sim *s, oref so, oref key, int64_t hash)
{
	struct refs *r = OBJ(s, so)->u.r;

	if (r == &sim_no_refs)
		return 0;
	int64_t e = lookkey(s, r, key, hash);
	if (e < 0)
		return 0;
	oref old = r->v[e];
	r->v[e] = 0;
	HASHES(r)[e] = -1;
	r->used--;
	heap_account(s, -s->prof->size_per_ref[SIM_T_SET]);
	return old;
}

/*
 * set_clear_internal and set_dealloc: the set is emptied first, then its
 * members are released in slot order.
 */
void set_clear(struct sim *s, oref so)
{
	struct refs *r = OBJ(s, so)->u.r;

	if (r == &sim_no_refs)
		return;
	OBJ(s, so)->u.r = &sim_no_refs;
	heap_account(s, -(int64_t)r->used * s->prof->size_per_ref[SIM_T_SET]);
	for (uint32_t j = 0; j < r->cap; j++)
		if (r->v[j])
			heap_decref(s, r->v[j]);
	free(r);
}

void set_release(struct sim *s)
{
	free(s->hstack);
	free(s->eqmemo);
}
