/*
 * test_heap.c - reference counts, the refchain, deallocation and the
 * validation of events (sim/heap.c, sim/replay.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "unit_helpers.h"

static int was_freed(const struct th *t, const char *id)
{
	for (uint32_t i = 0; i < t->st.nfreed; i++)
		if (strcmp(t->st.freed[i], id) == 0)
			return 1;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- reference counts ---- */

static void alloc_holds_one_root_reference_and_ref_id_adds_one(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n");
	assert_int_equal(t->st.refcnt, 1);
	assert_true(t->st.alive);
	TH_OK(t, "ref a\n"
		 "expect refcnt a 2\n");
	assert_int_equal(t->st.refcnt, 2);
	TH_OK(t, "del a\n"
		 "expect refcnt a 1\n"
		 "expect alive a\n");
	assert_int_equal(t->st.refcnt, 1);
	assert_int_equal(t->st.nfreed, 0);
	TH_OK(t, "del a\n"
		 "expect freed a\n");
	assert_false(t->st.alive);
	assert_int_equal(t->st.nfreed, 1);
	assert_string_equal(t->st.freed[0], "a");
	th_close(t);
}

static void containers_take_one_reference_per_ref(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc l list\n"
		 "alloc d dict\n"
		 "alloc o object\n"
		 "alloc x list\n"
		 "ref l x\n"
		 "expect refcnt x 2\n"
		 "ref l x\n"
		 "expect refcnt x 3\n"
		 "ref d x\n"
		 "expect refcnt x 4\n"
		 "ref o x\n"
		 "expect refcnt x 5\n");
	assert_int_equal(t->st.refcnt, 5);
	TH_OK(t, "unref l x\n"
		 "expect refcnt x 4\n"
		 "unref d x\n"
		 "expect refcnt x 3\n"
		 "unref o x\n"
		 "expect refcnt x 2\n"
		 "unref l x\n"
		 "expect refcnt x 1\n"
		 "del x\n"
		 "expect freed x\n");
	th_close(t);
}

static void a_list_unref_removes_one_occurrence_only(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc l list\n"
		 "alloc x float 1.5\n"
		 "ref l x\n"
		 "ref l x\n"
		 "ref l x\n"
		 "del x\n"
		 "unref l x\n"
		 "expect refcnt x 2\n"
		 "expect alive x\n"
		 "unref l x\n"
		 "unref l x\n"
		 "expect freed x\n");
	th_close(t);
}

/*
 * sim.h: every pointer in a struct sim_step is borrowed from the
 * simulator and stays valid until the next replay, so a caller may keep
 * the step while its reader moves on (and reuses its buffer).
 */
static void the_steps_subject_outlives_the_event_it_came_from(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");
	char id[8] = "a";

	TH_RC_OK(t, th_alloc(t, id, SIM_T_LIST));
	memcpy(id, "zz", 3); /* the reader's buffer, overwritten by the next line */
	assert_non_null(t->st.subject);
	assert_string_equal(t->st.subject, "a");
	th_close(t);
}

/* ---- deallocation ---- */

static void an_object_is_freed_when_its_refcount_reaches_zero(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n"
		 "alloc f float 2.5\n"
		 "alloc n int 100000\n"
		 "alloc s str \"not interned\"\n");
	assert_int_equal(t->st.live, 4);
	TH_OK(t, "del f\n");
	assert_int_equal(t->st.nfreed, 1);
	assert_string_equal(t->st.freed[0], "f");
	assert_int_equal(t->st.live, 3);
	TH_OK(t, "del n\n");
	assert_true(was_freed(t, "n"));
	TH_OK(t, "del s\n");
	assert_true(was_freed(t, "s"));
	TH_OK(t, "del a\n"
		 "expect freed a\n"
		 "expect freed f\n"
		 "expect freed n\n"
		 "expect freed s\n");
	assert_int_equal(t->st.live, 0);
	th_close(t);
}

static void freeing_a_container_cascades_to_its_children(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n"
		 "alloc b dict\n"
		 "alloc c list\n"
		 "alloc d float 1.0\n"
		 "alloc e tuple 1\n"
		 "alloc keep list\n"
		 "ref a b\n"
		 "ref b c\n"
		 "ref c d\n"
		 "ref c e\n"
		 "ref e keep\n"
		 "del b\n"
		 "del c\n"
		 "del d\n"
		 "del e\n"
		 "expect alive b\n"
		 "expect alive e\n");
	assert_int_equal(t->st.live, 6);
	TH_OK(t, "del a\n"
		 "expect freed a\n"
		 "expect freed b\n"
		 "expect freed c\n"
		 "expect freed d\n"
		 "expect freed e\n"
		 "expect alive keep\n"
		 "expect refcnt keep 1\n");
	/* All five in this one step, and nothing else. */
	assert_int_equal(t->st.nfreed, 5);
	assert_true(was_freed(t, "a"));
	assert_true(was_freed(t, "b"));
	assert_true(was_freed(t, "c"));
	assert_true(was_freed(t, "d"));
	assert_true(was_freed(t, "e"));
	assert_int_equal(t->st.live, 1);
	assert_int_equal(t->st.ncollections, 0);
	th_close(t);
}

/*
 * A million nested lists: l[k] holds l[k-1].  Dropping the outermost frees
 * them all in one step; recursion would need a million C frames (CPython
 * uses its trashcan for this).
 */
static void freeing_a_million_nested_lists_needs_no_stack_and_is_fast(void **state)
{
	(void)state;
	enum { N = 1000000 };
	struct th *t = th_open("3.12");
	char cur[32], prev[32];

	t->check_each = 0;
	TH_OK(t, "gc disable\n");
	TH_RC_OK(t, th_alloc(t, "l0", SIM_T_LIST));
	double t0 = now();
	for (int k = 1; k < N; k++) {
		snprintf(cur, sizeof(cur), "l%d", k);
		snprintf(prev, sizeof(prev), "l%d", k - 1);
		if (th_alloc(t, cur, SIM_T_LIST) || th_ref(t, cur, prev) ||
		    th_del(t, prev)) {
			print_error("step at k=%d: %s\n", k, t->diag.msg);
			fail();
		}
	}
	double built = now() - t0;
	assert_int_equal(t->st.live, N);
	TH_HEAP(t);
	t0 = now();
	snprintf(cur, sizeof(cur), "l%d", N - 1);
	TH_RC_OK(t, th_del(t, cur));
	double freed = now() - t0;
	assert_int_equal(t->st.nfreed, N);
	assert_int_equal(t->st.live, 0);
	assert_true(was_freed(t, "l0"));
	assert_true(was_freed(t, "l999999"));
	/* count0: one per list from the allocator, less one per list given
	 * back to the allocator; 80 went to the free list (rules 2.2, 6.2). */
	assert_int_equal(t->st.count[0], 80);
	assert_int_equal(t->st.freelist.list, 80);
	TH_HEAP(t);
	/* Linear: seconds even under the sanitizers, not minutes. */
	if (freed > 5.0 || built > 60.0) {
		print_error("too slow: build %.2fs, free %.2fs\n", built, freed);
		fail();
	}
	th_close(t);
}

static void a_two_list_cycle_survives_del_until_a_collection(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n"
		 "alloc b list\n"
		 "ref a b\n"
		 "ref b a\n"
		 "del a\n"
		 "del b\n"
		 "expect alive a\n"
		 "expect alive b\n"
		 "expect refcnt a 1\n"
		 "expect refcnt b 1\n");
	assert_int_equal(t->st.nfreed, 0);
	assert_int_equal(t->st.live, 2);
	TH_OK(t, "collect 0\n"
		 "expect freed a\n"
		 "expect freed b\n"
		 "expect collected 2\n");
	assert_int_equal(t->st.nfreed, 2);
	assert_int_equal(t->st.live, 0);
	assert_int_equal(t->st.ncollections, 1);
	assert_int_equal(t->st.collections[0].collected, 2);
	assert_int_equal(t->st.collections[0].unreachable, 2);
	assert_int_equal(t->st.collections[0].freed, 2);
	th_close(t);
}

static void the_refchain_counts_every_live_object_cached_ones_too(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");
	struct sim_totals tot;

	TH_OK(t, "alloc a int 5\n");
	assert_int_equal(t->st.live, 1);
	TH_OK(t, "alloc b int 5\n");
	assert_int_equal(t->st.live, 1); /* the same small int */
	TH_OK(t, "alloc c list\n"
		 "alloc d tuple 2\n"
		 "alloc e str \"two words\"\n");
	assert_int_equal(t->st.live, 4);
	TH_OK(t, "del a\n"
		 "del b\n"
		 "del c\n"
		 "del e\n");
	/* The small int stays, cached; c and e are gone. */
	assert_int_equal(t->st.live, 2);
	sim_get_totals(t->s, &tot);
	assert_int_equal(tot.live, 2);
	assert_int_equal(tot.peak_live, 4);
	assert_int_equal(tot.allocs, 5);
	assert_int_equal(tot.freed_refcount, 2);
	assert_int_equal(tot.freed_gc, 0);
	assert_int_equal(tot.steps, 9);
	th_close(t);
}

static void a_collection_frees_a_cycle_through_a_tuple(void **state)
{
	(void)state;
	struct th *t = th_open("3.11");

	/* t = ([],); t[0].append(t): the list's tp_clear breaks it. */
	TH_OK(t, "alloc l list\n"
		 "alloc t tuple 1\n"
		 "ref t l\n"
		 "ref l t\n"
		 "del l\n"
		 "del t\n"
		 "collect\n"
		 "expect freed t\n"
		 "expect freed l\n"
		 "expect collected 2\n");
	assert_int_equal(t->st.live, 0);
	th_close(t);
}

/* ---- invalid events leave the heap as it was ---- */

/* A heap with a little of everything, for the error tests. */
static const char base_heap[] =
	"alloc l list\n"          /* 1 */
	"alloc s set\n"           /* 2 */
	"alloc t tuple 2\n"       /* 3 */
	"alloc n int 100000\n"    /* 4 */
	"alloc f float 1.5\n"     /* 5 */
	"alloc x list\n"          /* 6 */
	"ref t n\n"               /* 7 */
	"ref l x\n"               /* 8 */
	"alloc gone list\n"       /* 9 */
	"del gone\n"              /* 10: step 10 */
	"alloc cyc list\n"        /* 11 */
	"ref cyc cyc\n"           /* 12 */
	"alloc u tuple 1\n"       /* 13 */
	"ref u l\n";              /* 14 */

static struct th *error_setup(char **fp)
{
	struct th *t = th_open("3.12");

	TH_OK(t, base_heap);
	*fp = th_fingerprint(t);
	return t;
}

static void assert_unchanged(struct th *t, char *fp)
{
	char *now_fp = th_fingerprint(t);
	int same = strcmp(fp, now_fp) == 0;

	free(fp);
	free(now_fp);
	TH_HEAP(t);
	assert_true(same);
	/* The next step is numbered as if the bad one never was. */
	TH_OK(t, "alloc probe list\n");
	assert_int_equal(t->st.step, 15);
}

static void a_dead_id_is_an_error_that_names_the_step_it_died(void **state)
{
	(void)state;
	char *fp;
	struct th *t = error_setup(&fp);

	TH_ERR(t, "\n  ref l gone\n", 2, 9,
	       "id 'gone' is dead: its object was freed at step 10 (line 10)");
	TH_ERR(t, "del gone\n", 1, 5,
	       "id 'gone' is dead: its object was freed at step 10 (line 10)");
	TH_ERR(t, "ref gone\n", 1, 5,
	       "id 'gone' is dead: its object was freed at step 10 (line 10)");
	TH_ERR(t, "\tunref gone x\n", 1, 8,
	       "id 'gone' is dead: its object was freed at step 10 (line 10)");
	TH_ERR(t, "ref zz l\n", 1, 5, "unknown id 'zz'");
	assert_unchanged(t, fp);
	th_close(t);
}

static void unref_of_a_reference_that_does_not_exist_is_an_error(void **state)
{
	(void)state;
	char *fp;
	struct th *t = error_setup(&fp);

	TH_ERR(t, "unref l f\n", 1, 9, "list 'l' holds no reference to 'f'");
	TH_ERR(t, "unref s f\n", 1, 9, "set 's' holds no reference to 'f'");
	TH_ERR(t, "# comment\n\n   unref x l\n", 3, 12,
	       "list 'x' holds no reference to 'l'");
	assert_unchanged(t, fp);
	th_close(t);
}

static void del_without_a_root_reference_is_an_error(void **state)
{
	(void)state;
	char *fp;
	struct th *t = th_open("3.12");

	TH_OK(t, base_heap);
	/* x is alive, held by l, but its own root was dropped. */
	TH_OK(t, "del x\n"
		 "expect alive x\n");
	fp = th_fingerprint(t);
	TH_ERR(t, "  del x\n", 1, 7,
	       "'x' holds no root reference to drop (alloc and 'ref ID' take them, del drops them)");
	TH_ERR(t, "unref x\n", 1, 7,
	       "'x' holds no root reference to drop (alloc and 'ref ID' take them, del drops them)");
	char *now_fp = th_fingerprint(t);
	assert_string_equal(fp, now_fp);
	free(fp);
	free(now_fp);
	th_close(t);
}

static void ref_from_a_non_container_is_an_error(void **state)
{
	(void)state;
	char *fp;
	struct th *t = error_setup(&fp);

	TH_ERR(t, "ref f l\n", 1, 5,
	       "'f' is a float, not a container: ref needs a list, tuple, dict, set, object or gcobj");
	TH_ERR(t, "unref f l\n", 1, 7,
	       "'f' is a float, not a container: unref needs a list, dict, set, object or gcobj");
	assert_unchanged(t, fp);
	th_close(t);
}

/* The article agrees with the type name: "an int", as in Python. */
static void ref_from_an_int_is_an_error_with_the_right_article(void **state)
{
	(void)state;
	char *fp;
	struct th *t = error_setup(&fp);

	TH_ERR(t, "ref n l\n", 1, 5,
	       "'n' is an int, not a container: ref needs a list, tuple, dict, set, object or gcobj");
	assert_unchanged(t, fp);
	th_close(t);
}

static void alloc_of_an_id_still_alive_is_an_error(void **state)
{
	(void)state;
	char *fp;
	struct th *t = error_setup(&fp);

	TH_ERR(t, "\n\nalloc l dict\n", 3, 7,
	       "id 'l' is still bound to a live list (since line 1); use a fresh id");
	TH_ERR(t, "alloc t list\n", 1, 7,
	       "id 't' is still bound to a live tuple (since line 3); use a fresh id");
	assert_unchanged(t, fp);
	/* A dead id may be bound again. */
	TH_OK(t, "alloc gone dict\n"
		 "expect alive gone\n"
		 "expect untracked gone\n");
	th_close(t);
}

static void filling_a_tuple_beyond_its_length_is_an_error(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, base_heap);
	TH_OK(t, "ref t f\n"
		 "alloc e tuple 0\n");
	char *fp = th_fingerprint(t);
	TH_ERR(t, " ref t x\n", 1, 6, "tuple 't' is already full (2 items)");
	TH_ERR(t, "\nref e x\n", 2, 5, "tuple 'e' is already full (0 items)");
	char *now_fp = th_fingerprint(t);
	assert_string_equal(fp, now_fp);
	free(fp);
	free(now_fp);
	TH_OK(t, "expect refcnt x 2\n"
		 "expect refcnt f 2\n"
		 "expect refcnt n 2\n");
	th_close(t);
}

static void unref_on_a_tuple_is_an_error(void **state)
{
	(void)state;
	char *fp;
	struct th *t = error_setup(&fp);

	TH_ERR(t, "   unref t n\n", 1, 10,
	       "unref on tuple 't': tuples are immutable");
	assert_unchanged(t, fp);
	th_close(t);
}

static void an_unhashable_set_member_is_an_error(void **state)
{
	(void)state;
	char *fp;
	struct th *t = th_open("3.12");

	TH_OK(t, base_heap);
	TH_OK(t, "alloc d dict\n"
		 "alloc s2 set\n"
		 "alloc th tuple 1\n"
		 "ref th x\n"
		 "alloc th2 tuple 1\n"
		 "ref th2 th\n");
	fp = th_fingerprint(t);
	TH_ERR(t, "ref s l\n", 1, 7,
	       "unhashable type: 'list' ('l' cannot be a set member)");
	TH_ERR(t, "ref s d\n", 1, 7,
	       "unhashable type: 'dict' ('d' cannot be a set member)");
	TH_ERR(t, "ref s  s2\n", 1, 8,
	       "unhashable type: 'set' ('s2' cannot be a set member)");
	TH_ERR(t, "ref s th\n", 1, 7,
	       "unhashable type: 'tuple holding a list, dict or set' ('th' cannot be a set member)");
	/* A tuple holding a tuple holding a list is no better. */
	TH_ERR(t, "ref s th2\n", 1, 7,
	       "unhashable type: 'tuple holding a list, dict or set' ('th2' cannot be a set member)");
	char *now_fp = th_fingerprint(t);
	assert_string_equal(fp, now_fp);
	free(fp);
	free(now_fp);
	th_close(t);
}

static void a_tuple_not_yet_filled_cannot_join_a_set(void **state)
{
	(void)state;
	char *fp;
	struct th *t = error_setup(&fp);

	/* t has 1 of its 2 items. */
	TH_ERR(t, "ref s t\n", 1, 7,
	       "tuple 't' is not filled yet (1 of 2 items), so it cannot be hashed");
	assert_unchanged(t, fp);
	th_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(alloc_holds_one_root_reference_and_ref_id_adds_one),
		TH_TEST(containers_take_one_reference_per_ref),
		TH_TEST(a_list_unref_removes_one_occurrence_only),
		TH_TEST(the_steps_subject_outlives_the_event_it_came_from),
		TH_TEST(an_object_is_freed_when_its_refcount_reaches_zero),
		TH_TEST(freeing_a_container_cascades_to_its_children),
		TH_TEST(freeing_a_million_nested_lists_needs_no_stack_and_is_fast),
		TH_TEST(a_two_list_cycle_survives_del_until_a_collection),
		TH_TEST(the_refchain_counts_every_live_object_cached_ones_too),
		TH_TEST(a_collection_frees_a_cycle_through_a_tuple),
		TH_TEST(a_dead_id_is_an_error_that_names_the_step_it_died),
		TH_TEST(unref_of_a_reference_that_does_not_exist_is_an_error),
		TH_TEST(del_without_a_root_reference_is_an_error),
		TH_TEST(ref_from_a_non_container_is_an_error),
		TH_TEST(ref_from_an_int_is_an_error_with_the_right_article),
		TH_TEST(alloc_of_an_id_still_alive_is_an_error),
		TH_TEST(filling_a_tuple_beyond_its_length_is_an_error),
		TH_TEST(unref_on_a_tuple_is_an_error),
		TH_TEST(an_unhashable_set_member_is_an_error),
		TH_TEST(a_tuple_not_yet_filled_cannot_join_a_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
