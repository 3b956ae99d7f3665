/*
 * sim.h - the gcsim library: a simulated CPython heap that replays trace
 * events and reports, step by step, what the interpreter's memory manager
 * does (reference counts, generations, collections, caches, free lists).
 *
 * Ownership: sim_new() returns a simulator the caller releases with
 * sim_free() (sim_free(NULL) does nothing).  The struct sim_step a replay
 * fills, and every pointer in it, is borrowed from the simulator and stays
 * valid until the next call that replays an event.
 */
#ifndef GCSIM_SIM_H
#define GCSIM_SIM_H

#include <stdint.h>

#include "diag.h"
#include "trace.h"

#define SIM_TUPLE_FREELISTS 20 /* tuple free lists: lengths 1..20 */
#define SIM_IMMORTAL_REFCNT 4294967295LL /* what 3.12/3.13 report: _Py_IMMORTAL_REFCNT */

typedef struct sim sim;

struct gc_ops; /* a collector: sim/gc.h */

/* A CPython version's rules. */
struct sim_profile {
	const char *name;          /* "3.12" */
	const char *versions;      /* the releases it stands for */
	const struct gc_ops *gc;   /* its collector's algorithm */
	int first_patch;           /* the first X.Y.Z release it stands for */
	int last_patch;            /* the last one; 0: no limit */
	long threshold[3];         /* default thresholds */
	int deferred_gc;           /* 3.12+: collect at the step's end */
	int deferred_gc_if_enabled; /* 3.13+: _Py_RunGC skips a scheduled
				       collection if gc.disable() came since */
	int immortal;              /* 3.12+: the caches' objects immortal */
	int interned_immortal;     /* interned strs immortal: 3.12 only */
	int dict_always_tracked;   /* 3.14.5+: new_dict tracks every dict and
				      no collection untracks one (GH-127010) */
	int tuple_pack_maybe_tracked; /* 3.14.1+: PyTuple_Pack and tuple
					 displays track the tuple only if an
					 item is of a GC type */
	int weakref_tuple_always;  /* 3.13+: PyObject_ClearWeakRefs puts even
				      one callback in its tuple */
	int weakref_clear_twice;   /* 3.14.5+: the weakrefs to the garbage
				      are cleared again after the finalizers
				      (GH-91636) */
	int tuple_pop_max;         /* longest tuple reused from a free list */
	int tuple_push_max;        /* longest tuple kept on a free list */
	int shared_keys_max;       /* SHARED_KEYS_MAX_SIZE */
	int64_t none_hash;         /* 3.12+: hash(None), a constant; 0: by address */
	int siphash24;             /* 3.8: str and bytes hash with siphash24
				      (3.11+: siphash13) */
	int nan_hash_zero;         /* 3.8: hash(nan) is 0 (3.10+: by address) */
	int check_garbage;         /* 3.8: a resurrection anywhere in the
				      unreachable set saves all of it */
	long freelist_list, freelist_dict, freelist_float, freelist_tuple;
	/*
	 * Estimated bytes, from sys.getsizeof on the release (64-bit): per
	 * object of each type (str, bytes and big ints add their length),
	 * and per reference a container holds, over-allocation included.
	 */
	int size_base[SIM_T_COUNT_];
	int size_per_ref[SIM_T_COUNT_];
};

/*
 * The profile for a version: its name ("3.12"), or a release ("3.12.1",
 * "3.14.7") that the profile stands for; NULL for anything else.
 */
const struct sim_profile *sim_profile_find(const char *name);
const struct sim_profile *sim_profile_default(void);
/* All profiles, NULL-terminated. */
const struct sim_profile *const *sim_profiles(void);

struct sim_config {
	const char *python;        /* profile name; NULL for the default */
	long threshold[3];         /* used where has_threshold[i] */
	int has_threshold[3];
	int check;                 /* verify the heap after every step */
	int stress;                /* a full collection after every event */
	int census;                /* sample how long cyclic garbage waits */
};

struct sim_genstats {
	uint64_t collections;
	uint64_t collected;
	uint64_t uncollectable;
};

enum sim_trigger {
	SIM_TRIGGER_EXPLICIT,  /* collect event */
	SIM_TRIGGER_THRESHOLD, /* count0 crossed threshold0 */
	SIM_TRIGGER_STRESS,    /* --stress */
};

/* One collection, with the facts behind the decision. */
struct sim_collection {
	int gen;
	enum sim_trigger trigger;
	int deferred;            /* ran at the step's end (3.12+) */
	long count_before[3];    /* counts when it started */
	long threshold[3];
	int gen2_skipped;        /* automatic: gen 2 was over but braked */
	int64_t pending_before;  /* long_lived_pending at the decision */
	int64_t total_before;    /* long_lived_total at the decision */
	uint64_t examined;       /* objects in the generations collected */
	uint64_t unreachable;    /* found unreachable */
	uint64_t collected;      /* CPython's "collected" (m) */
	uint64_t uncollectable;
	uint64_t survivors;      /* reachable, after untracking */
	int survivors_to;        /* generation the survivors went to */
	uint64_t untracked_tuples;
	uint64_t untracked_dicts;
	uint64_t freed;          /* objects freed as a consequence */
	int freelists_cleared;
	int64_t pending_after, total_after;
	int incremental;         /* by the incremental collector (3.14.0-3.14.4): */
	int mark_only;           /* ... the first of a scavenge: marked, no more */
	int inc_skipped;         /* ... work_to_do was negative: did nothing */
	int64_t work_before;     /* ... work_to_do after assess_work_to_do */
	int64_t work_after;
	int completed_scavenge;  /* ... pending was empty after it */
};

enum sim_effect_kind {
	SIM_FX_CACHE_HIT,      /* type, n = value class (see cache.c) */
	SIM_FX_INTERNED,       /* an interned str was reused */
	SIM_FX_FREELIST_POP,   /* type (tuple: n is the length), left */
	SIM_FX_FREELIST_PUSH,
	SIM_FX_NEW,            /* from the allocator; count0 +1 when GC */
	SIM_FX_TRACKED,        /* a dict became tracked */
	SIM_FX_MATERIALIZED,   /* an instance __dict__ was made */
	SIM_FX_SET_DUPLICATE,  /* an equal member was already present */
	SIM_FX_GC_SCHEDULED,   /* 3.12+: threshold crossed, collection waits */
};

struct sim_effect {
	enum sim_effect_kind kind;
	int type;    /* enum sim_type */
	long n;      /* tuple length, value class */
	long left;   /* free-list size after the effect */
};

struct sim_freelist_sizes {
	long list, dict, flt;
	long tuple[SIM_TUPLE_FREELISTS];
};

/* The incremental collector's own state (3.14.0-3.14.4 profiles). */
struct sim_inc_state {
	int64_t work_to_do;
	int phase;                 /* 0 MARK, 1 COLLECT */
	int visited_space;         /* which old list is the visited one */
	int64_t heap_size;         /* tracked (3.14.0: allocated) objects */
};

/* What one step did and left. */
struct sim_step {
	uint64_t step;             /* 1-based */
	unsigned long line;
	enum sim_op op;
	long count[3];
	long threshold[3];
	uint64_t gen_sizes[3];
	uint64_t permanent;
	struct sim_freelist_sizes freelist;
	struct sim_genstats stats[3]; /* cumulative */
	const struct sim_collection *collections;
	uint32_t ncollections;
	const struct sim_effect *effects;
	uint32_t neffects;
	const char **freed;        /* IDs whose objects were freed, in order */
	uint32_t nfreed;
	uint64_t freed_anon;       /* freed objects without an ID */
	int has_refcnt;            /* the event names an object */
	int alive;                 /* ... which is still alive */
	int immortal;              /* ... and immortal (refcnt not meaningful) */
	int cached;                /* ... and owned by a cache */
	int64_t refcnt;
	const char *subject;       /* the ID the refcnt is of */
	int subject_type;
	uint64_t live;
	int has_inc;               /* the profile's collector is incremental */
	struct sim_inc_state inc;
};

struct sim_totals {
	uint64_t steps;
	uint64_t allocs;
	uint64_t freed_refcount;   /* freed by reference counting */
	uint64_t freed_gc;         /* freed by the collector */
	uint64_t cache_hits;
	uint64_t freelist_reuses;
	uint64_t examined;         /* objects examined by all collections */
	uint64_t max_examined;     /* the largest single collection */
	uint64_t peak_live;
	uint64_t peak_tracked;
	uint64_t live;
	uint64_t bytes;            /* estimated bytes of the live objects */
	uint64_t peak_bytes;
};

/*
 * Cyclic garbage: live objects that nothing reachable from a root refers
 * to, found by a census (a mark from the roots) taken every so many steps
 * when sim_config.census is set.  The interval grows with the live heap,
 * so that censuses cost about as much as the replay; with interval 1 the
 * figures are exact, otherwise sampled (waits are then rounded up to a
 * census).
 */
struct sim_garbage {
	uint64_t censuses;
	uint64_t max_interval;     /* largest gap between censuses, in steps */
	uint64_t peak_waiting;     /* most garbage objects seen at one census */
	uint64_t waiting;          /* garbage objects seen at the last census */
	double waiting_steps;      /* integral of waiting garbage over steps */
	uint64_t collected;        /* garbage seen by a census, then collected */
	uint64_t wait_total;       /* their waits, in steps */
	uint64_t wait_max;
};

void sim_get_garbage(const sim *s, struct sim_garbage *g);

int sim_new(sim **out, const struct sim_config *cfg, struct sim_diag *diag);
void sim_free(sim *s);

const struct sim_profile *sim_get_profile(const sim *s);

/*
 * Replay one event (a step; settings are rejected here, see
 * sim_apply_setting).  On SIM_OK *step describes the step.  On SIM_ETRACE
 * the event was invalid for the heap (dead ID, ...): diag says why, with
 * file left for the caller, and the heap is unchanged.
 */
int sim_replay(sim *s, const struct sim_event *ev, struct sim_step *step,
	       struct sim_diag *diag);

/*
 * Apply a setting line (#: python / #: threshold).  Only before the first
 * event; the python setting must name the simulator's own profile unless
 * the caller rebuilds it (see cmd/).
 */
int sim_apply_setting(sim *s, const struct sim_event *ev, struct sim_diag *diag);

/*
 * Check an expect event.  Returns 1 when it holds, 0 when not (with
 * found/expected descriptions in msg), or -1 with diag set when the
 * expectation itself cannot apply (unknown ID...).
 */
int sim_expect(sim *s, const struct sim_event *ev, char *msg, size_t msgsz,
	       struct sim_diag *diag);

/* Verify every invariant of the heap; 0 when sound, else msg says what broke. */
int sim_heap_check(const sim *s, char *msg, size_t msgsz);

/*
 * --check, after a step: the O(1) invariants every time, and the full
 * sim_heap_check whenever the steps since the last one have earned it, so
 * that a checked replay costs a bounded multiple of a plain one.  Small
 * heaps are checked in full after every step.  0 when sound.
 */
int sim_check_step(sim *s, char *msg, size_t msgsz);

void sim_get_totals(const sim *s, struct sim_totals *t);
void sim_get_thresholds(const sim *s, long threshold[3]);
void sim_get_stats(const sim *s, struct sim_genstats stats[3]);

/* Live named objects, for a final dump: calls fn for each bound name. */
void sim_each_name(const sim *s,
		   void (*fn)(void *arg, const char *id, int type,
			      int64_t refcnt, int exact),
		   void *arg);

#endif
