/*
 * function.c - the bodies of functions: what "on ID ACTION ARGS..." says a
 * delobj's __del__, a legacyobj's __tp_del__, or a gcobj called as a
 * weakref callback does, and the one place that runs them.
 *
 * A body belongs to the object, not to its ID, and dies with it.  Bodies
 * are few (most traces have none), so they live in a small open-addressing
 * table keyed by the object's handle rather than in the object record.
 * The IDs an action names are kept as written and looked up each time the
 * body runs, as Python looks up the globals a function body names.
 */
#include <stdlib.h>
#include <string.h>

#include "state.h"

struct action {
	enum sim_on_action op;
	uint32_t line;                 /* the "on" line, for messages */
	char *arg[2];                  /* IDs as written; NULL: self */
	unsigned long col[2];
};

struct body {
	oref owner;                    /* 0: an empty slot */
	uint32_t n, cap;
	struct action *a;
};

struct fn_table {
	struct body *slots;
	uint32_t mask, used;
};

static uint32_t slot_of(oref h, uint32_t mask)
{
	return (h * 2654435761u) & mask;
}

static struct body *find(const struct sim *s, oref h)
{
	const struct fn_table *t = s->fns;

	if (!t || t->used == 0)
		return NULL;
	for (uint32_t j = slot_of(h, t->mask);; j = (j + 1) & t->mask) {
		if (t->slots[j].owner == h)
			return &t->slots[j];
		if (t->slots[j].owner == 0)
			return NULL;
	}
}

static struct body *insert(struct sim *s, oref h)
{
	struct fn_table *t = s->fns;
	uint32_t j;

	if (!t) {
		t = s->fns = sim_xcalloc(1, sizeof(*t));
		t->mask = 15;
		t->slots = sim_xcalloc(t->mask + 1, sizeof(*t->slots));
	}
	if ((t->used + 1) * 4 > (t->mask + 1) * 3) {
		struct body *old = t->slots;
		uint32_t n = t->mask + 1;

		t->mask = 2 * n - 1;
		t->slots = sim_xcalloc(2 * (size_t)n, sizeof(*t->slots));
		for (uint32_t i = 0; i < n; i++) {
			if (!old[i].owner)
				continue;
			j = slot_of(old[i].owner, t->mask);
			while (t->slots[j].owner)
				j = (j + 1) & t->mask;
			t->slots[j] = old[i];
		}
		free(old);
	}
	for (j = slot_of(h, t->mask); t->slots[j].owner; j = (j + 1) & t->mask)
		;
	t->used++;
	t->slots[j] = (struct body){ .owner = h };
	return &t->slots[j];
}

static void free_body(struct body *b)
{
	for (uint32_t i = 0; i < b->n; i++) {
		free(b->a[i].arg[0]);
		free(b->a[i].arg[1]);
	}
	free(b->a);
}

void fn_forget(struct sim *s, oref h)
{
	struct fn_table *t = s->fns;
	struct body *b = find(s, h);

	if (!b)
		return;
	free_body(b);
	/* Linear probing's deletion: pull later entries of the run back. */
	uint32_t i = (uint32_t)(b - t->slots), j = i;
	for (;;) {
		t->slots[i].owner = 0;
		for (;;) {
			j = (j + 1) & t->mask;
			if (!t->slots[j].owner) {
				t->used--;
				return;
			}
			uint32_t home = slot_of(t->slots[j].owner, t->mask);
			/* j may move to i unless its home lies in (i, j] */
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		t->slots[i] = t->slots[j];
		i = j;
	}
}

void fn_release(struct sim *s)
{
	struct fn_table *t = s->fns;

	if (!t)
		return;
	for (uint32_t i = 0; i <= t->mask; i++)
		if (t->slots[i].owner)
			free_body(&t->slots[i]);
	free(t->slots);
	free(t);
	s->fns = NULL;
}

static char *dup_id(const char *id, size_t len)
{
	if (len == sizeof(SIM_ON_SELF) - 1 && memcmp(id, SIM_ON_SELF, len) == 0)
		return NULL;
	char *p = sim_xmalloc(len + 1);
	memcpy(p, id, len);
	p[len] = '\0';
	return p;
}

int fn_on(struct sim *s, const struct sim_event *ev, struct sim_diag *diag)
{
	struct operand fn = { 0, 0, ev->id, ev->id_col };
	int rc = replay_lookup(s, &fn, diag);

	if (rc)
		return rc;
	s->subject = fn.name;
	int type = OBJ(s, fn.h)->type;
	if (!sim_has_function(type))
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, ev->id_col,
				    "'%s' is a %s, which has no function: on needs a delobj, legacyobj or gcobj",
				    ev->id, sim_type_name((enum sim_type)type));
	struct body *b = find(s, fn.h);
	if (!b)
		b = insert(s, fn.h);
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 4;
		b->a = sim_xrealloc(b->a, b->cap * sizeof(*b->a));
	}
	struct action *a = &b->a[b->n++];
	memset(a, 0, sizeof(*a));
	a->op = ev->on_action;
	a->line = sim_line32(ev->line);
	for (int i = 0; i < ev->nitems && i < 2; i++) {
		a->arg[i] = dup_id(ev->items[i], ev->item_lens[i]);
		a->col[i] = ev->item_cols[i];
	}
	/* bind's NAME is a name to bind, never self */
	if (a->op == SIM_ON_BIND && !a->arg[0]) {
		b->n--;
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, ev->item_cols[0],
				    "on ... bind needs a NAME to bind, not '%s'",
				    SIM_ON_SELF);
	}
	if (a->op == SIM_ON_DEL && !a->arg[0]) {
		b->n--;
		return sim_diag_set(diag, SIM_ETRACE, "", s->line, ev->item_cols[0],
				    "on ... del drops a NAME's root reference; '%s' is no name",
				    SIM_ON_SELF);
	}
	return SIM_OK;
}

/* Argument k of a as an operand: self, or the live object its ID names. */
static int operand_of(struct sim *s, const struct action *a, int k, oref arg,
		      struct operand *x, struct sim_diag *diag)
{
	x->col = a->col[k];
	if (!a->arg[k]) {
		*x = (struct operand){ arg, 0, SIM_ON_SELF, a->col[k] };
		return SIM_OK;
	}
	x->id = a->arg[k];
	return replay_lookup(s, x, diag);
}

static int run_action(struct sim *s, const struct action *a, oref arg,
		      struct sim_diag *diag)
{
	struct operand x = { 0 }, y = { 0 };
	int rc;

	switch (a->op) {
	case SIM_ON_REF:
	case SIM_ON_UNREF:
		if ((rc = operand_of(s, a, 0, arg, &x, diag)) ||
		    (rc = operand_of(s, a, 1, arg, &y, diag)))
			return rc;
		return a->op == SIM_ON_REF ? replay_ref(s, &x, &y, diag) :
					     replay_unref(s, &x, &y, diag);
	case SIM_ON_BIND:
		if ((rc = operand_of(s, a, 1, arg, &y, diag)))
			return rc;
		x = (struct operand){ 0, 0, a->arg[0], a->col[0] };
		return replay_bind(s, &x, y.h, diag);
	case SIM_ON_DEL:
		if ((rc = operand_of(s, a, 0, arg, &x, diag)))
			return rc;
		return replay_drop_root(s, &x, diag);
	}
	return SIM_OK;
}

void fn_call(struct sim *s, oref fn, oref arg)
{
	const char *name = names_first(s, fn);

	names_count_call(s, fn);
	for (uint32_t i = 0; !s->call_status; i++) {
		/* The body may free fn's table slot (or move it): look again. */
		struct body *b = find(s, fn);
		if (!b || i >= b->n)
			return;
		struct action a = b->a[i];
		uint32_t base = s->npending;
		struct sim_diag d;

		int rc = run_action(s, &a, arg, &d);
		heap_drain_to(s, base);
		if (rc && !s->call_status) {
			s->call_status = rc;
			/* the step's line; the column would be the body's */
			sim_diag_set(&s->call_diag, rc, "", d.line, 0,
				     "in the function of %s%s%s (its body from line %lu, column %lu): %s",
				     name ? "'" : "", name ? name : "an object without an id",
				     name ? "'" : "", (unsigned long)a.line, d.col, d.msg);
		}
	}
}
