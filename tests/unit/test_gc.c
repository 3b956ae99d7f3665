/*
 * test_gc.c - the collectors (sim/gc*.c): when a
 * collection runs and which generation it takes, the counter updates,
 * survivors, tuple and dict untracking, free lists, freeze, --stress.
 * Expected values come from ../../../shared/reference/cpython-gc-rules.md
 * (cited by section as "rules 2.5").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit_helpers.h"

/* n lists kept alive, named <prefix><i>. */
static void make_lists(struct th *t, const char *prefix, int from, int to)
{
	struct tb b = { 0 };

	for (int i = from; i < to; i++)
		tb_add(&b, "alloc %s%d list\n", prefix, i);
	int rc = th_run(t, b.p);
	tb_free(&b);
	TH_RC_OK(t, rc);
}

static const struct sim_collection *only_collection(const struct th *t)
{
	if (t->st.ncollections != 1) {
		print_error("step %llu: %u collections, expected 1\n",
			    (unsigned long long)t->st.step, t->st.ncollections);
		fail();
	}
	return &t->st.collections[0];
}

static void assert_no_collection(const struct th *t)
{
	if (t->st.ncollections != 0) {
		print_error("step %llu: %u collections (gen %d), expected none\n",
			    (unsigned long long)t->st.step, t->st.ncollections,
			    t->st.collections[0].gen);
		fail();
	}
}

/* ---- when a collection runs (rules 2.4, 2.5) ---- */

/*
 * 3.11: count0 > 700 at the 701st allocation, and the collection runs
 * inside it, before the new object is tracked: the 700 older lists are
 * examined, and the new one is left in generation 0, uncounted.
 */
static void gen0_is_collected_inside_the_701st_allocation_in_3_11(void **state)
{
	(void)state;
	struct th *t = th_open("3.11");

	make_lists(t, "p", 0, 700);
	assert_no_collection(t);
	assert_int_equal(t->st.threshold[0], 700);
	assert_int_equal(t->st.threshold[1], 10);
	assert_int_equal(t->st.threshold[2], 10);
	TH_OK(t, "expect count 700 0 0\n"
		 "expect collections 0 0 0\n"
		 "alloc x list\n"
		 "expect count 0 1 0\n"
		 "expect collections 1 0 0\n"
		 "expect gen x 0\n"
		 "expect gen p0 1\n"
		 "expect gen p699 1\n");
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->gen, 0);
	assert_int_equal(c->trigger, SIM_TRIGGER_THRESHOLD);
	assert_false(c->deferred);
	assert_int_equal(c->examined, 700);
	assert_int_equal(c->count_before[0], 701);
	assert_int_equal(c->count_before[1], 0);
	assert_int_equal(c->threshold[0], 700);
	assert_int_equal(c->unreachable, 0);
	assert_int_equal(c->collected, 0);
	assert_int_equal(c->survivors, 700);
	assert_int_equal(c->survivors_to, 1);
	assert_int_equal(t->st.gen_sizes[0], 1);
	assert_int_equal(t->st.gen_sizes[1], 700);
	assert_int_equal(t->st.gen_sizes[2], 0);
	assert_int_equal(t->st.count[0], 0);
	th_close(t);
}

/* 3.12: the collection waits for the step's end and sees the new list. */
static void gen0_is_collected_at_the_end_of_the_701st_allocation_in_3_12(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	make_lists(t, "p", 0, 700);
	assert_no_collection(t);
	TH_OK(t, "expect count 700 0 0\n"
		 "alloc x list\n"
		 "expect count 0 1 0\n"
		 "expect collections 1 0 0\n"
		 "expect gen x 1\n"
		 "expect gen p0 1\n");
	assert_true(th_has_effect(t, SIM_FX_GC_SCHEDULED, -1));
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->gen, 0);
	assert_int_equal(c->trigger, SIM_TRIGGER_THRESHOLD);
	assert_true(c->deferred);
	assert_int_equal(c->examined, 701);
	assert_int_equal(c->count_before[0], 701);
	assert_int_equal(c->survivors, 701);
	assert_int_equal(t->st.gen_sizes[0], 0);
	assert_int_equal(t->st.gen_sizes[1], 701);
	th_close(t);
}

/*
 * Once a trace has a `gc safepoint`, 3.12+ collect only at those steps:
 * the events between two of them are C code that checks no eval breaker.
 * 3.11 collects inside the allocation whatever the trace says.
 */
static void explicit_safe_points_hold_a_scheduled_collection_in_3_12(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "gc threshold 2\n"
		 "gc safepoint\n"
		 "alloc a gcobj\n"
		 "alloc b list\n"
		 "alloc c gcobj\n"        /* count0 3 > 2: scheduled */
		 "ref a c\n"
		 "del c\n"
		 "expect collections 0 0 0\n"
		 "expect count 3 0 0\n"
		 "gc safepoint\n"
		 "expect collections 1 0 0\n"
		 "expect count 0 1 0\n"
		 "expect gen c 1\n");
	assert_true(only_collection(t)->deferred);
	th_close(t);

	t = th_open("3.11");
	TH_OK(t, "gc threshold 2\n"
		 "gc safepoint\n"
		 "alloc a gcobj\n"
		 "alloc b list\n"
		 "alloc c gcobj\n"        /* collected inside the allocation */
		 "expect collections 1 0 0\n"
		 "expect gen c 0\n"
		 "gc safepoint\n"
		 "expect collections 1 0 0\n");
	th_close(t);
}

/* A gcobj: tracked at birth, a multiset of references, no free list. */
static void a_gcobj_cycle_is_collected_and_a_lone_one_freed_by_refcount(void **state)
{
	(void)state;
	struct th *t = th_open("3.13");

	TH_OK(t, "alloc a gcobj\n"
		 "alloc b gcobj\n"
		 "expect tracked a\n"
		 "ref a b\n"
		 "ref a b\n"
		 "ref b a\n"
		 "expect refcnt b 3\n"
		 "unref a b\n"
		 "expect refcnt b 2\n"
		 "del a\n"
		 "del b\n"
		 "expect alive a\n"
		 "collect\n"
		 "expect collected 2\n"
		 "alloc g gcobj\n"
		 "expect count 1 0 0\n"
		 "del g\n"
		 "expect count 0 0 0\n"
		 "expect freelist list 0\n");
	th_close(t);
}

/*
 * SPEC 2 (tuples), rules 2.5: a tuple and the fills that follow its alloc
 * are C code (PyTuple_New, then PyTuple_SET_ITEM), with no safe point in
 * between.  The collection its allocation schedules runs after the last
 * fill, so it can untrack the tuple; events in between (the items'
 * allocations) do not bring it forward.
 */
static void a_scheduled_collection_waits_until_the_tuple_is_filled(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "gc threshold 1\n"
		 "alloc a list\n"
		 "alloc i int 1000\n"
		 "alloc t tuple 2\n"       /* count0 2 > 1: scheduled */
		 "expect collections 0 0 0\n"
		 "ref t i\n"
		 "alloc b list\n"          /* still scheduled, still waiting */
		 "expect collections 0 0 0\n"
		 "expect count 3 0 0\n"
		 "alloc j int 1001\n"
		 "expect collections 0 0 0\n"
		 "ref t j\n"               /* filled: the safe point */
		 "expect collections 1 0 0\n"
		 "expect count 0 1 0\n"
		 "expect untracked t\n"
		 "expect gen a 1\n"
		 "expect gen b 1\n");
	assert_true(only_collection(t)->deferred);
	th_close(t);
}

/* The construction also ends when the tuple dies unfilled. */
static void a_tuple_freed_before_it_is_filled_lets_the_collection_run(void **state)
{
	(void)state;
	struct th *t = th_open("3.13");

	TH_OK(t, "gc threshold 1\n"
		 "alloc a list\n"
		 "alloc i int 1000\n"
		 "alloc t tuple 3\n"
		 "ref t i\n"
		 "alloc u tuple 1\n"       /* two under construction */
		 "del t\n"                 /* u still is */
		 "expect collections 0 0 0\n"
		 "expect count 3 0 0\n"   /* t went to its free list */
		 "ref u i\n"
		 "expect collections 1 0 0\n"
		 "expect untracked u\n"
		 "alloc v tuple 2\n"
		 "alloc w tuple 2\n"       /* count0 2 > 1 */
		 "expect collections 1 0 0\n"
		 "del v\n"
		 "del w\n"                 /* the last one gone: runs here */
		 "expect collections 2 0 0\n");
	th_close(t);
}

/*
 * An explicit collect while a tuple is being filled is the C code calling
 * the collector: it runs at once and sees the tuple unfilled, which it
 * cannot untrack; the scheduled collection still waits for the fill.  In
 * 3.11 the automatic collection runs inside the allocation, as always.
 */
static void a_collect_inside_the_construction_runs_at_once(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc i int 1000\n"
		 "alloc t tuple 2\n"
		 "ref t i\n"
		 "collect 0\n"
		 "expect collections 1 0 0\n"
		 "expect gen t 1\n"
		 "gc threshold 0\n"
		 "alloc a list\n"
		 "gc threshold 1\n"
		 "alloc b list\n"          /* count0 2 > 1: scheduled */
		 "expect collections 1 0 0\n"
		 "ref t i\n"
		 "expect collections 2 0 0\n"
		 "expect gen t 1\n"        /* gen 1 was not collected */
		 "expect gen a 1\n");
	th_close(t);
	t = th_open("3.11");
	TH_OK(t, "gc threshold 2\n"
		 "alloc a list\n"
		 "alloc t tuple 2\n"
		 "alloc b list\n"          /* count0 3 > 2: collects now */
		 "expect collections 1 0 0\n"
		 "expect gen t 1\n"
		 "expect gen b 0\n");
	th_close(t);
}

/* Non-GC allocations and free-list reuse do not bring a collection on. */
static void only_counted_allocations_bring_the_collection_nearer(void **state)
{
	(void)state;
	struct th *t = th_open("3.11");
	struct tb b = { 0 };

	make_lists(t, "p", 0, 700);
	for (int i = 0; i < 50; i++)
		tb_add(&b, "alloc f%d float 1.5\nalloc i%d int 100000\n", i, i);
	tb_add(&b, "del p0\n"           /* to the list free list */
		   "alloc q list\n"     /* and back: no count */
		   "expect count 700 0 0\n"
		   "expect collections 0 0 0\n");
	int rc = th_run(t, b.p);
	tb_free(&b);
	TH_RC_OK(t, rc);
	TH_OK(t, "alloc r dict\n"       /* untracked, but counted */
		 "expect collections 1 0 0\n"
		 "expect count 0 1 0\n"
		 "expect untracked r\n");
	assert_int_equal(only_collection(t)->examined, 700);
	th_close(t);
}

/* rules 2.3: count[g+1] += 1, counts 0..g reset. */
static void a_collection_bumps_the_next_count_and_resets_its_own(void **state)
{
	(void)state;
	const char *const profiles[] = { "3.12", "3.11" };

	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(profiles[p]);

		TH_OK(t, "alloc a list\n"
			 "alloc b list\n"
			 "alloc c dict\n"
			 "expect count 3 0 0\n"
			 "collect 0\n"
			 "expect count 0 1 0\n"
			 "alloc d list\n"
			 "expect count 1 1 0\n"
			 "collect 0\n"
			 "expect count 0 2 0\n"
			 "collect 1\n"
			 "expect count 0 0 1\n"
			 "collect 0\n"       /* rules 11: (0,0,1) -> (0,1,1) */
			 "expect count 0 1 1\n"
			 "alloc e list\n"
			 "alloc f list\n"
			 "expect count 2 1 1\n"
			 "collect 1\n"
			 "expect count 0 0 2\n"
			 "alloc g set\n"
			 "collect 2\n"
			 "expect count 0 0 0\n"
			 "expect collections 3 2 1\n");
		struct sim_genstats st[3];
		sim_get_stats(t->s, st);
		assert_int_equal(st[0].collections, 3);
		assert_int_equal(st[1].collections, 2);
		assert_int_equal(st[2].collections, 1);
		assert_int_equal(t->st.stats[2].collections, 1);
		th_close(t);
	}
}

static void survivors_move_to_the_next_generation(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n"
		 "alloc b list\n"
		 "expect gen a 0\n"
		 "collect 0\n"
		 "expect gen a 1\n"
		 "expect gen b 1\n"
		 "alloc c list\n");
	assert_int_equal(t->st.gen_sizes[0], 1);
	assert_int_equal(t->st.gen_sizes[1], 2);
	assert_int_equal(t->st.gen_sizes[2], 0);
	TH_OK(t, "collect 1\n"
		 "expect gen a 2\n"
		 "expect gen c 2\n");
	assert_int_equal(t->st.gen_sizes[0], 0);
	assert_int_equal(t->st.gen_sizes[1], 0);
	assert_int_equal(t->st.gen_sizes[2], 3);
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->examined, 3);
	assert_int_equal(c->survivors_to, 2);
	TH_OK(t, "alloc d list\n"
		 "collect 2\n"
		 "expect gen a 2\n"
		 "expect gen d 2\n");
	assert_int_equal(t->st.gen_sizes[2], 4);
	c = only_collection(t);
	assert_int_equal(c->examined, 4);
	assert_int_equal(c->survivors_to, 2);
	assert_int_equal(t->st.permanent, 0);
	th_close(t);
}

/* With thresholds (1, 10, 10) every second allocation collects gen 0,
 * until count1 > 10 makes it gen 1 (rules 3). */
static void gen1_is_collected_when_count1_exceeds_its_threshold(void **state)
{
	(void)state;
	const char *const profiles[] = { "3.12", "3.11" };

	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(profiles[p]);

		TH_OK(t, "gc threshold 1 10 10\n");
		assert_int_equal(t->st.threshold[0], 1);
		make_lists(t, "p", 0, 22);
		TH_OK(t, "expect collections 11 0 0\n"
			 "expect count 0 11 0\n"
			 "alloc q list\n"
			 "expect count 1 11 0\n"
			 "alloc r list\n"
			 "expect collections 11 1 0\n"
			 "expect count 0 0 1\n");
		const struct sim_collection *c = only_collection(t);
		assert_int_equal(c->gen, 1);
		assert_int_equal(c->count_before[0], 2);
		assert_int_equal(c->count_before[1], 11);
		assert_int_equal(c->gen2_skipped, 0);
		assert_int_equal(c->survivors_to, 2);
		th_close(t);
	}
}

/*
 * rules 3: with thresholds (1, 1, 1) after a full collection of 100
 * lists (long_lived_total = 100), every second allocation brings a
 * collection, every third of those is a gen-1 one, and gen 2 is over its
 * threshold from the 14th new list on: it is skipped while
 * long_lived_pending < 100 / 4, each gen-1 collection adding its
 * survivors to pending, and the 32nd new list brings the full collection.
 *   3.11 (collect inside the allocation, the new list not included):
 *     pending after the gen-1 collections at y6, y12, y18, y24, y30:
 *     5, 11, 17, 23, 29; the full collection examines 100 + 31.
 *   3.12 (collect at the step's end, the new list included):
 *     6, 12, 18, 24, 30; the full collection examines 100 + 32.
 */
static void run_brake(const char *python, int64_t pend12, int64_t pend18,
		      int64_t pend30, uint64_t full_examined)
{
	struct th *t = th_open(python);

	make_lists(t, "b", 0, 100);
	TH_OK(t, "collect\n"
		 "gc threshold 1 1 1\n"
		 "expect count 0 0 0\n");
	make_lists(t, "y", 1, 14);
	TH_OK(t, "expect count 1 0 2\n"
		 "expect collections 4 2 1\n");

	/* y14: gen 2 braked, gen 1 not over: a gen-0 collection */
	TH_OK(t, "alloc y14 list\n"
		 "expect count 0 1 2\n");
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->gen, 0);
	assert_int_equal(c->trigger, SIM_TRIGGER_THRESHOLD);
	assert_int_equal(c->gen2_skipped, 1);
	assert_int_equal(c->count_before[0], 2);
	assert_int_equal(c->count_before[1], 0);
	assert_int_equal(c->count_before[2], 2);
	assert_int_equal(c->pending_before, pend12);
	assert_int_equal(c->total_before, 100);
	assert_int_equal(c->pending_after, pend12); /* gen 0: unchanged */
	assert_int_equal(c->total_after, 100);

	/* y18: braked again, and gen 1 is over: a gen-1 collection */
	make_lists(t, "y", 15, 18);
	TH_OK(t, "alloc y18 list\n"
		 "expect count 0 0 3\n");
	c = only_collection(t);
	assert_int_equal(c->gen, 1);
	assert_int_equal(c->gen2_skipped, 1);
	assert_int_equal(c->count_before[1], 2);
	assert_int_equal(c->count_before[2], 2);
	assert_int_equal(c->pending_before, pend12);
	assert_int_equal(c->pending_after, pend18);
	assert_int_equal(c->total_after, 100);
	assert_int_equal(c->survivors_to, 2);

	/* y32: pending has reached a quarter: the full collection */
	make_lists(t, "y", 19, 32);
	TH_OK(t, "expect count 1 0 5\n"
		 "expect collections 10 5 1\n");
	TH_OK(t, "alloc y32 list\n"
		 "expect count 0 0 0\n"
		 "expect collections 10 5 2\n");
	c = only_collection(t);
	assert_int_equal(c->gen, 2);
	assert_int_equal(c->trigger, SIM_TRIGGER_THRESHOLD);
	assert_int_equal(c->gen2_skipped, 0);
	assert_int_equal(c->count_before[2], 5);
	assert_int_equal(c->pending_before, pend30);
	assert_int_equal(c->total_before, 100);
	assert_int_equal(c->examined, full_examined);
	assert_int_equal(c->pending_after, 0);
	assert_int_equal(c->total_after, full_examined);
	assert_true(c->freelists_cleared);
	th_close(t);
}

static void the_long_lived_brake_skips_gen2_until_a_quarter_is_pending(void **state)
{
	(void)state;
	run_brake("3.11", 11, 17, 29, 131);
	run_brake("3.12", 12, 18, 30, 132);
}

/* rules 3: the brake applies to automatic collections only. */
static void an_explicit_full_collection_ignores_the_brake(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	make_lists(t, "b", 0, 100);
	TH_OK(t, "collect\n"
		 "collect 2\n"
		 "expect collections 0 0 2\n");
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->gen, 2);
	assert_int_equal(c->trigger, SIM_TRIGGER_EXPLICIT);
	assert_int_equal(c->gen2_skipped, 0);
	assert_int_equal(c->pending_before, 0);
	assert_int_equal(c->total_before, 100);
	th_close(t);
}

/* ---- untracking (rules 4 step 7 and 8, 5.1) ---- */

static void a_gen0_collection_untracks_a_tuple_of_atoms(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc i int 100000\n"
		 "alloc s str \"a b\"\n"
		 "alloc n none\n"
		 "alloc l list\n"
		 "alloc t tuple 3\n"
		 "ref t i\n"
		 "ref t s\n"
		 "ref t n\n"
		 "alloc u tuple 2\n"       /* holds a list: stays */
		 "ref u i\n"
		 "ref u l\n"
		 "alloc v tuple 2\n"       /* not filled: stays */
		 "ref v i\n"
		 "expect tracked t\n"
		 "collect 0\n"
		 "expect untracked t\n"
		 "expect tracked u\n"
		 "expect gen u 1\n"
		 "expect tracked v\n"
		 "expect alive t\n"
		 "expect refcnt t 1\n");
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->examined, 4);
	assert_int_equal(c->untracked_tuples, 1);
	assert_int_equal(c->survivors, 3);
	assert_int_equal(t->st.gen_sizes[1], 3);
	th_close(t);
}

/* An inner tuple ahead of its outer one in the list: both in one pass. */
static void nested_tuples_are_untracked_in_one_pass_inner_first(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc i int 100000\n"
		 "alloc in tuple 2\n"
		 "ref in i\n"
		 "ref in i\n"
		 "alloc out tuple 2\n"
		 "ref out in\n"
		 "ref out i\n"
		 "collect 0\n"
		 "expect untracked in\n"
		 "expect untracked out\n");
	assert_int_equal(only_collection(t)->untracked_tuples, 2);
	th_close(t);
}

/* The outer tuple first: it still sees a tracked inner tuple. */
static void an_outer_tuple_seen_first_waits_for_the_next_pass(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc i int 100000\n"
		 "alloc out tuple 1\n"
		 "alloc in tuple 1\n"
		 "ref in i\n"
		 "ref out in\n"
		 "collect 0\n"
		 "expect untracked in\n"
		 "expect tracked out\n"
		 "expect gen out 1\n");
	assert_int_equal(only_collection(t)->untracked_tuples, 1);
	TH_OK(t, "collect 1\n"
		 "expect untracked out\n");
	assert_int_equal(only_collection(t)->untracked_tuples, 1);
	th_close(t);
}

/*
 * rules 4 step 6: move_unreachable moves an object with gc_refs 0 out and
 * back to the tail when a later object reaches it, so the inner tuple
 * (allocated first, held only by the outer one) ends up after the outer
 * one, and untrack_tuples sees the outer one while the inner is tracked.
 */
static void move_unreachable_reorders_an_inner_tuple_behind_its_holder(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc i int 100000\n"
		 "alloc in tuple 1\n"
		 "ref in i\n"
		 "alloc out tuple 1\n"
		 "ref out in\n"
		 "del in\n"
		 "collect 0\n"
		 "expect alive in\n"
		 "expect untracked in\n"
		 "expect tracked out\n");
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->untracked_tuples, 1);
	assert_int_equal(c->unreachable, 0);
	assert_int_equal(c->collected, 0);
	th_close(t);
}

static void dicts_are_untracked_by_full_collections_only(void **state)
{
	(void)state;
	const char *const profiles[] = { "3.12", "3.11" };

	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(profiles[p]);

		TH_OK(t, "alloc d dict\n"
			 "alloc i int 100000\n"
			 "ref d i\n"
			 "expect untracked d\n"
			 "alloc l list\n"
			 "ref d l\n"
			 "expect tracked d\n");
		assert_true(th_has_effect(t, SIM_FX_TRACKED, SIM_T_DICT));
		/* rules 5.1: emptying does not untrack */
		TH_OK(t, "unref d l\n"
			 "expect tracked d\n"
			 "collect 0\n"
			 "expect tracked d\n"
			 "collect 1\n"
			 "expect tracked d\n"
			 "expect gen d 2\n");
		assert_int_equal(only_collection(t)->untracked_dicts, 0);
		TH_OK(t, "alloc e dict\n"     /* holds a list: stays */
			 "ref e l\n"
			 "alloc tu tuple 1\n"  /* holds a tuple of atoms */
			 "ref tu i\n"
			 "alloc f dict\n"
			 "ref f tu\n"
			 "expect tracked f\n"
			 "collect 2\n"
			 "expect untracked d\n"
			 "expect untracked tu\n"
			 "expect untracked f\n"
			 "expect tracked e\n");
		const struct sim_collection *c = only_collection(t);
		assert_int_equal(c->untracked_dicts, 2);
		assert_int_equal(c->untracked_tuples, 1);
		/* survivors after untracking: l and e */
		assert_int_equal(c->survivors, 2);
		assert_int_equal(c->total_after, 2);
		th_close(t);
	}
}

/* 3.14 (GH-127010): new_dict tracks, and no collection untracks. */
static void dicts_are_tracked_at_creation_from_314(void **state)
{
	(void)state;
	struct th *t = th_open("3.14");

	TH_OK(t, "alloc d dict\n"
		 "expect tracked d\n"
		 "expect gen d 0\n"
		 "alloc i int 100000\n"
		 "ref d i\n"
		 "alloc o object\n"
		 "ref o i\n");
	assert_false(th_has_effect(t, SIM_FX_TRACKED, SIM_T_DICT));
	TH_OK(t, "collect 2\n"
		 "expect tracked d\n"
		 "expect gen d 2\n");
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->untracked_dicts, 0);
	assert_int_equal(c->survivors, 2); /* d and o */
	assert_int_equal(c->total_after, 2);
	th_close(t);
}

/* ---- free lists (rules 6.4) ---- */

static void only_full_collections_empty_the_free_lists(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n"
		 "alloc b list\n"
		 "alloc d dict\n"
		 "alloc f float 1.5\n"
		 "alloc t tuple 1\n"
		 "alloc u tuple 20\n"
		 "del a\n"
		 "del b\n"
		 "del d\n"
		 "del f\n"
		 "del t\n"
		 "del u\n"
		 "expect freelist list 2\n"
		 "expect freelist dict 1\n"
		 "expect freelist float 1\n"
		 "expect freelist tuple:1 1\n"
		 "expect freelist tuple:20 1\n"
		 "collect 0\n"
		 "collect 1\n"
		 "expect freelist list 2\n"
		 "expect freelist dict 1\n"
		 "expect freelist float 1\n"
		 "expect freelist tuple:1 1\n");
	assert_false(only_collection(t)->freelists_cleared);
	TH_OK(t, "collect 2\n"
		 "expect freelist list 0\n"
		 "expect freelist dict 0\n"
		 "expect freelist float 0\n"
		 "expect freelist tuple:1 0\n"
		 "expect freelist tuple:20 0\n");
	assert_true(only_collection(t)->freelists_cleared);
	assert_int_equal(t->st.freelist.list, 0);
	for (int k = 0; k < SIM_TUPLE_FREELISTS; k++)
		assert_int_equal(t->st.freelist.tuple[k], 0);
	/* now the next list comes from the allocator and counts */
	TH_OK(t, "alloc c list\n"
		 "expect count 1 0 0\n");
	th_close(t);
}

/* ---- gc.enable / gc.disable / thresholds (rules 2.5, 2.6) ---- */

static void collect_ignores_gc_disable(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "gc disable\n"
		 "alloc a list\n"
		 "ref a a\n"
		 "del a\n"
		 "expect alive a\n"
		 "collect\n"
		 "expect freed a\n"
		 "expect collected 1\n"
		 "collect 0\n"
		 "expect collections 1 0 1\n");
	th_close(t);
}

static void no_automatic_collection_while_gc_is_disabled(void **state)
{
	(void)state;
	const char *const profiles[] = { "3.12", "3.11" };

	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(profiles[p]);

		TH_OK(t, "gc disable\n");
		make_lists(t, "p", 0, 800);
		TH_OK(t, "expect count 800 0 0\n"
			 "expect collections 0 0 0\n"
			 "gc enable\n"
			 "expect collections 0 0 0\n");
		assert_no_collection(t);
		TH_OK(t, "alloc x list\n"
			 "expect collections 1 0 0\n"
			 "expect count 0 1 0\n");
		assert_int_equal(only_collection(t)->examined, p == 0 ? 801 : 800);
		th_close(t);
	}
}

static void no_automatic_collection_when_threshold0_is_zero(void **state)
{
	(void)state;
	const char *const profiles[] = { "3.12", "3.11" };

	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(profiles[p]);

		TH_OK(t, "gc threshold 0\n");
		assert_int_equal(t->st.threshold[0], 0);
		assert_int_equal(t->st.threshold[1], 10);
		make_lists(t, "p", 0, 1500);
		TH_OK(t, "expect count 1500 0 0\n"
			 "expect collections 0 0 0\n");
		/* back to 700: the next allocation goes over */
		TH_OK(t, "gc threshold 700\n"
			 "expect collections 0 0 0\n"
			 "alloc x list\n"
			 "expect collections 1 0 0\n");
		th_close(t);
	}
}

/* ---- freeze (rules 2.3, 4.3) ---- */

static void freeze_moves_everything_to_the_permanent_generation(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n"
		 "collect 1\n"
		 "alloc b list\n"
		 "collect 0\n"
		 "alloc c list\n"
		 "alloc cyc list\n"
		 "ref cyc cyc\n"
		 "del cyc\n"
		 "expect gen a 2\n"
		 "expect gen b 1\n"
		 "expect gen c 0\n"
		 "expect count 2 1 1\n"
		 "gc freeze\n"
		 "expect count 0 0 0\n"
		 "expect tracked a\n");
	assert_int_equal(t->st.gen_sizes[0], 0);
	assert_int_equal(t->st.gen_sizes[1], 0);
	assert_int_equal(t->st.gen_sizes[2], 0);
	assert_int_equal(t->st.permanent, 4);
	char msg[512];
	assert_int_equal(th_expect(t, "expect gen a 2\n", msg, sizeof(msg)), 0);
	/* A collection does not look at the permanent generation. */
	TH_OK(t, "collect\n"
		 "expect alive cyc\n"
		 "expect collected 0\n");
	assert_int_equal(only_collection(t)->examined, 0);
	assert_int_equal(t->st.permanent, 4);
	TH_OK(t, "alloc d list\n"
		 "expect count 1 0 0\n"
		 "gc unfreeze\n"
		 "expect count 1 0 0\n"
		 "expect gen a 2\n"
		 "expect gen c 2\n"
		 "expect gen d 0\n");
	assert_int_equal(t->st.permanent, 0);
	assert_int_equal(t->st.gen_sizes[2], 4);
	assert_int_equal(t->st.gen_sizes[0], 1);
	TH_OK(t, "collect\n"
		 "expect freed cyc\n"
		 "expect collected 1\n");
	th_close(t);
}

/* ---- --stress ---- */

static void stress_collects_everything_after_every_event(void **state)
{
	(void)state;
	struct sim_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.python = "3.12";
	cfg.stress = 1;
	struct th *t = th_open_cfg(&cfg);

	TH_OK(t, "alloc a list\n");
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->gen, 2);
	assert_int_equal(c->trigger, SIM_TRIGGER_STRESS);
	assert_int_equal(c->examined, 1);
	TH_OK(t, "expect gen a 2\n"
		 "expect count 0 0 0\n"
		 "expect collections 0 0 1\n"
		 "alloc b list\n"
		 "ref b b\n"
		 "expect collections 0 0 3\n"
		 "del b\n"
		 "expect freed b\n"
		 "expect collected 1\n"
		 "del a\n"
		 "expect freed a\n"
		 "expect freelist list 0\n"   /* pushed, then cleared */
		 "expect collections 0 0 5\n");
	assert_int_equal(t->st.nfreed, 1);
	c = only_collection(t);
	assert_true(c->freelists_cleared);
	/* An explicit collection plus the stress one: two in the step. */
	TH_OK(t, "collect 0\n");
	assert_int_equal(t->st.ncollections, 2);
	assert_int_equal(t->st.collections[0].trigger, SIM_TRIGGER_EXPLICIT);
	assert_int_equal(t->st.collections[0].gen, 0);
	assert_int_equal(t->st.collections[1].trigger, SIM_TRIGGER_STRESS);
	th_close(t);
}

/* ---- collecting what cannot be cleared (rules 4 step 14) ---- */

/*
 * Tuples have no tp_clear: a tuple that holds itself is unreachable, is
 * counted in "collected", and survives into the next generation.
 */
static void a_tuple_holding_itself_survives_but_counts_as_collected(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc t tuple 1\n"
		 "ref t t\n"
		 "del t\n"
		 "expect refcnt t 1\n"
		 "collect 0\n"
		 "expect collected 1\n"
		 "expect alive t\n"
		 "expect refcnt t 1\n"
		 "expect tracked t\n"
		 "expect gen t 1\n");
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->unreachable, 1);
	assert_int_equal(c->collected, 1);
	assert_int_equal(c->freed, 0);
	assert_int_equal(t->st.nfreed, 0);
	TH_OK(t, "collect\n"
		 "expect collected 1\n"
		 "expect alive t\n"
		 "expect gen t 2\n");
	assert_int_equal(t->st.stats[0].collected, 1);
	assert_int_equal(t->st.stats[2].collected, 1);
	th_close(t);
}

/* A cycle of several lists, held by nothing: all collected, all freed. */
static void a_collection_frees_every_list_of_an_unreachable_cycle(void **state)
{
	(void)state;
	struct th *t = th_open("3.11");
	struct sim_totals tot;

	TH_OK(t, "alloc a list\n"
		 "alloc b list\n"
		 "alloc c dict\n"
		 "alloc keep list\n"
		 "ref a b\n"
		 "ref b c\n"
		 "ref c a\n"
		 "ref c keep\n"
		 "del a\n"
		 "del b\n"
		 "del c\n"
		 "collect 0\n"
		 "expect freed a\n"
		 "expect freed b\n"
		 "expect freed c\n"
		 "expect alive keep\n"
		 "expect refcnt keep 1\n"
		 "expect collected 3\n"
		 "expect gen keep 1\n");
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->examined, 4);
	assert_int_equal(c->unreachable, 3);
	assert_int_equal(c->freed, 3);
	assert_int_equal(c->survivors, 1);
	assert_int_equal(t->st.nfreed, 3);
	sim_get_totals(t->s, &tot);
	assert_int_equal(tot.freed_gc, 3);
	assert_int_equal(tot.examined, 4);
	th_close(t);
}

/* ---- settings lines (#:) ---- */

static void a_threshold_setting_applies_before_the_first_event_only(void **state)
{
	(void)state;
	struct th *t = th_open("3.11");

	TH_OK(t, "#: python 3.11\n"
		 "#: threshold 5 6 7\n"
		 "alloc a list\n");
	assert_int_equal(t->st.threshold[0], 5);
	assert_int_equal(t->st.threshold[1], 6);
	assert_int_equal(t->st.threshold[2], 7);
	make_lists(t, "p", 0, 5);
	TH_OK(t, "expect collections 1 0 0\n");
	TH_ERR(t, "\n#: threshold 1\n", 2, 1,
	       "settings must come before the first event");
	TH_OK(t, "alloc q list\n");
	assert_int_equal(t->st.threshold[0], 5);
	th_close(t);
}

static void a_python_setting_must_name_the_simulators_profile(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_ERR(t, "#: python 3.11\n", 1, 1,
	       "the trace is for python 3.11, the simulator runs 3.12");
	TH_OK(t, "#: python 3.12\n"
		 "alloc a list\n");
	assert_string_equal(sim_get_profile(t->s)->name, "3.12");
	th_close(t);
	t = th_open(NULL);
	assert_string_equal(sim_get_profile(t->s)->name, "3.12");
	th_close(t);
}

/* ---- the incremental collector, 3.14.0-3.14.4 (rules 7.1, measured 3.1-3.5) ---- */

/*
 * 3.14.2: the count follows tracking: +1 per object tracked, -1 per one
 * untracked, freed ones included (even into a free list), floored at 0;
 * heap_size follows it without the floor.
 */
static void the_count_follows_tracking_in_3_14_2(void **state)
{
	(void)state;
	struct th *t = th_open("3.14.2");

	TH_OK(t, "alloc a list\n"
		 "alloc d dict\n"
		 "expect tracked d\n"
		 "expect count 2 0 0\n"
		 "del a\n"
		 "expect count 1 0 0\n"
		 "expect freelist list 1\n"
		 "alloc b list\n"
		 "expect count 2 0 0\n");
	assert_true(t->st.has_inc);
	assert_int_equal(t->st.inc.heap_size, 2);
	TH_OK(t, "collect 0\n"
		 "del b\n"
		 "del d\n"
		 "expect count 0 1 0\n");
	assert_int_equal(t->st.inc.heap_size, 0);
	th_close(t);
}

/* 3.14.0 counts allocations: a reused list does not count (rules 2.1). */
static void the_count_follows_allocation_in_3_14_0(void **state)
{
	(void)state;
	struct th *t = th_open("3.14.0");

	TH_OK(t, "alloc a list\n"
		 "del a\n"
		 "expect count 1 0 0\n"
		 "alloc b list\n"
		 "expect count 1 0 0\n");
	assert_int_equal(t->st.inc.heap_size, 1);
	th_close(t);
}

/*
 * The first automatic collection after a completed scavenge marks only;
 * the next takes young as an increment: work_to_do = new objects plus
 * min(heap_size / 10 / max(T1, 2), 2 * new), integer division (measured
 * e1: 2001 + 2001/100 = 2021).
 */
static void the_first_increment_of_a_scavenge_only_marks(void **state)
{
	(void)state;
	struct th *t = th_open("3.14.2");

	make_lists(t, "p", 0, 2001);
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->gen, 1);
	assert_true(c->mark_only);
	assert_int_equal(t->st.inc.work_to_do, 2021);
	assert_int_equal(t->st.inc.phase, 1);
	TH_OK(t, "expect collections 0 0 0\n"
		 "expect count 0 0 0\n"
		 "expect gen p0 0\n");
	make_lists(t, "q", 0, 2001);
	c = only_collection(t);
	assert_false(c->mark_only);
	assert_int_equal(c->examined, 4002);
	assert_true(c->completed_scavenge);
	/* 2021 + 2001 + min(4002 / 100, 4002) = 4062, less the 4002 taken */
	assert_int_equal(c->work_before, 4062);
	assert_int_equal(t->st.inc.work_to_do, 0); /* completed: reset */
	assert_int_equal(t->st.inc.visited_space, 1);
	TH_OK(t, "expect collections 0 1 0\n"
		 "expect gen p0 2\n");
	th_close(t);
}

/*
 * With work_to_do negative an automatic collection returns before it
 * untracks tuples and is not counted (3.14.2); 3.14.0 has no such return.
 */
static void negative_work_returns_before_untracking_tuples(void **state)
{
	(void)state;
	struct th *t = th_open("3.14.2");

	TH_OK(t, "gc disable\n"
		 "alloc big list\n"
		 "alloc k0 list\n" "ref big k0\n" "del k0\n"
		 "alloc k1 list\n" "ref big k1\n" "del k1\n"
		 "alloc k2 list\n" "ref big k2\n" "del k2\n"
		 "alloc k3 list\n" "ref big k3\n" "del k3\n"
		 "alloc z list\n"
		 "collect\n"            /* all six pending after the swap */
		 "collect 1\n"          /* marks */
		 "alloc t tuple 1\n" "alloc i int 5000\n" "ref t i\n" "del i\n"
		 "collect 1\n");        /* 1 + 0 = 1 > young 0: big, k0-k3; z stays */
	const struct sim_collection *c = only_collection(t);
	assert_int_equal(c->examined, 5);
	assert_int_equal(t->st.inc.work_to_do, -4);
	TH_OK(t, "expect untracked t\n"
		 "alloc u tuple 1\n" "alloc j int 5001\n" "ref u j\n" "del j\n"
		 "collect 1\n"
		 "expect tracked u\n"
		 "expect collections 0 1 1\n");
	assert_true(only_collection(t)->inc_skipped);
	th_close(t);
}

/* gc.get_count() and the generations follow visited_space (rules 7.1). */
static void a_completed_scavenge_swaps_generations_1_and_2(void **state)
{
	(void)state;
	struct th *t = th_open("3.14.2");

	TH_OK(t, "alloc x list\n"
		 "collect 0\n"
		 "expect gen x 1\n"
		 "expect count 0 1 0\n"
		 "collect 1\n"
		 "collect 1\n"
		 "expect gen x 2\n"
		 "expect count 0 0 1\n");
	assert_int_equal(t->st.gen_sizes[2], 1);
	th_close(t);
}

/* --python takes a release: 3.14.1-3.14.4 are the 3.14.2 profile. */
static void releases_pick_the_3_14_variant(void **state)
{
	(void)state;
	assert_string_equal(sim_profile_find("3.14.0")->name, "3.14.0");
	assert_string_equal(sim_profile_find("3.14.1")->name, "3.14.2");
	assert_string_equal(sim_profile_find("3.14.3")->name, "3.14.2");
	assert_string_equal(sim_profile_find("3.14.4")->name, "3.14.2");
	assert_string_equal(sim_profile_find("3.14.5")->name, "3.14");
	assert_string_equal(sim_profile_find("3.14")->name, "3.14");
	assert_null(sim_profile_find("3.14.00"));
}

/*
 * Issue 12: a finalizer's body that allocates can start a collection
 * (3.8 and 3.11 collect inside the allocation).  Here 3.8's first
 * attribute of a makes its __dict__, with count0 over threshold0, while
 * b and c, dropped by the same list, wait to be freed: they are no longer
 * tracked (CPython has freed them already), so the collection never sees
 * them, and every object is freed once (the heap check after each step).
 */
static void a_collection_inside_a_finalizer_skips_objects_being_freed(void **state)
{
	(void)state;
	struct th *t = th_open("3.8");

	TH_OK(t, "gc threshold 1000\n"
		 "alloc y list\n"
		 "alloc L list\n"
		 "alloc a delobj\n"
		 "on a ref self y\n"
		 "alloc b delobj\n"
		 "alloc c delobj\n"
		 "ref L a\n"
		 "ref L b\n"
		 "ref L c\n"
		 "del a\n"
		 "del b\n"
		 "del c\n"
		 "gc threshold 1\n"
		 "del L\n"
		 "expect collections 1 0 0\n"
		 "expect called a 1\n"
		 "expect called b 1\n"
		 "expect called c 1\n"
		 "expect freed a\n"
		 "expect freed b\n"
		 "expect freed c\n"
		 "expect freed L\n"
		 "expect refcnt y 1\n");
	th_close(t);
}

/*
 * Issue 12: with DEBUG_SAVEALL handle_legacy_finalizers saves every object
 * of the uncollectable set, not only those with a tp_del; none is counted
 * as collected.  Measured (3.11.7, 3.12.1, 3.13.0, 3.14.7: gc.garbage
 * [L, list], collected 0, uncollectable 2; 3.8.18 adds L's __dict__).
 */
static void saveall_saves_the_whole_uncollectable_set(void **state)
{
	(void)state;
	static const char *const versions[] = { "3.8", "3.12", "3.14" };

	for (int i = 0; i < 3; i++) {
		struct th *t = th_open(versions[i]);

		TH_OKF(t, "gc saveall 1\n"
			  "alloc a legacyobj\n"
			  "alloc b list\n"
			  "ref b a\n"
			  "ref a b\n"
			  "del a\n"
			  "del b\n"
			  "collect\n"
			  "expect garbage %d\n"
			  "expect uncollectable %d\n"
			  "expect collected 0\n"
			  "expect called a 0\n"
			  "gc saveall 0\n"
			  "gc cleargarbage\n"
			  "expect alive a\n",
		       i == 0 ? 3 : 2, i == 0 ? 3 : 2);
		th_close(t);
	}
}

/*
 * Issue 12: a __del__ that frees its own cycle's other half during
 * finalize_garbage (del self.a0): b dies by refcount, its own __del__
 * running from its dealloc, and a with it; nothing is left for
 * delete_garbage, so the collection counts 0.  Measured: __del__ order
 * a, b, collected 0, uncollectable 0 in 3.8.18, 3.11.7, 3.12.1, 3.13.0,
 * 3.14.7.
 */
static void a_finalizer_that_breaks_its_cycle_leaves_nothing_to_collect(void **state)
{
	(void)state;
	static const char *const versions[] = { "3.8", "3.11", "3.12", "3.13",
						"3.14", "3.14.2" };

	for (int i = 0; i < 6; i++) {
		struct th *t = th_open(versions[i]);

		TH_OK(t, "alloc a delobj\n"
			 "alloc b delobj\n"
			 "ref a b\n"
			 "ref b a\n"
			 "on a unref self b\n"
			 "del a\n"
			 "del b\n"
			 "collect\n"
			 "expect called a 1\n"
			 "expect called b 1\n"
			 "expect freed a\n"
			 "expect freed b\n"
			 "expect collected 0\n"
			 "expect uncollectable 0\n");
		th_close(t);
	}
}

/*
 * Issue 12: subtype_dealloc untracks the object, re-tracks it for the
 * finalizer's call and, resurrected, leaves it tracked.  Up to 3.13 and in
 * 3.14.5+ tracking does not count, so a resurrection leaves count0 as it
 * was (measured: 3.8.18, 3.11.7, 3.12.1, 3.13.0, 3.14.7, where a plain
 * __del__ frees the object and takes 1 off).  3.14.1-3.14.4 count on
 * tracking: the untrack finds count0 at 0 (the floor), the re-track adds 1
 * (Include/internal/pycore_gc.h of 3.14.2; from the source, no 3.14.2
 * interpreter here).
 */
static void resurrection_in_a_dealloc_and_the_count(void **state)
{
	(void)state;
	static const char *const versions[] = { "3.12", "3.14", "3.14.2" };

	for (int i = 0; i < 3; i++) {
		struct th *t = th_open(versions[i]);

		TH_OKF(t, "alloc d delobj\n"
			  "on d bind saved self\n"
			  "alloc x list\n"
			  "ref d x\n"
			  "del x\n"
			  "collect\n"
			  "expect count 0 0 0\n"
			  "del d\n"
			  "expect alive d\n"
			  "expect count %d 0 0\n"
			  "expect gen d 0\n"
			  "del saved\n"
			  "expect freed d\n",
		       i == 2 ? 1 : 0);
		th_close(t);
	}
}

static void assert_freed_in_order(const struct th *t, const char *const *ids, uint32_t n)
{
	assert_int_equal(t->st.nfreed, n);
	for (uint32_t i = 0; i < n; i++)
		assert_string_equal(t->st.freed[i], ids[i]);
}

/*
 * Issue 12: deallocation frees (and finalizes) in CPython's order, each
 * object and what it holds before the next: a list's items from the last,
 * an instance's attributes from the first.  Measured (__del__ order in
 * 3.8.18, 3.12.1, 3.14.7): L = [a(a1, a2), b, c(c1)] gives c c1 b a a1 a2;
 * x(x1(x11), x2) gives x x1 x11 x2.
 */
static void deallocation_finalizes_in_cpythons_order(void **state)
{
	(void)state;
	static const char *const list_order[] = { "L", "c", "c1", "b", "a", "a1", "a2" };
	static const char *const attr_order[] = { "x", "x1", "x11", "x2" };
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc L list\n"
		 "alloc a delobj\nalloc a1 delobj\nalloc a2 delobj\n"
		 "ref a a1\nref a a2\n"
		 "alloc b delobj\nalloc c delobj\nalloc c1 delobj\nref c c1\n"
		 "ref L a\nref L b\nref L c\n"
		 "del a\ndel a1\ndel a2\ndel b\ndel c\ndel c1\n"
		 "del L\n");
	assert_freed_in_order(t, list_order, 7);
	TH_OK(t, "alloc x delobj\nalloc x1 delobj\nalloc x11 delobj\nalloc x2 delobj\n"
		 "ref x x1\nref x1 x11\nref x x2\n"
		 "del x1\ndel x11\ndel x2\n"
		 "del x\n");
	assert_freed_in_order(t, attr_order, 4);
	th_close(t);
}

/* Issue 12: a finalizer's body that names a dead ID fails its step. */
static void a_failing_finalizer_body_fails_the_step(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	int rc = th_run(t, "alloc g list\n"
			   "alloc d delobj\n"
			   "on d ref g self\n"
			   "del g\n"
			   "del d\n");
	assert_int_not_equal(rc, SIM_OK);
	assert_non_null(strstr(t->diag.msg,
			       "in the function of 'd' (its body from line 3, column 10): id 'g' is dead"));
	assert_int_equal(t->diag.line, 5);
	assert_int_equal(t->diag.col, 0); /* the body's column is not line 5's */
	th_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(gen0_is_collected_inside_the_701st_allocation_in_3_11),
		TH_TEST(a_collection_inside_a_finalizer_skips_objects_being_freed),
		TH_TEST(saveall_saves_the_whole_uncollectable_set),
		TH_TEST(a_finalizer_that_breaks_its_cycle_leaves_nothing_to_collect),
		TH_TEST(resurrection_in_a_dealloc_and_the_count),
		TH_TEST(a_failing_finalizer_body_fails_the_step),
		TH_TEST(deallocation_finalizes_in_cpythons_order),
		TH_TEST(gen0_is_collected_at_the_end_of_the_701st_allocation_in_3_12),
		TH_TEST(a_scheduled_collection_waits_until_the_tuple_is_filled),
		TH_TEST(explicit_safe_points_hold_a_scheduled_collection_in_3_12),
		TH_TEST(a_gcobj_cycle_is_collected_and_a_lone_one_freed_by_refcount),
		TH_TEST(a_tuple_freed_before_it_is_filled_lets_the_collection_run),
		TH_TEST(a_collect_inside_the_construction_runs_at_once),
		TH_TEST(only_counted_allocations_bring_the_collection_nearer),
		TH_TEST(a_collection_bumps_the_next_count_and_resets_its_own),
		TH_TEST(survivors_move_to_the_next_generation),
		TH_TEST(gen1_is_collected_when_count1_exceeds_its_threshold),
		TH_TEST(the_long_lived_brake_skips_gen2_until_a_quarter_is_pending),
		TH_TEST(an_explicit_full_collection_ignores_the_brake),
		TH_TEST(a_gen0_collection_untracks_a_tuple_of_atoms),
		TH_TEST(nested_tuples_are_untracked_in_one_pass_inner_first),
		TH_TEST(an_outer_tuple_seen_first_waits_for_the_next_pass),
		TH_TEST(move_unreachable_reorders_an_inner_tuple_behind_its_holder),
		TH_TEST(dicts_are_untracked_by_full_collections_only),
		TH_TEST(dicts_are_tracked_at_creation_from_314),
		TH_TEST(only_full_collections_empty_the_free_lists),
		TH_TEST(collect_ignores_gc_disable),
		TH_TEST(no_automatic_collection_while_gc_is_disabled),
		TH_TEST(no_automatic_collection_when_threshold0_is_zero),
		TH_TEST(freeze_moves_everything_to_the_permanent_generation),
		TH_TEST(stress_collects_everything_after_every_event),
		TH_TEST(a_tuple_holding_itself_survives_but_counts_as_collected),
		TH_TEST(a_collection_frees_every_list_of_an_unreachable_cycle),
		TH_TEST(a_threshold_setting_applies_before_the_first_event_only),
		TH_TEST(a_python_setting_must_name_the_simulators_profile),
		TH_TEST(the_count_follows_tracking_in_3_14_2),
		TH_TEST(the_count_follows_allocation_in_3_14_0),
		TH_TEST(the_first_increment_of_a_scavenge_only_marks),
		TH_TEST(negative_work_returns_before_untracking_tuples),
		TH_TEST(a_completed_scavenge_swaps_generations_1_and_2),
		cmocka_unit_test(releases_pick_the_3_14_variant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
