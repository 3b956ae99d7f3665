/*
 * interp.mjs - Pyodide's CPython 3.14.2 (wasm32) as a measuring instrument.
 *
 * Loads the interpreter (fresh, or from a memory snapshot cached on disk),
 * checks that it is the build whose layout this oracle reads, and reads
 * the collector's state and the free lists straight from wasm memory
 * (HEAP32), which allocates nothing inside the interpreter.
 *
 * Layout (wasm32, 3.14.2; measured in
 * /work/shared/reference/cpython-3.14-measured.md section 1.3, checked at
 * start-up against _PyRuntime.debug_offsets and by a free-list self-test):
 *
 *   interp->gc (struct _gc_runtime_state, 144 bytes) at interp + 3740:
 *     8 enabled, 16 young {head 8, threshold, count}, 32 old[0], 48 old[1],
 *     64 permanent_generation, 80 generation_stats[3] {collections,
 *     collected, uncollectable}, 116 collecting, 128 heap_size,
 *     132 work_to_do, 136 visited_space, 140 phase (0 MARK, 1 COLLECT)
 *   interp->object_state.freelists at interp + 5800: {ptr, size} pairs,
 *     floats 0, ints 8, tuples[k-1] 16 + 8(k-1), lists 176, dicts 200
 *   PyGC_Head {_gc_next, _gc_prev} just before the object; the low bit of
 *     _gc_next is the object's old space, the low two of _gc_prev flags.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { OracleExit } from "./events.mjs";

export const PYODIDE_VERSION = "314.0.7";
export const PY_VERSION = "3.14.2";
export const PY_VERSION_HEX = 0x030e02f0;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG_DIR = path.join(HERE, "..", "node_modules", "pyodide");

/* _Py_DebugOffsets of 3.14 (pycore_debug_offsets.h): byte offsets of the
 * uint64 fields this oracle checks, and the values it was written for. */
const DEBUG_OFFSETS = [
	["version", 8, PY_VERSION_HEX],
	["free_threaded", 16, 0],
	["sizeof(PyInterpreterState)", 48, 115488],
	["offsetof(PyInterpreterState, gc)", 88, 3740],
	["sizeof(PyObject)", 400, 8],
	["offsetof(PyObject, ob_type)", 408, 4],
	["offsetof(PyTypeObject, tp_name)", 424, 12],
	["offsetof(PyTypeObject, tp_flags)", 440, 84],
	["offsetof(PyTupleObject, ob_item)", 456, 16],
	["offsetof(PyListObject, ob_item)", 480, 12],
	["offsetof(PyListObject, ob_size)", 488, 8],
	["sizeof(struct _gc_runtime_state)", 648, 144],
	["offsetof(struct _gc_runtime_state, collecting)", 656, 116],
];

export const GC_OFFSET = 3740;
export const FREELISTS_OFFSET = 5800;
const TP_FLAGS = 84, TP_NAME = 12;
/* PyTypeObject slots read or replaced for the finalizer classes. */
const TP_FREE = 160, TP_DEL = 188, TP_FINALIZE = 196;
/* PyWeakReference: wr_object after the header; _gc_prev's low bit is
 * _PyGC_PREV_MASK_FINALIZED. */
const WR_OBJECT = 8, PREV_MASK_FINALIZED = 1;
/* gc state: debug flags (gc.set_debug) and the gc.garbage list. */
const GC_DEBUG = 12, GC_GARBAGE = 120, GC_CALLBACKS = 124;
const TUPLE_ITEMS = 16, LIST_SIZE = 8, LIST_ITEMS = 12;
const HAVE_GC = 1 << 14;
const IMMORTAL_MIN = 1 << 30; /* _Py_IMMORTAL_MINIMUM_REFCNT, 32-bit */
export const N_TUPLE_FL = 20;

/* Calling conventions of the gc module's functions (methodobject.h). */
const METH_NOARGS = 0x4, METH_FASTCALL_KEYWORDS = 0x80 | 0x2;
/* Type flags, slot ids and member types of the gcobj type (object.h,
 * typeslots.h, descrobject.h). */
const Py_TPFLAGS_DEFAULT = 1 << 18, Py_TPFLAGS_MANAGED_WEAKREF = 1 << 3;
const Py_TPFLAGS_HAVE_VECTORCALL = 1 << 11;
const Py_tp_clear = 51, Py_tp_dealloc = 52, Py_tp_traverse = 71, Py_tp_members = 72;
const Py_T_PYSSIZET = 19, Py_READONLY = 1;
/* gcobj instances: the header, then their vectorcall function pointer. */
const GCOBJ_VECTORCALL = 8, GCOBJ_SIZE = 12;
const Py_file_input = 257;

function skip(msg) {
	return new OracleExit(77, msg);
}

/*
 * Get ready to load Pyodide.  With a snapshot path, interpreters come from
 * that memory snapshot, made on first use (from a fresh load; every run,
 * the first included, then starts from the very same memory).  A snapshot
 * is reused only if its sidecar names this package and wasm file.
 * Returns {load, fromSnapshot}: load() gives a fresh interpreter (a new
 * wasm instance) each time it is called.
 */
export async function prepareInterpreter({ snapshot, log }) {
	let pkg;
	try {
		pkg = JSON.parse(fs.readFileSync(path.join(PKG_DIR, "package.json"), "utf8"));
	} catch {
		throw skip(`the npm package pyodide is not installed in ${path.dirname(PKG_DIR)} ` +
			"(run `npm ci` there, or .ci/npm-deps)");
	}
	if (pkg.version !== PYODIDE_VERSION)
		throw skip(`pyodide ${pkg.version} is installed, this oracle reads ${PYODIDE_VERSION}`);
	const { loadPyodide } = await import("pyodide");
	const options = {
		indexURL: PKG_DIR + path.sep,
		env: { PYTHONHASHSEED: "0" },
		/* Python's own output must not mix with the JSON lines. */
		stdout: (s) => process.stderr.write(s + "\n"),
		stderr: (s) => process.stderr.write(s + "\n"),
	};
	if (!snapshot)
		return { load: () => loadPyodide(options), fromSnapshot: false };
	const wasm = fs.statSync(path.join(PKG_DIR, "pyodide.asm.wasm"));
	const stamp = { pyodide: pkg.version, wasm_size: wasm.size, wasm_mtime: wasm.mtimeMs };
	let data = null;
	try {
		const side = JSON.parse(fs.readFileSync(snapshot + ".json", "utf8"));
		if (JSON.stringify(side) === JSON.stringify(stamp))
			data = fs.readFileSync(snapshot);
	} catch {
		data = null;
	}
	if (data === null) {
		const t0 = performance.now();
		const fresh = await loadPyodide({ ...options, _makeSnapshot: true });
		data = fresh.makeMemorySnapshot();
		fs.mkdirSync(path.dirname(snapshot), { recursive: true });
		/* Atomic for parallel runs: write aside, then rename. */
		const tmp = `${snapshot}.${process.pid}.tmp`;
		fs.writeFileSync(tmp, data);
		fs.writeFileSync(tmp + ".json", JSON.stringify(stamp));
		fs.renameSync(tmp, snapshot);
		fs.renameSync(tmp + ".json", snapshot + ".json");
		if (log)
			log(`made snapshot ${snapshot} (${data.length} bytes) in ` +
				`${Math.round(performance.now() - t0)} ms`);
	}
	return { load: () => loadPyodide({ ...options, _loadSnapshot: data }), fromSnapshot: true };
}

/*
 * The interpreter and the oracle's window into it.  C API functions are
 * called as m._Name(...); pointers are plain numbers.
 */
export class Interp {
	constructor(py) {
		this.py = py;
		this.m = py._module;
		const m = this.m;
		this.runtime = m.__PyRuntime;
		this.scratchSize = 0;
		this.scratch = 0;
		this.ensureScratch(256);
		this.checkLayout();
		this.interp = m._PyInterpreterState_Get();
		this.gc = this.interp + GC_OFFSET;
		this.fl = this.interp + FREELISTS_OFFSET;
		this.none = m.__Py_NoneStruct;
		this.true_ = m.__Py_TrueStruct;
		this.false_ = m.__Py_FalseStruct;
		this.typeError = this.i32(m._PyExc_TypeError);
		this.enc = new TextEncoder();
	}

	/* Memory: the views are replaced when wasm memory grows, so they
	 * are fetched from the module each time. */
	i32(addr) { return this.m.HEAP32[addr >> 2]; }
	u32(addr) { return this.m.HEAPU32[addr >> 2]; }
	setI32(addr, v) { this.m.HEAP32[addr >> 2] = v; }
	cstr(addr) { return this.m.UTF8ToString(addr); }

	/* A malloc'd scratch area for C strings and out-parameters (C memory,
	 * not Python objects: the collector never sees it). */
	ensureScratch(n) {
		if (n <= this.scratchSize)
			return this.scratch;
		if (this.scratch)
			this.m._free(this.scratch);
		this.scratchSize = Math.max(n, 2 * this.scratchSize);
		this.scratch = this.m._malloc(this.scratchSize);
		if (!this.scratch)
			throw new OracleExit(5, "malloc failed");
		return this.scratch;
	}

	/* BYTES (a Uint8Array) at the scratch area, NUL-terminated, plus 16
	 * bytes after it for out-parameters.  Returns its address. */
	putBytes(bytes) {
		const p = this.ensureScratch(bytes.length + 32);
		this.m.HEAPU8.set(bytes, p);
		this.m.HEAPU8[p + bytes.length] = 0;
		return p;
	}

	putString(s) { return this.putBytes(this.enc.encode(s)); }

	checkLayout() {
		const u8 = this.m.HEAPU8, rt = this.runtime;
		const cookie = String.fromCharCode(...u8.subarray(rt, rt + 8));
		if (cookie !== "xdebugpy")
			throw skip(`_PyRuntime.debug_offsets has cookie '${cookie}', not 'xdebugpy'`);
		const dv = new DataView(u8.buffer);
		for (const [what, off, want] of DEBUG_OFFSETS) {
			const got = Number(dv.getBigUint64(rt + off, true));
			if (got !== want)
				throw skip(`this interpreter has ${what} = 0x${got.toString(16)} ` +
					`(${got}), the oracle reads ${want}: another build`);
		}
	}

	/* ---- the collector's state ---- */

	gen(i) { return this.gc + 16 + 16 * i; } /* 0 young, 1 old[0], 2 old[1], 3 permanent */
	get enabled() { return this.i32(this.gc + 8); }
	get youngCount() { return this.i32(this.gc + 28); }
	oldCount(i) { return this.i32(this.gc + 44 + 16 * i); }
	threshold(i) { return this.i32(this.gc + 24 + 16 * i); }
	setThreshold(i, v) { this.setI32(this.gc + 24 + 16 * i, v); }
	get heapSize() { return this.i32(this.gc + 128); }
	get workToDo() { return this.i32(this.gc + 132); }
	get visitedSpace() { return this.i32(this.gc + 136); }
	get phase() { return this.i32(this.gc + 140); }
	stat(gen, k) { return this.i32(this.gc + 80 + 12 * gen + 4 * k); }

	/* gc.get_count() order: young, then the visited and pending old
	 * spaces; gen_sizes use the same order (GEN_HEAD of 3.14). */
	listOfGen(g) {
		return g === 0 ? 0 : g === 1 ? 1 + this.visitedSpace : g === 2 ? 2 - this.visitedSpace : 3;
	}
	counts() {
		const v = this.visitedSpace;
		return [this.youngCount, this.oldCount(v), this.oldCount(v ^ 1)];
	}

	/* Objects of list L (0 young, 1 old[0], 2 old[1], 3 permanent), by
	 * address, in list order; or only how many when fn is not given. */
	walk(l, fn) {
		const h = this.m.HEAP32, head = this.gen(l);
		let n = 0;
		for (let g = h[head >> 2] & ~3; g !== head; g = h[g >> 2] & ~3) {
			if (fn)
				fn(g + 8);
			if (++n > 1e8 || g === 0)
				throw new OracleExit(5, `internal error: gc list ${l} is corrupt`);
		}
		return n;
	}

	/* ---- objects ---- */

	typeOf(op) { return this.i32(op + 4); }
	typeName(tp) { return this.cstr(this.i32(tp + TP_NAME)); }
	isGC(op) { return (this.u32(this.typeOf(op) + TP_FLAGS) & HAVE_GC) !== 0; }
	isTracked(op) { return this.isGC(op) && this.i32(op - 8) !== 0; }
	refcnt(op) { return this.u32(op); }
	isImmortal(op) { return this.u32(op) >= IMMORTAL_MIN; }
	tupleSlot(t, i) { return t + TUPLE_ITEMS + 4 * i; }
	listItems(l) {
		const n = this.i32(l + LIST_SIZE), items = this.i32(l + LIST_ITEMS);
		const out = [];
		for (let i = 0; i < n; i++)
			out.push(this.i32(items + 4 * i));
		return out;
	}
	/* An instance's materialized __dict__ (MANAGED_DICT_OFFSET -3 words). */
	instanceDict(op) { return this.i32(op - 12); }

	/* ---- free lists ---- */

	flFloat() { return this.i32(this.fl + 4); }
	flInt() { return this.i32(this.fl + 12); }
	flTuple(k) { return this.i32(this.fl + 16 + 8 * (k - 1) + 4); }
	flList() { return this.i32(this.fl + 176 + 4); }
	flDict() { return this.i32(this.fl + 200 + 4); }
	freelistsEmpty() {
		let dirty = this.flFloat() | this.flInt() | this.flList() | this.flDict();
		for (let k = 1; k <= N_TUPLE_FL; k++)
			dirty |= this.flTuple(k);
		return dirty === 0;
	}

	/* ---- calls ---- */

	/* A Python exception is pending: print it (allocating no longer
	 * matters) and give the status 5 failure. */
	pythonError(what) {
		if (this.m._PyErr_Occurred())
			this.m._PyErr_Print();
		return new OracleExit(5, `${what} raised`);
	}

	check(ptr, what) {
		if (!ptr)
			throw this.pythonError(what);
		return ptr;
	}

	/* The C function behind the gc module's function NAME, with its
	 * calling convention checked, as a JS callable. */
	gcFunction(gcmod, name, flags) {
		const m = this.m;
		const f = this.check(m._PyObject_GetAttrString(gcmod, this.putString(name)), `gc.${name}`);
		if (m._PyCFunction_GetFlags(f) !== flags)
			throw skip(`gc.${name} has calling convention 0x${m._PyCFunction_GetFlags(f).toString(16)}`);
		const fn = m.wasmTable.get(m._PyCFunction_GetFunction(f));
		const self = m._PyCFunction_GetSelf(f);
		m._Py_IncRef(self);
		m._Py_DecRef(f); /* the module keeps it alive */
		return { fn, self };
	}

	/*
	 * Start-up, before any event: define class C, fetch the gc functions,
	 * check the hash seed, run the free-list self-test, then hide the
	 * interpreter's own objects (untrack every tracked object) and zero
	 * the counts, statistics and heap_size, so that the collector's heap
	 * is the trace's objects only.  Python code runs here and never again.
	 */
	startUp() {
		const m = this.m;
		const main = this.check(m._PyImport_AddModule(this.putString("__main__")), "import __main__");
		const globals = m._PyModule_GetDict(main);
		/* Traces may hold ints of any size (oracle.c: int_max_str_digits 0).
		 * C is `object`'s class, D `delobj`'s, L `legacyobj`'s; their
		 * __del__ and __tp_del__ are replaced below by C-level methods. */
		const src = "class C:\n    pass\n" +
			"class D:\n    def __del__(self):\n        pass\n" +
			"class L:\n    def __tp_del__(self):\n        pass\n" +
			"import sys\nsys.set_int_max_str_digits(0)\n";
		const r = this.check(m._PyRun_String(this.putString(src), Py_file_input, globals, globals), "class C");
		m._Py_DecRef(r);
		const cls = (name) => {
			const c = this.check(m._PyDict_GetItemString(globals, this.putString(name)), `class ${name}`);
			m._Py_IncRef(c);
			return c;
		};
		this.cls = cls("C");
		this.delCls = cls("D");
		this.legacyCls = cls("L");
		this.makeFunctions();

		const gcmod = this.check(m._PyImport_ImportModule(this.putString("gc")), "import gc");
		this.collectFn = this.gcFunction(gcmod, "collect", METH_FASTCALL_KEYWORDS);
		this.freezeFn = this.gcFunction(gcmod, "freeze", METH_NOARGS);
		this.unfreezeFn = this.gcFunction(gcmod, "unfreeze", METH_NOARGS);
		m._Py_DecRef(gcmod);

		/* PYTHONHASHSEED=0 is what makes set orders reproducible. */
		const s = this.check(m._PyUnicode_FromString(this.putString("abc")), "str");
		const h = m._PyObject_Hash(s);
		m._Py_DecRef(s);
		if (h !== -1600925533)
			throw skip(`hash('abc') is ${h}, not -1600925533: the hash seed is not 0`);

		if (m._PyErr_CheckSignals() < 0)
			throw this.pythonError("PyErr_CheckSignals");
		this.collect(2);
		this.freelistSelfTest();
		this.hide();
	}

	/*
	 * The functions a trace gives bodies to (`on`), run without running
	 * Python code or allocating anything of their own:
	 *
	 * - D.__del__ and L.__tp_del__ are method descriptors (PyDescr_NewMethod)
	 *   around one C-level function, a JavaScript function in the wasm
	 *   table: slot_tp_finalize (and _testcapi's slot_tp_del) find them in
	 *   the type and call them with PyObject_CallOneArg, which for a method
	 *   descriptor is method_vectorcall_NOARGS: no bound method, no argument
	 *   tuple, no frame, no eval-breaker check.  L gets its tp_del from
	 *   _testcapi.with_tp_del, when the interpreter has it.
	 * - gcobj is a heap type of our own (PyType_FromSpec): a GC object
	 *   holding its references in `ref` order (kept here, by address),
	 *   weakly referenceable, callable through vectorcall (a weakref
	 *   callback is called with PyObject_CallOneArg: no argument tuple).
	 * - D's and L's tp_free report the real end of an instance: the
	 *   reference tracer's DESTROY comes before tp_dealloc, which may run
	 *   the finalizer and be resurrected.
	 * hooks.call(owner, arg) runs owner's body; hooks.free(op) is a death.
	 */
	makeFunctions() {
		const m = this.m;
		this.hooks = { call: () => {}, free: () => {} };
		const cstr = (s) => {
			const b = this.enc.encode(s);
			const p = m._malloc(b.length + 1);
			m.HEAPU8.set(b, p);
			m.HEAPU8[p + b.length] = 0;
			return p;
		};
		const none = () => {
			m._Py_IncRef(this.none);
			return this.none;
		};
		const meth = m.addFunction((self) => {
			this.hooks.call(self, self);
			return none();
		}, "iii");
		const setMethod = (cls, name) => {
			const def = m._malloc(16); /* PyMethodDef: name, meth, flags, doc */
			this.setI32(def, cstr(name));
			this.setI32(def + 4, meth);
			this.setI32(def + 8, METH_NOARGS);
			this.setI32(def + 12, 0);
			const d = this.check(m._PyDescr_NewMethod(cls, def), "PyDescr_NewMethod");
			if (m._PyObject_SetAttrString(cls, this.putString(name), d) < 0)
				throw this.pythonError(`setting ${name}`);
			m._Py_DecRef(d);
		};
		setMethod(this.delCls, "__del__");

		/* The legacy finalizer: only through _testcapi. */
		this.hasLegacy = false;
		const tc = m._PyImport_ImportModule(this.putString("_testcapi"));
		const wtd = tc ? m._PyObject_GetAttrString(tc, this.putString("with_tp_del")) : 0;
		if (wtd) {
			m._Py_DecRef(this.check(m._PyObject_CallOneArg(wtd, this.legacyCls), "with_tp_del"));
			m._Py_DecRef(wtd);
			setMethod(this.legacyCls, "__tp_del__");
			this.hasLegacy = true;
		} else {
			this.legacyMissing = tc ? "_testcapi has no with_tp_del" : "no _testcapi module";
		}
		if (tc)
			m._Py_DecRef(tc);
		m._PyErr_Clear();

		/* The slots this relies on, at the offsets it reads them. */
		const slot = (c, off) => this.i32(c + off);
		if (slot(this.cls, TP_FINALIZE) !== 0 || slot(this.delCls, TP_FINALIZE) === 0 ||
		    slot(this.cls, TP_DEL) !== 0 || (slot(this.legacyCls, TP_DEL) === 0) === this.hasLegacy ||
		    slot(this.cls, TP_FREE) === 0 || slot(this.delCls, TP_FREE) !== slot(this.cls, TP_FREE))
			throw skip("tp_finalize, tp_del or tp_free are not where this oracle reads them");
		const origFree = m.wasmTable.get(slot(this.cls, TP_FREE));
		const free = m.addFunction((op) => {
			this.hooks.free(op);
			origFree(op);
		}, "vi");
		this.setI32(this.delCls + TP_FREE, free);
		this.setI32(this.legacyCls + TP_FREE, free);

		this.makeGcobjType(cstr, none);
		/* `gc callback 1`'s callable: a gcobj of the oracle's own whose
		 * vectorcall only counts; made now, so hidden like the rest. */
		this.gcCallbackCalls = 0;
		this.gcCallback = this.newGcobj();
		this.check(this.gcCallback, "gc callback");
		this.setI32(this.gcCallback + GCOBJ_VECTORCALL, m.addFunction(() => {
			this.gcCallbackCalls++;
			return none();
		}, "iiiii"));
		this.clearName = this.check(m._PyUnicode_InternFromString(this.putString("clear")), "intern");
	}

	makeGcobjType(cstr, none) {
		const m = this.m;
		this.gcItems = new Map();
		const clear = (op) => {
			const items = this.gcItems.get(op);
			if (items && items.length) {
				this.gcItems.set(op, []);
				for (const v of items)
					m._Py_DecRef(v);
			}
			return 0;
		};
		const traverse = m.addFunction((op, visit, arg) => {
			const items = this.gcItems.get(op);
			if (!items || !items.length)
				return 0;
			const fn = m.wasmTable.get(visit);
			for (const v of items) {
				const r = fn(v, arg);
				if (r)
					return r;
			}
			return 0;
		}, "iiii");
		/* As a function's dealloc: untrack, clear the weakrefs (their
		 * callbacks run), drop the references in order, free. */
		const dealloc = m.addFunction((op) => {
			const tp = this.typeOf(op);
			m._PyObject_GC_UnTrack(op);
			m._PyObject_ClearWeakRefs(op);
			clear(op);
			this.gcItems.delete(op);
			m._PyObject_GC_Del(op);
			m._Py_DecRef(tp);
		}, "vi");
		this.gcobjCall = m.addFunction((callable, args, nargsf) => {
			const n = nargsf & 0x7fffffff;
			const arg = n > 0 ? this.i32(args) : 0;
			/* the frame of the Python function a gcobj stands for
			 * holds its argument while the body runs */
			if (arg)
				m._Py_IncRef(arg);
			this.hooks.call(callable, arg);
			if (arg)
				m._Py_DecRef(arg);
			return none();
		}, "iiiii");
		const members = m._malloc(40); /* __vectorcalloffset__, then the end */
		m.HEAPU8.fill(0, members, members + 40);
		this.setI32(members, cstr("__vectorcalloffset__"));
		this.setI32(members + 4, Py_T_PYSSIZET);
		this.setI32(members + 8, GCOBJ_VECTORCALL);
		this.setI32(members + 12, Py_READONLY);
		const slots = m._malloc(40);
		[[Py_tp_traverse, traverse], [Py_tp_clear, m.addFunction(clear, "ii")],
			[Py_tp_dealloc, dealloc], [Py_tp_members, members], [0, 0]].forEach(([id, p], i) => {
			this.setI32(slots + 8 * i, id);
			this.setI32(slots + 8 * i + 4, p);
		});
		const spec = m._malloc(20); /* PyType_Spec: name, basicsize, itemsize, flags, slots */
		this.setI32(spec, cstr("oracle.gcobj"));
		this.setI32(spec + 4, GCOBJ_SIZE);
		this.setI32(spec + 8, 0);
		this.setI32(spec + 12, Py_TPFLAGS_DEFAULT | HAVE_GC | Py_TPFLAGS_MANAGED_WEAKREF |
			Py_TPFLAGS_HAVE_VECTORCALL);
		this.setI32(spec + 16, slots);
		this.gcobjType = this.check(m._PyType_FromSpec(spec), "PyType_FromSpec(gcobj)");
	}

	/* A new gcobj: one GC allocation, tracked at once (PyType_GenericAlloc). */
	newGcobj() {
		const op = this.m._PyType_GenericAlloc(this.gcobjType, 0);
		if (op) {
			this.setI32(op + GCOBJ_VECTORCALL, this.gcobjCall);
			this.gcItems.set(op, []);
		}
		return op;
	}

	gcobjAppend(op, v) {
		this.m._Py_IncRef(v);
		this.gcItems.get(op).push(v);
	}

	/* Drop the first reference to v; false if there is none. */
	gcobjRemove(op, v) {
		const items = this.gcItems.get(op);
		const i = items.indexOf(v);
		if (i < 0)
			return false;
		items.splice(i, 1);
		this.m._Py_DecRef(v);
		return true;
	}

	/* ---- finalizers, weakrefs, gc.garbage ---- */

	isFinalized(op) { return this.isGC(op) && (this.i32(op - 4) & PREV_MASK_FINALIZED) !== 0; }
	referent(wr) { return this.i32(wr + WR_OBJECT); }
	get garbageLen() {
		const g = this.i32(this.gc + GC_GARBAGE);
		return g ? this.i32(g + LIST_SIZE) : 0;
	}
	setDebug(flags) { this.setI32(this.gc + GC_DEBUG, flags); }

	/* gc.callbacks.append(cb) / gc.callbacks.remove(cb), cb the oracle's
	 * callable; false if it was not there to remove. */
	setGcCallback(on) {
		const m = this.m, l = this.i32(this.gc + GC_CALLBACKS);
		if (on) {
			if (m._PyList_Append(l, this.gcCallback) < 0)
				throw this.pythonError("gc.callbacks.append");
			return true;
		}
		const i = this.listItems(l).indexOf(this.gcCallback);
		if (i < 0)
			return false;
		if (m._PySequence_DelItem(l, i) < 0)
			throw this.pythonError("gc.callbacks.remove");
		return true;
	}

	/* gc.garbage.clear(): list.clear through its method, as Python calls it. */
	clearGarbage() {
		const m = this.m;
		const g = this.i32(this.gc + GC_GARBAGE);
		const args = this.ensureScratch(16);
		this.setI32(args, g);
		/* nargsf 1 with PY_VECTORCALL_ARGUMENTS_OFFSET unset */
		m._Py_DecRef(this.check(m._PyObject_VectorcallMethod(this.clearName, args, 1, 0),
			"gc.garbage.clear"));
	}

	/* Free lists at the measured offsets: fill some, read them back, and
	 * see a full collection empty them. */
	freelistSelfTest() {
		const m = this.m;
		if (!this.freelistsEmpty())
			throw skip("free lists not empty after gc.collect(2): layout differs");
		const made = [];
		for (let i = 0; i < 5; i++) made.push(m._PyList_New(0));
		for (let i = 0; i < 6; i++) made.push(m._PyDict_New());
		for (let i = 0; i < 3; i++) made.push(m._PyTuple_New(3));
		for (let i = 0; i < 2; i++) made.push(m._PyTuple_New(20));
		for (let i = 0; i < 9; i++) made.push(m._PyFloat_FromDouble(0.5 + i));
		for (let i = 0; i < 4; i++) made.push(m._PyLong_FromLong(1000000 + i));
		for (const op of made)
			m._Py_DecRef(this.check(op, "free-list self-test"));
		const got = [this.flList(), this.flDict(), this.flTuple(3), this.flTuple(20),
			this.flFloat(), this.flInt()];
		if (got.join() !== "5,6,3,2,9,4")
			throw skip(`free-list self-test: list, dict, tuple:3, tuple:20, float, int ` +
				`free lists hold ${got.join(", ")}, expected 5, 6, 3, 2, 9, 4`);
		this.collect(2);
		if (!this.freelistsEmpty())
			throw skip("free-list self-test: gc.collect(2) left free lists non-empty");
	}

	/* --hide untrack: every tracked object leaves the collector's lists;
	 * then the collector's numbers start from zero. */
	hide() {
		const m = this.m;
		let hidden = 0;
		for (let l = 0; l < 4; l++) {
			const ops = [];
			this.walk(l, (op) => ops.push(op));
			for (const op of ops)
				m._PyObject_GC_UnTrack(op);
			hidden += ops.length;
		}
		this.hidden = hidden;
		for (let l = 0; l < 4; l++)
			if (this.walk(l) !== 0)
				throw new OracleExit(5, `internal error: gc list ${l} not empty after hiding`);
		if (this.phase !== 0 || this.workToDo !== 0)
			throw skip(`after gc.collect(2) phase is ${this.phase} and work_to_do ` +
				`${this.workToDo}, expected 0 (MARK) and 0`);
		/* All lists are empty, so which old space is called "visited" is
		 * only a name: start from CPython's initial 0. */
		this.setI32(this.gc + 136, 0);
		this.setI32(this.gc + 28, 0);
		this.setI32(this.gc + 44, 0);
		this.setI32(this.gc + 60, 0);
		this.setI32(this.gc + 76, 0);
		for (let g = 0; g < 3; g++)
			for (let k = 0; k < 3; k++)
				this.setI32(this.gc + 80 + 12 * g + 4 * k, 0);
		this.setI32(this.gc + 128, 0);
		if (!this.enabled)
			throw skip("the collector is disabled at start-up");
		if (!this.freelistsEmpty())
			throw skip("free lists not empty after hiding");
	}

	/* gc.collect(gen) through its C function (no frame, no argument
	 * tuple); the generation is a cached small int. */
	collect(gen) {
		const m = this.m;
		const arg = m._PyLong_FromLong(gen);
		const args = this.ensureScratch(16);
		this.setI32(args, arg);
		const res = this.collectFn.fn(this.collectFn.self, args, 1, 0);
		m._Py_DecRef(arg);
		m._Py_DecRef(this.check(res, "gc.collect"));
	}

	freeze() {
		this.m._Py_DecRef(this.check(this.freezeFn.fn(this.freezeFn.self, 0), "gc.freeze"));
	}

	unfreeze() {
		this.m._Py_DecRef(this.check(this.unfreezeFn.fn(this.unfreezeFn.self, 0), "gc.unfreeze"));
	}
}
