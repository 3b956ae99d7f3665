/*
 * unit_helpers.c - the unit tests' harness (see unit_helpers.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "state.h"
#include "unit_helpers.h"

/*
 * Harnesses still open: a failed assertion leaves its test by longjmp, and
 * th_teardown releases what the test could not.
 */
#define MAX_OPEN 8
static struct th *open_th[MAX_OPEN];

static void unregister(struct th *t)
{
	for (int i = 0; i < MAX_OPEN; i++)
		if (open_th[i] == t)
			open_th[i] = NULL;
}

struct th *th_open_cfg(const struct sim_config *cfg)
{
	struct th *t = calloc(1, sizeof(*t));
	struct sim_diag d;
	int i;

	assert_non_null(t);
	memset(&d, 0, sizeof(d));
	if (sim_new(&t->s, cfg, &d) != SIM_OK) {
		free(t);
		print_error("sim_new: %s\n", d.msg);
		fail();
	}
	t->check_each = 1;
	for (i = 0; i < MAX_OPEN && open_th[i]; i++)
		;
	assert_true(i < MAX_OPEN);
	open_th[i] = t;
	return t;
}

int th_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < MAX_OPEN; i++) {
		if (open_th[i]) {
			sim_free(open_th[i]->s);
			free(open_th[i]);
			open_th[i] = NULL;
		}
	}
	return 0;
}

struct th *th_open(const char *python)
{
	struct sim_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.python = python;
	return th_open_cfg(&cfg);
}

void th_close(struct th *t)
{
	char msg[512];

	if (!t)
		return;
	unregister(t);
	if (sim_heap_check(t->s, msg, sizeof(msg)) != 0) {
		print_error("heap check at close: %s\n", msg);
		sim_free(t->s);
		free(t);
		fail();
	}
	sim_free(t->s);
	free(t);
}

int th_write_temp(const char *text, char *path, size_t pathsz)
{
	const char *dir = getenv("TMPDIR");

	snprintf(path, pathsz, "%s/gcsim-unit-XXXXXX",
		 dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	size_t n = strlen(text), off = 0;
	while (off < n) {
		ssize_t w = write(fd, text + off, n - off);
		if (w <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		off += (size_t)w;
	}
	close(fd);
	return 0;
}

/* 0, or -1 when the heap check failed (reported). */
static int after_step(struct th *t)
{
	char msg[512];

	t->nsteps++;
	if (t->check_each && sim_heap_check(t->s, msg, sizeof(msg)) != 0) {
		print_error("heap check after step %llu (line %lu): %s\n",
			    (unsigned long long)t->st.step, t->st.line, msg);
		return -1;
	}
	return 0;
}

int th_run(struct th *t, const char *text)
{
	char path[512];
	struct sim_session_opts so = { .format = SIM_FMT_TEXT };
	struct sim_item it;
	sim_session *ss;
	int rc, broken = 0;

	memset(&t->diag, 0, sizeof(t->diag));
	t->nfail = 0;
	t->fail_msg[0] = '\0';
	if (th_write_temp(text, path, sizeof(path)) != 0) {
		print_error("cannot write a temporary trace\n");
		fail();
	}
	/* The commands' replay loop, over this harness's simulator. */
	rc = sim_session_open_on(&ss, t->s, path, &so, &t->diag);
	if (rc != SIM_OK) {
		unlink(path);
		return rc;
	}
	while ((rc = sim_session_next(ss, &it, &t->diag)) == SIM_OK) {
		if (it.kind == SIM_ITEM_EXPECT) {
			if (!it.ok && t->nfail++ == 0) {
				snprintf(t->fail_msg, sizeof(t->fail_msg), "%s", it.msg);
				t->fail_line = it.ev.line;
			}
			continue;
		}
		t->st = it.step;
		if (after_step(t) != 0) {
			broken = 1;
			break;
		}
	}
	if (rc == SIM_EOF)
		rc = SIM_OK;
	sim_session_close(ss);
	unlink(path);
	if (broken)
		fail();
	return rc;
}

int th_runf(struct th *t, const char *fmt, ...)
{
	va_list ap;
	struct tb b = { 0 };

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	b.p = malloc((size_t)n + 1);
	assert_non_null(b.p);
	va_start(ap, fmt);
	vsnprintf(b.p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int rc = th_run(t, b.p);
	free(b.p);
	return rc;
}

static int replay_built(struct th *t, struct sim_event *ev)
{
	memset(&t->diag, 0, sizeof(t->diag));
	ev->line = ++t->ev_line;
	ev->col = 1;
	ev->id_col = 5;
	/* as the reader gives them */
	ev->id_len = ev->id ? strlen(ev->id) : 0;
	ev->dst_len = ev->dst ? strlen(ev->dst) : 0;
	int rc = sim_replay(t->s, ev, &t->st, &t->diag);
	if (rc == SIM_OK && after_step(t) != 0)
		fail();
	return rc;
}

int th_alloc(struct th *t, const char *id, enum sim_type type)
{
	struct sim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = SIM_OP_ALLOC;
	ev.id = id;
	ev.type = type;
	return replay_built(t, &ev);
}

int th_alloc_int(struct th *t, const char *id, int64_t v)
{
	struct sim_event ev;
	char digits[32];

	snprintf(digits, sizeof(digits), "%lld", (long long)v);
	memset(&ev, 0, sizeof(ev));
	ev.op = SIM_OP_ALLOC;
	ev.id = id;
	ev.type = SIM_T_INT;
	ev.value.has = 1;
	ev.value.i = v;
	ev.value.fits = 1;
	ev.value.digits = digits;
	return replay_built(t, &ev);
}

int th_alloc_tuple(struct th *t, const char *id, long n)
{
	struct sim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = SIM_OP_ALLOC;
	ev.id = id;
	ev.type = SIM_T_TUPLE;
	ev.value.has = 1;
	ev.value.i = n;
	return replay_built(t, &ev);
}

int th_ref(struct th *t, const char *src, const char *dst)
{
	struct sim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = SIM_OP_REF;
	ev.id = src;
	ev.dst = dst;
	ev.dst_col = 5;
	return replay_built(t, &ev);
}

int th_unref(struct th *t, const char *src, const char *dst)
{
	struct sim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = SIM_OP_UNREF;
	ev.id = src;
	ev.dst = dst;
	ev.dst_col = 7;
	return replay_built(t, &ev);
}

int th_del(struct th *t, const char *id)
{
	struct sim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = SIM_OP_DEL;
	ev.id = id;
	return replay_built(t, &ev);
}

int th_collect(struct th *t, int gen)
{
	struct sim_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = SIM_OP_COLLECT;
	ev.gen = gen;
	return replay_built(t, &ev);
}

int th_expect(struct th *t, const char *line, char *msg, size_t msgsz)
{
	char path[512];
	sim_reader *r = NULL;
	struct sim_event ev;

	memset(&t->diag, 0, sizeof(t->diag));
	msg[0] = '\0';
	if (th_write_temp(line, path, sizeof(path)) != 0)
		fail();
	if (sim_reader_open(&r, path, SIM_FMT_TEXT, &t->diag) != SIM_OK) {
		unlink(path);
		print_error("open: %s\n", t->diag.msg);
		fail();
	}
	int rc = sim_reader_next(r, &ev, &t->diag);
	if (rc != SIM_OK || ev.op != SIM_OP_EXPECT) {
		sim_reader_free(r);
		unlink(path);
		print_error("'%s' is not an expect line: %s\n", line, t->diag.msg);
		fail();
	}
	int ok = sim_expect(t->s, &ev, msg, msgsz, &t->diag);
	sim_reader_free(r);
	unlink(path);
	return ok;
}

struct find_arg {
	const char *id;
	int64_t refcnt;
};

static void find_name(void *arg, const char *id, int type, int64_t refcnt,
		      int exact)
{
	struct find_arg *a = arg;

	(void)type;
	(void)exact;
	if (strcmp(id, a->id) == 0)
		a->refcnt = refcnt;
}

int64_t th_refcnt(struct th *t, const char *id)
{
	struct find_arg a = { id, -1 };

	sim_each_name(t->s, find_name, &a);
	return a.refcnt;
}

void tb_add(struct tb *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (b->n + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->n + (size_t)n + 1 > cap)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

void tb_free(struct tb *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

void th_assert_ok_at(struct th *t, int rc, const char *file, int line)
{
	if (rc != SIM_OK) {
		print_error("%s:%d: replay failed: line %lu col %lu: %s\n",
			    file, line, t->diag.line, t->diag.col, t->diag.msg);
		_fail(file, line);
	}
	if (t->nfail) {
		print_error("%s:%d: %d expect line(s) failed; first, line %lu: %s\n",
			    file, line, t->nfail, t->fail_line, t->fail_msg);
		_fail(file, line);
	}
	th_assert_heap_at(t, file, line);
}

void th_assert_heap_at(struct th *t, const char *file, int line)
{
	char msg[512];

	if (sim_heap_check(t->s, msg, sizeof(msg)) != 0) {
		print_error("%s:%d: heap check: %s\n", file, line, msg);
		_fail(file, line);
	}
}

void th_assert_error_at(struct th *t, int rc, unsigned long eline,
			unsigned long ecol, const char *emsg,
			const char *file, int line)
{
	if (rc != SIM_ETRACE) {
		print_error("%s:%d: expected an invalid-trace error '%s', got status %d (%s)\n",
			    file, line, emsg, rc, t->diag.msg);
		_fail(file, line);
	}
	if (strcmp(t->diag.msg, emsg) != 0) {
		print_error("%s:%d: message\n  got:  %s\n  want: %s\n", file,
			    line, t->diag.msg, emsg);
		_fail(file, line);
	}
	if (t->diag.line != eline || t->diag.col != ecol) {
		print_error("%s:%d: position %lu:%lu, want %lu:%lu (%s)\n",
			    file, line, t->diag.line, t->diag.col, eline, ecol,
			    emsg);
		_fail(file, line);
	}
	th_assert_heap_at(t, file, line);
}

int th_has_effect(const struct th *t, enum sim_effect_kind k, int type)
{
	for (uint32_t i = 0; i < t->st.neffects; i++)
		if (t->st.effects[i].kind == k &&
		    (type < 0 || t->st.effects[i].type == type))
			return 1;
	return 0;
}

struct fp_names {
	const struct sim *s;
	struct tb *b;
};

static void fingerprint_name(void *arg, uint32_t ix)
{
	const struct fp_names *fp = arg;
	const struct names *n = fp->s->names;
	uint64_t died = 0;
	uint32_t line = 0;

	if (!names_obj(n, ix) || names_idle(n, ix))
		names_died(n, ix, &died, &line);
	tb_add(fp->b, "name %s obj %u roots %u idle %d died %llu line %u\n",
	       names_str(n, ix), names_obj(n, ix), names_roots(n, ix),
	       names_idle(n, ix), (unsigned long long)died, line);
}

char *th_fingerprint(const struct th *t)
{
	const struct sim *s = t->s;
	struct tb b = { 0 };

	tb_add(&b, "step %llu live %llu tracked %llu enabled %d sched %d\n",
	       (unsigned long long)s->step_no, (unsigned long long)s->live,
	       (unsigned long long)s->tracked, s->enabled, s->gc_scheduled);
	for (int i = 0; i < 3; i++)
		tb_add(&b, "gen%d count %ld threshold %ld stats %llu %llu\n", i,
		       s->gen[i].count, s->gen[i].threshold,
		       (unsigned long long)s->stats[i].collections,
		       (unsigned long long)s->stats[i].collected);
	for (int l = 0; l < LIST_COUNT_; l++)
		tb_add(&b, "list%d %llu\n", l,
		       (unsigned long long)s->lists[l].size);
	tb_add(&b, "ll %lld %lld fl %ld %ld %ld\n",
	       (long long)s->long_lived_pending, (long long)s->long_lived_total,
	       s->fl.list, s->fl.dict, s->fl.flt);
	for (int c = 0; c < SIM_NCLASSES; c++)
		tb_add(&b, "keys%d %u %u\n", c, s->keys_nentries[c],
		       s->keys_usable[c]);
	tb_add(&b, "saveall %d garbage %u\n", s->saveall, s->ngc_garbage);
	for (uint32_t k = 0; k < s->ngc_garbage; k++)
		tb_add(&b, " %u", s->gc_garbage[k]);
	for (int k = 0; k < SIM_TUPLE_FREELISTS; k++)
		tb_add(&b, "%ld ", s->fl.tuple[k]);
	tb_add(&b, "\n");
	for (oref h = s->objs[HEAD_REFCHAIN].rc_next; h != HEAD_REFCHAIN;
	     h = s->objs[h].rc_next) {
		const struct obj *o = &s->objs[h];

		/* A tuple's remembered hash (hstate, u.r->hash) is a cache,
		 * not something an event changes: it stays out. */
		int inst = o->type == SIM_T_OBJECT, set = o->type == SIM_T_SET;

		tb_add(&b, "#%u t%d rc%lld f%d l%d d%d n%u:", h, o->type,
		       (long long)o->refcnt, o->flags, o->list,
		       inst ? o->dictobj : 0, o->names);
		if (sim_is_gc_type(o->type) && o->u.r) {
			tb_add(&b, " cap%u next%u nv%u", o->u.r->cap,
			       inst ? o->u.r->next_attr : set ? o->u.r->used : 0,
			       inst ? o->u.r->nvalues : set ? o->u.r->fill : 0);
			for (uint32_t i = 0; i < o->u.r->len; i++)
				tb_add(&b, " %u", o->u.r->v[i]);
		}
		tb_add(&b, "\n");
	}
	struct fp_names fp = { s, &b };
	names_each(s->names, 1, fingerprint_name, &fp);
	return b.p;
}
