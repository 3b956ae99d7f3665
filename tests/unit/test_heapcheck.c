/*
 * test_heapcheck.c - sim_heap_check (sim/heapcheck.c) must notice each
 * invariant of state.h broken.  Every test builds a sound heap, breaks one
 * thing by hand, expects the checker to say what, then mends it so the
 * harness's last check passes again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "state.h"
#include "unit_helpers.h"

/* The object an ID names. */
static oref obj_of(struct th *t, const char *id)
{
	uint32_t ix = names_find(t->s->names, id);

	assert_int_not_equal(ix, 0);
	assert_int_not_equal(names_obj(t->s->names, ix), 0);
	return names_obj(t->s->names, ix);
}

/* The checker finds the heap broken, with want in its message. */
static void assert_broken(struct th *t, const char *want)
{
	char msg[512] = "";

	assert_int_not_equal(sim_heap_check(t->s, msg, sizeof(msg)), 0);
	if (!strstr(msg, want)) {
		print_error("checker said '%s', wanted '%s'\n", msg, want);
		fail();
	}
}

static void assert_sound(struct th *t)
{
	char msg[512] = "";

	if (sim_heap_check(t->s, msg, sizeof(msg)) != 0) {
		print_error("checker said '%s' of a sound heap\n", msg);
		fail();
	}
}

/* a and b live, three slots freed (one on a free list's way out). */
static struct th *heap_with_free_slots(void)
{
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n"
		 "alloc b dict\n"
		 "ref a b\n"
		 "alloc x list\n"
		 "alloc y list\n"
		 "alloc z object\n"
		 "del x\n"
		 "del y\n"
		 "del z\n");
	assert_non_null(t->s->free_slots);
	assert_sound(t);
	return t;
}

static void a_sound_heap_passes(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();

	TH_OK(t, "alloc c tuple 2\nref c a\nref c b\ncollect\n");
	assert_sound(t);
	th_close(t);
}

static void a_free_slot_in_use_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	oref h = t->s->free_slots;

	t->s->objs[h].type = SIM_T_LIST;
	assert_broken(t, "free-slot list holds slot");
	t->s->objs[h].type = OT_FREE;
	th_close(t);
}

static void a_cycle_in_the_free_slot_list_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	oref h = t->s->free_slots, next = t->s->objs[h].gc_next;

	t->s->objs[h].gc_next = h;
	assert_broken(t, "free-slot list does not end");
	t->s->objs[h].gc_next = next;
	th_close(t);
}

static void a_slot_lost_from_the_free_list_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	oref h = t->s->free_slots;

	t->s->free_slots = t->s->objs[h].gc_next;
	assert_broken(t, "slots are free and");
	t->s->free_slots = h;
	th_close(t);
}

static void a_free_slot_list_leaving_the_heap_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	oref h = t->s->free_slots, next = t->s->objs[h].gc_next;

	t->s->objs[h].gc_next = t->s->nobjs + 5;
	assert_broken(t, "outside the heap");
	t->s->objs[h].gc_next = next;
	th_close(t);
}

/* Nothing refers to it, and its count says so: it should have been freed. */
static void a_live_object_with_refcount_zero_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	uint32_t ix = names_find(t->s->names, "a");
	oref h = obj_of(t, "a");

	names_drop_root(t->s->names, ix);
	t->s->objs[h].refcnt = 0;
	assert_broken(t, "'a' is live with refcount 0");
	names_add_root(t->s->names, ix);
	t->s->objs[h].refcnt = 1;
	th_close(t);
}

static void a_refcount_that_disagrees_with_the_references_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	oref h = obj_of(t, "b");

	t->s->objs[h].refcnt++;
	assert_broken(t, "'b' has refcount 3 but 2 references exist");
	t->s->objs[h].refcnt--;
	th_close(t);
}

static void a_broken_refchain_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	oref h = obj_of(t, "b"), prev = t->s->objs[h].rc_prev;

	t->s->objs[h].rc_prev = h;
	assert_broken(t, "refchain is broken");
	t->s->objs[h].rc_prev = prev;
	th_close(t);
}

static void a_broken_generation_list_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	oref h = obj_of(t, "a"), prev = t->s->objs[h].gc_prev;

	t->s->objs[h].gc_prev = h;
	assert_broken(t, "generation list 0 is broken at 'a'");
	t->s->objs[h].gc_prev = prev;
	th_close(t);
}

static void a_generation_size_that_disagrees_with_its_list_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();

	t->s->lists[LIST_GEN0].size++;
	assert_broken(t, "list 0 holds 1 objects but counts 2");
	t->s->lists[LIST_GEN0].size--;
	th_close(t);
}

static void a_tracked_non_gc_object_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();

	TH_OK(t, "alloc f float 1.5\n");
	oref h = obj_of(t, "f");
	t->s->objs[h].list = LIST_GEN0;
	assert_broken(t, "'f' is tracked but not a GC type");
	t->s->objs[h].list = LIST_NONE;
	th_close(t);
}

/* 3.12+ holds safe points while tuples are filled: the count must be right. */
static void a_wrong_count_of_tuples_being_filled_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();

	TH_OK(t, "alloc t tuple 2\nref t a\n");
	assert_int_equal(t->s->building, 1);
	t->s->building = 0;
	assert_broken(t, "1 tuples are being filled but 0 are counted");
	t->s->building = 1;
	TH_OK(t, "ref t b\n");
	assert_int_equal(t->s->building, 0);
	th_close(t);
}

/* The census counts the cached objects that hold no references and lists
 * the others (its roots); the checker compares both with the refchain. */
static void a_cached_object_the_census_misses_is_found(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	char want[128];

	TH_OK(t, "alloc i int 5\nalloc e tuple 0\nref a e\n");
	uint32_t plain = t->s->ncached_plain, gc = t->s->ncached_gc;

	assert_true(plain >= 1 && gc >= 1);
	t->s->ncached_plain--;
	snprintf(want, sizeof(want), "%u+%u objects are cached but the census counts %u+%u",
		 plain, gc, plain - 1, gc);
	assert_broken(t, want);
	t->s->ncached_plain++;

	oref e = t->s->cached_gc[gc - 1];
	t->s->cached_gc[gc - 1] = obj_of(t, "a");
	assert_broken(t, "is cached but not a census root");
	t->s->cached_gc[gc - 1] = e;
	th_close(t);
}

/* --check after each step: a small heap is checked in full every time. */
static void check_step_checks_a_small_heap_in_full_every_step(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	char msg[512];
	oref h = obj_of(t, "b");

	assert_int_equal(sim_check_step(t->s, msg, sizeof(msg)), 0);
	t->s->objs[h].refcnt++;
	assert_int_not_equal(sim_check_step(t->s, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "'b' has refcount 3"));
	t->s->objs[h].refcnt--;
	th_close(t);
}

/*
 * A large heap is checked in full once enough steps have paid for the
 * pass (64 units a step, a unit per object, name and slot), not every
 * step: a fault is found late, but found.
 */
static void check_step_checks_a_large_heap_in_full_when_it_has_earned_it(void **state)
{
	(void)state;
	enum { N = 5000 };
	struct th *t = th_open("3.12");
	char id[32], msg[512];

	t->check_each = 0;
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "l%d", i);
		if (th_alloc(t, id, SIM_T_LIST))
			fail();
	}
	/* Spend the credit the allocations earned. */
	while (sim_check_step(t->s, msg, sizeof(msg)) == 0 && t->s->check_credit > 0)
		;
	oref h = obj_of(t, "l7");
	t->s->objs[h].refcnt++;
	int calls = 1;
	while (sim_check_step(t->s, msg, sizeof(msg)) == 0)
		calls++;
	assert_non_null(strstr(msg, "'l7' has refcount 2"));
	/* at least 2N objects and N names: at least 15000 / 64 steps */
	assert_true(calls > 2 * N / 64);
	assert_true(calls < 1000);
	t->s->objs[h].refcnt--;
	th_close(t);
}

/* The O(1) part runs every step, whatever the heap's size. */
static void check_step_always_compares_the_lists_with_the_tracked_count(void **state)
{
	(void)state;
	struct th *t = heap_with_free_slots();
	char msg[512];

	t->s->tracked++;
	assert_int_not_equal(sim_check_step(t->s, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "tracked"));
	t->s->tracked--;
	th_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(a_sound_heap_passes),
		TH_TEST(a_free_slot_in_use_is_found),
		TH_TEST(a_cycle_in_the_free_slot_list_is_found),
		TH_TEST(a_slot_lost_from_the_free_list_is_found),
		TH_TEST(a_free_slot_list_leaving_the_heap_is_found),
		TH_TEST(a_live_object_with_refcount_zero_is_found),
		TH_TEST(a_refcount_that_disagrees_with_the_references_is_found),
		TH_TEST(a_broken_refchain_is_found),
		TH_TEST(a_broken_generation_list_is_found),
		TH_TEST(a_generation_size_that_disagrees_with_its_list_is_found),
		TH_TEST(a_tracked_non_gc_object_is_found),
		TH_TEST(a_wrong_count_of_tuples_being_filled_is_found),
		TH_TEST(a_cached_object_the_census_misses_is_found),
		TH_TEST(check_step_checks_a_small_heap_in_full_every_step),
		TH_TEST(check_step_checks_a_large_heap_in_full_when_it_has_earned_it),
		TH_TEST(check_step_always_compares_the_lists_with_the_tracked_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
