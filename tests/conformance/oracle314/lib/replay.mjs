/*
 * replay.mjs - the trace replayed in the real interpreter, step by step,
 * with the state printed after every step: a port of oracle.c's replay,
 * expect checks and output to Pyodide's CPython 3.14.2.
 *
 * The rule is oracle.c's: between two steps nothing but the event may
 * allocate a GC object, touch a free list, track or untrack, or collect.
 * So every event is a C API call made from JavaScript; the trace's root
 * references are held here (C roots: no frame or global holds them, so
 * 3.14's mark_at_start finds none of the trace's objects); the end of
 * each step is the safe point, PyErr_CheckSignals(), which runs a
 * collection scheduled during the step as the eval breaker would (not
 * while a trace tuple is being filled, as in oracle.c); deaths
 * come from a PyRefTracer (a JS function in the wasm table, called by
 * _Py_Dealloc); and the state is read from wasm memory.  The objects made
 * for the oracle's own use are ints (dict keys from 1000000) and interned
 * strs (attribute names a0, a1, ...; identifier-like literals, kept alive
 * as code objects keep them): the collector never sees them.
 */
import fs from "node:fs";
import { OracleExit } from "./events.mjs";
import { N_TUPLE_FL, PY_VERSION } from "./interp.mjs";

const PyRefTracer_DESTROY = 1;

/* Which `#: python` versions this interpreter answers for: 3.14.2 stands
 * for the 3.14.1-3.14.4 collector (SPEC.md section 2); "3.14" names the
 * 3.14.5+ profile and "3.14.0" another collector. */
export function pythonMatches(v) {
	return /^3\.14\.[1-4]$/.test(v);
}

export function skipMessage(path, ev) {
	return `${path}:${ev.line}: the trace is for python ${ev.python}, this ` +
		`interpreter is ${PY_VERSION} (it answers for 3.14.1-3.14.4)`;
}

/*
 * The ID table (idtab.c): a binding is alive while obj is set; an object
 * record exists while a live binding names it and is found by address.
 */
class IdTable {
	constructor() {
		this.byId = new Map();
		this.byPtr = new Map();
		this.freed = [];
	}

	bind(id, ptr, type, exact) {
		let o = this.byPtr.get(ptr);
		if (o === undefined) {
			o = { ptr, type, exact, roots: 0, tupleLen: 0, tupleFill: 0,
				nextAttr: 0, attrs: [], ids: [], actions: [] };
			this.byPtr.set(ptr, o);
		}
		let b = this.byId.get(id);
		if (b === undefined) {
			b = { id, obj: null, diedStep: 0, called: 0 };
			this.byId.set(id, b);
		}
		b.obj = o;
		b.diedStep = 0;
		b.called = 0; /* `expect called` counts from the binding */
		o.ids.push(b);
		return b;
	}

	died(ptr, step) {
		const o = this.byPtr.get(ptr);
		if (o === undefined)
			return false;
		this.byPtr.delete(ptr);
		for (const b of o.ids) {
			b.obj = null;
			b.diedStep = step;
			this.freed.push(b);
		}
		return true;
	}
}

const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/* The types whose instances are attribute holders (`ref` sets aN). */
const INSTANCE_TYPES = new Set(["object", "delobj", "legacyobj"]);
/* What weakref.ref accepts, and what has a function for `on`. */
const WEAKREFABLE = new Set(["object", "delobj", "legacyobj", "gcobj", "set"]);
const FUNCTION_OWNERS = { delobj: "__del__", legacyobj: "__tp_del__", gcobj: "callback" };
const DEBUG_SAVEALL = 32;

export class Replay {
	/* opts: threshold (array or null), verbose, checkSizes, dumpGens,
	 * label, path (for messages), xfail (a Set of source lines whose
	 * expect lines must fail, or null), out (takes text), err (takes
	 * a message line). */
	constructor(it, opts) {
		this.it = it;
		this.m = it.m;
		this.o = opts;
		this.tab = new IdTable();
		this.step = 0;
		this.names = [];
		this.literals = new Set();
		this.nextKey = 1000000;
		this.cmdlineThresholds = opts.threshold ? opts.threshold.length : 0;
		this.expectFailures = 0;
		this.failedLines = new Set();
		this.collectedLastStep = 0;
		this.uncollectableLastStep = 0;
		this.explicitSafepoints = false;
		this.actionError = null;
		this.stepLine = 0;
		this.oldSizes = null; /* cached lengths of old[0], old[1], permanent */
		/* trace tuples allocated and not yet filled: their alloc and fills
		 * are one piece of C code, with no safe point inside (oracle.c) */
		this.building = 0;
		this.out = opts.out;
		if (opts.threshold)
			opts.threshold.forEach((t, i) => it.setThreshold(i, t));
		this.installTracer();
	}

	installTracer() {
		const it = this.it;
		/* Instances of D and L may be resurrected by their finalizer, which
		 * tp_dealloc runs after the tracer's DESTROY: their death is their
		 * tp_free (it.hooks.free). */
		const resurrectable = new Set([it.delCls, it.legacyCls]);
		it.hooks.free = (op) => {
			this.oldSizes = null;
			this.tab.died(op, this.step);
		};
		it.hooks.call = (owner, arg) => this.callFunction(owner, arg);
		const tracer = (op, event) => {
			if (event === PyRefTracer_DESTROY && !resurrectable.has(it.typeOf(op))) {
				if (it.isGC(op))
					this.oldSizes = null;
				/* An unfilled tuple's death ends its construction. */
				const o = this.tab.byPtr.get(op);
				if (o !== undefined && o.type === "tuple" && o.tupleFill < o.tupleLen)
					this.building--;
				this.tab.died(op, this.step);
			}
			return 0;
		};
		this.tracerPtr = this.m.addFunction(tracer, "iiii");
		if (this.m._PyRefTracer_SetTracer(this.tracerPtr, 0) < 0)
			throw it.pythonError("PyRefTracer_SetTracer");
	}

	fail(status, ev, msg) {
		return new OracleExit(status, ev ? `${this.o.path}:${ev.line}: ${msg}` : msg);
	}

	live(ev, id) {
		const b = this.tab.byId.get(id);
		if (b === undefined)
			throw this.fail(3, ev, `'${id}' was never allocated`);
		if (b.obj === null)
			throw this.fail(3, ev, `'${id}' is dead (freed at step ${b.diedStep})`);
		return b.obj;
	}

	/* ---- state ---- */

	oldListSizes() {
		const it = this.it;
		if (this.oldSizes === null || this.o.checkSizes) {
			const n = [it.walk(1), it.walk(2), it.walk(3)];
			if (this.oldSizes !== null && n.join() !== this.oldSizes.join())
				throw new OracleExit(5, `internal error: old lists changed unseen ` +
					`(${n}, cached ${this.oldSizes})`);
			this.oldSizes = n;
		}
		return this.oldSizes;
	}

	/* The state keys of oracle.c, plus `inc`. */
	stateJSON() {
		const it = this.it;
		const old = this.oldListSizes();
		const lists = [it.walk(0), old[0], old[1], old[2]];
		const v = it.visitedSpace;
		const tuples = [];
		for (let k = 1; k <= N_TUPLE_FL; k++)
			tuples.push(it.flTuple(k));
		const stats = [0, 1, 2].map((g) => `[${it.stat(g, 0)},${it.stat(g, 1)},${it.stat(g, 2)}]`);
		return `"count":[${it.counts()}]` +
			`,"gen_sizes":[${lists[0]},${lists[1 + v]},${lists[2 - v]}]` +
			`,"freelist":{"list":${it.flList()},"dict":${it.flDict()},"float":${it.flFloat()},"tuple":[${tuples}]}` +
			`,"stats":[${stats}]` +
			`,"inc":{"young_count":${it.youngCount},"old_count":[${it.oldCount(0)},${it.oldCount(1)}]` +
			`,"old_size":[${old[0]},${old[1]}],"perm_size":${old[2]},"visited_space":${v}` +
			`,"phase":${it.phase},"work_to_do":${it.workToDo},"heap_size":${it.heapSize}` +
			`,"threshold":[${it.threshold(0)},${it.threshold(1)},${it.threshold(2)}]` +
			`,"enabled":${it.enabled ? "true" : "false"}}`;
	}

	/* Which collector list holds OP: 0..2 as gen_sizes count them, 3 the
	 * permanent generation, -1 untracked. */
	genOf(op) {
		const it = this.it;
		if (!it.isTracked(op))
			return -1;
		for (let g = 0; g <= 3; g++) {
			let found = false;
			it.walk(it.listOfGen(g), (p) => { found ||= p === op; });
			if (found)
				return g;
		}
		return -1;
	}

	verboseJSON(o) {
		const it = this.it, op = o.ptr;
		let s = "";
		if (it.isGC(op))
			s += `,"tracked":${it.isTracked(op)},"gen":${this.genOf(op)}`;
		if (INSTANCE_TYPES.has(o.type)) {
			const d = it.instanceDict(op);
			s += `,"inst":{"dict":${d !== 0}`;
			if (d !== 0)
				s += `,"dict_tracked":${it.isTracked(d)}`;
			s += "}";
		}
		return s;
	}

	gensJSON() {
		const it = this.it;
		const parts = [0, 1, 2].map((g) => {
			const names = [];
			it.walk(it.listOfGen(g), (op) => {
				const o = this.tab.byPtr.get(op);
				names.push(o && o.ids.length ? JSON.stringify(o.ids[0].id)
					: JSON.stringify("?" + it.typeName(it.typeOf(op))));
			});
			return `[${names}]`;
		});
		return `,"gens":[${parts}]`;
	}

	emitStep(ev, named, namedExact, vobj) {
		const freed = this.tab.freed.slice().sort(byId).map((b) => JSON.stringify(b.id));
		let s = `{"step":${this.step},"line":${ev.line},"op":"${ev.op}",` + this.stateJSON();
		s += `,"refcnt":${named && named.obj ? this.it.refcnt(named.obj.ptr) : "null"}`;
		s += `,"refcnt_exact":${namedExact ? "true" : "false"}`;
		s += `,"freed":[${freed}]`;
		if (this.o.verbose && vobj)
			s += this.verboseJSON(vobj);
		if (this.o.dumpGens)
			s += this.gensJSON();
		this.out(s + "}\n");
	}

	emitSummary() {
		const live = [...this.tab.byId.values()].filter((b) => b.obj && b.obj.exact).sort(byId)
			.map((b) => `${JSON.stringify(b.id)}:${this.it.refcnt(b.obj.ptr)}`);
		let s = `{"summary":{"steps":${this.step},"python":"${PY_VERSION}"`;
		if (this.o.label)
			s += `,"label":${JSON.stringify(this.o.label)}`;
		this.out(s + "," + this.stateJSON() + `,"live":{${live}}}}\n`);
	}

	/* ---- objects ---- */

	/* Interned attribute name aI, made once and kept. */
	attrName(i) {
		if (!this.names[i])
			this.names[i] = this.it.check(
				this.m._PyUnicode_InternFromString(this.it.putString("a" + i)), "intern");
		return this.names[i];
	}

	makeObject(ev) {
		const m = this.m, it = this.it, v = ev.value;
		let op = 0, exact = true;
		switch (ev.type) {
		case "int": {
			const digits = typeof v === "number" ? String(v) : v;
			op = m._PyLong_FromString(it.putString(digits), 0, 10);
			const n = BigInt(digits);
			exact = !(n >= -5n && n <= 256n);
			break;
		}
		case "float": {
			let f = v;
			if (typeof v === "string") {
				const s = v.trim().toLowerCase().replace(/^\+/, "");
				f = /^-?(inf|infinity)$/.test(s) ? (s[0] === "-" ? -Infinity : Infinity)
					: /^-?nan$/.test(s) ? NaN : Number(s);
			}
			op = m._PyFloat_FromDouble(f);
			break;
		}
		case "str": {
			exact = false;
			const bytes = it.enc.encode(v);
			const p = it.putBytes(bytes);
			op = m._PyUnicode_DecodeUTF8(p, bytes.length, 0);
			if (op && bytes.length > 1 && /^[A-Za-z0-9_]+$/.test(v)) {
				/* A literal in code: interned, and held by its code object. */
				const slot = p + bytes.length + 4 & ~3;
				it.setI32(slot, op);
				m._PyUnicode_InternInPlace(slot);
				op = it.i32(slot);
				if (!this.literals.has(op)) {
					m._Py_IncRef(op);
					this.literals.add(op);
				}
			}
			break;
		}
		case "bytes": {
			exact = false;
			const bytes = Uint8Array.from(v, (c) => c.charCodeAt(0));
			op = m._PyBytes_FromStringAndSize(it.putBytes(bytes), bytes.length);
			break;
		}
		case "bool":
			exact = false;
			op = v ? it.true_ : it.false_;
			m._Py_IncRef(op);
			break;
		case "none":
			exact = false;
			op = it.none;
			m._Py_IncRef(op);
			break;
		case "tuple": {
			const n = v ?? 0;
			exact = n > 0;
			op = m._PyTuple_New(n);
			break;
		}
		case "list":
			op = m._PyList_New(0);
			break;
		case "dict":
			op = m._PyDict_New();
			break;
		case "set":
			op = m._PySet_New(0);
			break;
		case "object":
			op = m._PyObject_CallNoArgs(it.cls);
			break;
		case "delobj":
			op = m._PyObject_CallNoArgs(it.delCls);
			break;
		case "legacyobj":
			if (!it.hasLegacy)
				throw new OracleExit(77, `${this.o.path}:${ev.line}: legacyobj needs ` +
					`_testcapi.with_tp_del, which this interpreter lacks (${it.legacyMissing})`);
			op = m._PyObject_CallNoArgs(it.legacyCls);
			break;
		case "gcobj":
			op = it.newGcobj();
			break;
		case "weakref":
			throw this.fail(3, ev, "use weakref ID TARGET [CALLBACK]");
		default:
			throw this.fail(3, ev, `unknown type '${ev.type}'`);
		}
		it.check(op, "alloc");
		if (it.isImmortal(op))
			exact = false;
		return { op, exact };
	}

	doAlloc(ev) {
		const b0 = this.tab.byId.get(ev.id);
		if (b0 && b0.obj)
			throw this.fail(3, ev, `'${ev.id}' is still alive`);
		const { op, exact } = this.makeObject(ev);
		const o0 = this.tab.byPtr.get(op);
		if (o0 && o0.type !== ev.type)
			throw this.fail(5, ev, `internal error: a live ${o0.type} reappeared as a ` +
				`new ${ev.type} (a deallocation was missed)`);
		const b = this.tab.bind(ev.id, op, ev.type, exact);
		const o = b.obj;
		o.roots++; /* the new reference is the root */
		if (ev.type === "tuple" && o.roots === 1) {
			o.tupleLen = ev.value ?? 0;
			if (o.tupleLen > 0)
				this.building++;
		}
		return b;
	}

	/* pack ID ITEM...: _PyTuple_FromArray, PyTuple_Pack's rule without
	 * its varargs (3.14.1+: tracked only if an item is of a GC type). */
	doPack(ev) {
		const m = this.m, it = this.it;
		const b0 = this.tab.byId.get(ev.id);
		if (b0 && b0.obj)
			throw this.fail(3, ev, `'${ev.id}' is still alive`);
		const ptrs = ev.items.map((id) => this.live(ev, id).ptr);
		const arr = it.ensureScratch(4 * ptrs.length);
		ptrs.forEach((p, i) => it.setI32(arr + 4 * i, p));
		const op = it.check(m.__PyTuple_FromArray(arr, ptrs.length), "_PyTuple_FromArray");
		const b = this.tab.bind(ev.id, op, "tuple", true);
		b.obj.roots++; /* the new reference is the root */
		b.obj.tupleLen = b.obj.tupleFill = ptrs.length;
		return b;
	}

	doRef(ev) {
		const src = this.live(ev, ev.src ?? ev.id);
		if (ev.src === undefined) { /* a root reference */
			this.m._Py_IncRef(src.ptr);
			src.roots++;
			return;
		}
		this.refObjects(ev, src, this.live(ev, ev.dst), ev.src, ev.dst);
	}

	/* SRC holds one more reference to DST (the event `ref`, or a
	 * function's `ref` action; name: SRC's word, for messages). */
	refObjects(ev, src, dst, name, dstName) {
		const m = this.m, it = this.it, s = src.ptr, d = dst.ptr;
		let rc = 0;
		/* The program holds both operands while it runs src.add(dst). */
		m._Py_IncRef(s);
		m._Py_IncRef(d);
		switch (src.type) {
		case "list":
			rc = m._PyList_Append(s, d);
			break;
		case "dict": {
			const key = it.check(m._PyLong_FromLong(this.nextKey++), "PyLong_FromLong");
			rc = m._PyDict_SetItem(s, key, d);
			m._Py_DecRef(key);
			break;
		}
		case "set":
			rc = m._PySet_Add(s, d);
			if (rc < 0 && m._PyErr_ExceptionMatches(it.typeError)) {
				m._PyErr_Clear();
				throw this.fail(3, ev, `unhashable set member '${dstName}'`);
			}
			break;
		case "object":
		case "delobj":
		case "legacyobj": {
			const idx = src.nextAttr++;
			rc = m._PyObject_SetAttr(s, this.attrName(idx), d);
			if (rc === 0)
				src.attrs.push({ index: idx, value: d });
			break;
		}
		case "gcobj":
			it.gcobjAppend(s, d);
			break;
		case "tuple":
			if (src.tupleFill >= src.tupleLen)
				throw this.fail(3, ev, `tuple '${name}' is already full (${src.tupleLen})`);
			m._Py_IncRef(d);
			it.setI32(it.tupleSlot(s, src.tupleFill++), d); /* PyTuple_SET_ITEM */
			if (src.tupleFill === src.tupleLen)
				this.building--;
			break;
		default:
			throw this.fail(3, ev, `ref from a non-container '${name}' (${src.type})`);
		}
		if (rc < 0)
			throw it.pythonError("ref");
		m._Py_DecRef(d);
		m._Py_DecRef(s);
	}

	doUnref(ev) {
		this.unrefObjects(ev, this.live(ev, ev.src), this.live(ev, ev.dst), ev.src, ev.dst);
	}

	/* SRC drops one reference to DST (the event or a function's action). */
	unrefObjects(ev, src, dst, srcName, dstName) {
		const m = this.m, it = this.it;
		const s = src.ptr, d = dst.ptr;
		let rc = 0, found = false;
		m._Py_IncRef(s);
		m._Py_IncRef(d);
		switch (src.type) {
		case "list": {
			const i = it.listItems(s).indexOf(d);
			if (i >= 0) {
				found = true;
				rc = m._PySequence_DelItem(s, i);
			}
			break;
		}
		case "dict": {
			const p = it.ensureScratch(16);
			it.setI32(p, 0);
			while (m._PyDict_Next(s, p, p + 4, p + 8)) {
				if (it.i32(p + 8) === d) {
					const k = it.i32(p + 4);
					found = true;
					m._Py_IncRef(k);
					rc = m._PyDict_DelItem(s, k);
					m._Py_DecRef(k);
					break;
				}
			}
			break;
		}
		case "set":
			rc = m._PySet_Discard(s, d);
			found = rc === 1;
			if (rc === 1)
				rc = 0;
			break;
		case "object":
		case "delobj":
		case "legacyobj": {
			const i = src.attrs.findIndex((a) => a.value === d);
			if (i >= 0) {
				found = true;
				const idx = src.attrs[i].index;
				src.attrs.splice(i, 1);
				rc = m._PyObject_SetAttr(s, this.attrName(idx), 0);
			}
			break;
		}
		case "gcobj":
			found = it.gcobjRemove(s, d);
			break;
		case "tuple":
			throw this.fail(3, ev, `unref on a tuple '${srcName}'`);
		default:
			throw this.fail(3, ev, `unref from a non-container '${srcName}' (${src.type})`);
		}
		if (rc < 0)
			throw it.pythonError("unref");
		if (!found)
			throw this.fail(3, ev, `'${srcName}' holds no reference to '${dstName}'`);
		/* Either may die here. */
		m._Py_DecRef(d);
		m._Py_DecRef(s);
	}

	/* weakref ID TARGET [CALLBACK]: ID = weakref.ref(TARGET[, CALLBACK]),
	 * PyWeakref_NewRef, which returns TARGET's callback-less weakref when
	 * it has one and no CALLBACK is given. */
	doWeakref(ev) {
		const m = this.m, it = this.it;
		const b0 = this.tab.byId.get(ev.id);
		if (b0 && b0.obj)
			throw this.fail(3, ev, `'${ev.id}' is still alive`);
		const t = this.live(ev, ev.target);
		const cb = ev.callback !== undefined ? this.live(ev, ev.callback) : null;
		if (!WEAKREFABLE.has(t.type))
			throw this.fail(3, ev, `cannot create weak reference to '${t.type}' object`);
		if (cb && cb.type !== "gcobj")
			throw this.fail(3, ev, `callback '${ev.callback}' is a ${cb.type}, not a gcobj`);
		/* The program holds both operands during the call. */
		m._Py_IncRef(t.ptr);
		if (cb)
			m._Py_IncRef(cb.ptr);
		const w = it.check(m._PyWeakref_NewRef(t.ptr, cb ? cb.ptr : 0), "weakref.ref");
		const b = this.tab.bind(ev.id, w, "weakref", true);
		b.obj.roots++; /* the new reference is the root */
		if (cb)
			m._Py_DecRef(cb.ptr);
		m._Py_DecRef(t.ptr);
		return b;
	}

	/* on ID ACTION ARGS...: one more action in the body of ID's function. */
	doOn(ev) {
		const o = this.live(ev, ev.id);
		if (!(o.type in FUNCTION_OWNERS))
			throw this.fail(3, ev, `'${ev.id}' is a ${o.type}: it has no function (on needs ` +
				"a delobj, legacyobj or gcobj)");
		o.actions.push({ action: ev.do, args: ev.args, line: ev.line });
	}

	/*
	 * it.hooks.call: OWNER's function runs (a finalizer from the
	 * interpreter, or a weakref callback), with `self` = ARG.  It counts
	 * a call for every name of OWNER, then runs OWNER's actions.  It runs
	 * inside the interpreter, so a failure cannot be thrown through it:
	 * the first one is kept, the rest of the body skipped, and the step
	 * fails when the interpreter returns.
	 */
	callFunction(owner, arg) {
		const o = this.tab.byPtr.get(owner);
		if (o === undefined) {
			this.actionError ??= new OracleExit(5, `internal error: a function ran for an ` +
				"object the trace did not make");
			return;
		}
		/* A finalizer run from a dealloc re-tracks its object into the
		 * young list, from whichever list it was in. */
		this.oldSizes = null;
		for (const b of o.ids)
			b.called++;
		if (this.actionError)
			return;
		for (const a of o.actions) {
			try {
				this.runAction(a, arg);
			} catch (e) {
				if (!(e instanceof OracleExit))
					throw e;
				this.actionError = e;
				return;
			}
		}
	}

	runAction(a, arg) {
		const ev = { line: this.stepLine, op: "on" };
		const where = ` (in the ${a.action} action of line ${a.line})`;
		const obj = (word) => {
			if (word !== "self")
				return this.live(ev, word);
			const o = this.tab.byPtr.get(arg);
			if (o === undefined)
				throw this.fail(5, ev, `internal error: 'self' is not a trace object${where}`);
			return o;
		};
		try {
			switch (a.action) {
			case "ref":
				this.refObjects(ev, obj(a.args[0]), obj(a.args[1]), a.args[0], a.args[1]);
				break;
			case "unref":
				this.unrefObjects(ev, obj(a.args[0]), obj(a.args[1]), a.args[0], a.args[1]);
				break;
			case "bind": {
				const b0 = this.tab.byId.get(a.args[0]);
				if (b0 && b0.obj)
					throw this.fail(3, ev, `'${a.args[0]}' is still alive`);
				const o = obj(a.args[1]);
				this.m._Py_IncRef(o.ptr);
				this.tab.bind(a.args[0], o.ptr, o.type, o.exact);
				o.roots++;
				break;
			}
			case "del": {
				const o = this.live(ev, a.args[0]);
				if (o.roots <= 0)
					throw this.fail(3, ev, `no root reference to '${a.args[0]}' is held`);
				o.roots--;
				this.m._Py_DecRef(o.ptr);
				break;
			}
			default:
				throw this.fail(3, ev, `unknown action '${a.action}'`);
			}
		} catch (e) {
			if (e instanceof OracleExit)
				e.message += where;
			throw e;
		}
	}

	doDel(ev) {
		const o = this.live(ev, ev.id);
		if (o.roots <= 0)
			throw this.fail(3, ev, `no root reference to '${ev.id}' is held`);
		o.roots--;
		this.m._Py_DecRef(o.ptr); /* may free it */
	}

	doGc(ev) {
		const it = this.it;
		switch (ev.action) {
		case "enable":
			this.m._PyGC_Enable();
			break;
		case "disable":
			this.m._PyGC_Disable();
			break;
		case "threshold":
			/* What gc.set_threshold stores: young, old[0], old[1]. */
			ev.values.slice(0, 3).forEach((t, i) => it.setThreshold(i, t));
			break;
		case "freeze":
			it.freeze();
			break;
		case "unfreeze":
			/* The permanent list holds only what the trace froze (the
			 * interpreter's objects are untracked, not frozen), so the
			 * real gc.unfreeze() is the right call. */
			it.unfreeze();
			break;
		case "saveall":
			/* gc.set_debug(gc.DEBUG_SAVEALL) / gc.set_debug(0): the
			 * field gc.set_debug stores */
			it.setDebug(ev.values[0] ? DEBUG_SAVEALL : 0);
			break;
		case "cleargarbage":
			it.clearGarbage();
			break;
		case "callback":
			/* gc.callbacks.append(cb) / .remove(cb); Python's remove of a
			 * callback not in the list raises ValueError */
			if (!it.setGcCallback(ev.values[0] !== 0))
				throw this.fail(3, ev, "gc callback 0: no callback is registered");
			break;
		case "safepoint":
			/* From the first one on, only these end at a safe point. */
			this.explicitSafepoints = true;
			break;
		default:
			throw this.fail(3, ev, `unknown gc action '${ev.action}'`);
		}
	}

	/* ---- expect lines ---- */

	expectFailed(ev, msg) {
		const known = this.o.xfail && this.o.xfail.has(ev.line);
		this.o.err(`${this.o.path}:${ev.line}: expect failed` +
			`${known ? " (known in 3.14.2)" : ""}: ${msg}`);
		this.failedLines.add(ev.line);
		this.expectFailures++;
	}

	/* The exit status for the expect lines: 1 if any failed, except
	 * that with --xfail exactly the listed lines must fail. */
	expectStatus() {
		if (!this.o.xfail)
			return this.expectFailures ? 1 : 0;
		let bad = 0;
		for (const line of [...this.failedLines].sort((a, b) => a - b))
			if (!this.o.xfail.has(line))
				bad++;
		for (const line of [...this.o.xfail].sort((a, b) => a - b))
			if (!this.failedLines.has(line)) {
				this.o.err(`${this.o.path}:${line}: expected to fail (--xfail), ` +
					"but held or is not an expect line");
				bad++;
			}
		return bad ? 1 : 0;
	}

	notLive(id) {
		const b = this.tab.byId.get(id);
		return b === undefined ? `'${id}' never allocated` : `'${id}' freed at step ${b.diedStep}`;
	}

	liveOrNull(id) {
		const b = this.tab.byId.get(id);
		return b && b.obj ? b.obj.ptr : 0;
	}

	/* The live weakref ID for an expect line, or null (failed). */
	weakrefOf(ev, id) {
		const b = this.tab.byId.get(id);
		if (!b || !b.obj) {
			this.expectFailed(ev, `expected ${ev.kind} ${id}, found ${this.notLive(id)}`);
			return null;
		}
		if (b.obj.type !== "weakref")
			throw this.fail(3, ev, `'${id}' is a ${b.obj.type}, not a weakref`);
		return b.obj;
	}

	nameOf(op) {
		const o = this.tab.byPtr.get(op);
		return o && o.ids.length ? `'${o.ids[0].id}'` : "an object the trace did not name";
	}

	checkExpect(ev) {
		const it = this.it;
		const k = ev.kind, id = ev.id ?? (ev.ids ? ev.ids[0] : undefined);
		const op = id !== undefined ? this.liveOrNull(id) : 0;
		const gname = ["0", "1", "2", "permanent"];
		switch (k) {
		case "refcnt":
			if (!op)
				this.expectFailed(ev, `expected refcnt ${id} ${ev.value}, found ${this.notLive(id)}`);
			else if (it.refcnt(op) !== ev.value)
				this.expectFailed(ev, `expected refcnt ${id} ${ev.value}, found ${it.refcnt(op)}`);
			break;
		case "alive":
			if (!op)
				this.expectFailed(ev, `expected alive ${id}, found ${this.notLive(id)}`);
			break;
		case "freed": {
			const b = this.tab.byId.get(id);
			if (b === undefined)
				this.expectFailed(ev, `expected freed ${id}, found never allocated`);
			else if (b.obj)
				this.expectFailed(ev, `expected freed ${id}, found alive (refcnt ${it.refcnt(b.obj.ptr)})`);
			break;
		}
		case "tracked":
		case "untracked":
		case "finalized":
		case "unfinalized": {
			const flag = k.replace(/^un/, ""), want = k === flag;
			if (!op)
				this.expectFailed(ev, `expected ${k} ${id}, found ${this.notLive(id)}`);
			else if ((flag === "tracked" ? it.isTracked(op) : it.isFinalized(op)) !== want)
				this.expectFailed(ev, `expected ${k} ${id}, found ${want ? "un" + flag : flag}`);
			break;
		}
		case "gen": {
			if (!op) {
				this.expectFailed(ev, `expected gen ${id} ${ev.value}, found ${this.notLive(id)}`);
				break;
			}
			const g = this.genOf(op);
			if (g !== ev.value)
				this.expectFailed(ev, `expected gen ${id} ${ev.value}, found ${g < 0 ? "untracked" : gname[g]}`);
			break;
		}
		case "same": {
			const [a, b] = ev.ids;
			const pa = this.liveOrNull(a), pb = this.liveOrNull(b);
			if (!pa)
				this.expectFailed(ev, `expected same ${a} ${b}, found ${this.notLive(a)}`);
			else if (!pb)
				this.expectFailed(ev, `expected same ${a} ${b}, found ${this.notLive(b)}`);
			else if (pa !== pb)
				this.expectFailed(ev, `expected same ${a} ${b}, found different objects`);
			break;
		}
		case "count":
		case "collections": {
			const got = k === "count" ? it.counts() : [0, 1, 2].map((g) => it.stat(g, 0));
			const want = ev.values.slice(0, 3);
			if (want.some((w, i) => w !== got[i]))
				this.expectFailed(ev, `expected ${k} ${want.join(" ")}, found ${got.join(" ")}`);
			break;
		}
		case "collected":
			if (this.collectedLastStep !== ev.value)
				this.expectFailed(ev, `expected collected ${ev.value}, found ${this.collectedLastStep}`);
			break;
		case "uncollectable":
			if (this.uncollectableLastStep !== ev.value)
				this.expectFailed(ev, `expected uncollectable ${ev.value}, found ${this.uncollectableLastStep}`);
			break;
		case "cleared":
		case "referent": {
			const w = this.weakrefOf(ev, id);
			if (w === null)
				break;
			const r = it.referent(w.ptr);
			if (k === "cleared") {
				if (r !== it.none)
					this.expectFailed(ev, `expected cleared ${id}, found it refers to ${this.nameOf(r)}`);
				break;
			}
			const x = ev.ids[1], px = this.liveOrNull(x);
			if (!px)
				this.expectFailed(ev, `expected referent ${id} ${x}, found ${this.notLive(x)}`);
			else if (r !== px)
				this.expectFailed(ev, `expected referent ${id} ${x}, found ` +
					(r === it.none ? "cleared" : `it refers to ${this.nameOf(r)}`));
			break;
		}
		case "called": {
			const b = this.tab.byId.get(id);
			if (b === undefined)
				this.expectFailed(ev, `expected called ${id} ${ev.value}, found never allocated`);
			else if (b.called !== ev.value)
				this.expectFailed(ev, `expected called ${id} ${ev.value}, found ${b.called}`);
			break;
		}
		case "garbage":
			if (it.garbageLen !== ev.value)
				this.expectFailed(ev, `expected garbage ${ev.value}, found ${it.garbageLen}`);
			break;
		case "frozen": {
			const n = this.oldListSizes()[2];
			if (n !== ev.value)
				this.expectFailed(ev, `expected frozen ${ev.value}, found ${n}`);
			break;
		}
		case "stats": {
			const [g, c, u] = ev.values;
			if (g < 0 || g > 2)
				throw this.fail(3, ev, `no generation ${g}`);
			const got = [it.stat(g, 1), it.stat(g, 2)];
			if (got[0] !== c || got[1] !== u)
				this.expectFailed(ev, `expected stats ${g} ${c} ${u}, found ${g} ${got.join(" ")}`);
			break;
		}
		case "freelist": {
			const t = ev.type;
			let got;
			if (t === "list")
				got = it.flList();
			else if (t === "dict")
				got = it.flDict();
			else if (t === "float")
				got = it.flFloat();
			else {
				const mt = /^tuple:(\d+)$/.exec(t);
				const size = mt ? Number(mt[1]) : 0;
				if (size < 1 || size > N_TUPLE_FL)
					throw this.fail(3, ev, `no free list for ${t}`);
				got = it.flTuple(size);
			}
			if (got !== ev.value)
				this.expectFailed(ev, `expected freelist ${t} ${ev.value}, found ${got}`);
			break;
		}
		default:
			throw this.fail(3, ev, `unknown expect kind '${k}'`);
		}
	}

	/* ---- settings and steps ---- */

	applySetting(ev) {
		if (ev.python !== undefined) {
			if (!pythonMatches(ev.python))
				throw new OracleExit(77, skipMessage(this.o.path, ev));
		} else if (ev.threshold !== undefined) {
			ev.threshold.slice(0, 3).forEach((t, i) => {
				if (i >= this.cmdlineThresholds)
					this.it.setThreshold(i, t);
			});
		}
	}

	collectionsTotal() {
		const it = this.it;
		return it.stat(0, 0) + it.stat(1, 0) + it.stat(2, 0);
	}

	collectedTotal() {
		const it = this.it;
		return it.stat(0, 1) + it.stat(1, 1) + it.stat(2, 1);
	}

	uncollectableTotal() {
		const it = this.it;
		return it.stat(0, 2) + it.stat(1, 2) + it.stat(2, 2);
	}

	/* Anything a collection (even a MARK-only one) changes. */
	collectorMark() {
		const it = this.it;
		return `${this.collectionsTotal()},${it.phase},${it.visitedSpace},${it.workToDo}`;
	}

	replayStep(ev) {
		const it = this.it, m = this.m;
		const collectedBefore = this.collectedTotal();
		const uncollectableBefore = this.uncollectableTotal();
		const markBefore = this.collectorMark();
		let named = null, namedExact = false, vobj = null;

		this.step++;
		this.stepLine = ev.line;
		this.actionError = null;
		this.tab.freed.length = 0;
		if (ev.op === "ref" || ev.op === "unref" || ev.op === "del") {
			const which = ev.dst ?? ev.id ?? ev.src;
			const o = this.live(ev, which);
			named = this.tab.byId.get(which);
			namedExact = o.exact;
		}
		switch (ev.op) {
		case "alloc":
			named = this.doAlloc(ev);
			namedExact = named.obj.exact;
			break;
		case "pack":
			named = this.doPack(ev);
			namedExact = true;
			break;
		case "ref":
			this.doRef(ev);
			break;
		case "unref":
			if (ev.dst === undefined)
				this.doDel(ev);
			else
				this.doUnref(ev);
			break;
		case "del":
			this.doDel(ev);
			break;
		case "collect":
			it.collect(ev.gen ?? 2);
			break;
		case "gc":
			this.doGc(ev);
			break;
		case "weakref":
			named = this.doWeakref(ev);
			namedExact = true;
			break;
		case "on":
			this.doOn(ev);
			break;
		default:
			throw this.fail(3, ev, `event '${ev.op}' is not a step`);
		}
		if (this.actionError)
			throw this.actionError;
		/* The safe point: a collection scheduled in the step runs now,
		 * unless a trace tuple is being filled.  Every step ends at one
		 * until the trace's first `gc safepoint`; from then on only those
		 * (the events between them are C code, as in oracle.c). */
		const safe = this.building === 0 &&
			(!this.explicitSafepoints || (ev.op === "gc" && ev.action === "safepoint"));
		if (safe && m._PyErr_CheckSignals() < 0)
			throw it.pythonError("PyErr_CheckSignals");
		if (this.actionError)
			throw this.actionError;
		if (m._PyErr_Occurred())
			throw it.pythonError(ev.op);

		this.collectedLastStep = this.collectedTotal() - collectedBefore;
		this.uncollectableLastStep = this.uncollectableTotal() - uncollectableBefore;
		if (this.collectorMark() !== markBefore || ev.op === "gc")
			this.oldSizes = null;
		if (this.o.verbose) {
			if (ev.op === "ref" || ev.op === "unref") {
				const sb = ev.src !== undefined ? this.tab.byId.get(ev.src) : null;
				if (sb && sb.obj && INSTANCE_TYPES.has(sb.obj.type))
					vobj = sb.obj;
			}
			if (vobj === null && named !== null)
				vobj = named.obj;
		}
		this.emitStep(ev, named, namedExact, vobj);
	}

	/* The whole trace; returns the exit status (0, or 1 if an expect
	 * line failed).  Failures throw OracleExit. */
	run(events) {
		for (const ev of events) {
			if (ev.op === "setting")
				this.applySetting(ev);
			else if (ev.op === "expect")
				this.checkExpect(ev);
			else
				this.replayStep(ev);
		}
		this.emitSummary();
		return this.expectStatus();
	}
}

/* Buffered standard output, written synchronously (so that an exit never
 * loses lines and stderr messages come after the steps before them). */
export function makeOutput() {
	let buf = [];
	let size = 0;
	const flush = () => {
		if (buf.length) {
			fs.writeSync(1, buf.join(""));
			buf = [];
			size = 0;
		}
	};
	const out = (s) => {
		buf.push(s);
		size += s.length;
		if (size > 1 << 16)
			flush();
	};
	return { out, flush };
}
