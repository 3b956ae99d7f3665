/*
 * state.h - the simulated interpreter's state, private to the library.
 *
 * Objects live in one growable array and are named by 32-bit handles (the
 * index), which keeps an object at 40 bytes and makes every list
 * intrusive.  Handle 0 is "no object"; handles 1..SIM_NHEADS-1 are the
 * sentinel heads of the lists below, so a list operation never has to
 * test for an empty list.
 *
 * Invariants (checked by sim_heap_check):
 *  - Every live object, cached ones included, is on the refchain, a
 *    circular doubly linked list through rc_prev/rc_next headed by
 *    HEAD_REFCHAIN, in allocation order.
 *  - A GC object is tracked iff list != LIST_NONE; it then sits on exactly
 *    one of the lists headed by HEAD_GEN0..HEAD_PERMANENT (or, during a
 *    collection, HEAD_UNREACHABLE), linked through gc_prev/gc_next, and
 *    lists[list].size counts it.  Non-GC objects are never tracked.
 *  - refcnt equals the references that exist: root references held by
 *    names plus container slots (immortal objects excepted).  An object
 *    whose refcnt reaches 0 is freed before the step ends.
 *  - A freed slot is on the slot free list through gc_next and has type
 *    OT_FREE.
 */
#ifndef GCSIM_STATE_H
#define GCSIM_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "sim.h"

typedef uint32_t oref; /* an object handle; 0 is none */

/* Object types: the trace's types plus the ones the heap makes itself. */
enum {
	OT_FREE = SIM_T_COUNT_, /* an unused slot */
	OT_ATTRDICT,            /* an instance __dict__ materialized by CPython */
	OT_HEAD,                /* a list sentinel */
};

enum {
	OF_CACHED = 1u << 0,      /* owned by a cache; never freed */
	OF_IMMORTAL = 1u << 1,    /* refcount never moves (PEP 683) */
	OF_COLLECTING = 1u << 2,  /* in the set a collection examines */
	OF_UNREACHABLE = 1u << 3, /* tentatively unreachable (move_unreachable) */
	OF_INTERNED = 1u << 4,    /* str in the interned table */
	OF_BIGVALUE = 1u << 5,    /* int that needs u.s for its digits */
	OF_FINALIZED = 1u << 6,   /* _PyGC_FINALIZED: tp_finalize has run */
	OF_WEAKREFD = 1u << 7,    /* at least one weakref points at it */
};

/* Which list a tracked object is on. */
enum {
	LIST_GEN0,
	LIST_GEN1,
	LIST_GEN2,
	LIST_PERMANENT,
	LIST_UNREACHABLE,
	LIST_FINALIZERS,  /* a collection's: legacy finalizers and what they reach */
	LIST_SCRATCH,     /* a collection's: finalize_garbage's seen, the resurrected */
	LIST_COUNT_,
	LIST_NONE = 0xff,
};

enum {
	HEAD_REFCHAIN = 1,
	HEAD_LIST0, /* HEAD_LIST0 + LIST_x heads list x */
	SIM_NHEADS = HEAD_LIST0 + LIST_COUNT_,
};

/* A string or bytes payload, or the digits of a big int. */
struct blob {
	uint32_t len;
	uint32_t hash;
	char data[]; /* len bytes and a NUL */
};

/*
 * A container's references, in container order: list items, tuple slots
 * (filled ones: len <= cap, cap is the tuple's length), dict values in
 * insertion order, and an instance's attribute values in insertion order
 * (or its one materialized dict).
 *
 * A weakref's block has cap 1 and holds its callback, if it has one, in
 * v[0]: a strong reference every traversal sees.  Its referent is weak: not
 * in v[], not counted in the referent's refcnt.
 *
 * A set's block is its hash table, as setobject.c lays it out: len == cap
 * slots (a power of two, at least 8), v[i] the key of slot i (0 when the
 * slot is unused or a dummy), followed by cap int64_t hashes (set.c's
 * HASHES: 0 in an unused slot, -1 in a dummy).  So v[] holds 0s, which
 * every walk of a set skips, and a walk in index order is set_traverse's.
 */
struct refs {
	uint32_t len;
	uint32_t cap;
	union {
		struct {
			uint32_t next_attr; /* object: number of the next attribute (a0, a1...) */
			uint32_t nvalues;   /* object: size of its inline values array */
		};
		struct {
			uint32_t used;      /* set: live keys */
			uint32_t fill;      /* set: live keys and dummies */
		};
		int64_t hash;               /* tuple: hash(), once hstate says so */
		struct {
			uint32_t wr_referent; /* weakref: its object, 0 once cleared */
			uint32_t wr_next;     /* weakref: next of the referent's list */
		};
	};
	oref v[];
};

/* The references of every container that holds none yet (never written). */
extern struct refs sim_no_refs;

struct obj {
	oref rc_prev, rc_next; /* refchain */
	oref gc_prev, gc_next; /* generation list; slot free list */
	int32_t refcnt;        /* at most SIM_REFCNT_MAX (replay.c refuses more) */
	int32_t gc_refs;       /* during a collection: update_refs' copy */
	uint8_t type;          /* enum sim_type or OT_* */
	uint8_t flags;         /* OF_* */
	uint8_t list;          /* LIST_* */
	union {
		uint8_t dictobj; /* object: 1 when its attributes live in a dict */
		uint8_t hstate;  /* tuple: HS_* (set.c), what py_hash knows of it */
	};
	oref names;            /* first name bound to this object, 0 if none */
	union {
		int64_t i;       /* int, bool */
		double f;        /* float */
		struct blob *s;  /* str, bytes, big int digits */
		struct refs *r;  /* containers */
	} u;
};

_Static_assert(sizeof(struct obj) == 40, "an object record is 40 bytes");

/*
 * The most references one object may have.  Each costs the simulator
 * memory (a container slot, or a name) except the root references taken
 * by "ref ID", which replay.c counts against this bound.
 */
#define SIM_REFCNT_MAX INT32_MAX

struct gclist {
	oref head;
	uint64_t size;
};

struct generation {
	long threshold;
	long count;
};

static inline uint32_t sim_line32(unsigned long line)
{
	return line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
}

/* The interned-string table: content -> str object. */
struct strtab {
	oref *slots;
	uint32_t nslots, used;
};

struct freelists {
	long list, dict, flt;
	long tuple[SIM_TUPLE_FREELISTS]; /* index k-1 holds tuples of length k */
};

enum { SIM_NCLASSES = 3 }; /* the classes of instances: sim_class_of */

struct sim {
	const struct sim_profile *prof;
	const struct gc_ops *gc;   /* the profile's collector (gc.h) */
	struct sim_config cfg;

	struct obj *objs;
	uint32_t nobjs, capobjs;
	uint32_t free_slots;    /* slot free list, through gc_next */
	uint64_t live;          /* live objects, cached ones included */
	uint64_t peak_live;
	uint64_t tracked;       /* objects on gen0..gen2 and permanent */
	uint64_t peak_tracked;

	struct gclist lists[LIST_COUNT_];
	struct generation gen[3];
	struct sim_genstats stats[3];
	int enabled;
	int collecting;
	int gc_scheduled;       /* 3.12+: a collection waits for a safe point */
	int explicit_safepoints; /* a `gc safepoint` was seen: from then on
				    only those steps are safe points */
	uint32_t building;      /* tuples allocated and not yet filled: no
				   safe point falls until none is left */
	int64_t long_lived_total;
	int64_t long_lived_pending;
	/* the incremental collector (3.14.0-3.14.4; gc_incremental.c):
	   gen[0..2] are young, old[0] and old[1] */
	int64_t heap_size;
	int64_t work_to_do;
	int phase;              /* GC_PHASE_MARK 0, GC_PHASE_COLLECT 1 */
	int visited_space;      /* which of old[0], old[1] is visited */

	struct freelists fl;

	/* gc.garbage: strong references, in the order CPython appends */
	oref *gc_garbage;
	uint32_t ngc_garbage, capgc_garbage;
	int saveall;            /* gc.set_debug(gc.DEBUG_SAVEALL) */
	uint32_t gc_callbacks;  /* callbacks "gc callback 1" put in gc.callbacks */

	/* weakref.c: the head of each referent's list of weakrefs, by
	   handle (meaningful where the referent has OF_WEAKREFD); the
	   weakrefs whose callbacks a collection is about to call */
	oref *wr_head;
	uint32_t capwr_head;
	oref *wrcb;
	uint32_t nwrcb, capwrcb;

	/* function.c: the bodies "on" gives functions, and the first error
	   a body met (it runs deep inside a dealloc or a collection) */
	struct fn_table *fns;
	int call_status;
	struct sim_diag call_diag;

	/* caches */
	oref small_ints[262];   /* -5..256 */
	oref latin1[256];
	oref bytes1[256];
	oref empty_str, empty_bytes, empty_tuple, none, true_, false_;
	struct strtab interned;

	/* shared keys of each class the trace's instances belong to:
	   all objects are of one class, delobjs of another, legacyobjs of
	   a third (sim_class_of) */
	uint32_t keys_nentries[SIM_NCLASSES];
	uint32_t keys_usable[SIM_NCLASSES];

	struct names *names;
	uint32_t subject;          /* name the step reports the refcount of */

	/* census of cyclic garbage (sim_config.census); see census.c */
	uint64_t *seen;            /* per handle: a census number, or SEEN_STEP|step */
	uint32_t capseen;
	uint64_t *census_step;     /* step of census census_base + i */
	uint64_t census_base;
	uint32_t ncensus_step, capcensus_step;
	uint32_t ncached_plain;    /* cached objects that can hold no reference */
	oref *cached_gc;           /* cached objects of gc types */
	uint32_t ncached_gc, capcached_gc;
	uint64_t last_census;
	struct sim_garbage garbage;
	oref *markstack;
	uint32_t capmark;

	/* set.c: py_hash's stack of tuples being hashed, py_equal's memory
	 * of tuple pairs found equal during one comparison */
	struct hash_frame *hstack;
	uint32_t caphstack;
	struct eq_pair *eqmemo;
	uint32_t neqmemo, eqmemo_used, eqmemo_stamp;

	/* dealloc worklist, so freeing deep structures needs no C stack */
	oref *pending;
	uint32_t npending, cappending;
	int draining;
	uint32_t drain_depth;   /* deallocations run inside one (heap.c) */

	/* the step being replayed */
	uint64_t step_no;
	unsigned long line;
	uint64_t freed_anon;    /* freed objects without an ID, this step */
	const char **freed;
	uint32_t nfreed, capfreed;
	struct sim_effect *effects;
	uint32_t neffects, capeffects;
	struct sim_collection *colls;
	uint32_t ncolls, capcolls;
	struct sim_totals totals;
	int started;            /* an event has been replayed */
	uint64_t check_credit;  /* work --check has earned since its last full pass */
};

/* Host out-of-memory aborts here; the simulation never models it. */
void *sim_xmalloc(size_t n);
void *sim_xcalloc(size_t n, size_t m);
void *sim_xrealloc(void *p, size_t n);

#define OBJ(s, h) (&(s)->objs[(h)])
#define LIST_HEAD(s, l) ((oref)(HEAD_LIST0 + (l)))

static inline int sim_is_gc_type(int type)
{
	return type == SIM_T_LIST || type == SIM_T_DICT || type == SIM_T_SET ||
	       type == SIM_T_TUPLE || type == SIM_T_OBJECT ||
	       type == SIM_T_GCOBJ || type == OT_ATTRDICT ||
	       type == SIM_T_DELOBJ || type == SIM_T_LEGACYOBJ ||
	       type == SIM_T_WEAKREF;
}

/* An instance of a Python class: attributes via ref/unref (see replay.c). */
static inline int sim_is_instance(int type)
{
	return type == SIM_T_OBJECT || type == SIM_T_DELOBJ ||
	       type == SIM_T_LEGACYOBJ;
}

/* The class of an instance, 0..SIM_NCLASSES-1: its shared keys. */
static inline int sim_class_of(int type)
{
	return type == SIM_T_DELOBJ ? 1 : type == SIM_T_LEGACYOBJ ? 2 : 0;
}

/* A type whose objects have a function "on" gives a body to. */
static inline int sim_has_function(int type)
{
	return type == SIM_T_DELOBJ || type == SIM_T_LEGACYOBJ ||
	       type == SIM_T_GCOBJ;
}

static inline int sim_is_dict(int type)
{
	return type == SIM_T_DICT || type == OT_ATTRDICT;
}

static inline int sim_is_tracked(const struct sim *s, oref h)
{
	return s->objs[h].list != LIST_NONE;
}

/* heap.c */
oref heap_new_obj(struct sim *s, int type);
void heap_incref(struct sim *s, oref h);
void heap_decref(struct sim *s, oref h);
void heap_refs_push(struct sim *s, oref h, oref v);
void heap_refs_remove_at(struct sim *s, oref h, uint32_t i);
void heap_account(struct sim *s, int64_t delta);
void heap_effect(struct sim *s, enum sim_effect_kind k, int type, long n);
int heap_may_be_tracked(const struct sim *s, oref h);
void heap_track(struct sim *s, oref h);
void heap_untrack(struct sim *s, oref h);
void heap_clear_refs(struct sim *s, oref h);
void heap_drain_to(struct sim *s, uint32_t base);
void heap_init(struct sim *s);
void heap_release(struct sim *s);

/* the collector: s->gc's operations (gc.h) */

/*
 * replay.c: what an event does, on objects already looked up, for the
 * bodies of functions (function.c) as for the trace's own events.  An
 * operand is an object, the name it was found by (0 if none) and the ID
 * and column messages quote.
 */
struct operand {
	oref h;
	uint32_t name;
	const char *id;
	unsigned long col;
};
int replay_lookup(struct sim *s, struct operand *x, struct sim_diag *diag);
int replay_ref(struct sim *s, const struct operand *src,
	       const struct operand *dst, struct sim_diag *diag);
int replay_unref(struct sim *s, const struct operand *src,
		 const struct operand *dst, struct sim_diag *diag);
int replay_drop_root(struct sim *s, const struct operand *name,
		     struct sim_diag *diag);
int replay_bind(struct sim *s, const struct operand *name, oref h,
		struct sim_diag *diag);

/*
 * weakref.c: h is being deallocated: clear the weakrefs to it and call
 * their callbacks (PyObject_ClearWeakRefs), at the point of h's tp_dealloc
 * where CPython does.  Does nothing unless h has OF_WEAKREFD.
 */
void weakref_clear_referent(struct sim *s, oref h);
/*
 * The rest of weakref.c: the weakref op's work (weakref_new returns the
 * caller's new reference), the types a weakref may refer to, the referent
 * (0 once cleared), where hash() is kept, the check of the lists, and the release.
 */
oref weakref_new(struct sim *s, oref target, oref callback);
int weakref_referenceable(int type);
oref weakref_referent(const struct sim *s, oref w);
int64_t *weakref_cached_hash(const struct sim *s, oref w);
int weakref_check(const struct sim *s, char *msg, size_t sz);
void weakref_release(struct sim *s);

/*
 * function.c: the bodies "on ID ACTION ARGS..." gives to the functions of
 * objects (a delobj's __del__, a legacyobj's __tp_del__, a gcobj called as
 * a weakref callback).
 *
 * fn_call runs fn's body with "self" = arg and counts the call on fn's
 * names.  The caller holds whatever references CPython holds during the
 * call.  Deallocations the body causes happen as each action ends, as
 * CPython's do inside the call.  A body that fails (a dead ID) stops
 * there; the first failure is kept in s->call_status and s->call_diag and
 * fails the step.
 */
int fn_on(struct sim *s, const struct sim_event *ev, struct sim_diag *diag);
void fn_call(struct sim *s, oref fn, oref arg);
void fn_forget(struct sim *s, oref h);
void fn_release(struct sim *s);

/* cache.c */
oref cache_alloc(struct sim *s, const struct sim_event *ev);
oref cache_pack(struct sim *s, const oref *items, int n);
oref cache_new_attrdict(struct sim *s, const oref *protect, int nprotect);
oref cache_new_tuple(struct sim *s, long n);
oref cache_new_gc(struct sim *s, int type);
int cache_release_to_freelist(struct sim *s, oref h);
void cache_clear_freelists(struct sim *s);
void cache_release(struct sim *s);

/* set.c */
enum {
	SIM_HASH_OK,
	SIM_HASH_UNHASHABLE, /* a list, dict or set, or a tuple holding one */
	SIM_HASH_UNFILLED,   /* a tuple not filled yet, or holding one */
	SIM_HASH_RECURSIVE,  /* a tuple that holds itself */
	SIM_HASH_GONE,       /* a weakref cleared before it was hashed */
};
int py_hash(struct sim *s, oref h, int64_t *out);
int py_equal(struct sim *s, oref a, oref b);
int set_add(struct sim *s, oref so, oref key, int64_t hash);
oref set_discard(struct sim *s, oref so, oref key, int64_t hash);
void set_clear(struct sim *s, oref so);
void set_release(struct sim *s);

/* census.c */
void census_maybe(struct sim *s);
void census_on_alloc(struct sim *s, oref h);
void census_on_cached(struct sim *s, oref h);
void census_on_free(struct sim *s, oref h);
void census_release(struct sim *s);
int64_t heap_size_of(const struct sim *s, oref h);

#endif
