#!/usr/bin/env node
/*
 * oracle314.mjs - the differential oracle for CPython 3.14.2: oracle.c's
 * replay, run in Pyodide's CPython 3.14.2 (npm pyodide 314.0.7, wasm32)
 * from Node.
 *
 *   node oracle314.mjs [--gcsim PATH] [--snapshot FILE | --no-snapshot]
 *        [--python-label X] [--threshold T0[,T1[,T2]]] [--verbose]
 *        [--check-sizes] [--dump-gens] [--timing] [--xfail LINES] TRACE
 *   node oracle314.mjs --check [--gcsim PATH] [--snapshot FILE]
 *        [--xfail-file FILE] TRACE|DIR...
 *   node oracle314.mjs --record DIR [--gcsim PATH] [--snapshot FILE] TRACE|DIR...
 *   node oracle314.mjs --make-snapshot [--snapshot FILE]
 *
 * Output: oracle.c's JSON lines (count, gen_sizes, freelist, stats,
 * refcnt, refcnt_exact, freed; summary with live), plus `inc`, the
 * incremental collector's own state.  Exit status as oracle.c: 0, 1 an
 * expect line failed, 2 usage, 3 invalid trace or an event the
 * interpreter rejects, 4 I/O, 5 the interpreter raised (or an internal
 * error), 77 skip: a `#: python` line for another version, or no usable
 * instrument (the package is missing, or the interpreter is not the build
 * whose layout this oracle reads).
 *
 * --check runs many traces in one process, each in a fresh interpreter
 * from the snapshot, checks only their expect lines (with the known
 * failures of xfail.txt) and prints one result per trace, as
 * `gcsim check` does.  --record runs many traces in one process too and
 * writes each one's output to DIR/NAME.jsonl, its exit status and error
 * messages to DIR/NAME.rc (NAME: the trace's absolute path, each / a %),
 * for compare.py --recorded DIR.
 *
 * The events come from `gcsim convert` (lib/events.mjs): gcsim is the only
 * reader of the trace language.  See tests/conformance/README.md.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { OracleExit, readEvents } from "./lib/events.mjs";
import { Interp, PYODIDE_VERSION, PY_VERSION, prepareInterpreter } from "./lib/interp.mjs";
import { Replay, makeOutput, pythonMatches, skipMessage } from "./lib/replay.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..", "..");
const DEFAULT_SNAPSHOT = path.join(HERE, "node_modules", ".cache", "oracle314",
	`pyodide-${PYODIDE_VERSION}.snapshot`);
const DEFAULT_XFAIL = path.join(HERE, "xfail.txt");
const TRACE_EXTS = [".trace", ".json", ".jsonl"];

const USAGE = `usage: oracle314.mjs [--gcsim PATH] [--snapshot FILE | --no-snapshot]
       [--python-label X] [--threshold T0[,T1[,T2]]] [--verbose] [--check-sizes]
       [--dump-gens] [--timing] [--xfail LINE[,LINE...]] TRACE
       oracle314.mjs --check [--gcsim PATH] [--snapshot FILE] [--xfail-file FILE]
       TRACE|DIR...
       oracle314.mjs --record DIR [--gcsim PATH] [--snapshot FILE] TRACE|DIR...
       oracle314.mjs --make-snapshot [--snapshot FILE]
Replay a gcsim trace in Pyodide's CPython ${PY_VERSION} (npm pyodide ${PYODIDE_VERSION})
and print its GC state after every step (JSON lines).

  --gcsim PATH       gcsim binary that reads the trace (default: $GCSIM, else gcsim)
  --snapshot FILE    memory snapshot to start from, made there on first use
                     (default: node_modules/.cache/oracle314/ next to this script)
  --no-snapshot      load the interpreter afresh (slow: seconds)
  --timing           start-up and replay times on stderr
  --xfail LINES      the expect lines at these source lines are known not to
                     hold in ${PY_VERSION}: exit 0 only if exactly they fail
  --check            check the expect lines of many traces in one process
  --xfail-file FILE  known failures for --check (default: xfail.txt here)
  --record DIR       replay many traces in one process, each one's output to
                     DIR/NAME.jsonl and its exit status (and messages) to DIR/NAME.rc
  --make-snapshot    only load, check the interpreter and make the snapshot
`;

const log = (s) => process.stderr.write(`oracle314: ${s}\n`);

function parseThreshold(s) {
	const parts = s.split(",");
	if (parts.length > 3 || !parts.every((p) => /^\d+$/.test(p) && Number(p) <= 0x7fffffff))
		return null;
	return parts.map(Number);
}

function parseLines(s) {
	if (!/^\d+(,\d+)*$/.test(s))
		return null;
	return new Set(s.split(",").map(Number));
}

/* A trace for another version is skipped before Pyodide loads. */
function checkPinned(trace, events) {
	const other = events.find((ev) => ev.op === "setting" && ev.python !== undefined &&
		!pythonMatches(ev.python));
	if (other)
		throw new OracleExit(77, skipMessage(trace, other));
}

/* One trace in a fresh interpreter; returns the exit status. */
async function runTrace(prep, events, opts) {
	const t0 = performance.now();
	const py = await prep.load();
	const it = new Interp(py);
	const t1 = performance.now();
	it.startUp();
	const t2 = performance.now();
	const replay = new Replay(it, opts);
	const status = replay.run(events);
	const t3 = performance.now();
	if (opts.timing) {
		const secs = (t3 - t2) / 1000;
		log(`load ${Math.round(t1 - t0)} ms (${prep.fromSnapshot ? "from snapshot" : "fresh"}), ` +
			`start-up ${Math.round(t2 - t1)} ms (${it.hidden} objects hidden); ` +
			`${replay.step} steps in ${secs.toFixed(3)} s` +
			(secs > 0 ? ` (${Math.round(replay.step / secs)} steps/s)` : ""));
	}
	return status;
}

/* Known failures: "TRACE LINES reason" lines, TRACE from the repository
 * root; a map from absolute path to a Set of lines. */
function readXfail(file) {
	const map = new Map();
	for (const line of fs.readFileSync(file, "utf8").split("\n")) {
		const m = /^([^#\s]\S*)\s+(\d+(?:,\d+)*)/.exec(line);
		if (m)
			map.set(path.resolve(ROOT, m[1]), parseLines(m[2]));
	}
	return map;
}

function collectTraces(paths) {
	const out = [];
	for (const p of paths) {
		if (fs.existsSync(p) && fs.statSync(p).isDirectory())
			out.push(...fs.readdirSync(p).sort()
				.filter((n) => TRACE_EXTS.some((e) => n.endsWith(e)))
				.map((n) => path.join(p, n)));
		else
			out.push(p);
	}
	return out;
}

/* --check: every trace's expect lines, one line of result each. */
async function check(o, traces) {
	if (traces.length === 0)
		throw new OracleExit(2, "no traces found");
	const xfail = readXfail(o["xfail-file"] ?? DEFAULT_XFAIL);
	const gcsim = o.gcsim ?? process.env.GCSIM ?? "gcsim";
	const prep = await prepareInterpreter({ snapshot: o.snapshot ?? DEFAULT_SNAPSHOT, log });
	const n = { pass: 0, fail: 0, skip: 0 };
	const t0 = performance.now();
	for (const trace of traces) {
		const msgs = [];
		let verdict;
		try {
			const events = readEvents(gcsim, trace);
			checkPinned(trace, events);
			const status = await runTrace(prep, events, {
				path: trace, xfail: xfail.get(path.resolve(trace)) ?? null,
				out: () => {}, err: (m) => msgs.push(m), timing: !!o.timing,
			});
			verdict = status === 0 ? "pass" : "fail";
		} catch (e) {
			if (!(e instanceof OracleExit))
				throw e;
			verdict = e.status === 77 ? "skip" : "fail";
			msgs.push(e.message);
		}
		n[verdict]++;
		process.stdout.write(`${trace}: ${{ pass: "ok", fail: "FAILED", skip: "skipped" }[verdict]}\n`);
		for (const m of verdict === "pass" ? [] : msgs)
			process.stdout.write(`  ${m}\n`);
	}
	process.stdout.write(`${n.pass} passed, ${n.fail} failed${n.skip ? `, ${n.skip} skipped` : ""}\n`);
	if (o.timing)
		log(`${traces.length} traces in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	return n.fail ? 1 : 0;
}

/* --record: every trace's output and exit status, for compare.py. */
async function record(o, traces) {
	if (traces.length === 0)
		throw new OracleExit(2, "no traces found");
	const dir = o.record;
	fs.mkdirSync(dir, { recursive: true });
	const gcsim = o.gcsim ?? process.env.GCSIM ?? "gcsim";
	const prep = await prepareInterpreter({ snapshot: o.snapshot ?? DEFAULT_SNAPSHOT, log });
	for (const trace of traces) {
		/* the absolute path, flattened: compare.py finds it the same way */
		const name = path.resolve(trace).replaceAll("/", "%");
		const lines = [], msgs = [];
		let status;
		try {
			const events = readEvents(gcsim, trace);
			checkPinned(trace, events);
			status = await runTrace(prep, events, {
				path: trace, xfail: null, out: (s) => lines.push(s),
				err: (m) => msgs.push(m), timing: false,
			});
		} catch (e) {
			if (e instanceof RangeError && /call stack/.test(e.message)) {
				status = 5;
				msgs.push("the JavaScript stack overflowed");
			} else if (!(e instanceof OracleExit)) {
				throw e;
			} else {
				status = e.status;
				msgs.push(e.message);
			}
		}
		fs.writeFileSync(path.join(dir, name + ".jsonl"), lines.join(""));
		fs.writeFileSync(path.join(dir, name + ".rc"), [String(status), ...msgs].join("\n") + "\n");
		process.stdout.write(`${trace}: ${status}\n`);
	}
	return 0;
}

async function main(argv) {
	let args;
	try {
		args = parseArgs({
			args: argv,
			allowPositionals: true,
			options: {
				gcsim: { type: "string" },
				snapshot: { type: "string" },
				"no-snapshot": { type: "boolean" },
				"make-snapshot": { type: "boolean" },
				check: { type: "boolean" },
				record: { type: "string" },
				"xfail-file": { type: "string" },
				"python-label": { type: "string" },
				threshold: { type: "string" },
				verbose: { type: "boolean" },
				"check-sizes": { type: "boolean" },
				"dump-gens": { type: "boolean" },
				timing: { type: "boolean" },
				xfail: { type: "string" },
				help: { type: "boolean", short: "h" },
			},
		});
	} catch (e) {
		throw new OracleExit(2, `${e.message}\n${USAGE.trimEnd()}`);
	}
	const o = args.values, pos = args.positionals;
	if (o.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	if (o.check)
		return check(o, collectTraces(pos));
	if (o.record !== undefined)
		return record(o, collectTraces(pos));
	const snapshot = o["no-snapshot"] ? null : o.snapshot ?? DEFAULT_SNAPSHOT;
	if (o["make-snapshot"]) {
		if (pos.length !== 0)
			throw new OracleExit(2, USAGE.trimEnd());
		const t0 = performance.now();
		const prep = await prepareInterpreter({ snapshot, log });
		const t1 = performance.now();
		const it = new Interp(await prep.load());
		const t2 = performance.now();
		it.startUp();
		log(`CPython ${PY_VERSION} (pyodide ${PYODIDE_VERSION}) ready: layout, hash seed and ` +
			`free-list self-test ok, ${it.hidden} interpreter objects hidden; snapshot ` +
			`${Math.round(t1 - t0)} ms, load ${Math.round(t2 - t1)} ms, ` +
			`start-up ${Math.round(performance.now() - t2)} ms`);
		return 0;
	}
	if (pos.length !== 1)
		throw new OracleExit(2, USAGE.trimEnd());
	const threshold = o.threshold !== undefined ? parseThreshold(o.threshold) : null;
	if (o.threshold !== undefined && threshold === null)
		throw new OracleExit(2, `bad --threshold '${o.threshold}'`);
	const xfail = o.xfail !== undefined ? parseLines(o.xfail) : null;
	if (o.xfail !== undefined && xfail === null)
		throw new OracleExit(2, `bad --xfail '${o.xfail}'`);

	/* Read the trace first: an invalid one need not wait for Pyodide. */
	const trace = pos[0];
	const events = readEvents(o.gcsim ?? process.env.GCSIM ?? "gcsim", trace);
	checkPinned(trace, events);
	const prep = await prepareInterpreter({ snapshot, log });
	const output = makeOutput();
	try {
		return await runTrace(prep, events, {
			threshold,
			verbose: !!o.verbose,
			checkSizes: !!o["check-sizes"],
			dumpGens: !!o["dump-gens"],
			label: o["python-label"],
			path: trace === "-" ? "<stdin>" : trace,
			xfail,
			timing: !!o.timing,
			out: output.out,
			err: (m) => {
				output.flush();
				process.stderr.write(m + "\n");
			},
		});
	} finally {
		output.flush();
	}
}

let status;
try {
	status = await main(process.argv.slice(2));
} catch (e) {
	if (e instanceof RangeError && /call stack/.test(e.message)) {
		/* Deep cascades recurse in wasm on the JavaScript stack. */
		process.stderr.write("oracle314: error: the JavaScript stack overflowed: a structure " +
			"nested more than about 5,000 deep (Pyodide's limit; keep traces below 3,000)\n");
		status = 5;
	} else if (!(e instanceof OracleExit)) {
		process.stderr.write(`oracle314: internal error: ${e && e.stack ? e.stack : e}\n`);
		status = 5;
	} else {
		const msg = e.message.replace(/^skip: /, "");
		process.stderr.write(`oracle314: ${e.status === 77 ? "skip" : "error"}: ${msg}\n`);
		status = e.status;
	}
}
process.exit(status);
