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
		if (text === undefined)
			text = fs.readFileSync(input, "utf8");
		const lines = sourceLines(formatOf(input, text), text, events);
		events.forEach((ev, i) => { ev.line = lines[i]; });
		return events;
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

/* The words a text line may start with for each op ("unref ID" is read
 * as del). */
const FIRST_WORD = {
	alloc: ["alloc"], ref: ["ref"], unref: ["unref"], del: ["del", "unref"],
	collect: ["collect"], gc: ["gc"], expect: ["expect"], setting: ["#:"],
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
