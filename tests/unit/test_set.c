/*
 * test_set.c - Python's hash() and the set's hash table (sim/set.c).
 *
 * The expected hashes and slot orders were printed by the real
 * interpreters, 3.11.7 and 3.12.1, under PYTHONHASHSEED=0 as the oracle
 * runs them (hash(v), and list(s) after the same adds and discards:
 * iteration walks the table as set_traverse does); 3.13.0 prints the same
 * as 3.12.1.  The script that printed them builds each case's values with
 * the same literals as the trace text below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "state.h"
#include "unit_helpers.h"

static oref handle_of(struct th *t, const char *id)
{
	uint32_t ix = names_find(t->s->names, id);

	assert_true(ix != 0);
	assert_true(names_obj(t->s->names, ix) != 0);
	return names_obj(t->s->names, ix);
}

struct id_search {
	const struct names *n;
	oref h;
	const char *found;
};

static void match_id(void *arg, uint32_t ix)
{
	struct id_search *q = arg;

	if (!q->found && names_obj(q->n, ix) == q->h)
		q->found = names_str(q->n, ix);
}

/* The live ID bound to h (cached objects keep no list of their names). */
static const char *id_of(struct th *t, oref h)
{
	struct id_search q = { t->s->names, h, NULL };

	names_each(t->s->names, 0, match_id, &q);
	return q.found ? q.found : "?";
}

/* The set's members as the collector visits them, by ID, blank-separated. */
static void visit_order(struct th *t, const char *set, char *out, size_t sz)
{
	const struct refs *r = t->s->objs[handle_of(t, set)].u.r;
	size_t n = 0;

	out[0] = '\0';
	for (uint32_t i = 0; i < r->len; i++) {
		if (!r->v[i])
			continue;
		n += (size_t)snprintf(out + n, sz - n, "%s%s", n ? " " : "",
				      id_of(t, r->v[i]));
		assert_true(n < sz);
	}
}

/* ---- hash(), as the set computes it ---- */

struct value_hash {
	const char *alloc;
	int64_t hash;
};

/* hash() of each value, as gcsim computes it under the profile python. */
static void expect_hashes(const char *python, const struct value_hash *v,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct th *t = th_open(python);
		int64_t h = 0;

		TH_OKF(t, "alloc x %s\n", v[i].alloc);
		assert_int_equal(py_hash(t->s, handle_of(t, "x"), &h), SIM_HASH_OK);
		if (h != v[i].hash) {
			print_error("%s under %s: hash %lld, CPython %lld\n",
				    v[i].alloc, python, (long long)h,
				    (long long)v[i].hash);
			fail();
		}
		th_close(t);
	}
}

static const struct value_hash value_hashes[] = {
	{ "int 0", 0LL },
	{ "int -1", -2LL },
	{ "int -2", -2LL },
	{ "int 100000", 100000LL },
	{ "int 2305843009213693951", 0LL },
	{ "int 2305843009213693952", 1LL },
	{ "int -9223372036854775808", -4LL },
	{ "int 1000000000000000000000000000000", 465258685558744706LL },
	{ "int -1000000000000000000000000000000", -465258685558744706LL },
	{ "bool true", 1LL },
	{ "float 1.5", 1152921504606846977LL },
	{ "float -0.25", -576460752303423488LL },
	{ "float 1e300", 1224995262755759164LL },
	{ "float 5e-324", 16777216LL },
	{ "float inf", 314159LL },
	{ "float -inf", -314159LL },
	{ "float 2.0", 2LL },
	{ "str \"two words\"", 947265819266750630LL },
	{ "str \"\xe2\x82\xac sign\"", -5589805733640727000LL },
	{ "str \"\xf0\x9f\x98\x80x\"", -8926728262118538918LL },
	{ "str \"caf\xc3\xa9 x\"", -1694523310026529439LL },
	{ "str \"\"", 0LL },
	{ "str \"exactly8\"", -7020876967557843569LL },
	{ "bytes \"ab\\x00c\"", -942995620160623903LL },
	{ "bytes \"\"", 0LL },
};

static void hashes_are_cpythons_under_hash_seed_0(void **state)
{
	static const char *const pythons[] = { "3.11", "3.12", "3.13" };

	(void)state;
	for (int p = 0; p < 3; p++)
		expect_hashes(pythons[p], value_hashes,
			      sizeof(value_hashes) / sizeof(value_hashes[0]));
}

/*
 * 3.8 (profile.c): _Py_HashBytes is siphash24, and a NaN hashes to 0
 * (_PyHASH_NAN).  Printed by CPython 3.8.18 under PYTHONHASHSEED=0.
 */
static const struct value_hash value_hashes_38[] = {
	{ "str \"two words\"", 3872852109783970966LL },
	{ "str \"\xe2\x82\xac sign\"", 4929451469020697443LL },
	{ "str \"\xf0\x9f\x98\x80x\"", 7047262524464595714LL },
	{ "str \"caf\xc3\xa9 x\"", -1217709375250722142LL },
	{ "str \"\"", 0LL },
	{ "str \"exactly8\"", 6352599398701623531LL },
	{ "bytes \"ab\\x00c\"", -2451757607609197699LL },
	{ "float nan", 0LL },
	{ "float 1.5", 1152921504606846977LL },
};

static void hashes_of_3_8_are_siphash24_and_nan_is_0(void **state)
{
	(void)state;
	expect_hashes("3.8", value_hashes_38,
		      sizeof(value_hashes_38) / sizeof(value_hashes_38[0]));
	/* A tuple's lanes are its items' hashes: hash((1, 'a b')). */
	struct th *t = th_open("3.8");
	int64_t h = 0;

	TH_OK(t, "alloc one int 1\nalloc ab str \"a b\"\n"
		 "alloc q tuple 2\nref q one\nref q ab\n");
	assert_int_equal(py_hash(t->s, handle_of(t, "q"), &h), SIM_HASH_OK);
	assert_true(h == -3690023398488364762LL);
	th_close(t);
}

static void tuple_hashes_are_cpythons_and_none_is_constant_from_3_12(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");
	int64_t h = 0;

	TH_OK(t, "alloc e tuple 0\n"
		 "alloc one int 1\nalloc two int 2\n"
		 "alloc p tuple 2\nref p one\nref p two\n"
		 "alloc w str \"a b\"\n"
		 "alloc q tuple 2\nref q one\nref q w\n"
		 "alloc k int 1000\nalloc in tuple 1\nref in k\n"
		 "alloc out tuple 1\nref out in\n"
		 "alloc n none\n");
	assert_int_equal(py_hash(t->s, handle_of(t, "e"), &h), SIM_HASH_OK);
	assert_true(h == 5740354900026072187LL);       /* hash(()) */
	assert_int_equal(py_hash(t->s, handle_of(t, "p"), &h), SIM_HASH_OK);
	assert_true(h == -3550055125485641917LL);      /* hash((1, 2)) */
	assert_int_equal(py_hash(t->s, handle_of(t, "q"), &h), SIM_HASH_OK);
	assert_true(h == 5023876048894496600LL);       /* hash((1, 'a b')) */
	assert_int_equal(py_hash(t->s, handle_of(t, "out"), &h), SIM_HASH_OK);
	assert_true(h == -5499074580531364760LL);      /* hash(((1000,),)) */
	assert_int_equal(py_hash(t->s, handle_of(t, "n"), &h), SIM_HASH_OK);
	assert_true(h == 4238894112LL);                /* hash(None), 3.12+ */
	th_close(t);
}

/* ---- the table: set_add_entry, set_discard_entry, set_table_resize ---- */

static const struct {
	const char *python;
	const char *name;
	const char *trace;
	const char *order;
} slot_orders[] = {
	{ "3.11", "ints",
	  "alloc s set\nalloc v0 int 8\nref s v0\nalloc v1 int 16\nref s v1\n"
	  "alloc v2 int 1\nref s v2\nalloc v3 int 9\nref s v3\n"
	  "alloc v4 int 0\nref s v4\nalloc v5 int 24\nref s v5\n"
	  "alloc v6 int 7\nref s v6\nalloc v7 int 100000\nref s v7\n"
	  "alloc v8 int -1\nref s v8\nalloc v9 int -2\nref s v9\n"
	  "alloc v10 int 2305843009213693952\nref s v10\n"
	  "alloc v11 int 2305843009213693957\nref s v11\n"
	  "alloc v12 int 1000000000000000000000000000000\nref s v12\n"
	  "alloc v13 int -1000000000000000000000000000000\nref s v13\n",
	  "v4 v2 v7 v10 v12 v13 v11 v6 v0 v3 v1 v9 v5 v8" },
	{ "3.11", "floats",
	  "alloc s set\nalloc v0 float 1.5\nref s v0\nalloc v1 float -0.25\n"
	  "ref s v1\nalloc v2 float 1e+300\nref s v2\nalloc v3 float inf\n"
	  "ref s v3\nalloc v4 float -inf\nref s v4\nalloc v5 float 2.0\n"
	  "ref s v5\nalloc v6 float 3.25e-10\nref s v6\n"
	  "alloc v7 float 1e+22\nref s v7\n",
	  "v1 v0 v5 v6 v3 v7 v4 v2" },
	{ "3.11", "strs",
	  "alloc s set\nalloc v0 str \"two words\"\nref s v0\n"
	  "alloc v1 str \"\xe2""\x82""\xac"" sign\"\nref s v1\n"
	  "alloc v2 str \"\xf0""\x9f""\x98""\x80""x\"\nref s v2\n"
	  "alloc v3 str \"caf\xc3""\xa9"" x\"\nref s v3\n"
	  "alloc v4 str \"a b\"\nref s v4\nalloc v5 str \"hello world\"\n"
	  "ref s v5\n",
	  "v3 v0 v1 v4 v5 v2" },
	{ "3.11", "bytes",
	  "alloc s set\nalloc v0 bytes \"ab\\x00c\"\nref s v0\n"
	  "alloc v1 bytes \"two words\"\nref s v1\nalloc v2 bytes \"xy\"\n"
	  "ref s v2\nalloc v3 bytes \"some longer bytes value!!\"\nref s v3\n",
	  "v0 v2 v1 v3" },
	{ "3.11", "tuples",
	  "alloc s set\nalloc v0 int 1\nalloc v1 str \"a b\"\n"
	  "alloc v2 tuple 2\nref v2 v0\nref v2 v1\nref s v2\n"
	  "alloc v3 int 1000\nalloc v4 tuple 1\nref v4 v3\nalloc v5 tuple 1\n"
	  "ref v5 v4\nref s v5\nref s v4\nalloc v6 float 1.5\n"
	  "alloc v7 int 2\nalloc v8 int 3\nalloc v9 tuple 2\nref v9 v7\n"
	  "ref v9 v8\nalloc v10 bytes \"zz\"\nalloc v11 tuple 3\nref v11 v6\n"
	  "ref v11 v9\nref v11 v10\nref s v11\nalloc v12 bool true\n"
	  "alloc v13 bool false\nalloc v14 tuple 2\nref v14 v12\n"
	  "ref v14 v13\nref s v14\nalloc v15 tuple 0\nref s v15\n"
	  "alloc v16 int 5\nalloc v17 tuple 1\nref v17 v16\nref s v17\n",
	  "v17 v5 v14 v4 v2 v15 v11" },
	{ "3.11", "bools_none",
	  "alloc s set\nalloc v0 bool true\nref s v0\nalloc v1 bool false\n"
	  "ref s v1\nalloc v2 int 2\nref s v2\nalloc v3 int 3\nref s v3\n",
	  "v1 v0 v2 v3" },
	{ "3.11", "dummies",
	  "alloc s set\nalloc v0 int 1000\nref s v0\nalloc v1 int 1001\n"
	  "ref s v1\nalloc v2 int 1002\nref s v2\nalloc v3 int 1003\n"
	  "ref s v3\nalloc v4 int 1004\nref s v4\nalloc v5 int 1005\n"
	  "ref s v5\nalloc v6 int 1006\nref s v6\nunref s v1\nunref s v3\n"
	  "alloc v7 int 1009\nref s v7\nalloc v8 int 1017\nref s v8\n"
	  "ref s v1\nunref s v0\nalloc v9 int 5000\nref s v9\n"
	  "alloc v10 int 5008\nref s v10\n",
	  "v9 v2 v1 v4 v5 v6 v10 v7 v8" },
	{ "3.11", "growth",
	  NULL, /* growth_trace() */
	  "v200 v166 v83 v223 v97 v14 v246 v194 v28 v125 v208 v139 v56 v231 "
	  "v70 v167 v1 v181 v98 v216 v112 v29 v239 v43 v140 v201 v154 v71 "
	  "v224 v247 v85 v2 v182 v16 v196 v113 v209 v127 v44 v232 v58 v155 "
	  "v169 v86 v217 v240 v100 v17 v197 v31 v128 v202 v142 v59 v225 v248 "
	  "v73 v170 v4 v184 v101 v210 v233 v115 v32 v46 v143 v157 v74 v218 "
	  "v241 v88 v5 v185 v19 v199 v116 v203 v226 v130 v47 v249 v61 v158 "
	  "v172 v89 v211 v234 v103 v20 v34 v131 v219 v145 v62 v242 v76 v173 "
	  "v7 v187 v104 v204 v227 v118 v35 v49 v146 v212 v160 v77 v235 v91 "
	  "v8 v188 v22 v119 v220 v133 v50 v243 v64 v161 v205 v175 v92 v228 "
	  "v106 v23 v37 v134 v213 v148 v65 v236 v79 v176 v10 v190 v107 v221 "
	  "v121 v38 v244 v52 v149 v206 v163 v80 v229 v94 v11 v191 v25 v122 "
	  "v214 v136 v53 v237 v67 v164 v178 v95 v222 v109 v26 v245 v40 v137 "
	  "v207 v151 v68 v230 v82 v179 v13 v193 v110 v215 v124 v41 v238 v55 "
	  "v152" },
	{ "3.12", "ints",
	  "alloc s set\nalloc v0 int 8\nref s v0\nalloc v1 int 16\nref s v1\n"
	  "alloc v2 int 1\nref s v2\nalloc v3 int 9\nref s v3\n"
	  "alloc v4 int 0\nref s v4\nalloc v5 int 24\nref s v5\n"
	  "alloc v6 int 7\nref s v6\nalloc v7 int 100000\nref s v7\n"
	  "alloc v8 int -1\nref s v8\nalloc v9 int -2\nref s v9\n"
	  "alloc v10 int 2305843009213693952\nref s v10\n"
	  "alloc v11 int 2305843009213693957\nref s v11\n"
	  "alloc v12 int 1000000000000000000000000000000\nref s v12\n"
	  "alloc v13 int -1000000000000000000000000000000\nref s v13\n",
	  "v4 v2 v7 v10 v12 v13 v11 v6 v0 v3 v1 v9 v5 v8" },
	{ "3.12", "floats",
	  "alloc s set\nalloc v0 float 1.5\nref s v0\nalloc v1 float -0.25\n"
	  "ref s v1\nalloc v2 float 1e+300\nref s v2\nalloc v3 float inf\n"
	  "ref s v3\nalloc v4 float -inf\nref s v4\nalloc v5 float 2.0\n"
	  "ref s v5\nalloc v6 float 3.25e-10\nref s v6\n"
	  "alloc v7 float 1e+22\nref s v7\n",
	  "v1 v0 v5 v6 v3 v7 v4 v2" },
	{ "3.12", "strs",
	  "alloc s set\nalloc v0 str \"two words\"\nref s v0\n"
	  "alloc v1 str \"\xe2""\x82""\xac"" sign\"\nref s v1\n"
	  "alloc v2 str \"\xf0""\x9f""\x98""\x80""x\"\nref s v2\n"
	  "alloc v3 str \"caf\xc3""\xa9"" x\"\nref s v3\n"
	  "alloc v4 str \"a b\"\nref s v4\nalloc v5 str \"hello world\"\n"
	  "ref s v5\n",
	  "v3 v0 v1 v4 v5 v2" },
	{ "3.12", "bytes",
	  "alloc s set\nalloc v0 bytes \"ab\\x00c\"\nref s v0\n"
	  "alloc v1 bytes \"two words\"\nref s v1\nalloc v2 bytes \"xy\"\n"
	  "ref s v2\nalloc v3 bytes \"some longer bytes value!!\"\nref s v3\n",
	  "v0 v2 v1 v3" },
	{ "3.12", "tuples",
	  "alloc s set\nalloc v0 int 1\nalloc v1 str \"a b\"\n"
	  "alloc v2 tuple 2\nref v2 v0\nref v2 v1\nref s v2\n"
	  "alloc v3 int 1000\nalloc v4 tuple 1\nref v4 v3\nalloc v5 tuple 1\n"
	  "ref v5 v4\nref s v5\nref s v4\nalloc v6 float 1.5\n"
	  "alloc v7 int 2\nalloc v8 int 3\nalloc v9 tuple 2\nref v9 v7\n"
	  "ref v9 v8\nalloc v10 bytes \"zz\"\nalloc v11 tuple 3\nref v11 v6\n"
	  "ref v11 v9\nref v11 v10\nref s v11\nalloc v12 bool true\n"
	  "alloc v13 bool false\nalloc v14 tuple 2\nref v14 v12\n"
	  "ref v14 v13\nref s v14\nalloc v15 tuple 0\nref s v15\n"
	  "alloc v16 none\nalloc v17 tuple 1\nref v17 v16\nref s v17\n",
	  "v5 v17 v14 v4 v2 v15 v11" },
	{ "3.12", "bools_none",
	  "alloc s set\nalloc v0 bool true\nref s v0\nalloc v1 bool false\n"
	  "ref s v1\nalloc v2 none\nref s v2\nalloc v3 int 2\nref s v3\n"
	  "alloc v4 int 3\nref s v4\n",
	  "v1 v0 v2 v3 v4" },
	{ "3.12", "dummies",
	  "alloc s set\nalloc v0 int 1000\nref s v0\nalloc v1 int 1001\n"
	  "ref s v1\nalloc v2 int 1002\nref s v2\nalloc v3 int 1003\n"
	  "ref s v3\nalloc v4 int 1004\nref s v4\nalloc v5 int 1005\n"
	  "ref s v5\nalloc v6 int 1006\nref s v6\nunref s v1\nunref s v3\n"
	  "alloc v7 int 1009\nref s v7\nalloc v8 int 1017\nref s v8\n"
	  "ref s v1\nunref s v0\nalloc v9 int 5000\nref s v9\n"
	  "alloc v10 int 5008\nref s v10\n",
	  "v9 v2 v1 v4 v5 v6 v10 v7 v8" },
	{ "3.12", "growth",
	  NULL, /* growth_trace() */
	  "v200 v166 v83 v223 v97 v14 v246 v194 v28 v125 v208 v139 v56 v231 "
	  "v70 v167 v1 v181 v98 v216 v112 v29 v239 v43 v140 v201 v154 v71 "
	  "v224 v247 v85 v2 v182 v16 v196 v113 v209 v127 v44 v232 v58 v155 "
	  "v169 v86 v217 v240 v100 v17 v197 v31 v128 v202 v142 v59 v225 v248 "
	  "v73 v170 v4 v184 v101 v210 v233 v115 v32 v46 v143 v157 v74 v218 "
	  "v241 v88 v5 v185 v19 v199 v116 v203 v226 v130 v47 v249 v61 v158 "
	  "v172 v89 v211 v234 v103 v20 v34 v131 v219 v145 v62 v242 v76 v173 "
	  "v7 v187 v104 v204 v227 v118 v35 v49 v146 v212 v160 v77 v235 v91 "
	  "v8 v188 v22 v119 v220 v133 v50 v243 v64 v161 v205 v175 v92 v228 "
	  "v106 v23 v37 v134 v213 v148 v65 v236 v79 v176 v10 v190 v107 v221 "
	  "v121 v38 v244 v52 v149 v206 v163 v80 v229 v94 v11 v191 v25 v122 "
	  "v214 v136 v53 v237 v67 v164 v178 v95 v222 v109 v26 v245 v40 v137 "
	  "v207 v151 v68 v230 v82 v179 v13 v193 v110 v215 v124 v41 v238 v55 "
	  "v152" },
};

/* 200 adds, a third of them discarded, 50 adds: resizes and dummies. */
static void growth_trace(struct tb *b)
{
	tb_add(b, "alloc s set\n");
	for (int n = 0; n < 200; n++)
		tb_add(b, "alloc v%d int %d\nref s v%d\n", n, n * 37 + 5, n);
	for (int n = 0; n < 200; n += 3)
		tb_add(b, "unref s v%d\n", n);
	for (int n = 0; n < 50; n++)
		tb_add(b, "alloc v%d int %d\nref s v%d\n", 200 + n, n * 1000003,
		       200 + n);
}

static void set_members_are_visited_in_cpythons_slot_order(void **state)
{
	static const char *const pythons[] = { "3.11", "3.12", "3.13" };
	char got[8192];

	(void)state;
	for (int p = 0; p < 3; p++) {
		/* 3.13.0 fills its tables as 3.12.1 does */
		const char *want = p == 0 ? "3.11" : "3.12";

		for (size_t i = 0; i < sizeof(slot_orders) / sizeof(slot_orders[0]); i++) {
			if (strcmp(slot_orders[i].python, want) != 0)
				continue;
			struct th *t = th_open(pythons[p]);
			struct tb b = { 0 };

			if (!slot_orders[i].trace)
				growth_trace(&b);
			TH_OK(t, slot_orders[i].trace ? slot_orders[i].trace : b.p);
			tb_free(&b);
			visit_order(t, "s", got, sizeof(got));
			if (strcmp(got, slot_orders[i].order) != 0) {
				print_error("%s %s:\n  gcsim   %s\n  CPython %s\n",
					    pythons[p], slot_orders[i].name, got,
					    slot_orders[i].order);
				fail();
			}
			th_close(t);
		}
	}
}

/*
 * Issue 8 item 7: one set of 100,000 distinct members (each `ref s x` used
 * to compare with every member: 26 s).  Duplicates are still found, and
 * unref removes the equal member.
 */
static void a_set_of_100000_members_finds_duplicates_and_removes_equals(void **state)
{
	enum { N = 100000 };
	struct th *t = th_open("3.12");
	char id[32];

	(void)state;
	t->check_each = 0;
	TH_OK(t, "alloc s set\n");
	for (int i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "x%d", i);
		assert_int_equal(th_alloc_int(t, id, 1000 + i), SIM_OK);
		assert_int_equal(th_ref(t, "s", id), SIM_OK);
		assert_false(th_has_effect(t, SIM_FX_SET_DUPLICATE, -1));
		assert_int_equal(th_del(t, id), SIM_OK);
	}
	TH_HEAP(t);
	/* 51234.0 == 51234: already a member */
	TH_OK(t, "alloc f float 51234.0\n"
		 "ref s f\n"
		 "expect refcnt f 1\n");
	assert_true(th_has_effect(t, SIM_FX_SET_DUPLICATE, -1));
	/* set.remove(51234.0) drops the int, whose last reference it was */
	TH_OK(t, "alloc g int 51234\n"
		 "unref s f\n");
	assert_int_equal(th_run(t, "unref s g\n"), SIM_ETRACE);
	TH_OK(t, "ref s g\n");
	assert_false(th_has_effect(t, SIM_FX_SET_DUPLICATE, -1));
	TH_HEAP(t);
	th_close(t);
}

/*
 * Issue 8 item 6: t0 = (x, x), t1 = (t0, t0), ..., 40 levels, twice:
 * hashing or comparing them item by item without memory takes 2**40
 * steps.  The second tower is equal to the first, so a duplicate.
 */
static void a_tower_of_shared_subtuples_hashes_and_compares_at_once(void **state)
{
	struct th *t = th_open("3.12");
	struct tb b = { 0 };

	(void)state;
	tb_add(&b, "alloc s set\nalloc x int 100000\n");
	for (int tower = 0; tower < 2; tower++) {
		char c = tower ? 'u' : 't';

		tb_add(&b, "alloc %c0 tuple 2\nref %c0 x\nref %c0 x\n", c, c, c);
		for (int k = 1; k < 40; k++)
			tb_add(&b, "alloc %c%d tuple 2\nref %c%d %c%d\nref %c%d %c%d\n",
			       c, k, c, k, c, k - 1, c, k, c, k - 1);
	}
	tb_add(&b, "ref s t39\n");
	TH_OK(t, b.p);
	tb_free(&b);
	TH_OK(t, "ref s u39\n"
		 "expect refcnt u39 1\n");
	assert_true(th_has_effect(t, SIM_FX_SET_DUPLICATE, -1));
	TH_OK(t, "unref s u39\n"
		 "expect refcnt t39 1\n");
	th_close(t);
}

/* A tuple that holds itself has no hash: CPython would recurse forever. */
static void a_tuple_that_holds_itself_is_refused_as_a_member(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc s set\n"
		 "alloc a tuple 1\n"
		 "alloc b tuple 1\n"
		 "ref a b\n"
		 "ref b a\n");
	TH_ERR(t, "ref s a\n", 1, 7,
	       "tuple 'a' holds itself, so it cannot be hashed");
	TH_OK(t, "expect refcnt a 2\n");
	th_close(t);
}

/*
 * A tuple still being filled cannot be hashed, nor one that holds it;
 * what py_hash learns then is not kept: once filled, both can join.
 */
static void a_hash_refused_while_a_tuple_fills_is_not_remembered(void **state)
{
	(void)state;
	struct th *t = th_open("3.12");

	TH_OK(t, "alloc s set\n"
		 "alloc x int 100000\n"
		 "alloc in tuple 2\n"
		 "ref in x\n"
		 "alloc out tuple 1\n"
		 "ref out in\n");
	TH_ERR(t, "ref s out\n", 1, 7,
	       "tuple 'out' holds a tuple that is not filled yet, so it cannot be hashed");
	TH_OK(t, "ref in x\n"
		 "ref s out\n"
		 "expect refcnt out 2\n"
		 "alloc in2 tuple 2\nref in2 x\nref in2 x\n"
		 "alloc out2 tuple 1\nref out2 in2\n"
		 "ref s out2\n"            /* ((100000, 100000),) again */
		 "expect refcnt out2 1\n");
	th_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(hashes_are_cpythons_under_hash_seed_0),
		TH_TEST(hashes_of_3_8_are_siphash24_and_nan_is_0),
		TH_TEST(tuple_hashes_are_cpythons_and_none_is_constant_from_3_12),
		TH_TEST(set_members_are_visited_in_cpythons_slot_order),
		TH_TEST(a_set_of_100000_members_finds_duplicates_and_removes_equals),
		TH_TEST(a_tower_of_shared_subtuples_hashes_and_compares_at_once),
		TH_TEST(a_tuple_that_holds_itself_is_refused_as_a_member),
		TH_TEST(a_hash_refused_while_a_tuple_fills_is_not_remembered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
