#!/usr/bin/env node
/*
 * oracle314.mjs - the differential oracle for CPython 3.14.2: oracle.c's
 * replay, run in Pyodide's CPython 3.14.2 (npm pyodide 314.0.7, wasm32)
 * from Node.
 *
 *   node oracle314.mjs [--gcsim PATH] [--snapshot FILE | --no-snapshot]
 *        [--python-label X] [--threshold T0[,T1[,T2]]] [--verbose]
 *        [--check-sizes] [--dump-gens] [--timing] [--xfail LINES] TRACE
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
 * The events come from `gcsim convert` (lib/events.mjs): gcsim is the only
 * reader of the trace language.  See tests/conformance/README.md.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { OracleExit, readEvents } from "./lib/events.mjs";
import { Interp, PYODIDE_VERSION, PY_VERSION, loadInterpreter } from "./lib/interp.mjs";
import { Replay, makeOutput, pythonMatches, skipMessage } from "./lib/replay.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_SNAPSHOT = path.join(HERE, "node_modules", ".cache", "oracle314",
	`pyodide-${PYODIDE_VERSION}.snapshot`);

const USAGE = `usage: oracle314.mjs [--gcsim PATH] [--snapshot FILE | --no-snapshot]
       [--python-label X] [--threshold T0[,T1[,T2]]] [--verbose] [--check-sizes]
       [--dump-gens] [--timing] [--xfail LINE[,LINE...]] TRACE
       oracle314.mjs --make-snapshot [--snapshot FILE]
Replay a gcsim trace in Pyodide's CPython ${PY_VERSION} (npm pyodide ${PYODIDE_VERSION})
and print its GC state after every step (JSON lines).

  --gcsim PATH       gcsim binary that reads the trace (default: $GCSIM, else gcsim)
  --snapshot FILE    memory snapshot to start from, made there on first use
                     (default: ${path.relative(process.cwd(), DEFAULT_SNAPSHOT) || DEFAULT_SNAPSHOT})
  --no-snapshot      load the interpreter afresh (slow: seconds)
  --make-snapshot    only load, check the interpreter and make the snapshot
  --timing           start-up and replay times on stderr
  --xfail LINES      the expect lines at these source lines are known not to
                     hold in ${PY_VERSION}: exit 0 only if exactly they fail
`;

function parseThreshold(s) {
	const parts = s.split(",");
	if (parts.length > 3 || !parts.every((p) => /^\d+$/.test(p) && Number(p) <= 0x7fffffff))
		return null;
	return parts.map(Number);
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
		throw new OracleExit(2, `${e.message}\n${USAGE}`);
	}
	const o = args.values;
	if (o.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	if (o.xfail !== undefined && !/^\d+(,\d+)*$/.test(o.xfail))
		throw new OracleExit(2, `bad --xfail '${o.xfail}'`);
	const xfail = o.xfail !== undefined ? new Set(o.xfail.split(",").map(Number)) : null;
	const threshold = o.threshold !== undefined ? parseThreshold(o.threshold) : null;
	if (o.threshold !== undefined && threshold === null)
		throw new OracleExit(2, `bad --threshold '${o.threshold}'`);
	if (o["make-snapshot"] ? args.positionals.length !== 0 : args.positionals.length !== 1)
		throw new OracleExit(2, USAGE.trimEnd());
	const log = (s) => process.stderr.write(`oracle314: ${s}\n`);
	const snapshot = o["no-snapshot"] ? null : o.snapshot ?? DEFAULT_SNAPSHOT;

	/* Read the trace first: an invalid one need not wait for Pyodide. */
	const trace = args.positionals[0];
	const events = o["make-snapshot"] ? [] : readEvents(o.gcsim ?? process.env.GCSIM ?? "gcsim", trace);

	/* A trace for another version is skipped before Pyodide loads. */
	const other = events.find((ev) => ev.op === "setting" && ev.python !== undefined &&
		!pythonMatches(ev.python));
	if (other)
		throw new OracleExit(77, skipMessage(trace, other));

	const t0 = performance.now();
	const { py, loadMs, fromSnapshot } = await loadInterpreter({ snapshot, log });
	const it = new Interp(py);
	const t1 = performance.now();
	it.startUp();
	const t2 = performance.now();
	if (o["make-snapshot"]) {
		log(`CPython ${PY_VERSION} (pyodide ${PYODIDE_VERSION}) ready: layout, hash seed and ` +
			`free-list self-test ok; ${it.hidden} interpreter objects hidden; ` +
			`load ${Math.round(loadMs)} ms (${fromSnapshot ? "from snapshot" : "fresh"}), ` +
			`start-up ${Math.round(t2 - t1)} ms`);
		return 0;
	}

	const output = makeOutput();
	const replay = new Replay(it, {
		threshold,
		verbose: !!o.verbose,
		checkSizes: !!o["check-sizes"],
		dumpGens: !!o["dump-gens"],
		label: o["python-label"],
		xfail,
		path: trace === "-" ? "<stdin>" : trace,
		out: output.out,
		flush: output.flush,
	});
	let status;
	try {
		status = replay.run(events);
	} finally {
		output.flush();
	}
	const t3 = performance.now();
	if (o.timing) {
		const secs = (t3 - t2) / 1000;
		log(`load ${Math.round(loadMs)} ms (${fromSnapshot ? "from snapshot" : "fresh"}), ` +
			`start-up ${Math.round(t2 - t1)} ms, total before replay ${Math.round(t2 - t0)} ms; ` +
			`${replay.step} steps in ${secs.toFixed(3)} s` +
			(secs > 0 ? ` (${Math.round(replay.step / secs)} steps/s)` : ""));
	}
	return status;
}

let status;
try {
	status = await main(process.argv.slice(2));
} catch (e) {
	if (!(e instanceof OracleExit)) {
		process.stderr.write(`oracle314: internal error: ${e && e.stack ? e.stack : e}\n`);
		status = 5;
	} else {
		const msg = e.message.replace(/^skip: /, "");
		process.stderr.write(`oracle314: ${e.status === 77 ? "skip" : "error"}: ${msg}\n`);
		status = e.status;
	}
}
process.exit(status);
