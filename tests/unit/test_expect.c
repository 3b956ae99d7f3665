/*
 * test_expect.c - expect lines (sim/expect.c, SPEC 4): every form, holding
 * and failing, with the exact text of each failure.
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

/* The heap every test starts from (3.12). */
static const char scene[] =
	"alloc a list\n"          /* step 1 */
	"alloc b list\n"          /* 2 */
	"ref a b\n"               /* 3 */
	"alloc d dict\n"          /* 4 */
	"alloc n none\n"          /* 5 */
	"alloc gone list\n"       /* 6 */
	"del gone\n"              /* 7: freed */
	"alloc c int 5\n"         /* 8 */
	"alloc c2 int 5\n"        /* 9 */
	"alloc t tuple 1\n"       /* 10 */
	"ref t c\n"               /* 11 */
	"alloc cyc list\n"        /* 12 */
	"ref cyc cyc\n"           /* 13 */
	"del cyc\n"               /* 14 */
	"collect 0\n";            /* 15: cyc collected; a b t to gen 1 */

static struct th *open_scene(void)
{
	struct th *t = th_open("3.12");

	TH_OK(t, scene);
	return t;
}

static void holds(struct th *t, const char *line)
{
	char msg[512];
	int r = th_expect(t, line, msg, sizeof(msg));

	if (r != 1) {
		print_error("'%s' should hold: %d, %s%s\n", line, r, msg,
			    r < 0 ? t->diag.msg : "");
		fail();
	}
}

static void fails(struct th *t, const char *line, const char *want)
{
	char msg[512];
	int r = th_expect(t, line, msg, sizeof(msg));

	if (r != 0) {
		print_error("'%s' should fail: %d, %s\n", line, r,
			    r < 0 ? t->diag.msg : "it held");
		fail();
	}
	if (strcmp(msg, want) != 0) {
		print_error("'%s'\n  got:  %s\n  want: %s\n", line, msg, want);
		fail();
	}
}

static void refcnt_holds_on_the_exact_count_and_reports_immortal_and_freed_objects(void **state)
{
	(void)state;
	struct th *t = open_scene();

	holds(t, "expect refcnt a 1");
	holds(t, "expect refcnt b 2");
	holds(t, "expect refcnt n 4294967295");
	holds(t, "expect refcnt c 4294967295");
	fails(t, "expect refcnt a 3", "expected refcnt 3 for 'a', found 1");
	fails(t, "expect refcnt b 1", "expected refcnt 1 for 'b', found 2");
	fails(t, "expect refcnt n 1",
	      "expected refcnt 1 for 'n', found 4294967295 (immortal)");
	fails(t, "expect refcnt gone 0",
	      "expected refcnt 0 for 'gone', found it freed (step 7)");
	th_close(t);
}

static void alive_and_freed_report_the_step_of_death_or_the_refcount(void **state)
{
	(void)state;
	struct th *t = open_scene();

	holds(t, "expect alive a");
	holds(t, "expect alive c");
	holds(t, "expect freed gone");
	holds(t, "expect freed cyc");
	fails(t, "expect alive gone", "expected 'gone' alive, found it freed at step 7");
	fails(t, "expect alive cyc", "expected 'cyc' alive, found it freed at step 15");
	fails(t, "expect freed a", "expected 'a' freed, found it alive (refcnt 1)");
	fails(t, "expect freed b", "expected 'b' freed, found it alive (refcnt 2)");
	th_close(t);
}

static void tracked_and_untracked_follow_the_generation_lists(void **state)
{
	(void)state;
	struct th *t = open_scene();

	holds(t, "expect tracked a");
	holds(t, "expect untracked d");
	holds(t, "expect untracked t"); /* untrack_tuples in the collection */
	holds(t, "expect untracked c"); /* not a GC type */
	fails(t, "expect tracked d", "expected 'd' tracked, found it untracked");
	fails(t, "expect tracked c", "expected 'c' tracked, found it untracked");
	fails(t, "expect untracked b", "expected 'b' untracked, found it tracked");
	fails(t, "expect tracked gone",
	      "expected 'gone' tracked, found it freed (step 7)");
	fails(t, "expect untracked gone",
	      "expected 'gone' untracked, found it freed (step 7)");
	th_close(t);
}

static void gen_holds_for_the_objects_generation_and_reports_untracked_or_freed(void **state)
{
	(void)state;
	struct th *t = open_scene();

	holds(t, "expect gen a 1");
	holds(t, "expect gen b 1");
	fails(t, "expect gen d 0", "expected 'd' in generation 0, found it untracked");
	fails(t, "expect gen gone 2",
	      "expected 'gone' in generation 2, found it freed (step 7)");
	TH_OK(t, "alloc e list\n");
	holds(t, "expect gen e 0");
	th_close(t);
}

/* "found it generation 1" does not read: "found it in generation 1". */
static void gen_failure_says_in_which_generation_the_object_is(void **state)
{
	(void)state;
	struct th *t = open_scene();

	fails(t, "expect gen a 0",
	      "expected 'a' in generation 0, found it in generation 1");
	TH_OK(t, "gc freeze\n");
	fails(t, "expect gen a 2",
	      "expected 'a' in generation 2, found it in the permanent generation");
	th_close(t);
}

static void same_is_identity_and_reports_two_objects_or_a_freed_one(void **state)
{
	(void)state;
	struct th *t = open_scene();

	holds(t, "expect same c c2");
	holds(t, "expect same a a");
	fails(t, "expect same a b",
	      "expected 'a' and 'b' to be the same object, found two objects");
	fails(t, "expect same gone a",
	      "expected 'gone' and 'a' to be the same object, found 'gone' freed");
	fails(t, "expect same a gone",
	      "expected 'a' and 'gone' to be the same object, found 'gone' freed");
	th_close(t);
}

static void count_and_collections_compare_all_three_generations(void **state)
{
	(void)state;
	struct th *t = open_scene();

	holds(t, "expect count 0 1 0");
	holds(t, "expect collections 1 0 0");
	fails(t, "expect count 1 2 3", "expected count 1 2 3, found 0 1 0");
	fails(t, "expect count 0 0 0", "expected count 0 0 0, found 0 1 0");
	fails(t, "expect collections 0 0 1",
	      "expected collections 0 0 1, found 1 0 0");
	TH_OK(t, "collect 1\n"
		 "collect\n"
		 "alloc z set\n");
	holds(t, "expect count 1 0 0");
	holds(t, "expect collections 1 1 1");
	fails(t, "expect collections 1 1 2",
	      "expected collections 1 1 2, found 1 1 1");
	th_close(t);
}

/* "collected" is about the collections of the previous step only. */
static void collected_sums_the_collections_of_the_previous_step(void **state)
{
	(void)state;
	struct th *t = open_scene();

	holds(t, "expect collected 1");
	fails(t, "expect collected 2",
	      "expected 2 collected by the previous step, found 1 (1 collection)");
	TH_OK(t, "alloc x list\n");
	holds(t, "expect collected 0");
	fails(t, "expect collected 1",
	      "expected 1 collected by the previous step, found 0 (0 collections)");
	th_close(t);

	struct sim_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.stress = 1;
	t = th_open_cfg(&cfg);
	TH_OK(t, "alloc p list\n"
		 "ref p p\n"
		 "del p\n"
		 "collect 0\n");
	fails(t, "expect collected 5",
	      "expected 5 collected by the previous step, found 0 (2 collections)");
	th_close(t);
}

static void freelist_reports_each_free_list_by_type_and_tuple_length(void **state)
{
	(void)state;
	struct th *t = open_scene();

	holds(t, "expect freelist list 1"); /* gone */
	holds(t, "expect freelist dict 0");
	holds(t, "expect freelist float 0");
	holds(t, "expect freelist tuple:1 0");
	TH_OK(t, "alloc f float 1.0\n"
		 "alloc g float 2.0\n"
		 "alloc q tuple 4\n"
		 "alloc r tuple 20\n"
		 "del f\n"
		 "del g\n"
		 "del q\n"
		 "del r\n"
		 "del d\n");
	holds(t, "expect freelist float 2");
	holds(t, "expect freelist dict 1");
	holds(t, "expect freelist tuple:4 1");
	holds(t, "expect freelist tuple:20 1");
	fails(t, "expect freelist list 5", "expected 5 on the list free list, found 1");
	fails(t, "expect freelist dict 2", "expected 2 on the dict free list, found 1");
	fails(t, "expect freelist float 0", "expected 0 on the float free list, found 2");
	fails(t, "expect freelist tuple:4 3",
	      "expected 3 on the tuple:4 free list, found 1");
	fails(t, "expect freelist tuple:19 1",
	      "expected 1 on the tuple:19 free list, found 0");
	th_close(t);
}

/* An ID never bound makes the expect line itself invalid. */
static void an_expect_naming_an_unknown_id_is_an_error(void **state)
{
	(void)state;
	struct th *t = open_scene();
	char msg[512];

	assert_int_equal(th_expect(t, "expect alive zz\n", msg, sizeof(msg)), -1);
	assert_string_equal(t->diag.msg, "expect names unknown id 'zz'");
	assert_int_equal(t->diag.line, 1);
	assert_int_equal(t->diag.col, 1);
	assert_int_equal(th_expect(t, "expect same a zz\n", msg, sizeof(msg)), -1);
	assert_string_equal(t->diag.msg, "expect names unknown id 'zz'");
	/* through a trace: line and column of the expect line */
	TH_ERR(t, "alloc y list\n\n   expect refcnt nope 1\n", 3, 4,
	       "expect names unknown id 'nope'");
	th_close(t);
}

/* A failing expect line is reported and the replay goes on (SPEC 4). */
static void a_failing_expect_does_not_stop_the_replay(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	int rc = th_run(t, "alloc a list\n"
			   "expect refcnt a 7\n"
			   "alloc b list\n"
			   "expect count 5 5 5\n"
			   "ref a b\n"
			   "expect refcnt b 2\n");
	assert_int_equal(rc, SIM_OK);
	assert_int_equal(t->nfail, 2);
	assert_int_equal(t->fail_line, 2);
	assert_string_equal(t->fail_msg, "expected refcnt 7 for 'a', found 1");
	assert_int_equal(t->st.step, 3);
	th_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(refcnt_holds_on_the_exact_count_and_reports_immortal_and_freed_objects),
		TH_TEST(alive_and_freed_report_the_step_of_death_or_the_refcount),
		TH_TEST(tracked_and_untracked_follow_the_generation_lists),
		TH_TEST(gen_holds_for_the_objects_generation_and_reports_untracked_or_freed),
		TH_TEST(gen_failure_says_in_which_generation_the_object_is),
		TH_TEST(same_is_identity_and_reports_two_objects_or_a_freed_one),
		TH_TEST(count_and_collections_compare_all_three_generations),
		TH_TEST(collected_sums_the_collections_of_the_previous_step),
		TH_TEST(freelist_reports_each_free_list_by_type_and_tuple_length),
		TH_TEST(an_expect_naming_an_unknown_id_is_an_error),
		TH_TEST(a_failing_expect_does_not_stop_the_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
