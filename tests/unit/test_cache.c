/*
 * test_cache.c - singletons, caches, interning, free lists, the count0
 * rules that go with them, and set membership by equality (sim/cache.c).
 * Expected values come from ../../../shared/reference/cpython-gc-rules.md
 * (cited by section as "rules 6.2").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit_helpers.h"

#define IMMORTAL 4294967295LL /* rules 8: 3.12's _Py_IMMORTAL_REFCNT */

/* 3.12 first: the default profile. */
static const char *const generational[] = { "3.12", "3.11" };

/* expect same a b, which must not hold, with its message. */
static void assert_not_same(struct th *t, const char *a, const char *b)
{
	char line[128], msg[512], want[256];

	snprintf(line, sizeof(line), "expect same %s %s\n", a, b);
	snprintf(want, sizeof(want),
		 "expected '%s' and '%s' to be the same object, found two objects",
		 a, b);
	assert_int_equal(th_expect(t, line, msg, sizeof(msg)), 0);
	assert_string_equal(msg, want);
}

/* ---- small ints (rules 6.1) ---- */

static void small_ints_from_minus_5_to_256_are_one_object_each(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc a int -5\n"
			 "alloc b int -5\n"
			 "expect same a b\n"
			 "alloc c int 0\n"
			 "alloc d int 0\n"
			 "expect same c d\n"
			 "alloc e int 256\n"
			 "alloc f int 256\n"
			 "expect same e f\n");
		TH_OK(t, "alloc g int 257\n"
			 "alloc h int 257\n"
			 "alloc i int -6\n"
			 "alloc j int -6\n");
		assert_not_same(t, "g", "h");
		assert_not_same(t, "i", "j");
		assert_not_same(t, "a", "c");
		/* 3 cached ints, 4 new ones */
		assert_int_equal(t->st.live, 7);
		th_close(t);
	}
}

static void small_ints_are_immortal_in_3_12(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a int 7\n"
		 "expect refcnt a 4294967295\n");
	assert_true(t->st.immortal);
	assert_true(t->st.cached);
	TH_OK(t, "alloc b int 7\n"
		 "ref a\n"
		 "alloc l list\n"
		 "ref l a\n"
		 "expect refcnt a 4294967295\n"
		 "del a\n"
		 "del a\n"
		 "del b\n"
		 "expect refcnt b 4294967295\n"
		 "expect alive a\n");
	TH_OK(t, "alloc big int 1000\n"
		 "expect refcnt big 1\n");
	assert_false(t->st.immortal);
	th_close(t);
}

/* 3.11 (rules 6.1): the cache's ints are not immortal, so every reference
 * moves the count, but the cache's own reference keeps them alive. */
static void small_ints_are_counted_but_never_freed_in_3_11(void **state)
{
	(void)state;
	struct th *t = th_open("3.11");

	TH_OK(t, "alloc a int 7\n");
	int64_t r = t->st.refcnt;
	assert_false(t->st.immortal);
	assert_true(t->st.cached);
	TH_OK(t, "alloc b int 7\n");
	assert_int_equal(t->st.refcnt, r + 1);
	TH_OK(t, "ref a\n");
	assert_int_equal(t->st.refcnt, r + 2);
	TH_OK(t, "del a\n"
		 "del a\n");
	assert_int_equal(t->st.refcnt, r);
	TH_OK(t, "del b\n"
		 "expect alive b\n"
		 "expect alive a\n");
	assert_int_equal(t->st.refcnt, r - 1);
	assert_int_equal(t->st.nfreed, 0);
	TH_OK(t, "alloc c int 7\n"
		 "expect same a c\n");
	assert_int_equal(t->st.refcnt, r);
	th_close(t);
}

/* ---- strings, bytes, singletons (rules 6.1, 6.3) ---- */

static void latin1_characters_and_the_empty_str_are_singletons(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc a str \"\xc3\xa9\"\n"       /* U+00E9 */
			 "alloc b str \"\xc3\xa9\"\n"
			 "expect same a b\n"
			 "alloc c str \"\xc3\xbf\"\n"       /* U+00FF */
			 "alloc d str \"\xc3\xbf\"\n"
			 "expect same c d\n"
			 "alloc e str \"\"\n"
			 "alloc f str \"\"\n"
			 "expect same e f\n"
			 "alloc g str \"!\"\n"
			 "alloc h str \"!\"\n"
			 "expect same g h\n"
			 "alloc i str x\n"
			 "alloc j str \"x\"\n"
			 "expect same i j\n");
		TH_OK(t, "alloc k str \"\xc4\x80\"\n"       /* U+0100 */
			 "alloc l str \"\xc4\x80\"\n"
			 "alloc m str \"!!\"\n"
			 "alloc n str \"!!\"\n");
		assert_not_same(t, "k", "l");
		assert_not_same(t, "m", "n");
		assert_not_same(t, "a", "c");
		th_close(t);
	}
}

static void identifier_like_strs_are_interned_and_others_are_not(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);
		struct tb b = { 0 };

		/* rules 6.3: [a-zA-Z0-9_]*, ASCII, no length limit */
		tb_add(&b, "alloc a str hello\n"
			   "alloc b str \"hello\"\n"
			   "expect same a b\n"
			   "alloc c str Hello_World_42\n"
			   "alloc d str Hello_World_42\n"
			   "expect same c d\n"
			   "alloc e str 123\n"
			   "alloc f str \"123\"\n"
			   "expect same e f\n"
			   "alloc g str ");
		for (int i = 0; i < 300; i++)
			tb_add(&b, "%c", 'a' + i % 26);
		tb_add(&b, "\nalloc h str ");
		for (int i = 0; i < 300; i++)
			tb_add(&b, "%c", 'a' + i % 26);
		tb_add(&b, "\nexpect same g h\n");
		int rc = th_run(t, b.p);
		tb_free(&b);
		TH_RC_OK(t, rc);
		TH_OK(t, "alloc i str \"hello world\"\n"
			 "alloc j str \"hello world\"\n"
			 "alloc k str \"h\xc3\xa9llo\"\n"
			 "alloc l str \"h\xc3\xa9llo\"\n"
			 "alloc m str \"a-b\"\n"
			 "alloc n str \"a-b\"\n");
		assert_not_same(t, "i", "j");
		assert_not_same(t, "k", "l");
		assert_not_same(t, "m", "n");
		assert_not_same(t, "a", "c");
		th_close(t);
	}
}

/* rules 8: all interned strings are immortal in 3.12; others are not. */
static void interned_strs_are_immortal_in_3_12_and_others_mortal(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc a str hello\n"
		 "expect refcnt a 4294967295\n"
		 "alloc b str \"hello world\"\n"
		 "expect refcnt b 1\n"
		 "alloc l list\n"
		 "ref l b\n"
		 "expect refcnt b 2\n"
		 "del b\n"
		 "unref l b\n"
		 "expect freed b\n");
	th_close(t);
}

/*
 * rules 6.3, 8: 3.13 interns code constants mortal (intern_constants ->
 * _PyUnicode_InternMortal).  The interned table's two references are not
 * counted; the code object's one is: a literal held by one name has
 * refcount 2, and 1 again when the name lets it go.  3.11 counts the same.
 */
static void interned_strs_are_mortal_in_3_13_and_3_11(void **state)
{
	(void)state;
	static const char *const versions[] = { "3.13", "3.11" };

	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(versions[p]);

		TH_OK(t, "alloc a str hello\n"
			 "expect refcnt a 2\n"
			 "alloc b str hello\n"
			 "expect same a b\n"
			 "expect refcnt a 3\n"
			 "alloc l list\n"
			 "ref l a\n"
			 "expect refcnt b 4\n"
			 "del a\n"
			 "del b\n"
			 "expect refcnt a 2\n"
			 "unref l a\n"
			 "expect refcnt a 1\n"
			 "expect alive a\n");
		assert_false(t->st.immortal);
		th_close(t);
	}
}

static void empty_bytes_and_single_bytes_are_singletons(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc a bytes \"\"\n"
			 "alloc b bytes \"\"\n"
			 "expect same a b\n"
			 "alloc c bytes \"z\"\n"
			 "alloc d bytes \"z\"\n"
			 "expect same c d\n"
			 "alloc e bytes \"\\x00\"\n"
			 "alloc f bytes \"\\x00\"\n"
			 "expect same e f\n"
			 "alloc g bytes \"\\xff\"\n"
			 "alloc h bytes \"\\xff\"\n"
			 "expect same g h\n");
		TH_OK(t, "alloc i bytes \"zz\"\n"
			 "alloc j bytes \"zz\"\n");
		assert_not_same(t, "i", "j");
		assert_not_same(t, "c", "g");
		assert_not_same(t, "a", "e");
		th_close(t);
	}
}

static void the_empty_tuple_is_a_singleton_that_is_never_tracked(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc a tuple 0\n"
			 "alloc b tuple\n"
			 "expect same a b\n"
			 "expect untracked a\n"
			 "expect count 0 0 0\n"
			 "del a\n"
			 "del b\n"
			 "alloc c tuple 0\n"
			 "expect same a c\n"
			 "expect count 0 0 0\n");
		assert_int_equal(t->st.gen_sizes[0], 0);
		th_close(t);
	}
}

/*
 * pack: tracked up to 3.14.0, from 3.14.1 only with an item of a GC type
 * (maybe_tracked in 3.14.7's Objects/tupleobject.c; the oracles agree:
 * tests/conformance/traces/pack-*.trace, traces314/pack-ints.trace).
 */
static void a_packed_tuple_of_ints_is_tracked_only_before_3_14_1(void **state)
{
	static const struct {
		const char *python;
		int tracked; /* (i, j) tracked */
		int counts;  /* ... and count0 after it */
	} v[] = {
		{ "3.8", 1, 1 }, { "3.11", 1, 1 }, { "3.12", 1, 1 },
		{ "3.13", 1, 1 }, { "3.14.0", 1, 1 },
		{ "3.14.2", 0, 0 }, /* counts trackings */
		{ "3.14", 0, 1 },   /* counts allocations */
	};

	(void)state;
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		struct th *t = th_open(v[k].python);

		TH_OK(t, "alloc i int 1000\n"
			 "alloc j int 1001\n"
			 "pack p i j\n");
		assert_int_equal(t->st.gen_sizes[0] + t->st.gen_sizes[1] +
				 t->st.gen_sizes[2], v[k].tracked);
		assert_int_equal(t->st.count[0], v[k].counts);
		/* an untracked tuple is an item of a GC type: q is tracked */
		TH_OK(t, "pack q p i\n"
			 "expect tracked q\n"
			 "expect refcnt p 2\n"
			 "expect refcnt i 3\n");
		th_close(t);
	}
}

static void a_packed_tuple_comes_from_the_free_list_and_holds_its_items(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc l list\n"
			 "pack t l l l\n"
			 "expect tracked t\n"
			 "expect refcnt l 4\n"
			 "del t\n"
			 "expect refcnt l 1\n"
			 "expect freelist tuple:3 1\n"
			 "pack u l l l\n"
			 "expect freelist tuple:3 0\n");
		th_close(t);
	}
}

static void none_true_and_false_are_singletons(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc n1 none\n"
			 "alloc n2 none\n"
			 "expect same n1 n2\n"
			 "alloc t1 bool true\n"
			 "alloc t2 bool true\n"
			 "expect same t1 t2\n"
			 "alloc f1 bool false\n"
			 "alloc f2 bool false\n"
			 "expect same f1 f2\n");
		assert_not_same(t, "t1", "f1");
		assert_not_same(t, "n1", "f1");
		th_close(t);
	}
}

static void singletons_are_immortal_in_3_12_and_counted_in_3_11(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc n none\n"
		 "ref n\n"
		 "alloc t bool true\n"
		 "alloc e tuple 0\n"
		 "alloc s str \"\"\n"
		 "alloc c str \"\xc3\xa9\"\n"
		 "alloc b bytes \"q\"\n"
		 "expect refcnt n 4294967295\n"
		 "expect refcnt t 4294967295\n"
		 "expect refcnt e 4294967295\n"
		 "expect refcnt s 4294967295\n"
		 "expect refcnt c 4294967295\n"
		 "expect refcnt b 4294967295\n");
	th_close(t);

	t = th_open("3.11");
	TH_OK(t, "alloc n none\n");
	int64_t r = t->st.refcnt;
	assert_false(t->st.immortal);
	TH_OK(t, "ref n\n");
	assert_int_equal(t->st.refcnt, r + 1);
	TH_OK(t, "alloc n2 none\n");
	assert_int_equal(t->st.refcnt, r + 2);
	TH_OK(t, "del n\n");
	assert_int_equal(t->st.refcnt, r + 1);
	TH_OK(t, "alloc e tuple 0\n");
	r = t->st.refcnt;
	TH_OK(t, "alloc e2 tuple 0\n");
	assert_int_equal(t->st.refcnt, r + 1);
	th_close(t);
}

/* ---- free lists and count0 (rules 2.1, 2.2, 6.2) ---- */

/* n objects of one type, named pN, then all dropped. */
static void keep_then_drop(struct th *t, int n, const char *type)
{
	struct tb b = { 0 };

	for (int i = 0; i < n; i++)
		tb_add(&b, "alloc p%d %s\n", i, type);
	for (int i = 0; i < n; i++)
		tb_add(&b, "del p%d\n", i);
	int rc = th_run(t, b.p);
	tb_free(&b);
	TH_RC_OK(t, rc);
}

static void make(struct th *t, int n, const char *type)
{
	struct tb b = { 0 };

	for (int i = 0; i < n; i++)
		tb_add(&b, "alloc p%d %s\n", i, type);
	int rc = th_run(t, b.p);
	tb_free(&b);
	TH_RC_OK(t, rc);
}

/* rules 6.2 drift.py: keep 100, drop (-20), make 100 again (+20). */
static void the_list_free_list_keeps_80_and_reuse_does_not_count(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		make(t, 100, "list");
		TH_OK(t, "expect count 100 0 0\n"
			 "expect freelist list 0\n");
		TH_OK(t, "del p0\n"
			 "expect freelist list 1\n"
			 "expect count 100 0 0\n");
		struct tb b = { 0 };
		for (int i = 1; i < 100; i++)
			tb_add(&b, "del p%d\n", i);
		int rc = th_run(t, b.p);
		tb_free(&b);
		TH_RC_OK(t, rc);
		TH_OK(t, "expect freelist list 80\n"
			 "expect count 80 0 0\n");
		make(t, 100, "list");
		TH_OK(t, "expect freelist list 0\n"
			 "expect count 100 0 0\n");
		assert_int_equal(t->st.ncollections, 0);
		th_close(t);
	}
}

static void the_dict_free_list_keeps_80(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		keep_then_drop(t, 100, "dict");
		TH_OK(t, "expect freelist dict 80\n"
			 "expect count 80 0 0\n"
			 "expect freelist list 0\n");
		make(t, 90, "dict");
		TH_OK(t, "expect freelist dict 0\n"
			 "expect count 90 0 0\n");
		th_close(t);
	}
}

static void the_float_free_list_keeps_100_and_never_counts(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		keep_then_drop(t, 150, "float 2.5");
		TH_OK(t, "expect freelist float 100\n"
			 "expect count 0 0 0\n");
		make(t, 30, "float 0.5");
		TH_OK(t, "expect freelist float 70\n"
			 "expect count 0 0 0\n");
		th_close(t);
	}
}

/* 2001 one-tuples, each filled, then dropped: 2000 are kept. */
static void a_tuple_free_list_keeps_2000_per_length(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);
		struct tb b = { 0 };

		t->check_each = 0;
		tb_add(&b, "gc disable\nalloc one int 1000\n");
		for (int i = 0; i < 2001; i++)
			tb_add(&b, "alloc p%d tuple 1\nref p%d one\n", i, i);
		tb_add(&b, "expect count 2001 0 0\n");
		for (int i = 0; i < 2001; i++)
			tb_add(&b, "del p%d\n", i);
		int rc = th_run(t, b.p);
		tb_free(&b);
		TH_RC_OK(t, rc);
		TH_OK(t, "expect freelist tuple:1 2000\n"
			 "expect freelist tuple:2 0\n"
			 "expect count 2000 0 0\n");
		assert_int_equal(t->st.freelist.tuple[0], 2000);
		/* a pair neither takes from nor gives to the 1-tuples */
		TH_OK(t, "alloc q tuple 2\n"
			 "expect freelist tuple:1 2000\n"
			 "expect count 2001 0 0\n"
			 "del q\n"
			 "expect freelist tuple:2 1\n"
			 "alloc r tuple 1\n"
			 "expect freelist tuple:1 1999\n"
			 "expect count 2001 0 0\n");
		th_close(t);
	}
}

/* rules 2.1, 5.1, 11: which allocations count in generation 0. */
static void count0_rises_only_for_gc_objects_from_the_allocator(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc l list\n"
			 "expect count 1 0 0\n"
			 "alloc d dict\n"
			 "expect count 2 0 0\n"
			 "expect untracked d\n"
			 "alloc s set\n"
			 "expect count 3 0 0\n"
			 "alloc o object\n"
			 "expect count 4 0 0\n"
			 "alloc t tuple 2\n"
			 "expect count 5 0 0\n"
			 "expect tracked t\n"
			 "alloc e tuple 0\n"
			 "alloc i int 100000\n"
			 "alloc f float 3.25\n"
			 "alloc st str \"a b\"\n"
			 "alloc by bytes \"xy\"\n"
			 "alloc n none\n"
			 "alloc b bool false\n"
			 "alloc si int 3\n"
			 "expect count 5 0 0\n");
		assert_int_equal(t->st.gen_sizes[0], 4); /* l s o t */
		th_close(t);
	}
}

static void count0_falls_only_when_a_gc_object_returns_to_the_allocator(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		make(t, 81, "list");
		TH_OK(t, "alloc big tuple 25\n"
			 "alloc i int 100000\n"
			 "alloc f float 1.0\n"
			 "alloc d dict\n"
			 "expect count 83 0 0\n"
			 "del i\n"
			 "del f\n"
			 "expect count 83 0 0\n"
			 "del d\n"                 /* to the dict free list */
			 "expect count 83 0 0\n"
			 "del big\n"               /* no free list for length 25 */
			 "expect count 82 0 0\n"
			 "expect freelist tuple:20 0\n");
		struct tb b = { 0 };
		for (int i = 0; i < 80; i++)
			tb_add(&b, "del p%d\n", i);
		tb_add(&b, "expect count 82 0 0\n"
			   "expect freelist list 80\n"
			   "del p80\n"
			   "expect count 81 0 0\n"
			   "expect freelist list 80\n");
		int rc = th_run(t, b.p);
		tb_free(&b);
		TH_RC_OK(t, rc);
		th_close(t);
	}
}

/* rules 2.2: "if (count > 0) count--": frees before allocations do not
 * offset them. */
static void count0_never_falls_below_zero(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		make(t, 90, "list");
		TH_OK(t, "collect 0\n"
			 "expect count 0 1 0\n");
		struct tb b = { 0 };
		for (int i = 0; i < 90; i++)
			tb_add(&b, "del p%d\n", i);
		tb_add(&b, "expect count 0 1 0\n"
			   "expect freelist list 80\n"
			   "alloc x list\n"
			   "expect count 0 1 0\n"
			   "alloc y set\n"
			   "expect count 1 1 0\n");
		int rc = th_run(t, b.p);
		tb_free(&b);
		TH_RC_OK(t, rc);
		th_close(t);
	}
}

/*
 * rules 6.2 and 11: in 3.11 and 3.12 maybe_freelist_push keeps a 20-tuple
 * but maybe_freelist_pop never hands one out, so every size-20 tuple comes
 * from the allocator (count0 +1) and goes to the free list (no -1).
 */
static void size_20_tuples_are_pushed_never_reused_and_drift_count0(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);
		struct tb b = { 0 };

		tb_add(&b, "alloc one int 1000\n");
		for (int k = 0; k < 5; k++) {
			tb_add(&b, "alloc t%d tuple 20\n", k);
			for (int i = 0; i < 20; i++)
				tb_add(&b, "ref t%d one\n", k);
			tb_add(&b, "expect count %d 0 0\n"
				   "expect freelist tuple:20 %d\n",
			       k + 1, k);
			tb_add(&b, "del t%d\n", k);
			tb_add(&b, "expect count %d 0 0\n"
				   "expect freelist tuple:20 %d\n",
			       k + 1, k + 1);
		}
		/* a 19-tuple is reused: the count stays put */
		for (int k = 0; k < 5; k++) {
			tb_add(&b, "alloc u%d tuple 19\n", k);
			for (int i = 0; i < 19; i++)
				tb_add(&b, "ref u%d one\n", k);
			tb_add(&b, "del u%d\n", k);
			tb_add(&b, "expect count 6 0 0\n"
				   "expect freelist tuple:19 1\n");
		}
		int rc = th_run(t, b.p);
		tb_free(&b);
		TH_RC_OK(t, rc);
		assert_int_equal(t->st.freelist.tuple[19], 5);
		th_close(t);
	}
}

/* ---- set membership by equality (SPEC 1) ---- */

static void ref_set(struct th *t, const char *set, const char *member,
		    int want_duplicate)
{
	char line[128];

	snprintf(line, sizeof(line), "ref %s %s\n", set, member);
	TH_OK(t, line);
	if (th_has_effect(t, SIM_FX_SET_DUPLICATE, -1) != want_duplicate) {
		print_error("ref %s %s: %s\n", set, member,
			    want_duplicate ? "expected an equal member already there" :
					     "expected a new member");
		fail();
	}
}

static void one_and_one_point_zero_and_true_are_one_member(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc s set\n"
			 "alloc f float 1.0\n"
			 "alloc i int 1\n"
			 "alloc b bool true\n");
		ref_set(t, "s", "f", 0);
		ref_set(t, "s", "i", 1);
		ref_set(t, "s", "b", 1);
		TH_OK(t, "expect refcnt f 2\n");
		/* set.remove(1) removes the equal member, the float */
		TH_OK(t, "unref s i\n"
			 "expect refcnt f 1\n");
		ref_set(t, "s", "b", 0);
		ref_set(t, "s", "f", 1);
		ref_set(t, "s", "i", 1);
		th_close(t);
	}
}

static void true_and_false_are_different_members(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc s set\n"
			 "alloc t bool true\n"
			 "alloc f bool false\n"
			 "alloc zero int 0\n"
			 "alloc one int 1\n"
			 "alloc z float 0.0\n");
		ref_set(t, "s", "t", 0);
		ref_set(t, "s", "f", 0);   /* {True, False} has two members */
		ref_set(t, "s", "zero", 1); /* 0 == False */
		ref_set(t, "s", "one", 1);  /* 1 == True */
		ref_set(t, "s", "z", 1);    /* 0.0 == False */
		th_close(t);
	}
}

static void a_huge_int_and_a_float_are_one_member_only_when_exactly_equal(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	/* 1e30 is 1000000000000000019884624838656 as a double */
	TH_OK(t, "alloc s set\n"
		 "alloc big int 1000000000000000000000000000000\n"
		 "alloc fl float 1e30\n"
		 "alloc p int 1267650600228229401496703205376\n" /* 2**100 */
		 "alloc pf float 1267650600228229401496703205376.0\n"
		 "alloc odd int 9007199254740993\n"              /* 2**53+1 */
		 "alloc even float 9007199254740992.0\n"
		 "alloc big2 int 1000000000000000000000000000000\n");
	ref_set(t, "s", "big", 0);
	ref_set(t, "s", "fl", 0);
	ref_set(t, "s", "p", 0);
	ref_set(t, "s", "pf", 1);
	ref_set(t, "s", "odd", 0);
	ref_set(t, "s", "even", 0);
	ref_set(t, "s", "big2", 1);
	TH_OK(t, "expect refcnt fl 2\n"
		 "expect refcnt pf 1\n"
		 "expect refcnt big2 1\n"
		 "unref s pf\n"          /* removes p */
		 "expect refcnt p 1\n"
		 "expect refcnt big 2\n");
	th_close(t);
}

static void equal_strs_and_bytes_are_one_member_but_str_is_not_bytes(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc s set\n"
		 "alloc a str \"two words\"\n"
		 "alloc b str \"two words\"\n"
		 "alloc c bytes \"two words\"\n"
		 "alloc d bytes \"two words\"\n"
		 "alloc e str \"two  words\"\n");
	assert_not_same(t, "a", "b");
	ref_set(t, "s", "a", 0);
	ref_set(t, "s", "b", 1);
	ref_set(t, "s", "c", 0);
	ref_set(t, "s", "d", 1);
	ref_set(t, "s", "e", 0);
	TH_OK(t, "expect refcnt a 2\n"
		 "expect refcnt b 1\n"
		 "unref s b\n"
		 "expect refcnt a 1\n"
		 "expect refcnt c 2\n");
	th_close(t);
}

static void tuples_are_one_member_when_equal_item_by_item(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc s set\n"
		 "alloc one int 1\n"
		 "alloc onef float 1.0\n"
		 "alloc two int 2\n"
		 "alloc w str \"x y\"\n"
		 "alloc w2 str \"x y\"\n"
		 "alloc a tuple 2\nref a one\nref a w\n"      /* (1, 'x y') */
		 "alloc b tuple 2\nref b onef\nref b w2\n"    /* (1.0, 'x y') */
		 "alloc c tuple 2\nref c two\nref c w\n"      /* (2, 'x y') */
		 "alloc d tuple 1\nref d one\n"               /* (1,) */
		 "alloc e tuple 2\nref e a\nref e w\n"        /* ((1,'x y'),'x y') */
		 "alloc f tuple 2\nref f b\nref f w2\n");     /* ((1.0,'x y'),'x y') */
	ref_set(t, "s", "a", 0);
	ref_set(t, "s", "b", 1);
	ref_set(t, "s", "c", 0);
	ref_set(t, "s", "d", 0);
	ref_set(t, "s", "e", 0);
	ref_set(t, "s", "f", 1);
	TH_OK(t, "expect refcnt a 3\n"   /* name, s, e */
		 "expect refcnt b 2\n"   /* name, f */
		 "unref s b\n"
		 "expect refcnt a 2\n");
	th_close(t);
}

static void none_and_objects_are_members_by_identity(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc s set\n"
		 "alloc o1 object\n"
		 "alloc o2 object\n"
		 "alloc n none\n"
		 "alloc n2 none\n");
	ref_set(t, "s", "o1", 0);
	ref_set(t, "s", "o2", 0);
	ref_set(t, "s", "o1", 1);
	ref_set(t, "s", "n", 0);
	ref_set(t, "s", "n2", 1);
	TH_OK(t, "expect refcnt o1 2\n"
		 "expect refcnt o2 2\n");
	th_close(t);
}


/*
 * SPEC 1: nothing crashes.  A tuple nested a million deep is hashable (its
 * innermost item is an int) and joins a set; comparing it with an equal
 * one goes just as deep.  Run in a child process, so that a C stack
 * overflow fails this test alone.
 */
static int deep_tuple_child(void)
{
	enum { N = 1000000 };
	struct th *t = th_open("3.12");
	char cur[32], prev[32];

	t->check_each = 0;
	if (th_run(t, "alloc s set\nalloc x int 100000\n"))
		return 10;
	for (int chain = 0; chain < 2; chain++) {
		snprintf(cur, sizeof(cur), "%c0", 'a' + chain);
		if (th_alloc_tuple(t, cur, 1) || th_ref(t, cur, "x"))
			return 11;
		for (int k = 1; k < N; k++) {
			snprintf(cur, sizeof(cur), "%c%d", 'a' + chain, k);
			snprintf(prev, sizeof(prev), "%c%d", 'a' + chain, k - 1);
			if (th_alloc_tuple(t, cur, 1) || th_ref(t, cur, prev) ||
			    th_del(t, prev))
				return 12;
		}
	}
	snprintf(cur, sizeof(cur), "a%d", N - 1);
	if (th_ref(t, "s", cur))
		return 13;
	snprintf(cur, sizeof(cur), "b%d", N - 1);
	if (th_ref(t, "s", cur))
		return 14;
	/*
	 * CPython itself would stop with RecursionError long before; gcsim
	 * compares 10000 levels deep and then by identity, so the two chains
	 * are two members: what matters is that it does not crash.
	 */
	if (th_has_effect(t, SIM_FX_SET_DUPLICATE, -1))
		return 15;
	return 0;
}

/* A tuple that holds itself (only a trace can build one) near a set. */
static int self_tuple_child(void)
{
	struct th *t = th_open("3.12");
	int rc;

	t->check_each = 0;
	if (th_run(t, "alloc s set\n"
		      "alloc t tuple 1\n"
		      "ref t t\n"
		      "alloc u tuple 1\n"
		      "ref u u\n"))
		return 10;
	rc = th_run(t, "ref s t\n");
	if (rc != SIM_OK && rc != SIM_ETRACE)
		return 11;
	rc = th_run(t, "ref s u\n");
	if (rc != SIM_OK && rc != SIM_ETRACE)
		return 12;
	return 0;
}

static int in_child(int (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn());
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status)) {
		print_error("child killed by signal %d\n", WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status) != 0)
		print_error("child exit status %d\n", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

static void a_tuple_holding_itself_can_be_offered_to_a_set_without_a_crash(void **state)
{
	(void)state;
	assert_int_equal(in_child(self_tuple_child), 0);
}

static void hashing_and_comparing_a_million_deep_tuple_does_not_crash(void **state)
{
	(void)state;
	assert_int_equal(in_child(deep_tuple_child), 0);
}

/* The tuple that is not filled is the inner one, not the one named. */
static void a_set_member_holding_an_unfilled_tuple_is_refused_truthfully(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc s set\n"
		 "alloc x int 100000\n"
		 "alloc in tuple 2\n"
		 "ref in x\n"
		 "alloc out tuple 1\n"
		 "ref out in\n");
	assert_int_equal(th_run(t, "ref s out\n"), SIM_ETRACE);
	assert_int_equal(t->diag.line, 1);
	assert_int_equal(t->diag.col, 7);
	/* 'out' is full; saying "(1 of 1 items)" contradicts itself */
	if (strstr(t->diag.msg, "1 of 1") != NULL) {
		print_error("message: %s\n", t->diag.msg);
		fail();
	}
	TH_OK(t, "expect refcnt out 1\n");
	th_close(t);
}

/* ---- instances: inline values and the class's shared keys ---- */

/*
 * CPython 3.11/3.12 (dictobject.c, SPEC 1): the class's shared keys start
 * with SHARED_KEYS_MAX_SIZE = 30 usable entries (_PyDict_NewKeysForClass);
 * init_inline_values takes one per new instance while more than one is
 * left; insert_into_dictkeys takes one per new attribute name; when none
 * is left, _PyObject_StoreInstanceAttribute materializes the instance's
 * __dict__ (make_dict_from_instance_attributes: new_dict, tracked if a
 * value may be tracked), which counts in count0 like any dict.
 */

/* n attributes on o, all the value v: "ref o v" n times. */
static void set_attrs(struct th *t, const char *o, const char *v, int n)
{
	struct tb b = { 0 };

	for (int i = 0; i < n; i++)
		tb_add(&b, "ref %s %s\n", o, v);
	int rc = th_run(t, b.p);
	tb_free(&b);
	TH_RC_OK(t, rc);
	if (th_has_effect(t, SIM_FX_MATERIALIZED, -1)) {
		print_error("%s: __dict__ materialized too early\n", o);
		fail();
	}
}

/* One more attribute: it must (or must not) materialize the __dict__. */
static void set_attr(struct th *t, const char *o, const char *v,
		     int want_materialized)
{
	char line[128];

	snprintf(line, sizeof(line), "ref %s %s\n", o, v);
	TH_OK(t, line);
	if (th_has_effect(t, SIM_FX_MATERIALIZED, -1) != want_materialized) {
		print_error("ref %s %s: expected %s\n", o, v,
			    want_materialized ? "the __dict__ materialized" :
						"an inline attribute");
		fail();
	}
}

static void one_instance_holds_29_attributes_inline_and_the_30th_makes_a_dict(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc v int 100000\n"
			 "alloc o object\n"
			 "expect count 1 0 0\n"
			 "expect tracked o\n");
		/* 30 - 1 (the instance) = 29 usable */
		set_attrs(t, "o", "v", 29);
		TH_OK(t, "expect count 1 0 0\n"
			 "expect refcnt v 30\n");
		assert_int_equal(t->st.gen_sizes[0], 1);
		set_attr(t, "o", "v", 1);
		/* the dict came from the allocator; it holds only ints */
		TH_OK(t, "expect count 2 0 0\n"
			 "expect refcnt v 31\n"
			 "expect refcnt o 1\n");
		assert_int_equal(t->st.gen_sizes[0], 1);
		assert_int_equal(t->st.live, 3);
		/* later attributes go to the dict */
		set_attr(t, "o", "v", 0);
		TH_OK(t, "expect refcnt v 32\n"
			 "expect count 2 0 0\n");
		/* freeing o frees its dict, which goes to the dict free list */
		TH_OK(t, "del o\n"
			 "expect freed o\n"
			 "expect refcnt v 1\n"
			 "expect freelist dict 1\n"
			 "expect count 1 0 0\n");
		assert_int_equal(t->st.live, 1);
		assert_int_equal(t->st.nfreed, 1);
		assert_int_equal(t->st.freed_anon, 1); /* the __dict__ */
		th_close(t);
	}
}

static void a_materialized_dict_is_tracked_when_a_value_may_be(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		/* a list among the inline values: tracked at once */
		TH_OK(t, "alloc v int 100000\n"
			 "alloc l list\n"
			 "alloc o object\n"
			 "ref o l\n");
		set_attrs(t, "o", "v", 28);
		set_attr(t, "o", "v", 1);
		TH_OK(t, "expect count 3 0 0\n");
		assert_int_equal(t->st.gen_sizes[0], 3); /* l o dict */
		TH_OK(t, "expect refcnt l 2\n");

		/* only ints, then a list as the new attribute: tracked by
		 * the insertion (MAINTAIN_TRACKING) */
		TH_OK(t, "alloc q object\n");
		/* usable: 30 - 2 instances - 29 keys = 0: the keys are full */
		set_attrs(t, "q", "v", 29);
		set_attr(t, "q", "l", 1);
		TH_OK(t, "expect count 5 0 0\n"
			 "expect refcnt l 3\n");
		assert_int_equal(t->st.gen_sizes[0], 5);
		th_close(t);
	}
}

static void each_new_instance_takes_one_usable_entry_from_the_keys(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);
		struct tb b = { 0 };

		tb_add(&b, "alloc v int 100000\n");
		for (int i = 0; i < 10; i++)
			tb_add(&b, "alloc o%d object\n", i);
		int rc = th_run(t, b.p);
		tb_free(&b);
		TH_RC_OK(t, rc);
		/* 30 - 10 = 20 usable */
		set_attrs(t, "o0", "v", 20);
		TH_OK(t, "expect count 10 0 0\n");
		set_attr(t, "o0", "v", 1);
		TH_OK(t, "expect count 11 0 0\n");
		/* o9 knows a0..a19: inline; a20 is a new key, none usable */
		set_attrs(t, "o9", "v", 20);
		set_attr(t, "o9", "v", 1);
		TH_OK(t, "expect count 12 0 0\n");
		th_close(t);
	}
}

/* init_inline_values: "if (keys->dk_usable > 1) keys->dk_usable--". */
static void after_29_instances_the_keys_keep_one_usable_entry(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);
		struct tb b = { 0 };

		tb_add(&b, "alloc v int 100000\n");
		for (int i = 0; i < 40; i++)
			tb_add(&b, "alloc o%d object\n", i);
		int rc = th_run(t, b.p);
		tb_free(&b);
		TH_RC_OK(t, rc);
		set_attr(t, "o0", "v", 0);  /* a0: the last usable entry */
		set_attr(t, "o0", "v", 1);  /* a1: none left */
		set_attr(t, "o39", "v", 0); /* a0 is a known key */
		set_attr(t, "o39", "v", 1);
		TH_OK(t, "alloc late object\n");
		set_attr(t, "late", "v", 0);
		set_attr(t, "late", "v", 1);
		TH_OK(t, "expect count 44 0 0\n");
		th_close(t);
	}
}

static void instances_share_the_keys_they_add(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc v int 100000\n"
			 "alloc o1 object\n");  /* usable 29 */
		set_attrs(t, "o1", "v", 5);     /* a0..a4: usable 24 */
		TH_OK(t, "alloc o2 object\n");  /* usable 23 */
		set_attrs(t, "o2", "v", 28);    /* a5..a27 new: usable 0 */
		set_attr(t, "o2", "v", 1);      /* a28 */
		set_attrs(t, "o1", "v", 23);    /* a5..a27 are known */
		set_attr(t, "o1", "v", 1);      /* a28 is not */
		TH_OK(t, "alloc o3 object\n");  /* usable stays 0 */
		set_attrs(t, "o3", "v", 28);
		set_attr(t, "o3", "v", 1);
		TH_OK(t, "expect count 6 0 0\n"
			 "expect refcnt v 88\n");
		th_close(t);
	}
}

static void unref_removes_an_attribute_inline_or_from_the_dict(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc v int 100000\n"
			 "alloc x float 1.5\n"
			 "alloc y float 2.5\n"
			 "alloc z float 3.5\n"
			 "alloc o object\n"
			 "ref o x\n"
			 "ref o y\n"
			 "ref o x\n"
			 "expect refcnt x 3\n"
			 "unref o x\n"          /* delattr(o, 'a0') */
			 "expect refcnt x 2\n"
			 "expect refcnt y 2\n"
			 "unref o x\n"
			 "expect refcnt x 1\n");
		/* a3.. : 26 more inline, then the dict (keys: 29 usable) */
		set_attrs(t, "o", "v", 26);
		set_attr(t, "o", "z", 1);
		TH_OK(t, "expect refcnt z 2\n"
			 "expect refcnt y 2\n"
			 "unref o z\n"
			 "expect refcnt z 1\n"
			 "unref o y\n"
			 "expect refcnt y 1\n"
			 "expect refcnt v 27\n"
			 "expect count 2 0 0\n");
		TH_ERR(t, "unref o y\n", 1, 9, "object 'o' holds no reference to 'y'");
		TH_OK(t, "ref o y\n"
			 "expect refcnt y 2\n"
			 "del o\n"
			 "expect refcnt y 1\n"
			 "expect refcnt v 1\n");
		th_close(t);
	}
}

/* rules 4.1: an instance self-cycle is 1 collected object from 3.11 on. */
static void an_instance_self_cycle_is_one_collected_object(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);

		TH_OK(t, "alloc o object\n"
			 "ref o o\n"
			 "del o\n"
			 "collect\n"
			 "expect freed o\n"
			 "expect collected 1\n");
		th_close(t);
	}
}

/*
 * 3.11 collects inside the dict's allocation (rules 2.5), while the
 * instance is in use by the setattr: it and what it holds survive, even
 * when nothing else refers to them.  3.12 collects at the step's end,
 * when the setattr is over and the cycle is garbage.
 */
static void a_collection_inside_a_setattr_spares_the_instance(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		struct th *t = th_open(generational[p]);
		struct tb b = { 0 };

		tb_add(&b, "alloc v int 100000\n"
			   "alloc o object\n"
			   "alloc l list\n"
			   "ref l o\n"
			   "ref o l\n"
			   "del o\n"
			   "del l\n");
		for (int i = 0; i < 698; i++)
			tb_add(&b, "alloc p%d list\n", i);
		tb_add(&b, "expect count 700 0 0\n");
		int rc = th_run(t, b.p);
		tb_free(&b);
		TH_RC_OK(t, rc);
		set_attrs(t, "o", "v", 28);
		set_attr(t, "o", "v", 1);
		const struct sim_collection *c = &t->st.collections[0];
		assert_int_equal(t->st.ncollections, 1);
		assert_int_equal(c->gen, 0);
		if (strcmp(generational[p], "3.11") == 0) {
			assert_false(c->deferred);
			assert_int_equal(c->examined, 700);
			assert_int_equal(c->collected, 0);
			TH_OK(t, "expect alive o\n"
				 "expect alive l\n"
				 "expect gen o 1\n"
				 "expect refcnt v 30\n"
				 "expect count 0 1 0\n"
				 "collect\n"
				 "expect freed o\n"
				 "expect freed l\n"
				 "expect collected 3\n"
				 "expect refcnt v 1\n");
		} else {
			assert_true(c->deferred);
			/* o, l, 698 lists, and the dict, tracked: it holds l */
			assert_int_equal(c->examined, 701);
			assert_int_equal(c->collected, 3);
			assert_int_equal(c->freed, 3);
			TH_OK(t, "expect freed o\n"
				 "expect freed l\n"
				 "expect refcnt v 1\n");
		}
		th_close(t);
	}
}

/*
 * 3.8 (profile.c): an instance is 48 bytes and keeps its attributes in a
 * dict made at the first one (sys.getsizeof on 3.8.18: C() 48, {} 64);
 * 3.11's instance is 56 with inline values.
 */
static void sizes_of_3_8_are_its_getsizeof(void **state)
{
	(void)state;
	struct th *t = th_open("3.8");
	struct sim_totals tot;

	TH_OK(t, "alloc o object\n");
	sim_get_totals(t->s, &tot);
	assert_int_equal(tot.bytes, 48);
	TH_OK(t, "alloc n none\nref o n\n"); /* + the __dict__ and its slot */
	sim_get_totals(t->s, &tot);
	assert_int_equal(tot.bytes, 48 + 16 + 64 + 46);
	th_close(t);
	t = th_open("3.11");
	TH_OK(t, "alloc o object\n");
	sim_get_totals(t->s, &tot);
	assert_int_equal(tot.bytes, 56);
	th_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(sizes_of_3_8_are_its_getsizeof),
		TH_TEST(small_ints_from_minus_5_to_256_are_one_object_each),
		TH_TEST(small_ints_are_immortal_in_3_12),
		TH_TEST(small_ints_are_counted_but_never_freed_in_3_11),
		TH_TEST(latin1_characters_and_the_empty_str_are_singletons),
		TH_TEST(identifier_like_strs_are_interned_and_others_are_not),
		TH_TEST(interned_strs_are_immortal_in_3_12_and_others_mortal),
		TH_TEST(interned_strs_are_mortal_in_3_13_and_3_11),
		TH_TEST(empty_bytes_and_single_bytes_are_singletons),
		TH_TEST(the_empty_tuple_is_a_singleton_that_is_never_tracked),
		TH_TEST(a_packed_tuple_of_ints_is_tracked_only_before_3_14_1),
		TH_TEST(a_packed_tuple_comes_from_the_free_list_and_holds_its_items),
		TH_TEST(none_true_and_false_are_singletons),
		TH_TEST(singletons_are_immortal_in_3_12_and_counted_in_3_11),
		TH_TEST(the_list_free_list_keeps_80_and_reuse_does_not_count),
		TH_TEST(the_dict_free_list_keeps_80),
		TH_TEST(the_float_free_list_keeps_100_and_never_counts),
		TH_TEST(a_tuple_free_list_keeps_2000_per_length),
		TH_TEST(count0_rises_only_for_gc_objects_from_the_allocator),
		TH_TEST(count0_falls_only_when_a_gc_object_returns_to_the_allocator),
		TH_TEST(count0_never_falls_below_zero),
		TH_TEST(size_20_tuples_are_pushed_never_reused_and_drift_count0),
		TH_TEST(one_and_one_point_zero_and_true_are_one_member),
		TH_TEST(true_and_false_are_different_members),
		TH_TEST(a_huge_int_and_a_float_are_one_member_only_when_exactly_equal),
		TH_TEST(equal_strs_and_bytes_are_one_member_but_str_is_not_bytes),
		TH_TEST(tuples_are_one_member_when_equal_item_by_item),
		TH_TEST(none_and_objects_are_members_by_identity),
		TH_TEST(hashing_and_comparing_a_million_deep_tuple_does_not_crash),
		TH_TEST(a_tuple_holding_itself_can_be_offered_to_a_set_without_a_crash),
		TH_TEST(a_set_member_holding_an_unfilled_tuple_is_refused_truthfully),
		TH_TEST(one_instance_holds_29_attributes_inline_and_the_30th_makes_a_dict),
		TH_TEST(a_materialized_dict_is_tracked_when_a_value_may_be),
		TH_TEST(each_new_instance_takes_one_usable_entry_from_the_keys),
		TH_TEST(after_29_instances_the_keys_keep_one_usable_entry),
		TH_TEST(instances_share_the_keys_they_add),
		TH_TEST(unref_removes_an_attribute_inline_or_from_the_dict),
		TH_TEST(an_instance_self_cycle_is_one_collected_object),
		TH_TEST(a_collection_inside_a_setattr_spares_the_instance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
