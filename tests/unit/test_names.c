/*
 * test_names.c - trace IDs and the objects they name (sim/names.c): death
 * and rebinding, the ring of dead names, several IDs on one object.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "state.h" /* to see the name table's size */
#include "unit_helpers.h"

static void a_dead_id_reports_the_step_and_line_it_died(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");
	char msg[512];

	TH_OK(t, "alloc a list\n"        /* step 1 */
		 "# a comment\n"
		 "alloc b list\n"        /* step 2 */
		 "ref b a\n"             /* step 3 */
		 "del a\n"               /* step 4: a lives on in b */
		 "expect alive a\n"
		 "del b\n"               /* step 5, line 7: both die */
		 "expect freed a\n");
	assert_int_equal(t->st.step, 5);
	assert_int_equal(t->st.nfreed, 2);
	TH_ERR(t, "ref a\n", 1, 5,
	       "id 'a' is dead: its object was freed at step 5 (line 7)");
	TH_ERR(t, "\n alloc c list\n ref c b\n", 3, 8,
	       "id 'b' is dead: its object was freed at step 5 (line 7)");
	assert_int_equal(th_expect(t, "expect alive a\n", msg, sizeof(msg)), 0);
	assert_string_equal(msg, "expected 'a' alive, found it freed at step 5");
	th_close(t);
}

static void an_id_may_be_bound_again_after_its_object_died(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n"        /* step 1 */
		 "del a\n"               /* step 2 */
		 "alloc a dict\n"        /* step 3 */
		 "expect alive a\n"
		 "expect untracked a\n"
		 "expect refcnt a 1\n"
		 "expect freelist list 1\n"
		 "alloc b list\n"        /* step 4: the list from the free list */
		 "expect freelist list 0\n"
		 "ref b a\n"             /* step 5 */
		 "expect refcnt a 2\n"
		 "del a\n"               /* step 6 */
		 "unref b a\n"           /* step 7, line 13: the dict dies */
		 "expect freed a\n");
	assert_int_equal(t->st.nfreed, 1);
	assert_string_equal(t->st.freed[0], "a");
	/* the latest death is the one reported */
	TH_ERR(t, "del a\n", 1, 5,
	       "id 'a' is dead: its object was freed at step 7 (line 13)");
	TH_OK(t, "alloc a float 2.0\n"
		 "expect refcnt a 1\n");
	th_close(t);
}

static void two_ids_name_one_cached_object_each_with_its_own_root(void **state)
{
	(void)state;
	const char *const profiles[] = { "3.12", "3.11" };

	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(profiles[p]);

		TH_OK(t, "alloc a int 5\n"
			 "alloc b int 5\n"
			 "expect same a b\n"
			 "alloc s str hello\n"
			 "alloc s2 str hello\n"
			 "expect same s s2\n"
			 "del a\n"
			 "expect alive a\n"
			 "expect alive b\n"
			 "expect same a b\n");
		TH_ERR(t, "del a\n", 1, 5,
		       "'a' holds no root reference to drop (alloc and 'ref ID' take them, del drops them)");
		TH_OK(t, "ref a\n"
			 "del a\n"
			 "del b\n"
			 "alloc l list\n"
			 "ref l a\n"
			 "ref l b\n"
			 "expect alive b\n");
		if (p == 1) {
			/* 3.11: both names' references count on the one object */
			TH_OK(t, "alloc c int 5\n");
			int64_t r = t->st.refcnt;
			TH_OK(t, "unref l a\n");
			assert_int_equal(t->st.refcnt, r - 1);
		}
		th_close(t);
	}
}

/* 100,000 IDs, each bound, freed, and never used again; a few live ones
 * bound before and after must stay reachable by name throughout. */
static void many_ids_bound_and_freed_leave_live_ids_working(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct th *t = th_open("3.12");
	char id[32];

	t->check_each = 0;
	TH_OK(t, "alloc early0 list\n"
		 "alloc early1 dict\n"
		 "alloc early2 int 100000\n");
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "x%d", i);
		if (th_alloc(t, id, SIM_T_LIST) || th_del(t, id)) {
			print_error("at %d: %s\n", i, t->diag.msg);
			fail();
		}
		if (i == N / 2) {
			TH_OK(t, "alloc middle list\n"
				 "ref middle early0\n");
		}
	}
	TH_HEAP(t);
	uint64_t last = t->st.step;
	TH_OK(t, "alloc late list\n"
		 "expect alive early0\n"
		 "expect alive early1\n"
		 "expect alive early2\n"
		 "expect alive middle\n"
		 "expect refcnt early0 2\n"
		 "ref late early1\n"
		 "ref late early2\n"
		 "ref late middle\n"
		 "expect refcnt middle 2\n"
		 "expect refcnt early2 2\n"
		 "expect freed x99999\n");
	/* the last ones to die are still known as dead */
	char want[128];
	snprintf(want, sizeof(want),
		 "id 'x99999' is dead: its object was freed at step %llu (line %llu)",
		 (unsigned long long)last, (unsigned long long)t->ev_line);
	TH_ERR(t, "ref late x99999\n", 1, 10, want);
	/* every ID can be bound again, forgotten or not */
	TH_OK(t, "alloc x0 list\n"
		 "alloc x50000 list\n"
		 "alloc x99999 list\n"
		 "ref x0 x99999\n"
		 "expect refcnt x99999 2\n"
		 "alloc fresh list\n"
		 "expect alive early0\n");
	TH_HEAP(t);
	th_close(t);
}

/* One ID bound and freed 100,000 times: its last death counts. */
static void one_id_bound_and_freed_many_times_keeps_working(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct th *t = th_open("3.12");

	t->check_each = 0;
	for (int i = 0; i < N; i++) {
		if (th_alloc(t, "r", SIM_T_LIST) || th_del(t, "r")) {
			print_error("at %d: %s\n", i, t->diag.msg);
			fail();
		}
	}
	char want[128];
	snprintf(want, sizeof(want),
		 "id 'r' is dead: its object was freed at step %d (line %d)",
		 2 * N, 2 * N);
	TH_ERR(t, "ref r\n", 1, 5, want);
	TH_OK(t, "alloc r dict\n"
		 "expect alive r\n"
		 "expect untracked r\n");
	th_close(t);
}

/*
 * More names die in one step than the ring of dead names holds: the
 * step's freed list points at all their strings, which must stay valid
 * until the next step.
 */
static void names_freed_in_one_big_step_stay_readable(void **state)
{
	(void)state;
	enum { N = 70000 };
	struct th *t = th_open("3.12");
	char id[32];

	t->check_each = 0;
	TH_RC_OK(t, th_alloc(t, "holder", SIM_T_LIST));
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "m%d", i);
		if (th_alloc(t, id, SIM_T_FLOAT) || th_ref(t, "holder", id) ||
		    th_del(t, id)) {
			print_error("at %d: %s\n", i, t->diag.msg);
			fail();
		}
	}
	TH_RC_OK(t, th_del(t, "holder"));
	assert_int_equal(t->st.nfreed, N + 1);
	/* each name once */
	char *seen = calloc(N, 1);
	assert_non_null(seen);
	int holder = 0;
	for (uint32_t i = 0; i < t->st.nfreed; i++) {
		const char *s = t->st.freed[i];
		if (strcmp(s, "holder") == 0) {
			holder++;
			continue;
		}
		int k = s[0] == 'm' ? atoi(s + 1) : -1;
		if (k < 0 || k >= N || seen[k]) {
			free(seen);
			print_error("freed[%u] = '%s'\n", i, s);
			fail();
		}
		seen[k] = 1;
	}
	free(seen);
	assert_int_equal(holder, 1);
	TH_HEAP(t);
	th_close(t);
}

struct name_list {
	int n, exact;
	int64_t refcnt_a;
};

static void collect_name(void *arg, const char *id, int type, int64_t refcnt,
			 int exact)
{
	struct name_list *l = arg;

	(void)type;
	l->n++;
	l->exact += exact;
	if (strcmp(id, "a") == 0)
		l->refcnt_a = refcnt;
}

static void each_name_lists_the_live_names_only(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");
	struct name_list l = { 0, 0, -1 };

	TH_OK(t, "alloc a list\n"
		 "alloc b list\n"
		 "ref a b\n"
		 "del b\n"
		 "alloc c int 7\n"
		 "alloc c2 int 7\n"
		 "alloc s str \"x y\"\n"
		 "alloc dead list\n"
		 "del dead\n");
	sim_each_name(t->s, collect_name, &l);
	/* a b c c2 s: not dead */
	assert_int_equal(l.n, 5);
	/* exact refcounts: the lists and the runtime str (cached ints are
	 * not, nor 3.12's immortal interned strs) */
	assert_int_equal(l.exact, 3);
	assert_int_equal(l.refcnt_a, 1);
	th_close(t);
}

/*
 * Memory is bounded by the live heap: the names of objects that died are
 * remembered (with the step they died at) for the last 65536 deaths, and
 * then forgotten, so an ID freed long ago reads as unknown.
 */
static void an_id_freed_long_ago_is_forgotten_to_bound_memory(void **state)
{
	(void)state;
	enum { N = 70000 };
	struct th *t = th_open("3.12");
	char id[32];

	t->check_each = 0;
	TH_OK(t, "alloc old list\n"
		 "del old\n");
	TH_ERR(t, "ref old\n", 1, 5,
	       "id 'old' is dead: its object was freed at step 2 (line 2)");
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "x%d", i);
		if (th_alloc(t, id, SIM_T_LIST) || th_del(t, id))
			fail();
	}
	TH_ERR(t, "ref old\n", 1, 5, "unknown id 'old'");
	th_close(t);
}

/* The ring of dead names starts small and grows: the bound is exact all the same. */
static void a_dead_id_is_remembered_for_exactly_65536_deaths(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");
	char id[32];

	t->check_each = 0;
	TH_OK(t, "alloc old list\n"
		 "del old\n");
	for (int i = 0; i < 65535; i++) {
		snprintf(id, sizeof(id), "x%d", i);
		if (th_alloc(t, id, SIM_T_LIST) || th_del(t, id))
			fail();
	}
	TH_ERR(t, "ref old\n", 1, 5,
	       "id 'old' is dead: its object was freed at step 2 (line 2)");
	if (th_alloc(t, "last", SIM_T_LIST) || th_del(t, "last"))
		fail();
	TH_ERR(t, "ref old\n", 1, 5, "unknown id 'old'");
	th_close(t);
}

/* `x = 7; del x; x = 8`: an ID that let go of a cached int is free again. */
static void an_id_let_go_of_a_cached_int_can_be_bound_again(void **state)
{
	(void)state;
	struct th *t = th_open("3.11");

	TH_OK(t, "alloc x int 7\n"
		 "alloc l list\n"
		 "ref l x\n"
		 "del x\n"
		 "unref l x\n"     /* still usable: the int lives on */
		 "alloc x int 8\n"
		 "alloc y int 8\n"
		 "expect same x y\n");
	TH_ERR(t, "alloc l list\n", 1, 7,
	       "id 'l' is still bound to a live list (since line 2); use a fresh id");
	th_close(t);
}

/*
 * A fresh ID for every small int and interned str, each dropped at once,
 * must not grow the name table: those names are forgotten like dead ones.
 */
static void fresh_ids_for_cached_objects_keep_the_name_table_bounded(void **state)
{
	(void)state;
	enum { N = 300000 };
	struct th *t = th_open("3.12");
	char id[32];

	t->check_each = 0;
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "n%d", i);
		if (th_alloc_int(t, id, i % 200) || th_del(t, id))
			fail();
	}
	assert_true(names_count(t->s->names) < 70000);
	/* the most recent ones are still known */
	TH_OK(t, "alloc l list\n"
		 "ref l n299999\n");
	th_close(t);
}

/*
 * IDs of every length the reader allows, stored in the record or apart,
 * bound, freed, forgotten and bound again while the table is checked
 * (names_check: every name found under its ID, probe sequences without
 * holes after deletions, the rooted set, the ring) every ten thousand steps.
 */
static void ids_of_every_length_survive_churn_and_forgetting(void **state)
{
	(void)state;
	enum { N = 150000, LIVE = 64 };
	struct th *t = th_open("3.12");
	char id[SIM_ID_MAX + 1], msg[512];
	uint32_t seed = 12345;

	t->check_each = 0;
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		/* lengths 1..SIM_ID_MAX, most of them short */
		int len = (seed >> 16) % 8 == 0 ? 1 + (int)((seed >> 8) % SIM_ID_MAX) : 1 + (int)((seed >> 8) % 24);
		int k = snprintf(id, sizeof(id), "%d_", i);
		while (k < len)
			id[k] = (char)('a' + (i + k) % 26), k++;
		id[k] = 0;
		if (th_alloc(t, id, SIM_T_LIST) || th_del(t, id)) {
			print_error("at %d: %s\n", i, t->diag.msg);
			fail();
		}
		/* every name held as a root is in the rooted set, and only those */
		if (i % 9973 == 0 && sim_heap_check(t->s, msg, sizeof(msg)) != 0) {
			print_error("at %d: %s\n", i, msg);
			fail();
		}
		if (i % LIVE == 0 && th_alloc(t, id, SIM_T_DICT)) /* bound again, kept */
			fail();
	}
	/* The last one died recently and is remembered; bound again it works. */
	uint32_t ix = names_find(t->s->names, id);
	assert_int_not_equal(ix, 0);
	assert_int_equal(names_obj(t->s->names, ix), 0);
	TH_RC_OK(t, th_alloc(t, id, SIM_T_SET));
	assert_int_equal(names_find(t->s->names, id), ix);
	assert_int_not_equal(names_obj(t->s->names, ix), 0);
	/* Early dead IDs are forgotten: memory follows the live heap. */
	assert_true(names_count(t->s->names) < (1u << 16) + N / LIVE + 16);
	assert_int_equal(names_find(t->s->names, "1_"), 0);
	TH_HEAP(t);
	th_close(t);
}

/* A token in the middle of a line is looked up by its bytes and length. */
static void an_id_is_found_by_its_bytes_and_length(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");
	const char *line = "ref abcdefghijkl abc x";

	TH_OK(t, "alloc abc list\n"
		 "alloc abcdefghijkl dict\n");
	uint32_t a = names_find(t->s->names, "abc");
	uint32_t b = names_find(t->s->names, "abcdefghijkl");
	assert_int_not_equal(a, 0);
	assert_int_not_equal(b, 0);
	assert_int_equal(names_find_n(t->s->names, line + 4, 12), b);
	assert_int_equal(names_find_n(t->s->names, line + 17, 3), a);
	/* The same bytes elsewhere are the same ID; a prefix or a longer run is another. */
	assert_int_equal(names_find_n(t->s->names, line + 4, 3), a);
	assert_int_equal(names_find_n(t->s->names, line + 17, 4), 0);
	assert_int_equal(names_find_n(t->s->names, line + 4, 5), 0);
	assert_int_equal(names_find_n(t->s->names, line + 4, 11), 0);
	th_close(t);
}

/*
 * A name whose last root went stays in the rooted list until it is
 * pruned; pruning keeps exactly the names that hold roots.
 */
static void pruning_the_rooted_list_keeps_the_names_with_roots(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");
	char msg[512];

	TH_OK(t, "alloc a list\n"
		 "alloc b list\n"
		 "ref a b\n"
		 "del b\n"           /* b: no root left, alive in a */
		 "alloc c int 5\n"
		 "del c\n");         /* c: idle */
	struct names *n = t->s->names;
	uint32_t a = names_find(n, "a");
	assert_int_equal(names_nrooted(n), 3);
	assert_int_equal(names_check(n, msg, sizeof(msg)), 0);
	names_prune_rooted(n);
	assert_int_equal(names_nrooted(n), 1);
	assert_int_equal(names_rooted(n, 0), a);
	assert_int_equal(names_check(n, msg, sizeof(msg)), 0);
	TH_OK(t, "ref b\n");       /* listed again */
	assert_int_equal(names_nrooted(n), 2);
	assert_int_equal(names_check(n, msg, sizeof(msg)), 0);
	TH_HEAP(t);
	th_close(t);
}

/* An object's references are bounded (SIM_REFCNT_MAX): one more is refused. */
static void a_reference_past_the_refcount_bound_is_refused(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a list\n"
		 "alloc b dict\n");
	oref h = names_obj(t->s->names, names_find(t->s->names, "b"));
	t->check_each = 0; /* the count is made up: the heap check would object */
	t->s->objs[h].refcnt = SIM_REFCNT_MAX;
	assert_int_equal(th_run(t, "ref b\n"), SIM_ETRACE);
	assert_string_equal(t->diag.msg, "'b' has too many references (2147483647)");
	assert_int_equal(t->diag.col, 5);
	assert_int_equal(th_run(t, "ref a b\n"), SIM_ETRACE);
	assert_string_equal(t->diag.msg, "'b' has too many references (2147483647)");
	assert_int_equal(t->diag.col, 7);
	t->s->objs[h].refcnt = 1;
	t->check_each = 1;
	TH_OK(t, "ref a b\n");
	th_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(a_dead_id_reports_the_step_and_line_it_died),
		TH_TEST(an_id_may_be_bound_again_after_its_object_died),
		TH_TEST(two_ids_name_one_cached_object_each_with_its_own_root),
		TH_TEST(many_ids_bound_and_freed_leave_live_ids_working),
		TH_TEST(one_id_bound_and_freed_many_times_keeps_working),
		TH_TEST(names_freed_in_one_big_step_stay_readable),
		TH_TEST(each_name_lists_the_live_names_only),
		TH_TEST(an_id_freed_long_ago_is_forgotten_to_bound_memory),
		TH_TEST(a_dead_id_is_remembered_for_exactly_65536_deaths),
		TH_TEST(an_id_let_go_of_a_cached_int_can_be_bound_again),
		TH_TEST(fresh_ids_for_cached_objects_keep_the_name_table_bounded),
		TH_TEST(ids_of_every_length_survive_churn_and_forgetting),
		TH_TEST(an_id_is_found_by_its_bytes_and_length),
		TH_TEST(pruning_the_rooted_list_keeps_the_names_with_roots),
		TH_TEST(a_reference_past_the_refcount_bound_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
