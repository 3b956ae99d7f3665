#!/usr/bin/env python3
"""Differential conformance: gcsim against the real CPython, step by step.

    compare.py --gcsim PATH --oracle PATH --python 3.12 [--threshold T] TRACE|DIR...
    compare.py --gcsim PATH --oracle tests/conformance/oracle314/oracle314.mjs \
               --python 3.14.2 TRACE|DIR...

For each trace, runs `gcsim run --python V --format jsonl TRACE` and the
oracle (tests/conformance/oracle.c, built against one interpreter) on it,
and compares every step's count, gen_sizes, freelist, stats, freed (as
sets) and refcnt (exactly where the oracle says the real refcount is the
trace's alone, else only freed vs alive), then the summary's live
refcounts, and whether the expect lines passed under both.  Reports the
first differing step of each trace and ends with "N passed, N failed"
(", N skipped" when some were).  Exit status: 0 all passed, 1 a mismatch
or a failed run, 2 usage.

The oracle is a binary (oracle.c) or a Node script (a path ending in .mjs
or .js, such as oracle314/oracle314.mjs, the CPython 3.14.2 oracle on
Pyodide): a script runs under --node and is given `--gcsim PATH`, since it
reads traces through `gcsim convert`.  --oracle-arg passes more options to
the oracle (e.g. --oracle-arg=--snapshot=FILE).  Where both outputs carry
the incremental collector's state (`inc`), the keys they share are
compared too, so a divergence shows at its cause (work_to_do, phase, ...).
--recorded DIR reads the oracle's runs from DIR instead (oracle314.mjs
--record DIR replays many traces in one process: much faster than a
process per trace).

A trace the oracle cannot judge (written for another version, or using
`gc unfreeze`) exits 77 from the oracle and is counted as skipped.

Standard library only: it runs under whatever python3 is on PATH.
"""

import argparse
import json
import os
import subprocess
import sys

SKIP = 77
TRACE_EXTS = (".trace", ".json", ".jsonl")
STATE_FIELDS = ("count", "gen_sizes", "freelist", "stats")


class RunError(Exception):
    pass


def collect_traces(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                if name.endswith(TRACE_EXTS):
                    out.append(os.path.join(p, name))
        else:
            out.append(p)
    return out


def run(cmd, timeout):
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RunError("timed out after %ds: %s" % (timeout, " ".join(cmd)))
    except OSError as e:
        raise RunError("cannot run %s: %s" % (cmd[0], e))
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def parse_jsonl(text, who):
    """Steps (by step number) and the summary object of a jsonl output."""
    steps, summary = [], None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise RunError("%s: output line %d is not JSON: %s" % (who, n, e))
        if "summary" in obj:
            summary = obj["summary"]
        elif "step" in obj:
            steps.append(obj)
    return steps, summary


def source_line(path, line, cache={}):
    """The text of a trace's source line, for reports (best effort)."""
    if path not in cache:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                cache[path] = f.read().splitlines()
        except OSError:
            cache[path] = []
    lines = cache[path]
    if isinstance(line, int) and 1 <= line <= len(lines):
        return lines[line - 1].strip()
    return None


def diff_step(g, o):
    """Differences between a gcsim step and the oracle's: [(field, g, o)]."""
    out = []
    for key in ("op",) + STATE_FIELDS:
        if g.get(key) != o.get(key):
            out.append((key, g.get(key), o.get(key)))
    gi, oi = g.get("inc"), o.get("inc")
    if isinstance(gi, dict) and isinstance(oi, dict):
        for key in sorted(set(gi) & set(oi)):
            if gi[key] != oi[key]:
                out.append(("inc." + key, gi[key], oi[key]))
    gf, of = g.get("freed"), o.get("freed")
    if not isinstance(gf, list) or set(gf) != set(of or []):
        out.append(("freed", gf, of))
    gr, orc = g.get("refcnt"), o.get("refcnt")
    if o.get("refcnt_exact"):
        if gr != orc:
            out.append(("refcnt", gr, orc))
    elif (gr is None) != (orc is None):
        out.append(("refcnt (freed or alive)", gr, orc))
    return out


def fmt(v):
    return json.dumps(v, separators=(",", ":"))


def oracle_command(args):
    """The oracle's command line up to its options: a binary, or a Node
    script that reads traces through gcsim."""
    if args.oracle.endswith((".mjs", ".js")):
        return [args.node, args.oracle, "--gcsim", args.gcsim] + args.oracle_arg
    return [args.oracle] + args.oracle_arg


def recorded(dir, trace):
    """An oracle's run recorded by `oracle314.mjs --record DIR`."""
    base = os.path.join(dir, os.path.abspath(trace).replace("/", "%"))
    try:
        with open(base + ".rc", encoding="utf-8") as f:
            rc_lines = f.read().splitlines()
        with open(base + ".jsonl", encoding="utf-8") as f:
            out = f.read()
        return int(rc_lines[0]), out, "\n".join(rc_lines[1:])
    except (OSError, ValueError, IndexError) as e:
        raise RunError("no recorded oracle run for %s: %s" % (trace, e))


def compare_trace(args, trace):
    """Returns ("pass"|"fail"|"skip", [report lines])."""
    extra = ["--threshold", args.threshold] if args.threshold else []
    if args.recorded:
        o_rc, o_out, o_err = recorded(args.recorded, trace)
    else:
        o_rc, o_out, o_err = run(oracle_command(args) + extra + [trace],
                                 args.timeout)
    if o_rc == SKIP:
        why = o_err.strip().splitlines()
        return "skip", [why[-1] if why else "oracle skipped it"]
    if o_rc not in (0, 1):
        return "fail", ["oracle failed (exit %d): %s" % (o_rc, o_err.strip())]

    sim_cmd = [args.gcsim, "run", "--python", args.python,
               "--format", "jsonl"] + extra + [trace]
    g_rc, g_out, g_err = run(sim_cmd, args.timeout)
    if g_rc not in (0, 1):
        return "fail", ["gcsim failed (exit %d): %s" % (g_rc, g_err.strip())]

    g_steps, g_sum = parse_jsonl(g_out, "gcsim")
    o_steps, o_sum = parse_jsonl(o_out, "oracle")
    report = []

    for i, o in enumerate(o_steps):
        if i >= len(g_steps):
            report.append("gcsim stopped after step %d; the oracle has %d"
                          % (len(g_steps), len(o_steps)))
            break
        g = g_steps[i]
        diffs = diff_step(g, o)
        if g.get("step") != o.get("step") or g.get("line") != o.get("line"):
            diffs.insert(0, ("step/line", [g.get("step"), g.get("line")],
                             [o.get("step"), o.get("line")]))
        if diffs:
            line = o.get("line")
            text = source_line(trace, line)
            report.append("first difference at step %s (line %s%s):"
                          % (o.get("step"), line,
                             ": %s" % text if text else ""))
            for field, gv, ov in diffs:
                report.append("  %s: gcsim %s, python %s"
                              % (field, fmt(gv), fmt(ov)))
            if i > 0:
                prev = o_steps[i - 1]
                report.append("  (state before, python: count %s, "
                              "gen_sizes %s)" % (fmt(prev.get("count")),
                                                 fmt(prev.get("gen_sizes"))))
            break
    else:
        if len(g_steps) > len(o_steps):
            report.append("gcsim has %d steps, the oracle %d"
                          % (len(g_steps), len(o_steps)))

    if not report:
        if o_sum is None or g_sum is None:
            report.append("missing summary (%s)" %
                          ("oracle" if o_sum is None else "gcsim"))
        else:
            o_live = o_sum.get("live", {})
            g_live = g_sum.get("live", {})
            bad = []
            for ident, rc in sorted(o_live.items()):
                if ident not in g_live:
                    bad.append("%s: gcsim has it dead, python refcnt %d"
                               % (ident, rc))
                elif g_live[ident] != rc:
                    bad.append("%s: gcsim refcnt %s, python %d"
                               % (ident, fmt(g_live[ident]), rc))
            if bad:
                report.append("summary live refcounts differ:")
                report.extend("  " + b for b in bad)

    if not report and g_rc != o_rc:
        report.append("expect lines: gcsim exit %d, python exit %d"
                      % (g_rc, o_rc))
        detail = (o_err if o_rc else g_err).strip()
        if detail:
            report.extend("  " + l for l in detail.splitlines()[:10])

    return ("fail" if report else "pass"), report


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="compare gcsim with a CPython oracle, step by step")
    ap.add_argument("--gcsim", required=True, help="the gcsim binary")
    ap.add_argument("--oracle", required=True,
                    help="an oracle binary (tests/conformance/oracle.c), or "
                    "a Node script (.mjs/.js: oracle314/oracle314.mjs)")
    ap.add_argument("--node", default="node",
                    help="Node, for an oracle that is a script (default node)")
    ap.add_argument("--oracle-arg", action="append", default=[],
                    metavar="ARG", help="one more option for the oracle "
                    "(repeatable), e.g. --oracle-arg=--snapshot=FILE")
    ap.add_argument("--recorded", metavar="DIR",
                    help="read the oracle's runs from DIR (written by "
                    "oracle314.mjs --record DIR) instead of running it")
    ap.add_argument("--python", required=True,
                    help="gcsim profile matching the oracle, e.g. 3.12")
    ap.add_argument("--threshold", metavar="T0[,T1[,T2]]",
                    help="passed to both")
    ap.add_argument("--timeout", type=int, default=600,
                    help="seconds per run (default 600)")
    ap.add_argument("--quiet", action="store_true",
                    help="print only failures and the totals")
    ap.add_argument("traces", nargs="+", metavar="TRACE",
                    help="trace files, or directories of them")
    args = ap.parse_args(argv)

    traces = collect_traces(args.traces)
    if not traces:
        ap.error("no traces found")
    if args.recorded and not (os.path.isdir(args.recorded) and os.listdir(args.recorded)):
        # The recording run was skipped (no node, no npm package): so is this.
        print("no oracle runs recorded in %s: skip" % args.recorded, file=sys.stderr)
        return 77
    counts = {"pass": 0, "fail": 0, "skip": 0}
    for t in traces:
        try:
            verdict, report = compare_trace(args, t)
        except RunError as e:
            verdict, report = "fail", [str(e)]
        counts[verdict] += 1
        if verdict == "pass" and args.quiet:
            continue
        print("%s: %s" % (t, {"pass": "ok", "fail": "FAILED",
                               "skip": "skipped"}[verdict]))
        for line in report:
            print("  " + line)
    total = "%d passed, %d failed" % (counts["pass"], counts["fail"])
    if counts["skip"]:
        total += ", %d skipped" % counts["skip"]
    print(total)
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
