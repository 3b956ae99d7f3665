/*
 * expect.c - expect lines: assertions about the simulated interpreter,
 * checked where they stand in a trace (SPEC section 4).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gc.h"

static int result(int ok, char *msg, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int result(int ok, char *msg, size_t sz, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return 1;
	va_start(ap, fmt);
	vsnprintf(msg, sz, fmt, ap);
	va_end(ap);
	return 0;
}

/* The object id names: 1 alive (*h set), 0 freed, -1 never bound. */
static int resolve(const struct sim *s, const char *id, size_t len, oref *h,
		   uint64_t *died)
{
	uint32_t ix = names_find_n(s->names, id, len);
	uint32_t line;

	if (!ix)
		return -1;
	*h = names_obj(s->names, ix);
	*died = 0;
	if (!*h)
		names_died(s->names, ix, died, &line);
	return *h != 0;
}

static const char *where(const struct sim *s, oref h, char *buf, size_t sz)
{
	const struct obj *o = &s->objs[h];

	if (o->list == LIST_NONE)
		return "untracked";
	int g = s->gc->generation_of(s, h);
	if (g == 3)
		return "in the permanent generation";
	snprintf(buf, sz, "in generation %d", g);
	return buf;
}

int sim_expect(sim *s, const struct sim_event *ev, char *msg, size_t sz,
	       struct sim_diag *diag)
{
	oref h = 0, h2 = 0;
	uint64_t died = 0, died2 = 0;
	int st = 1, st2 = 1;
	char buf[64];
	long count[3];

	if (ev->id) {
		st = resolve(s, ev->id, ev->id_len, &h, &died);
		if (st < 0)
		{
			sim_diag_set(diag, SIM_ETRACE, "", ev->line, ev->col,
				     "expect names unknown id '%s'", ev->id);
			return -1;
		}
	}
	if (ev->id2) {
		st2 = resolve(s, ev->id2, ev->id2_len, &h2, &died2);
		if (st2 < 0)
		{
			sim_diag_set(diag, SIM_ETRACE, "", ev->line, ev->col,
				     "expect names unknown id '%s'", ev->id2);
			return -1;
		}
	}
	const struct obj *o = h ? &s->objs[h] : NULL;

	switch (ev->expect) {
	case SIM_EXPECT_REFCNT: {
		if (!o)
			return result(0, msg, sz, "expected refcnt %ld for '%s', found it freed (step %llu)",
				      ev->nums[0], ev->id, (unsigned long long)died);
		long long rc = (o->flags & OF_IMMORTAL) ? SIM_IMMORTAL_REFCNT : (long long)o->refcnt;
		return result(rc == ev->nums[0], msg, sz, "expected refcnt %ld for '%s', found %lld%s",
			      ev->nums[0], ev->id, rc, (o->flags & OF_IMMORTAL) ? " (immortal)" : "");
	}
	case SIM_EXPECT_ALIVE:
		return result(o != NULL, msg, sz, "expected '%s' alive, found it freed at step %llu",
			      ev->id, (unsigned long long)died);
	case SIM_EXPECT_FREED:
		return result(o == NULL, msg, sz, "expected '%s' freed, found it alive (refcnt %lld)",
			      ev->id, o ? (long long)o->refcnt : 0LL);
	case SIM_EXPECT_TRACKED:
	case SIM_EXPECT_UNTRACKED: {
		int want = ev->expect == SIM_EXPECT_TRACKED;
		if (!o)
			return result(0, msg, sz, "expected '%s' %s, found it freed (step %llu)",
				      ev->id, want ? "tracked" : "untracked", (unsigned long long)died);
		int is = o->list != LIST_NONE;
		return result(is == want, msg, sz, "expected '%s' %s, found it %s",
			      ev->id, want ? "tracked" : "untracked", is ? "tracked" : "untracked");
	}
	case SIM_EXPECT_GEN:
		if (!o)
			return result(0, msg, sz, "expected '%s' in generation %ld, found it freed (step %llu)",
				      ev->id, ev->nums[0], (unsigned long long)died);
		return result(o->list != LIST_NONE && s->gc->generation_of(s, h) == ev->nums[0], msg, sz, "expected '%s' in generation %ld, found it %s",
			      ev->id, ev->nums[0], where(s, h, buf, sizeof(buf)));
	case SIM_EXPECT_SAME:
		if (!o || !h2)
			return result(0, msg, sz, "expected '%s' and '%s' to be the same object, found '%s' freed",
				      ev->id, ev->id2, !o ? ev->id : ev->id2);
		return result(h == h2, msg, sz, "expected '%s' and '%s' to be the same object, found two objects",
			      ev->id, ev->id2);
	case SIM_EXPECT_COUNT:
		s->gc->get_count(s, count);
		return result(count[0] == ev->nums[0] && count[1] == ev->nums[1] &&
			      count[2] == ev->nums[2], msg, sz,
			      "expected count %ld %ld %ld, found %ld %ld %ld",
			      ev->nums[0], ev->nums[1], ev->nums[2],
			      count[0], count[1], count[2]);
	case SIM_EXPECT_COLLECTIONS:
		return result(s->stats[0].collections == (uint64_t)ev->nums[0] &&
			      s->stats[1].collections == (uint64_t)ev->nums[1] &&
			      s->stats[2].collections == (uint64_t)ev->nums[2], msg, sz,
			      "expected collections %ld %ld %ld, found %llu %llu %llu",
			      ev->nums[0], ev->nums[1], ev->nums[2],
			      (unsigned long long)s->stats[0].collections,
			      (unsigned long long)s->stats[1].collections,
			      (unsigned long long)s->stats[2].collections);
	case SIM_EXPECT_COLLECTED: {
		uint64_t m = 0;
		for (uint32_t i = 0; i < s->ncolls; i++)
			m += s->colls[i].collected;
		return result(m == (uint64_t)ev->nums[0], msg, sz,
			      "expected %ld collected by the previous step, found %llu (%u collection%s)",
			      ev->nums[0], (unsigned long long)m, s->ncolls, s->ncolls == 1 ? "" : "s");
	}
	case SIM_EXPECT_FREELIST: {
		long n;
		const char *what = sim_type_name((enum sim_type)ev->fl_type);
		switch (ev->fl_type) {
		case SIM_T_LIST: n = s->fl.list; break;
		case SIM_T_DICT: n = s->fl.dict; break;
		case SIM_T_FLOAT: n = s->fl.flt; break;
		default: n = s->fl.tuple[ev->fl_size - 1]; break;
		}
		if (ev->fl_type == SIM_T_TUPLE)
			return result(n == ev->nums[0], msg, sz,
				      "expected %ld on the tuple:%d free list, found %ld",
				      ev->nums[0], ev->fl_size, n);
		return result(n == ev->nums[0], msg, sz, "expected %ld on the %s free list, found %ld",
			      ev->nums[0], what, n);
	}
	case SIM_EXPECT_FINALIZED:
	case SIM_EXPECT_UNFINALIZED: {
		int want = ev->expect == SIM_EXPECT_FINALIZED;
		if (!o)
			return result(0, msg, sz, "expected '%s' %s, found it freed (step %llu)",
				      ev->id, want ? "finalized" : "not finalized", (unsigned long long)died);
		int is = (o->flags & OF_FINALIZED) != 0;
		return result(is == want, msg, sz, "expected '%s' %s, found it %s",
			      ev->id, want ? "finalized" : "not finalized",
			      is ? "finalized" : "not finalized");
	}
	case SIM_EXPECT_CLEARED:
	case SIM_EXPECT_REFERENT: {
		if (!o)
			return result(0, msg, sz, "expected weakref '%s', found it freed (step %llu)",
				      ev->id, (unsigned long long)died);
		if (o->type != SIM_T_WEAKREF)
			return result(0, msg, sz, "expected a weakref, found '%s' a %s",
				      ev->id, sim_type_name((enum sim_type)o->type));
		oref r = o->u.r->wr_referent;
		if (ev->expect == SIM_EXPECT_CLEARED)
			return result(r == 0, msg, sz, "expected weakref '%s' cleared, found its referent alive%s%s",
				      ev->id, names_first(s, r) ? ": " : "",
				      names_first(s, r) ? names_first(s, r) : "");
		if (!h2)
			return result(0, msg, sz, "expected weakref '%s' to refer to '%s', found '%s' freed (step %llu)",
				      ev->id, ev->id2, ev->id2, (unsigned long long)died2);
		return result(r == h2, msg, sz, "expected weakref '%s' to refer to '%s', found it %s",
			      ev->id, ev->id2, r ? "referring to another object" : "cleared");
	}
	case SIM_EXPECT_CALLED: {
		uint32_t ix = names_find_n(s->names, ev->id, ev->id_len);
		uint32_t n = names_calls(s->names, ix);
		return result(n == (uint64_t)ev->nums[0], msg, sz,
			      "expected the function of '%s' called %ld time%s, found %u",
			      ev->id, ev->nums[0], ev->nums[0] == 1 ? "" : "s", n);
	}
	case SIM_EXPECT_GARBAGE:
		return result(s->ngc_garbage == (uint64_t)ev->nums[0], msg, sz,
			      "expected len(gc.garbage) %ld, found %u", ev->nums[0], s->ngc_garbage);
	case SIM_EXPECT_FROZEN: {
		uint64_t n = s->lists[LIST_PERMANENT].size;
		return result(n == (uint64_t)ev->nums[0], msg, sz,
			      "expected %ld frozen objects, found %llu", ev->nums[0],
			      (unsigned long long)n);
	}
	case SIM_EXPECT_UNCOLLECTABLE: {
		uint64_t m = 0;
		for (uint32_t i = 0; i < s->ncolls; i++)
			m += s->colls[i].uncollectable;
		return result(m == (uint64_t)ev->nums[0], msg, sz,
			      "expected %ld uncollectable by the previous step, found %llu (%u collection%s)",
			      ev->nums[0], (unsigned long long)m, s->ncolls, s->ncolls == 1 ? "" : "s");
	}
	case SIM_EXPECT_STATS: {
		const struct sim_genstats *g = &s->stats[ev->nums[0]];
		return result(g->collected == (uint64_t)ev->nums[1] &&
			      g->uncollectable == (uint64_t)ev->nums[2], msg, sz,
			      "expected generation %ld's stats collected %ld uncollectable %ld, found %llu and %llu",
			      ev->nums[0], ev->nums[1], ev->nums[2],
			      (unsigned long long)g->collected,
			      (unsigned long long)g->uncollectable);
	}
	}
	return 1;
}
