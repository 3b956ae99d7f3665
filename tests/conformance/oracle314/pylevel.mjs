#!/usr/bin/env node
/*
 * pylevel.mjs - runs pylevel.py in Pyodide's CPython 3.14.2 and reports
 * the rules it finds broken: a Python-level cross-check of the facts the
 * traces in traces314/ assert through the oracle.
 *
 *   node pylevel.mjs [--snapshot FILE]
 *
 * Exit status: 0 all hold, 1 some do not, 77 no usable Pyodide.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { OracleExit } from "./lib/events.mjs";
import { Interp, PYODIDE_VERSION, prepareInterpreter } from "./lib/interp.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
let status;
try {
	const { values } = parseArgs({ options: { snapshot: { type: "string" } } });
	const prep = await prepareInterpreter({
		snapshot: values.snapshot ?? path.join(HERE, "node_modules", ".cache", "oracle314",
			`pyodide-${PYODIDE_VERSION}.snapshot`),
	});
	const py = await prep.load();
	new Interp(py); /* the version and layout checks */
	const failures = py.runPython(fs.readFileSync(path.join(HERE, "pylevel.py"), "utf8")).toJs();
	for (const f of failures)
		process.stderr.write(`pylevel: ${f}\n`);
	process.stdout.write(failures.length ? `pylevel: ${failures.length} failed\n` : "pylevel: all hold\n");
	status = failures.length ? 1 : 0;
} catch (e) {
	if (!(e instanceof OracleExit))
		throw e;
	process.stderr.write(`pylevel: ${e.status === 77 ? "skip" : "error"}: ${e.message}\n`);
	status = e.status;
}
process.exit(status);
