/*
 * profile.c - the CPython versions gcsim simulates, and how they differ.
 *
 * Sources for each number: ../shared/reference/cpython-gc-rules.md
 * (2.4 thresholds, 2.5 when a collection runs, 6.2 free lists, 6.3 and 8
 * interning and immortal objects); the conformance suite checks them
 * against the interpreters.
 */
#include <stdlib.h>
#include <string.h>

#include "gc.h"

/* What 3.11 to 3.13 share: free-list capacities, shared keys, sizes. */
#define COMMON_FIELDS(obj_size, str_size) \
	.tuple_push_max = 20, \
	.shared_keys_max = 30, \
	.freelist_list = 80, \
	.freelist_dict = 80, \
	.freelist_float = 100, \
	.freelist_tuple = 2000, \
	.size_base = { [SIM_T_LIST] = 56, [SIM_T_DICT] = 64, [SIM_T_SET] = 216, \
		       [SIM_T_TUPLE] = 40, [SIM_T_OBJECT] = (obj_size), \
		       [SIM_T_INT] = 28, [SIM_T_FLOAT] = 24, \
		       [SIM_T_STR] = (str_size), [SIM_T_BYTES] = 33, \
		       [SIM_T_BOOL] = 28, [SIM_T_NONE] = 16, [SIM_T_GCOBJ] = 32, \
		       [SIM_T_WEAKREF] = 80 }, \
	.size_per_ref = { [SIM_T_LIST] = 9, [SIM_T_DICT] = 46, [SIM_T_SET] = 51, \
			  [SIM_T_TUPLE] = 8, [SIM_T_OBJECT] = 8, [SIM_T_GCOBJ] = 8 }

/*
 * 3.8: the generational collector with the global _PyRuntime.gc state.
 * What it shares with 3.11 (Modules/gcmodule.c of 3.8): the count in
 * _PyObject_GC_Alloc for every GC allocation and the floor-0 decrement in
 * PyObject_GC_Del, the collection inside the allocation that crosses
 * threshold0, collect_generations' long-lived brake, untrack_tuples on the
 * survivors and untrack_dicts in full collections, clear_freelists after
 * them, gc.freeze zeroing every count.  What differs, each checked against
 * 3.8.18 by the conformance oracle:
 */
static const struct sim_profile py38 = {
	.name = "3.8",
	.versions = "CPython 3.8.x",
	.gc = &gc_generational,
	.threshold = { 700, 10, 10 }, /* _PyGC_Initialize */
	.deferred_gc = 0,
	.immortal = 0,
	/* PyUnicode_InternInPlace: "The two references in interned are
	 * not counted by refcnt" (Py_REFCNT(s) -= 2), SSTATE_INTERNED_MORTAL. */
	.interned_immortal = 0,
	/* Objects/tupleobject.c: PyTuple_New pops and tupledealloc pushes
	 * only while size < PyTuple_MAXSAVESIZE (20): sizes 1..19 both
	 * ways, so 20-tuples are freed and counted normally (no 3.11 drift). */
	.tuple_pop_max = 19,
	.tuple_push_max = 19,
	/* No inline values: _PyObjectDict_SetItem makes an instance's
	 * __dict__ (new_dict_with_shared_keys: a dict from the free list or
	 * a GC allocation) at its first attribute, tracked by
	 * MAINTAIN_TRACKING like any dict.  No keys to share is that. */
	.shared_keys_max = 0,
	.none_hash = 0, /* _Py_HashPointer(None) */
	/* Python/pyhash.c: Py_HASH_ALGORITHM defaults to siphash24 (PEP 456);
	 * 3.11 moved to siphash13. */
	.siphash24 = 1,
	/* _Py_HashDouble returns _PyHASH_NAN (0) for a NaN; 3.10 (bpo-43475)
	 * hashes it by address. */
	.nan_hash_zero = 1,
	/* collect: after finalize_garbage, check_garbage recounts the
	 * unreachable set's references; if any object has one from outside
	 * it, the whole set goes to the older generation uncollected.  3.9
	 * (bpo-38379) replaced it with handle_resurrected_objects, which saves
	 * only what is reachable again (measured on 3.8.18 and 3.11.7). */
	.check_garbage = 1,
	/* PyList_MAXFREELIST, PyDict_MAXFREELIST, PyFloat_MAXFREELIST,
	 * PyTuple_MAXFREELIST, as in 3.11. */
	.freelist_list = 80,
	.freelist_dict = 80,
	.freelist_float = 100,
	.freelist_tuple = 2000,
	/* sys.getsizeof on 3.8.18: an instance is 48 bytes, its pointer to
	 * its __dict__ (a dict of its own) included; the rest as 3.11. */
	.size_base = { [SIM_T_LIST] = 56, [SIM_T_DICT] = 64, [SIM_T_SET] = 216,
		       [SIM_T_TUPLE] = 40, [SIM_T_OBJECT] = 48,
		       [SIM_T_INT] = 28, [SIM_T_FLOAT] = 24,
		       [SIM_T_STR] = 49, [SIM_T_BYTES] = 33,
		       [SIM_T_BOOL] = 28, [SIM_T_NONE] = 16, [SIM_T_GCOBJ] = 32,
		       [SIM_T_WEAKREF] = 72 },
	.size_per_ref = { [SIM_T_LIST] = 9, [SIM_T_DICT] = 46, [SIM_T_SET] = 51,
			  [SIM_T_TUPLE] = 8, [SIM_T_OBJECT] = 0, [SIM_T_GCOBJ] = 8 },
};

/*
 * What every 3.14 shares, whatever its collector.  weakref_clear_twice:
 * handle_weakrefs(&final_unreachable, NULL, false) after
 * handle_resurrected_objects (3.14.7's Python/gc.c); a weakref a
 * finalizer made to the garbage has its callback called in 3.13.0 and
 * 3.13.5, not in 3.14.2 (Pyodide) and 3.14.7 (measured; 3.14.0 assumed).
 */
#define PY314_FIELDS \
	.deferred_gc = 1, \
	.deferred_gc_if_enabled = 1, \
	.immortal = 1, \
	.interned_immortal = 0, \
	.weakref_tuple_always = 1, \
	.weakref_clear_twice = 1, \
	.dict_always_tracked = 1, \
	.tuple_pop_max = 20, \
	.none_hash = 0xFCA86420, \
	COMMON_FIELDS(48, 41)

static const struct sim_profile py311 = {
	.name = "3.11",
	.versions = "CPython 3.11.x",
	.gc = &gc_generational,
	.threshold = { 700, 10, 10 },
	.deferred_gc = 0,
	.immortal = 0,
	.interned_immortal = 0,
	/* maybe_freelist_push keeps length 20, maybe_freelist_pop never
	 * hands it out: each size-20 tuple counts once more in count0. */
	.tuple_pop_max = 19,
	COMMON_FIELDS(56, 49),
};

static const struct sim_profile py312 = {
	.name = "3.12",
	.versions = "CPython 3.12.x",
	.gc = &gc_generational,
	.threshold = { 700, 10, 10 },
	.deferred_gc = 1,
	.deferred_gc_if_enabled = 0,
	.immortal = 1,
	/* PyUnicode_InternInPlace immortalizes every interned string. */
	.interned_immortal = 1,
	.tuple_pop_max = 19,
	.none_hash = 0xFCA86420, /* none_hash in Objects/object.c */
	COMMON_FIELDS(48, 41),
};

static const struct sim_profile py313 = {
	.name = "3.13",
	.versions = "CPython 3.13.x (default build, not free-threaded)",
	.gc = &gc_generational,
	/* The raise to 2000 came with the incremental GC and outlived it. */
	.threshold = { 2000, 10, 10 },
	.deferred_gc = 1,
	.deferred_gc_if_enabled = 1,
	.immortal = 1,
	/*
	 * Mortal again: code constants go through _PyUnicode_InternMortal
	 * (intern_constants), and the interned table's references are not
	 * counted (intern_common).  Only statically allocated strings and
	 * names interned immortal (co_names) are immortal, and the trace's
	 * literals are neither.
	 */
	.interned_immortal = 0,
	/* maybe_freelist_pop fixed: length 20 is reused too. */
	.tuple_pop_max = 20,
	/* PyObject_ClearWeakRefs rewritten for the free-threaded build:
	 * one tuple for every weakref with a callback, even a single one. */
	.weakref_tuple_always = 1,
	.none_hash = 0xFCA86420,
	COMMON_FIELDS(48, 41),
};

/*
 * 3.14.5 and later: the generational collector of 3.13 forward-ported over
 * 3.14.0-3.14.4's incremental one (gh-142516), counting in
 * _PyObject_GC_Link and PyObject_GC_Del as 3.13 does.  What 3.14 changed
 * around it stays: dicts are tracked from creation and never untracked
 * (GH-127010), so a dict counts and is collected like a list.  Checked
 * against 3.14.7.
 */
static const struct sim_profile py314 = {
	.name = "3.14",
	.versions = "CPython 3.14.5 and later (generational collector, "
		    "not 3.14.0-3.14.4's incremental one)",
	.gc = &gc_generational,
	.first_patch = 5,
	.tuple_pack_maybe_tracked = 1,
	.threshold = { 2000, 10, 10 },
	PY314_FIELDS,
};

/*
 * 3.14.1-3.14.4: the incremental collector, counting trackings (GH-139951),
 * dicts tracked at creation and never untracked (GH-127010).  Thresholds
 * young 2000, old[0] 10 (the increments' scale), old[1] 0 (unused).
 * Measured on 3.14.2 (Pyodide; reference/cpython-3.14-measured.md).
 */
static const struct sim_profile py3142 = {
	.name = "3.14.2",
	.versions = "CPython 3.14.1-3.14.4 (incremental collector, count on "
		    "tracking; checked against 3.14.2)",
	.gc = &gc_incremental,
	.first_patch = 1,
	.tuple_pack_maybe_tracked = 1,
	.last_patch = 4,
	.threshold = { 2000, 10, 0 },
	PY314_FIELDS,
};

/*
 * 3.14.0: the incremental collector as released, counting allocations in
 * _PyObject_GC_Link and PyObject_GC_Del (Python/gc.c before GH-139951).
 * From the source alone: no 3.14.0 interpreter to check it against.
 */
static const struct sim_profile py3140 = {
	.name = "3.14.0",
	.versions = "CPython 3.14.0 (incremental collector, count on "
		    "allocation; from source, unverified)",
	.gc = &gc_incremental_0,
	.threshold = { 2000, 10, 0 },
	PY314_FIELDS,
};

static const struct sim_profile *const all[] = { &py38, &py311, &py312,
						 &py313, &py3140, &py3142,
						 &py314, NULL };

const struct sim_profile *sim_profile_find(const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; all[i]; i++) {
		if (strlen(all[i]->name) == n && memcmp(all[i]->name, name, n) == 0)
			return all[i];
	}
	for (int i = 0; all[i]; i++) {
		/*
		 * A release: the profile's X.Y, a dot, a patch number from
		 * first_patch (to last_patch).  A profile named after a release
		 * with no last_patch stands for that release alone.
		 */
		const char *dot = strchr(all[i]->name, '.');
		size_t k = dot ? strcspn(dot + 1, ".") + (size_t)(dot + 1 - all[i]->name) : 0;

		if (all[i]->name[k] && !all[i]->last_patch)
			continue;
		if (n > k + 1 && memcmp(all[i]->name, name, k) == 0 && name[k] == '.' &&
		    strspn(name + k + 1, "0123456789") == n - k - 1 && n - k - 1 <= 4 &&
		    atoi(name + k + 1) >= all[i]->first_patch &&
		    (!all[i]->last_patch || atoi(name + k + 1) <= all[i]->last_patch))
			return all[i];
	}
	return NULL;
}

const struct sim_profile *sim_profile_default(void)
{
	return &py312;
}

const struct sim_profile *const *sim_profiles(void)
{
	return all;
}
