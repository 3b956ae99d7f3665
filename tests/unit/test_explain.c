/*
 * test_explain.c - the explainer's reachability, kept step by step with a
 * witness chain, against a mark written here from the definition: random
 * replays, every ID followed, and after many steps its state, the step it
 * became garbage and its chain compared with a breadth-first search from
 * every root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "explain.h"
#include "graph.h"
#include "state.h"
#include "unit_helpers.h"

#define NIDS 10

/* What the random replays met: each kind of answer must come up. */
static uint64_t seen_garbage, seen_long_chain, seen_dead;

/* Distances from the roots by breadth-first search, -1 where none reaches. */
static int64_t *distances(const struct sim *s)
{
	int64_t *d = malloc(s->capobjs * sizeof(int64_t));
	oref *q = malloc(s->capobjs * sizeof(oref));
	uint32_t n = 0;

	for (uint32_t h = 0; h < s->capobjs; h++)
		d[h] = -1;
	for (uint32_t i = 0; i < names_nrooted(s->names); i++) {
		uint32_t ix = names_rooted(s->names, i);
		oref h = names_obj(s->names, ix);
		if (names_roots(s->names, ix) && d[h] < 0) {
			d[h] = 1;
			q[n++] = h;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct obj *o = &s->objs[q[i]];

		if (!sim_is_gc_type(o->type))
			continue;
		for (uint32_t k = 0; k < o->u.r->len; k++) {
			oref v = o->u.r->v[k];
			if (v && d[v] < 0) {
				d[v] = d[q[i]] + 1;
				q[n++] = v;
			}
		}
	}
	free(q);
	return d;
}

static uint32_t rnd(uint64_t *st)
{
	*st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*st >> 33);
}

static void random_event(uint64_t *r, struct sim_event *ev, char ids[][8])
{
	static const enum sim_type types[] = { SIM_T_LIST, SIM_T_DICT, SIM_T_OBJECT, SIM_T_SET };
	uint32_t k = rnd(r) % 100;

	memset(ev, 0, sizeof(*ev));
	ev->id = ids[rnd(r) % NIDS];
	if (k < 20) {
		ev->op = SIM_OP_ALLOC;
		ev->type = types[rnd(r) % 3]; /* sets need hashable members: not here */
	} else if (k < 50) {
		ev->op = SIM_OP_REF;
		ev->dst = ids[rnd(r) % NIDS];
	} else if (k < 55) {
		ev->op = SIM_OP_REF;
	} else if (k < 75) {
		ev->op = SIM_OP_UNREF;
		ev->dst = ids[rnd(r) % NIDS];
	} else if (k < 97) {
		ev->op = SIM_OP_DEL;
	} else {
		ev->op = SIM_OP_COLLECT;
		ev->gen = (int)(rnd(r) % 3);
	}
	ev->id_len = strlen(ev->id); /* as a reader measures them */
	ev->dst_len = ev->dst ? strlen(ev->dst) : 0;
}

static void check_answers(const struct sim *s, sim_explainer **x, char ids[][8],
			  const uint64_t *since, const uint64_t *died)
{
	int64_t *d = distances(s);

	for (int i = 0; i < NIDS; i++) {
		struct sim_explanation e;
		struct sim_diag diag;
		uint32_t ix = names_find(s->names, ids[i]);
		oref h = ix ? names_obj(s->names, ix) : 0;

		if (!ix)
			continue;
		assert_int_equal(sim_explain(x[i], s, &e, &diag), SIM_OK);
		if (!h) {
			assert_int_equal(e.state, SIM_X_DEAD);
			assert_int_equal(e.died_step, died[i]);
			seen_dead++;
		} else if (d[h] < 0) {
			assert_int_equal(e.state, SIM_X_GARBAGE);
			assert_int_equal(e.garbage_since, since[i]);
			assert_true(e.garbage_holders >= 1);
			seen_garbage++;
		} else {
			assert_int_equal(e.state, SIM_X_REACHABLE);
			assert_int_equal(e.nchain, d[h]);
			seen_long_chain += e.nchain > 2;
			/* The chain is one: each link holds the next. */
			uint32_t rix = names_find(s->names, e.root_id);
			oref cur = names_obj(s->names, rix);
			assert_true(names_roots(s->names, rix) > 0);
			for (uint32_t k = 1; k < e.nchain; k++) {
				const struct obj *o = &s->objs[cur];
				oref next = 0;

				for (uint32_t j = 0; j < o->u.r->len && !next; j++)
					if (o->u.r->v[j] && d[o->u.r->v[j]] == d[cur] + 1 &&
					    names_first(s, o->u.r->v[j]) == e.chain[k].id)
						next = o->u.r->v[j];
				assert_true(next != 0);
				cur = next;
			}
			assert_int_equal(cur, h);
		}
		sim_explanation_release(&e);
	}
	free(d);
}

static void witness_agrees_with_a_full_mark(void **state)
{
	static const char *const profiles[] = { "3.11", "3.12", "3.13", "3.14" };
	char ids[NIDS][8];

	(void)state;
	for (int i = 0; i < NIDS; i++)
		snprintf(ids[i], sizeof(ids[i]), "x%d", i);
	for (uint64_t seed = 1; seed <= 24; seed++) {
		struct th *t = th_open(profiles[seed % 4]);
		sim_explainer *x[NIDS];
		uint64_t since[NIDS] = { 0 }, died[NIDS] = { 0 };
		oref prev[NIDS] = { 0 };
		uint64_t r = seed, steps = 0;

		t->check_each = 0;
		for (int i = 0; i < NIDS; i++)
			x[i] = sim_explainer_new(ids[i]);
		for (int n = 0; n < 1500; n++) {
			struct sim_event ev;
			struct sim_step st;
			struct sim_diag diag;

			random_event(&r, &ev, ids);
			ev.line = (unsigned long)n + 1;
			if (sim_replay(t->s, &ev, &st, &diag) != SIM_OK)
				continue;
			steps++;
			for (int i = 0; i < NIDS; i++)
				sim_explainer_step(x[i], t->s, &ev, &st);

			int64_t *d = distances(t->s);
			for (int i = 0; i < NIDS; i++) {
				uint32_t ix = names_find(t->s->names, ids[i]);
				oref h = ix ? names_obj(t->s->names, ix) : 0;

				if (ev.op == SIM_OP_ALLOC && strcmp(ev.id, ids[i]) == 0)
					since[i] = 0;
				if (prev[i] && !h)
					died[i] = st.step;
				prev[i] = h;
				if (!h || d[h] >= 0)
					since[i] = 0;
				else if (!since[i])
					since[i] = st.step;
			}
			free(d);
			if (n % 7 == 0)
				check_answers(t->s, x, ids, since, died);
		}
		assert_true(steps > 500);
		check_answers(t->s, x, ids, since, died);
		for (int i = 0; i < NIDS; i++)
			sim_explainer_free(x[i]);
		th_close(t);
	}
	assert_true(seen_garbage > 100 && seen_long_chain > 100 && seen_dead > 100);
}

/* A graph of the whole heap has every live object, and its garbage. */
static void graph_marks_the_cycle_as_garbage(void **state)
{
	struct th *t = th_open(NULL);
	struct sim_graph g;
	struct sim_graph_opts o = { NULL, 0, 0 };
	struct sim_diag diag;

	(void)state;
	TH_OK(t, "alloc a list\nalloc b list\nref a b\nref b a\nref a b\nalloc c list\n"
		 "del a\ndel b\n");
	assert_int_equal(sim_graph_build(t->s, &o, &g, &diag), SIM_OK);
	assert_int_equal(g.nnodes, 3);
	assert_int_equal(g.live, 3);
	assert_int_equal(g.garbage, 2);
	assert_int_equal(g.nroots, 1);
	assert_string_equal(g.roots[0].id, "c");
	assert_int_equal(g.nedges, 2);
	for (uint32_t i = 0; i < g.nedges; i++) {
		const struct sim_gnode *from = &g.nodes[g.edges[i].from];

		assert_true(from->flags & SIM_GN_GARBAGE);
		assert_int_equal(g.edges[i].count, strcmp(from->id, "a") == 0 ? 2 : 1);
	}
	sim_graph_release(&g);
	o.max_nodes = 2;
	assert_int_equal(sim_graph_build(t->s, &o, &g, &diag), SIM_EUSAGE);
	assert_non_null(strstr(diag.msg, "3 objects"));
	th_close(t);
}

/*
 * Issue 12: gc.garbage holds its objects as a root does, so a cycle saved
 * there is no garbage; a resurrected object shows as finalized.
 */
static void graph_roots_gc_garbage_and_shows_finalized(void **state)
{
	struct th *t = th_open(NULL);
	struct sim_graph g;
	struct sim_graph_opts o = { NULL, 0, 0 };
	struct sim_diag diag;

	(void)state;
	TH_OK(t, "gc saveall 1\nalloc a list\nref a a\ndel a\ncollect\n"
		 "gc saveall 0\nalloc d delobj\non d bind saved self\ndel d\n");
	assert_int_equal(sim_graph_build(t->s, &o, &g, &diag), SIM_OK);
	assert_int_equal(g.nnodes, 2);
	assert_int_equal(g.garbage, 0);
	for (uint32_t i = 0; i < g.nnodes; i++) {
		const struct sim_gnode *n = &g.nodes[i];

		assert_int_equal(!!(n->flags & SIM_GN_FINALIZED),
				 strcmp(n->id, "saved") == 0 || strcmp(n->id, "d") == 0);
		assert_false(n->flags & SIM_GN_GARBAGE);
	}
	sim_graph_release(&g);
	th_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TH_TEST(witness_agrees_with_a_full_mark),
		TH_TEST(graph_marks_the_cycle_as_garbage),
		TH_TEST(graph_roots_gc_garbage_and_shows_finalized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
