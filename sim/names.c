/*
 * names.c - trace IDs and the objects they name.
 *
 * An ID is bound by alloc and dies with its object.  Several IDs may name
 * one object; they are chained through name.link from obj.names.  Dead
 * names are kept, for "freed at step N" diagnostics, in a ring of bounded
 * size: memory grows with the live heap, not with the length of a trace.
 *
 * The table is built for the replay's hot path: one hash per lookup, one
 * probe sequence in an array of (index, hash) pairs, IDs up to
 * NAME_INLINE bytes stored in their record (no allocation per name), and
 * O(1) work when a name dies or is forgotten.
 *
 * Invariants (checked by names_check):
 *  - Every name in use (bound, idle or dead) is in the hash table once,
 *    under the hash of its string; linear probing with backward-shift
 *    deletion, so no probe sequence holds a hole or a tombstone.
 *  - A dead or idle name's link is the ring entry that remembers its
 *    death, and that entry names it back.  When the ring drops an entry
 *    whose name has since been bound again, the name stays.
 *  - rooted[] holds exactly the names with roots > 0, each at rpos - 1.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define DEAD_KEEP (1u << 16)  /* dead names remembered for diagnostics */
#define CHUNK_BITS 10         /* records come in chunks that never move */
#define CHUNK (1u << CHUNK_BITS)
#define NAME_INLINE 22        /* IDs shorter than this live in the record */
#define PREFETCH 16           /* ring entries looked ahead when forgetting */

enum { NAME_FREE, NAME_BOUND, NAME_IDLE, NAME_DEAD };

struct name {
	uint32_t obj;      /* the object; 0 when dead */
	uint32_t link;     /* bound: next name of obj; idle, dead: ring entry; free: next free */
	uint32_t roots;    /* root references held through this name */
	uint32_t line;     /* source line it was bound at (saturated) */
	uint32_t hash;
	uint32_t rpos;     /* 1 + its place in rooted[], 0 when roots == 0 */
	uint8_t len;       /* strlen of the ID (at most SIM_ID_MAX) */
	uint8_t state;     /* NAME_* */
	union {
		char in[NAME_INLINE];
		char *heap;    /* len >= NAME_INLINE */
	} s;
};

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
	uint32_t mask;     /* slots - 1; a power of two minus one */
	uint32_t used;     /* names in the hash table */
	uint32_t *rooted;
	uint32_t nrooted, caprooted;
	struct dead *ring; /* dead and idle names, oldest first from head */
	uint32_t head, len, cap;
};

static inline struct name *rec(const struct names *n, uint32_t ix)
{
	return &n->chunk[ix >> CHUNK_BITS][ix & (CHUNK - 1)];
}

static inline const char *str_of(const struct name *nm)
{
	return nm->len < NAME_INLINE ? nm->s.in : nm->s.heap;
}

/* FNV-1a over the ID, its length found on the way. */
static inline uint32_t hash_str(const char *p, size_t *len)
{
	const char *q = p;
	uint32_t h = 2166136261u;

	while (*q) {
		h ^= (unsigned char)*q++;
		h *= 16777619u;
	}
	*len = (size_t)(q - p);
	return h;
}

struct names *names_new(void)
{
	struct names *n = sim_xcalloc(1, sizeof(*n));

	n->n = 1;
	n->mask = 127;
	n->slots = sim_xcalloc(n->mask + 1, sizeof(*n->slots));
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
		if (nm->state != NAME_FREE && nm->len >= NAME_INLINE)
			free(nm->s.heap);
	}
	for (uint32_t c = 0; c < n->nchunks; c++)
		free(n->chunk[c]);
	free(n->chunk);
	free(n->slots);
	free(n->rooted);
	free(n->ring);
	free(n);
}

uint32_t names_find(const struct names *n, const char *id)
{
	size_t len;
	uint32_t h = hash_str(id, &len);

	for (uint32_t j = h & n->mask;; j = (j + 1) & n->mask) {
		struct slot e = n->slots[j];

		if (e.ix == 0)
			return 0;
		if (e.hash == h) {
			const struct name *nm = rec(n, e.ix);
			if (nm->len == len && memcmp(str_of(nm), id, len) == 0)
				return e.ix;
		}
	}
}

uint32_t names_obj(const struct names *n, uint32_t ix) { return rec(n, ix)->obj; }
const char *names_str(const struct names *n, uint32_t ix) { return str_of(rec(n, ix)); }
uint32_t names_roots(const struct names *n, uint32_t ix) { return rec(n, ix)->roots; }
int names_idle(const struct names *n, uint32_t ix) { return rec(n, ix)->state == NAME_IDLE; }
uint32_t names_bound_line(const struct names *n, uint32_t ix) { return rec(n, ix)->line; }

void names_died(const struct names *n, uint32_t ix, uint64_t *step, uint32_t *line)
{
	const struct name *nm = rec(n, ix);

	assert(nm->state == NAME_DEAD || nm->state == NAME_IDLE);
	*step = n->ring[nm->link].step;
	*line = n->ring[nm->link].line;
}

static void grow_slots(struct names *n)
{
	uint32_t mask = 2 * n->mask + 1;
	struct slot *slots = sim_xcalloc((size_t)mask + 1, sizeof(*slots));

	for (uint32_t i = 0; i <= n->mask; i++) {
		struct slot e = n->slots[i];

		if (e.ix == 0)
			continue;
		uint32_t j = e.hash & mask;
		while (slots[j].ix)
			j = (j + 1) & mask;
		slots[j] = e;
	}
	free(n->slots);
	n->slots = slots;
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
			i = j;
		}
	}
	n->slots[i] = (struct slot){ 0, 0 };
	n->used--;
}

static void unroot(struct names *n, struct name *nm)
{
	uint32_t last = n->rooted[--n->nrooted];

	n->rooted[nm->rpos - 1] = last;
	rec(n, last)->rpos = nm->rpos;
	nm->rpos = 0;
}

static void root(struct names *n, uint32_t ix)
{
	if (n->nrooted == n->caprooted) {
		n->caprooted = n->caprooted ? 2 * n->caprooted : 64;
		n->rooted = sim_xrealloc(n->rooted, n->caprooted * sizeof(*n->rooted));
	}
	n->rooted[n->nrooted++] = ix;
	rec(n, ix)->rpos = n->nrooted;
}

/* A name forgotten: out of the table, its record reusable. */
static void forget(struct names *n, uint32_t ix)
{
	struct name *nm = rec(n, ix);

	unhash(n, ix, nm->hash);
	if (nm->len >= NAME_INLINE)
		free(nm->s.heap);
	nm->state = NAME_FREE;
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
		n->chunk[n->nchunks++] = sim_xmalloc(CHUNK * sizeof(struct name));
	}
	return n->n++;
}

uint32_t names_bind(struct sim *s, const char *id, uint32_t ix, oref obj)
{
	struct names *n = s->names;
	struct name *nm;

	if (!ix) {
		size_t len;
		uint32_t h = hash_str(id, &len);

		if ((n->used + 1) * 2 > n->mask + 1)
			grow_slots(n);
		ix = new_record(n);
		nm = rec(n, ix);
		memset(nm, 0, sizeof(*nm));
		nm->hash = h;
		nm->len = (uint8_t)len;
		if (len < NAME_INLINE) {
			memcpy(nm->s.in, id, len + 1);
		} else {
			nm->s.heap = sim_xmalloc(len + 1);
			memcpy(nm->s.heap, id, len + 1);
		}
		uint32_t j = h & n->mask;
		while (n->slots[j].ix)
			j = (j + 1) & n->mask;
		n->slots[j] = (struct slot){ ix, h };
		n->used++;
	} else {
		nm = rec(n, ix);
		assert(nm->state == NAME_DEAD || nm->state == NAME_IDLE);
		if (nm->rpos)
			unroot(n, nm);
	}
	struct obj *o = OBJ(s, obj);
	nm->state = NAME_BOUND;
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
	nm->state = NAME_BOUND;
	return 0;
}

void names_drop_root(struct names *n, uint32_t ix)
{
	struct name *nm = rec(n, ix);

	assert(nm->roots > 0);
	if (--nm->roots == 0)
		unroot(n, nm);
}

static void grow_ring(struct names *n)
{
	uint32_t cap = 2 * n->cap;
	struct dead *ring = sim_xmalloc(cap * sizeof(*ring));

	for (uint32_t i = 0; i < n->len; i++) {
		ring[i] = n->ring[(n->head + i) % n->cap];
		struct name *nm = rec(n, ring[i].ix);
		/* Renumber the entries their names point to. */
		if ((nm->state == NAME_DEAD || nm->state == NAME_IDLE) &&
		    nm->link == (n->head + i) % n->cap)
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
		uint32_t old = n->head;
		struct name *nm = rec(n, n->ring[old].ix);

		n->head = (n->head + 1) % n->cap;
		n->len--;
		if ((nm->state == NAME_DEAD || nm->state == NAME_IDLE) && nm->link == old)
			forget(n, n->ring[old].ix);
		/*
		 * The names to forget next died long ago: their records and hash
		 * slots are cold.  Fetch them ahead, the record first and its
		 * slot once the record (with the hash) has arrived.
		 */
		const struct name *soon = rec(n, n->ring[(n->head + PREFETCH) % n->cap].ix);
		__builtin_prefetch(soon);
		soon = rec(n, n->ring[(n->head + PREFETCH / 2) % n->cap].ix);
		__builtin_prefetch(&n->slots[soon->hash & n->mask]);
	}
	uint32_t at = (n->head + n->len) % n->cap;
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
	rec(s->names, ix)->state = NAME_IDLE;
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
		nm->state = NAME_DEAD;
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

uint32_t names_nrooted(const struct names *n) { return n->nrooted; }
uint32_t names_rooted(const struct names *n, uint32_t i) { return n->rooted[i]; }

uint32_t names_count(const struct names *n) { return n->used; }
uint64_t names_footprint(const struct names *n) { return (uint64_t)n->n + n->mask + 1 + n->len; }

void names_each(const struct names *n, int dead_too,
		void (*fn)(void *arg, uint32_t ix), void *arg)
{
	for (uint32_t i = 1; i < n->n; i++) {
		const struct name *nm = rec(n, i);
		if (nm->state == NAME_BOUND || nm->state == NAME_IDLE ||
		    (dead_too && nm->state == NAME_DEAD))
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
	uint32_t inuse = 0, nroot = 0;
	uint64_t ixsum = 0;

	for (uint32_t i = 1; i < n->n; i++) {
		const struct name *nm = rec(n, i);

		if (nm->state == NAME_FREE)
			continue;
		inuse++;
		ixsum += i;
		if ((nm->roots > 0) != (nm->rpos > 0) ||
		    (nm->rpos && (nm->rpos > n->nrooted || n->rooted[nm->rpos - 1] != i)))
			return bad(msg, sz, "the rooted set disagrees with a name's roots", i);
		nroot += nm->roots > 0;
		if ((nm->state == NAME_DEAD) != (nm->obj == 0))
			return bad(msg, sz, "a dead name is bound, or a bound one has no object", i);
		if ((nm->state == NAME_DEAD || nm->state == NAME_IDLE) &&
		    (nm->link >= n->cap || n->ring[nm->link].ix != i ||
		     (nm->link - n->head + n->cap) % n->cap >= n->len))
			return bad(msg, sz, "a dead name is not remembered by the ring", i);
	}
	if (inuse != n->used || nroot != n->nrooted)
		return bad(msg, sz, "the counts of names in use or rooted are wrong", 0);

	/* Start after an empty slot, so every cluster is seen from its start. */
	uint32_t start = 0, size = n->mask + 1, hashed = 0;
	while (n->slots[start].ix)
		start = (start + 1) & n->mask;
	for (uint32_t k = 1, run = 0; k <= size; k++) {
		uint32_t j = (start + k) & n->mask;
		struct slot e = n->slots[j];

		if (!e.ix) {
			run = 0;
			continue;
		}
		run++;
		hashed++;
		ixsum -= e.ix;
		if (e.ix >= n->n || rec(n, e.ix)->state == NAME_FREE ||
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
