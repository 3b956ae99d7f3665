/*
 * names.c - trace IDs and the objects they name.
 *
 * An ID is bound by alloc and dies with its object.  Several IDs may name
 * one object; they are chained through name.next from obj.names.  Dead
 * names are kept, for "freed at step N" diagnostics, in a ring of bounded
 * size: memory grows with the live heap, not with the length of a trace.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define DEAD_KEEP (1u << 16) /* dead names remembered for diagnostics */
#define TOMB UINT32_MAX

static uint32_t hash_str(const char *p)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*p) {
		h ^= (unsigned char)*p++;
		h *= 16777619u;
	}
	return h;
}

void names_init(struct names *n)
{
	memset(n, 0, sizeof(*n));
	n->cap = 64;
	n->n = 1;
	n->v = sim_xcalloc(n->cap, sizeof(*n->v));
	n->nslots = 128;
	n->slots = sim_xcalloc(n->nslots, sizeof(*n->slots));
	/*
	 * The ring grows to DEAD_KEEP as deaths come: a short trace does not
	 * pay for a megabyte it never uses (under ASan, an mmap per simulator:
	 * a tenth of the fuzzer's speed).
	 */
	n->dead_cap = 256;
	n->dead = sim_xmalloc(n->dead_cap * sizeof(*n->dead));
}

void names_release(struct names *n)
{
	for (uint32_t i = 1; i < n->n; i++)
		free(n->v[i].str);
	free(n->v);
	free(n->slots);
	free(n->dead);
}

static void rehash(struct names *n, uint32_t nslots)
{
	struct name_slot *slots = sim_xcalloc(nslots, sizeof(*slots));

	for (uint32_t i = 0; i < n->nslots; i++) {
		struct name_slot e = n->slots[i];

		if (e.ix == 0 || e.ix == TOMB)
			continue;
		uint32_t j = e.hash & (nslots - 1);
		while (slots[j].ix)
			j = (j + 1) & (nslots - 1);
		slots[j] = e;
	}
	free(n->slots);
	n->slots = slots;
	n->nslots = nslots;
	n->tombs = 0;
}

uint32_t names_find(struct names *n, const char *str)
{
	uint32_t h = hash_str(str);

	for (uint32_t j = h & (n->nslots - 1);; j = (j + 1) & (n->nslots - 1)) {
		struct name_slot e = n->slots[j];

		if (e.ix == 0)
			return 0;
		if (e.hash == h && e.ix != TOMB && strcmp(n->v[e.ix].str, str) == 0)
			return e.ix;
	}
}

static void forget(struct names *n, uint32_t ix)
{
	struct name *nm = &n->v[ix];

	for (uint32_t j = nm->hash & (n->nslots - 1);; j = (j + 1) & (n->nslots - 1)) {
		if (n->slots[j].ix == ix) {
			n->slots[j].ix = TOMB;
			n->tombs++;
			break;
		}
	}
	free(nm->str);
	nm->str = NULL;
	nm->next = n->free;
	n->free = ix;
	n->used--;
}

/*
 * Bind str to obj: a new name (ix 0), or the dead one names_find returned
 * as ix, brought back.  The caller has checked that the name is not bound
 * to a live object.
 */
uint32_t names_bind(struct sim *s, const char *str, uint32_t ix, oref obj)
{
	struct names *n = &s->names;

	if (!ix) {
		if ((n->used + n->tombs + 1) * 2 >= n->nslots)
			rehash(n, n->used * 4 >= n->nslots ? 2 * n->nslots : n->nslots);
		if (n->free) {
			ix = n->free;
			n->free = n->v[ix].next;
		} else {
			if (n->n == n->cap) {
				n->cap *= 2;
				n->v = sim_xrealloc(n->v, n->cap * sizeof(*n->v));
			}
			ix = n->n++;
		}
		struct name *nm = &n->v[ix];
		memset(nm, 0, sizeof(*nm));
		size_t len = strlen(str);
		nm->str = sim_xmalloc(len + 1);
		memcpy(nm->str, str, len + 1);
		nm->hash = hash_str(str);
		uint32_t j = nm->hash & (n->nslots - 1);
		while (n->slots[j].ix && n->slots[j].ix != TOMB)
			j = (j + 1) & (n->nslots - 1);
		if (n->slots[j].ix == TOMB)
			n->tombs--;
		n->slots[j] = (struct name_slot){ ix, nm->hash };
		n->used++;
	}
	struct name *nm = &n->v[ix];
	assert(nm->obj == 0);
	struct obj *o = OBJ(s, obj);
	nm->obj = obj;
	nm->roots = 0;
	nm->bound_line = sim_line32(s->line);
	nm->idle = 0;
	/*
	 * Cached objects never die, so nothing walks their names: leaving
	 * them unchained lets an idle one be forgotten in O(1).
	 */
	if (o->flags & OF_CACHED) {
		nm->next = 0;
	} else {
		nm->next = o->names;
		o->names = ix;
	}
	return ix;
}

static void grow_ring(struct names *n)
{
	uint32_t cap = 2 * n->dead_cap;
	struct dead_name *ring = sim_xmalloc(cap * sizeof(*ring));

	for (uint32_t i = 0; i < n->dead_len; i++)
		ring[i] = n->dead[(n->dead_head + i) % n->dead_cap];
	free(n->dead);
	n->dead = ring;
	n->dead_cap = cap;
	n->dead_head = 0;
}

/*
 * Names that died in this step are never forgotten before it ends: the
 * step's freed list points at their strings.
 */
static void remember_dead(struct names *n, uint32_t ix, uint64_t step)
{
	if (n->dead_len == n->dead_cap &&
	    (n->dead_cap < DEAD_KEEP || n->dead[n->dead_head].step == step))
		grow_ring(n);
	if (n->dead_len == n->dead_cap) {
		struct dead_name old = n->dead[n->dead_head];

		n->dead_head = (n->dead_head + 1) % n->dead_cap;
		n->dead_len--;
		/*
		 * Forget it unless it was bound again since: a name that died
		 * twice is in the ring twice, and only its last death counts.
		 */
		struct name *nm = &n->v[old.ix];
		if ((nm->obj == 0 || nm->idle) && nm->died_step == old.step) {
			nm->obj = 0;
			forget(n, old.ix);
		}
	}
	n->dead[(n->dead_head + n->dead_len) % n->dead_cap] =
		(struct dead_name){ ix, step };
	n->dead_len++;
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
	struct name *nm = &s->names.v[ix];

	nm->idle = 1;
	nm->died_step = s->step_no;
	nm->died_line = sim_line32(s->line);
	remember_dead(&s->names, ix, s->step_no);
}

/* h is being freed: every name bound to it dies now. */
void names_kill_object(struct sim *s, oref h)
{
	struct obj *o = OBJ(s, h);
	uint32_t ix = o->names;

	while (ix) {
		struct name *nm = &s->names.v[ix];
		uint32_t next = nm->next;

		assert(nm->roots == 0);
		nm->obj = 0;
		nm->next = 0;
		nm->died_step = s->step_no;
		nm->died_line = sim_line32(s->line);
		if (s->nfreed == s->capfreed) {
			s->capfreed = s->capfreed ? 2 * s->capfreed : 16;
			s->freed = sim_xrealloc(s->freed,
						s->capfreed * sizeof(*s->freed));
		}
		s->freed[s->nfreed++] = nm->str;
		remember_dead(&s->names, ix, s->step_no);
		ix = next;
	}
	if (!o->names)
		s->freed_anon++;
	o->names = 0;
}

const char *names_first(const struct sim *s, oref h)
{
	uint32_t ix = s->objs[h].names;

	return ix ? s->names.v[ix].str : NULL;
}
