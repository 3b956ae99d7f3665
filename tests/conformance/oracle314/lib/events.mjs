/*
 * events.mjs - the trace's events, read by gcsim itself.
 *
 * The trace language has one reader, gcsim's (sim/trace.c).  This module
 * runs `gcsim convert TRACE OUT.jsonl` and takes the JSON-lines events it
 * writes (their forms are listed at the top of sim/trace.c).  An invalid
 * trace is reported by gcsim, with file, line and column, and the oracle
 * exits 3 (4 for an I/O error) as gcsim does.
 *
 * The JSON events carry no source line, which the oracle's output and its
 * expect messages need.  sourceLines() recovers them without parsing
 * events: in a text trace every event is one line whose first non-blank
 * character is not '#', and every line that starts with "#:" is a setting;
 * in .jsonl every non-blank line is one event; in a .json array every
 * top-level element is one.  Each line found is checked against the event
 * gcsim read from it (its first word must name the event's op), so the
 * two can never drift apart silently.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/* A failure with the exit status the oracle must report. */
export class OracleExit extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

/* gcsim's own statuses for convert: 3 invalid trace, 4 I/O. */
const CONVERT_STATUS = { 3: 3, 4: 4 };

/* Which format gcsim reads a path as (trace.c: by extension, stdin by
 * its first non-blank byte). */
function formatOf(file, text) {
	const lower = file.toLowerCase();
	if (lower.endsWith(".jsonl"))
		return "jsonl";
	if (lower.endsWith(".json"))
		return "json";
	if (text === undefined)
		return "text";
	const m = /^[ \t\r\n]*(.)/.exec(text.replace(/^\uFEFF/, ""));
	return m && m[1] === "[" ? "json" : m && m[1] === "{" ? "jsonl" : "text";
}

/*
 * The events of TRACE ("-": standard input) as objects, each with the
 * source line it came from (ev.line).  gcsimPath runs the conversion.
 */
export function readEvents(gcsimPath, trace) {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "oracle314-"));
	try {
		let input = trace, text;
		if (trace === "-") {
			text = fs.readFileSync(0, "utf8");
			const ext = { text: ".trace", json: ".json", jsonl: ".jsonl" };
			input = path.join(tmp, "stdin" + ext[formatOf("-", text)]);
			fs.writeFileSync(input, text);
		}
		const out = path.join(tmp, "events.jsonl");
		const r = spawnSync(gcsimPath, ["convert", input, out], {
			encoding: "utf8",
			maxBuffer: 1 << 20,
		});
		if (r.error)
			throw new OracleExit(4, `cannot run ${gcsimPath}: ${r.error.message}`);
		if (r.status !== 0) {
			const msg = (r.stderr || "").trim().replace(/^gcsim: error: /, "");
			throw new OracleExit(CONVERT_STATUS[r.status] ?? 4,
				msg || `gcsim convert exited ${r.status}`);
		}
		const events = fs.readFileSync(out, "utf8").split("\n")
			.filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
		if (events.some((ev) => ev.op === "alloc" && EXACT_TYPES.has(ev.type)))
			exactValues(gcsimPath, input, tmp, events);
		if (text === undefined)
			text = fs.readFileSync(input, "utf8");
		const lines = sourceLines(formatOf(input, text), text, events);
		events.forEach((ev, i) => { ev.line = lines[i]; });
		return events;
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

/*
 * Values, exactly.  gcsim's JSON writer loses two kinds of value: numbers
 * go through cJSON, whose round-trip test is approximate (the float
 * 9007199254740992.0 comes out as 9.00719925474099e+15), and strings are
 * cut at an embedded NUL ("\x00nul" comes out as "").  Its text writer
 * keeps both ("%.17g"; quoted strings with \" \\ \n \t \xHH escapes), so
 * the values of float, str and bytes allocations are taken from a text
 * conversion, one event per line in the same order: `alloc ID TYPE VALUE`.
 */
const EXACT_TYPES = new Set(["float", "str", "bytes"]);

function exactValues(gcsimPath, input, tmp, events) {
	const out = path.join(tmp, "events.trace");
	const r = spawnSync(gcsimPath, ["convert", input, out], { encoding: "utf8" });
	if (r.error || r.status !== 0)
		throw new OracleExit(4, `gcsim convert to text failed: ${(r.stderr || "").trim()}`);
	const lines = fs.readFileSync(out, "utf8").split("\n").filter((l) => l.trim() !== "");
	if (lines.length !== events.length)
		throw mismatch(`text conversion has ${lines.length} lines, ${events.length} events`);
	events.forEach((ev, i) => {
		if (ev.op !== "alloc" || !EXACT_TYPES.has(ev.type) || ev.value === undefined)
			return;
		const head = `alloc ${ev.id} ${ev.type} `;
		if (!lines[i].startsWith(head))
			throw mismatch(`text line ${i + 1} does not start with '${head}'`);
		const v = lines[i].slice(head.length);
		ev.value = ev.type === "float" ? v : unquote(v, i + 1);
	});
}

/* A quoted string as gcsim's text writer writes it: for str, \xHH is a
 * control character; for bytes (one char per byte), any byte. */
function unquote(q, n) {
	const m = /^"((?:[^"\\]|\\["\\nt]|\\x[0-9a-fA-F]{2})*)"$/.exec(q);
	if (!m)
		throw mismatch(`text line ${n}: cannot read the value ${q}`);
	return m[1].replace(/\\(["\\nt]|x[0-9a-fA-F]{2})/g, (_, e) =>
		e === "n" ? "\n" : e === "t" ? "\t" : e[0] === "x" ? String.fromCharCode(parseInt(e.slice(1), 16)) : e);
}

/* The words a text line may start with for each op ("unref ID" is read
 * as del). */
const FIRST_WORD = {
	alloc: ["alloc"], ref: ["ref"], unref: ["unref"], del: ["del", "unref"],
	collect: ["collect"], gc: ["gc"], expect: ["expect"], setting: ["#:"],
	pack: ["pack"], weakref: ["weakref"], on: ["on"],
};

function mismatch(what) {
	return new OracleExit(5, "internal error: cannot match the trace's " +
		"lines to gcsim's events (" + what + ")");
}

/* 1-based source line of each event, in order. */
export function sourceLines(format, text, events) {
	text = text.replace(/^\uFEFF/, "");
	const lines = [];
	if (format === "json") {
		/* The line of each top-level element's '{'. */
		let depth = 0, inStr = false, esc = false, line = 1;
		for (const c of text) {
			if (c === "\n")
				line++;
			if (inStr) {
				if (esc)
					esc = false;
				else if (c === "\\")
					esc = true;
				else if (c === '"')
					inStr = false;
			} else if (c === '"') {
				inStr = true;
			} else if (c === "{" || c === "[") {
				if (depth === 1 && c === "{")
					lines.push(line);
				depth++;
			} else if (c === "}" || c === "]") {
				depth--;
			}
		}
	} else {
		text.split("\n").forEach((l, i) => {
			const t = l.replace(/^[ \t\r]+/, "");
			if (t === "")
				return;
			if (format === "jsonl" || t.startsWith("#:") || t[0] !== "#")
				lines.push({ line: i + 1, word: t.startsWith("#:") ? "#:" : t.split(/[ \t\r]/)[0] });
		});
	}
	if (lines.length !== events.length)
		throw mismatch(`${lines.length} lines, ${events.length} events`);
	if (format !== "text")
		return lines.map((l) => (typeof l === "number" ? l : l.line));
	return lines.map((l, i) => {
		if (!(FIRST_WORD[events[i].op] || []).includes(l.word))
			throw mismatch(`line ${l.line} starts with '${l.word}', ` +
				`event ${i + 1} is '${events[i].op}'`);
		return l.line;
	});
}
