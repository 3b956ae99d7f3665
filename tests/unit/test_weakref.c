/*
 * test_weakref.c - weak references (sim/weakref.c): the weakref op, the
 * referent's list and its order, PyObject_ClearWeakRefs at a refcount
 * death, handle_weakrefs in a collection, hashing and comparing weakrefs.
 * Expected values are CPython's, from Objects/weakrefobject.c and
 * Python/gc.c of 3.13.5 and 3.14.7 and from runs of 3.8.18, 3.11.7,
 * 3.12.1, 3.13.0 (the scenario traces weakref-*.trace say which).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit_helpers.h"

static const char *const all_profiles[] = { "3.8", "3.11", "3.12", "3.13",
					    "3.14.0", "3.14.2", "3.14", NULL };

/* get_or_create_weakref refuses what has no tp_weaklistoffset. */
static void a_weakref_to_a_list_or_with_a_list_callback_is_an_error(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc L list\nalloc x object\n");
	char *fp = th_fingerprint(t);
	TH_ERR(t, "weakref w L\n", 1, 11,
	       "cannot create weak reference to 'list' object ('L'): weakref needs an object, delobj, legacyobj, gcobj or set");
	TH_ERR(t, "weakref w x L\n", 1, 1,
	       "the callback 'L' is a list, not a gcobj");
	char *now = th_fingerprint(t);
	assert_string_equal(fp, now);
	free(fp);
	free(now);
	th_close(t);
}

/*
 * weakref.ref(x) hands out x's callback-less weakref again, even with
 * weakrefs with callbacks made since; one with a callback is always new,
 * a GC allocation that counts (count0 +1, tracked at once).
 */
static void the_basic_ref_is_reused_and_callback_refs_are_new(void **state)
{
	(void)state;
	for (int i = 0; all_profiles[i]; i++) {
		struct th *t = th_open(all_profiles[i]);

		TH_OK(t, "alloc x object\nalloc cb gcobj\n"
			 "weakref w1 x\n"
			 "expect count 3 0 0\n"
			 "expect tracked w1\n"
			 "weakref w2 x\n"
			 "expect count 3 0 0\n"
			 "expect same w1 w2\n"
			 "weakref w3 x cb\n"
			 "expect count 4 0 0\n"
			 "weakref w4 x cb\n"
			 "weakref w5 x\n"
			 "expect same w5 w1\n"
			 "expect refcnt w1 3\n"
			 "expect refcnt cb 3\n"
			 "expect referent w4 x\n");
		th_close(t);
	}
}

/*
 * The list is basic ref, then the callback refs newest first
 * (insert_after the basic ref), so the newest callback runs first: here
 * the newer one binds `a`, which the older one's body needs.
 */
static void callbacks_run_newest_first(void **state)
{
	(void)state;
	static const char order[] =
		"alloc x object\nalloc L list\n"
		"alloc old gcobj\nalloc new gcobj\n"
		"on old ref L a\n"
		"on new bind a self\n"
		"weakref b x\n"
		"weakref w1 x old\n"
		"weakref w2 x new\n"
		"del x\n"
		"expect called old 1\n"
		"expect called new 1\n"
		"expect same a w2\n"
		"expect refcnt w2 3\n";

	for (int i = 0; all_profiles[i]; i++) {
		struct th *t = th_open(all_profiles[i]);

		TH_OK(t, order);
		th_close(t);
	}
}

/*
 * Up to 3.12 one weakref with a callback is handled alone; 3.13 puts it
 * in a tuple of 2 too, from PyTuple_New: +1 in count0 (no tuple on the
 * free list), and the tuple ends on the free list of 2-tuples (as
 * measured by the oracles of 3.13.0, 3.13.5, 3.14.2 and 3.14.7).
 */
static void the_clearing_tuple_of_3_13_is_a_counted_allocation(void **state)
{
	(void)state;
	static const char *const one[] = { "3.8", "3.11", "3.12", NULL };
	static const char *const tuple[] = { "3.13", "3.14", NULL };
	static const char trace[] =
		"alloc cb gcobj\nalloc x object\n"
		"weakref w x cb\n"
		"expect count 3 0 0\n"
		"del x\n"
		"expect called cb 1\n"
		"expect cleared w\n";

	for (int i = 0; one[i]; i++) {
		struct th *t = th_open(one[i]);

		TH_OK(t, trace);
		TH_OK(t, "expect count 2 0 0\nexpect freelist tuple:2 0\n");
		th_close(t);
	}
	for (int i = 0; tuple[i]; i++) {
		struct th *t = th_open(tuple[i]);

		TH_OK(t, trace);
		TH_OK(t, "expect count 3 0 0\nexpect freelist tuple:2 1\n");
		th_close(t);
	}
	/* 3.14.1-3.14.4 count trackings: the tuple's untrack gives it back. */
	struct th *t2 = th_open("3.14.2");
	TH_OK(t2, trace);
	TH_OK(t2, "expect count 2 0 0\nexpect freelist tuple:2 1\n");
	th_close(t2);
	/* Two callbacks: a tuple of 4 in every version. */
	for (int i = 0; all_profiles[i]; i++) {
		struct th *t = th_open(all_profiles[i]);

		TH_OK(t, "alloc cb gcobj\nalloc x object\n"
			 "weakref w1 x cb\nweakref w2 x cb\n"
			 "del x\n"
			 "expect called cb 2\n"
			 "expect freelist tuple:4 1\n");
		th_close(t);
	}
}

/*
 * A callback whose body drops its weakref's last reference: the weakref
 * goes in the same step and the heap stays sound, on every path (one
 * callback alone, the tuple, the collector's).
 */
static void a_callback_may_drop_its_own_weakref(void **state)
{
	(void)state;
	for (int i = 0; all_profiles[i]; i++) {
		struct th *t = th_open(all_profiles[i]);

		TH_OK(t, "alloc cb gcobj\non cb del w\n"
			 "alloc x object\nweakref w x cb\n"
			 "del x\n"
			 "expect called cb 1\nexpect freed w\nexpect refcnt cb 1\n"
			 "alloc y gcobj\nref y y\nweakref w y cb\n"
			 "del y\ncollect 2\n"
			 "expect called cb 2\nexpect freed w\n"
			 "expect collected 2\n");
		th_close(t);
	}
}

/*
 * handle_weakrefs: a weakref that is garbage with its referent is cleared
 * with no call; one that is not has its callback called, after all were
 * cleared.
 */
static void a_collection_calls_only_the_callbacks_of_live_weakrefs(void **state)
{
	(void)state;
	for (int i = 0; all_profiles[i]; i++) {
		struct th *t = th_open(all_profiles[i]);

		TH_OK(t, "alloc cb gcobj\nalloc L list\non cb ref L self\n"
			 "alloc x gcobj\nref x x\n"
			 "weakref dead x cb\nref x dead\ndel dead\n"
			 "weakref live x cb\n"
			 "del x\ncollect 2\n"
			 "expect called cb 1\n"
			 "expect freed dead\n"
			 "expect cleared live\n"
			 "expect refcnt live 2\n"
			 "expect collected 2\n");
		th_close(t);
	}
}

/*
 * weakref_hash: the referent's hash, kept once computed; a weakref never
 * hashed while its referent lived cannot be hashed after.  Two weakrefs
 * to one live object are equal, so a set keeps one of them.
 */
static void a_weakref_hashes_as_its_referent_and_keeps_that_hash(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc S set\nalloc cb gcobj\nalloc x object\n"
		 "weakref w1 x\nweakref w2 x cb\n"
		 "ref S w1\nref S w2\n"
		 "expect refcnt w2 1\n"
		 "del x\n"
		 "ref S w1\n"
		 "expect refcnt w1 2\n"
		 "ref S w2\n"
		 "expect refcnt w2 2\n");
	TH_OK(t, "alloc y object\nweakref v y\ndel y\nalloc T set\n");
	TH_ERR(t, "ref T v\n", 1, 7,
	       "weakref 'v' cannot be hashed: weak object has gone away");
	TH_OK(t, "alloc s2 set\nweakref ws s2\n");
	TH_ERR(t, "ref T ws\n", 1, 7,
	       "unhashable type: 'weakref' ('ws' cannot be a set member)");
	th_close(t);
}

/* Every event with --stress and the heap checked after each step. */
static void weakrefs_keep_the_heap_sound_under_stress(void **state)
{
	(void)state;
	for (int i = 0; all_profiles[i]; i++) {
		struct sim_config cfg = { .python = all_profiles[i], .stress = 1,
					  .check = 1 };
		struct th *t = th_open_cfg(&cfg);

		TH_OK(t, "alloc cb gcobj\nalloc L list\non cb ref L self\n"
			 "alloc x object\nalloc y gcobj\nref x y\nref y x\n"
			 "weakref w1 x cb\nweakref w2 y cb\nweakref w3 x\n"
			 "ref y w1\ndel w1\n"
			 "del x\ndel y\n"
			 "expect called cb 1\n"
			 "expect cleared w2\nexpect cleared w3\nexpect freed w1\n"
			 "unref L w2\ndel w2\nexpect freed w2\n");
		th_close(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(a_weakref_to_a_list_or_with_a_list_callback_is_an_error),
		TH_TEST(the_basic_ref_is_reused_and_callback_refs_are_new),
		TH_TEST(callbacks_run_newest_first),
		TH_TEST(the_clearing_tuple_of_3_13_is_a_counted_allocation),
		TH_TEST(a_callback_may_drop_its_own_weakref),
		TH_TEST(a_collection_calls_only_the_callbacks_of_live_weakrefs),
		TH_TEST(a_weakref_hashes_as_its_referent_and_keeps_that_hash),
		TH_TEST(weakrefs_keep_the_heap_sound_under_stress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
