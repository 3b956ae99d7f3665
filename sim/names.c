/*
 * names.c - trace IDs and the objects they name.
 *
 * An ID is bound by alloc and dies with its object.  Several IDs may name
 * one object; they are chained through name.link from obj.names.  Dead
 * names are kept, for "freed at step N" diagnostics, in a ring of bounded
 * size: memory grows with the live heap, not with the length of a trace.
 *
 * The table is built for the replay's hot path: one hash per lookup (a
 * word at a time, over the token's bytes and length), a small
 * direct-mapped cache of the names looked up or bound last (a trace uses
 * an ID mostly soon after binding it, while the hash table, holding the
 * remembered dead too, is larger than the CPU's cache), one probe
 * sequence in an array of (index, hash) pairs, records of 32 bytes with
 * IDs shorter than NAME_INLINE bytes stored in them (no allocation per
 * name), and O(1) work when a name dies or is forgotten.
 *
 * Invariants (checked by names_check):
 *  - Every name in use (bound, idle or dead) is in the hash table once,
 *    under the hash of its string; linear probing with backward-shift
 *    deletion, so no probe sequence holds a hole or a tombstone.
 *  - A dead or idle name's link is the ring entry that remembers its
 *    death, and that entry names it back.  When the ring drops an entry
 *    whose name has since been bound again, the name stays.
 *  - Every name with roots > 0 is listed in rooted[]; a listed record is
 *    there once (NAME_LISTED).  A name whose roots went to 0 stays listed
 *    until names_prune_rooted, so taking and dropping a root reference
 *    touches only the name's record.
 *  - A nonzero cache entry is a record whose hash selected the entry; a
 *    lookup verifies it, so a stale one costs a miss, never a wrong name.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define DEAD_KEEP (1u << 16)  /* dead names remembered for diagnostics */
#define CHUNK_BITS 10         /* records come in chunks that never move */
#define CHUNK (1u << CHUNK_BITS)
#define NAME_INLINE 10        /* IDs shorter than this live in the record */
#define PREFETCH 16           /* ring entries looked ahead when forgetting */
#define CACHE_BITS 12         /* entries of the cache of recent names */

enum { NAME_FREE, NAME_BOUND, NAME_IDLE, NAME_DEAD, NAME_STATE = 3 };
#define NAME_LISTED 4u        /* state flag: in rooted[] */

/*
 * 32 bytes.  An ID of NAME_INLINE bytes or more is in a block of its own,
 * whose address is stored (unaligned, by memcpy) in s.
 */
struct name {
	uint32_t obj;      /* the object; 0 when dead */
	uint32_t link;     /* bound: next name of obj; idle, dead: ring entry; free: next free */
	uint32_t roots;    /* root references held through this name */
	uint32_t line;     /* source line it was bound at (saturated) */
	uint32_t hash;
	uint8_t len;       /* strlen of the ID (at most SIM_ID_MAX) */
	uint8_t state;     /* NAME_* | NAME_LISTED */
	char s[NAME_INLINE];
};

_Static_assert(sizeof(struct name) == 32, "a name record is 32 bytes");

struct slot {
	uint32_t ix;       /* 0: empty */
	uint32_t hash;
};

struct dead {
	uint32_t ix;
	uint32_t line;
	uint64_t step;     /* the step it died in */
};

struct names {
	struct name **chunk;
	uint32_t nchunks;
	uint32_t n;        /* records handed out; index 0 is never used */
	uint32_t free;     /* chain of reusable records through link */
	struct slot *slots;
	uint8_t *tags;     /* per slot: 0 empty, else tag_of(its hash) */
	uint32_t mask;     /* slots - 1; a power of two minus one */
	uint32_t used;     /* names in the hash table */
	uint32_t *rooted;  /* names that may hold roots (see the invariants) */
	uint32_t nrooted, caprooted;
	struct dead *ring; /* dead and idle names, oldest first from head */
	uint32_t head, len, cap; /* cap: a power of two */
	struct slot cache[1u << CACHE_BITS]; /* recent names by hash; ix 0: none */
	uint32_t *calls;   /* per name: its object's function ran this often */
	uint32_t capcalls; /* (made on the first call: most traces have none) */
};

static inline struct name *rec(const struct names *n, uint32_t ix)
{
	return &n->chunk[ix >> CHUNK_BITS][ix & (CHUNK - 1)];
}

static inline const char *str_of(const struct name *nm)
{
	const char *p;

	if (nm->len < NAME_INLINE)
		return nm->s;
	memcpy(&p, nm->s, sizeof(p));
	return p;
}

static inline uint64_t load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t load32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t mix(uint64_t a, uint64_t b)
{
	__uint128_t m = (__uint128_t)a * b;

	return (uint64_t)m ^ (uint64_t)(m >> 64);
}

/*
 * The ID's hash, a word at a time: a short ID is read as two words that
 * may overlap (never past its end), a long one 8 bytes per step.  The
 * low bits pick the home slot, so everything is folded into them.
 */
static inline uint32_t hash_id(const char *p, size_t len)
{
	const uint64_t k0 = 0x9e3779b97f4a7c15u, k1 = 0xbf58476d1ce4e5b9u;
	uint64_t a, b, h = len * k1;

	if (len >= 8) {
		size_t i = 0;
		for (; i + 16 < len; i += 8)
			h = mix(h ^ load64(p + i), k0);
		a = load64(p + i);
		b = load64(p + len - 8);
	} else if (len >= 4) {
		a = load32(p);
		b = load32(p + len - 4);
	} else {
		a = len ? (uint64_t)(unsigned char)p[0] << 16 |
			  (uint64_t)(unsigned char)p[len / 2] << 8 |
			  (unsigned char)p[len - 1] : 0;
		b = 0;
	}
	h = mix(a ^ h ^ k1, b ^ k0);
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * A slot's tag: 7 bits of the hash that the home slot does not use.  A
 * lookup scans the tags, 1 byte a slot, and reads a slot only when its
 * tag matches: looking up a fresh ID (every alloc does) reads an array
 * small enough to stay in the CPU's cache.
 */
static inline uint8_t tag_of(uint32_t h)
{
	return (uint8_t)(0x80u | (h >> 25));
}

static inline struct slot *cache_slot(struct names *n, uint32_t h)
{
	return &n->cache[h >> (32 - CACHE_BITS)];
}

struct names *names_new(void)
{
	struct names *n = sim_xcalloc(1, sizeof(*n));

	n->n = 1;
	n->mask = 127;
	n->slots = sim_xcalloc(n->mask + 1, sizeof(*n->slots));
	n->tags = sim_xcalloc(n->mask + 1, 1);
	/*
	 * The ring grows to DEAD_KEEP as deaths come: a short trace does not
	 * pay for a megabyte it never uses (under ASan, an mmap per simulator).
	 */
	n->cap = 256;
	n->ring = sim_xmalloc(n->cap * sizeof(*n->ring));
	return n;
}

void names_free(struct names *n)
{
	if (!n)
		return;
	for (uint32_t i = 1; i < n->n; i++) {
		struct name *nm = rec(n, i);
		if ((nm->state & NAME_STATE) != NAME_FREE && nm->len >= NAME_INLINE)
			free((char *)str_of(nm));
	}
	for (uint32_t c = 0; c < n->nchunks; c++)
		free(n->chunk[c]);
	free(n->chunk);
	free(n->slots);
	free(n->tags);
	free(n->rooted);
	free(n->ring);
	free(n->calls);
	free(n);
}

static inline int state_of(const struct name *nm) { return nm->state & NAME_STATE; }
static inline int is_gone(const struct name *nm)
{
	return state_of(nm) == NAME_DEAD || state_of(nm) == NAME_IDLE;
}

static inline int same(const struct name *nm, uint32_t h, const char *id, size_t len)
{
	return nm->hash == h && nm->len == len && memcmp(str_of(nm), id, len) == 0;
}

/*
 * The cache is a memo, not part of the table's value: finding a name
 * updates it through a table the caller may hold as const.
 */
uint32_t names_find_n(const struct names *n, const char *id, size_t len)
{
	uint32_t h = hash_id(id, len);
	struct slot *c = cache_slot((struct names *)n, h);

	if (c->hash == h && c->ix && same(rec(n, c->ix), h, id, len) &&
	    state_of(rec(n, c->ix)) != NAME_FREE)
		return c->ix;
	uint8_t tg = tag_of(h);

	for (uint32_t j = h & n->mask;; j = (j + 1) & n->mask) {
		uint8_t t = n->tags[j];

		if (t == 0)
			return 0;
		if (t != tg)
			continue;
		struct slot e = n->slots[j];
		if (e.hash == h && same(rec(n, e.ix), h, id, len)) {
			*c = e;
			return e.ix;
		}
	}
}

uint32_t names_find(const struct names *n, const char *id)
{
	return names_find_n(n, id, strlen(id));
}

uint32_t names_obj(const struct names *n, uint32_t ix) { return rec(n, ix)->obj; }
const char *names_str(const struct names *n, uint32_t ix) { return str_of(rec(n, ix)); }
uint32_t names_roots(const struct names *n, uint32_t ix) { return rec(n, ix)->roots; }
int names_idle(const struct names *n, uint32_t ix) { return state_of(rec(n, ix)) == NAME_IDLE; }
uint32_t names_bound_line(const struct names *n, uint32_t ix) { return rec(n, ix)->line; }

void names_died(const struct names *n, uint32_t ix, uint64_t *step, uint32_t *line)
{
	const struct name *nm = rec(n, ix);

	assert(is_gone(nm));
	*step = n->ring[nm->link].step;
	*line = n->ring[nm->link].line;
}

static void grow_slots(struct names *n)
{
	uint32_t mask = 2 * n->mask + 1;
	struct slot *slots = sim_xcalloc((size_t)mask + 1, sizeof(*slots));
	uint8_t *tags = sim_xcalloc((size_t)mask + 1, 1);

	for (uint32_t i = 0; i <= n->mask; i++) {
		struct slot e = n->slots[i];

		if (e.ix == 0)
			continue;
		uint32_t j = e.hash & mask;
		while (slots[j].ix)
			j = (j + 1) & mask;
		slots[j] = e;
		tags[j] = tag_of(e.hash);
	}
	free(n->slots);
	free(n->tags);
	n->slots = slots;
	n->tags = tags;
	n->mask = mask;
}

/*
 * Remove ix from the hash table and shift back the entries after it whose
 * probe sequence ran through its slot (Knuth's algorithm R), so lookups
 * never meet a tombstone.
 */
static void unhash(struct names *n, uint32_t ix, uint32_t h)
{
	uint32_t i = h & n->mask;

	while (n->slots[i].ix != ix)
		i = (i + 1) & n->mask;
	for (uint32_t j = (i + 1) & n->mask; n->slots[j].ix; j = (j + 1) & n->mask) {
		uint32_t home = n->slots[j].hash & n->mask;

		/* Move j into the hole at i unless its home lies in (i, j]. */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			n->slots[i] = n->slots[j];
			n->tags[i] = n->tags[j];
			i = j;
		}
	}
	n->slots[i] = (struct slot){ 0, 0 };
	n->tags[i] = 0;
	n->used--;
}

/* ix takes roots: list it unless it is listed already. */
static void root(struct names *n, uint32_t ix)
{
	struct name *nm = rec(n, ix);

	if (nm->state & NAME_LISTED)
		return;
	if (n->nrooted == n->caprooted) {
		n->caprooted = n->caprooted ? 2 * n->caprooted : 64;
		n->rooted = sim_xrealloc(n->rooted, n->caprooted * sizeof(*n->rooted));
	}
	n->rooted[n->nrooted++] = ix;
	nm->state |= NAME_LISTED;
}

void names_prune_rooted(struct names *n)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < n->nrooted; i++) {
		uint32_t ix = n->rooted[i];
		struct name *nm = rec(n, ix);

		if (nm->roots)
			n->rooted[k++] = ix;
		else
			nm->state &= (uint8_t)~NAME_LISTED;
	}
	n->nrooted = k;
}

/* A name forgotten: out of the table, its record reusable. */
static void forget(struct names *n, uint32_t ix)
{
	struct name *nm = rec(n, ix);
	struct slot *c = cache_slot(n, nm->hash);

	unhash(n, ix, nm->hash);
	if (c->ix == ix)
		c->ix = 0;
	if (nm->len >= NAME_INLINE)
		free((char *)str_of(nm));
	/* A listed record stays listed: names_prune_rooted unlists it. */
	nm->state &= NAME_LISTED;
	nm->obj = 0;
	nm->link = n->free;
	n->free = ix;
}

static uint32_t new_record(struct names *n)
{
	uint32_t ix;

	if (n->free) {
		ix = n->free;
		n->free = rec(n, ix)->link;
		return ix;
	}
	if ((n->n >> CHUNK_BITS) == n->nchunks) {
		if (n->nchunks == UINT32_MAX >> CHUNK_BITS) {
			fputs("gcsim: too many names\n", stderr);
			abort();
		}
		n->chunk = sim_xrealloc(n->chunk, (n->nchunks + 1) * sizeof(*n->chunk));
		/* Zeroed: a record's NAME_LISTED flag is read when it is bound. */
		n->chunk[n->nchunks++] = sim_xcalloc(CHUNK, sizeof(struct name));
	}
	return n->n++;
}

uint32_t names_bind(struct sim *s, const char *id, uint32_t ix, oref obj)
{
	struct names *n = s->names;
	struct name *nm;

	if (!ix) {
		size_t len = strlen(id);
		uint32_t h = hash_id(id, len);

		/* At most 3/4 full: a probe sequence stays within a line or two. */
		if ((n->used + 1) * 4 > (n->mask + 1) * 3)
			grow_slots(n);
		ix = new_record(n);
		nm = rec(n, ix);
		uint8_t listed = nm->state & NAME_LISTED; /* a reused record's */
		memset(nm, 0, sizeof(*nm));
		nm->state = listed;
		nm->hash = h;
		nm->len = (uint8_t)len;
		if (len < NAME_INLINE) {
			memcpy(nm->s, id, len + 1);
		} else {
			char *p = sim_xmalloc(len + 1);
			memcpy(p, id, len + 1);
			memcpy(nm->s, &p, sizeof(p));
		}
		uint32_t j = h & n->mask;
		while (n->tags[j])
			j = (j + 1) & n->mask;
		n->slots[j] = (struct slot){ ix, h };
		n->tags[j] = tag_of(h);
		n->used++;
		*cache_slot(n, h) = (struct slot){ ix, h };
	} else {
		nm = rec(n, ix);
		assert(is_gone(nm));
	}
	struct obj *o = OBJ(s, obj);
	if (ix < n->capcalls)
		n->calls[ix] = 0;
	nm->state = (uint8_t)(NAME_BOUND | (nm->state & NAME_LISTED));
	nm->obj = obj;
	nm->roots = 1;
	nm->line = sim_line32(s->line);
	root(n, ix);
	/*
	 * Cached objects never die, so nothing walks their names: leaving
	 * them unchained lets an idle one be forgotten in O(1).
	 */
	if (o->flags & OF_CACHED) {
		nm->link = 0;
	} else {
		nm->link = o->names;
		o->names = ix;
	}
	return ix;
}

int names_add_root(struct names *n, uint32_t ix)
{
	struct name *nm = rec(n, ix);

	if (nm->roots == UINT32_MAX)
		return -1;
	if (nm->roots++ == 0)
		root(n, ix);
	nm->state = (uint8_t)(NAME_BOUND | (nm->state & NAME_LISTED));
	return 0;
}

void names_drop_root(struct names *n, uint32_t ix)
{
	struct name *nm = rec(n, ix);

	assert(nm->roots > 0);
	nm->roots--; /* it stays listed: see names_prune_rooted */
}

static void grow_ring(struct names *n)
{
	uint32_t cap = 2 * n->cap;
	struct dead *ring = sim_xmalloc(cap * sizeof(*ring));

	for (uint32_t i = 0; i < n->len; i++) {
		uint32_t at = (n->head + i) & (n->cap - 1);
		ring[i] = n->ring[at];
		struct name *nm = rec(n, ring[i].ix);
		/* Renumber the entries their names point to. */
		if (is_gone(nm) && nm->link == at)
			nm->link = i;
	}
	free(n->ring);
	n->ring = ring;
	n->cap = cap;
	n->head = 0;
}

/*
 * ix died (or went idle) at this step.  The oldest entry makes room; its
 * name is forgotten unless it was bound again since.  Names that died in
 * this step are never forgotten before it ends (the step's freed list
 * points at their strings): the ring grows instead.
 */
static void remember_dead(struct sim *s, uint32_t ix)
{
	struct names *n = s->names;

	if (n->len == n->cap &&
	    (n->cap < DEAD_KEEP || n->ring[n->head].step == s->step_no))
		grow_ring(n);
	if (n->len == n->cap) {
		uint32_t old = n->head, wrap = n->cap - 1;
		struct name *nm = rec(n, n->ring[old].ix);

		n->head = (n->head + 1) & wrap;
		n->len--;
		if (is_gone(nm) && nm->link == old)
			forget(n, n->ring[old].ix);
		/*
		 * The names to forget next died long ago: their records and hash
		 * slots are cold.  Fetch them ahead, the record first and its
		 * slot and tag once the record (with the hash) has arrived.
		 */
		const struct name *soon = rec(n, n->ring[(n->head + PREFETCH) & wrap].ix);
		__builtin_prefetch(soon);
		soon = rec(n, n->ring[(n->head + PREFETCH / 2) & wrap].ix);
		__builtin_prefetch(&n->slots[soon->hash & n->mask]);
		__builtin_prefetch(&n->tags[soon->hash & n->mask]);
	}
	uint32_t at = (n->head + n->len) & (n->cap - 1);
	n->ring[at] = (struct dead){ ix, sim_line32(s->line), s->step_no };
	n->len++;
	rec(n, ix)->link = at;
}

/*
 * The name's last root reference to a cached object went.  It stays
 * usable (the object lives on, perhaps in containers), but unlike a name
 * of a mortal object it would never die: it joins the dead names' ring,
 * and is forgotten with them unless it takes a root again first.  So
 * traces that name a fresh ID for every small int keep bounded memory.
 */
void names_set_idle(struct sim *s, uint32_t ix)
{
	struct name *nm = rec(s->names, ix);

	nm->state = (uint8_t)(NAME_IDLE | (nm->state & NAME_LISTED));
	remember_dead(s, ix);
}

void names_kill_object(struct sim *s, oref h)
{
	struct names *n = s->names;
	struct obj *o = OBJ(s, h);
	uint32_t ix = o->names;

	while (ix) {
		struct name *nm = rec(n, ix);
		uint32_t next = nm->link;

		assert(nm->roots == 0);
		nm->obj = 0;
		nm->state = (uint8_t)(NAME_DEAD | (nm->state & NAME_LISTED));
		if (s->nfreed == s->capfreed) {
			s->capfreed = s->capfreed ? 2 * s->capfreed : 16;
			s->freed = sim_xrealloc(s->freed,
						s->capfreed * sizeof(*s->freed));
		}
		s->freed[s->nfreed++] = str_of(nm);
		remember_dead(s, ix);
		ix = next;
	}
	if (!o->names)
		s->freed_anon++;
	o->names = 0;
}

const char *names_first(const struct sim *s, oref h)
{
	uint32_t ix = s->objs[h].names;

	return ix ? str_of(rec(s->names, ix)) : NULL;
}

void names_count_call(struct sim *s, oref obj)
{
	struct names *n = s->names;

	for (uint32_t ix = s->objs[obj].names; ix; ix = rec(n, ix)->link) {
		if (ix >= n->capcalls) {
			uint32_t cap = n->capcalls ? n->capcalls : 64;
			while (cap <= ix)
				cap *= 2;
			n->calls = sim_xrealloc(n->calls, cap * sizeof(*n->calls));
			memset(n->calls + n->capcalls, 0,
			       (cap - n->capcalls) * sizeof(*n->calls));
			n->capcalls = cap;
		}
		if (n->calls[ix] < UINT32_MAX)
			n->calls[ix]++;
	}
}

uint32_t names_calls(const struct names *n, uint32_t ix)
{
	return ix < n->capcalls ? n->calls[ix] : 0;
}

uint32_t names_nrooted(const struct names *n) { return n->nrooted; }
uint32_t names_rooted(const struct names *n, uint32_t i) { return n->rooted[i]; }

uint32_t names_count(const struct names *n) { return n->used; }
uint64_t names_footprint(const struct names *n)
{
	return (uint64_t)n->n + n->mask + 1 + n->len + n->nrooted;
}

void names_each(const struct names *n, int dead_too,
		void (*fn)(void *arg, uint32_t ix), void *arg)
{
	for (uint32_t i = 1; i < n->n; i++) {
		int st = state_of(rec(n, i));
		if (st == NAME_BOUND || st == NAME_IDLE || (dead_too && st == NAME_DEAD))
			fn(arg, i);
	}
}

static int bad(char *msg, size_t sz, const char *what, uint32_t ix)
{
	snprintf(msg, sz, "name table: %s (name %u)", what, ix);
	return 1;
}

/*
 * Sequential passes only, so that --check can afford it: the records,
 * then the hash table, whose every entry must be reachable from its home
 * slot without crossing an empty one (what names_find relies on).
 */
int names_check(const struct names *n, char *msg, size_t sz)
{
	uint32_t inuse = 0, listed = 0;
	uint64_t ixsum = 0;

	for (uint32_t i = 1; i < n->n; i++) {
		const struct name *nm = rec(n, i);

		listed += (nm->state & NAME_LISTED) != 0;
		if (nm->roots && !(nm->state & NAME_LISTED))
			return bad(msg, sz, "a name holds roots but is not in the rooted set", i);
		if (state_of(nm) == NAME_FREE)
			continue;
		inuse++;
		ixsum += i;
		if ((state_of(nm) == NAME_DEAD) != (nm->obj == 0))
			return bad(msg, sz, "a dead name is bound, or a bound one has no object", i);
		if (is_gone(nm) &&
		    (nm->link >= n->cap || n->ring[nm->link].ix != i ||
		     ((nm->link - n->head) & (n->cap - 1)) >= n->len))
			return bad(msg, sz, "a dead name is not remembered by the ring", i);
	}
	if (inuse != n->used || listed != n->nrooted)
		return bad(msg, sz, "the counts of names in use or rooted are wrong", 0);
	for (uint32_t i = 0; i < n->nrooted; i++)
		if (n->rooted[i] == 0 || n->rooted[i] >= n->n ||
		    !(rec(n, n->rooted[i])->state & NAME_LISTED))
			return bad(msg, sz, "the rooted set lists a name not flagged so", n->rooted[i]);
	/* Start after an empty slot, so every cluster is seen from its start. */
	uint32_t start = 0, size = n->mask + 1, hashed = 0;
	while (n->slots[start].ix)
		start = (start + 1) & n->mask;
	for (uint32_t k = 1, run = 0; k <= size; k++) {
		uint32_t j = (start + k) & n->mask;
		struct slot e = n->slots[j];

		if (n->tags[j] != (e.ix ? tag_of(e.hash) : 0))
			return bad(msg, sz, "a slot's tag disagrees with its hash", e.ix);
		if (!e.ix) {
			run = 0;
			continue;
		}
		run++;
		hashed++;
		ixsum -= e.ix;
		if (e.ix >= n->n || state_of(rec(n, e.ix)) == NAME_FREE ||
		    rec(n, e.ix)->hash != e.hash)
			return bad(msg, sz, "the hash table holds a forgotten name", e.ix);
		/* Its home must lie within the run of full slots that ends here. */
		if (((j - (e.hash & n->mask)) & n->mask) >= run)
			return bad(msg, sz, "a name is out of reach of its home slot", e.ix);
	}
	if (hashed != n->used || ixsum != 0)
		return bad(msg, sz, "the hash table and the records disagree", 0);
	return 0;
}
