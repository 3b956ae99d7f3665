/*
 * _gcsim_record.c - the recorder behind `gcsim record`: a C extension that
 * watches a running CPython (3.13.3 and later, default build) and writes
 * what its memory manager sees as a gcsim trace.
 *
 * Where the events come from (../shared/reference/recording-real-programs.md):
 *  - PyRefTracer CREATE/DESTROY (Objects/object.c _Py_NewReference,
 *    _Py_Dealloc): every GC object's birth, free-list reuse included, and
 *    its death by refcount, before tp_dealloc runs.
 *  - Py_AddPendingCall: the first GC allocation after a safe point asks
 *    for a call at the next eval-breaker check; _Py_HandlePending runs it
 *    before a scheduled collection, so it is where the trace's
 *    `gc safepoint` goes.
 *  - tp_traverse at those safe points (a "sync"): each recorded object's
 *    references, diffed against what the trace has told gcsim (the
 *    shadow), become ref/unref events; an object whose refcount exceeds
 *    its references from recorded holders gets one root reference.
 *  - interp->gc: count0, the thresholds, `collecting` and the statistics
 *    of the real collections, read without allocating; the real
 *    collections are logged into the trace as `# real-gc` comments.
 *
 * Types: exact lists, dicts and tuples keep their gcsim type (their free
 * lists decide count0); every other GC object is a `gcobj`.  Objects that
 * are not GC objects are not recorded.  A reference to a GC object the
 * recorder does not know (made before recording began) is to `e`, one
 * permanent object; a tuple item that is no recorded object is `n`, None.
 *
 * Nothing here allocates a Python object while recording (C memory only),
 * so the program's own collections are undisturbed.
 */
#define PY_SSIZE_T_CLEAN
#define Py_BUILD_CORE_MODULE 1
#include <Python.h>

#include "internal/pycore_gc.h"
#include "internal/pycore_interp.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if PY_VERSION_HEX < 0x030D0300
#error "the recorder needs CPython 3.13.3 or later (PyRefTracer loses deallocations before: gh-130382)"
#endif
#ifdef Py_GIL_DISABLED
#error "the free-threaded build has no generation lists: not supported"
#endif
#if PY_VERSION_HEX >= 0x030E0000 && PY_VERSION_HEX < 0x030E05F0
#error "CPython 3.14.0-3.14.4 have the incremental collector, whose state this does not read"
#endif

enum kind { K_LIST, K_DICT, K_TUPLE, K_GCOBJ };
static const char *const kind_names[] = { "list", "dict", "tuple", "gcobj" };

/* Special children: not record indexes. */
#define KID_E UINT32_MAX        /* a GC object made before recording */
#define KID_N (UINT32_MAX - 1)  /* a tuple item that is no recorded object */
#define KID_DETACHED (UINT32_MAX - 2) /* a reference to an object the real
					 collector freed: never written */
#define IS_REC(k) ((k) < KID_DETACHED)

struct vec {
	uint32_t *v;
	uint32_t len, cap;
};

/*
 * One recorded object.  kids is what gcsim holds in it (the shadow),
 * holders the records whose kids name it, once per reference, so that
 * holders.len is its references from recorded containers.
 */
struct rec {
	PyObject *op;           /* NULL once dead */
	uint64_t id;
	uint8_t kind;
	uint8_t root;           /* gcsim holds one root reference to it */
	uint8_t dying;          /* in the deaths batch */
	uint8_t used;
	uint8_t frozen;         /* of the start-up heap: never synced */
	struct vec kids, holders;
	uint32_t next_free;
};

static struct recorder {
	int on;
	FILE *out;
	int jsonl;
	FILE *log;              /* the real collector's log: out (text) or a side file */
	struct rec *recs;
	uint32_t nrecs, caprecs, free_head;
	/* open addressing: pointer -> record index + 2; 0 empty, 1 deleted */
	PyObject **hkeys;
	uint32_t *hvals;
	size_t hcap, hused, hlive;
	uint32_t pending_tuple; /* +1; 0 none */
	uint32_t resizing;      /* +1: a tuple _PyTuple_Resize is moving */
	struct vec deaths;
	struct vec scratch, add, rem;
	uint64_t next_id;
	int scheduled;
	long sync_every;
	long since_sync;
	struct _gc_runtime_state *gc;
	Py_ssize_t stats0[3][2], last_stats[3][2];
	/* counters for the summary */
	uint64_t events, creates, destroys, syncs, safepoints, pins;
	uint64_t collected_destroys, lost_tracer, progress_at, resizes;
	int progress;
} R;

/* ------------------------------------------------------------------ */
/* Small containers (C memory only) */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("gcsim record: out of memory\n", stderr);
		abort();
	}
	return q;
}

static void vpush(struct vec *v, uint32_t x)
{
	if (v->len == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 4;
		v->v = xrealloc(v->v, v->cap * sizeof(*v->v));
	}
	v->v[v->len++] = x;
}

/* Remove one occurrence of x; 1 if there was one. */
static int vremove(struct vec *v, uint32_t x)
{
	for (uint32_t i = 0; i < v->len; i++)
		if (v->v[i] == x) {
			v->v[i] = v->v[--v->len];
			return 1;
		}
	return 0;
}

static void vfree(struct vec *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}

static size_t hslot(PyObject *op)
{
	uintptr_t x = (uintptr_t)op >> 4;

	x ^= x >> 17;
	x *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(x >> 7);
}

static void hput(PyObject *op, uint32_t ix);

static void hgrow(void)
{
	PyObject **keys = R.hkeys;
	uint32_t *vals = R.hvals;
	size_t cap = R.hcap;

	/* a quarter full after the rehash: tombstones do not make it grow */
	R.hcap = 1024;
	while (R.hcap < 4 * R.hlive)
		R.hcap *= 2;
	R.hkeys = xrealloc(NULL, R.hcap * sizeof(*R.hkeys));
	R.hvals = xrealloc(NULL, R.hcap * sizeof(*R.hvals));
	memset(R.hvals, 0, R.hcap * sizeof(*R.hvals));
	R.hused = R.hlive = 0;
	for (size_t i = 0; i < cap; i++)
		if (vals[i] > 1)
			hput(keys[i], vals[i] - 2);
	free(keys);
	free(vals);
}

/* Values are stored as index + 2 (0 empty, 1 deleted). */
static void hput(PyObject *op, uint32_t ix)
{
	if ((R.hused + 1) * 4 >= R.hcap * 3)
		hgrow();
	size_t m = R.hcap - 1, i = hslot(op) & m;

	while (R.hvals[i] > 1)
		i = (i + 1) & m;
	if (R.hvals[i] == 0)
		R.hused++;
	R.hkeys[i] = op;
	R.hvals[i] = ix + 2;
	R.hlive++;
}

static size_t hfind_slot(PyObject *op)
{
	if (!R.hcap)
		return SIZE_MAX;
	size_t m = R.hcap - 1, i = hslot(op) & m;

	while (R.hvals[i]) {
		if (R.hvals[i] > 1 && R.hkeys[i] == op)
			return i;
		i = (i + 1) & m;
	}
	return SIZE_MAX;
}

/* The record of the live object op, or UINT32_MAX. */
static uint32_t hget(PyObject *op)
{
	size_t i = hfind_slot(op);

	return i == SIZE_MAX ? UINT32_MAX : R.hvals[i] - 2;
}

static void hdel(PyObject *op)
{
	size_t i = hfind_slot(op);

	if (i != SIZE_MAX) {
		R.hvals[i] = 1;
		R.hlive--;
	}
}

static uint32_t rec_new(PyObject *op, enum kind k)
{
	uint32_t ix;

	if (R.free_head) {
		ix = R.free_head - 1;
		R.free_head = R.recs[ix].next_free;
	} else {
		if (R.nrecs == R.caprecs) {
			R.caprecs = R.caprecs ? 2 * R.caprecs : 4096;
			R.recs = xrealloc(R.recs, R.caprecs * sizeof(*R.recs));
		}
		ix = R.nrecs++;
	}
	struct rec *r = &R.recs[ix];
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->id = ++R.next_id;
	r->kind = (uint8_t)k;
	r->root = 1; /* alloc holds one */
	r->used = 1;
	hput(op, ix);
	return ix;
}

static void rec_release(uint32_t ix)
{
	struct rec *r = &R.recs[ix];

	vfree(&r->kids);
	vfree(&r->holders);
	r->used = 0;
	r->op = NULL;
	r->next_free = R.free_head;
	R.free_head = ix + 1;
}

/* ------------------------------------------------------------------ */
/* Writing events */

static void put_id(uint32_t k)
{
	if (k == KID_E)
		fputs("e", R.out);
	else if (k == KID_N)
		fputs("n", R.out);
	else
		fprintf(R.out, "%llu", (unsigned long long)R.recs[k].id);
}

static void put_jid(const char *key, uint32_t k)
{
	fprintf(R.out, ",\"%s\":\"", key);
	put_id(k);
	fputc('"', R.out);
}

static void ev_alloc(uint32_t ix, long tuplelen)
{
	R.events++;
	if (R.jsonl) {
		fputs("{\"op\":\"alloc\"", R.out);
		put_jid("id", ix);
		fprintf(R.out, ",\"type\":\"%s\"", kind_names[R.recs[ix].kind]);
		if (tuplelen >= 0)
			fprintf(R.out, ",\"value\":%ld", tuplelen);
		fputs("}\n", R.out);
		return;
	}
	fputs("alloc ", R.out);
	put_id(ix);
	fprintf(R.out, " %s", kind_names[R.recs[ix].kind]);
	if (tuplelen >= 0)
		fprintf(R.out, " %ld", tuplelen);
	fputc('\n', R.out);
}

/* ref S D (d != UINT32_MAX - 3) or ref S (a root) */
#define NO_DST (UINT32_MAX - 3)
static void ev_ref(const char *op, uint32_t s, uint32_t d)
{
	R.events++;
	if (R.jsonl) {
		fprintf(R.out, "{\"op\":\"%s\"", op);
		if (d == NO_DST) {
			put_jid("id", s);
		} else {
			put_jid("src", s);
			put_jid("dst", d);
		}
		fputs("}\n", R.out);
		return;
	}
	fprintf(R.out, "%s ", op);
	put_id(s);
	if (d != NO_DST) {
		fputc(' ', R.out);
		put_id(d);
	}
	fputc('\n', R.out);
}

static void ev_gc(const char *action)
{
	R.events++;
	if (R.jsonl)
		fprintf(R.out, "{\"op\":\"gc\",\"action\":\"%s\"}\n", action);
	else
		fprintf(R.out, "gc %s\n", action);
}

/* ------------------------------------------------------------------ */
/* The shadow graph */

static void add_edge(uint32_t s, uint32_t d)
{
	vpush(&R.recs[s].kids, d);
	if (IS_REC(d))
		vpush(&R.recs[d].holders, s);
}

static void drop_edge(uint32_t s, uint32_t d)
{
	vremove(&R.recs[s].kids, d);
	if (IS_REC(d))
		vremove(&R.recs[d].holders, s);
}

/* What a reference to op is in the trace. */
static uint32_t kid_of(PyObject *op)
{
	uint32_t ix = hget(op);

	if (ix != UINT32_MAX && !R.recs[ix].dying)
		return ix;
	/* _PyObject_GC_MAY_BE_TRACKED: only a tuple can be ruled out */
	if (PyObject_IS_GC(op) &&
	    (!PyTuple_CheckExact(op) || PyObject_GC_IsTracked(op)))
		return KID_E;
	return KID_N;
}

/*
 * A tuple is written at the next event after its CREATE, when its size is
 * set (_PyObject_InitVar sets it after _Py_NewReference), with the items
 * it holds by then; gcsim's tuple is filled in the same breath.
 */
static void flush_tuple(void)
{
	if (!R.pending_tuple)
		return;
	uint32_t ix = R.pending_tuple - 1;
	PyObject *t = R.recs[ix].op;
	Py_ssize_t n = Py_SIZE(t);

	R.pending_tuple = 0;
	ev_alloc(ix, (long)n);
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *item = PyTuple_GET_ITEM(t, i);
		uint32_t k = item ? kid_of(item) : KID_N;

		add_edge(ix, k);
		ev_ref("ref", ix, k);
	}
}

static void pin(uint32_t k)
{
	if (IS_REC(k) && !R.recs[k].root && !R.recs[k].dying) {
		R.recs[k].root = 1;
		R.pins++;
		ev_ref("ref", k, NO_DST);
	}
}

/*
 * The objects freed by refcount since the last flush.  Their real
 * dealloc cascade is over; now gcsim frees them too: surviving children
 * without a root get one (a pin, which the next sync drops if it is not
 * needed), every holder drops its reference, then the roots go.
 */
static void flush_deaths(void)
{
	struct vec *D = &R.deaths;

	if (!D->len)
		return;
	for (uint32_t i = 0; i < D->len; i++) {
		struct rec *r = &R.recs[D->v[i]];
		for (uint32_t j = 0; j < r->kids.len; j++)
			pin(r->kids.v[j]);
	}
	/*
	 * Every reference to a dead object goes, from dead holders too: an
	 * edge between two of them may be one the program had already
	 * dropped (the shadow is as old as the last sync), and a stale cycle
	 * would keep both alive in gcsim where CPython freed them.
	 */
	/* each holds a root meanwhile, so none is freed before its turn */
	for (uint32_t i = 0; i < D->len; i++) {
		struct rec *r = &R.recs[D->v[i]];
		if (!r->root && r->holders.len) {
			r->root = 1;
			ev_ref("ref", D->v[i], NO_DST);
		}
	}
	for (uint32_t i = 0; i < D->len; i++) {
		uint32_t d = D->v[i];
		struct vec *hs = &R.recs[d].holders;
		/* a tuple cannot drop an item: its own death drops it */
		for (uint32_t j = 0; j < hs->len;) {
			uint32_t h = hs->v[j];
			if (R.recs[h].kind == K_TUPLE) {
				j++;
				continue;
			}
			ev_ref("unref", h, d);
			drop_edge(h, d);
		}
	}
	for (uint32_t i = 0; i < D->len; i++)
		if (R.recs[D->v[i]].root)
			ev_ref("del", D->v[i], NO_DST);
	for (uint32_t i = 0; i < D->len; i++) {
		struct rec *r = &R.recs[D->v[i]];
		for (uint32_t j = 0; j < r->kids.len; j++)
			if (IS_REC(r->kids.v[j]))
				vremove(&R.recs[r->kids.v[j]].holders, D->v[i]);
	}
	for (uint32_t i = 0; i < D->len; i++)
		rec_release(D->v[i]);
	D->len = 0;
}

/*
 * Freed by the real collector: gcsim's own collection frees it (no
 * event), unless it holds a root there, which then goes.  References to
 * it from live holders are forgotten, not written: gcsim has either
 * collected it too or still holds them.
 */
static void collected(uint32_t ix)
{
	struct rec *r = &R.recs[ix];

	R.collected_destroys++;
	for (uint32_t j = 0; j < r->holders.len; j++) {
		struct vec *k = &R.recs[r->holders.v[j]].kids;
		for (uint32_t i = 0; i < k->len; i++)
			if (k->v[i] == ix) {
				k->v[i] = KID_DETACHED;
				break;
			}
	}
	r->holders.len = 0;
	if (r->root) {
		for (uint32_t j = 0; j < r->kids.len; j++)
			pin(r->kids.v[j]);
		ev_ref("del", ix, NO_DST);
	}
	for (uint32_t j = 0; j < r->kids.len; j++)
		if (IS_REC(r->kids.v[j]))
			vremove(&R.recs[r->kids.v[j]].holders, ix);
	rec_release(ix);
}

static int visit(PyObject *op, void *arg)
{
	(void)arg;
	uint32_t k = kid_of(op);

	if (k != KID_N)
		vpush(&R.scratch, k);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A full sync: every recorded container's references as tp_traverse
 * sees them, against the shadow.  Written in the order that frees
 * nothing early: new references, new roots, dropped references, dropped
 * roots.
 */
static void sync_all(void)
{
	R.syncs++;
	R.add.len = R.rem.len = 0;
	for (uint32_t ix = 0; ix < R.nrecs; ix++) {
		struct rec *r = &R.recs[ix];
		if (!r->used || r->dying || r->frozen || r->kind == K_TUPLE)
			continue;
		R.scratch.len = 0;
		traverseproc tr = Py_TYPE(r->op)->tp_traverse;
		if (tr)
			tr(r->op, visit, NULL);
		/* the shadow, less what the real collector took away */
		struct vec *k = &r->kids;
		uint32_t n = 0;
		for (uint32_t i = 0; i < k->len; i++)
			if (k->v[i] != KID_DETACHED)
				k->v[n++] = k->v[i];
		k->len = n;
		uint32_t *old = xrealloc(NULL, (k->len + 1) * sizeof(*old));
		memcpy(old, k->v, k->len * sizeof(*old));
		qsort(old, k->len, sizeof(*old), cmp_u32);
		qsort(R.scratch.v, R.scratch.len, sizeof(*R.scratch.v), cmp_u32);
		uint32_t i = 0, j = 0, nold = k->len;
		while (i < nold || j < R.scratch.len) {
			if (j == R.scratch.len || (i < nold && old[i] < R.scratch.v[j])) {
				vpush(&R.rem, ix);
				vpush(&R.rem, old[i++]);
			} else if (i == nold || R.scratch.v[j] < old[i]) {
				vpush(&R.add, ix);
				vpush(&R.add, R.scratch.v[j++]);
			} else {
				i++;
				j++;
			}
		}
		free(old);
	}
	for (uint32_t i = 0; i < R.add.len; i += 2) {
		add_edge(R.add.v[i], R.add.v[i + 1]);
		ev_ref("ref", R.add.v[i], R.add.v[i + 1]);
	}
	for (uint32_t i = 0; i < R.rem.len; i += 2)
		drop_edge(R.rem.v[i], R.rem.v[i + 1]);
	/* roots: the refcount less the references from recorded holders */
	R.scratch.len = 0;
	for (uint32_t ix = 0; ix < R.nrecs; ix++) {
		struct rec *r = &R.recs[ix];
		if (!r->used || r->dying || r->frozen)
			continue;
		int need = Py_REFCNT(r->op) > (Py_ssize_t)r->holders.len;
		if (need && !r->root) {
			r->root = 1;
			ev_ref("ref", ix, NO_DST);
		} else if (!need && r->root) {
			vpush(&R.scratch, ix);
		}
	}
	for (uint32_t i = 0; i < R.rem.len; i += 2)
		ev_ref("unref", R.rem.v[i], R.rem.v[i + 1]);
	for (uint32_t i = 0; i < R.scratch.len; i++) {
		R.recs[R.scratch.v[i]].root = 0;
		ev_ref("del", R.scratch.v[i], NO_DST);
	}
	R.since_sync = 0;
}

/* ------------------------------------------------------------------ */
/* The real collector, read from interp->gc */

static void read_stats(Py_ssize_t st[3][2])
{
	for (int g = 0; g < 3; g++) {
		st[g][0] = R.gc->generation_stats[g].collections;
		st[g][1] = R.gc->generation_stats[g].collected;
	}
}

/* A `# real-gc` line whenever the real collector ran since the last. */
static void log_real(int force)
{
	Py_ssize_t st[3][2];

	read_stats(st);
	if (!force && memcmp(st, R.last_stats, sizeof(st)) == 0)
		return;
	memcpy(R.last_stats, st, sizeof(st));
	fprintf(R.log, "# real-gc after-event %llu collections %zd %zd %zd collected %zd %zd %zd\n",
		(unsigned long long)R.events,
		st[0][0] - R.stats0[0][0], st[1][0] - R.stats0[1][0], st[2][0] - R.stats0[2][0],
		st[0][1] - R.stats0[0][1], st[1][1] - R.stats0[1][1], st[2][1] - R.stats0[2][1]);
}

/* ------------------------------------------------------------------ */
/* Safe points and the tracer */

static int tracer(PyObject *op, PyRefTracerEvent event, void *data);

static int safe_point(void *arg)
{
	(void)arg;
	R.scheduled = 0;
	if (!R.on)
		return 0;
	void *data;
	if (PyRefTracer_GetTracer(&data) != tracer) {
		/* tracemalloc.start() and the like take the one tracer slot */
		R.lost_tracer = 1;
		R.on = 0;
		fputs("gcsim record: error: another PyRefTracer replaced the recorder's (tracemalloc?): recording stopped\n",
		      stderr);
		return 0;
	}
	flush_tuple();
	flush_deaths();
	log_real(0);
	long t0 = R.gc->generations[0].threshold;
	long c0 = R.gc->generations[0].count;
	if (c0 > t0 - 8 || (R.sync_every > 0 && R.since_sync >= R.sync_every))
		sync_all();

	ev_gc("safepoint");
	R.safepoints++;
	if (R.progress && R.events >= R.progress_at) {
		fprintf(stderr, "gcsim record: %llu events, %llu objects, %llu syncs\n",
			(unsigned long long)R.events, (unsigned long long)R.creates,
			(unsigned long long)R.syncs);
		R.progress_at = R.events + 5000000;
	}
	return 0;
}

static enum kind kind_of(PyTypeObject *tp)
{
	return tp == &PyList_Type ? K_LIST : tp == &PyDict_Type ? K_DICT :
	       tp == &PyTuple_Type ? K_TUPLE : K_GCOBJ;
}

static void on_create(PyObject *op)
{
	PyTypeObject *tp = Py_TYPE(op);

	if (!PyType_IS_GC(tp))
		return;
	flush_deaths();
	uint32_t old = hget(op);
	if (old != UINT32_MAX)
		collected(old); /* a DESTROY we did not see */
	enum kind k = kind_of(tp);
	uint32_t ix = rec_new(op, k);
	R.creates++;
	R.since_sync++;
	if (k == K_TUPLE)
		R.pending_tuple = ix + 1;
	else
		ev_alloc(ix, -1);
	if (!R.scheduled && Py_AddPendingCall(safe_point, NULL) == 0)
		R.scheduled = 1;
}

static void on_destroy(PyObject *op)
{
	uint32_t ix = hget(op);

	if (ix == UINT32_MAX)
		return;
	R.destroys++;
	hdel(op);
	if (R.gc->collecting) {
		collected(ix);
		return;
	}
	R.recs[ix].dying = 1;
	R.recs[ix].op = NULL;
	vpush(&R.deaths, ix);
}

/*
 * _PyTuple_Resize reports the tuple it moves as a DESTROY with its
 * reference still held, then a CREATE at the new address (gh-126076).
 * That is one tuple to the trace, and to count0: its record moves.
 */
static int tuple_moves(PyObject *op, PyRefTracerEvent event)
{
	if (event == PyRefTracer_DESTROY) {
		if (Py_REFCNT(op) == 0 || !PyTuple_CheckExact(op) || R.gc->collecting)
			return 0;
		uint32_t ix = hget(op);
		if (ix == UINT32_MAX)
			return 0;
		hdel(op);
		R.resizing = ix + 1;
		return 1;
	}
	if (!R.resizing || !PyTuple_CheckExact(op))
		return 0;
	uint32_t ix = R.resizing - 1;
	R.resizing = 0;
	R.recs[ix].op = op;
	hput(op, ix);
	R.resizes++;
	return 1;
}

static int tracer(PyObject *op, PyRefTracerEvent event, void *data)
{
	(void)data;
	if (!R.on)
		return 0;
	if (tuple_moves(op, event))
		return 0;
	flush_tuple();
	if (event == PyRefTracer_CREATE)
		on_create(op);
	else if (event == PyRefTracer_DESTROY)
		on_destroy(op);
	return 0;
}

/*
 * Record every object on a generation list as if it were made now:
 * containers first, then tuples (filled with what is recorded by then).
 * Returns how many there were.
 */
static long record_list(PyGC_Head *head, int frozen)
{
	long n = 0;

	for (int pass = 0; pass < 2; pass++)
		for (PyGC_Head *g = _PyGCHead_NEXT(head); g != head; g = _PyGCHead_NEXT(g)) {
			PyObject *op = (PyObject *)(g + 1);
			enum kind k = kind_of(Py_TYPE(op));
			if ((k == K_TUPLE) != pass || hget(op) != UINT32_MAX)
				continue;
			uint32_t ix = rec_new(op, k);
			R.recs[ix].frozen = (uint8_t)frozen;
			n++;
			if (k == K_TUPLE) {
				R.pending_tuple = ix + 1;
				flush_tuple();
			} else {
				ev_alloc(ix, -1);
			}
		}
	return n;
}

/* ------------------------------------------------------------------ */
/* The module: start(file, jsonl, log, sync_every, preamble), stop() */

/* What start() does with the start-up heap (gcsim record --startup). */
enum { STARTUP_IGNORE, STARTUP_FREEZE, STARTUP_RECORD };

static PyObject *rec_start(PyObject *self, PyObject *args)
{
	const char *path, *logpath, *preamble;
	int jsonl, progress;
	long sync_every;

	(void)self;
	int startup;

	if (!PyArg_ParseTuple(args, "sizlspi", &path, &jsonl, &logpath, &sync_every,
			      &preamble, &progress, &startup))
		return NULL;
	if (R.on || R.out) {
		PyErr_SetString(PyExc_RuntimeError, "already recording");
		return NULL;
	}
	void *data;
	if (PyRefTracer_GetTracer(&data) != NULL) {
		PyErr_SetString(PyExc_RuntimeError,
				"a PyRefTracer is already installed (tracemalloc?)");
		return NULL;
	}
	FILE *f = fopen(path, "w");
	if (!f)
		return PyErr_SetFromErrnoWithFilename(PyExc_OSError, path);
	FILE *lf = f;
	if (logpath) {
		lf = fopen(logpath, "w");
		if (!lf) {
			fclose(f);
			return PyErr_SetFromErrnoWithFilename(PyExc_OSError, logpath);
		}
	}
	memset(&R, 0, sizeof(R));
	R.out = f;
	R.log = lf;
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	R.jsonl = jsonl;
	R.sync_every = sync_every;
	R.progress = progress;
	R.progress_at = 5000000;
	R.gc = &PyInterpreterState_Get()->gc;
	fputs(preamble, f);
	/*
	 * n (None) and e (the world the trace does not know), then the
	 * start-up heap.  STARTUP_FREEZE: every object of the permanent
	 * generation (gc.freeze put the start-up heap there) and of
	 * generation 0 (made since) is recorded, the first frozen as in the
	 * interpreter, so that its deaths during the program count as they
	 * do there.  count0 is then made what it is.  STARTUP_RECORD: the
	 * driver's gc.collect() left the heap in the oldest generation, with
	 * no garbage; a second full collection, counted from here on in the
	 * interpreter and in the trace (`collect`), puts whatever was made
	 * since there too, and the trace records the heap as it is.
	 */
	if (startup == STARTUP_RECORD) {
		read_stats(R.stats0);
		PyGC_Collect();
	}
	if (jsonl)
		fputs("{\"op\":\"alloc\",\"id\":\"n\",\"type\":\"none\"}\n"
		      "{\"op\":\"alloc\",\"id\":\"e\",\"type\":\"gcobj\"}\n", f);
	else
		fputs("alloc n none\nalloc e gcobj\n", f);
	R.events = 2;
	ev_gc("disable"); /* the preamble's allocations collect nothing */
	if (startup == STARTUP_FREEZE)
		record_list(&R.gc->permanent_generation.head, 1);
	if (startup == STARTUP_RECORD) {
		for (int g = 0; g < 3; g++)
			record_list(&R.gc->generations[g].head, 0);
		sync_all();
		if (R.jsonl)
			fputs("{\"op\":\"collect\",\"gen\":2}\n", R.out);
		else
			fputs("collect 2\n", R.out);
		R.events++;
	} else {
		ev_gc("freeze");
	}
	if (R.gc->enabled)
		ev_gc("enable");
	long young = startup == STARTUP_FREEZE ?
		record_list(&R.gc->generations[0].head, 0) : 0;
	for (long i = young; i < R.gc->generations[0].count; i++) {
		if (jsonl)
			fprintf(f, "{\"op\":\"alloc\",\"id\":\"p%ld\",\"type\":\"gcobj\"}\n", i);
		else
			fprintf(f, "alloc p%ld gcobj\n", i);
		R.events++;
	}
	if (startup == STARTUP_FREEZE)
		sync_all();
	ev_gc("safepoint");
	if (startup != STARTUP_RECORD)
		read_stats(R.stats0);
	memcpy(R.last_stats, R.stats0, sizeof(R.stats0));
	if (PyRefTracer_SetTracer(tracer, NULL) < 0) {
		fclose(f);
		if (lf != f)
			fclose(lf);
		memset(&R, 0, sizeof(R));
		return NULL;
	}
	R.on = 1;
	Py_RETURN_NONE;
}

static PyObject *rec_stop(PyObject *self, PyObject *args)
{
	(void)self;
	(void)args;
	if (!R.out)
		Py_RETURN_NONE;
	int was_on = R.on;
	R.on = 0;
	if (was_on)
		PyRefTracer_SetTracer(NULL, NULL);
	flush_tuple();
	flush_deaths();
	log_real(1);
	int err = ferror(R.out);
	if (R.log != R.out) {
		err |= ferror(R.log);
		err |= fclose(R.log) != 0;
	}
	err |= fclose(R.out) != 0;
	R.out = R.log = NULL;
	Py_ssize_t st[3][2];
	read_stats(st);
	PyObject *res = Py_BuildValue(
		"{s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:i,s:i,s:(nnn),s:(nnn)}",
		"events", (unsigned long long)R.events,
		"objects", (unsigned long long)R.creates,
		"destroys", (unsigned long long)R.destroys,
		"collected_destroys", (unsigned long long)R.collected_destroys,
		"syncs", (unsigned long long)R.syncs,
		"safepoints", (unsigned long long)R.safepoints,
		"pins", (unsigned long long)R.pins,
		"resizes", (unsigned long long)R.resizes,
		"write_error", err,
		"lost_tracer", (int)R.lost_tracer,
		"collections", st[0][0] - R.stats0[0][0], st[1][0] - R.stats0[1][0],
		st[2][0] - R.stats0[2][0],
		"collected", st[0][1] - R.stats0[0][1], st[1][1] - R.stats0[1][1],
		st[2][1] - R.stats0[2][1]);
	for (uint32_t i = 0; i < R.nrecs; i++)
		if (R.recs[i].used)
			rec_release(i);
	free(R.recs);
	free(R.hkeys);
	free(R.hvals);
	vfree(&R.deaths);
	vfree(&R.scratch);
	vfree(&R.add);
	vfree(&R.rem);
	memset(&R, 0, sizeof(R));
	return res;
}

static PyMethodDef methods[] = {
	{ "start", rec_start, METH_VARARGS,
	  "start(path, jsonl, logpath, sync_every, preamble, progress, startup): record into path" },
	{ "stop", rec_stop, METH_NOARGS,
	  "stop() -> dict: stop recording, close the trace, return the counters" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, "_gcsim_record",
	"gcsim's recorder: PyRefTracer events and graph syncs as a gcsim trace.",
	-1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__gcsim_record(void)
{
	/* The layouts read are those of the headers compiled in. */
	if ((Py_Version & ~0xFFUL) != (PY_VERSION_HEX & ~0xFFUL)) {
		PyErr_Format(PyExc_ImportError,
			     "_gcsim_record was built for CPython %s, not this one",
			     PY_VERSION);
		return NULL;
	}
	return PyModule_Create(&module);
}
