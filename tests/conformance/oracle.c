/*
 * oracle.c - the differential oracle: replays a gcsim trace in a real,
 * embedded CPython and prints, after every step, the collector's own state
 * read from the interpreter's internal structures (SPEC.md section 6).
 *
 *   oracle [--python-label X] [--threshold T0[,T1[,T2]]] [--verbose]
 *          [--check-sizes] [--dump-gens] TRACE
 *
 * The output has the keys of `gcsim run --format jsonl` that the
 * conformance comparison uses (count, gen_sizes, freelist, stats, refcnt,
 * freed), so tests/conformance/compare.py can check gcsim step by step.
 * expect lines are checked against the real interpreter (exit 1 if one
 * fails); a trace for another version exits 77 (skip).  --verbose adds
 * the named object's tracking and, for instances, where their attributes
 * live (inline values or a materialized __dict__) and the state of the
 * class's shared keys.
 *
 * The rule that shapes this file: between two steps the oracle must not
 * disturb what it measures.  Every GC allocation, free-list push or pop,
 * tracking change or collection in the interpreter must come from the
 * trace's event and from nothing else.  So the oracle never runs Python
 * code after start-up, calls gc.collect / gc.freeze through their C
 * functions (a Python-level call would allocate a frame, a bound method,
 * argument tuples...), prints with plain stdio, learns about deaths by
 * hooking tp_dealloc rather than with weakrefs, and reads the GC state and
 * the free lists straight from PyInterpreterState.  The objects it does
 * create for its own use (dict keys, attribute names) are ints and strs,
 * which the collector never sees.
 *
 * Built once per interpreter (CMakeLists.txt), against that interpreter's
 * internal headers: the layout of interp->gc and of the free lists differs
 * between versions and is selected with PY_VERSION_HEX below.
 */
/* The internal headers need Py_BUILD_CORE.  Py_BUILD_CORE_MODULE (which
 * implies it) makes _PyThreadState_GET() call an exported function instead
 * of reading the thread-local _Py_tss_tstate, which 3.12+ does not export. */
#define Py_BUILD_CORE_MODULE 1
#include <Python.h>

#if PY_VERSION_HEX >= 0x03090000
#include "internal/pycore_dict.h"
#include "internal/pycore_gc.h"
#include "internal/pycore_interp.h"
#include "internal/pycore_object.h"
#else
/* 3.8: one global GC state, _PyRuntime.gc (pycore_pymem.h), and the
 * PyGC_Head in cpython/objimpl.h. */
#include "internal/pycore_pystate.h"
#include "internal/pycore_object.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idtab.h"
#include "sim/trace.h"

#if PY_VERSION_HEX < 0x03080000 || \
	(PY_VERSION_HEX >= 0x03090000 && PY_VERSION_HEX < 0x030B0000)
#error "the oracle supports CPython 3.8 (_PyRuntime.gc) and 3.11 and later (per-interpreter GC state with the 3.11 layout)"
#endif
#if PY_VERSION_HEX >= 0x030E0000 && PY_VERSION_HEX < 0x030E05F0
#error "CPython 3.14.0-3.14.4 have the incremental collector (oracle314/ covers 3.14.2)"
#endif
#if PY_VERSION_HEX >= 0x030F0000
#error "the oracle supports CPython 3.11 to 3.14 (3.14.5 and later)"
#endif
#ifdef Py_GIL_DISABLED
#error "the free-threaded build has no generation lists: not supported"
#endif

#define N_GENS 3
#define N_TUPLE_FL 20 /* free lists for tuple sizes 1..20 */

#if PY_VERSION_HEX < 0x03090000
/* What 3.8 lacks of the API used below. */
static inline PyObject *Py_NewRef(PyObject *op)
{
	Py_INCREF(op);
	return op;
}
#define PyObject_CallNoArgs(f) _PyObject_CallNoArg(f)
#define PyObject_GC_IsTracked(op) _PyObject_GC_IS_TRACKED(op)
#define PyInterpreterState_Get() _PyInterpreterState_Get()
/* gc_enable_impl and gc_disable_impl of 3.8 set this flag, no more */
#define PyGC_Enable() (_PyRuntime.gc.enabled = 1)
#define PyGC_Disable() (_PyRuntime.gc.enabled = 0)
#define PyObject_GC_IsFinalized(op) _PyGC_FINALIZED(op)
#define Py_TPFLAGS_HAVE_VECTORCALL _Py_TPFLAGS_HAVE_VECTORCALL
#endif

/* gcmodule.c's gc.DEBUG_SAVEALL, not in a header */
#define ORACLE_DEBUG_SAVEALL (1 << 5)

/* Exit statuses, as gcsim's (SPEC.md section 3), plus two of our own. */
enum {
	EXIT_EXPECT = 1,  /* an expect line failed */
	EXIT_USAGE = 2,
	EXIT_TRACE = 3,   /* invalid trace, or an event the oracle rejects */
	EXIT_IO = 4,
	EXIT_PYTHON = 5,  /* the interpreter raised where it should not */
	EXIT_SKIP = 77,   /* not applicable to this interpreter (CTest skip) */
};

static struct oracle {
	PyInterpreterState *interp;
	struct _gc_runtime_state *gc;
	PyObject *cls;           /* class C, for every `object` */
	PyObject *cls_del;       /* class D (__del__), for every `delobj` */
	PyObject *cls_legacy;    /* class L (tp_del), for every `legacyobj`;
				    NULL unless the trace makes one */
	PyObject *fn;            /* the C function that is D.__del__ and
				    L.__tp_del__ */
	PyCFunction list_clear;  /* list.clear's C function (gc.garbage) */
	PyObject *gc_cb;         /* the callable of `gc callback` */
	const struct sim_event *cur; /* the step being replayed, for the
				    messages of actions run inside it */
	PyCFunction collect_fn;  /* gc.collect's C function and its module */
	PyObject *collect_self;
	int collect_flags;
	PyCFunction freeze_fn;   /* gc.freeze's C function */
	PyObject *freeze_self;
	PyGC_Head *frozen_tail;  /* last object of the permanent generation
				    after the start-up freeze */

	idtab *tab;
	unsigned long step;      /* the step being replayed (1-based) */
	PyObject **names;        /* interned attribute names a0, a1, ... */
	size_t nnames;
	PyObject **literals;     /* interned identifier strings we keep alive */
	size_t nliterals, capliterals;
	long long next_key;      /* next dict key for `ref DICT X` */

	const char *path;        /* trace path, for messages */
	const char *label;       /* --python-label */
	int cmdline_nthreshold;  /* thresholds given by --threshold, which win
				    over `#: threshold` (as in gcsim) */
	int verbose;
	int check_sizes;         /* --check-sizes: walk every list every step */
	int dump_gens;           /* --dump-gens: list each generation's IDs */
	int expect_failures;
	Py_ssize_t old_sizes[N_GENS]; /* cached sizes of generations 1 and 2 */
	int old_sizes_valid;
	Py_ssize_t collected_last_step; /* for `expect collected N` */
	Py_ssize_t uncollectable_last_step; /* `expect uncollectable N` */
	long building;           /* trace tuples allocated and not yet filled:
				    no safe point until none is left */
	int explicit_safepoints; /* a `gc safepoint` was seen: only those
				    steps end at a safe point (at_safe_point) */
} O;

/* ------------------------------------------------------------------ */
/* Messages and failure */

static void die(int status, const struct sim_event *ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/* Report a problem and exit.  stdout is flushed first so that the steps
 * replayed so far are not lost: they help to find the cause. */
static void die(int status, const struct sim_event *ev, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (ev != NULL)
		fprintf(stderr, "oracle: error: %s:%lu:%lu: ", O.path, ev->line,
			ev->col);
	else
		fputs("oracle: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* A C API call failed.  Print the Python exception (allocating no longer
 * matters) and exit. */
static void die_python(const struct sim_event *ev, const char *what)
	__attribute__((noreturn));

static void die_python(const struct sim_event *ev, const char *what)
{
	fflush(stdout);
	if (ev != NULL)
		fprintf(stderr, "oracle: error: %s:%lu:%lu: %s raised:\n",
			O.path, ev->line, ev->col, what);
	else
		fprintf(stderr, "oracle: error: %s raised:\n", what);
	if (PyErr_Occurred())
		PyErr_Print();
	exit(EXIT_PYTHON);
}

/* ------------------------------------------------------------------ */
/* Reading the interpreter's state (no allocation, no side effects) */

#if PY_VERSION_HEX < 0x03090000
/*
 * 3.8 keeps its free lists in static variables of Objects/listobject.c,
 * dictobject.c, floatobject.c and tupleobject.c, out of reach.  What
 * sys._debugmallocstats() prints of them is: _PyList_DebugMallocStats
 * and the others call _PyDebugAllocatorStats, which writes one line per
 * free list, "<spaces>N free PyListObjects * 40 bytes each = ...", with
 * stdio alone (tuples: one line per size 1..19).  So the counts are read
 * from that text, written to memory; freelists_load() takes them before
 * they are read.
 */
static struct {
	int list, dict, flt, tuple[N_TUPLE_FL];
} FL38;

static void read_stats(void (*stats)(FILE *), int *out, int n)
{
	static char buf[8192];
	memset(buf, 0, sizeof buf);
	FILE *f = fmemopen(buf, sizeof buf - 1, "w");
	if (f == NULL)
		abort();
	stats(f);
	fclose(f);
	char *p = buf;
	for (int i = 0; i < n; i++) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || strncmp(end, " free ", 6) != 0)
			die(EXIT_PYTHON, NULL, "cannot read 3.8's free lists "
			    "from: %.60s", p);
		out[i] = (int)v;
		p = strchr(end, '\n');
		if (p == NULL && i + 1 < n)
			die(EXIT_PYTHON, NULL, "3.8 printed %d free lists, "
			    "not %d", i + 1, n);
		p = p ? p + 1 : end;
	}
}

static void freelists_load(void)
{
	read_stats(_PyList_DebugMallocStats, &FL38.list, 1);
	read_stats(_PyDict_DebugMallocStats, &FL38.dict, 1);
	read_stats(_PyFloat_DebugMallocStats, &FL38.flt, 1);
	/* sizes 1..19 (PyTuple_MAXSAVESIZE 20): none is kept of length 20 */
	read_stats(_PyTuple_DebugMallocStats, FL38.tuple, N_TUPLE_FL - 1);
	FL38.tuple[N_TUPLE_FL - 1] = 0;
}
#else
/* The free lists are read where they are, in PyInterpreterState. */
static void freelists_load(void)
{
}
#endif

static int freelist_list(void)
{
#if PY_VERSION_HEX < 0x03090000
	return FL38.list;
#elif PY_VERSION_HEX >= 0x030E0000
	return (int)O.interp->object_state.freelists.lists.size;
#elif PY_VERSION_HEX >= 0x030D0000
	return O.interp->object_state.freelists.lists.numfree;
#else
	return O.interp->list.numfree;
#endif
}

static int freelist_dict(void)
{
#if PY_VERSION_HEX < 0x03090000
	return FL38.dict;
#elif PY_VERSION_HEX >= 0x030E0000
	return (int)O.interp->object_state.freelists.dicts.size;
#elif PY_VERSION_HEX >= 0x030D0000
	return O.interp->object_state.freelists.dicts.numfree;
#else
	return O.interp->dict_state.numfree;
#endif
}

static int freelist_float(void)
{
#if PY_VERSION_HEX < 0x03090000
	return FL38.flt;
#elif PY_VERSION_HEX >= 0x030E0000
	return (int)O.interp->object_state.freelists.floats.size;
#elif PY_VERSION_HEX >= 0x030D0000
	return O.interp->object_state.freelists.floats.numfree;
#else
	return O.interp->float_state.numfree;
#endif
}

/* Free tuples of length SIZE (1..20).  Every version keeps one list per
 * size, indexed by size - 1 (3.14: one struct _Py_freelist each). */
static int freelist_tuple(int size)
{
#if PY_VERSION_HEX < 0x03090000
	return FL38.tuple[size - 1];
#elif PY_VERSION_HEX >= 0x030E0000
	return (int)O.interp->object_state.freelists.tuples[size - 1].size;
#elif PY_VERSION_HEX >= 0x030D0000
	return O.interp->object_state.freelists.tuples.numfree[size - 1];
#else
	return O.interp->tuple.numfree[size - 1];
#endif
}

static Py_ssize_t gc_list_len(PyGC_Head *head)
{
	Py_ssize_t n = 0;
	for (PyGC_Head *g = (PyGC_Head *)head->_gc_next; g != head;
	     g = (PyGC_Head *)g->_gc_next)
		n++;
	return n;
}

static Py_ssize_t gen_size(int gen)
{
	return gc_list_len(&O.gc->generations[gen].head);
}

/*
 * Sizes of the three generations.  Walking a list costs its length, and
 * generation 2 can be long, so the sizes of generations 1 and 2 are
 * cached: after the reset at start-up the only GC objects are the
 * trace's (lists, dicts, sets, tuples, instances and their materialized
 * dicts), whose deaths the hooks see, and besides deaths those
 * generations change only in collections and gc.freeze(), after which
 * the cache is dropped too.  Generation 0, which every allocation
 * changes, is always walked.  --check-sizes verifies the cache.
 */
static void gen_sizes(Py_ssize_t out[N_GENS])
{
	out[0] = gen_size(0);
	for (int gen = 1; gen < N_GENS; gen++) {
		if (!O.old_sizes_valid || O.check_sizes) {
			Py_ssize_t n = gen_size(gen);
			if (O.old_sizes_valid && n != O.old_sizes[gen])
				die(EXIT_PYTHON, NULL,
				    "internal error: generation %d changed "
				    "unseen (%zd, cached %zd)",
				    gen, n, O.old_sizes[gen]);
			O.old_sizes[gen] = n;
		}
		out[gen] = O.old_sizes[gen];
	}
	O.old_sizes_valid = 1;
}

/* Which list holds the tracked object OP: 0..2, 3 for the permanent
 * generation, -1 for none (untracked). */
static int gen_of(PyObject *op)
{
	PyGC_Head *target = _Py_AS_GC(op);

	if (!PyObject_IS_GC(op) || !PyObject_GC_IsTracked(op))
		return -1;
	for (int gen = 0; gen <= N_GENS; gen++) {
		PyGC_Head *head = gen < N_GENS ? &O.gc->generations[gen].head
					       : &O.gc->permanent_generation.head;
		for (PyGC_Head *g = (PyGC_Head *)head->_gc_next; g != head;
		     g = (PyGC_Head *)g->_gc_next)
			if (g == target)
				return gen;
	}
	return -1;
}

static int is_tracked(PyObject *op)
{
	return PyObject_IS_GC(op) && PyObject_GC_IsTracked(op);
}

static Py_ssize_t collected_total(void)
{
	Py_ssize_t n = 0;
	for (int i = 0; i < N_GENS; i++)
		n += O.gc->generation_stats[i].collected;
	return n;
}

static Py_ssize_t uncollectable_total(void)
{
	Py_ssize_t n = 0;
	for (int i = 0; i < N_GENS; i++)
		n += O.gc->generation_stats[i].uncollectable;
	return n;
}

static Py_ssize_t collections_total(void)
{
	Py_ssize_t n = 0;
	for (int i = 0; i < N_GENS; i++)
		n += O.gc->generation_stats[i].collections;
	return n;
}

/* The instance's attributes live in a real dict rather than in its inline
 * values (the materialization this project must reproduce). */
static PyObject *instance_dict(PyObject *op)
{
#if PY_VERSION_HEX < 0x03090000
	/* 3.8: no inline values; the dict comes with the first attribute */
	return *_PyObject_GetDictPtr(op);
#elif PY_VERSION_HEX >= 0x030D0000
	return (PyObject *)_PyObject_ManagedDictPointer(op)->dict;
#elif PY_VERSION_HEX >= 0x030C0000
	PyDictOrValues dorv = *_PyObject_DictOrValuesPointer(op);
	return _PyDictOrValues_IsValues(dorv) ? NULL
					      : _PyDictOrValues_GetDict(dorv);
#else
	return *_PyObject_ManagedDictPointer(op);
#endif
}

/* ------------------------------------------------------------------ */
/* Death notices: tp_dealloc hooks */

/*
 * Each hooked type's tp_dealloc is replaced by a function that tells the
 * ID table the object died, then runs the original.  It allocates nothing.
 *
 * The container types need care with the trashcan.  Their deallocators
 * begin with `PyObject_GC_UnTrack(op); Py_TRASHCAN_BEGIN(op, list_dealloc)`
 * and the trashcan only engages when Py_TYPE(op)->tp_dealloc is that very
 * function (_PyTrash_cond), which after hooking it is not.  So the hook
 * does the same two things itself, naming itself: the nesting depth is
 * counted at the same points as before, a too-deep object is deposited
 * (untracked, as the trash chain reuses its GC header) and later comes back
 * through tp_dealloc, i.e. through this hook again, and only then is it
 * reported dead.  The original's own trashcan test is then false, so
 * nothing is counted twice.
 */
/* A trace tuple that dies unfilled ends its construction (the C code
 * that was filling it gave up, as on an error path). */
static void tuple_died(PyObject *op)
{
	struct idtab_obj *o = idtab_find_obj(O.tab, op);

	if (o != NULL && o->tuple_fill < o->tuple_len)
		O.building--;
}

#define GC_HOOK(name)                                                      \
	static destructor orig_##name;                                     \
	static void hook_##name(PyObject *op)                              \
	{                                                                  \
		PyObject_GC_UnTrack(op);                                   \
		Py_TRASHCAN_BEGIN(op, hook_##name)                         \
		O.old_sizes_valid = 0;                                     \
		if (PyTuple_CheckExact(op))                                \
			tuple_died(op);                                    \
		idtab_object_died(O.tab, op, O.step);                      \
		orig_##name(op);                                           \
		Py_TRASHCAN_END                                            \
	}

#define PLAIN_HOOK(name)                                                   \
	static destructor orig_##name;                                     \
	static void hook_##name(PyObject *op)                              \
	{                                                                  \
		idtab_object_died(O.tab, op, O.step);                      \
		orig_##name(op);                                           \
	}

GC_HOOK(list)
GC_HOOK(dict)
GC_HOOK(set)
GC_HOOK(tuple)
PLAIN_HOOK(float)
PLAIN_HOOK(long)
PLAIN_HOOK(unicode)
PLAIN_HOOK(bytes)
/*
 * Instances of C are deallocated by subtype_dealloc, which must not be
 * replaced: it finds the base deallocator by walking tp_base while
 * tp_dealloc == subtype_dealloc, so a hook on C would be found as C's own
 * "base" and call itself forever; it also keeps C's trashcan.  Its last
 * act is the base's tp_dealloc, object_dealloc, read from
 * PyBaseObject_Type at that moment: that is where the hook goes.  Static
 * types copied object_dealloc at start-up and are unaffected.
 */
static destructor orig_object;
static void hook_object(PyObject *op)
{
	if (PyObject_IS_GC(op))
		O.old_sizes_valid = 0;
	idtab_object_died(O.tab, op, O.step);
	orig_object(op);
}

/* weakref_dealloc: untrack, unlink from the referent's list, drop the
 * callback; no trashcan. */
static destructor orig_weakref;
static void hook_weakref(PyObject *op)
{
	O.old_sizes_valid = 0;
	idtab_object_died(O.tab, op, O.step);
	orig_weakref(op);
}

static void install_hooks(void)
{
#define HOOK(name, type)                        \
	do {                                    \
		orig_##name = (type).tp_dealloc; \
		(type).tp_dealloc = hook_##name; \
	} while (0)
	HOOK(list, PyList_Type);
	HOOK(dict, PyDict_Type);
	HOOK(set, PySet_Type);
	HOOK(tuple, PyTuple_Type);
	HOOK(float, PyFloat_Type);
	HOOK(long, PyLong_Type);
	HOOK(unicode, PyUnicode_Type);
	HOOK(bytes, PyBytes_Type);
	HOOK(object, PyBaseObject_Type);
	HOOK(weakref, _PyWeakref_RefType);
#undef HOOK
}

/* ------------------------------------------------------------------ */
/* gc module functions, called through their C entry points */

static void fetch_cfunction(PyObject *mod, const char *name, PyCFunction *fn,
			    PyObject **self, int *flags)
{
	PyObject *f = PyObject_GetAttrString(mod, name);
	if (f == NULL || !PyCFunction_Check(f))
		die(EXIT_PYTHON, NULL, "gc.%s is not a builtin function", name);
	*fn = PyCFunction_GetFunction(f);
	*self = PyCFunction_GetSelf(f);
	*flags = PyCFunction_GetFlags(f);
	Py_XINCREF(*self);
	Py_DECREF(f); /* the module keeps the function alive */
}

/* gc.collect(gen): METH_FASTCALL|METH_KEYWORDS in 3.11-3.13 (Argument
 * Clinic).  The generation is a small int, from the cache. */
static void gc_collect(const struct sim_event *ev, int gen)
{
	PyObject *arg = PyLong_FromLong(gen);
	PyObject *args[1] = {arg};
	PyObject *res =
		((_PyCFunctionFastWithKeywords)(void (*)(void))O.collect_fn)(
			O.collect_self, args, 1, NULL);
	Py_DECREF(arg);
	if (res == NULL)
		die_python(ev, "gc.collect");
	Py_DECREF(res);
}

static void gc_freeze(const struct sim_event *ev)
{
	PyObject *res = O.freeze_fn(O.freeze_self, NULL);
	if (res == NULL)
		die_python(ev, "gc.freeze");
	Py_DECREF(res);
}

/* ------------------------------------------------------------------ */
/* gcobj: a GC object of a type of our own */

/*
 * The trace's `gcobj` is any GC object that is not a list, dict, set,
 * tuple or instance of C: a function, an iterator, a frame, an instance
 * of a C type.  Here it is an instance of a static C type: made by
 * PyObject_GC_New (one GC allocation, no free list), tracked at once,
 * holding its references in a C array in `ref` order; tp_traverse and
 * tp_clear walk them first to last, and so does tp_dealloc, which then
 * frees it with PyObject_GC_Del.  It never has a __dict__.
 *
 * It is weakly referenceable, and callable, as the weakref callback it
 * stands for (a Python function): through vectorcall, so that the call
 * allocates nothing (tp_call would need an argument tuple), running the
 * body the trace gave it with `on` (run_function below).  Its dealloc
 * clears its weakrefs after untracking it, as func_dealloc does.
 */
typedef struct {
	PyObject_HEAD
	Py_ssize_t len, cap;
	PyObject **items;
	vectorcallfunc vectorcall;
	PyObject *weaklist;
} gcobj_object;

static void run_function(PyObject *owner, PyObject *self);

static int gcobj_traverse(PyObject *op, visitproc visit, void *arg)
{
	gcobj_object *g = (gcobj_object *)op;

	for (Py_ssize_t i = 0; i < g->len; i++)
		Py_VISIT(g->items[i]);
	return 0;
}

static int gcobj_clear(PyObject *op)
{
	gcobj_object *g = (gcobj_object *)op;
	Py_ssize_t n = g->len;

	g->len = 0;
	for (Py_ssize_t i = 0; i < n; i++)
		Py_DECREF(g->items[i]);
	return 0;
}

static void gcobj_dealloc(PyObject *op)
{
	gcobj_object *g = (gcobj_object *)op;

	PyObject_GC_UnTrack(op);
	O.old_sizes_valid = 0;
	idtab_object_died(O.tab, op, O.step);
	if (g->weaklist != NULL)
		PyObject_ClearWeakRefs(op);
	gcobj_clear(op);
	PyMem_Free(g->items);
	PyObject_GC_Del(op);
}

/* Called as a weakref callback: cb(ref). */
static PyObject *gcobj_call(PyObject *op, PyObject *const *args,
			    size_t nargsf, PyObject *kwnames)
{
	if (PyVectorcall_NARGS(nargsf) != 1 || kwnames != NULL) {
		PyErr_SetString(PyExc_TypeError,
				"a gcobj is called with one argument");
		return NULL;
	}
	/* The frame of the Python function a gcobj stands for holds its
	 * argument while the body runs. */
	PyObject *arg = Py_NewRef(args[0]);
	run_function(op, arg);
	Py_DECREF(arg);
	Py_RETURN_NONE;
}

static PyTypeObject gcobj_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "oracle.gcobj",
	.tp_basicsize = sizeof(gcobj_object),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
		    Py_TPFLAGS_HAVE_VECTORCALL,
	.tp_dealloc = gcobj_dealloc,
	.tp_traverse = gcobj_traverse,
	.tp_clear = gcobj_clear,
	.tp_call = PyVectorcall_Call,
	.tp_vectorcall_offset = offsetof(gcobj_object, vectorcall),
	.tp_weaklistoffset = offsetof(gcobj_object, weaklist),
};

/*
 * The finalizers' function: one object, D.__del__ and L.__tp_del__, that
 * runs the `on` body of the object being finalized.  Not a GC object, made
 * at start-up.  It is called without allocating anything on every path:
 *  - slot_tp_finalize looks `__del__` up with lookup_maybe_method, which
 *    for a type with Py_TPFLAGS_METHOD_DESCRIPTOR returns it unbound and
 *    calls it with the instance as its one argument, by vectorcall;
 *  - _testcapi's slot_tp_del of 3.12+ looks `__tp_del__` up on the type
 *    and calls it with the instance (PyObject_CallOneArg);
 *  - that of 3.8 and 3.11 uses _PyObject_LookupSpecial, which binds it
 *    through tp_descr_get and calls the result with no argument: the
 *    descriptor remembers the instance and returns itself, so no bound
 *    method is made, and the call that follows at once takes it back.
 */
/* The oracle's non-GC callables: F here and the gc callback below. */
typedef struct {
	PyObject_HEAD
	vectorcallfunc vectorcall;
	PyObject *bound; /* F: borrowed, the instance fn_get was given */
	long calls;      /* the gc callback: calls so far */
} fn_object;

static PyObject *fn_get(PyObject *op, PyObject *obj, PyObject *type)
{
	(void)type;
	if (obj != NULL && obj != Py_None)
		((fn_object *)op)->bound = obj;
	return Py_NewRef(op);
}

static PyObject *fn_call(PyObject *op, PyObject *const *args, size_t nargsf,
			 PyObject *kwnames)
{
	fn_object *f = (fn_object *)op;
	Py_ssize_t n = PyVectorcall_NARGS(nargsf);
	PyObject *self = n == 1 ? args[0] : f->bound;

	f->bound = NULL;
	if (kwnames != NULL || n > 1 || self == NULL) {
		PyErr_SetString(PyExc_TypeError,
				"the finalizer takes the instance alone");
		return NULL;
	}
	run_function(self, self);
	Py_RETURN_NONE;
}

static PyTypeObject fn_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "oracle.finalizer",
	.tp_basicsize = sizeof(fn_object),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_METHOD_DESCRIPTOR |
		    Py_TPFLAGS_HAVE_VECTORCALL,
	.tp_call = PyVectorcall_Call,
	.tp_vectorcall_offset = offsetof(fn_object, vectorcall),
	.tp_descr_get = fn_get,
};

/*
 * gc callback 1|0: append to / remove from gc.callbacks a C callable that
 * counts its calls (phase and info are CPython's to make: the callback
 * keeps nothing of them).  Called by vectorcall, it allocates nothing.
 */
static PyObject *gccb_call(PyObject *op, PyObject *const *args,
			   size_t nargsf, PyObject *kwnames)
{
	(void)args;
	(void)kwnames;
	(void)nargsf;
	((fn_object *)op)->calls++;
	Py_RETURN_NONE;
}

static PyTypeObject gccb_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "oracle.gc_callback",
	.tp_basicsize = sizeof(fn_object),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
	.tp_call = PyVectorcall_Call,
	.tp_vectorcall_offset = offsetof(fn_object, vectorcall),
};

/* One object of TYPE called by CALL, made at start-up (PyType_Ready makes
 * a dict). */
static PyObject *fn_new(PyTypeObject *type, vectorcallfunc call)
{
	if (PyType_Ready(type) < 0)
		die_python(NULL, type->tp_name);
	fn_object *f = PyObject_New(fn_object, type);
	if (f == NULL)
		die_python(NULL, type->tp_name);
	f->vectorcall = call;
	f->bound = NULL;
	f->calls = 0;
	return (PyObject *)f;
}

static void gc_callback(const struct sim_event *ev, int add)
{
	PyObject *list = O.gc->callbacks, *cb = O.gc_cb;

	if (add) {
		if (PyList_Append(list, cb) < 0)
			die_python(ev, "gc.callbacks.append");
		return;
	}
	for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++)
		if (PyList_GET_ITEM(list, i) == cb) {
			if (PySequence_DelItem(list, i) < 0)
				die_python(ev, "gc.callbacks.remove");
			return;
		}
	die(EXIT_TRACE, ev, "no callback of the trace is in gc.callbacks");
}

/* At start-up, before the freeze: whatever PyType_Ready makes is frozen. */
static void gcobj_ready(void)
{
	if (PyType_Ready(&gcobj_type) < 0)
		die_python(NULL, "PyType_Ready(gcobj)");
	O.fn = fn_new(&fn_type, fn_call);
	O.gc_cb = fn_new(&gccb_type, gccb_call);
}

static PyObject *gcobj_new(void)
{
	gcobj_object *g = PyObject_GC_New(gcobj_object, &gcobj_type);

	if (g == NULL)
		return NULL;
	g->len = g->cap = 0;
	g->items = NULL;
	g->vectorcall = gcobj_call;
	g->weaklist = NULL;
	PyObject_GC_Track(g);
	return (PyObject *)g;
}

static int gcobj_append(PyObject *op, PyObject *v)
{
	gcobj_object *g = (gcobj_object *)op;

	if (g->len == g->cap) {
		Py_ssize_t cap = g->cap ? 2 * g->cap : 4;
		PyObject **items = PyMem_Realloc(g->items,
						 (size_t)cap * sizeof(*items));
		if (items == NULL) {
			PyErr_NoMemory();
			return -1;
		}
		g->items = items;
		g->cap = cap;
	}
	Py_INCREF(v);
	g->items[g->len++] = v;
	return 0;
}

/* Drop the first reference to v; 0 if there is none. */
static int gcobj_remove(PyObject *op, PyObject *v)
{
	gcobj_object *g = (gcobj_object *)op;

	for (Py_ssize_t i = 0; i < g->len; i++)
		if (g->items[i] == v) {
			memmove(&g->items[i], &g->items[i + 1],
				(size_t)(g->len - i - 1) * sizeof(*g->items));
			g->len--;
			Py_DECREF(v);
			return 1;
		}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Start-up */

/*
 * class L, wrapped by _testcapi.with_tp_del (it sets the type's tp_del to
 * its slot_tp_del, which calls __tp_del__): made only for a trace that
 * makes a `legacyobj`, since importing _testcapi adds much to the frozen
 * start-up state.  An interpreter without it skips the trace.
 */
static void make_legacy_class(PyObject *globals)
{
	PyObject *testcapi = PyImport_ImportModule("_testcapi");
	PyObject *wrap = testcapi ? PyObject_GetAttrString(testcapi,
							   "with_tp_del")
				  : NULL;
	if (wrap == NULL) {
		PyErr_Clear();
		fflush(stdout);
		fprintf(stderr, "oracle: skip: %s: the trace makes a legacyobj "
			"and this interpreter has no %s\n", O.path,
			testcapi ? "_testcapi.with_tp_del" : "_testcapi");
		exit(EXIT_SKIP);
	}
	PyObject *r = PyRun_String("class L:\n    __tp_del__ = _oracle_fn\n",
				   Py_file_input, globals, globals);
	if (r == NULL)
		die_python(NULL, "class L");
	Py_DECREF(r);
	PyObject *cls = PyDict_GetItemString(globals, "L");
	if (cls == NULL)
		die(EXIT_PYTHON, NULL, "class L was not defined");
	O.cls_legacy = PyObject_CallFunctionObjArgs(wrap, cls, NULL);
	if (O.cls_legacy == NULL)
		die_python(NULL, "_testcapi.with_tp_del(L)");
	if (((PyTypeObject *)O.cls_legacy)->tp_del == NULL)
		die(EXIT_PYTHON, NULL, "with_tp_del(L) set no tp_del");
	Py_DECREF(wrap);
	Py_DECREF(testcapi);
}

/* list.clear's C function, for gc.garbage.clear() without the call. */
static PyCFunction find_list_clear(void)
{
	for (PyMethodDef *m = PyList_Type.tp_methods; m && m->ml_name; m++)
		if (strcmp(m->ml_name, "clear") == 0 &&
		    m->ml_flags == METH_NOARGS)
			return m->ml_meth;
	die(EXIT_PYTHON, NULL, "list.clear is not a METH_NOARGS method");
}

static void start_python(int need_legacy)
{
	PyConfig config;
	PyStatus st;

	/* Isolated: no environment variables, no user site.  No site import
	 * either: fewer modules, and nothing of it matters once frozen. */
	PyConfig_InitIsolatedConfig(&config);
	config.use_hash_seed = 1; /* PYTHONHASHSEED=0: set iteration orders */
	config.hash_seed = 0;
	config.install_signal_handlers = 0;
	config.site_import = 0;
	config.write_bytecode = 0;
#if PY_VERSION_HEX >= 0x030C0000
	config.int_max_str_digits = 0; /* traces may hold ints of any size */
#endif
#ifdef ORACLE_PYTHON_HOME
	/* The oracle does not sit next to the interpreter's stdlib: say
	 * where it is rather than rely on the compiled-in fallback. */
	st = PyConfig_SetBytesString(&config, &config.home, ORACLE_PYTHON_HOME);
	if (PyStatus_Exception(st))
		Py_ExitStatusException(st);
#endif
	/* The layouts read below are those of the headers compiled in: the
	 * library found at run time must be the same release. */
#if PY_VERSION_HEX < 0x030B0000
	/* No Py_Version before 3.11: "3.8.18 (default, ...". */
	size_t vlen = strlen(PY_VERSION);
	if (strncmp(Py_GetVersion(), PY_VERSION, vlen) != 0 ||
	    Py_GetVersion()[vlen] != ' ')
		die(EXIT_PYTHON, NULL, "built for CPython %s but runs against %s",
		    PY_VERSION, Py_GetVersion());
#else
	if ((Py_Version & ~0xFFUL) != (PY_VERSION_HEX & ~0xFFUL))
		die(EXIT_PYTHON, NULL,
		    "built for CPython %s but runs against 0x%08lx",
		    PY_VERSION, (unsigned long)Py_Version);
#endif
	st = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(st))
		Py_ExitStatusException(st);

	O.interp = PyInterpreterState_Get();
#if PY_VERSION_HEX < 0x03090000
	O.gc = &_PyRuntime.gc; /* one per process in 3.8 */
#else
	O.gc = &O.interp->gc;
#endif
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
	O.interp->int_max_str_digits = 0; /* no PyConfig field in 3.11 */
#endif

	PyObject *main_mod = PyImport_AddModule("__main__"); /* borrowed */
	if (main_mod == NULL)
		die_python(NULL, "import __main__");
	PyObject *globals = PyModule_GetDict(main_mod);
	gcobj_ready();
	if (PyDict_SetItemString(globals, "_oracle_fn", O.fn) < 0)
		die_python(NULL, "_oracle_fn");
	PyObject *r = PyRun_String("class C:\n    pass\n"
				   "class D:\n    __del__ = _oracle_fn\n",
				   Py_file_input, globals, globals);
	if (r == NULL)
		die_python(NULL, "class C");
	Py_DECREF(r);
	O.cls_del = PyDict_GetItemString(globals, "D");
	if (O.cls_del == NULL ||
	    ((PyTypeObject *)O.cls_del)->tp_finalize == NULL)
		die(EXIT_PYTHON, NULL, "class D has no tp_finalize");
	Py_INCREF(O.cls_del);
	if (need_legacy)
		make_legacy_class(globals);
	O.list_clear = find_list_clear();
	O.cls = PyDict_GetItemString(globals, "C");
	if (O.cls == NULL)
		die(EXIT_PYTHON, NULL, "class C was not defined");
	Py_INCREF(O.cls);

	PyObject *gcmod = PyImport_ImportModule("gc");
	if (gcmod == NULL)
		die_python(NULL, "import gc");
	fetch_cfunction(gcmod, "collect", &O.collect_fn, &O.collect_self,
			&O.collect_flags);
	if (O.collect_flags != (METH_FASTCALL | METH_KEYWORDS))
		die(EXIT_PYTHON, NULL,
		    "gc.collect has calling convention 0x%x, expected "
		    "METH_FASTCALL|METH_KEYWORDS",
		    O.collect_flags);
	int freeze_flags;
	fetch_cfunction(gcmod, "freeze", &O.freeze_fn, &O.freeze_self,
			&freeze_flags);
	if (freeze_flags != METH_NOARGS)
		die(EXIT_PYTHON, NULL,
		    "gc.freeze has calling convention 0x%x, expected METH_NOARGS",
		    freeze_flags);
	Py_DECREF(gcmod);

	O.tab = idtab_new();
	O.next_key = 1000000;
	install_hooks();

	/*
	 * Make the interpreter clean.  A collection that start-up may have
	 * scheduled (3.12+) runs now rather than at the first event; the full
	 * collection empties the free lists (clear_freelists); freeze moves
	 * every tracked object, class C included, to the permanent
	 * generation, where no collection looks.  Then the counters the trace
	 * is measured against start from zero.
	 */
	if (PyErr_CheckSignals() < 0)
		die_python(NULL, "PyErr_CheckSignals");
	gc_collect(NULL, 2);
	gc_freeze(NULL);
	O.frozen_tail = _PyGCHead_PREV(&O.gc->permanent_generation.head);
	for (int i = 0; i < N_GENS; i++) {
		O.gc->generations[i].count = 0;
		O.gc->generation_stats[i].collections = 0;
		O.gc->generation_stats[i].collected = 0;
		O.gc->generation_stats[i].uncollectable = 0;
	}
	O.gc->long_lived_total = 0;
	O.gc->long_lived_pending = 0;

	freelists_load();
	int dirty = freelist_list() || freelist_dict() || freelist_float();
	for (int k = 1; k <= N_TUPLE_FL; k++)
		dirty |= freelist_tuple(k) != 0;
	if (dirty)
		die(EXIT_PYTHON, NULL,
		    "free lists not empty after a full collection (list %d, "
		    "dict %d, float %d): this interpreter does not clear them "
		    "as assumed",
		    freelist_list(), freelist_dict(), freelist_float());
	for (int i = 0; i < N_GENS; i++)
		if (gen_size(i) != 0)
			die(EXIT_PYTHON, NULL,
			    "generation %d holds %zd objects after gc.freeze()",
			    i, gen_size(i));
	if (!O.gc->enabled)
		die(EXIT_PYTHON, NULL, "the collector is disabled at start-up");
	if (O.gc->garbage == NULL || PyList_GET_SIZE(O.gc->garbage) != 0 ||
	    O.gc->debug != 0)
		die(EXIT_PYTHON, NULL, "gc.garbage is not empty or gc debugging "
		    "is on at start-up");
}

/* ------------------------------------------------------------------ */
/* Objects named by the trace */

static struct idtab_obj *live(const struct sim_event *ev, const char *id)
{
	struct idtab_binding *b = idtab_lookup(O.tab, id);
	if (b == NULL)
		die(EXIT_TRACE, ev, "'%s' was never allocated", id);
	if (b->obj == NULL)
		die(EXIT_TRACE, ev, "'%s' is dead (freed at step %lu)", id,
		    b->died_step);
	return b->obj;
}

/* Identifier-like strings stand for literals in code: [A-Za-z0-9_]+ */
static int identifier_like(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(c == '_' || (c >= '0' && c <= '9') ||
		      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return 1;
}

/* A literal's code object holds it for the program's lifetime: keep one
 * reference per distinct interned string. */
static void keep_literal(PyObject *s)
{
	for (size_t i = 0; i < O.nliterals; i++)
		if (O.literals[i] == s)
			return;
	if (O.nliterals == O.capliterals) {
		O.capliterals = O.capliterals ? 2 * O.capliterals : 16;
		O.literals = realloc(O.literals,
				     O.capliterals * sizeof *O.literals);
		if (O.literals == NULL)
			abort();
	}
	Py_INCREF(s);
	O.literals[O.nliterals++] = s;
}

/* Interned attribute name aI, made once and kept: later uses allocate
 * nothing. */
static PyObject *attr_name(long i)
{
	if ((size_t)i >= O.nnames) {
		size_t n = O.nnames ? O.nnames : 16;
		while (n <= (size_t)i)
			n *= 2;
		O.names = realloc(O.names, n * sizeof *O.names);
		if (O.names == NULL)
			abort();
		memset(O.names + O.nnames, 0, (n - O.nnames) * sizeof *O.names);
		O.nnames = n;
	}
	if (O.names[i] == NULL) {
		char buf[32];
		snprintf(buf, sizeof buf, "a%ld", i);
		O.names[i] = PyUnicode_InternFromString(buf);
		if (O.names[i] == NULL)
			die_python(NULL, "PyUnicode_InternFromString");
		/* A literal of the trace with this text is now held here
		 * too: its refcount is no longer the trace's alone. */
		struct idtab_obj *o = idtab_find_obj(O.tab, O.names[i]);
		if (o != NULL)
			o->exact = 0;
	}
	return O.names[i];
}

static PyObject *make_object(const struct sim_event *ev, int *exact)
{
	const struct sim_value *v = &ev->value;
	PyObject *op = NULL;

	*exact = 1;
	switch (ev->type) {
	case SIM_T_INT:
		op = PyLong_FromString(v->digits, NULL, 10);
		*exact = !(v->fits && v->i >= -5 && v->i <= 256);
		break;
	case SIM_T_FLOAT:
		op = PyFloat_FromDouble(v->f);
		break;
	case SIM_T_STR:
		if (v->len > 1 && identifier_like(v->s, v->len)) {
			PyObject *s = PyUnicode_DecodeUTF8(v->s,
							   (Py_ssize_t)v->len,
							   "strict");
			if (s == NULL)
				break;
			PyObject *fresh = s;
			PyUnicode_InternInPlace(&s);
			keep_literal(s);
			/* Exact when this interned it: the table's references
			 * are not counted (3.11, 3.13 mortal; 3.12 makes it
			 * immortal, see below), keep_literal's is the code
			 * object's.  A string found already interned may be
			 * held by the interpreter's own code objects. */
			*exact = s == fresh;
			op = s;
		} else {
			/* "" and one latin-1 code point come back as the
			 * cached singletons (unicode_result); any other is a
			 * new object. */
			op = PyUnicode_DecodeUTF8(v->s, (Py_ssize_t)v->len,
						  "strict");
			*exact = op != NULL && PyUnicode_GET_LENGTH(op) > 1;
			if (op != NULL && PyUnicode_GET_LENGTH(op) == 1)
				*exact = PyUnicode_READ_CHAR(op, 0) > 0xff;
		}
		break;
	case SIM_T_BYTES:
		/* b"" and single bytes are singletons. */
		*exact = v->len > 1;
		op = PyBytes_FromStringAndSize(v->s, (Py_ssize_t)v->len);
		break;
	case SIM_T_BOOL:
		*exact = 0;
		op = Py_NewRef(v->i ? Py_True : Py_False);
		break;
	case SIM_T_NONE:
		*exact = 0;
		op = Py_NewRef(Py_None);
		break;
	case SIM_T_TUPLE: {
		long n = v->has ? (long)v->i : 0;
		*exact = n > 0;
		op = PyTuple_New(n);
		break;
	}
	case SIM_T_LIST:
		op = PyList_New(0);
		break;
	case SIM_T_DICT:
		op = PyDict_New();
		break;
	case SIM_T_SET:
		op = PySet_New(NULL);
		break;
	case SIM_T_OBJECT:
		op = PyObject_CallNoArgs(O.cls);
		break;
	case SIM_T_DELOBJ:
		op = PyObject_CallNoArgs(O.cls_del);
		break;
	case SIM_T_LEGACYOBJ:
		if (O.cls_legacy == NULL)
			die(EXIT_TRACE, ev, "a legacyobj needs a trace "
			    "file, not stdin (class L is made at start-up)");
		op = PyObject_CallNoArgs(O.cls_legacy);
		break;
	case SIM_T_GCOBJ:
		op = gcobj_new();
		break;
	default:
		die(EXIT_TRACE, ev, "unknown type %d", (int)ev->type);
	}
	if (op == NULL)
		die_python(ev, "alloc");
#if PY_VERSION_HEX >= 0x030C0000
	if (_Py_IsImmortal(op))
		*exact = 0;
#endif
	return op;
}

/* ev's ID must name no live object: alloc and pack bind a fresh one. */
static void need_fresh(const struct sim_event *ev)
{
	struct idtab_binding *b = idtab_lookup(O.tab, ev->id);
	if (b != NULL && b->obj != NULL)
		die(EXIT_TRACE, ev, "'%s' is still alive", ev->id);
}

/*
 * pack ID ITEM...: PyTuple_Pack, which makes the tuple as a tuple display
 * does, each version's way (3.14.1+: tracked only if an item's type is a
 * GC type).  Its variadic arguments past the count are never read.
 */
static struct idtab_binding *do_pack(const struct sim_event *ev)
{
	_Static_assert(SIM_PACK_MAX == 16, "do_pack passes 16 items");
	PyObject *it[SIM_PACK_MAX] = { NULL };

	need_fresh(ev);
	for (int i = 0; i < ev->nitems; i++)
		it[i] = live(ev, ev->items[i])->ptr;
	PyObject *op = PyTuple_Pack((Py_ssize_t)ev->nitems, it[0], it[1], it[2], it[3],
				    it[4], it[5], it[6], it[7], it[8], it[9],
				    it[10], it[11], it[12], it[13], it[14],
				    it[15]);
	if (op == NULL)
		die_python(ev, "PyTuple_Pack");
	struct idtab_binding *b = idtab_bind(O.tab, ev->id, op, SIM_T_TUPLE, 1);
	b->obj->roots++; /* PyTuple_Pack returned a new reference */
	b->obj->tuple_len = b->obj->tuple_fill = ev->nitems;
	return b;
}

static struct idtab_binding *do_alloc(const struct sim_event *ev)
{
	struct idtab_binding *b;

	need_fresh(ev);
	int exact;
	PyObject *op = make_object(ev, &exact);
	struct idtab_obj *o = idtab_find_obj(O.tab, op);
	if (o != NULL && o->type != (int)ev->type)
		die(EXIT_PYTHON, ev,
		    "internal error: a live %s object reappeared as a new %s "
		    "(a deallocation was missed)",
		    sim_type_name((enum sim_type)o->type),
		    sim_type_name(ev->type));
	b = idtab_bind(O.tab, ev->id, op, (int)ev->type, exact);
	o = b->obj;
	o->roots++; /* make_object returned a new reference: the root */
	if (ev->type == SIM_T_TUPLE && o->roots == 1) {
		o->tuple_len = PyTuple_GET_SIZE(op);
		if (o->tuple_len > 0)
			O.building++;
	}
	return b;
}

/* SRC.add(DST), SRC and DST named SNAME and DNAME in messages; for the
 * event and for an `on` action. */
static void add_ref(const struct sim_event *ev, struct idtab_obj *src,
		    struct idtab_obj *dst, const char *sname,
		    const char *dname)
{
	PyObject *s = src->ptr, *d = dst->ptr;
	int rc = 0;

	/* The program holds both operands while it runs `src.add(dst)`;
	 * so does the oracle, so that nothing dies half-way. */
	Py_INCREF(s);
	Py_INCREF(d);
	switch (src->type) {
	case SIM_T_LIST:
		rc = PyList_Append(s, d);
		break;
	case SIM_T_DICT: {
		/* A fresh key per ref; keys are not modelled, and ints are
		 * invisible to the collector. */
		PyObject *key = PyLong_FromLongLong(O.next_key++);
		if (key == NULL)
			die_python(ev, "PyLong_FromLongLong");
		rc = PyDict_SetItem(s, key, d);
		Py_DECREF(key);
		break;
	}
	case SIM_T_SET:
		rc = PySet_Add(s, d);
		if (rc < 0 && PyErr_ExceptionMatches(PyExc_TypeError)) {
			PyErr_Clear();
			die(EXIT_TRACE, ev, "unhashable set member '%s'",
			    dname);
		}
		break;
	case SIM_T_OBJECT:
	case SIM_T_DELOBJ:
	case SIM_T_LEGACYOBJ: {
		long idx = src->next_attr++;
		rc = PyObject_SetAttr(s, attr_name(idx), d);
		if (rc == 0)
			idtab_attr_push(src, idx, d);
		break;
	}
	case SIM_T_GCOBJ:
		rc = gcobj_append(s, d);
		break;
	case SIM_T_TUPLE:
		if (src->tuple_fill >= src->tuple_len)
			die(EXIT_TRACE, ev, "tuple '%s' is already full (%ld)",
			    sname, src->tuple_len);
		Py_INCREF(d);
		PyTuple_SET_ITEM(s, src->tuple_fill, d);
		if (++src->tuple_fill == src->tuple_len)
			O.building--;
		break;
	default:
		die(EXIT_TRACE, ev, "ref from a non-container '%s' (%s)",
		    sname, sim_type_name((enum sim_type)src->type));
	}
	if (rc < 0)
		die_python(ev, "ref");
	Py_DECREF(d);
	Py_DECREF(s);
}

static void do_ref(const struct sim_event *ev)
{
	struct idtab_obj *src = live(ev, ev->id);

	if (ev->dst == NULL) { /* a root reference */
		Py_INCREF((PyObject *)src->ptr);
		src->roots++;
		return;
	}
	add_ref(ev, src, live(ev, ev->dst), ev->id, ev->dst);
}

/* SRC.remove(DST), for the event and for an `on` action. */
static void remove_ref(const struct sim_event *ev, struct idtab_obj *src,
		       struct idtab_obj *dst, const char *sname,
		       const char *dname)
{
	PyObject *s = src->ptr, *d = dst->ptr;
	int rc = 0, found = 0;

	Py_INCREF(s);
	Py_INCREF(d);
	switch (src->type) {
	case SIM_T_LIST:
		for (Py_ssize_t i = 0; i < PyList_GET_SIZE(s); i++)
			if (PyList_GET_ITEM(s, i) == d) {
				found = 1;
				rc = PySequence_DelItem(s, i);
				break;
			}
		break;
	case SIM_T_DICT: {
		Py_ssize_t pos = 0;
		PyObject *k, *v;
		while (PyDict_Next(s, &pos, &k, &v))
			if (v == d) {
				found = 1;
				Py_INCREF(k);
				rc = PyDict_DelItem(s, k);
				Py_DECREF(k);
				break;
			}
		break;
	}
	case SIM_T_SET:
		rc = PySet_Discard(s, d);
		found = rc == 1;
		if (rc == 1)
			rc = 0;
		break;
	case SIM_T_OBJECT:
	case SIM_T_DELOBJ:
	case SIM_T_LEGACYOBJ:
		for (size_t i = 0; i < src->nattrs; i++)
			if (src->attrs[i].value == d) {
				long idx = src->attrs[i].index;
				found = 1;
				idtab_attr_remove(src, i);
				rc = PyObject_SetAttr(s, attr_name(idx), NULL);
				break;
			}
		break;
	case SIM_T_GCOBJ:
		found = gcobj_remove(s, d);
		break;
	case SIM_T_TUPLE:
		die(EXIT_TRACE, ev, "unref on a tuple '%s'", sname);
	default:
		die(EXIT_TRACE, ev, "unref from a non-container '%s' (%s)",
		    sname, sim_type_name((enum sim_type)src->type));
	}
	if (rc < 0)
		die_python(ev, "unref");
	if (!found)
		die(EXIT_TRACE, ev, "'%s' holds no reference to '%s'", sname,
		    dname);
	/* Careful: either may die here, and with it the records. */
	Py_DECREF(d);
	Py_DECREF(s);
}

static void do_unref(const struct sim_event *ev)
{
	struct idtab_obj *src = live(ev, ev->id);
	remove_ref(ev, src, live(ev, ev->dst), ev->id, ev->dst);
}

/* Drop one root reference the trace holds to O, named NAME. */
static void drop_root(const struct sim_event *ev, struct idtab_obj *o,
		      const char *name)
{
	if (o->roots <= 0)
		die(EXIT_TRACE, ev, "no root reference to '%s' is held", name);
	o->roots--;
	Py_DECREF((PyObject *)o->ptr); /* may free o */
}

static void do_del(const struct sim_event *ev)
{
	drop_root(ev, live(ev, ev->id), ev->id);
}

/*
 * weakref ID TARGET [CALLBACK]: weakref.ref(TARGET[, CALLBACK]), by
 * PyWeakref_NewRef, which returns TARGET's callback-less weakref when it
 * has one and no callback is given (ID then names that one too).
 */
static struct idtab_binding *do_weakref(const struct sim_event *ev)
{
	PyObject *cb = NULL;

	need_fresh(ev);
	struct idtab_obj *target = live(ev, ev->dst);
	if (ev->id2 != NULL) {
		struct idtab_obj *c = live(ev, ev->id2);
		if (c->type != SIM_T_GCOBJ)
			die(EXIT_TRACE, ev, "the callback '%s' is a %s, not a "
			    "gcobj", ev->id2,
			    sim_type_name((enum sim_type)c->type));
		cb = c->ptr;
	}
	PyObject *w = PyWeakref_NewRef(target->ptr, cb);
	if (w == NULL) {
		if (!PyErr_ExceptionMatches(PyExc_TypeError))
			die_python(ev, "weakref");
		PyErr_Clear();
		die(EXIT_TRACE, ev, "cannot create weak reference to '%s' "
		    "object", Py_TYPE((PyObject *)target->ptr)->tp_name);
	}
	struct idtab_binding *b = idtab_bind(O.tab, ev->id, w,
					     SIM_T_WEAKREF, 1);
	b->obj->roots++; /* PyWeakref_NewRef returned a new reference */
	return b;
}

/* on ID ACTION ARGS...: one more action of ID's function. */
static void do_on(const struct sim_event *ev)
{
	struct idtab_obj *o = live(ev, ev->id);

	if (o->type != SIM_T_DELOBJ && o->type != SIM_T_LEGACYOBJ &&
	    o->type != SIM_T_GCOBJ)
		die(EXIT_TRACE, ev, "'%s' (%s) has no function to run actions",
		    ev->id, sim_type_name((enum sim_type)o->type));
	idtab_action_push(o, (int)ev->on_action, ev->items, ev->nitems,
			  ev->line);
}

/* The object an action's argument K names when the function runs. */
static struct idtab_obj *action_obj(const struct idtab_action *a, int k,
				    PyObject *self)
{
	const char *name = a->args[k];

	if (strcmp(name, SIM_ON_SELF) == 0) {
		struct idtab_obj *o = idtab_find_obj(O.tab, self);
		if (o == NULL)
			die(EXIT_TRACE, O.cur, "'self' of the `on` line %lu is "
			    "an object the trace did not name", a->line);
		return o;
	}
	struct idtab_binding *b = idtab_lookup(O.tab, name);
	if (b == NULL)
		die(EXIT_TRACE, O.cur, "'%s' (`on` line %lu) was never "
		    "allocated", name, a->line);
	if (b->obj == NULL)
		die(EXIT_TRACE, O.cur, "'%s' (`on` line %lu) is dead (freed at "
		    "step %lu)", name, a->line, b->died_step);
	/* An instance whose weakref callbacks run has no reference left
	 * (subtype_dealloc reports its death only afterwards): no code can
	 * reach it. */
	if (Py_REFCNT((PyObject *)b->obj->ptr) <= 0)
		die(EXIT_TRACE, O.cur, "'%s' (`on` line %lu) is being freed",
		    name, a->line);
	return b->obj;
}

static void run_action(const struct idtab_action *a, PyObject *self)
{
	switch ((enum sim_on_action)a->action) {
	case SIM_ON_REF:
		add_ref(O.cur, action_obj(a, 0, self), action_obj(a, 1, self),
			a->args[0], a->args[1]);
		break;
	case SIM_ON_UNREF:
		remove_ref(O.cur, action_obj(a, 0, self),
			   action_obj(a, 1, self), a->args[0], a->args[1]);
		break;
	case SIM_ON_BIND: {
		struct idtab_binding *b = idtab_lookup(O.tab, a->args[0]);
		if (b != NULL && b->obj != NULL)
			die(EXIT_TRACE, O.cur, "'%s' (`on` line %lu) is still "
			    "alive", a->args[0], a->line);
		struct idtab_obj *o = action_obj(a, 1, self);
		b = idtab_bind(O.tab, a->args[0], o->ptr, o->type, o->exact);
		Py_INCREF((PyObject *)o->ptr);
		b->obj->roots++;
		break;
	}
	case SIM_ON_DEL:
		drop_root(O.cur, action_obj(a, 0, self), a->args[0]);
		break;
	}
}

/*
 * The body of OWNER's function (its finalizer, or the weakref callback a
 * gcobj stands for) with `self` = SELF.  The caller holds OWNER for the
 * whole call (slot_tp_finalize's and slot_tp_del's temporary resurrection,
 * the weakref's callback reference moved to a local), so its record and
 * action list stay.  Allocates only what the actions do.
 */
static void run_function(PyObject *owner, PyObject *self)
{
	struct idtab_obj *o = idtab_find_obj(O.tab, owner);

	/* A finalizer runs with its object re-tracked into generation 0
	 * (subtype_dealloc), from whatever generation it was in; if it
	 * resurrects, no death tells the size cache. */
	O.old_sizes_valid = 0;
	if (o == NULL)
		return;
	for (struct idtab_binding *b = o->ids; b != NULL; b = b->next_same)
		b->called++;
	for (size_t i = 0; i < o->nactions; i++)
		run_action(&o->actions[i], self);
}
/*
 * gc.unfreeze() is one gc_list_merge(permanent, generation 2), counts
 * untouched (3.11-3.13).  Called for real it would also thaw the
 * interpreter's own objects, frozen at start-up, and the state would no
 * longer be the trace's.  The permanent list is [start-up objects][objects
 * the trace froze], since freeze appends and nothing else adds to it in
 * the trace's world (3.12's update_refs moves only immortal objects
 * there, and the trace makes none that are tracked).  So do what
 * gc_list_merge does to the trace's part only: cut it after frozen_tail
 * and append it, in order, to generation 2.
 */
static void gc_unfreeze(const struct sim_event *ev)
{
	PyGC_Head *perm = &O.gc->permanent_generation.head;
	PyGC_Head *gen2 = &O.gc->generations[N_GENS - 1].head;
	PyGC_Head *g;

	for (g = perm; g != O.frozen_tail; g = _PyGCHead_NEXT(g))
		if (_PyGCHead_NEXT(g) == perm)
			die(EXIT_PYTHON, ev,
			    "internal error: the start-up part of the "
			    "permanent generation changed");
	PyGC_Head *first = _PyGCHead_NEXT(O.frozen_tail);
	if (first == perm)
		return; /* the trace froze nothing */
	PyGC_Head *last = _PyGCHead_PREV(perm);

	_PyGCHead_SET_NEXT(O.frozen_tail, perm);
	_PyGCHead_SET_PREV(perm, O.frozen_tail);

	PyGC_Head *tail = _PyGCHead_PREV(gen2);
	_PyGCHead_SET_NEXT(tail, first);
	_PyGCHead_SET_PREV(first, tail);
	_PyGCHead_SET_NEXT(last, gen2);
	_PyGCHead_SET_PREV(gen2, last);
}

/* gc.get_freeze_count() of the trace's world: the permanent list after
 * the start-up part (see gc_unfreeze). */
static Py_ssize_t frozen_count(void)
{
	PyGC_Head *perm = &O.gc->permanent_generation.head;
	Py_ssize_t n = 0;

	for (PyGC_Head *g = _PyGCHead_NEXT(O.frozen_tail); g != perm;
	     g = _PyGCHead_NEXT(g))
		n++;
	return n;
}

static void do_gc(const struct sim_event *ev)
{
	switch (ev->action) {
	case SIM_GC_ENABLE:
		PyGC_Enable();
		break;
	case SIM_GC_DISABLE:
		PyGC_Disable();
		break;
	case SIM_GC_THRESHOLD:
		/* What gc.set_threshold stores, without the call. */
		for (int i = 0; i < ev->nnums && i < N_GENS; i++)
			O.gc->generations[i].threshold = (int)ev->nums[i];
		break;
	case SIM_GC_FREEZE:
		gc_freeze(ev);
		break;
	case SIM_GC_UNFREEZE:
		gc_unfreeze(ev);
		break;
	case SIM_GC_SAFEPOINT:
		O.explicit_safepoints = 1;
		break;
	case SIM_GC_SAVEALL:
		/* gc.set_debug(gc.DEBUG_SAVEALL) or gc.set_debug(0) */
		O.gc->debug = ev->nums[0] ? ORACLE_DEBUG_SAVEALL : 0;
		break;
	case SIM_GC_CLEARGARBAGE: {
		/* gc.garbage.clear(): list.clear's own code */
		PyObject *r = O.list_clear(O.gc->garbage, NULL);
		if (r == NULL)
			die_python(ev, "gc.garbage.clear");
		Py_DECREF(r);
		break;
	}
	case SIM_GC_CALLBACK:
		gc_callback(ev, ev->nums[0] != 0);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Output */

static void put_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void put_state(void)
{
	Py_ssize_t sizes[N_GENS];

	gen_sizes(sizes);
	freelists_load();
	printf("\"count\":[%d,%d,%d]", O.gc->generations[0].count,
	       O.gc->generations[1].count, O.gc->generations[2].count);
	printf(",\"gen_sizes\":[%zd,%zd,%zd]", sizes[0], sizes[1], sizes[2]);
	printf(",\"freelist\":{\"list\":%d,\"dict\":%d,\"float\":%d,\"tuple\":[",
	       freelist_list(), freelist_dict(), freelist_float());
	for (int k = 1; k <= N_TUPLE_FL; k++)
		printf("%s%d", k > 1 ? "," : "", freelist_tuple(k));
	printf("]}");
	printf(",\"stats\":[");
	for (int i = 0; i < N_GENS; i++) {
		const struct gc_generation_stats *st =
			&O.gc->generation_stats[i];
		printf("%s[%zd,%zd,%zd]", i ? "," : "", st->collections,
		       st->collected, st->uncollectable);
	}
	printf("]");
}

/* An instance of one of the classes C, D, L. */
static int is_instance_type(int type)
{
	return type == SIM_T_OBJECT || type == SIM_T_DELOBJ ||
	       type == SIM_T_LEGACYOBJ;
}

/* Diagnostics for --verbose: tracking of the named object, and for
 * instances where their attributes live. */
static void put_verbose(struct idtab_obj *o)
{
	if (o == NULL)
		return;
	PyObject *op = o->ptr;
	if (PyObject_IS_GC(op))
		printf(",\"tracked\":%s,\"gen\":%d,\"finalized\":%s",
		       is_tracked(op) ? "true" : "false", gen_of(op),
		       PyObject_GC_IsFinalized(op) ? "true" : "false");
	if (is_instance_type(o->type)) {
		PyObject *d = instance_dict(op);
		printf(",\"inst\":{\"dict\":%s", d ? "true" : "false");
		if (d != NULL)
			printf(",\"dict_tracked\":%s",
			       is_tracked(d) ? "true" : "false");
#if PY_VERSION_HEX >= 0x030B0000 /* 3.8's keys object is opaque */
		PyDictKeysObject *k =
			((PyHeapTypeObject *)Py_TYPE(op))->ht_cached_keys;
		if (k != NULL)
			printf(",\"keys_nentries\":%zd,\"keys_usable\":%zd",
			       k->dk_nentries, k->dk_usable);
#endif
		printf("}");
	}
}

/*
 * --dump-gens: the objects of each generation list, in list order, named
 * by their first ID ("?list" etc. for objects the trace did not name, such
 * as a materialized instance dict).  For finding where the order of a list
 * (which decides, e.g., which tuples one untrack_tuples pass can untrack)
 * departs from gcsim's.
 */
static void put_gens(void)
{
	printf(",\"gens\":[");
	for (int gen = 0; gen < N_GENS; gen++) {
		PyGC_Head *head = &O.gc->generations[gen].head;
		int first = 1;
		printf("%s[", gen ? "," : "");
		for (PyGC_Head *g = _PyGCHead_NEXT(head); g != head;
		     g = _PyGCHead_NEXT(g)) {
			PyObject *op = (PyObject *)(g + 1);
			struct idtab_obj *o = idtab_find_obj(O.tab, op);
			if (!first)
				putchar(',');
			first = 0;
			if (o != NULL && o->ids != NULL)
				put_json_str(o->ids->id);
			else
				printf("\"?%s\"", Py_TYPE(op)->tp_name);
		}
		printf("]");
	}
	printf("]");
}

static void emit_step(const struct sim_event *ev,
		      struct idtab_binding *named, int named_exact,
		      struct idtab_obj *verbose_obj)
{
	printf("{\"step\":%lu,\"line\":%lu,\"op\":\"%s\",", O.step, ev->line,
	       sim_op_name(ev->op));
	put_state();
	if (named != NULL && named->obj != NULL)
		printf(",\"refcnt\":%zd", Py_REFCNT((PyObject *)named->obj->ptr));
	else
		printf(",\"refcnt\":null");
	printf(",\"refcnt_exact\":%s", named_exact ? "true" : "false");

	size_t n;
	struct idtab_binding **freed = idtab_freed(O.tab, &n);
	printf(",\"freed\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			putchar(',');
		put_json_str(freed[i]->id);
	}
	printf("]");
	if (O.verbose && verbose_obj != NULL)
		put_verbose(verbose_obj);
	if (O.dump_gens)
		put_gens();
	printf("}\n");
}

static void emit_summary(void)
{
	size_t n;
	struct idtab_binding **all = idtab_all_sorted(O.tab, &n);
	int first = 1;

	printf("{\"summary\":{\"steps\":%lu,\"python\":\"%s\"", O.step,
	       PY_VERSION);
	if (O.label) {
		printf(",\"label\":");
		put_json_str(O.label);
	}
	printf(",");
	put_state();
	printf(",\"live\":{");
	for (size_t i = 0; i < n; i++) {
		struct idtab_binding *b = all[i];
		if (b->obj == NULL || !b->obj->exact)
			continue;
		if (!first)
			putchar(',');
		first = 0;
		put_json_str(b->id);
		printf(":%zd", Py_REFCNT((PyObject *)b->obj->ptr));
	}
	printf("}}}\n");
	free(all);
}

/* ------------------------------------------------------------------ */
/* expect lines */

static void expect_failed(const struct sim_event *ev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void expect_failed(const struct sim_event *ev, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s:%lu: expect failed: ", O.path, ev->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	O.expect_failures++;
}

/* Describe why ID names no live object, for "found ...". */
static const char *not_live(const char *id, char *buf, size_t size)
{
	struct idtab_binding *b = idtab_lookup(O.tab, id);
	if (b == NULL)
		snprintf(buf, size, "'%s' never allocated", id);
	else
		snprintf(buf, size, "'%s' freed at step %lu", id, b->died_step);
	return buf;
}

static PyObject *live_or_null(const char *id)
{
	struct idtab_binding *b = idtab_lookup(O.tab, id);
	return b && b->obj ? b->obj->ptr : NULL;
}

static void check_expect(const struct sim_event *ev)
{
	char buf[320];
	PyObject *op = ev->id ? live_or_null(ev->id) : NULL;
	static const char *const genname[] = {"0", "1", "2", "permanent"};

	switch (ev->expect) {
	case SIM_EXPECT_REFCNT:
		if (op == NULL)
			expect_failed(ev, "expected refcnt %s %ld, found %s",
				      ev->id, ev->nums[0],
				      not_live(ev->id, buf, sizeof buf));
		else if (Py_REFCNT(op) != ev->nums[0])
			expect_failed(ev, "expected refcnt %s %ld, found %zd",
				      ev->id, ev->nums[0], Py_REFCNT(op));
		break;
	case SIM_EXPECT_ALIVE:
		if (op == NULL)
			expect_failed(ev, "expected alive %s, found %s", ev->id,
				      not_live(ev->id, buf, sizeof buf));
		break;
	case SIM_EXPECT_FREED: {
		struct idtab_binding *b = idtab_lookup(O.tab, ev->id);
		if (b == NULL)
			expect_failed(ev, "expected freed %s, found never "
				      "allocated", ev->id);
		else if (b->obj != NULL)
			expect_failed(ev, "expected freed %s, found alive "
				      "(refcnt %zd)", ev->id,
				      Py_REFCNT((PyObject *)b->obj->ptr));
		break;
	}
	case SIM_EXPECT_TRACKED:
	case SIM_EXPECT_UNTRACKED: {
		int want = ev->expect == SIM_EXPECT_TRACKED;
		const char *w = want ? "tracked" : "untracked";
		if (op == NULL)
			expect_failed(ev, "expected %s %s, found %s", w, ev->id,
				      not_live(ev->id, buf, sizeof buf));
		else if (is_tracked(op) != want)
			expect_failed(ev, "expected %s %s, found %s", w, ev->id,
				      want ? "untracked" : "tracked");
		break;
	}
	case SIM_EXPECT_GEN: {
		if (op == NULL) {
			expect_failed(ev, "expected gen %s %ld, found %s",
				      ev->id, ev->nums[0],
				      not_live(ev->id, buf, sizeof buf));
			break;
		}
		int g = gen_of(op);
		if (g != ev->nums[0])
			expect_failed(ev, "expected gen %s %ld, found %s",
				      ev->id, ev->nums[0],
				      g < 0 ? "untracked" : genname[g]);
		break;
	}
	case SIM_EXPECT_SAME: {
		PyObject *op2 = live_or_null(ev->id2);
		if (op == NULL)
			expect_failed(ev, "expected same %s %s, found %s",
				      ev->id, ev->id2,
				      not_live(ev->id, buf, sizeof buf));
		else if (op2 == NULL)
			expect_failed(ev, "expected same %s %s, found %s",
				      ev->id, ev->id2,
				      not_live(ev->id2, buf, sizeof buf));
		else if (op != op2)
			expect_failed(ev, "expected same %s %s, found "
				      "different objects", ev->id, ev->id2);
		break;
	}
	case SIM_EXPECT_COUNT:
	case SIM_EXPECT_COLLECTIONS: {
		long got[N_GENS];
		int is_count = ev->expect == SIM_EXPECT_COUNT;
		for (int i = 0; i < N_GENS; i++)
			got[i] = is_count ? O.gc->generations[i].count
					  : (long)O.gc->generation_stats[i]
						    .collections;
		int bad = 0;
		for (int i = 0; i < ev->nnums && i < N_GENS; i++)
			bad |= got[i] != ev->nums[i];
		if (bad) {
			char want[96] = "";
			size_t used = 0;
			for (int i = 0; i < ev->nnums && i < N_GENS; i++)
				used += (size_t)snprintf(want + used,
							 sizeof want - used,
							 "%s%ld", i ? " " : "",
							 ev->nums[i]);
			expect_failed(ev, "expected %s %s, found %ld %ld %ld",
				      is_count ? "count" : "collections", want,
				      got[0], got[1], got[2]);
		}
		break;
	}
	case SIM_EXPECT_COLLECTED:
		if (O.collected_last_step != ev->nums[0])
			expect_failed(ev, "expected collected %ld, found %zd",
				      ev->nums[0], O.collected_last_step);
		break;
	case SIM_EXPECT_FINALIZED:
	case SIM_EXPECT_UNFINALIZED: {
		int want = ev->expect == SIM_EXPECT_FINALIZED;
		const char *w = want ? "finalized" : "unfinalized";
		if (op == NULL)
			expect_failed(ev, "expected %s %s, found %s", w, ev->id,
				      not_live(ev->id, buf, sizeof buf));
		else if ((PyObject_IS_GC(op) &&
			  PyObject_GC_IsFinalized(op)) != want)
			expect_failed(ev, "expected %s %s, found %s", w, ev->id,
				      want ? "unfinalized" : "finalized");
		break;
	}
	case SIM_EXPECT_CLEARED:
	case SIM_EXPECT_REFERENT: {
		int cleared = ev->expect == SIM_EXPECT_CLEARED;
		PyObject *want = cleared ? Py_None : live_or_null(ev->id2);
		if (op == NULL || !PyWeakref_CheckRef(op)) {
			expect_failed(ev, "expected %s %s, found %s",
				      cleared ? "cleared" : "referent", ev->id,
				      op ? "no weakref" :
				      not_live(ev->id, buf, sizeof buf));
			break;
		}
		PyObject *got = ((PyWeakReference *)op)->wr_object;
		if (want == NULL)
			expect_failed(ev, "expected referent %s %s, found %s",
				      ev->id, ev->id2,
				      not_live(ev->id2, buf, sizeof buf));
		else if (got != want) {
			struct idtab_obj *g = idtab_find_obj(O.tab, got);
			expect_failed(ev, "expected %s %s%s%s, found %s%s",
				      cleared ? "cleared" : "referent", ev->id,
				      cleared ? "" : " ", cleared ? "" : ev->id2,
				      got == Py_None ? "cleared" :
				      g && g->ids ? "referent " : "a referent",
				      got != Py_None && g && g->ids ?
				      g->ids->id : "");
		}
		break;
	}
	case SIM_EXPECT_CALLED: {
		struct idtab_binding *b = idtab_lookup(O.tab, ev->id);
		long got = b ? b->called : 0;
		if (b == NULL)
			expect_failed(ev, "expected called %s %ld, found never "
				      "allocated", ev->id, ev->nums[0]);
		else if (got != ev->nums[0])
			expect_failed(ev, "expected called %s %ld, found %ld",
				      ev->id, ev->nums[0], got);
		break;
	}
	case SIM_EXPECT_GARBAGE:
		if (PyList_GET_SIZE(O.gc->garbage) != ev->nums[0])
			expect_failed(ev, "expected garbage %ld, found %zd",
				      ev->nums[0],
				      PyList_GET_SIZE(O.gc->garbage));
		break;
	case SIM_EXPECT_FROZEN:
		if (frozen_count() != ev->nums[0])
			expect_failed(ev, "expected frozen %ld, found %zd",
				      ev->nums[0], frozen_count());
		break;
	case SIM_EXPECT_UNCOLLECTABLE:
		if (O.uncollectable_last_step != ev->nums[0])
			expect_failed(ev, "expected uncollectable %ld, found %zd",
				      ev->nums[0], O.uncollectable_last_step);
		break;
	case SIM_EXPECT_STATS: {
		long g = ev->nums[0];
		if (g < 0 || g >= N_GENS)
			die(EXIT_TRACE, ev, "no generation %ld", g);
		const struct gc_generation_stats *st =
			&O.gc->generation_stats[g];
		if (st->collected != ev->nums[1] ||
		    st->uncollectable != ev->nums[2])
			expect_failed(ev, "expected stats %ld %ld %ld, found "
				      "%ld %zd %zd", g, ev->nums[1],
				      ev->nums[2], g, st->collected,
				      st->uncollectable);
		break;
	}
	case SIM_EXPECT_FREELIST: {
		int got;
		char what[32];
		freelists_load();
		switch (ev->fl_type) {
		case SIM_T_LIST:
			got = freelist_list();
			snprintf(what, sizeof what, "list");
			break;
		case SIM_T_DICT:
			got = freelist_dict();
			snprintf(what, sizeof what, "dict");
			break;
		case SIM_T_FLOAT:
			got = freelist_float();
			snprintf(what, sizeof what, "float");
			break;
		case SIM_T_TUPLE:
			if (ev->fl_size < 1 || ev->fl_size > N_TUPLE_FL)
				die(EXIT_TRACE, ev, "no free list for tuple:%d",
				    ev->fl_size);
			got = freelist_tuple(ev->fl_size);
			snprintf(what, sizeof what, "tuple:%d", ev->fl_size);
			break;
		default:
			die(EXIT_TRACE, ev, "no free list for type %d",
			    ev->fl_type);
		}
		if (got != ev->nums[0])
			expect_failed(ev, "expected freelist %s %ld, found %d",
				      what, ev->nums[0], got);
		break;
	}
	}
}

/* ------------------------------------------------------------------ */
/* Settings lines */

/* Thresholds from I0 on; lower ones belong to --threshold. */
static void apply_threshold(const long *nums, int n, int i0)
{
	for (int i = i0; i < n && i < N_GENS; i++)
		O.gc->generations[i].threshold = (int)nums[i];
}

/* "3.12" or "3.12.x" matches this interpreter's major.minor. */
static int python_matches(const char *want)
{
	char mine[16];
	size_t len = (size_t)snprintf(mine, sizeof mine, "%d.%d",
				      PY_MAJOR_VERSION, PY_MINOR_VERSION);
	return strncmp(want, mine, len) == 0 &&
	       (want[len] == '\0' || want[len] == '.');
}

static void apply_setting(const struct sim_event *ev)
{
	switch (ev->setting) {
	case SIM_SET_PYTHON:
		if (!python_matches(ev->setting_str)) {
			fflush(stdout);
			fprintf(stderr,
				"oracle: skip: %s:%lu: the trace is for python "
				"%s, this interpreter is %d.%d\n",
				O.path, ev->line, ev->setting_str,
				PY_MAJOR_VERSION, PY_MINOR_VERSION);
			exit(EXIT_SKIP);
		}
		break;
	case SIM_SET_THRESHOLD:
		apply_threshold(ev->nums, ev->nnums, O.cmdline_nthreshold);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Replay */

/*
 * Whether the step ends at an eval-breaker check.  Every step does until
 * the trace's first `gc safepoint`; from then on only those, and the
 * events between them are C code that checks nothing (as gcsim's
 * safe_point_here).  Under 3.11 nothing is scheduled, so nothing waits.
 */
#if PY_VERSION_HEX >= 0x030C0000
static int at_safe_point(const struct sim_event *ev)
{
	return O.building == 0 &&
	       (!O.explicit_safepoints ||
		(ev->op == SIM_OP_GC && ev->action == SIM_GC_SAFEPOINT));
}
#endif

static void replay_step(const struct sim_event *ev)
{
	struct idtab_binding *named = NULL;
	struct idtab_obj *vobj = NULL;
	int named_exact = 0;
	Py_ssize_t collected_before = collected_total();
	Py_ssize_t uncollectable_before = uncollectable_total();
	Py_ssize_t collections_before = collections_total();

	O.step++;
	O.cur = ev;
	idtab_clear_freed(O.tab);

	/* The object whose refcount the step reports: the ID, or DST. */
	if (ev->op == SIM_OP_REF || ev->op == SIM_OP_UNREF ||
	    ev->op == SIM_OP_DEL) {
		const char *which = ev->dst ? ev->dst : ev->id;
		struct idtab_obj *o = live(ev, which);
		named = idtab_lookup(O.tab, which);
		named_exact = o->exact;
	}

	switch (ev->op) {
	case SIM_OP_ALLOC:
		named = do_alloc(ev);
		named_exact = named->obj->exact;
		break;
	case SIM_OP_PACK:
		named = do_pack(ev);
		named_exact = 1;
		break;
	case SIM_OP_REF:
		do_ref(ev);
		break;
	case SIM_OP_UNREF:
		if (ev->dst == NULL)
			do_del(ev);
		else
			do_unref(ev);
		break;
	case SIM_OP_DEL:
		do_del(ev);
		break;
	case SIM_OP_COLLECT:
		gc_collect(ev, ev->gen);
		break;
	case SIM_OP_GC:
		do_gc(ev);
		break;
	case SIM_OP_WEAKREF:
		named = do_weakref(ev);
		named_exact = 1;
		break;
	case SIM_OP_ON: /* no refcount to report, as gcsim */
		do_on(ev);
		break;
	default:
		die(EXIT_TRACE, ev, "'%s' is not a step", sim_op_name(ev->op));
	}

#if PY_VERSION_HEX >= 0x030C0000
	/* 3.12+ only schedules a collection at the allocation; it runs at
	 * the next safe point of the eval loop.  The end of the step is that
	 * point, and PyErr_CheckSignals() runs a scheduled collection exactly
	 * as the eval breaker would (_Py_RunGC).  Not while a tuple is being
	 * filled: its alloc and fills are one piece of C code (or one
	 * BUILD_TUPLE), inside which the eval breaker is never checked. */
	if (at_safe_point(ev) && PyErr_CheckSignals() < 0)
		die_python(ev, "PyErr_CheckSignals");
#endif
	if (PyErr_Occurred())
		die_python(ev, sim_op_name(ev->op));

	O.collected_last_step = collected_total() - collected_before;
	O.uncollectable_last_step = uncollectable_total() - uncollectable_before;
	if (collections_total() != collections_before || ev->op == SIM_OP_GC)
		O.old_sizes_valid = 0;

	if (O.verbose) {
		if (ev->op == SIM_OP_REF || ev->op == SIM_OP_UNREF) {
			struct idtab_binding *sb = idtab_lookup(O.tab, ev->id);
			if (sb && sb->obj && is_instance_type(sb->obj->type))
				vobj = sb->obj;
		}
		if (vobj == NULL && named != NULL)
			vobj = named->obj;
	}
	emit_step(ev, named, named_exact, vobj);
}

/*
 * Whether the trace makes a `legacyobj`: read once before start-up, which
 * then prepares class L (and imports _testcapi) only for such a trace.
 * A read error is left to the real reading.
 */
static int trace_needs_legacy(const char *path)
{
	struct sim_diag diag;
	sim_reader *rd;
	int need = 0;

	if (strcmp(path, "-") == 0)
		return 0; /* stdin cannot be read twice */
	memset(&diag, 0, sizeof diag);
	if (sim_reader_open(&rd, path, SIM_FMT_AUTO, &diag) != SIM_OK)
		return 0;
	for (;;) {
		struct sim_event ev;
		if (sim_reader_next(rd, &ev, &diag) != SIM_OK)
			break;
		if (ev.op == SIM_OP_ALLOC && ev.type == SIM_T_LEGACYOBJ) {
			need = 1;
			break;
		}
	}
	sim_reader_free(rd);
	return need;
}

static void usage(FILE *f)
{
	fputs("usage: oracle [--python-label X] [--threshold T0[,T1[,T2]]] "
	      "[--verbose] [--check-sizes] [--dump-gens] TRACE\n"
	      "Replay a gcsim trace in the embedded CPython " PY_VERSION
	      " and print its GC state after every step (JSON lines).\n",
	      f);
}

static int parse_threshold(const char *s, long *nums)
{
	int n = 0;
	while (n < N_GENS) {
		char *end;
		errno = 0;
		long v = strtol(s, &end, 10);
		if (end == s || errno || v < 0 || v > 0x7fffffff)
			return -1;
		nums[n++] = v;
		if (*end == '\0')
			return n;
		if (*end != ',')
			return -1;
		s = end + 1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"python-label", required_argument, NULL, 'l'},
		{"threshold", required_argument, NULL, 't'},
		{"verbose", no_argument, NULL, 'v'},
		{"check-sizes", no_argument, NULL, 'c'},
		{"dump-gens", no_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	long thr[N_GENS];
	int nthr = 0, c;

	while ((c = getopt_long(argc, argv, "l:t:vcgh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'l':
			O.label = optarg;
			break;
		case 't':
			nthr = parse_threshold(optarg, thr);
			if (nthr < 0) {
				fprintf(stderr, "oracle: error: bad --threshold "
					"'%s'\n", optarg);
				return EXIT_USAGE;
			}
			O.cmdline_nthreshold = nthr;
			break;
		case 'v':
			O.verbose = 1;
			break;
		case 'c':
			O.check_sizes = 1;
			break;
		case 'g':
			O.dump_gens = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}

	struct sim_diag diag;
	sim_reader *rd;
	memset(&diag, 0, sizeof diag);
	if (sim_reader_open(&rd, argv[optind], SIM_FMT_AUTO, &diag) != SIM_OK) {
		fprintf(stderr, "oracle: error: %s: %s\n", diag.file, diag.msg);
		return EXIT_IO;
	}
	O.path = sim_reader_path(rd);

	start_python(trace_needs_legacy(argv[optind]));
	if (nthr > 0)
		apply_threshold(thr, nthr, 0);

	for (;;) {
		struct sim_event ev;
		int st = sim_reader_next(rd, &ev, &diag);
		if (st == SIM_EOF)
			break;
		if (st != SIM_OK) {
			fflush(stdout);
			if (diag.line)
				fprintf(stderr, "oracle: error: %s:%lu:%lu: %s\n",
					diag.file, diag.line, diag.col, diag.msg);
			else
				fprintf(stderr, "oracle: error: %s: %s\n",
					diag.file, diag.msg);
			return st == SIM_EIO ? EXIT_IO : EXIT_TRACE;
		}
		switch (ev.op) {
		case SIM_OP_SETTING:
			apply_setting(&ev);
			break;
		case SIM_OP_EXPECT:
			check_expect(&ev);
			break;
		default:
			replay_step(&ev);
		}
	}
	emit_summary();
	fflush(stdout);
	sim_reader_free(rd);
	/* No Py_FinalizeEx(): the trace's objects are deliberately leaked
	 * and finalization would only add time. */
	return O.expect_failures ? EXIT_EXPECT : 0;
}
